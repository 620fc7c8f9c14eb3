"""Empty lists: each queue says what it is for and how things get there; keys that need a mention
say there is none (not that "this mention has no link")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import MIXED, FeedSource, fixed_clock, settle
from tui.core.queues import ALL_VIEWS
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.inbox import EMPTY_QUEUE
from tui.ui.widgets.mention_list import MentionList


def app_with(tmp_path: Path) -> TurnaroundApp:
    return make_app(Config(), tmp_path / "store.json", sources=[FeedSource(MIXED)], clock=fixed_clock)


def shown(lst: MentionList) -> str:
    return " ".join(lst.render_line(y).text.strip() for y in range(lst.size.height)).strip()


def notes(app: TurnaroundApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def test_every_queue_has_its_own_empty_text() -> None:
    assert set(EMPTY_QUEUE) == {q.id for q in ALL_VIEWS}
    assert len(set(EMPTY_QUEUE.values())) == len(EMPTY_QUEUE), "each says what its queue is for"


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_an_empty_queue_says_what_it_is_for_in_whole_words(tmp_path: Path,
                                                                 size: tuple[int, int]) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=size) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        await pilot.press("9")  # nothing is snoozed
        await pilot.pause()
        assert lst.uids == []
        text = shown(lst)
        assert " ".join(text.split()) == EMPTY_QUEUE["snoozed"], "all of it, wrapped, none cut"


async def test_v_and_y_on_an_empty_list_say_there_is_no_mention(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app, len(MIXED))
        await pilot.press("9", "v", "y")
        await pilot.pause()
        assert not any("no link" in n for n in notes(app))
        assert sum("No mention here" in n for n in notes(app)) == 2
