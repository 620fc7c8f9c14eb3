"""The detail pane says why a mention got its label, kind and queue (issue 12 item 6): the rules
that fired and the words that weighed most, from `triage.explain()`, in 1-3 plain lines."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from tests.helpers import make_mention, settle
from tests.ui.test_app import app_with
from tests.ui.test_champions_ui import plain
from tui.core.triage_explain import explain
from tui.ui.widgets.mention_detail import MentionDetail, why_lines

CRISIS = "your loyalty app just showed me someone else's card number and address"
HOSTILE = "[bold red]why[/] is my order \x1b[31mlate\u202e again?? [link=http://x]click[/link]"


def test_a_crisis_names_the_pattern_that_fired() -> None:
    lines = why_lines(explain(CRISIS), "priority")
    assert 1 <= len(lines) <= 3
    assert lines[0].startswith("Why priority: crisis")
    assert "card number" in lines[0]


def test_words_that_pulled_toward_the_verdict_are_named_and_nothing_else() -> None:
    lines = why_lines(explain("love the new orbit, thanks team!"), "champions")
    assert any(line.startswith("positive ←") and "'thanks'" in line for line in lines)
    assert all("neutral ←" not in line and "negative ←" not in line for line in lines)
    assert all(len(line) <= 160 for line in lines)


def test_a_phrase_rule_is_named_without_its_inner_workings() -> None:
    lines = why_lines(explain("why is my order late again??"), "priority")
    assert lines[0] == "Why priority: phrase 'why is my order late'"


def test_a_verdict_not_triages_own_says_whose_it_is() -> None:
    reading = explain(CRISIS)
    assert why_lines(reading, "priority", shown=("negative", "crisis")) == why_lines(reading, "priority")
    corrected = why_lines(reading, "needs-reply", shown=("neutral", "other"), corrected=True)
    assert corrected[0].startswith("Why needs-reply: corrected; triage read crisis, negative: crisis")
    older = why_lines(reading, "needs-reply", shown=("neutral", "other"))
    assert older[0].startswith("Why needs-reply: triage now reads crisis, negative: crisis")


def test_a_language_triage_does_not_read_is_said_so() -> None:
    lines = why_lines(["untriaged (language: ja)", "language: written in ja; triage reads English only"])
    assert lines == ["Why: written in ja; triage reads English only"]


def test_hostile_words_carry_no_control_or_bidi_characters() -> None:
    lines = why_lines(explain(HOSTILE), "priority")
    assert lines
    assert not any(ch in line for line in lines for ch in "\x1b\u202e")


async def test_the_detail_pane_shows_why_and_never_reads_markup(tmp_path: Path) -> None:
    app = app_with(tmp_path, [make_mention(1, CRISIS, minutes_ago=5),
                              make_mention(2, HOSTILE, minutes_ago=9)])
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await settle(pilot, app, 2)
        detail = app.screen.query_one(MentionDetail)
        while lst.current_uid != "mastodon:1":
            await pilot.press("j")
        await pilot.pause()
        shown = plain(detail.query_one("#detail-body"))
        assert "Why priority: crisis" in shown and "card number" in shown
        while lst.current_uid != "mastodon:2":
            await pilot.press("j")
        await pilot.pause()
        body = detail.query_one("#detail-body").content
        first = body.renderables[0]
        assert isinstance(first, Text)
        why = next(line for line in first.plain.splitlines() if line.startswith("Why "))
        verdict = next(i for i, line in enumerate(first.plain.splitlines()) if "priority " in line)
        assert first.plain.splitlines()[verdict + 1] == why, "right under the verdict it explains"
        assert "[bold red]" in first.plain, "the mention's text is shown as typed, not as markup"
        assert all(span.style in ("bold", "dim", "italic", "dim italic", "dim underline")
                   for span in first.spans), "no style came from the mention's words"


def test_the_encoder_words_stay_out_of_the_pane() -> None:
    # They are mostly the label model's words again: `turnaround triage --explain` lists them.
    lines = why_lines(explain("stranded at the gate for 5 hours, crew won't tell us anything"), "priority")
    assert lines[0] == "Why priority: negative complaint"
    assert all("(encoder)" not in line for line in lines)


def test_the_pane_names_words_not_markers_or_small_words() -> None:
    # session 27: '(start) @someone' led the "why" of 180 of 400 real mentions, 'this' of 26
    lines = why_lines(explain("@SpotifyCares why is this happening again? 3 times this week"), "priority")
    shown = " ".join(lines[1:])
    assert "'why'" in shown
    assert "(start)" not in shown and "(end)" not in shown and "@someone" not in shown
    assert "'this'" not in shown and "'is'" not in shown


async def test_a_post_of_endless_lines_is_shown_short_and_kept_whole(tmp_path: Path) -> None:
    """Mention text is anyone's: 10,000 newlines took the pane ~0.9 s to lay out. Blank runs fold to
    one blank line, and past `PANE_LINES` lines the pane says how many it leaves out."""
    spaced = "first" + "\n" * 9000 + "last"
    listed = "".join(f"line {n}\n" for n in range(1000))
    app = app_with(tmp_path, [make_mention(1, spaced, minutes_ago=5), make_mention(2, listed, minutes_ago=9)])
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await settle(pilot, app, 2)
        detail = app.screen.query_one(MentionDetail)
        for uid, want in (("mastodon:1", "first\n\nlast"), ("mastodon:2", "line 199\n… 801 more lines")):
            for queue in "12345":
                await pilot.press(queue)
                await pilot.pause()
                if uid in lst.uids:
                    break
            while lst.current_uid != uid:
                await pilot.press("j")
            await pilot.pause()
            shown = plain(detail.query_one("#detail-body"))
            assert want in shown and "line 200" not in shown, shown[-300:]
        assert app.session.store.mention("mastodon:2")["text"] == listed, "the store keeps every line"


def test_a_rule_the_verdict_went_against_is_not_its_reason() -> None:
    """The model, or the harm guard after it, can outweigh a rule; naming that rule as the reason
    tells the agent the opposite of the verdict."""
    calm = why_lines(explain("@AirAsiaSupport Booking no YIUBPF. Thanks."), "needs-reply")
    assert calm[0] == "Why needs-reply: neutral other", "irony the model outweighed"
    joke = why_lines(explain("brightside: makes coffee machine. coffee machine: makes toast. of your hand. "
                             "10/10"), "priority")
    assert joke[0].startswith("Why priority:") and "10/10" not in joke[0], "praise read as mockery"
    ironic = why_lines(explain("thanks for losing my bag again, great service"), "priority")
    assert ironic[0].startswith("Why priority: sarcasm:"), "irony that made the verdict is named"
    assert why_lines(explain("the hotel exceeded all my expectations"), "champions")[0] == \
        "Why champions: phrase 'exceeded all my expectations'"


def test_words_that_name_us_explain_nothing() -> None:
    """Session 63, a store of real Tesco tweets: "question ← question form · 'tesco'"."""
    text = "@Tesco @117242 @sainsburys @AldiUK No.. C...Can it be?? TESCO... FROM OUTTA NOWHERE 🐍"
    reading = explain(text)
    assert any("'tesco'" in line for line in why_lines(reading, "priority")), "the model leans on it"
    quiet = why_lines(reading, "priority", quiet=frozenset({"tesco"}))
    assert quiet and not any("'tesco'" in line for line in quiet)


def test_the_session_knows_the_words_that_name_us(tmp_path: Path) -> None:
    from tui.rules.config import Config
    from tui.services.session import Session

    config = Config(brand="Brightside Coffee", watch=["Bean Club"],
                    handles=["@brightside@brightside.social", "@BrightsideCoffee"])
    session = Session.open(config, tmp_path / "s.json")
    try:
        assert session.brand_words == {"brightside", "coffee", "bean", "club", "brightsidecoffee"}
    finally:
        session.close()
