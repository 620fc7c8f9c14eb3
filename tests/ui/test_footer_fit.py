"""Footers show what fits (issue 15): at 80 columns no label is cut mid-word; the least important
keys drop first (help.toml [footer]); the help key always shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import make_mention, settle
from tests.ui.test_app import app_with
from tui.ui.screens.reply import ReplyScreen
from tui.ui.screens.thread import ThreadScreen
from tui.ui.widgets.footer import FittingFooter, drop_order

MENTIONS = [make_mention(1, "my order never arrived and nobody answers", minutes_ago=5),
            make_mention(2, "What are your opening hours on Sunday?", minutes_ago=20)]


def shown_keys(app: Any) -> list[Any]:
    footer = app.screen.query_one(FittingFooter)
    return [key for key in footer.keys() if key.display]


def assert_fits(app: Any) -> None:
    footer = app.screen.query_one(FittingFooter)
    keys = shown_keys(app)
    assert keys
    palette = [k for k in keys if k.has_class("-command-palette")]
    limit = palette[0].region.x if palette else footer.region.right
    for key in keys:
        if key in palette:
            assert key.region.right <= footer.region.right
            continue
        label = key.render().plain
        assert key.region.width >= len(label.rstrip()), f"{label!r} is cut"
        assert key.region.right <= limit, f"{label!r} runs under the next key or off screen"
    assert any(k.description == "Help" for k in keys), "help always shows"


def test_drop_order_reads_the_data() -> None:
    ids = ["inbox.thread", "inbox.filter", "inbox.reply", "inbox.done", "app.quit", "app.help",
           "app.command_palette"]
    order = drop_order(ids, ("app.help",), ("*.command_palette", "app.quit", "inbox.filter"))
    assert [ids[i] for i in order] == ["app.command_palette", "app.quit", "inbox.filter",
                                       "inbox.done", "inbox.reply", "inbox.thread"]


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_every_footer_fits_without_a_cut_label(tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_with(tmp_path, MENTIONS)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app, len(MENTIONS))
        await pilot.pause()
        assert_fits(app)
        if size[0] >= 200:
            assert len(shown_keys(app)) == len(app.screen.query_one(FittingFooter).keys()), "room for all"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        assert_fits(app)
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, ReplyScreen)
        await pilot.pause()
        assert_fits(app)
        assert any(k.description == "Send" for k in shown_keys(app)), "the screen's first keys stay"
