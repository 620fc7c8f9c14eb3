"""The lower layers stay UI-free, checked at run time (import-linter checks the same statically in CI):
each module imported alone, in a fresh interpreter. The core, storage and rules pull in no Textual, Rich
or httpx; services, sources and the command line's main module pull in no Textual (httpx itself may bring
Rich along for its own command line when click is installed, so Rich is not checked there)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parents[2] / "tui"


def _modules(*layers: str) -> list[str]:
    return sorted(f"tui.{layer}.{path.stem}" for layer in layers for path in (TUI / layer).glob("*.py")
                  if path.stem != "__init__")


def _imported(module: str, watched: tuple[str, ...]) -> str:
    code = (f"import sys, {module}; bad = [m for m in {watched!r} if m in sys.modules]; "
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("module", _modules("core", "storage", "rules"))
def test_core_storage_and_rules_import_no_ui_and_no_network(module: str) -> None:
    assert _imported(module, ("textual", "rich", "httpx")) == ""


@pytest.mark.parametrize("module", [*_modules("services", "sources"), "tui.cli.command"])
def test_services_sources_and_cli_main_import_no_textual(module: str) -> None:
    assert _imported(module, ("textual",)) == ""


FAST_COMMANDS = {
    "lint": ("asyncio", "httpx", "tinydb", "textual", "rich"),
    "triage": ("asyncio", "httpx", "tinydb", "textual", "rich", "orjson"),
    "--help": ("asyncio", "httpx", "tinydb", "textual", "rich", "tui.storage.store", "tui.rules.config"),
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
    (tui/rules/regexcache.py) instead of running the TOML and regex parsers, and skips typing."""
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
