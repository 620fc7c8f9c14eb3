"""The reply editor's hint panel (issue 12): the whole-draft checks wait for a pause or for ctrl+s.

`no-empathy` and `no-next-step` judge a finished reply. Shown from the first word they flag every
draft being typed, so the editor shows them under "Before you send" once the draft pauses
(`ReplyScreen.PAUSE`) or when the agent presses ctrl+s; hints with a place in the text still show
as you type. The pause is shortened in these tests; the behaviour is the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import FeedSource, fixed_clock, make_mention, settle
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.inbox import InboxScreen
from tui.ui.screens.reply import ReplyScreen

SIZE = (130, 40)
UID = "mastodon:1"
COLD = "The router firmware is out of date so the connection drops"
"""A cold explanation with no word for the person and no step offered: `no-empathy`."""
REFUSAL = "We are unable to see the file you sent."
"""A refusal with no way forward: `negative-language` as typed, then `no-next-step` on a pause."""
SHORT = 0.3
"""The pause used where a test waits for one (the editor's own is 1.5 s)."""


def app_on(path: Path) -> TurnaroundApp:
    mention = make_mention(1, "My router keeps dropping the connection, third time today", minutes_ago=5)
    return make_app(Config(), path, sources=[FeedSource([mention])], clock=fixed_clock)


def panel(screen: ReplyScreen) -> str:
    return str(screen.query_one("#hint-panel").render())


async def open_editor(pilot: Any, app: TurnaroundApp, pause: float) -> ReplyScreen:
    await settle(pilot, app, 1)
    await pilot.press("r")
    screen = app.screen
    assert isinstance(screen, ReplyScreen)
    screen.PAUSE = pause
    return screen


async def test_whole_draft_checks_do_not_show_while_typing(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, app, pause=60.0)  # no pause happens in this test
        await pilot.press(*COLD)
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert screen.draft.text == COLD
        assert screen.hints == [] and screen.checks == []
        assert "no-empathy" not in panel(screen)
        assert "Before you send" not in panel(screen)


async def test_whole_draft_checks_show_once_the_draft_pauses(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, app, pause=SHORT)
        await pilot.press(*COLD)
        await pilot.pause(SHORT * 3)
        assert [h.category for h in screen.checks] == ["no-empathy"]
        text = panel(screen)
        assert "Before you send: no-empathy" in text, "every check is named on the header's line"
        # typing again drops the stale check at once
        await pilot.press(*". Sorry, we will send a fix tonight!")
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert screen.checks == [] and "Before you send" not in panel(screen)
        await pilot.pause(SHORT * 3)
        assert screen.checks == [], "an apology acknowledges the person"
        assert "this reads well" in panel(screen)


async def test_ctrl_s_shows_the_checks_first_then_sends_as_it_is(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, app, pause=60.0)
        await pilot.press(*REFUSAL)
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert [h.category for h in screen.hints] == ["negative-language"], "span hints show as typed"
        assert screen.checks == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen, "the first ctrl+s shows the checks instead of sending"
        assert "no-next-step" in [h.category for h in screen.checks]
        assert "Before you send" in panel(screen)
        assert app.session is not None and app.session.store.outbox() == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen), "the second ctrl+s sends the reply as it is"
        assert [row["text"] for row in app.session.store.outbox()] == [REFUSAL]


async def test_ctrl_s_sends_at_once_when_the_checks_find_nothing(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    text = "Sorry about the drops! Could you DM us your account number? We'll check the line."
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, app, pause=60.0)
        screen.draft.insert(text)
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        assert app.session is not None
        assert [row["text"] for row in app.session.store.outbox()] == [text]


async def test_a_draft_that_is_not_english_is_told_so_once(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    text = "Hola, por favor revisa tus mensajes directos para poder ayudarte con el router."
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, app, pause=SHORT)
        screen.draft.insert(text)
        await pilot.pause(SHORT * 3)
        shown = panel(screen)
        assert shown.count("Hints check English only") == 1
        assert "reads well" not in shown, "the rules cannot vouch for a language they do not read"
        assert screen.checks == [], "no whole-draft verdicts on a language the rules do not read"


async def test_a_question_to_a_fan_is_banter_not_a_cold_reply(tmp_path: Path) -> None:
    """The editor tells the hint engine what it answers: to praise, a question needs no warmth
    check; the same words to a complaint still get one (a diagnostic question with a step, which
    the learned reading flags too; session 34: it reads a bare "What's your go-to order?" as fine)."""
    fan = make_mention(1, "Absolutely love the new oat latte, best coffee in town!", minutes_ago=5)
    app = make_app(Config(), tmp_path / "store.json", sources=[FeedSource([fan])], clock=fixed_clock)
    question = "Which app version are you on? Please restart the router."
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, 1)
        assert app.session is not None and app.session.store.mention(UID)["kind"] == "praise"
        await pilot.press("3", "r")  # champions
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        screen.PAUSE = SHORT
        await pilot.press(*question)
        await pilot.pause(SHORT * 3)
        assert screen._checked == question
        assert screen.checks == []
    app = app_on(tmp_path / "other.json")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, app, pause=SHORT)
        await pilot.press(*question)
        await pilot.pause(SHORT * 3)
        assert [h.category for h in screen.checks] == ["no-empathy"]


