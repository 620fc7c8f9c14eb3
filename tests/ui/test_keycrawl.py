"""The key crawl: on the demo with data, every binding of every screen and dialog is pressed.

Screens are not listed by hand: starting from the inbox, every key that opens a screen or dialog not
seen before adds it to the crawl, with the keys that reach it. On each screen the keys come from the
live `active_bindings` (the screen's, its focused widget's and the app's), so a new binding or a new
dialog is crawled without touching this file. After every key no exception may have escaped and the
app must still run; at the end it must still answer a key. Only `quit` is left out (it ends the app).
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from tests.helpers import FeedSource, fixed_clock
from tests.snapshot_app import make_snapshot_app, settle
from tui.rules.config import demo_config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.inbox import InboxScreen
from tui.ui.widgets.queue_bar import QueueBar

LINES = 120
"""Enough of the demo to be in the middle of its crisis: a spike is on, so `P` opens a statement."""
SKIP_ACTIONS = {"quit"}
MAX_DEPTH = 3
"""inbox → reply editor → saved replies is the deepest path an agent takes."""
EXPECTED = {"InboxScreen", "ThreadScreen", "ReplyScreen", "TemplatePicker", "ChampionsScreen",
            "SourcesScreen", "ReportScreen", "HelpScreen", "CommandPalette", "ChoiceScreen",
            "PromptScreen:Snooze until", "PromptScreen:Tag", "WalkAwayScreen", "StatementScreen",
            "CorrectScreen"}
"""What the crawl must at least reach, so that a broken opener cannot make it pass by crawling less."""


@pytest.fixture(autouse=True)
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`v` must never open a real browser from a test."""
    opened: list[str] = []
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    return opened


def state_of(screen: Screen[Any]) -> str:
    """A screen's name in the crawl: its class, and a prompt's title (one class serves two dialogs)."""
    title = getattr(screen, "title_text", None)
    name = type(screen).__name__
    return f"{name}:{title}" if title and name == "PromptScreen" else name


def alive(app: TurnaroundApp, where: str) -> None:
    assert app._exception is None, f"{where}: {app._exception!r}"
    assert app.return_code is None and app.is_running, f"{where}: the app ended"


async def to_inbox(pilot: Any, app: TurnaroundApp) -> InboxScreen:
    """Back to the inbox as an agent would (escape), then to its priority queue, nothing selected."""
    for _ in range(6):
        if isinstance(app.screen, InboxScreen):
            break
        await pilot.press("escape")
        await pilot.pause()
    while not isinstance(app.screen, InboxScreen):  # a screen escape does not close: still get home
        app.pop_screen()
        await pilot.pause()
    inbox = app.screen
    await pilot.press("escape", "escape")  # closes the filter, then clears a selection
    inbox.show_queue("priority")
    inbox.mention_list.focus()
    await pilot.pause()
    return inbox


async def open_path(pilot: Any, app: TurnaroundApp, path: tuple[str, ...]) -> Screen[Any]:
    await to_inbox(pilot, app)
    for key in path:
        await pilot.press(key)
        await pilot.pause(0.05)
        alive(app, f"opening {' '.join(path)}")
    return app.screen


async def crawl(pilot: Any, app: TurnaroundApp, path: tuple[str, ...], found: dict[str, tuple[str, ...]],
                keys_of: Callable[[list[str]], list[str]] = list) -> list[tuple[str, ...]]:
    """Press every key of the screen at `path` (`keys_of` may take a share of them); returns the paths
    to screens seen for the first time, recorded in `found`."""
    screen = await open_path(pilot, app, path)
    name = state_of(screen)
    keys = [key for key, active in screen.active_bindings.items()
            if active.binding.action not in SKIP_ACTIONS]
    assert keys, f"{name} has no bindings"
    new: list[tuple[str, ...]] = []
    for key in keys_of(keys):
        focused = app.focused
        await pilot.press(key)
        await pilot.pause()
        where = f"{name} (via {' '.join(path) or 'start'}): key {key!r}"
        alive(app, where)
        now = state_of(app.screen)
        if now not in found:
            found[now] = (*path, key)
            new.append((*path, key))
        if isinstance(screen, InboxScreen) and screen.is_current and screen.queue != "priority":
            screen.show_queue("priority")  # a queue key: the next keys need mentions to act on
        if app.screen is screen and app.focused is focused:
            continue
        # Back to where the crawl was: escape out of anything opened, else reopen the screen.
        for _ in range(4):
            if app.screen is screen or screen not in app.screen_stack:
                break
            await pilot.press("escape")
            await pilot.pause()
            alive(app, f"{where}, then escape")
        if app.screen is not screen:
            screen = await open_path(pilot, app, path)
        elif focused is not None and focused.is_attached and app.focused is not focused:
            focused.focus()
            await pilot.pause()
    return new


