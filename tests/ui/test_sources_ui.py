"""The source panel (S) and the inbox's failing marker, driven with Pilot; the row helpers directly."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Label, Static

from tests.helpers import MIXED, FeedSource, fixed_clock
from tui.cli import main
from tui.rules.config import Config
from tui.services.session_health import SourceStatus, health_state, split_error
from tui.sources.base import Item, Source
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.inbox import InboxScreen
from tui.ui.screens.sources import SourcesScreen, detail_text, row_cells

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class FailingFeed(FeedSource):
    """Fails as the HTTP sources do: marks itself unhealthy with a reason and a next try, then waits."""

    platform = "rss"

    def __init__(self, reason: str = "HTTP 500 from https://x.example") -> None:
        super().__init__()
        self.name = "status-feed"
        self.reason = reason

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        self.health.fail(self.reason, retry_in=120)
        async for item in super().items(cursor):
            yield item


class Crashing(Source):
    """A source whose `items()` raises: the app catches it and marks the source failing."""

    platform = "test"

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        raise RuntimeError("boom [bold]not markup[/bold]")
        yield Item()  # pragma: no cover  (makes this an async generator)


def app_with(tmp_path: Path, *sources: Source) -> TurnaroundApp:
    return make_app(Config(), tmp_path / "store.json", sources=list(sources), clock=fixed_clock)


async def wait_for(pilot: Any, check: Any, tries: int = 60) -> None:
    for _ in range(tries):
        await pilot.pause(0.05)
        if check():
            return
    raise AssertionError("condition never held")


def table_rows(screen: SourcesScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def status_line(app: TurnaroundApp) -> str:
    return str(app.screen.query_one("#status", Label).content)


async def test_healthy_feed_shows_ok(tmp_path: Path) -> None:
    source = FeedSource(MIXED)
    app = app_with(tmp_path, source)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.delivered.get("test-feed", 0) == len(MIXED))
        assert app.sources == [source]
        assert "failing" not in status_line(app)
        await pilot.press("S")
        assert isinstance(app.screen, SourcesScreen)
        [row] = table_rows(app.screen)
        assert row[:3] == ["test-feed", "test", "✓ ok"]
        assert row[-1] == "-", "no error"
        detail = str(app.screen.query_one("#source-detail", Static).content)
        assert f"{len(MIXED)} items this session" in detail
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)


async def test_failing_source_shows_reason_marker_and_notifies_once(tmp_path: Path) -> None:
    failing = FailingFeed()
    app = app_with(tmp_path, FeedSource(MIXED), failing)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "⚠ 1 source failing (S)" in status_line(app))
        await pilot.pause(1.2)  # another health check: still one notification
        notes = [n for n in app._notifications if "status-feed" in n.message]
        assert len(notes) == 1
        assert "HTTP 500 from https://x.example" in notes[0].message
        assert not notes[0].markup
        await pilot.press("S")
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        healthy, bad = table_rows(screen)
        assert healthy[2] == "✓ ok"
        assert bad[:3] == ["status-feed", "rss", "✗ failing"]
        assert bad[4].startswith("in ") and bad[4].endswith("m"), bad[4]
        assert bad[-1].startswith("HTTP 500 from https:/"), "cut to the width left at 80 columns"
        table = screen.query_one(DataTable)
        assert table.virtual_size.width <= table.size.width, "the table never scrolls sideways"
        assert "⚠ 1 failing" in str(screen.query_one("#sources-title", Label).content)
        await pilot.press("j")
        detail = str(screen.query_one("#source-detail", Static).content)
        assert "last error (" in detail and "HTTP 500 from https://x.example" in detail
        # Recovery shows while the panel is open (it re-reads every second), and on the inbox.
        failing.health.ok()
        await wait_for(pilot, lambda: table_rows(screen)[1][2] == "✓ ok", tries=40)
        await pilot.press("escape")
        await wait_for(pilot, lambda: "failing" not in status_line(app), tries=40)


async def test_raising_source_is_failing_with_plain_text_reason(tmp_path: Path) -> None:
    app = app_with(tmp_path, Crashing("crashy"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "⚠ 1 source failing (S)" in status_line(app))
        await pilot.press("S")
        [row] = table_rows(app.screen)
        assert row[2] == "✗ failing"
        assert row[-1].startswith("boom [bold]not"), "error text is shown as is, never as markup"
        detail = str(app.screen.query_one("#source-detail", Static).content)
        assert "boom [bold]not markup[/bold]" in detail
        notes = [n for n in app._notifications if "crashy" in n.message]
        assert len(notes) == 1 and not notes[0].markup


async def test_demo_shows_the_demo_source(tmp_path: Path) -> None:
    app = make_app(Config(), tmp_path / "store.json", demo=True, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: bool(app.sources))
        await pilot.press("S")
        assert isinstance(app.screen, SourcesScreen)
        [row] = table_rows(app.screen)
        assert row[1] == "demo"


def test_rows_are_plain_and_relative() -> None:
    source = SourceStatus("bsky-brand", "bluesky", "failing", healthy=False,
                          last_success=(NOW - timedelta(minutes=5)).isoformat(),
                          last_error=f"{(NOW - timedelta(seconds=30)).isoformat()} HTTP 401 "
                                     "\x1b[31mred\x1b[0m [link=x]y[/link]",
                          next_try=(NOW + timedelta(seconds=45)).isoformat(),
                          warnings=("follower counts unavailable: HTTP 429",))
    cells = row_cells(source, NOW)
    assert all(isinstance(cell, Text) and not cell.spans for key, cell in cells.items() if key != "health")
    assert str(cells["success"]) == "5m ago"
    assert str(cells["next"]) == "in 45s"
    assert str(cells["warnings"]) == "⚠ 1"
    assert str(cells["error"]) == "HTTP 401 red [link=x]y[/link]", "escapes dropped, brackets kept as text"
    detail = str(detail_text(source, NOW))
    assert "last error (30s ago): HTTP 401" in detail
    assert "⚠ follower counts unavailable: HTTP 429" in detail
    assert split_error("no timestamp here") == (None, "no timestamp here")
    assert health_state(True, None) == "never"
    assert health_state(True, None, delivered=3) == "ok"
    assert health_state(False, None) == "failing"


UNSTARTABLE = [{"type": "bluesky", "handle": "brand.bsky.social",
                "app_password_env": "TURNAROUND_TEST_UNSET"},
               {"type": "mastodon", "name": "half-done"}]
"""Issue 14: one source whose secret is unset, one incomplete table: the app cannot start either."""


def _config_file(tmp_path: Path, tables: list[dict[str, Any]]) -> Path:
    lines = []
    for table in tables:
        lines.append("[[sources]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


async def test_sources_that_could_not_start_are_listed_with_why(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("TURNAROUND_TEST_UNSET", raising=False)
    app = make_app(Config(sources=UNSTARTABLE), tmp_path / "store.json", clock=fixed_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("S")
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        bluesky, mastodon = table_rows(screen)
        assert bluesky[:3] == ["bluesky-1", "bluesky", "⊘ not started"]
        assert bluesky[-1].startswith("sources[1] (bluesky): needs an app")
        detail = str(screen.query_one("#source-detail", Static).content)
        assert "not started: " in detail and "$TURNAROUND_TEST_UNSET is empty" in detail
        assert mastodon[:3] == ["half-done", "mastodon", "⊘ not started"]
        await pilot.press("j")
        assert "'instance' must be" in str(screen.query_one("#source-detail", Static).content)
        title = str(screen.query_one("#sources-title", Label).content)
        assert "No sources running" not in title and "⊘ 2 not started" in title
    config = _config_file(tmp_path, UNSTARTABLE)
    assert main(["sources", "--config", str(config), "--db", str(tmp_path / "store.json")]) == 0
    out = capsys.readouterr().out
    [bluesky_line] = [line for line in out.splitlines() if line.startswith("bluesky-1")]
    [mastodon_line] = [line for line in out.splitlines() if line.startswith("half-done")]
    assert "not started" in bluesky_line and "TURNAROUND_TEST_UNSET" in bluesky_line
    assert "not started" in mastodon_line and "instance" in mastodon_line


class StuckFeed(Source):
    """Fails and then waits for its next try, as the HTTP sources do: it never ends by itself."""

    platform = "rss"

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        self.health.fail("HTTP 503 from https://status.example", retry_in=600)
        await asyncio.sleep(3600)
        yield Item()  # pragma: no cover


async def test_the_failure_the_app_saw_is_what_the_sources_command_shows(tmp_path: Path, capsys) -> None:
    tables = [{"type": "rss", "name": "status-feed", "url": "https://status.example/feed"}]
    db = tmp_path / "store.json"
    app = make_app(Config(sources=tables), db, sources=[StuckFeed("status-feed")], clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "⚠ 1 source failing (S)" in status_line(app))
    assert main(["sources", "--config", str(_config_file(tmp_path, tables)), "--db", str(db)]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("status-feed")]
    assert "failing" in line and "HTTP 503 from https://status.example" in line
