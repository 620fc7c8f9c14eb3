"""Tags as typed: comma- or space-separated, `#` optional, `-tag` removes; one undo per prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import MIXED, FeedSource, fixed_clock, settle
from tui.core.tags import parse_tags
from tui.rules.config import Config
from tui.ui.app import make_app


@pytest.mark.parametrize(("typed", "add", "remove"), [
    ("urgent, vip", ["urgent", "vip"], []),
    ("urgent vip", ["urgent", "vip"], []),
    ("#urgent,#vip,", ["urgent", "vip"], []),
    ("urgent;vip  urgent", ["urgent", "vip"], []),
    ("-billing, vip", ["vip"], ["billing"]),
    ("  -  , #  ", [], []),
    ("billing.", ["billing"], []),
])
def test_parse_tags(typed: str, add: list[str], remove: list[str]) -> None:
    assert parse_tags(typed) == (add, remove)


def test_a_tag_is_one_plain_line() -> None:
    [tag], _ = parse_tags("evil\x1b[31m\u202e")
    assert "\x1b" not in tag and "\u202e" not in tag


async def test_hash_prompt_adds_every_tag_typed_and_removes_the_minus_ones(tmp_path: Path) -> None:
    app = make_app(Config(), tmp_path / "store.json", sources=[FeedSource(MIXED)], clock=fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.current_uid
        assert app.session is not None and uid is not None
        await pilot.press("number_sign")
        await pilot.pause()
        await pilot.press(*"urgent, vip", "enter")
        await pilot.pause()
        assert app.session.store.mention(uid)["tags"] == ["urgent", "vip"]
        await pilot.press("number_sign")
        await pilot.pause()
        await pilot.press(*"-urgent billing", "enter")
        await pilot.pause()
        assert app.session.store.mention(uid)["tags"] == ["vip", "billing"]
        await pilot.press("u", "u")
        await pilot.pause()
        assert app.session.store.mention(uid)["tags"] == ["urgent", "vip"], "each prompt undoes as one"
        await pilot.press("slash", *"#vip,", "enter")
        await pilot.pause()
        assert app.session.inbox.filter_tag == "vip"
        assert lst.uids == [uid]
