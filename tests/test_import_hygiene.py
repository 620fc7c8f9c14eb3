"""The core stays UI-free: each core module imported alone, in a fresh interpreter, pulls in neither
Textual nor Rich. The UI depends on the core, never the reverse."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ["tui.model", "tui.sanitize", "tui.store", "tui.config", "tui.paths", "tui.queues", "tui.triage",
        "tui.hints", "tui.templates", "tui.lint", "tui.lifecycle", "tui.followup", "tui.spikes",
        "tui.champions", "tui.report", "tui.inbox", "tui.pipeline", "tui.outbox", "tui.session",
        "tui.cli", "tui.sources.base", "tui.sources.http", "tui.sources.html", "tui.sources.jsonl",
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