def span_style(screen: ReplyScreen, text: str) -> Any:
    """The style the draft paints on the first character of `text`."""
    line = screen.draft.get_line(0)
    at = line.plain.index(text)
    return line.get_style_at_offset(screen.app.console, at)


async def test_highlights_follow_the_hints_the_marked_hint_and_the_theme(tmp_path: Path) -> None:
    """The span styles are kept between keystrokes; a new hint, `ctrl+n` or a theme still repaint them."""
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, app, pause=60.0)
        await pilot.press(*"Thanks Sam.")
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        plain = span_style(screen, "Sam")
        await pilot.press(*" We are unable to see the file")
        await pilot.pause(ReplyScreen.DEBOUNCE * 4)
        assert [h.category for h in screen.hints] == ["negative-language"]
        hinted = span_style(screen, "We are unable")
        assert hinted != plain
        assert span_style(screen, "Sam") == plain
        await pilot.press("ctrl+n")
        await pilot.pause()
        marked = span_style(screen, "We are unable")
        assert marked != hinted
        app.theme = "brightside-light" if app.theme != "brightside-light" else "brightside-dark"
        await pilot.pause()
        assert span_style(screen, "We are unable") != marked


def test_hint_messages_wrap_under_their_name() -> None:
    """A long message keeps its indent when it wraps, instead of running back to the panel's edge."""
    from tui.ui.screens.reply import hanging

    text = "Nothing acknowledges the person: thank them, say sorry, show you understand, or offer to help."
    lines = hanging(text, 4, 40).splitlines()
    assert len(lines) > 1 and all(line.startswith("    ") and len(line) <= 40 for line in lines)
    assert hanging(text, 4, 0) == "    " + text, "not laid out yet: no wrapping"


async def test_a_follow_up_after_our_sorry_is_not_asked_for_warmth_again(tmp_path: Path) -> None:
    """Warmth is owed once a thread: after our reply said sorry, a cold follow-up passes the
    check; the same draft in a thread where we said nothing warm is flagged (session 60)."""
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, 1)
        assert app.session is not None
        app.session.lifecycle.reply([UID], text="Oh no, sorry about the drops! Which router is it?")
        await pilot.press("4", "r")  # the thread now waits for the customer
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        screen.PAUSE = SHORT
        await pilot.press(*COLD)
        await pilot.pause(SHORT * 3)
        assert "no-empathy" not in [h.category for h in screen.checks]
        assert "no-empathy" not in panel(screen)
        context = " ".join(str(w.render()) for w in screen.query_one("#reply-context").children)
        assert "(sent from here): Oh no, sorry about the drops!" in context, "what we said is shown"


async def test_a_follow_up_after_a_cold_reply_still_needs_warmth(tmp_path: Path) -> None:
    app = app_on(tmp_path / "store.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, 1)
        assert app.session is not None
        app.session.lifecycle.reply([UID], text="Which router is it?")
        await pilot.press("4", "r")
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        screen.PAUSE = SHORT
        await pilot.press(*COLD)
        await pilot.pause(SHORT * 3)
        assert [h.category for h in screen.checks] == ["no-empathy"]


async def test_our_collected_post_in_the_thread_counts_as_said(tmp_path: Path) -> None:
    """Our reply posted outside Turnaround (collected as our own post) acknowledged them too: the
    customer's next message gets a follow-up without a second sorry asked for."""
    first = make_mention(1, "My router keeps dropping the connection, third time today", minutes_ago=9)
    ours = make_mention(2, "So sorry about that! Which router is it?", minutes_ago=8,
                        author="@brand@brand.social", in_reply_to="1")
    again = make_mention(3, "It's the Hub 3, still dropping", minutes_ago=5, in_reply_to="2")
    config = Config(handles=["@brand@brand.social"])
    app = make_app(config, tmp_path / "store.json", sources=[FeedSource([first, ours, again])],
                   clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, 3)
        assert app.session is not None
        assert app.session.our_replies("mastodon:1") == ["So sorry about that! Which router is it?"]
        screen = ReplyScreen(app.session, "mastodon:3")
        await app.push_screen(screen)
        screen.PAUSE = SHORT
        await pilot.press(*COLD)
        await pilot.pause(SHORT * 3)
        assert "no-empathy" not in [h.category for h in screen.checks]
