"""The reply editor with Pilot: saved replies (ctrl+t) fill the editor and never send."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import MIXED, FeedSource, fixed_clock, settle
from tui.app import TurnaroundApp, make_app
from tui.config import Config
from tui.screens.reply import ReplyScreen
from tui.screens.templates import TemplatePicker
from tui.widgets.draft_area import DraftArea


def app_with(tmp_path: Path) -> TurnaroundApp:
    config = Config(brand="Brightside Coffee", agent="Sam")
    return make_app(config, tmp_path / "store.json", sources=[FeedSource(MIXED)], clock=fixed_clock)


async def test_ctrl_t_opens_the_saved_replies_and_enter_fills_the_editor(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app, len(MIXED))
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReplyScreen)
        await pilot.press("ctrl+t")
        await pilot.pause(0.2)
        assert app._exception is None, app._exception
        picker = app.screen
        assert isinstance(picker, TemplatePicker)
        preview = str(picker.query_one("#template-preview").render())
        assert "Sam" in preview, "the preview shows the template filled for this mention"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app._exception is None, app._exception
        assert isinstance(app.screen, ReplyScreen)
        text = app.screen.query_one(DraftArea).text
        assert "Sam" in text and "{agent}" not in text
        assert app.session is not None and app.session.outbox.items() == [], "a saved reply never sends"
