"""The snooze dialog reads the time as you type, and a time it cannot read keeps it open."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import MIXED, FeedSource, fixed_clock, settle
from tui.rules.config import Config
from tui.ui.app import make_app
from tui.ui.screens.prompt import PromptScreen


def preview(screen: PromptScreen) -> str:
    return str(screen.query_one("#prompt-preview").render())


async def test_snooze_shows_the_time_it_understood_and_stays_open_on_a_bad_one(tmp_path: Path) -> None:
    app = make_app(Config(), tmp_path / "store.json", sources=[FeedSource(MIXED)], clock=fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.current_uid
        assert app.session is not None and uid is not None
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        await pilot.press(*"2h")
        await pilot.pause()
        wanted = app.session.lifecycle.read_when("2h", fixed_clock())
        assert f"{wanted:%H:%M}" in preview(screen) and "in 2h" in preview(screen)
        await pilot.press("backspace", "backspace", *"blurgh", "enter")
        await pilot.pause()
        assert app.screen is screen, "a time it cannot read keeps the dialog open"
        assert "blurgh" in preview(screen) or "try" in preview(screen)
        assert app.session.store.mention(uid)["state"] == "open"
        for _ in "blurgh":
            await pilot.press("backspace")
        await pilot.press(*"2h", "enter")
        await pilot.pause()
        assert app.screen is not screen
        assert app.session.store.mention(uid)["state"] == "snoozed"


async def test_walk_away_says_how_to_confirm(tmp_path: Path) -> None:
    app = make_app(Config(), tmp_path / "store.json", sources=[FeedSource(MIXED)], clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, len(MIXED))
        await pilot.press("w")
        await pilot.pause()
        how = str(app.screen.query_one("#walk-how").render())
        assert "Enter here walks away" in how and "Esc cancels" in how
        assert app.screen.query_one("#walk-how").region.bottom <= 24, "on screen at 80x24"
