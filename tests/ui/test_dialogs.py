"""Dialogs that explain themselves, and the state the list used to hide, driven with Pilot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Group
from rich.text import Text
from textual import events
from textual.widgets import Input, Label, Static
from textual.widgets._footer import FooterKey

from tests.helpers import MIXED, NOW, FeedSource, settle
from tui.rules.config import Config
from tui.ui.app import make_app
from tui.ui.screens.prompt import ChoiceScreen, PromptScreen
from tui.ui.screens.reply import ReplyScreen
from tui.ui.screens.walk_away import WalkAwayScreen
from tui.ui.widgets.mention_list import MentionList


def escalating_app(tmp_path: Path) -> Any:
    config = Config(routing={"billing": ["refund"], "safety": ["burn"]})
    return make_app(config, tmp_path / "s.json", sources=[FeedSource(MIXED)], clock=lambda: NOW)


def label_text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


def detail_text(app: Any) -> str:
    """The detail pane's text, every part of its Group joined."""
    content = app.screen.query_one("#detail-body", Static).content
    parts = content.renderables if isinstance(content, Group) else [content]
    return "\n".join(part.plain for part in parts if isinstance(part, Text))


async def to_uid(pilot: Any, lst: MentionList, uid: str) -> None:
    while lst.current_uid != uid:
        await pilot.press("j")


# The snooze preview and the walk-away "how to confirm" line are main's (tests/test_snooze_dialog.py).


async def test_walk_away_confirms_from_its_footer_key_with_the_typed_days(tmp_path: Path) -> None:
    app = make_app(Config(), tmp_path / "s.json", sources=[FeedSource(MIXED)], clock=lambda: NOW)
    async with app.run_test(size=(100, 40)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.current_uid
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WalkAwayScreen)
        keys = {k.description for k in app.screen.query(FooterKey)}
        assert {"Walk away", "Cancel"} <= keys, keys
        await pilot.press("enter")  # reason → note
        await pilot.pause()
        assert app.screen.query_one("#walk-note").has_focus
        await pilot.press("enter")  # note → days
        await pilot.pause()
        days = app.screen.query_one("#walk-days")
        assert days.has_focus
        days.value = "3"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, WalkAwayScreen)
        mention = app.session.store.mention(uid)
        assert mention["state"] == "walked-away"
        assert mention["watch_until"].startswith((NOW + timedelta(days=3)).date().isoformat())


@pytest.mark.parametrize("key, kind", [("s", PromptScreen), ("number_sign", PromptScreen),
                                       ("e", ChoiceScreen), ("w", WalkAwayScreen)])
async def test_every_dialog_footer_shows_its_own_keys(tmp_path: Path, key: str, kind: type) -> None:
    app = escalating_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app, len(MIXED))
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, kind)
        keys = {k.description for k in app.screen.query(FooterKey)}
        assert "Cancel" in keys, keys
        assert not keys & {"Done", "Escalate", "Reply", "Undo"}, keys


async def test_answered_asks_for_the_answer_and_records_it(tmp_path: Path) -> None:
    app = escalating_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        refund = next(u for u in lst.uids if "refund" in app.session.store.mention(u)["text"].lower())
        await to_uid(pilot, lst, refund)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter", *"double charge", "enter")
        await pilot.pause()
        assert app.session.store.mention(refund)["state"] == "escalated"
        await pilot.press("5")
        await to_uid(pilot, lst, refund)
        await pilot.pause(0.2)
        shown = detail_text(app)
        assert "Escalated to billing: 'double charge'" in shown, shown
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"refund approved today", "enter")
        await pilot.pause()
        mention = app.session.store.mention(refund)
        assert mention["state"] == "open"
        assert mention["escalation_answer"] == "refund approved today"
        history = [app.session.lifecycle.describe(e) for e in app.session.store.events_for(
            mention["thread_uid"])]
        assert any("refund approved today" in line for line in history), history
        await pilot.press("1")  # back in its queue: the detail pane says where it went and the answer
        await to_uid(pilot, lst, refund)
        await pilot.pause(0.2)
        shown = detail_text(app)
        assert "Was escalated to billing: 'double charge'" in shown, shown
        assert "answered: 'refund approved today'" in shown, shown


