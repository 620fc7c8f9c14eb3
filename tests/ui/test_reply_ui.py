"""The reply editor with Pilot: saved replies (ctrl+t) fill the editor and never send; a draft with
a placeholder or a rewrite's gap left in it is refused, saying which."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events
from textual.widgets import Static

from tests.helpers import MIXED, FeedSource, fixed_clock, make_mention, settle
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.reply import ReplyScreen
from tui.ui.screens.sending import not_ready
from tui.ui.screens.templates import TemplatePicker
from tui.ui.widgets.draft_area import DraftArea


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
        await pilot.press(*"Hello!")
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
        assert text.startswith("Hello! "), "put after what was typed, a space between"
        assert app.session is not None and app.session.outbox.items() == [], "a saved reply never sends"


def notes(app: TurnaroundApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def panel_text(screen: ReplyScreen) -> str:
    """The hint panel as one line: its wrapping depends on the panel's width."""
    return " ".join(str(screen.query_one("#hint-panel").render()).split())


async def open_editor(pilot: Any, app: TurnaroundApp, text: str) -> ReplyScreen:
    await settle(pilot, app, len(MIXED))
    await pilot.press("r")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ReplyScreen)
    screen.query_one(DraftArea).insert(text)
    await pilot.pause(0.2)
    return screen


async def test_a_placeholder_left_in_the_draft_is_refused_and_named(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot, app, "Hi, so sorry! Could you DM us {order_id}? – {agent}")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen, "not sent: the editor stays open"
        assert app.session is not None and app.session.outbox.items() == []
        assert any("Fill {order_id}, {agent} before sending" in n for n in notes(app))
        assert "{order_id}" in (app.session.store.draft(screen.uid) or ""), "the draft stays"
        draft = screen.query_one(DraftArea)
        draft.load_text("Hi, so sorry! Could you DM us your order number? – Sam")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.session.outbox.items()) == 1


