"""ctrl+g in the reply editor sets a hint aside (issue 12: hints agents can trust).

A wrong hint the agent cannot silence teaches them to ignore every hint. ctrl+g sets the hint at
the cursor aside for this draft (kept with the draft across Escape and a restart); with none
there, the "Before you send" checks. The inbox counts set-asides per wording: one set aside in
`ignore_after` drafts is no longer flagged in this inbox, and `turnaround report` counts them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import FeedSource, fixed_clock, make_mention, settle
from tui.core.hints_ignore import SETTING
from tui.core.report import build_report
from tui.core.report_text import render_text
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.reply import ReplyScreen

SIZE = (130, 40)
REFUSAL = "Pausing a plan is not a feature of the app."
COLD = "The router firmware is out of date so the connection drops"
SHORT = 0.3


def app_on(path: Path, count: int = 1) -> TurnaroundApp:
    mentions = [make_mention(i, f"My router keeps dropping the connection, day {i}", minutes_ago=5 + i)
                for i in range(1, count + 1)]
    return make_app(Config(), path, sources=[FeedSource(mentions)], clock=fixed_clock)


def panel(screen: ReplyScreen) -> str:
    return str(screen.query_one("#hint-panel").render())


async def open_editor(pilot: Any, app: TurnaroundApp, pause: float = 60.0) -> ReplyScreen:
    await pilot.press("r")
    screen = app.screen
    assert isinstance(screen, ReplyScreen)
    screen.PAUSE = pause
    return screen


async def type_and_ignore(pilot: Any, screen: ReplyScreen, text: str) -> None:
    await pilot.press(*text)
    await pilot.pause(ReplyScreen.DEBOUNCE * 4)
    assert [h.category for h in screen.hints] == ["negative-language"]
    await pilot.press("ctrl+n", "ctrl+g")
    await pilot.pause(ReplyScreen.DEBOUNCE * 4)


async def test_ctrl_g_sets_the_hint_aside_for_this_draft_and_keeps_it(tmp_path: Path) -> None:
    store_path = tmp_path / "store.json"
    app = app_on(store_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, 1)
        screen = await open_editor(pilot, app)
        await type_and_ignore(pilot, screen, REFUSAL)
        assert screen.hints == []
        assert "negative-language" not in panel(screen)
        toasts = [str(n.message) for n in app._notifications]
        assert any("Ignored negative-language on \u201cis not a feature\u201d" in t for t in toasts), toasts
        await pilot.press("escape")
        await pilot.pause()
        screen = await open_editor(pilot, app)
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert screen.draft.text == REFUSAL
        assert screen.hints == [], "the draft keeps what was set aside in it"
        uid = screen.uid
        assert "1 ignored in this draft (ctrl+o brings them back)" in panel(screen)
        assert app.session.store.setting(SETTING) == {"dead-end:is not a feature": 1}
        # the same words in another draft of this inbox are still flagged (once is not a habit)
        aside = app.session.hints_set_aside("other", 3)
        assert aside.draft == frozenset() and aside.inbox == frozenset()
        assert app.session.hints_set_aside(uid, 3).draft == {"dead-end:is not a feature"}


async def test_setting_the_same_words_aside_in_three_drafts_teaches_the_inbox(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json", count=4)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, 4)
        for _ in range(3):
            screen = await open_editor(pilot, app)
            await type_and_ignore(pilot, screen, REFUSAL)
            await pilot.press("escape", "j")
            await pilot.pause()
        toasts = [str(n.message) for n in app._notifications]
        assert any(t.endswith("Ignored in 3 drafts here: this inbox no longer flags it.") for t in toasts)
        assert app.session.store.setting(SETTING) == {"dead-end:is not a feature": 3}
        screen = await open_editor(pilot, app)
        await pilot.press(*REFUSAL)
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert screen.hints == [], "set aside in three drafts: no longer flagged in this inbox"
        assert "1 no longer flagged in this inbox (ctrl+o brings them back)" in panel(screen)
        await pilot.press(*" We are unable to help.")
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert [h.rule for h in screen.hints] == ["cant"], "other refusals are still found"
        report = build_report(app.session.store, None, fixed_clock())
        assert report["hints_set_aside"]["total"] == 3
        assert report["hints_set_aside"]["rules"] == {"dead-end": 3}
        assert "Hints ignored by agents (all time): 3 (dead-end 3)" in render_text(report)
        # ctrl+o: the agent disagrees with the inbox's lesson; the wording is flagged again
        await pilot.press("ctrl+o")
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert [h.rule for h in screen.hints] == ["dead-end", "cant"]
        assert app.session.store.setting(SETTING) == {"dead-end:is not a feature": 3}, "still counted"
        assert app.session.hints_set_aside("other", 3).inbox == frozenset(), "learning starts over"
        assert "no longer flagged" not in panel(screen)


async def test_ctrl_g_with_no_hint_at_the_cursor_sets_the_checks_aside(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, 1)
        screen = await open_editor(pilot, app, pause=SHORT)
        await pilot.press("ctrl+g")  # nothing to set aside yet: says so, no crash
        await pilot.pause()
        await pilot.press(*COLD)
        await pilot.pause(SHORT * 3)
        assert [h.category for h in screen.checks] == ["no-empathy"]
        await pilot.press("ctrl+g")
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert screen.checks == [] and "Before you send" not in panel(screen)
        await pilot.press("ctrl+s")  # nothing left to show first: it sends
        await pilot.pause()
        assert not isinstance(app.screen, ReplyScreen)
        # whole-draft checks are judged per draft: never learned by the inbox
        assert app.session.store.setting(SETTING) == {"no-empathy": 1}
        assert app.session.hints_set_aside("other", 1).inbox == frozenset()


async def test_ctrl_o_brings_back_what_was_ignored_in_this_draft(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, 1)
        screen = await open_editor(pilot, app)
        await pilot.press("ctrl+o")  # nothing ignored yet: says so, no crash
        await pilot.pause()
        assert "Nothing ignored in this draft." in [str(n.message) for n in app._notifications]
        await type_and_ignore(pilot, screen, REFUSAL)
        assert screen.hints == []
        await pilot.press("ctrl+o")
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert [h.rule for h in screen.hints] == ["dead-end"]
        assert app.session.hints_set_aside(screen.uid, 3).draft == frozenset()
        assert "Ignored hints are back for this draft." in [str(n.message) for n in app._notifications]