async def test_answered_cancelled_changes_nothing(tmp_path: Path) -> None:
    app = escalating_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.current_uid
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("5")
        await to_uid(pilot, lst, uid)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.store.mention(uid)["state"] == "escalated"


async def test_snoozed_mention_shows_its_wake_time_in_row_and_detail(tmp_path: Path) -> None:
    app = escalating_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.current_uid
        await pilot.press("s", *"15h", "enter")
        await pilot.pause()
        assert app.session.store.mention(uid)["state"] == "snoozed"
        await pilot.press("9")
        await to_uid(pilot, lst, uid)
        await pilot.pause(0.2)
        shown = detail_text(app)
        assert "◷ Snoozed until" in shown and "(in 15h)" in shown, shown
        row = lst.render_line(lst.cursor - int(lst.scroll_offset.y)).text
        assert "◷ 15h" in row, row


def burst(app: Any, text: str) -> None:
    """Keys as a terminal delivers a paste or a fast typist: all queued at once, no frame between."""
    names = {" ": "space", ";": "semicolon", ",": "comma", "?": "question_mark", "\r": "enter",
             "/": "slash"}
    for char in text:
        app.post_message(events.Key(names.get(char, char), char))


async def test_a_note_typed_fast_and_entered_is_kept_whole(tmp_path: Path) -> None:
    """Enter is a priority binding of the dialogs, run as soon as it arrives, while the letters
    before it still waited in the field: a pasted note followed by Enter was kept as "Customer w"
    (escalate), and the same held for a walk-away's note and a one-line prompt."""
    app = escalating_app(tmp_path)
    note = "Customer without internet until Saturday; can a tech come sooner?"
    async with app.run_test(size=(100, 40)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        escalated = lst.current_uid
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        burst(app, "\r" + note + "\r")  # Enter on the team goes to the note
        for _ in range(50):
            await pilot.pause(0.05)
            if not isinstance(app.screen, ChoiceScreen):
                break
        assert app.session is not None
        stored = app.session.store.mention(str(escalated))
        assert stored is not None and stored.get("escalation_note") == note
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WalkAwayScreen)
        walked = lst.current_uid
        burst(app, "\rKeeps insulting the staff, no question asked\r3\r")  # reason, note, days
        for _ in range(50):
            await pilot.pause(0.05)
            if not isinstance(app.screen, WalkAwayScreen):
                break
        stored = app.session.store.mention(str(walked))
        assert stored is not None and stored.get("state") == "walked-away"
        assert stored.get("walk_reason") == "abusive" and any(
            (event.get("details") or {}).get("note") == "Keeps insulting the staff, no question asked"
            or event.get("why", "").endswith("Keeps insulting the staff, no question asked")
            for event in app.session.store.events_for(stored["thread_uid"]))


async def test_words_typed_right_after_slash_go_into_the_filter(tmp_path: Path) -> None:
    """Over SSH "/refund" can arrive in one burst: the letters after "/" reached the list's keys
    before the filter had focus, and "r" opened the reply editor with "efund" in it."""
    app = escalating_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, app, len(MIXED))
        burst(app, "/refund")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ReplyScreen)
        box = app.screen.query_one("#filter", Input)
        assert box.value == "refund"
        burst(app, "/x")  # a "/" typed in the filter is text
        await pilot.pause(0.2)
        assert box.value == "refund/x"


async def test_keys_typed_before_a_dialog_is_up_are_its_not_the_inboxs(tmp_path: Path) -> None:
    """"s2h" in one burst: the dialog opens from a worker, and the keys after "s" reached the inbox
    first, where "h" is thank and "m" would mute the author. They are the dialog's."""
    app = escalating_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        queue_before = app.screen.queue
        burst(app, "s2hmq")
        for _ in range(40):
            await pilot.pause(0.05)
            if isinstance(app.screen, PromptScreen) and app.screen.query_one(Input).value:
                break
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == "2hmq"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.queue == queue_before and lst.current_uid is not None
        assert app.session is not None and not app.session.store.author(
            str((app.session.store.mention(lst.current_uid) or {}).get("author"))).get("muted")
