"""`L` in the inbox, with Pilot: the dialog shows the current triage, the correction moves the
mention at once, `u` puts it back, and the command palette offers it too."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import FeedSource, make_mention, settle
from tests.ui.test_app import app_with
from tests.ui.test_champions_ui import plain
from tui.ui.screens.correct import CorrectScreen
from tui.ui.screens.inbox import InboxScreen
from tui.ui.widgets.mention_detail import MentionDetail

# A hazard that triage misses and reads as neutral chatter (the issue's own example, "...so hot the
# side panel warped", is now caught by triage itself, so it no longer shows a correction at work).
WARPED = "Note to everyone: Orbit on standby overnight = side panel bent out of shape"
MENTIONS = [make_mention(1, WARPED, minutes_ago=5),
            make_mention(2, "What are your opening hours on Sunday?", minutes_ago=20)]


def row_text(app: object, name: str) -> str:
    return str(app.screen.query_one(f"#correct-{name}").render())  # type: ignore[attr-defined]


async def test_key_dialog_moves_the_mention_and_u_brings_it_back(tmp_path: Path) -> None:
    app = app_with(tmp_path, MENTIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = await settle(pilot, app, len(MENTIONS))
        await pilot.press("2")  # needs-reply: triage routed the overheating report here
        warped = "mastodon:1"
        assert warped in lst.uids
        while lst.current_uid != warped:
            await pilot.press("j")
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, CorrectScreen)
        assert "▸ Label" in row_text(app, "label")
        # label: neutral -> negative; kind: other -> crisis (one step left)
        await pilot.press("left")
        await pilot.press("down", "left")
        await pilot.pause()
        assert row_text(app, "label").endswith("*") and row_text(app, "kind").endswith("*")
        assert row_text(app, "queue").endswith("*"), "the queue follows label and kind"
        assert app.screen.values == {"label": "negative", "kind": "crisis", "queue": "priority"}
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        stored = app.session.store.mention(warped)
        assert (stored["label"], stored["kind"], stored["queue"]) == ("negative", "crisis", "priority")
        assert warped not in lst.uids, "it left needs-reply at once"
        await pilot.press("1")
        assert warped in lst.uids and lst.uids[0] == warped, "a corrected crisis sorts first"
        while lst.current_uid != warped:
            await pilot.press("k")
        await pilot.pause()
        shown = plain(app.screen.query_one(MentionDetail).query_one("#detail-body"))
        assert "Why priority: corrected; triage read other, neutral" in shown, \
            "the why explains triage's reading and says the agent's verdict replaced it"
        await pilot.press("u")
        await pilot.pause()
        back = app.session.store.mention(warped)
        assert (back["label"], back["kind"], back["queue"]) == ("neutral", "other", "needs-reply")
        assert warped not in lst.uids
        await pilot.press("2")
        assert warped in lst.uids


async def test_escape_changes_nothing_and_the_footer_shows_the_dialog_keys(tmp_path: Path) -> None:
    app = app_with(tmp_path, MENTIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        await pilot.press("2", "L")
        await pilot.pause()
        assert isinstance(app.screen, CorrectScreen)
        shown = {active.binding.description for active in app.screen.active_bindings.values()
                 if active.binding.show}
        assert {"Field", "Value", "Apply", "Cancel"} <= shown
        await pilot.press("right", "escape")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        assert not [e for e in app.session.store.events() if e.get("action") == "correct"]


async def test_the_command_palette_offers_the_correction(tmp_path: Path) -> None:
    app = app_with(tmp_path, MENTIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, len(MENTIONS))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Correct triage" in titles


async def test_a_bulk_selection_is_corrected_as_one_undoable_event(tmp_path: Path) -> None:
    app = app_with(tmp_path, MENTIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = await settle(pilot, app, len(MENTIONS))
        await pilot.press("2", "asterisk")
        selected = set(lst.selected)
        assert len(selected) == 2
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("down", "down", "left", "enter")  # queue: needs-reply -> priority
        await pilot.pause()
        assert {app.session.store.mention(u)["queue"] for u in selected} == {"priority"}
        await pilot.press("u")
        await pilot.pause()
        assert {app.session.store.mention(u)["queue"] for u in selected} == {"needs-reply"}
        toasts = [str(n.message) for n in app._notifications]
        assert any(t.startswith("Undone: corrected triage: ") and t.endswith("(2 mentions)")
                   for t in toasts), toasts


async def test_the_next_mention_in_the_same_words_arrives_triaged_the_agents_way(tmp_path: Path) -> None:
    source = FeedSource(MENTIONS)
    app = app_with(tmp_path, [], source)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = await settle(pilot, app, len(MENTIONS))
        await pilot.press("2")
        while lst.current_uid != "mastodon:1":
            await pilot.press("j")
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("left", "down", "left", "enter")  # negative, crisis
        await pilot.pause()
        source.queue.put_nowait(make_mention(3, "@orbit " + WARPED.upper() + "!!", minutes_ago=1,
                                             author="@other@example.social"))
        await settle(pilot, app, len(MENTIONS) + 1)
        await pilot.press("1")
        await pilot.pause()
        assert "mastodon:3" in lst.uids
        assert app.session.store.mention("mastodon:3")["kind"] == "crisis"
        while lst.current_uid != "mastodon:3":
            await pilot.press("j")
        await pilot.pause()
        detail = plain(app.screen.query_one("#detail-body"))
        assert "✎ Triaged as this store's agents corrected the same wording (triage said " in detail


async def test_a_mention_set_aside_as_not_about_us_is_filed_with_l(tmp_path: Path) -> None:
    from tests.helpers import fixed_clock
    from tui.rules.config import Config
    from tui.ui.app import make_app

    song = make_mention(1, "Mr Brightside at karaoke again, the bar staff hate us", minutes_ago=5)
    config = Config(watch=["Brightside"], exclude=["Mr Brightside"])
    app = make_app(config, tmp_path / "store.json", sources=[FeedSource([song])], clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = await settle(pilot, app, 1)
        assert "mastodon:1" not in lst.uids, "in no queue"
        await pilot.press("8")
        await pilot.pause()
        assert lst.uids == ["mastodon:1"]
        from tests.ui.test_flow import row_text as list_row
        assert "[not about us] Mr Brightside at karaoke" in list_row(lst, "mastodon:1")
        shown = plain(app.screen.query_one(MentionDetail).query_one("#detail-body"))
        assert "Set aside, not about us: it names 'Mr Brightside'" in shown
        assert "Why priority were it not set aside" in shown
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, CorrectScreen) and app.screen.original["queue"] == "set aside"
        await pilot.press("down", "down", "right", "right", "enter")  # queue: needs-reply
        await pilot.pause()
        stored = app.session.store.mention("mastodon:1")
        assert stored["queue"] == "needs-reply" and stored["off_topic"] is None
        await pilot.press("u")
        await pilot.pause()
        assert app.session.store.mention("mastodon:1")["queue"] == "muted"


async def test_a_phrase_added_to_exclude_sets_aside_what_was_stored_and_says_so(tmp_path: Path) -> None:
    from tests.helpers import fixed_clock
    from tui.rules.config import Config
    from tui.ui.app import make_app

    film = make_mention(1, "rewatching Delta Force tonight, what a terrible movie", minutes_ago=5)
    app = make_app(Config(watch=["Delta"]), tmp_path / "store.json", sources=[FeedSource([film])],
                   clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = await settle(pilot, app, 1)
        assert "mastodon:1" in lst.uids, "a complaint about a film, filed before the phrase was listed"
    app = make_app(Config(watch=["Delta"], exclude=["Delta Force"]), tmp_path / "store.json", sources=[],
                   clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = await settle(pilot, app, 1)
        assert "mastodon:1" not in lst.uids
        toasts = [str(n.message) for n in app._notifications]
        assert "1 stored mention set aside as not about us ([brand] exclude): the muted view (8) lists it" \
            in toasts
        await pilot.press("8")
        await pilot.pause()
        assert lst.uids == ["mastodon:1"]


async def test_the_dialog_shows_the_kind_following_a_label_that_contradicts_it(tmp_path: Path) -> None:
    """Session 45: praise corrected to neutral is no longer praise, and the dialog says so before Enter."""
    fan = make_mention(3, "I love my Orbit, best purchase this year", minutes_ago=2)
    app = app_with(tmp_path, [*MENTIONS, fan])
    async with app.run_test(size=(80, 24)) as pilot:
        lst = await settle(pilot, app, len(MENTIONS) + 1)
        await pilot.press("3")
        assert lst.uids == ["mastodon:3"]
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("left")  # label: positive -> neutral
        await pilot.pause()
        assert app.screen.values == {"label": "neutral", "kind": "other", "queue": "needs-reply"}
        assert row_text(app, "kind").endswith("*")
        await pilot.press("enter")
        await pilot.pause()
        stored = app.session.store.mention("mastodon:3")
        assert (stored["kind"], stored["queue"]) == ("other", "needs-reply")
        assert "mastodon:3" not in lst.uids
        toasts = [str(n.message) for n in app._notifications]
        assert any("label neutral (so kind other), now in needs-reply" in t for t in toasts), toasts


async def test_a_selection_that_differs_is_not_shown_as_one_mentions_triage(tmp_path: Path) -> None:
    """Session 57, by hand: three selected mentions, one a crisis, and the dialog said "Now:
    negative · complaint · priority" (the first one's) and previewed every kind from it."""
    app = app_with(tmp_path, MENTIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = await settle(pilot, app, len(MENTIONS))
        await pilot.press("2", "asterisk")
        kinds = {app.session.store.mention(u)["kind"] for u in lst.selected}
        assert len(kinds) == 2, kinds
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, CorrectScreen)
        help_text = " ".join(str(label.render()) for label in app.screen.query(".dialog-help"))
        assert "Now: neutral · kinds differ · needs-reply" in " ".join(help_text.split())
        assert app.screen.values["kind"] == "mixed"
        assert "(mixed)" in row_text(app, "kind") and "*" not in row_text(app, "kind")
        await pilot.press("right")  # label: neutral -> positive; each kind follows its own mention
        await pilot.pause()
        assert (app.screen.values["kind"], app.screen.values["queue"]) == ("mixed", "mixed")
        await pilot.press("down", "right", "right", "enter")  # kind, by hand, for all: the cycle
        await pilot.pause()                                    # starts at its first value
        stored = [app.session.store.mention(u) for u in ("mastodon:1", "mastodon:2")]
        assert {(m["label"], m["kind"]) for m in stored} == {("positive", "question")}