CHUNKS = 4
"""The inbox's keys are shared out over this many tests, each crawling on from what its keys open."""
REACHED: dict[str, tuple[str, ...]] = {}
"""Every screen the crawl tests reached (checked by the last test), and the keys that reach it."""
CRAWLED: set[str] = set()
"""Screens already crawled by an earlier chunk: one crawl each is enough."""


@pytest.mark.timeout(360)  # ~12 s of CPU each; a machine shared by eight test runs stretches that
@pytest.mark.parametrize("chunk", range(CHUNKS))
async def test_every_key_of_every_screen_and_dialog(tmp_path: Path, chunk: int) -> None:
    app = make_snapshot_app(tmp_path / "store.json", lines=LINES)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.session is not None and app.session.spikes.spikes(app.session.clock()), \
            "the crawl needs a spike on so that P opens the statement editor"
        found: dict[str, tuple[str, ...]] = {"InboxScreen": ()}
        todo = await crawl(pilot, app, (), found, lambda keys: keys[chunk::CHUNKS])
        while todo:
            path = todo.pop(0)
            name = next(state for state, way in found.items() if way == path)
            if name in CRAWLED or len(path) > MAX_DEPTH:
                continue
            CRAWLED.add(name)
            todo += await crawl(pilot, app, path, found)
        REACHED.update(found)
        # Still answering: a queue key changes the queue, ? opens help.
        await to_inbox(pilot, app)
        await pilot.press("2")
        assert app.screen.query_one(QueueBar).active == "needs-reply"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        alive(app, "the end of the crawl")


@pytest.mark.timeout(360)
async def test_every_key_on_an_empty_inbox(tmp_path: Path) -> None:
    """The first launch: no mention anywhere, and every key (and every screen it opens) still works."""
    app = make_app(demo_config(), tmp_path / "store.json", demo=True, sources=[FeedSource([])],
                   clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, InboxScreen) and app.screen.mention_list.uids == []
        found: dict[str, tuple[str, ...]] = {"InboxScreen": ()}
        todo = await crawl(pilot, app, (), found)
        while todo:
            path = todo.pop(0)
            if len(path) <= MAX_DEPTH:
                todo += await crawl(pilot, app, path, found)
        assert {"HelpScreen", "ReportScreen", "ChampionsScreen", "SourcesScreen"} <= set(found)
        await to_inbox(pilot, app)
        await pilot.press("2")
        assert app.screen.query_one(QueueBar).active == "needs-reply"
        alive(app, "the end of the crawl")


def test_the_crawl_reached_every_screen() -> None:
    """Run after the crawl: a broken opener must not let it pass by crawling less."""
    if len(CRAWLED) == 0:
        pytest.skip("run with the crawl tests above")
    missing = EXPECTED - set(REACHED)
    assert not missing, f"the crawl never reached {missing}; it reached {REACHED}"


@pytest.mark.parametrize("keys", [("P", "escape"), ("r", "escape"), ("P", "escape", "1")])
async def test_a_dialog_key_and_escape_in_one_burst_leave_the_inbox_as_it_was(
        tmp_path: Path, keys: tuple[str, ...]) -> None:
    """Keys typed faster than a screen mounts (the before-stop key smoke once left the statement
    editor open after P and Escape): each is handled in order, none is lost to the inbox."""
    from textual import events

    app = make_snapshot_app(tmp_path / "store.json", lines=LINES)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for key in keys:  # posted together: no pause for the pushed screen to mount
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(10):
            await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
