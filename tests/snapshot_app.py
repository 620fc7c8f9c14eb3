"""A deterministic Turnaround for snapshot tests and README screenshots.

The same picture every run: a fixed set of demo mentions (the first `LINES` of the bundled demo set,
re-based onto the fixed clock of `tests.helpers`), a fresh store, a chosen theme, no cursor blink, and
`settle()` to wait until every mention is filed and the read timer can no longer change the screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.helpers import NOW, FeedSource, fixed_clock
from tui.core.model import parse_time
from tui.rules.config import demo_config
from tui.sources.demo import demo_lines
from tui.ui.app import TurnaroundApp, make_app

LINES = 56
"""Sunday morning to the start of the Orbit overheating crisis: praise, questions, complaints, trolls,
threads with the brand's replies, and a crisis on top of the priority queue."""
SQUEEZE = 8.0
"""The backlog's hours are squeezed as the live demo squeezes them, so clocks read as one shift."""

ScreenSteps = Callable[[Any], Awaitable[None]]
"""What brings a freshly started snapshot app to one screen, given the Pilot."""

DRAFT = "We can't refund that, it's not available. You were supposed to read the FAQ!!!"
"""A reply full of dead ends, excuses and blame: the hint panel has plenty to say about it."""


def snapshot_mentions(lines: int = LINES, now: datetime = NOW) -> list[dict[str, Any]]:
    """The first `lines` demo mentions, the last one two minutes before `now`, gaps squeezed."""
    chosen = [dict(data) for data in demo_lines()[:lines]]
    last = max(parse_time(data["created_at"]) for data in chosen)
    for data in chosen:
        ago = (last - parse_time(data["created_at"])) / SQUEEZE
        data["created_at"] = (now - ago - timedelta(minutes=2)).isoformat(timespec="seconds")
    return chosen


def make_snapshot_app(db: Path, theme: str = "brightside-dark", *, lines: int = LINES) -> TurnaroundApp:
    """The demo brand and badge, fed from a fixed set of mentions, at a fixed time, in `theme`."""
    config = replace(demo_config(), theme=theme)
    source = FeedSource(snapshot_mentions(lines))
    app = make_app(config, db, demo=True, sources=[source], clock=fixed_clock)
    app.snapshot_source = source  # type: ignore[attr-defined]
    return app


def no_blink(app: TurnaroundApp) -> None:
    """A blinking cursor would make two runs differ: keep every cursor steadily on."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]


async def settle(pilot: Any, *, timeout: float = 10.0) -> None:
    """Wait until the feed is drained, the store has stopped growing and the inbox shows it all.

    Then the cursor's mention is marked read with `n`, which also stops the 1.5 s read timer, so
    nothing changes the picture afterwards (clocks are fixed; the 30 s redraw repaints the same).
    """
    app: TurnaroundApp = pilot.app
    source: FeedSource = app.snapshot_source  # type: ignore[attr-defined]
    steady, last, waited = 0, -1, 0.0
    while steady < 3:
        await pilot.pause(0.05)
        waited += 0.05
        if waited > timeout:
            raise TimeoutError(f"the snapshot app did not settle in {timeout} s")
        count = app.session.store.mention_count() if app.session is not None else -1
        if source.queue.empty() and count == last and count > 0:
            steady += 1
        else:
            steady = 0
        last = count
    await pilot.pause(0.25)  # the inbox applies arrivals every 0.1 s
    await pilot.press("n")
    await pilot.pause(0.05)
    no_blink(app)


async def show_inbox(pilot: Any) -> None:
    await settle(pilot)


async def show_thread(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause(0.1)


async def show_reply(pilot: Any) -> None:
    """`r`, then the draft typed in one edit, then past the hint debounce."""
    from tui.ui.widgets.draft_area import DraftArea

    await settle(pilot)
    await pilot.press("r")
    await pilot.pause(0.1)
    pilot.app.screen.query_one(DraftArea).insert(DRAFT)
    await pilot.pause(0.3)
    no_blink(pilot.app)


def keys_screen(*presses: tuple[str, ...], pause: float = 0.1, doc: str = "") -> ScreenSteps:
    """The steps of a screen reached from the settled inbox by key presses, each group followed by
    `pause` seconds; the cursors are then made steady."""

    async def show(pilot: Any) -> None:
        await settle(pilot)
        for keys in presses:
            await pilot.press(*keys)
            await pilot.pause(pause)
        no_blink(pilot.app)

    show.__doc__ = doc
    return show


show_walk_away = keys_screen(("w",), pause=0.2)
show_snooze = keys_screen(("s",), tuple("tomorrow 9am"),
                          doc="`s` with a time typed: the dialog says the time it understood.")
show_snooze_error = keys_screen(("s",), (*"whenever", "enter"),
                                doc="`s` with nonsense and Enter: the dialog stays open and says what it "
                                    "could not read.")
show_escalate = keys_screen(("e",), pause=0.2)
show_tag = keys_screen(("number_sign",))


async def show_answered(pilot: Any) -> None:
    """Escalate the cursor's mention with a note, find it in the escalated queue, then `a`."""
    await settle(pilot)
    uid = pilot.app.screen.mention_list.current_uid
    await pilot.press("e")
    await pilot.pause(0.1)
    await pilot.press("enter", *"double charge on the Orbit order", "enter")
    await pilot.pause(0.1)
    await pilot.press("5")
    await pilot.pause(0.1)
    lst = pilot.app.screen.mention_list
    while lst.current_uid != uid:
        await pilot.press("j")
    await pilot.press("a")
    await pilot.pause(0.2)
    no_blink(pilot.app)


async def show_report(pilot: Any) -> None:
    """`R`, once the report (built in a thread: it reads archived history) is shown."""
    await settle(pilot)
    await pilot.press("R")
    for _ in range(100):
        await pilot.pause(0.05)
        if getattr(pilot.app.screen, "report", None) is not None:
            break
    await pilot.pause(0.1)


async def show_help(pilot: Any) -> None:
    """`?` on the inbox: its keys, grouped, from the live bindings."""
    await settle(pilot)
    await pilot.press("question_mark")
    await pilot.pause(0.1)


async def show_help_legend(pilot: Any) -> None:
    """`?` scrolled to its end: the legend of the row symbols, counts and clocks."""
    await show_help(pilot)
    await pilot.press("G")
    await pilot.pause(0.1)


async def show_thread_help(pilot: Any) -> None:
    """`?` on the thread: the workspace's own keys."""
    await show_thread(pilot)
    await pilot.press("question_mark")
    await pilot.pause(0.1)


SCREENS = {
    "inbox": show_inbox,
    "thread": show_thread,
    "reply": show_reply,
    "walk-away": show_walk_away,
    "snooze": show_snooze,
    "snooze-error": show_snooze_error,
    "escalate": show_escalate,
    "tag": show_tag,
    "answered": show_answered,
    "report": show_report,
    "help": show_help,
    "help-legend": show_help_legend,
    "thread-help": show_thread_help,
}
"""Each key screen, as the steps that bring a freshly started snapshot app to it."""
