"""The core stays UI-free: each core module imported alone, in a fresh interpreter, pulls in neither
Textual nor Rich. The UI depends on the core, never the reverse."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CORE = ["tui.model", "tui.sanitize", "tui.jsonio", "tui.store", "tui.config", "tui.paths", "tui.queues",
        "tui.triage", "tui.hints", "tui.templates", "tui.lint", "tui.lifecycle", "tui.followup", "tui.spikes",
        "tui.champions", "tui.report", "tui.report_text", "tui.inbox", "tui.pipeline", "tui.outbox",
        "tui.session", "tui.session_health", "tui.cli", "tui.cli_common", "tui.cli_collect",
        "tui.cli_triage", "tui.cli_export", "tui.cli_archive", "tui.cli_report", "tui.cli_sources",
        "tui.sources.base", "tui.sources.http", "tui.sources.html", "tui.sources.jsonl",
        "tui.sources.relay", "tui.sources.mastodon", "tui.sources.bluesky", "tui.sources.feed",
        "tui.sources.hn", "tui.sources.reddit", "tui.sources.demo", "tui.sources.registry",
        "tui.corrections"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_ui(module: str) -> None:
    code = (f"import sys, {module}; bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"


FAST_COMMANDS = {
    "lint": ("asyncio", "httpx", "tinydb", "textual", "rich"),
    "triage": ("asyncio", "httpx", "tinydb", "textual", "rich"),
    "--help": ("asyncio", "httpx", "tinydb", "textual", "rich", "tui.store", "tui.config"),
}
"""Issue 17: these start from editor hooks and scripts, so each loads only what it needs."""


@pytest.mark.parametrize("command", sorted(FAST_COMMANDS))
def test_fast_commands_load_only_what_they_need(command: str, tmp_path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Sorry for the wait! I've refunded you.\n")
    mention = tmp_path / "m.jsonl"
    mention.write_text('{"id": "1", "source": "x", "author": "@a", "text": "cold again", '
                       '"created_at": "2026-11-20T10:00:00Z"}\n')
    argv = {"lint": ["lint", str(draft)], "triage": ["triage", str(mention)], "--help": ["--help"]}[command]
    forbidden = FAST_COMMANDS[command]
    code = (f"import sys, contextlib\nfrom tui.cli import main\nwith contextlib.suppress(SystemExit):\n"
            f"    main({argv!r})\n"
            f"print('LOADED=' + ','.join(m for m in {forbidden!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    loaded = [line for line in result.stdout.splitlines() if line.startswith("LOADED=")]
    assert loaded == ["LOADED="], f"`turnaround {command}` imports {loaded}"


def test_warm_lint_does_not_parse_its_rules(tmp_path) -> None:
    """Issue 17: after the first run, lint reads its compiled patterns and parsed rules from the cache
    (tui/regexcache.py) instead of running the TOML and regex parsers, and skips typing."""
    draft = tmp_path / "draft.txt"
    draft.write_text("Unfortunately we can't refund that.\n")
    forbidden = ("tomllib", "typing", "json", "glob", "importlib.resources")
    code = (f"import sys, contextlib\nfrom tui.cli import main\nwith contextlib.suppress(SystemExit):\n"
            f"    main(['lint', {str(draft)!r}])\n"
            f"print('LOADED=' + ','.join(m for m in {forbidden!r} if m in sys.modules))")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
            for _ in range(2)]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr
    assert (tmp_path / "cache" / "turnaround" / "hint-patterns.marshal").is_file()
    hints = [run.stdout.split("LOADED=")[0] for run in runs]
    assert hints[0] == hints[1], "the same hints, cold or warm"
    assert "excuse" in runs[1].stdout or "negative-language" in runs[1].stdout
    assert runs[1].stdout.strip().endswith("LOADED="), runs[1].stdout
