"""Archived history in the inbox: `/` finds it in any view, in a thread; the detail pane shows it; acting
restores it."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text

from tests.helpers import NOW, FeedSource, fixed_clock, make_mention, settle
from tui.core.triage import Triager
from tui.rules.config import Config
from tui.services.pipeline import Pipeline
from tui.storage.archive import ArchivePolicy
from tui.storage.store import Store
from tui.ui.app import make_app
from tui.ui.widgets.mention_list import MentionList

POLICY = ArchivePolicy(timedelta(days=30), frozenset({"done", "closed", "resolved"}))
AUTHOR = "@longtime@example.social"


def plain(widget: Any) -> str:
    shown = widget.content
    parts = shown.renderables if isinstance(shown, Group) else [shown]
    return "\n".join(part.plain if isinstance(part, Text) else str(part) for part in parts)


async def until(pilot: Any, check: Any, seconds: float = 5.0) -> None:
    """Let the app run until `check()` holds (an archive search reports from its thread)."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    assert check()


def archived_store(path: Path) -> None:
    """One settled mention from 90 days ago (archived) and a new one from the same author."""
    with Store(path) as store:
        pipeline = Pipeline(store, Triager.load(), clock=fixed_clock)
        old = make_mention(1, "My zebra-striped parcel never arrived, any news?", minutes_ago=90 * 24 * 60,
                           author=AUTHOR)
        pipeline.ingest(old)
        closed = (NOW - timedelta(days=89)).isoformat()
        store.update_mention("mastodon:1", {"state": "done", "closed_at": closed, "queue": "done"})
        pipeline.ingest(make_mention(2, "Where is my order? It is late again", minutes_ago=5, author=AUTHOR))
        assert store.archive_settled(NOW, POLICY) == 1
    with Store(path) as store:
        assert store.mention_count() == 1


async def test_filter_finds_archived_and_history_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    archived_store(path)
    app = make_app(Config(), path, sources=[FeedSource([])], clock=fixed_clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app, 1)
        lst = app.screen.query_one(MentionList)
        queue = app.session.inbox.queue_of_uid("mastodon:2")
        await pilot.press({"priority": "1", "needs-reply": "2"}[queue])
        await pilot.pause(0.1)
        assert lst.current_uid == "mastodon:2"
        detail = plain(app.screen.query_one("#detail-body"))
        assert "with us: 1 other mention ──" in detail and "zebra-striped parcel" in detail, detail

        await pilot.press("7", "slash", *"zebra", "enter")
        await until(pilot, lambda: list(lst.uids) == ["mastodon:1"])  # the archived mention, found by /
        row = "".join(seg.text for seg in lst.render_line(0))
        assert "zebra-striped" in row
        assert "mastodon:1" not in [m["uid"] for m in app.session.store.mentions()]

        await pilot.press("d")  # acting on it brings it back into the live store
        await pilot.pause(0.1)
        restored = app.session.store.mention("mastodon:1")
        assert restored is not None and restored["state"] == "done"
        assert app.session.inbox.queue_of_uid("mastodon:1") == "done"
        assert [e["action"] for e in app.session.store.events_for("mastodon:1")] == ["done"]
    with Store(path) as store:
        assert store.mention("mastodon:1")["state"] == "done", "kept live, and kept once"
        assert [m["uid"] for m in store.all_mentions()].count("mastodon:1") == 1
        assert store.archive_settled(NOW + timedelta(days=60), POLICY) == 1, "moves again, later"
    with Store(path) as store:
        copies = [m for m in store.all_mentions() if m["uid"] == "mastodon:1"]
        assert len(copies) == 1 and copies[0]["state"] == "done", "the new copy replaced the old"
        assert [e["action"] for e in store.all_events()] == ["done"]


async def test_filter_finds_archived_in_any_view(tmp_path: Path) -> None:
    """The agent searches from where they are: an archived match is listed in every view, after the
    live ones, not only under Done."""
    path = tmp_path / "store.json"
    archived_store(path)
    app = make_app(Config(), path, sources=[FeedSource([])], clock=fixed_clock)
    async with app.run_test(size=(120, 30)) as pilot:
        lst = await settle(pilot, app, 1)
        await pilot.press("1", "slash", *"parcel", "enter")
        await until(pilot, lambda: list(lst.uids) == ["mastodon:1"])
        await pilot.press("escape", "slash", *"order", "enter")
        await until(pilot, lambda: not app.session.inbox.archive_pending)
        assert "mastodon:1" not in lst.uids, "a new filter drops the old archive hits"


async def test_archive_search_runs_off_the_ui_thread(tmp_path: Path, monkeypatch: Any) -> None:
    """While a slow archive search runs, keys are still handled at once: the filter box takes the
    next letters and the status line follows; the hits arrive when the search ends."""
    from textual.widgets import Input

    from tui.storage.archive import Archive

    path = tmp_path / "store.json"
    archived_store(path)
    release = threading.Event()
    waited: list[bool] = []
    threads: list[str] = []
    read_month = Archive.read_month

    def slow_read_month(self: Archive, month: str) -> Any:
        threads.append(threading.current_thread().name)
        # Not released within the time: the UI was blocked (the test releases it from there).
        waited.append(release.wait(timeout=3))
        return read_month(self, month)

    monkeypatch.setattr(Archive, "read_month", slow_read_month)
    app = make_app(Config(), path, sources=[FeedSource([])], clock=fixed_clock)
    async with app.run_test(size=(120, 30)) as pilot:
        lst = await settle(pilot, app, 1)
        box = app.screen.query_one("#filter", Input)
        await pilot.press("7", "slash", *"zebra")
        await until(pilot, lambda: bool(threads))  # the search is under way, and stuck
        assert "searching the archive" in lst.empty_text
        await pilot.press(*"-str")
        assert box.value == "zebra-str", "keys are handled while the archive search runs"
        assert app.session.inbox.filter_text == "zebra-str"
        release.set()
        await until(pilot, lambda: list(lst.uids) == ["mastodon:1"])
        assert waited and all(waited), "the search never had to wait for the UI"
        assert not any(name == "MainThread" for name in threads)