async def test_the_gap_a_rewrite_leaves_must_be_filled_before_sending(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot, app, "Sorry about that. We can't refund it.")
        await pilot.press("ctrl+n")
        await pilot.pause(0.2)
        panel = panel_text(screen)
        assert "→ What we can do is … (in place of “We can't refund it”)" in panel, panel
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        draft = screen.query_one(DraftArea)
        # the gap stands for the whole refusal: no "What we can do is … it." (session 61)
        assert draft.text == "Sorry about that. What we can do is ….", "a gap to fill (hints.toml cant)"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert app.session is not None and app.session.outbox.items() == []
        assert any("before sending" in n and "…" in n for n in notes(app))
        draft.load_text(draft.text.replace("…", "a store credit today"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.session.outbox.items()) == 1


async def test_typing_after_a_rewrite_fills_its_gap_and_ctrl_z_takes_it_back(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        text = "So sorry, Jo. Unfortunately we cannot change the plan from here. -Sam"
        screen = await open_editor(pilot, app, text)
        await pilot.press("ctrl+n", "ctrl+r")
        await pilot.pause(0.2)
        draft = screen.query_one(DraftArea)
        assert draft.text == "So sorry, Jo. What we can do is …. -Sam"
        assert draft.selected_text == "…", "the gap is selected, ready to be typed over"
        await pilot.press(*[key if key != " " else "space" for key in "move you today"])
        await pilot.pause(0.2)
        assert draft.text == "So sorry, Jo. What we can do is move you today. -Sam"
        for _ in range(6):  # the typing first (the editor groups it), then the rewrite itself
            if draft.text == text:
                break
            await pilot.press("ctrl+z")
            await pilot.pause(0.1)
        assert draft.text == text


async def test_a_removal_at_a_sentence_start_capitalises_the_next_word_in_one_undoable_edit(
        tmp_path: Path) -> None:
    """"Relax, it's on its way." -> "It's on its way.", not "it's on its way." (session 62)."""
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        text = "Thanks, Jo. Relax, it's on its way and we'll track it for you. -Sam"
        screen = await open_editor(pilot, app, text)
        await pilot.press("ctrl+n")
        await pilot.pause(0.2)
        panel = panel_text(screen)
        assert "→ (remove it)" in panel, panel
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        draft = screen.query_one(DraftArea)
        assert draft.text == "Thanks, Jo. It's on its way and we'll track it for you. -Sam"
        await pilot.press("ctrl+z")
        await pilot.pause(0.1)
        assert draft.text == text, "one edit: ctrl+z takes it all back"


async def test_each_rewrite_is_its_own_undo_step(tmp_path: Path) -> None:
    """Two rewrites applied within a second are not merged into one ctrl+z (session 62, by hand)."""
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        text = "Thanks!!! Relax, we'll pass this on. -Sam"
        screen = await open_editor(pilot, app, text)
        draft = screen.query_one(DraftArea)
        await pilot.press("ctrl+n", "ctrl+r")
        await pilot.pause(0.1)
        await pilot.press("ctrl+n", "ctrl+r")
        await pilot.pause(0.1)
        assert draft.text == "Thanks! We'll pass this on. -Sam"
        await pilot.press("ctrl+z")
        await pilot.pause(0.1)
        assert draft.text == "Thanks! Relax, we'll pass this on. -Sam"
        await pilot.press("ctrl+z")
        await pilot.pause(0.1)
        assert draft.text == text


async def test_ctrl_n_after_a_rewrite_goes_to_the_hint_at_the_cursor(tmp_path: Path) -> None:
    """After "Relax, " goes, the shout starts at the cursor: ctrl+n picks it, not the refusal after
    it, and typing then fills the refusal's gap (session 62, by hand at 200x50)."""
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        text = "@jo RELAX, WE ARE ON IT. Unfortunately we can't refund this fare. -Sam"
        screen = await open_editor(pilot, app, text)
        draft = screen.query_one(DraftArea)
        for _ in range(3):
            await pilot.press("ctrl+n", "ctrl+r")
            await pilot.pause(0.2)
        assert draft.text == "@jo We are on it. What we can do is …. -Sam"
        await pilot.press(*"abc")
        await pilot.pause(0.1)
        assert draft.text == "@jo We are on it. What we can do is abc. -Sam"


async def test_ctrl_r_on_a_hint_without_a_rewrite_says_so_and_leaves_the_draft(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        text = "Sorry! Some orders may take longer in December. We'll chase it today."
        screen = await open_editor(pilot, app, text)
        await pilot.press("ctrl+n", "ctrl+r")
        await pilot.pause(0.2)
        assert screen.query_one(DraftArea).text == text
        assert any("no ready rewrite" in n for n in notes(app)), notes(app)


def test_only_a_rewrite_gap_counts_not_an_ellipsis_of_ones_own() -> None:
    suggestions = ["what we can do is …", "what we can offer is ...", None, r"\1 instead"]
    assert not_ready("Hmm... let me check that for you… one moment.", suggestions) is None
    assert not_ready("Sorry! What we can do is … for you", suggestions) is not None
    assert not_ready("what we can offer is...", suggestions) is not None
    assert not_ready("What we can do is a refund.", suggestions) is None
    assert not_ready("Hi {name}", suggestions) == "Fill {name} before sending."


async def test_keys_typed_right_after_r_reach_the_editor(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.current_uid
        # As a terminal delivers a fast typist's keys: all queued at once, no frame in between.
        for char in "rhello there, we're on it":
            app.post_message(events.Key(char if char.isalnum() else {" ": "space", ",": "comma",
                                                                      "'": "apostrophe"}[char], char))
        want = "hello there, we're on it"
        for _ in range(100):  # the first editor of a run compiles the hint rules: give it time
            await pilot.pause(0.1)  # (a loaded machine delivers the queued keys and saves slowly)
            if (isinstance(app.screen, ReplyScreen) and app.screen.draft.text == want
                    and app.session is not None and app.session.store.draft(uid) == want):
                break
        assert isinstance(app.screen, ReplyScreen) and app.screen.uid == uid
        assert app.screen.query_one(DraftArea).text == want
        assert app.session is not None and app.session.store.draft(uid) == want
        meter = app.screen.query_one("#reply-meter")
        for _ in range(50):  # the meter follows once the hint engine (compiled on first use) has run
            if "length 24" in str(meter.render()):
                break
            await pilot.pause(0.1)
        assert "length 24" in str(meter.render())
        assert app.session is not None and app.session.outbox.items() == []


async def test_a_mastodon_reply_with_a_long_link_is_sent_as_mastodon_counts_it(tmp_path: Path) -> None:
    """Mastodon counts a link as 23 characters: a 604-character draft with a 147-character
    help-centre link is 480 to Mastodon, and the editor used to refuse it as 604 (session 27)."""
    from tests.ui.test_app import app_with
    from tui.ui.screens.inbox import InboxScreen

    link = "https://help.example.social/articles/" + "a-very-long-article-slug-" * 4 + "1234567890"
    text = "Sorry about the double charge, we've refunded it today. " * 8 + "Details: " + link
    assert len(text) > 500
    app = app_with(tmp_path, [make_mention(1, "you charged me twice", minutes_ago=5)])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, app, 1)
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        screen.draft.load_text(text)
        await pilot.pause()
        for _ in range(2):  # the before-send check may stop the first ctrl+s
            if isinstance(app.screen, ReplyScreen):
                await pilot.press("ctrl+s")
                await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        assert [row["text"] for row in app.session.store.outbox()] == [text]


async def test_the_meter_counts_the_handle_mastodon_adds(tmp_path: Path) -> None:
    """A reply that does not name the author goes out with their @handle in front; the editor
    counts it, so a reply Mastodon would refuse (502 of 500) is not sent."""
    from textual.widgets import Label

    from tests.ui.test_app import app_with
    from tui.sources.mastodon import MastodonSource

    app = app_with(tmp_path, [make_mention(1, "you charged me twice", minutes_ago=5,
                                           author="@maria@fosstodon.org")])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, app, 1)
        app.session.outbox.prefixes["mastodon"] = MastodonSource("https://example.social",
                                                                 token="t").reply_prefix
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        screen.draft.load_text("x" * 495)
        await pilot.pause()
        screen.recompute()
        meter = str(screen.query_one("#reply-meter", Label).render())
        assert "length 502/500" in meter and "2 over" in meter
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen, "not sent: Mastodon would refuse it"
        # names her (a bare "@maria" would be someone on our own instance): nothing is added, and
        # her handle counts as "@maria"
        screen.draft.load_text("@maria@fosstodon.org " + "x" * 490)
        await pilot.pause()
        screen.recompute()
        assert "length 497/500" in str(screen.query_one("#reply-meter", Label).render())


async def test_a_long_thread_opens_at_the_mention_answered(tmp_path: Path) -> None:
    """At 80x24 the thread above the editor has a few lines: it shows the mention answered, with
    what was said just before it, not the thread's first posts (found by hand, session 60)."""
    chain = [make_mention(n, f"Message number {n} in a long conversation about a flickering screen",
                          minutes_ago=40 - n, author="@ann@x.social" if n % 2 else "@bob@x.social",
                          in_reply_to=str(n - 1) if n > 1 else None) for n in range(1, 11)]
    chain = [{k: v for k, v in m.items() if v is not None} for m in chain]
    app = make_app(Config(), tmp_path / "store.json", sources=[FeedSource(chain)], clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, len(chain))
        assert app.session is not None
        screen = ReplyScreen(app.session, "mastodon:10")
        await app.push_screen(screen)
        await pilot.pause(0.2)
        context, target = screen.query_one("#reply-context"), screen.query_one("#reply-target")
        assert context.scroll_y > 0, "scrolled past the first posts"
        top, height = int(context.scroll_y), context.scrollable_content_region.height
        where = target.virtual_region
        assert top <= where.y and where.bottom <= top + height, "the mention answered is in view"
        lines = [str(w.render()) for w in context.children]
        assert "Message number 9" in lines[-2] and "Message number 10" in lines[-1], "time order"


async def test_a_draft_left_with_escape_is_marked_in_its_row_and_shown_in_the_detail(tmp_path: Path) -> None:
    """Escape keeps a draft; the list marks that mention ✎ and the pane shows the words, so a reply
    begun and left is found again. A draft of only the customer's handle is no draft."""
    app = app_with(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.current_uid
        assert uid is not None and app.session is not None

        def row() -> str:
            return "".join(segment.text for segment in lst.render_line(0))

        def pane() -> str:
            shown = app.screen.query_one("#detail-body", Static).content
            return " ".join(part.plain for part in shown.renderables if isinstance(part, Text))

        async def type_and_leave(text: str) -> None:
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ReplyScreen)
            app.screen.draft.insert(text)
            await pilot.press("escape")
            await pilot.pause(0.1)

        assert "✎" not in row() and "Your draft" not in pane()
        await type_and_leave("@someone ")
        assert "✎" not in row()  # only a handle: the editor opened and left
        await type_and_leave("we're looking into your order now")
        assert lst.current_uid == uid
        assert "✎" in row()
        assert "Your draft, not sent" in pane() and "we're looking into your order now" in pane()
        await pilot.press("t")  # the thread shows it last, where the reply will go
        await pilot.pause()
        shown = app.screen.query_one("#thread-body", Static).content
        assert shown.renderables[-1].plain.endswith("we're looking into your order now")
