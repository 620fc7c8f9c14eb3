"""The champions view with Pilot: praise lands in the list with its count, `h` opens the saved
thanks in the editor and sending it records it (outbox row and a `thank` event), a muted author is
refused, `H` marks and unmarks, 80x24 works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.widgets import OptionList

from tests.helpers import FeedSource, fixed_clock, make_mention, settle
from tui.core.templates import load_templates
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.champions import ChampionsScreen
from tui.ui.screens.inbox import InboxScreen
from tui.ui.screens.reply import ReplyScreen
from tui.ui.widgets.draft_area import DraftArea
from tui.ui.widgets.mention_detail import MentionDetail
from tui.ui.widgets.mention_list import MentionList

FAN = "@fan@example.social"
OTHER = "@latte@example.social"
MENTIONS = [
    make_mention(1, "Absolutely love the new oat latte, best coffee in town!", minutes_ago=90, author=FAN,
                 author_name="Fan [bold]Club[/]"),
    make_mention(2, "Your barista Maya is wonderful, thank you for the great service", minutes_ago=20,
                 author=FAN, author_name="Fan [bold]Club[/]"),
    make_mention(3, "Best croissant I have had all year, well done team", minutes_ago=40, author=OTHER),
    make_mention(4, "My order arrived cold and late again. Third time this month. Refund please.",
                 minutes_ago=30),
]
THANKS_BODY = next(t for t in load_templates() if t.id == "praise-thanks").body


def app_on(path: Path) -> TurnaroundApp:
    config = Config(brand="Brightside Coffee", agent="Sam")
    return make_app(config, path, sources=[FeedSource(MENTIONS)], clock=fixed_clock)


def prompts(screen: ChampionsScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def plain(widget: Any) -> str:
    """What a Static shows, as plain text (a Group of Texts, or one Text)."""
    shown = widget.content
    parts = shown.renderables if isinstance(shown, Group) else [shown]
    return "\n".join(part.plain if isinstance(part, Text) else str(part) for part in parts)


def history(screen: ChampionsScreen) -> str:
    return plain(screen.query_one("#champion-body"))


def notes(app: TurnaroundApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def thanks(app: TurnaroundApp) -> list[dict[str, Any]]:
    assert app.session is not None
    return [dict(e) for e in app.session.store.events() if e.get("action") == "thank"]


async def open_champions(pilot: Any, app: TurnaroundApp) -> ChampionsScreen:
    await pilot.press("C")
    await pilot.pause()
    assert isinstance(app.screen, ChampionsScreen)
    return app.screen


async def test_praise_lands_in_the_queue_and_the_champions_list(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        queue = app.session.inbox.uids("champions")
        assert {"mastodon:1", "mastodon:2", "mastodon:3"} <= set(queue)
        assert "mastodon:4" not in queue
        screen = await open_champions(pilot, app)
        rows = prompts(screen)
        assert len(rows) == 2
        assert FAN in rows[0] and "♥ 2" in rows[0], "most praise first, with its count"
        assert "first 1h ago" in rows[0] and "last 20m ago" in rows[0] and "not thanked" in rows[0]
        assert OTHER in rows[1] and "♥ 1" in rows[1]
        text = history(screen)
        assert text.index("barista Maya") < text.index("oat latte"), "newest praise first"
        await pilot.press("j")
        assert "croissant" in history(screen) and "oat latte" not in history(screen)
        await pilot.press("q")
        assert isinstance(app.screen, InboxScreen)


async def send_from_editor(pilot: Any, app: TurnaroundApp) -> str:
    """In the reply editor `h` opened: the prefilled text, then ctrl+s sends it."""
    await pilot.pause()
    assert isinstance(app.screen, ReplyScreen), "h opens the editor, it never posts unseen"
    text = app.screen.query_one(DraftArea).text
    await pilot.press("ctrl+s")
    await pilot.pause()
    return text


async def test_h_opens_the_rendered_thanks_and_sending_records_it(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        screen = await open_champions(pilot, app)
        await pilot.press("h")
        await pilot.pause()
        assert app.session.outbox.items() == [] and thanks(app) == [], "nothing before it is sent"
        expected = THANKS_BODY.replace("{name}", "Fan [bold]Club[/]").replace("{brand}", "Brightside Coffee")
        assert await send_from_editor(pilot, app) == expected, "the name goes in literally, markup and all"
        assert app.screen is screen
        rows = app.session.outbox.items()
        assert len(rows) == 1
        assert rows[0]["uid"] == "mastodon:2", "against their latest praise"
        assert rows[0]["text"] == expected
        [event] = thanks(app)
        assert event["uids"] == ["mastodon:2"]
        assert event["details"]["template"] == "praise-thanks"
        assert event["details"]["author"] == FAN
        assert app.session.store.mention("mastodon:2")["thanked_at"]
        assert "✓ thanked" in prompts(screen)[0]
        # Thanked before: h says so, and still only opens the editor.
        await pilot.press("h")
        await pilot.pause()
        assert any("Already thanked" in n for n in notes(app))
        assert isinstance(app.screen, ReplyScreen) and len(app.session.outbox.items()) == 1
        await send_from_editor(pilot, app)
        assert len(app.session.outbox.items()) == 2 and len(thanks(app)) == 2


async def test_inbox_h_thanks_the_current_author_and_u_undoes_the_record(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        await pilot.press("3")
        lst = app.screen.query_one(MentionList)
        uid = lst.current_uid
        assert uid is not None
        author = app.session.store.mention(uid)["author"]
        await pilot.press("h")
        await send_from_editor(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        [row] = app.session.outbox.items()
        assert row["uid"] == uid and "make our whole team's day" in row["text"]
        assert [e["details"]["author"] for e in thanks(app)] == [author]
        assert app.session.store.mention(uid)["thanked_at"]
        assert uid not in app.session.inbox.uids("champions"), "thanked praise waits no longer"
        assert app.session.store.mention(uid)["first_response_at"], "the thanks answered it"
        await pilot.press("u")
        assert not app.session.store.mention(uid).get("thanked_at"), "the thank event undoes"
        assert uid in app.session.inbox.uids("champions")


async def test_praise_answered_with_a_reply_is_not_listed_as_waiting_for_thanks(tmp_path: Path) -> None:
    """A reply to the praise (here with r, or a colleague's outside Turnaround) answers it: the list
    says so, and h warns before thanking the same person twice."""
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        app.session.inbox.act("reply", ["mastodon:3"], cursor="mastodon:3", text="So glad you liked it!")
        screen = await open_champions(pilot, app)
        rows = prompts(screen)
        assert "not thanked" in rows[0], rows[0]
        assert OTHER in rows[1] and "✓ answered" in rows[1] and "not thanked" not in rows[1], rows[1]
        await pilot.press("j")
        assert "· answered " in history(screen) and "✓ answered" in history(screen)
        await pilot.press("h")
        await pilot.pause()
        assert any(n.startswith(f"Already answered the praise of {OTHER}") for n in notes(app)), notes(app)


async def test_a_thanks_left_with_escape_is_a_draft_that_thanks_when_sent(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        await pilot.press("3")
        uid = app.screen.query_one(MentionList).current_uid
        assert uid is not None
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        assert app.session.outbox.items() == [] and thanks(app) == []
        assert not app.session.store.mention(uid).get("thanked_at")
        assert "make our whole team's day" in (app.session.store.draft(uid) or ""), "kept as a draft"
        await pilot.press("r")
        await send_from_editor(pilot, app)
        assert [e["uids"] for e in thanks(app)] == [[uid]], "the draft still carries the thanks"
        assert app.session.store.draft(uid) is None


async def test_a_muted_author_gets_no_templated_thanks(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        app.session.inbox.set_muted([FAN], True)
        screen = await open_champions(pilot, app)
        assert FAN in prompts(screen)[0] and "muted" in prompts(screen)[0]
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, ChampionsScreen), "no editor for a muted author"
        assert app.session.outbox.items() == []
        assert thanks(app) == []
        assert any("muted" in n and "no templated thanks" in n for n in notes(app))
        assert "muted: no templated thanks" in history(screen)


async def test_H_marks_and_unmarks_the_author(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        store = app.session.store
        await pilot.press("3")
        uid = app.screen.query_one(MentionList).current_uid
        assert uid is not None
        author = store.mention(uid)["author"]
        await pilot.press("H")
        assert store.author(author)["champion"] is True
        assert store.author(author)["champion_since"]
        detail = plain(app.screen.query_one("#detail-body"))
        assert "★ champion" in detail
        await pilot.press("H")
        assert store.author(author)["champion"] is False
        # And from the champions list: the first row is the fan.
        screen = await open_champions(pilot, app)
        await pilot.press("H")
        assert store.author(FAN)["champion"] is True
        assert prompts(screen)[0].startswith("★ ")
        assert "★ champion since" in history(screen)
        await pilot.press("H")
        assert store.author(FAN)["champion"] is False
        assert not prompts(screen)[0].startswith("★")


async def test_a_marked_author_without_praise_is_listed(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        await pilot.press("1")
        lst = app.screen.query_one(MentionList)
        while lst.current_uid != "mastodon:4":
            await pilot.press("j")
        await pilot.press("H")
        screen = await open_champions(pilot, app)
        rows = prompts(screen)
        assert len(rows) == 3 and "@user4@example.social" in rows[2] and "♥ 0" in rows[2]
        await pilot.press("G")
        assert "No praise on record" in history(screen)
        await pilot.press("h")
        assert app.session.outbox.items() == [], "no praise to answer from the list"


async def test_champions_screen_fits_80x24(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        screen = await open_champions(pilot, app)
        options = screen.query_one(OptionList)
        body = screen.query_one("#champion-history")
        assert options.region.height >= 4 and options.region.bottom <= body.region.y
        assert body.region.height >= 8 and body.region.bottom <= 24
        assert options.region.width == 80
        assert options.option_count == 2
        await pilot.press("h")
        await send_from_editor(pilot, app)
        assert app.session is not None and len(app.session.outbox.items()) == 1
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
        assert app.screen.query_one(MentionDetail) is not None


def test_our_own_posts_never_make_a_champion(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tui.core.champions import is_praise

    assert is_praise({"kind": "praise", "triage_queue": "champions"})
    assert not is_praise({"kind": "praise", "triage_queue": "champions", "ours": True})
    assert not is_praise({"kind": "praise", "triage_queue": "champions", "off_topic": "Mr Brightside"}), \
        "praise of a song that shares our name makes no champion"


async def test_h_on_a_complaint_offers_no_thanks(tmp_path: Path) -> None:
    """The saved thanks answer praise: on a complaint `h` says why not and opens nothing."""
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        assert app.session is not None
        await pilot.press("1")
        await pilot.pause()
        uid = app.screen.query_one(MentionList).current_uid
        assert uid is not None
        mention = app.session.store.mention(uid)
        assert mention is not None and mention["kind"] != "praise"
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen), "no editor opened"
        assert any("Not praise" in n for n in notes(app))
        assert app.session.outbox.items() == [] and app.session.store.draft(uid) is None
