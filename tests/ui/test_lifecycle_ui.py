"""Lifecycle keys and app-wide reach, driven from the keyboard with Pilot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.helpers import MIXED, NOW, FeedSource, make_mention, settle
from tests.ui.test_app import app_with
from tui.rules.config import Config
from tui.storage.store import Store
from tui.ui.app import make_app
from tui.ui.widgets.mention_list import MentionList


async def test_walk_away_then_the_author_writes_again(tmp_path: Path) -> None:
    source = FeedSource(MIXED)
    app = app_with(tmp_path, [], source)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        complaint = next(u for u in lst.uids if app.session.store.mention(u)["kind"] == "complaint")
        while lst.current_uid != complaint:
            await pilot.press("j")
        await pilot.press("w")
        await pilot.press("down", "enter")  # reason: troll
        await pilot.press(*"second account, same insults", "enter", "enter")
        await pilot.pause()
        mention = app.session.store.mention(complaint)
        assert mention["state"] == "walked-away" and mention["walk_reason"] == "troll"
        assert complaint not in lst.uids
        await pilot.press("6")
        assert complaint in lst.uids
        # The author writes again in the thread: it comes back to priority, with a banner saying why.
        source.queue.put_nowait(make_mention(50, "Still waiting. Answer me.", minutes_ago=0,
                                             author=mention["author"], in_reply_to=mention["id"]))
        await settle(pilot, app, len(MIXED) + 1)
        back = app.session.store.mention(complaint)
        assert back["state"] == "open" and back.get("banner")
        await pilot.press("1")
        assert complaint in lst.uids


async def test_escalate_then_answered_returns_to_the_queue(tmp_path: Path) -> None:
    config = Config(routing={"billing": ["refund"], "safety": ["burn"]})
    app = make_app(config, tmp_path / "s.json", sources=[FeedSource(MIXED)], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        refund = next(u for u in lst.uids if "refund" in app.session.store.mention(u)["text"].lower())
        while lst.current_uid != refund:
            await pilot.press("j")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # the suggested team (billing) is highlighted
        await pilot.press(*"double charge, please check", "enter")
        await pilot.pause()
        mention = app.session.store.mention(refund)
        assert mention["state"] == "escalated" and mention["escalated_to"] == "billing"
        await pilot.press("5")
        assert refund in lst.uids
        while lst.current_uid != refund:
            await pilot.press("j")
        await pilot.press("a")
        await pilot.pause()
        assert app.session.store.mention(refund)["state"] == "escalated", "a asks for the answer first"
        await pilot.press(*"refund approved", "enter")
        await pilot.pause()
        assert app.session.store.mention(refund)["state"] == "open"
        assert app.session.store.mention(refund)["escalation_note"] == "double charge, please check"
        assert app.session.store.mention(refund)["escalation_answer"] == "refund approved"


async def test_snooze_hides_until_the_time_then_comes_back(tmp_path: Path) -> None:
    now = [NOW]
    app = make_app(Config(), tmp_path / "s.json", sources=[FeedSource(MIXED)], clock=lambda: now[0])
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.uids[0]
        await pilot.press("s")
        await pilot.press(*"2h", "enter")
        await pilot.pause()
        assert app.session.store.mention(uid)["state"] == "snoozed"
        assert uid not in lst.uids
        now[0] = NOW + timedelta(hours=3)
        app._tick()
        await pilot.pause(0.3)
        assert app.session.store.mention(uid)["state"] == "open"
        assert uid in lst.uids


async def test_command_palette_offers_actions_queues_and_themes(tmp_path: Path) -> None:
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Done" in titles and "Queue: champions" in titles and "Theme: high-contrast" in titles
        first = lst.uids[0]
        await pilot.press("ctrl+p")
        await pilot.press(*"Queue: champions")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert lst.uids == app.session.inbox.uids("champions")
        assert first not in lst.uids


async def test_keys_are_remappable_in_the_config(tmp_path: Path) -> None:
    config = Config(keys={"inbox.done": "D"})
    app = make_app(config, tmp_path / "s.json", sources=[FeedSource(MIXED)], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        first = lst.uids[0]
        await pilot.press("d")
        assert app.session.store.mention(first)["state"] == "open", "d is no longer done"
        await pilot.press("D")
        assert app.session.store.mention(first)["state"] == "done"


async def test_second_app_on_the_same_store_gets_a_clear_message(tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.json"
    with Store(db):
        app = make_app(Config(), db, sources=[FeedSource([])], clock=lambda: NOW)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.5)
    assert app.return_code == 2
    assert "in use by another turnaround" in " ".join(capsys.readouterr().err.split())
    assert not app.query(MentionList)
