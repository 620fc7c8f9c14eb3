"""Toasts in the reply editor never cover the hint panel (issue 15), wide or narrow."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from tests.helpers import make_mention, settle
from tests.ui.test_app import app_with
from tui.ui.screens.reply import ReplyScreen


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_toasts_leave_the_hint_panel_readable(tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_with(tmp_path, [make_mention(1, "my order never arrived", minutes_ago=5)])
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot, app, 1)
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        await pilot.press(*"We can't help, it's not our fault!!!")
        await pilot.press("ctrl+n")  # a toast of its own may come; add two long ones
        screen.notify("Not sent: the server said 503. The draft is kept. " * 2, severity="error")
        screen.notify("Before you send: no-empathy, no-next-step. ctrl+s again to send as it is.")
        await pilot.pause(0.3)
        panel = screen.query_one("#hint-panel").region
        toasts = [toast.region for toast in screen.query(Toast)]
        assert toasts, "the toasts are up"
        for toast in toasts:
            assert not toast.overlaps(panel), f"a toast at {toast} covers the hints at {panel}"
