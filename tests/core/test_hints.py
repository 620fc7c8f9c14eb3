"""The positive-language hint engine: categories, idioms, offsets, rewrites, user rules, accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.hints import (
    CATEGORIES,
    Hint,
    HintEngine,
    HintRuleError,
    apply_suggestion,
    validate_rule_file,
)
from tui.core.hints_match import _ascii_probe, case_free
from tui.core.hints_rules import optional_apostrophes

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def engine() -> HintEngine:
    return HintEngine.load()


@pytest.fixture(scope="module")
def rules_engine() -> HintEngine:
    """The rules alone, without the learned `no-empathy` reading: for tests of the rules' own
    mechanics (what opens the check, what counts as warmth)."""
    rules = HintEngine.load()
    rules.learned = None
    return rules


def categories(engine: HintEngine, text: str, platform: str | None = None) -> set[str]:
    return {h.category for h in engine.check(text, platform)}


def _cats(hints: list[Hint]) -> set[str]:
    return {h.category for h in hints}


def only(engine: HintEngine, text: str, rule: str) -> Hint:
    found = [h for h in engine.check(text) if h.rule == rule]
    assert len(found) == 1, (text, found)
    return found[0]


def test_builtin_rules_load_cleanly_and_cover_every_category(engine: HintEngine) -> None:
    assert engine.errors == []
    assert {r.category for r in engine.rules} == set(CATEGORIES)


@pytest.mark.parametrize(
    ("category", "text"),
    [
        ("negative-language", "We can't refund opened items."),
        ("negative-language", "Sorry, we can’t do that."),
        ("negative-language", "i cant find it"),
        ("negative-language", "We are unable to change the address."),
        ("negative-language", "We're not able to ship to PO boxes."),
        ("negative-language", "We won't be able to replace it."),
        ("negative-language", "We don't know when it's back."),
        ("negative-language", "It's not available in blue."),
        ("negative-language", "It isn’t available in blue."),
        ("negative-language", "That isn't possible."),
        ("negative-language", "That's impossible."),
        ("negative-language", "That's not something we offer."),
        ("negative-language", "We do not offer price matching."),
        ("negative-language", "There's nothing we can do."),
        ("negative-language", "No."),
        ("negative-language", "Nope, we never do that."),
        ("excuse", "That's not on us."),
        ("excuse", "Our hands are tied."),
        ("excuse", "The rules are the rules."),
        ("excuse", "We're very busy right now."),
        # the fault put on someone else is blame, as the issue defines it (session 47; was excuse)
        ("blame", "It's the courier's responsibility."),
        ("excuse", "I apologize, but that's how we do it."),
        ("excuse", "Sorry, however the form closed."),
        ("excuse", "That's out of our control."),
        ("excuse", "It's company policy."),
        ("excuse", "Due to high volume, replies are slow."),
        ("blame", "You were supposed to send the receipt."),
        ("blame", "You forgot to add the order number."),
        ("blame", "If you had read the FAQ you'd know."),
        ("blame", "Clearly you missed it."),
        ("blame", "Relax, it's coming."),
        ("blame", "Like I told you, it opens at 9."),
        ("blame", "As I already said, it opens at 9."),
        ("blame", "You should have checked the size guide."),
        ("shouting", "PLEASE read the email."),
        ("shouting", "We are on it!!!"),
        ("shouting", "Really???"),
        ("shouting", "Why?!?!"),
        ("no-empathy", "The router firmware is out of date, so the connection drops."),
        ("no-next-step", "Sorry, we don't have any information on this."),
        # deflection and blame in plain words (session 16)
        ("blame", "We're not responsible for delays caused by the courier."),
        ("excuse", "This is a known issue. It happens sometimes with older phones."),
        ("excuse", "These things happen, sorry!"),
        ("blame", "You must have entered the wrong address."),
        # session 26 probes: deflection and talking down in wording the rules lacked
        ("excuse", "That's down to Royal Mail, we have no control over it."),
        ("excuse", "That's just how the system works."),
        ("blame", "You'll need to take that up with the manufacturer."),
        ("blame", "It clearly states on the website that sale items are final."),
        ("blame", "As mentioned in our previous tweet, we need your order number."),
        ("blame", "Nobody else has reported this problem."),
        # session 31, real replies labelled excuse: a restriction or its justification as the answer
        ("excuse", "You're only allowed to bring one bag with this fare."),
        ("excuse", "The gates close early to ensure passenger safety."),
    ],
)
def test_category_fires(engine: HintEngine, category: str, text: str) -> None:
    assert category in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "No trouble at all, thanks for asking! I've added the gift note.",
        "Thank you! We can't recommend it enough either, we'll tell the team.",
        "Not a problem! I've updated the address, thanks for letting us know.",
        "There's no extra cost, thanks for asking! I've switched your plan.",
        "No worries! Thanks for letting us know, I've updated the booking.",
        "Thanks! Don't hesitate to DM us your booking reference.",
        "No problem at all, thanks for checking! Your order ships tomorrow.",
        "We can't wait to see you! Thanks, we'll send the details by Friday.",
        "Oh no, I'm sorry! We've reset your password link.",
        "I can't believe that happened, I'm so sorry! I've sent a replacement.",
        "Thanks for sending your order no. 12345, I've refunded it.",
    ],
)
def test_positive_idioms_are_not_flagged(engine: HintEngine, text: str) -> None:
    assert engine.check(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Sorry about that! I've sent an SMS with the code and our FAQ has the steps too.",
        "Thank you! Your ID and the PDF arrived OK, we'll confirm by DM ASAP.",
        "Thanks! Visit https://example.com/HELP or search #SALE, I've emailed the code ABC123.",
        "Sorry for the wait!! Could you DM us your order number?",
        "Really?! We'll sort it today, sorry about that.",
    ],
)
def test_acronyms_links_and_light_punctuation_are_not_shouting(engine: HintEngine, text: str) -> None:
    assert "shouting" not in categories(engine, text)


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_draft_gets_no_hints(engine: HintEngine, text: str) -> None:
    assert engine.check(text, "x") == []
    assert engine.score(text) == 100


def test_good_draft_is_clean_and_scores_100(engine: HintEngine) -> None:
    text = "Thanks for flagging this, Sam. I've refunded the £12; it shows within 3 working days."
    assert engine.check(text, "x") == []
    assert engine.score(text) == 100


def test_offsets_point_at_the_words(engine: HintEngine) -> None:
    text = "Hi Sam! Sorry, we can’t refund that. RELAX!!! Our hands are tied."
    hints = engine.check(text)
    spans = {h.rule: text[h.start : h.end] for h in hints if h.start is not None}
    assert spans["cant"] == "we can’t refund"
    assert spans["all-caps"] == "RELAX"
    assert spans["punctuation-run"] == "!!!"
    assert spans["not-on-us"] == "Our hands are tied"
    starts = [h.start for h in hints if h.start is not None]
    assert starts == sorted(starts)


def test_non_ascii_drafts_keep_offsets_and_meaning(engine: HintEngine) -> None:
    text = "Zoë 👍🏽 — sorry, we can’t refund café orders. ÉTÉ SÛREMENT!!! No—never."
    hints = engine.check(text)
    spans = {h.rule: (text[h.start : h.end], h.suggestion) for h in hints if h.start is not None}
    assert spans["cant"] == ("we can’t refund", "what we can do is …")
    assert spans["all-caps"] == ("ÉTÉ SÛREMENT", "Été sûrement")
    assert spans["punctuation-run"] == ("!!!", "!")
    assert spans["flat-no"] == ("No", None)
    assert "shouting" not in categories(engine, "Merci Zoë, café ouvert. Thanks! I've sent it.")
    assert categories(engine, "Thanks! ЖДИТЕ ОТВЕТА. I've sent it.") == {"shouting"}


def test_user_patterns_with_non_ascii_letters_still_match(tmp_path: Path) -> None:
    write(
        tmp_path / "fr.toml",
        '[rules.pas-possible]\ncategory = "negative-language"\nmessage = "m"\n'
        "pattern = '\\bimpossible\\b|\\bdésolé mais\\b'\n",
    )
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    text = "Merci 👍 ! Désolé mais non. I've sent it."
    hint = only(engine, text, "pas-possible")
    assert text[hint.start : hint.end] == "Désolé mais"


def test_whole_draft_hints_come_last_without_offsets(engine: HintEngine) -> None:
    hints = engine.check("We can't refund opened items.")
    assert [h.category for h in hints] == ["negative-language", "no-empathy", "no-next-step"]
    assert hints[1].start is None and hints[1].end is None and hints[1].suggestion is None
    assert hints[2].start is None and hints[2].end is None


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        # real brand replies (tests/data/replies_real_*.jsonl): the refusal's object and an opener
        # before it go with it; what came before its clause and what follows it stay
        ("@530976 Unfortunately, we are unable to provide Complementary Access to the Sky Club. *AFC",
         "cant", "@530976 What we can do is …. *AFC"),
        ("@116134 Hi Stephen. We’re unable to contact passengers by email. 1/2", "cant",
         "@116134 Hi Stephen. What we can do is …. 1/2"),
        ("@157755 Once an order has shipped, we're unable to make changes to an order. You're welcome "
         "to return it.", "cant",
         "@157755 Once an order has shipped, what we can do is …. You're welcome to return it."),
        ("@576047 Hello @576047, please note that we do not offer such services. Thank you.", "dont-offer",
         "@576047 Hello @576047, what we can offer is …. Thank you."),
        ("@755184 We don't allow contact info (email addresses, phone numbers, etc.) to be exchanged, "
         "sorry. ^S", "dont-offer", "@755184 What we can offer is …, sorry. ^S"),
        ("@116031 Hi there, currently it isn’t possible to hide the list, however we can forward this!",
         "not-possible", "@116031 Hi there, here's what we can do instead: …, however we can forward this!"),
        ("@115891 Hey Mikey! We can't share plans yet, but we'll pass that on /GS", "cant",
         "@115891 Hey Mikey! What we can do is …, but we'll pass that on /GS"),
        ("Hi there, I can see how frustrating that must be. I am afraid we cannot change the plan from "
         "here. -Sam", "cant", "Hi there, I can see how frustrating that must be. What we can do is …. -Sam"),
    ],
)
def test_a_refusal_rewrite_takes_its_whole_clause(engine: HintEngine, text: str, rule: str,
                                                  expected: str) -> None:
    assert apply_suggestion(text, only(engine, text, rule)) == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # real replies: the words after it are no place for "available again from …"
        ("@152537 Spotify isn't available in Morocco yet, but we're launching in new countries.",
         "isnt-available"),
        ("@116659 Some shows are not available outside of your home network as well. ^RMD", "not-available"),
        ("@202590 We can take this one. That feature is no longer available on the NRC app.",
         "no-longer-available"),
    ],
)
def test_not_available_gets_a_rewrite_only_where_it_ends_its_clause(engine: HintEngine, text: str,
                                                                    rule: str) -> None:
    hint = only(engine, text, rule)
    assert hint.suggestion is None


@pytest.mark.parametrize(
    "text",
    [
        # real replies (session 61): "to recap" fits an aside before the answer, not a whole claim
        "@116817 No, my earlier message was correct. Several families have the same address. ^JB",
        "@115886 You're receiving the same answers because the information relayed is the same. *ABN",
        "We have ALREADY answered this!!! Check the recall page.",
    ],
)
def test_told_you_gets_to_recap_only_as_an_aside(engine: HintEngine, text: str) -> None:
    hint = only(engine, text, "told-you")
    assert hint.suggestion is None
    assert apply_suggestion("As I said, it opens at 9.", only(engine, "As I said, it opens at 9.",
                                                              "told-you")) == "To recap, it opens at 9."


@pytest.mark.parametrize(
    "text",
    [
        "@116664 We're sorry we can't help, but their number is 0344 493 0787.",
        "@465597 While we cannot guarantee that service, we'll be sure to pass on this request. ^EC",
    ],
)
def test_a_refusal_inside_other_words_gets_no_rewrite(engine: HintEngine, text: str) -> None:
    """Replacing the refusal alone would leave its object dangling; its clause holds other words."""
    hint = only(engine, text, "cant")
    assert hint.suggestion is None and hint.replaces is None
    assert apply_suggestion(text, hint) == text


def test_hint_as_dict(engine: HintEngine) -> None:
    hint = only(engine, "We can't refund that.", "cant")
    assert hint.as_dict() == {
        "rule": "cant",
        "category": "negative-language",
        "start": 0,
        "end": 15,
        "message": hint.message,
        "suggestion": "What we can do is …",
        "severity": "warning",
        "replaces": [0, 20],  # the rewrite takes the whole refusal, "that" too
    }
    assert json.loads(json.dumps(hint.as_dict())) == hint.as_dict()


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        # session 61: a refusal's rewrite takes its whole clause, not "what we can do is … it."
        ("Sorry, we can't refund opened items.", "cant", "Sorry, what we can do is …."),
        ("We can’t refund it.", "cant", "What we can do is …."),
        # a removal at a sentence start capitalises what follows (session 62)
        ("Relax, your order is on its way.", "relax", "Your order is on its way."),
        ("Thanks. Please just relax. It's coming.", "relax", "Thanks. It's coming."),
        ("Blue isn't available right now.", "isnt-available", "Blue is available again from …."),
        ("Sorry, that's not available yet.", "not-available", "Sorry, that's available again from …."),
        ("It's unavailable right now, sorry.", "not-available", "It's available again from …, sorry."),
        ("There's nothing more we can do.", "nothing-we-can-do", "Here's what we can do: …."),
        # session 23: the whole wall goes, not "... with." or "... on our end." left behind
        ("This isn't something we're able to assist with.", "not-something-we-do",
         "Here's what we can do instead: …."),
        ("There isn't anything else we can do on our end.", "nothing-we-can-do", "Here's what we can do: …."),
        ("It's no longer available, sorry.", "no-longer-available", "It's replaced by …, sorry."),
        ("Sorry, but that's the courier's fault, not ours.", "third-party",
         "Sorry, but that's something we'll chase for you."),
        ("That's our policy.", "policy", "Here's how it works: …."),
        ("We don't have any information yet.", "no-info", "I'll find out and update you by …."),
        ("@117024 Chuck, we do not have an estimated time of repair. Thanks! -Karen", "no-info",
         "@117024 Chuck, I'll find out and update you by …. Thanks! -Karen"),
        ("Clearly you missed it.", "clearly-you", "You missed it."),
        ("You obviously missed it.", "clearly-you", "You missed it."),
        ("You forgot to add the number.", "supposed-to", "Please add the number."),
        ("Like I told you, it opens at 9.", "told-you", "To recap, it opens at 9."),
        ("We don't know when it ships.", "dont-know", "I'll find out when it ships."),
        ("Thanks!!!", "punctuation-run", "Thanks!"),
        ("What?!?", "punctuation-run", "What?"),
        ("Thanks. WE ARE ON IT.", "all-caps", "Thanks. We are on it."),
        ("thanks, I'M SO SORRY", "all-caps", "thanks, I'm so sorry"),
        # session 62, found in the real and written replies: a one-letter or hyphenated word inside
        # a shout does not split it in two half rewrites ("We did not sell you A FAULTY CAR"), and
        # the first word after a reply's @handles opens its sentence ("@tim please read")
        ("WE DID NOT SELL YOU A FAULTY CAR.", "all-caps", "We did not sell you a faulty car."),
        ("@x @y WE DEMAND A RE-TASTE!", "all-caps", "@x @y We demand a re-taste!"),
        ("@tim_dev PLEASE READ the docs.", "all-caps", "@tim_dev Please read the docs."),
        ("Plan A. PLEASE READ it.", "all-caps", "Plan A. Please read it."),
        # the opener and "yet" go with "we don't know"; "your router manufacturer's" goes whole
        ("I'm afraid we don't know yet.", "dont-know", "I'll find out."),
        ("We don't know yet why it happened.", "dont-know", "I'll find out why it happened."),
        ("That's your router manufacturer's problem, not ours.", "third-party",
         "That's something we'll chase for you."),
        (
            "I’m sorry for the delay, but the courier lost it.",
            "apology-but",
            "I’m sorry for the delay. Here's where things stand: the courier lost it.",
        ),
        (
            "Delays are the courier's fault.",
            "third-party",
            "Delays are something we'll chase for you.",
        ),
    ],
)
def test_apply_suggestion(engine: HintEngine, text: str, rule: str, expected: str) -> None:
    assert apply_suggestion(text, only(engine, text, rule)) == expected


def test_blame_with_a_consequence_after_it_is_flagged_without_a_rewrite(engine: HintEngine) -> None:
    """"Please provide your order number, so we couldn't help." would not read (session 62)."""
    text = "You failed to provide your order number, so we couldn't help."
    hints = [h for h in engine.check(text) if h.category == "blame"]
    assert [h.rule for h in hints] == ["supposed-to-so"]
    assert hints[0].suggestion is None


def test_apply_suggestion_without_a_rewrite_leaves_text_alone(engine: HintEngine) -> None:
    text = "Our hands are tied."
    hint = only(engine, text, "not-on-us")
    assert hint.suggestion is None
    assert apply_suggestion(text, hint) == text
    whole = next(h for h in engine.check(text) if h.start is None)
    assert apply_suggestion(text, whole) == text


def test_applied_rewrite_moves_things_on(engine: HintEngine) -> None:
    text = "You forgot to send your order number."
    fixed = apply_suggestion(text, only(engine, text, "supposed-to"))
    assert "blame" not in categories(engine, fixed)
    assert "no-next-step" not in categories(engine, fixed)


# -- length --------------------------------------------------------------------------------------


def test_length_per_platform(engine: HintEngine) -> None:
    family = "👨‍👩‍👧"
    assert engine.length("hello", "x") == (5, 280)
    assert engine.length("hello", "twitter") == (5, 280), "imported tweets say twitter, not x"
    assert engine.length("hello", "mastodon") == (5, 500)
    assert engine.length(family * 3, "bluesky") == (3, 300)
    assert engine.length(family * 3, "mastodon") == (15, 500)
    assert engine.length("hello", "reddit") == (5, 10000)
    assert engine.length("hello", "rss") == (5, None)
    assert engine.length("hello", None) == (5, None)
    assert engine.length("hello", "myspace") == (5, None)


def test_too_long_marks_the_overflow(engine: HintEngine) -> None:
    text = "Thanks for waiting! I've refunded you. " * 10
    hint = next(h for h in engine.check(text, "x") if h.category == "too-long")
    assert (hint.start, hint.end) == (280, len(text))
    assert "280" in hint.message and str(len(text)) in hint.message
    assert hint.severity == "error"
    assert "too-long" not in categories(engine, text, "mastodon")
    assert "too-long" not in categories(engine, text, None)
    assert "too-long" not in categories(engine, text, "hn")


def test_bluesky_counts_graphemes(engine: HintEngine) -> None:
    family = "👨‍👩‍👧"  # five code points, one grapheme
    text = "Thanks! I've refunded you. " + family * 100  # 127 graphemes, 527 code points
    assert "too-long" not in categories(engine, text, "bluesky")
    assert "too-long" in categories(engine, text, "mastodon")
    over = "Thanks! I've refunded you. " + family * 280
    hint = next(h for h in engine.check(over, "bluesky") if h.category == "too-long")
    assert over[: hint.start] == "Thanks! I've refunded you. " + family * 273
    assert hint.end == len(over)


def test_mastodon_counts_a_link_as_23_and_a_mention_without_its_host(engine: HintEngine) -> None:
    """Mastodon's own count: a long help-centre link no longer makes a valid reply "too long"
    (the editor refused to send it), and "@user@host" counts as "@user"."""
    link = "https://help.brightside.coffee/articles/" + "refunds-and-double-charges-" * 4 + "1234"
    text = "Sorry Kira, that's on us. " + "We've refunded the second charge. " * 12 + link
    assert len(text) > 500
    assert engine.length(text, "mastodon") == (len(text) - len(link) + 23, 500)
    assert "too-long" not in categories(engine, text, "mastodon")
    assert engine.length("@maria@fosstodon.org thanks!", "mastodon") == (len("@maria thanks!"), 500)
    # a link at the end of a sentence keeps its full stop as text
    assert engine.length("See https://example.org/a.", "mastodon")[0] == len("See ") + 23 + 1


def test_what_the_sender_puts_before_the_reply_counts(engine: HintEngine) -> None:
    """Mastodon's sender adds "@maria@fosstodon.org " when the reply does not name her: Mastodon
    counts it as "@maria " (7), so 495 characters of reply are 502."""
    before = "@maria@fosstodon.org "
    text = "x" * 495
    assert engine.length(text, "mastodon") == (495, 500)
    assert engine.length(text, "mastodon", before) == (502, 500)
    hint = next(h for h in engine.check(text, "mastodon", before=before) if h.category == "too-long")
    assert (hint.start, hint.end) == (493, 495)  # marked in the reply, not in what goes before it
    assert "too-long" not in categories(engine, text, "mastodon")


def test_x_counts_its_own_way(engine: HintEngine) -> None:
    """X: links 23, most scripts outside Latin and every emoji 2, the @handles a reply starts
    with nothing (twitter-text, config v3)."""
    assert engine.length("@a @b_c thanks " + "https://t.co/" + "x" * 40, "x")[0] == len("thanks ") + 23
    assert engine.length("日本語", "x")[0] == 6
    assert engine.length("👨‍👩‍👧!", "x")[0] == 3
    assert engine.length("café", "x")[0] == 4
    cjk = "日本語のテキスト" * 20  # 160 characters, 320 as X counts them
    hint = next(h for h in engine.check(cjk, "x") if h.category == "too-long")
    assert (hint.start, hint.end) == (140, 160)
    assert "320 characters: x allows 280." in hint.message
    emoji = "a" * 279 + "😱"  # the emoji counts two: it is the part past the limit
    hint = next(h for h in engine.check(emoji, "x") if h.category == "too-long")
    assert (hint.start, hint.end) == (279, 280)


def test_the_real_replies_posted_on_x_fit_x(engine: HintEngine) -> None:
    """Six real brand replies (Customer Support on Twitter) are 282-338 characters as written;
    X took them, and under X's count they fit."""
    import json

    rows = [json.loads(line) for name in ("dev", "pool", "more", "blind3")
            for line in (DATA / f"replies_real_{name}.jsonl").read_text("utf-8").splitlines() if line.strip()]
    noted = [row for row in rows if "too-long removed" in row.get("note", "")]
    assert len(noted) == 6 and all(len(row["text"]) > 280 for row in noted)
    assert not [row["text"] for row in noted if "too-long" in categories(engine, row["text"], "x")]


# -- score ---------------------------------------------------------------------------------------


def test_score_falls_with_hints_and_stays_in_range(engine: HintEngine) -> None:
    good = "Thanks for waiting! I've refunded you."
    meh = "Thanks for waiting! We can't refund that."
    bad = "NO!!! WE CAN'T. Relax, you forgot to read it. Our hands are tied, that's impossible."
    assert engine.score(good) == 100
    assert 0 < engine.score(meh) < 100
    assert engine.score(bad) == 0
    hints = engine.check(meh)
    assert engine.score(meh, hints) == engine.score(meh)
    assert engine.score(meh, []) == 100


# -- user rules ----------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_user_rules_add_override_and_disable(tmp_path: Path) -> None:
    write(
        tmp_path / "house.toml",
        """
[rules.no-per-policy]
category = "house-style"
severity = "suggestion"
message = "Say it plainly."
pattern = '\\bper\\s+(\\w+)'
suggestion = 'as \\1 says'

[rules.cant]
message = "Lead with what we can do, please."
severity = "error"

[rules.relax]
enabled = false

[idioms]
cant-wait = ""
we-cant-stop-smiling = "\\\\bcan't\\\\s+stop\\\\s+grinning\\\\b"

[shouting]
acronyms = ["IKEA"]

[platforms.threads]
limit = 500

[platforms.x]
limit = 25000
""",
    )
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    text = "Per policy, we can't. Relax. IKEA!"
    hints = {h.rule: h for h in engine.check(text)}
    assert hints["no-per-policy"].category == "house-style"
    assert hints["no-per-policy"].suggestion == "As policy says"
    assert hints["cant"].message == "Lead with what we can do, please."
    assert hints["cant"].severity == "error"
    assert hints["cant"].suggestion == "what we can do is …"  # untouched fields stay
    assert "relax" not in hints
    assert "all-caps" not in hints
    assert "negative-language" not in categories(engine, "Thanks, we can't stop grinning!")
    assert categories(engine, "Thanks! We can't wait. I've sent it.") == {"negative-language"}
    assert engine.length("hi", "threads") == (2, 500)
    assert engine.length("hi", "x") == (2, 25000)


def test_user_files_load_in_name_order(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", '[rules.cant]\nmessage = "from a"\n')
    write(tmp_path / "b.toml", '[rules.cant]\nmessage = "from b"\n')
    write(tmp_path / "notes.txt", "not a rule file")
    engine = HintEngine.load(tmp_path)
    assert only(engine, "We can't.", "cant").message == "from b"


def test_missing_user_dir_is_fine(tmp_path: Path) -> None:
    engine = HintEngine.load(tmp_path / "nowhere")
    assert engine.errors == []
    assert engine.check("We can't.")


def test_broken_rule_file_is_reported_and_others_still_load(tmp_path: Path) -> None:
    write(tmp_path / "1-broken.toml", "[rules.oops\ncategory = ")
    write(
        tmp_path / "2-mixed.toml",
        """
[rules.bad-regex]
category = "excuse"
message = "x"
pattern = "(unclosed"

[rules.good-one]
category = "excuse"
message = "No buck-passing."
pattern = '\\bnot\\s+my\\s+table\\b'
""",
    )
    write(
        tmp_path / "3-good.toml",
        '[rules.flamingo]\ncategory = "house"\nmessage = "m"\npattern = \'\\bflamingo\\b\'\n',
    )
    engine = HintEngine.load(tmp_path)
    assert len(engine.errors) == 2
    assert "1-broken.toml" in engine.errors[0] and "TOML" in engine.errors[0]
    assert "2-mixed.toml" in engine.errors[1]
    assert "'bad-regex'" in engine.errors[1] and "pattern" in engine.errors[1]
    rules = {h.rule for h in engine.check("Not my table. Flamingo!")}
    assert {"good-one", "flamingo"} <= rules


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('category = "x"\nmessage = "m"\npatern = "a"\n', "patern"),
        ('category = "x"\nmessage = "m"\npattern = "a"\nseverity = "fatal"\n', "severity"),
        ('category = "x"\nmessage = "m"\n', "pattern"),
        ('category = "x"\npattern = "a"\n', "message"),
        ('message = "m"\npattern = "a"\n', "category"),
        ('category = "x"\nmessage = "m"\npattern = "a"\nsuggestion = "\\\\2"\n', "suggestion"),
        ('category = "x"\nmessage = "m"\npattern = "(?P<w>a)"\nsuggestion = "\\\\g<v>"\n', "suggestion"),
        ('category = "x"\nmessage = "m"\npattern = []\n', "pattern"),
        ('category = "x"\nmessage = "m"\npattern = "a"\nkind = "vibes"\n', "kind"),
        ('category = "x"\nmessage = "m"\npattern = "a"\nenabled = "no"\n', "enabled"),
        ('category = "x"\nmessage = "m"\npattern = "a"\ncase = "title"\n', "case"),
        ('category = "x"\nmessage = "m"\npattern = "a"\nreplaces = "sentence"\n', "replaces"),
        ('category = "x"\nmessage = "m"\npattern = "a"\nreplaces = true\n', "replaces"),
    ],
)
def test_rule_errors_name_file_rule_and_field(tmp_path: Path, body: str, field: str) -> None:
    write(tmp_path / "mine.toml", "[rules.broken]\n" + body)
    engine = HintEngine.load(tmp_path)
    assert len(engine.errors) == 1, engine.errors
    message = engine.errors[0]
    assert "mine.toml" in message and "'broken'" in message and field in message
    assert "broken" not in {r.id for r in engine.rules}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[styles]\nx = 1\n", "styles"),
        ("[idioms]\nbroken = '(oops'\n", "idioms"),
        ("[shouting]\nacronyms = 'IKEA'\n", "shouting.acronyms"),
        ("[platforms.threads]\nlimit = 0\n", "platforms.threads.limit"),
        ("[platforms.threads]\nlimit = 500\ncount = 'words'\n", "platforms.threads.count"),
        ("[platforms.threads]\nlimit = 500\nlink_length = 0\n", "platforms.threads.link_length"),
        ("[platforms.threads]\nmention_hosts = 'no'\n", "platforms.threads.mention_hosts"),
        ("[platforms.threads]\nleading_mentions = 1\n", "platforms.threads.leading_mentions"),
        ("[platforms.threads]\nlinks = 23\n", "platforms.threads.links"),
        ("[score]\nfatal = 50\n", "score.fatal"),
        ("score = 3\n", "score"),
    ],
)
def test_other_sections_are_checked_too(tmp_path: Path, text: str, field: str) -> None:
    path = write(tmp_path / "extra.toml", text)
    engine = HintEngine.load(tmp_path)
    assert len(engine.errors) == 1 and field in engine.errors[0] and "extra.toml" in engine.errors[0]
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(path)
    assert caught.value.field == field and caught.value.source == str(path)


def test_validate_rule_file_strict_view(tmp_path: Path) -> None:
    good = write(tmp_path / "good.toml", '[rules.cant]\nseverity = "error"\n')
    validate_rule_file(good)
    bad = write(tmp_path / "bad.toml", '[rules.cant]\nseverity = "loud"\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(bad)
    assert (caught.value.rule, caught.value.field) == ("cant", "severity")
    with pytest.raises(HintRuleError, match="not valid TOML"):
        validate_rule_file(write(tmp_path / "worse.toml", "[rules.x\n"))


def test_hint_rule_error_carries_its_parts() -> None:
    error = HintRuleError("rules/a.toml", "cant", "pattern", "bad regular expression")
    assert (error.source, error.rule, error.field) == ("rules/a.toml", "cant", "pattern")
    assert str(error) == "rules/a.toml: rule 'cant': pattern: bad regular expression"
    assert isinstance(error, ValueError)


def test_rules_with_named_groups_work_beside_the_combined_scan(tmp_path: Path) -> None:
    write(
        tmp_path / "named.toml",
        """
[rules.double-word]
category = "house"
message = "Repeated word."
pattern = '\\b(?P<w>\\w+)\\s+(?P=w)\\b'
suggestion = '\\g<w>'
""",
    )
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    text = "Thanks, I've sent the the code."
    hint = only(engine, text, "double-word")
    assert apply_suggestion(text, hint) == "Thanks, I've sent the code."


def test_braces_in_values_never_break_length_messages(tmp_path: Path) -> None:
    write(tmp_path / "m.toml", '[rules.too-long]\nmessage = "{nope} over {limit}"\n')
    engine = HintEngine.load(tmp_path)
    hint = next(h for h in engine.check("x" * 300, "x") if h.category == "too-long")
    assert hint.message == "{nope} over {limit}"


# -- accuracy and speed --------------------------------------------------------------------------


def load_set(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def precision_recall(engine: HintEngine, rows: list[dict]) -> tuple[float, float]:
    tp = fp = fn = 0
    for row in rows:
        got = categories(engine, row["text"], row.get("platform"))
        expected = set(row["expected"])
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
    return tp / (tp + fp), tp / (tp + fn)


def test_labelled_set_is_big_and_varied() -> None:
    rows = load_set("drafts_labelled.jsonl")
    assert len(rows) >= 130
    assert sum(1 for r in rows if not r["expected"]) >= 30
    seen = {c for r in rows for c in r["expected"]}
    assert seen == set(CATEGORIES)
    assert len(load_set("drafts_heldout.jsonl")) >= 25


def test_precision_and_recall_on_labelled_set(engine: HintEngine) -> None:
    precision, recall = precision_recall(engine, load_set("drafts_labelled.jsonl"))
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


def test_precision_and_recall_on_held_out_set(engine: HintEngine) -> None:
    precision, recall = precision_recall(engine, load_set("drafts_heldout.jsonl"))
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


# -- Issue 12: what real brand replies taught the rules ------------------------------------------
# Each case is a reply (or a line of one) that brands' support teams posted, where the engine was
# wrong before: tests/data/replies_real_*.jsonl holds them with their labels.


@pytest.mark.parametrize(
    "text",
    [
        "@116661 Are you currently on your home network? ^JAY",
        "@116367 Please can let me know the date/time you visited the store. TY - Jayne 2/2",
        "@116659 Have you restarted the box since? ^NHP",
        "@115886 Thank you for tweeting us tonight, Caesar. *ABN 2/2",
        "@115999 Sorry for the confusion. Please DM me and I can help you. -AB",
        "@116464 Please DM the ticket number here, for review. Thanks! *KS https://t.co/6iDGBJAc2m",
        "@116025 please DM us your full name & item number. 2/2^ML",
        "@115889 Could you try reinstalling the app? /PB",
        "@116080 Is there something that we can assist you with? DM our team ^WS https://t.co/wKJHDXWGRQ",
        "@116759 PSN is online. Please let us know the error you see on your PS4 or the iOS app.",
        "@116037 We're here from 8:00 am-9:00 pm ET Monday-Friday. Please call the UK team or the FAQ.",
        "@117027 Hi, AJ! The XFINITY app has the details.",
        # real (dev 116661): a station's call sign in brackets, a cable written as on the box
        "The broadcaster (WBIN) gives us what to put on the guide. Unplug the COAX on the back.",
        # real (more 5802): thanks stressed, labelled not shouting (session 8 follows the label)
        "@117092 Thank YOU, Alisondra, for being one of our amazing customers! ^BE",
    ],
)
def test_signatures_initials_and_acronyms_are_not_shouting(engine: HintEngine, text: str) -> None:
    assert "shouting" not in categories(engine, text), [
        text[h.start : h.end] for h in engine.check(text) if h.category == "shouting" and h.start is not None
    ]


@pytest.mark.parametrize(
    ("text", "loud"),
    [
        ("We only want the best service for you at ALL times!", "ALL"),
        ("Thank YOU SO MUCH for waiting", "YOU SO MUCH"),
        ("WE DEMAND A RE-TASTE!", "WE DEMAND"),
        ("PLEASE read the email. ^JAY", "PLEASE"),
    ],
)
def test_real_shouting_is_still_found(engine: HintEngine, text: str, loud: str) -> None:
    spans = [text[h.start : h.end] for h in engine.check(text) if h.rule == "all-caps"]
    assert spans and spans[0].startswith(loud), spans


@pytest.mark.parametrize(
    "text",
    [
        "We'd like to help. What iOS version are you on?",
        "Happy to take a look. Send us a DM with your email address so we can connect.",
        "Let me try to help. Please DM us your full name and the error on your router.",
        "Can you DM us your account email so we can check this out for you? The router may need a reset.",
        "I can definitely look into what's going on with the connection! Can you send us a DM?",
        "We want to help. Does restarting help at all? DM us which iOS version you run.",
        "That doesn't sound right. Please restart the console and tell us more.",
        # a double negative offers help (the issue's own example of an idiom)
        "That doesn't mean we can't help! Send us a DM with your order number.",
        "That's not to say we can't sort it: which store was it?",
        # reassurance is warmth too
        "No need to worry, your refund is on its way.",
        "It never hurts to ask! DM us your order number.",
        "If you don't see an expiration listed, you should be fine. Can you DM us the code to check?",
        "Hey Dylan! Which versions of Spotify and Windows are you running? We'll see what we can suggest.",
        "Hey Paul, it\u00b4s a bummer to hear you\u00b4re having this issue. Please shoot me a DM.",
        "Hi! Just checking in: did the new card arrive OK?",
        # support teams' own idiom for care and an offer
        "We want your Apple Watch to keep up with you at the gym. To begin, which watchOS is installed?",
        "I'd like to have a member of our team ensure this is escalated. Please send us the details.",
    ],
)
def test_offering_help_acknowledges_the_person(engine: HintEngine, text: str) -> None:
    assert "no-empathy" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "What iOS version are you on? ^JAY",
        "Are you currently using Low Power Mode? If so, disable that from Settings > Battery and restart.",
        "Sorry about that. Please DM us your order number.",
        "Sorry to hear it. Send us a DM and we'll take a closer look.",
        "Sorry for the delay. Follow this link to chat with the team: https://t.co/GDrqU22YpT",
        "We apologize for the inconvenience. If you need additional help please let us know.",
        "We're sorry for the trouble. Unplug the router for 30 seconds, then plug it back in.",
        "We're sorry, this happened in part 1 of our reply 1/2",
        # session 6, real replies: when it is back, a number to call, "Please, be sure to ..."
        "@115975 We shut it off for our Boorito promotion, but it'll be back on tomorrow. My apologies "
        "for any frustration. -Becky",
        "@116664 We're sorry we can't help, but their telephone number is 0344 493 0787 option 1 "
        "(calls are charged at local rate).",
        "@116461 Cooper, I'm sorry about the Wi-Fi! Please, be sure to report the matter to our Wi-Fi "
        "partner Gogo.",
        # session 17: when it goes, or that it is there now, answers the question
        "Sorry, it has a maintenance delay and it's currently scheduled to take off at 10:10p.",
        "Sorry, the delay was due to weather. Your flight now leaves at 6pm.",
        "Sorry, we can't see that here. Our billing team can help you at 0800 123 456.",
        # session 23: when it arrives, what runs instead, who will call, a service running again,
        # opening hours
        "Sorry about the delay! Your train is now expected at 10:42.",
        "We're sorry for the inconvenience. A replacement bus is running every 20 minutes.",
        "Apologies, the website is down for maintenance until 6am.",
        "Sorry to hear that. The store manager will call you tomorrow morning.",
        "We apologise for the disruption. Trains are running again on all lines.",
        "Sorry, we're closed on Sundays. We're open 9-5 Monday to Saturday.",
        "Hi Benny, sorry for the delay in replying! They're available now for Delivery Saver customers.",
        # session 25: where to look, and who else can help
        "There's no student discount right now, sorry! Keep an eye on our newsletter for offers.",
        "We don't offer that service, unfortunately. Our partner FixIt might be able to help: fixit.example",
        # session 26: the team's estimate of when
        "We're sorry your parcel hasn't arrived. It's delayed at the depot; we expect it tomorrow.",
        "Sorry for the wait! It should be with you by Friday.",
        "Sorry about that. We'll need a photo of the label to raise the claim.",
    ],
)
def test_questions_dm_requests_links_and_instructions_are_next_steps(engine: HintEngine, text: str) -> None:
    assert "no-next-step" not in categories(engine, text)


def test_reassurance_is_not_bad_news_needing_a_next_step(engine: HintEngine) -> None:
    assert categories(engine, "There's no need to apologise, we're glad you told us.") == set()
    assert categories(engine, "No, you haven't missed anything: the sale starts tomorrow at 9am.") == set()
    assert categories(engine, "Please don't worry about the delay, your order is safe and will arrive "
                              "tomorrow.") == set()
    assert categories(engine, "Unfortunately that item is sold out, but the same blend in 500g is back "
                              "in stock Friday. Want us to reserve one?") == set()
    assert "negative-language" in categories(engine, "No, you can't return it after 30 days.")
    assert "negative-language" in categories(engine, "No, the card was charged when you ordered.")
    assert "no-next-step" in categories(engine, "That's not something I can help with.")
    assert "no-next-step" in categories(engine, "We apologise for the delay.")


def test_back_in_stock_without_a_time_is_still_no_next_step(engine: HintEngine) -> None:
    assert "no-next-step" in categories(engine, "I don't know when it will be back in stock, sorry.")


@pytest.mark.parametrize(
    "text",
    [
        "We are unable to see the file you sent.",
        # the real reply behind the issue's example: a request for details is not an alternative
        "Hello there. We are unable to see the file you sent us, please provide us more details",
        "Unfortunately, there's nothing more we can do.",
        "We would not be able to verify anything without authenticating your account.",
        "That size is not available.",
        "We cannot change the date.",
        "We are no longer able to offer that.",
        "We can no longer offer refunds.",
        "We do not have any information on this.",
        "Currently Pac 12 is not available.",
        "Once an account has been created the Online ID can't be changed.",
        "It is a new camera and is not supported in Lightroom 6 as of now.",
        "I'm afraid not, replacement taxis only take those travelling to their station.",
        # the same walls in other words (session 23)
        "There isn't anything else we can do on our end.",
        "There's not much more I can do, sorry.",
        "This isn't something we're able to assist with.",
        "It isn't something I can help with.",
        # a real British Airways reply, found by hand (session 62)
        "Unfortunately we don't have any flexibility on damage reported after 7 days.",
        "There's no flexibility on this fare, sorry.",
        "No refunds on sale items.",
        "Sorry. No returns after 30 days.",
    ],
)
def test_real_refusal_wording_is_found(engine: HintEngine, text: str) -> None:
    assert "negative-language" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "That doesn't mean we can't help.",
        "No problem at all!",
        "No refunds needed, it's on us!",
        "There were no returns logged on your account.",
        "Can't wait to see you on board!",
        "Sorry you can't log in, let's fix it together.",
        "Sorry to hear you're unable to log in.",
        "If you cannot see it, please DM us.",
        "There's nothing we can't fix together.",
        "If we can't fix it, we'll replace it.",
        "If it's not available in the app, try the website.",
        "Are you stating that 466 is not available to you?",
        "We can't make any promises, but rest assured we have shared the feedback.",
        "We're unable to view order details via Twitter. Please contact us here: https://t.co/x",
        "We can't access your account via Twitter. For assistance, please reach us here: https://t.co/x",
        "Is there anything else we can do for you?",
        "Hi Maria, we can't see account details here, but our team can help at 0800 123 456.",
        "We're not able to price match, but here's a 10% code for your next order: SAVE10.",
        "That's not available in Canada yet; we'll tweet as soon as it is!",
        "Nope, no extra charge!",
        "No, it's free!",
        "It's not something we see often, but we'll check it.",
        # session 25: modesty, good news, and a referral are no refusals
        "Haha, we can't take credit for the sunset, but we're glad you enjoyed the flight!",
        "No, the card isn't charged until the order ships.",
        "No, your account won't be affected.",
        # session 50 writer q: a "no" that tells them a scam was not us
        "No, that letter wasn't from us - and you were right not to click the link.",
        "We don't offer that service, unfortunately. Our partner FixIt might be able to help: fixit.example",
        # session 26: a "no" that reassures about what it will not do
        "No, it won't affect your credit score.",
    ],
)
def test_idioms_double_negatives_and_redirects_are_not_refusals(engine: HintEngine, text: str) -> None:
    assert "negative-language" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for the shout out! -Becky",
        "🤤 -Becky",
        "Friday will be here before you know it. -Becky",
        "Happy Halloween! *ArynH",
        "You are welcome!",
    ],
)
def test_friendly_replies_get_no_whole_draft_hints(engine: HintEngine, text: str) -> None:
    assert categories(engine, text) == set()


def test_whole_draft_hints_can_be_left_out_while_typing(engine: HintEngine) -> None:
    text = "We are unable to see the file you sent."
    assert [h.category for h in engine.check(text)] == ["negative-language", "no-empathy", "no-next-step"]
    assert [h.category for h in engine.check(text, whole_draft=False)] == ["negative-language"]
    assert engine.whole_draft_categories() == {"no-empathy", "no-next-step"}


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("We are unable to see the file you sent, please DM us.", True),
        ("Hola Diego, por favor siguenos en Twitter para más instrucciones en mensaje directo.", False),
        ("Du hast die Möglichkeit, Amazon.de Geschenkkarten aus dem Handel zu kaufen.", False),
        ("ご不便をおかけしております。アプリをご利用でしょうか。", False),
        ("Yeah, looks about 3 mins behind schedule. -Tara", True),
        ("Noted 😊 -Becky", True),
    ],
)
def test_english_check(engine: HintEngine, text: str, english: bool) -> None:
    assert engine.is_english(text) is english


def test_drafts_not_in_english_get_no_whole_draft_verdicts(engine: HintEngine) -> None:
    text = "Lamentamos el inconveniente. Por favor revisa tus mensajes directos para asistencia."
    assert [h for h in engine.check(text) if h.start is None] == []


def test_builtin_patterns_stay_ascii(engine: HintEngine) -> None:
    """Non-ASCII in a pattern switches every draft off the fast stand-in path (see the module doc)."""
    assert engine._ascii_patterns


@pytest.mark.parametrize(("pattern", "lowered"), [
    (r"(?i:We\s+CAN'?T)", r"(?:we\s+can'?t)"),
    (r"(?P<r0>(?i:[A-Z]+\W))", r"(?P<r0>(?:[a-z]+\W))"),
    (r"(?i:\u2014\S|\x2c)", r"(?:\u2014\S|\x2c)"),
])
def test_case_free_patterns_lower_letters_outside_escapes(pattern: str, lowered: str) -> None:
    assert case_free(pattern) == lowered


@pytest.mark.parametrize("pattern", [r"(?-i:ASAP)", r"(?i:a)(?x: b)", r"\x41", r"(?P<a>x)(?P=a)", r"(x)\1",
                                     r"\N{LATIN CAPITAL LETTER A}"])
def test_case_free_refuses_what_minds_case(pattern: str) -> None:
    """A case-sensitive part, a letter given by its code or a back-reference keeps case folding."""
    assert case_free(pattern) is None


def test_a_pattern_case_free_cannot_lower_keeps_its_folding(tmp_path: Path) -> None:
    """A user rule with a construct the lowering does not know still loads and matches."""
    write(tmp_path / "r.toml", '[rules.x]\ncategory = "c"\nmessage = "m"\n'
          "pattern = '(?P<Who>agent)?(?(Who) says|NO WAY)'\n")
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    assert [h.rule for h in engine.check("No way, the Agent says so.") if h.rule == "x"] == ["x", "x"]


def test_a_case_sensitive_user_rule_keeps_its_category_folding_case(tmp_path: Path) -> None:
    """One rule that minds case keeps its whole category off the lowered scan: "ASAP" is
    flagged, "asap" is not, and the category's other rules still ignore case."""
    write(tmp_path / "r.toml", '[rules.asap]\ncategory = "excuse"\nmessage = "m"\n'
          "pattern = '\\bASAP\\b'\ncase_sensitive = true\n")
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    excuse = next(s for s in engine._scanners if any(r.id == "asap" for r in s.rules.values()))
    assert excuse.lowered() is None
    assert [h.rule for h in engine.check("We'll fix it ASAP.") if h.rule == "asap"] == ["asap"]
    assert [h.rule for h in engine.check("We'll fix it asap.") if h.rule == "asap"] == []
    assert "excuse" in categories(engine, "SORRY, WE'RE SHORT-STAFFED TODAY.")


def test_lowered_scans_find_what_case_folding_finds(engine: HintEngine) -> None:
    """Scanners with no case-sensitive part run on the lowercased draft (faster): same matches,
    whatever the draft's case. Shouting alone minds case."""
    scanners = [*engine._scanners, engine._idioms, engine._alternatives]
    assert [s for s in scanners if s is not None and s.lowered() is None] == [
        s for s in engine._scanners if any(rule.kind == "caps" for rule in s.rules.values())]
    rows = [json.loads(line) for line in (DATA / "replies_real_dev.jsonl").read_text().splitlines() if line]
    texts = [text for row in rows for text in (row["text"], row["text"].upper(), row["text"].title())]
    for scanner in scanners:
        assert scanner is not None
        lowered = scanner.lowered()
        if lowered is None:
            continue
        for text in texts:
            ascii_text = _ascii_probe(text)
            found = [(m.span(), m.lastgroup) for m in scanner.pick(True).finditer(ascii_text)]
            assert [(m.span(), m.lastgroup) for m in lowered.finditer(ascii_text.lower())] == found, text


def test_when_and_alternatives_are_checked_like_any_field(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", '[rules.x]\ncategory = "c"\nmessage = "m"\npattern = "a"\nwhen = "b"\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "a.toml")
    assert caught.value.field == "when"
    absence = '[rules.x]\ncategory = "c"\nkind = "absence"\nmessage = "m"\npattern = "a"\n'
    write(tmp_path / "b.toml", absence + 'when = "("\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "b.toml")
    assert caught.value.field == "when"
    write(tmp_path / "c.toml", "[alternatives]\nwindow = 0\n")
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "c.toml")
    assert caught.value.field == "alternatives.window"


def test_quiet_replying_to_is_checked_like_any_field(tmp_path: Path) -> None:
    absence = '[rules.x]\ncategory = "c"\nkind = "absence"\nmessage = "m"\npattern = "a"\n'
    write(tmp_path / "a.toml", absence + 'quiet_replying_to = ["fans"]\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "a.toml")
    assert caught.value.field == "quiet_replying_to"
    assert "praise" in str(caught.value), "the message names the kinds that are allowed"
    write(tmp_path / "b.toml", '[rules.x]\ncategory = "c"\nmessage = "m"\npattern = "a"\n'
          'quiet_replying_to = ["praise"]\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "b.toml")
    assert caught.value.field == "quiet_replying_to", "only an absence rule can have one"
    write(tmp_path / "c.toml", absence + 'speak_replying_to = ["emergency"]\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "c.toml")
    assert caught.value.field == "speak_replying_to"
    write(tmp_path / "d.toml", absence + 'problem_replying_to = ["moan"]\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "d.toml")
    assert caught.value.field == "problem_replying_to"


def test_warmth_is_owed_once_a_thread(engine: HintEngine) -> None:
    """A follow-up after our reply that already acknowledged the person is not cold: AppleSupport's
    real "Got it. Have you updated your Apple Watch to 4.1 yet?" follows a sorry (session 60)."""
    follow_up = "Got it. Have you updated your Apple Watch to 4.1 yet?"
    assert "no-empathy" in _cats(engine.check(follow_up, "x"))
    assert "no-empathy" not in _cats(engine.check(follow_up, "x", earlier=[
        "Sorry to hear about the trouble! Which model do you have?"]))
    assert "no-empathy" in _cats(engine.check(follow_up, "x", earlier=["Which model do you have?"])), \
        "an earlier reply with nothing warm in it does not count"
    refusal = "We can't refund that order. That's our policy."
    assert "no-empathy" in _cats(engine.check(refusal, "x", earlier=["Sorry to hear that!"])), \
        "a refusal in the follow-up still asks for warmth"
    harm = "Please DM us your order number."
    small_talk = engine.check(harm, "x", replying_to="crisis", earlier=["Fingers crossed!"])
    assert "no-empathy" in _cats(small_talk), "small talk earlier does not acknowledge someone who was hurt"
    assert "no-empathy" not in _cats(engine.check(harm, "x", replying_to="crisis", earlier=[
        "We're so sorry this happened to you. We take this very seriously."]))


def test_once_per_thread_is_checked_like_any_field(tmp_path: Path) -> None:
    absence = '[rules.x]\ncategory = "c"\nkind = "absence"\nmessage = "m"\npattern = "a"\n'
    write(tmp_path / "a.toml", absence + 'once_per_thread = "yes"\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "a.toml")
    assert caught.value.field == "once_per_thread"
    write(tmp_path / "b.toml", '[rules.x]\ncategory = "c"\nmessage = "m"\npattern = "a"\n'
          'once_per_thread = true\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "b.toml")
    assert caught.value.field == "once_per_thread", "only an absence rule can have one"


def test_a_reply_to_a_crisis_always_needs_warmth(engine: HintEngine, rules_engine: HintEngine) -> None:
    """Session 25: a bare statement asks nothing and fixes nothing, so the rule's `when` stays
    quiet; to someone whose data leaked it is still cold, whatever the learned reading says (a
    reply to harm is the rules' call). Elsewhere the reading may add the hint on its own (since
    session 41 it reads this statement as cold), so the gate is checked on the rules alone."""
    draft = "No customer data was affected."
    assert "no-empathy" in {h.category for h in engine.check(draft, "x", replying_to="crisis")}
    assert "no-empathy" not in {h.category for h in rules_engine.check(draft, "x", replying_to="question")}
    warm = "We're so sorry. No customer data was affected, and we'll email you the full report today."
    assert "no-empathy" not in {h.category for h in engine.check(warm, "x", replying_to="crisis")}


@pytest.mark.parametrize(
    "text",
    [
        # session 10: the brands' answers to fans in the real sets, each labelled warm enough, here
        # without their opening "Truth." / "Agreed." / "Yeah, buddy!" (warmth of their own, session 24)
        "@116197 What's your go-to order? -Becky",
        "@116976 What did you wear as your costume? -Becky",
        "@115977 Send us a pic, for sure. -Becky",
    ],
)
def test_no_empathy_stays_quiet_on_banter_with_a_fan(rules_engine: HintEngine, text: str) -> None:
    """In reply to praise a question is banter; only a refusal, an excuse or blame needs warmth."""
    engine = rules_engine
    found = {h.category for h in engine.check(text, "x", replying_to="praise")}
    assert "no-empathy" not in found
    assert "no-empathy" in {h.category for h in engine.check(text, "x", replying_to="complaint")}
    refusal = {h.category for h in engine.check("We can't refund it.", "x", replying_to="praise")}
    assert {"negative-language", "no-empathy"} <= refusal


def test_no_empathy_stays_quiet_on_a_reply_to_many_accounts(engine: HintEngine) -> None:
    """Four or more accounts at once is public banter between brands, not one customer's problem."""
    banter = "@Aldi @Tesco @Morrisons @Lidl Do any of yours contain sloe gin though? We think not..."
    assert "no-empathy" not in categories(engine, banter, "x")
    assert "no-empathy" in categories(engine, "@Tesco Do any of yours contain sloe gin though?", "x")


def test_lint_takes_the_kind_of_mention_answered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.core import lint

    draft = write(tmp_path / "fan.txt", "Please power cycle your network devices and try again.\n")
    assert lint.main([str(draft), "--rules", str(tmp_path)]) == 1
    assert "no-empathy" in capsys.readouterr().out
    assert lint.main([str(draft), "--rules", str(tmp_path), "--replying-to", "praise"]) == 0
    assert lint.main([str(draft), "--rules", str(tmp_path), "--replying-to", "fans"]) == 2


def real_figures(engine: HintEngine, rows: list[dict]) -> tuple[float, float, float]:
    """Micro precision, recall and share of replies given a category their label lacks (as on X)."""
    tp = fp = fn = falsely = 0
    for row in rows:
        got = categories(engine, row["text"], "x")
        expected = set(row["expected"])
        tp, fp, fn = tp + len(got & expected), fp + len(got - expected), fn + len(expected - got)
        falsely += bool(got - expected)
    return tp / (tp + fp), tp / (tp + fn), falsely / len(rows)


def test_real_reply_sets_are_there_and_labelled() -> None:
    for name, size in (("dev", 220), ("pool", 120), ("heldout", 100), ("more", 744)):
        rows = load_set(f"replies_real_{name}.jsonl")
        assert len(rows) == size
        assert all(set(r["expected"]) <= set(CATEGORIES) for r in rows)


def test_accuracy_floor_on_real_dev_replies(engine: HintEngine) -> None:
    """A floor, not the target (0.85 / 0.80 / 15%): it catches a rule change that undoes the tuning.

    Since round 8 every set labels `no-empathy` to one definition (a cold question or
    instruction about a problem lacks warmth), and the rules follow it.
    """
    floors = {"dev": (0.85, 0.72, 0.05), "pool": (0.85, 0.85, 0.10), "more": (0.70, 0.62, 0.06),
              "fresh": (0.70, 0.75, 0.06)}
    for name, (least_precision, least_recall, most_falsely) in floors.items():
        precision, recall, falsely = real_figures(engine, load_set(f"replies_real_{name}.jsonl"))
        assert precision >= least_precision, (name, precision)
        assert recall >= least_recall, (name, recall)
        assert falsely <= most_falsely, (name, falsely)


def test_lint_says_once_that_hints_check_english_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.core import lint

    draft = write(tmp_path / "es.txt", "Hola, por favor revisa tus mensajes directos para asistencia.\n")
    lint.main([str(draft), "--rules", str(tmp_path)])
    assert capsys.readouterr().err.count("hints check English only") == 1
    english = write(tmp_path / "en.txt", "Sorry about that! Could you DM us your order number?\n")
    lint.main([str(english), "--rules", str(tmp_path)])
    assert "English only" not in capsys.readouterr().err


# -- issue 12, round 2: false flags found on real replies, and real refusal wording ---------------


@pytest.mark.parametrize(
    "text",
    [
        # round 8: warmth and offers in other words, each labelled warm by the annotators
        "@116134 We're disappointed to hear this Stephen. Is there something you would like our "
        "assistance with? ^Kit",
        "@116538 Hello, we saw your Twitter post. Is there anything we can do to help? ^sp .",
        "@115918 We want this to work perfectly! Do you have at least 10 photos selected? If not, add "
        "another and try.",
        "@116617 In this case please contact my colleagues via: https://t.co/LFLW8z8jr2 They will help "
        "you! Regards ^DW",
        "@116395 Alright. Can you send us the Song Link then? Just tap the three dots > Share > Copy "
        "Link. We'll have a look /AG",
        # offers and understanding in real wording
        "@116332 We'd like to see what we can do to assist. What version of iOS are you currently running?",
        "@116354 Hi, I definitely understand your concern. I'm showing a good signal from here. -Dee",
        "@116128 Hmm, let's see. Could you confirm the exact Spotify version of your desktop app? /KB",
        "@117100 Getting the expected performance from your iPhone is very important to us.",
        # session 6, from the real sets' false flags: a sign-off thanks, an offer to pass
        # feedback on, agreement, and one part of a reply in several
        "@116305 Hello Kerrie, we were very busy first thing this morning when the slots went live. "
        "Can you let me know if you managed to get on in the end? TY - Eilish",
        "@116714 This is the version we're able to offer from the content provider, but we'll be sure "
        "to share your feedback!",
        "@116031 Hi there, currently it isn't possible to hide the suggestion list, however we can "
        "certainly forward this request to our dev team!",
        "@116603 I agree in the end you should have gotten to watch it live. If it were up to us we "
        "would definitely be able to do just that.",
        "@116399 We can't confirm next winters plans at the moment, Diz. We always reviewing our "
        "schedules and we'll update our 1/2",
        # "version" alone is not troubleshooting: banter about "the adult version of Halloween"
        "@115734 I mean, Boorito is basically the adult version of Halloween... -Becky",
    ],
)
def test_no_empathy_stays_quiet_on_drafts_that_get_on_with_helping(engine: HintEngine, text: str) -> None:
    assert "no-empathy" not in categories(engine, text, "x")


def test_an_emoji_is_warmth_though_wording_hints_scan_ascii_stand_ins(rules_engine: HintEngine) -> None:
    """Wording hints read non-ASCII drafts through same-length ASCII stand-ins, where an emoji is
    "~"; the whole-draft checks read the draft itself, so a smile counts as warmth."""
    engine = rules_engine
    assert "no-empathy" in categories(engine, "Which app are you using?", "x")
    for warm in ("Which app are you using? 🙂", "Which app are you using? 😊", "Which app’s it? 😉"):
        assert "no-empathy" not in categories(engine, warm, "x"), warm
    assert "no-empathy" in categories(engine, "Which app’s it – the new one?", "x")


@pytest.mark.parametrize(
    "text",
    [
        # round 8: a link, a contact or a step to try is not warmth; every real set now labels these
        "@116519 Hi Kevin! For refund info, please check the following link: https://t.co/MInrgZSl48",
        "@115920 You'd need to contact our Aftersales team on 0344 556 5650 from 8am ^CB",
        "@116414 To navigate to settings, click XFINITY on the remote, then scroll over to Settings. -EW",
        "@116027 On a desktop go to item page (view item) > Manage Offers > Change offer settings. ^CC",
        "@116759 Please power cycle your network devices and try again: https://t.co/UUMNDRIFMj",
        "@115727 Which app are you referring too?  ^ACM",
        "@116591 Ah, I see. Well, we would need to wait until the interruption is over so we can test "
        "the connection. -KB",
        # session 7: a greeting alone is not warmth; labelled no-empathy in dev and held-out
        "@116535 Hi Danaan, what error are you getting when you redeem the key for your Dropbox account?",
        "@115811 Hi - are you receiving an error message when trying to link the account?",
        "@115781 Hi Jake, any screenshots you can share? What are you export settings? ^Wren",
        "@117053 Hello! Can you provide us with a screenshot of what you're seeing?",
        # session 17: nor is "Hey", "Good afternoon" or "Greetings!" (the labelling brief's bare greeting)
        "@116032 Hey James, when did you fly? ^E",
        "@116764 Good afternoon, can you try clearing your cache? This link will have the steps ^JP",
        "@117122 Greetings! Would you mind following us and sending a DM so we can gather more info? ^RR",
        # and troubleshooting the `when` list learnt in session 7 (held-out, more)
        "@116658 Is it doing this on your other TV's as well? ^ACM",
        "@116661 Do you know where your back up battery is located? ^JAY",
        # session 10: an instruction said as what they can do, or a limit, is as cold (more, fresh)
        "@116785 You can check our website for all our offers and stock. Marc",
        "@115785 Hi there! We'd recommend reaching out to the chat team here: https://t.co/UrUi80i54l",
        "@116815 Pans only come in mediums at this time.",
        "@116743 Online ordering is turned off tonight for our annual Boorito promo, but it'll be back "
        "on tomorrow. -Becky",
    ],
)
def test_no_empathy_speaks_on_a_cold_diagnostic_question(engine: HintEngine, text: str) -> None:
    assert "no-empathy" in categories(engine, text, "x")


@pytest.mark.parametrize(
    "text",
    [
        # an offer in passing is warmth, greeting or not
        "@116778 HI! Are you still seeing this with the connection in-game? If you need help Tweet us "
        "for official Xbox support ^EZ",
        "@117227 Hello. I can provide updates on the service interruption. Please send a DM with your "
        "full name, address and phone number. -GM",
        "@117190 If you should need any other help once that appointment is completed, feel free to "
        "reach out to us.",
        "@116393 We suggest using keywords similar to those used in the suggested idea. If you need "
        "anything else, give us a shout /RB",
    ],
)
def test_no_empathy_counts_an_offer_in_passing(engine: HintEngine, text: str) -> None:
    assert "no-empathy" not in categories(engine, text, "x")


@pytest.mark.parametrize(
    "text",
    [
        # session 22: words of warmth in another sense are not warmth: a question about "a good
        # contact number" wishes no good day, "concerning" before its object is a preposition,
        # and "I can see it's working" reports a check, not an understanding (dev, more, blind3)
        "@115712 Do you have a good contact number where you can be reached? Please send through the "
        "private link.",
        "@116582 Hi Ashley. Which U.S. based card is this concerning? Please do not release any "
        "personal or card information. ^Clarissa",
        "@116716 Good day, please disregard the text message that you are receiving concerning your "
        "device being ready to pick. -KK",
        "@117207 Hi Hannah, I can see it's working on my end. Can you clear your cache and cookies and "
        "see if that helps? Kind regards - Rhys",
    ],
)
def test_no_empathy_is_not_fooled_by_warm_words_in_another_sense(engine: HintEngine, text: str) -> None:
    assert "no-empathy" in categories(engine, text, "x")


@pytest.mark.parametrize(
    "text",
    [
        # ... while the warm senses still count
        "@116171 Good afternoon. This is distressing. Send me a DM so I can see what happened.",
        "@116944 That's heart breaking to hear that your leg is broken! Send me a DM so we can see "
        "about #NetflixOnUS",
        "@115903 and send us a Direct Message with your account information so that I can see what's "
        "going on. -XG",
        "That's concerning. Can you DM us your order number?",
        "Have a good day! Did the refund arrive?",
        "We can see why that was confusing. Which app version are you on?",
    ],
)
def test_no_empathy_still_hears_the_warm_senses(engine: HintEngine, text: str) -> None:
    assert "no-empathy" not in categories(engine, text, "x")


def test_no_next_step_is_not_fooled_by_call_us_in_another_sense(engine: HintEngine) -> None:
    upset = "We are very sorry for the delay. It's very upsetting to call us that."
    assert "no-next-step" in categories(engine, upset, "x")
    for text in ("Sorry about the delay. Call us on 0800 123 456 and we'll sort it.",
                 "Sorry for the wait! Call us anytime."):
        assert "no-next-step" not in categories(engine, text, "x")


def test_no_empathy_still_speaks_when_the_greeting_comes_with_a_refusal(engine: HintEngine) -> None:
    text = "@116227 Hi there, we do not have any information on this. ^RK"
    assert {"negative-language", "no-empathy"} <= categories(engine, text, "x")
    assert "no-empathy" in categories(engine, "The router firmware is out of date, so the connection drops.")


@pytest.mark.parametrize(
    ("text", "quiet"),
    [
        ("@115733 Nope! Still just the $3. -Becky", "negative-language"),
        ("@116668 here is your reference no. so you can keep a track of it", "negative-language"),
        ("@116476 I apologize deeply for the delay. We hope to have you on your way as soon as possible.",
         "no-next-step"),
        ("@116144 We're sorry for the long wait. The next agent will be with you as soon as possible.",
         "no-next-step"),
        ("@116720 Hi There, sorry about this. may we have the screenshot of the payment slip to forward?",
         "no-next-step"),
        ("@116661 Sorry, the guide is set by the broadcaster.  Unplug the COAX on the back of your router.",
         "no-next-step"),
    ],
)
def test_real_replies_no_longer_falsely_flagged(engine: HintEngine, text: str, quiet: str) -> None:
    assert quiet not in categories(engine, text, "x")


@pytest.mark.parametrize(
    ("category", "text"),
    [
        ("negative-language", "Hi Daniel, we wouldn't offer a complimentary upgrade for a cancelled flight."),
        ("negative-language", "We are not a participating retailer to receive the bonus content."),
        ("negative-language", "I have to be honest, giving a gesture is not going to resolve the issues."),
        ("excuse", "The lines are very busy tonight."),
        ("excuse", "Hello Kerrie, we were very busy first thing this morning when the slots went live."),
        ("excuse", "Those are the rules. I wouldn't risk it."),
        ("blame", "The contract is between you and the seller!"),
        ("excuse", "We put forth our best efforts to seat everyone together, but sometimes that fails."),
        # session 10: a failure put down to how things go, and a deadline as the answer
        ("excuse", "Some deliveries may take slightly longer than usual. You can read more here."),
        ("excuse", "It can be difficult to assign the same seating because the aircraft may be different."),
        ("excuse", "Any damage must be assessed in person within 24 hours of arrival by airport personnel."),
        # session 20: the law or how the business runs, given as the whole reason
        ("excuse", "Any extra bags require an extra 5p charge as per legislation. Thanks"),
        ("excuse", "It was changed because operational needs required such."),
        ("excuse", "Schedule changes occur, causing seats to move."),
        ("excuse", "Fares sell in real time. We're sorry we weren't able to snag the lower fare for you."),
        # session 23: the same excuses in other words
        ("excuse", "We were short-staffed that day."),
        ("blame", "The courier is responsible for late deliveries, not us."),
        ("blame", "If you'd selected next-day delivery it would've arrived today."),
        ("negative-language", "It's company policy, we don't make exceptions."),
        ("blame", "As previously explained, schedule changes occur."),
        ("blame", "No, my earlier message was correct."),
        ("blame", "You're receiving the same answers because the information is the same."),
        ("blame", "For future reference, call us so that we can take note of this."),
        ("blame", "I would ask you please to avoid the use of that type of language."),
        ("blame", "Please write to us, as that conflicts with what was discussed when we called."),
        # session 25: excuses and blame in drafts written for probing
        ("excuse", "Sorry for the delay, Sam! It's been a busy week."),
        ("excuse", "That's down to the courier, not us."),
        ("blame", "That's a known issue with Android, not our app."),
        ("blame", "Our suppliers let us down this week."),
        ("blame", "Per my last message, please DM us."),
        ("blame", "We did tell you it would take 10 days."),
        ("blame", "Actually, the terms clearly say no refunds after 30 days."),
    ],
)
def test_real_refusal_excuse_and_blame_wording_is_found(engine: HintEngine, category: str, text: str) -> None:
    assert category in categories(engine, text, "x")


def test_unless_lets_a_draft_pass_and_belongs_to_absence_rules(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", """
[rules.no-empathy]
enabled = false
[rules.no-next-step]
enabled = false
[rules.ask]
category = "no-next-step"
kind = "absence"
message = "Ask them something."
pattern = '\\?'
unless = '\\bbye\\b'
""")
    engine = HintEngine.load(tmp_path)
    assert not engine.errors
    assert categories(engine, "Fine.") == {"no-next-step"}
    assert categories(engine, "Fine, bye.") == set()
    write(tmp_path / "b.toml", """
[rules.loud]
category = "shouting"
message = "Loud."
pattern = 'LOUD'
unless = 'quiet'
""")
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "b.toml")
    assert caught.value.field == "unless"


def test_a_refused_anything_else_is_not_an_offer(engine: HintEngine) -> None:
    """"Is there anything else we can do?" offers help; "There isn't anything else we can do" refuses it."""
    assert "no-empathy" in categories(engine, "There isn't anything else we can do on our end.")
    assert "no-empathy" not in categories(engine, "Is there anything else we can do for you? Let us know.")


def test_saying_who_can_claim_is_not_blaming_a_partner(engine: HintEngine) -> None:
    """Blind set 2: the annotator left this explanation unflagged; only "..., not us" deflects."""
    text = "As the seller is responsible for the courier, they can claim for lost items from the courier."
    assert "excuse" not in categories(engine, text, "x")


@pytest.mark.parametrize(
    "text",
    [
        "We can't reopen that order, but we can send a replacement today. Want us to?",
        "Unfortunately that seat can't be changed online, but the gate team can swap it for you.",
    ],
)
def test_a_remedy_offered_after_a_limit_needs_no_hint(engine: HintEngine, text: str) -> None:
    """Session 23: an offer to put it right is warmth, and another team that can do it is a way forward."""
    assert categories(engine, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "We've got you! Which router model do you have?",
        "We'll get you sorted. Please DM us your account email.",
        "Let us make this right. Can you DM us your order number?",
        "We're on it! Which store was this?",
    ],
)
def test_being_on_their_side_is_warmth(engine: HintEngine, text: str) -> None:
    """Session 23: offers of help in support teams' own idiom acknowledge the person."""
    assert "no-empathy" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Please visit any AT&T store with your ID.",
        "Please restart in SAFE MODE and let us know.",
        "Set DNS to AUTO and reboot the ONT.",
        "Tap SUBMIT and you're done!",
    ],
)
def test_brand_names_and_screen_labels_are_not_shouting(engine: HintEngine, text: str) -> None:
    """Session 23: "AT&T" is a name, and a mode or button written as the screen shows it is a label."""
    assert "shouting" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Your engineer is booked for Tuesday. Text STOP to cancel reminders.",
        "Thanks! Reply YES to confirm your slot.",
        "Thanks for waiting! Use code WELCOME at checkout for 10% off.",
        "Sorry about that. Dial 611 and say AGENT to reach the team.",
        "Sorry about that! Reply with \u201cCANCEL\u201d and we'll stop the order.",
        "We agree! We've heard it's the whole reason people say GOOD morning. :)",
    ],
)
def test_a_word_to_type_is_not_shouting(engine: HintEngine, text: str) -> None:
    """Session 43: a keyword the customer must send or type as written is written in capitals."""
    assert "shouting" not in categories(engine, text)


def test_a_membership_named_in_capitals_is_a_name(engine: HintEngine) -> None:
    """Session 43 probe: "Our PRIME members" names a programme, as "the SNKRS app" names an app."""
    draft = "Sorry to hear that! Our PRIME members get free returns - want me to start one for you?"
    assert categories(engine, draft) == set()


def test_a_replacement_on_its_way_is_a_next_step(engine: HintEngine) -> None:
    """Session 43 probe: "A replacement ships today" and "the tracking link will land" say what
    happens next, as "your replacement ships" did."""
    draft = ("That's on us, and we're sorry. A replacement ships today by UPS; the tracking link will "
             "land in your inbox.")
    assert categories(engine, draft) == set()
    assert "no-next-step" in categories(engine, "Sorry, once the refund ships we can't stop it.")


@pytest.mark.parametrize(
    "text",
    [
        "Done! Your UNLIMITED PLUS upgrade is live. Enjoy \U0001f389",
        "Thanks for your patience! We've refunded the double charge for your STREAMORA PREMIUM renewal. "
        "It'll be back in your account in 3-5 days. -Mia",
        "Totally get the frustration, Rob. Stock of the PULSE 5 controller lands next week; tap 'Notify "
        "me' and you'll get an email the moment it's live. ~Jess",
        "Have a great trip! Your EUROPE ROAM add-on covers France. Text ROAM to 2020 to check it's active.",
        "Sorry the code didn't pop! Try typing REDEEM in the in-game chat. Still stuck? DM us your ID.",
    ],
)
def test_plan_and_product_names_in_capitals_are_names(engine: HintEngine, text: str) -> None:
    """Session 43 probes: a plan, programme or product named as the brand writes it, up to three
    words and a model number before what it is, is a name, not a raised voice."""
    assert categories(engine, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Sorry to hear about the break-in. Your claim ref is CLM-448102. An adjuster will call you "
        "tomorrow between 9am and 12pm to arrange a visit.",
        "You're right, the risotto should never have gone out undercooked, and I'm sorry it spoiled your "
        "dinner. I've spoken to the kitchen team. I'd love to cook for you again.",
        "Sorry your renewal price jumped, Greg. If you DM me your policy no., I'll look at whether any "
        "discounts can bring it down.",
    ],
)
def test_what_happens_next_in_other_words(engine: HintEngine, text: str) -> None:
    """Session 43 probes: an adjuster who will call, a word had with the team and an invitation back
    are ways forward; "policy no." is a number, not a refusal."""
    assert categories(engine, text) == set()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("The system won't let me raise your overdraft limit, sorry.", "excuse"),
        ("Bills are generated automatically by the system and cannot be changed manually.", "excuse"),
        ("Class sizes were reduced due to staffing issues this month.", "excuse"),
        ("Repairs are slower due to an unexpectedly high volume of requests.", "excuse"),
        ("You should have linked your account before the event ended.", "blame"),
        ("Our driver attempted delivery but you weren't in. Next time make sure someone is home.", "blame"),
        ("As stated in our terms, call-out fees are non-refundable.", "blame"),
        ("You agreed to the quote before we started.", "blame"),
        ("The manual clearly states not to overload the drum.", "blame"),
    ],
)
def test_excuses_and_blame_in_the_briefs_own_words(engine: HintEngine, text: str, category: str) -> None:
    """Session 43 probes: "the system won't let me", staffing, "you should have", "as stated in our
    terms you agreed to" are the labelling brief's own examples."""
    assert category in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Oh no! If your tablet is stuck on the logo, hold POWER + VOLUME DOWN for 10 seconds. Still stuck? "
        "DM us and we'll help you book a repair.",
        "Thanks for your patience! Everything's live on the new server. If anything looks off, clear your "
        "cache (CTRL + F5) and let us know.",
        "Thanks for the report! BIOS v1.12 fixed that fan noise for most people. Press F2 at startup.",
        "Happy to help! Go to Share > Link Settings and set EXPIRY to NEVER. Let us know if you need a hand.",
        "Oh no! Cloud saves may be there: Settings > Saved Data > CLOUD STORAGE > DOWNLOAD. DM us if it's "
        "missing.",
        "Sorry about the skipping! On mobile data set Audio Quality to HIGH instead of LOSSLESS. Better?",
        "Sorry about that! Boot into Advanced Startup, pick SAFE MODE and run the repair. Any luck?",
    ],
)
def test_keys_settings_and_versions_as_the_screen_shows_them(engine: HintEngine, text: str) -> None:
    """Session 43 probes: keys pressed together, a setting picked or set, a version and a menu step
    before "DM us" are written as the device shows them."""
    assert categories(engine, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "That speedrun was unreal \U0001f602 We can't stop watching it. GG!",
        "Sorry for the trouble with the export! Error 0x80070005 means the folder is read-only. Save to "
        "Documents instead.",
        "Sorry for the wait, Tasha! Your order is ready at our Oxford St store. Bring your order number "
        "and photo ID.",
        "No, the app deals aren't valid on delivery orders, but you can still use them for collection. "
        "Sorry for any confusion!",
        "We apologise for the network issue. We're aware of it and it's being worked on.",
    ],
)
def test_more_ways_forward_and_idioms(engine: HintEngine, text: str) -> None:
    """Session 43 probes: "can't stop watching" is delight; "Save to ...", "Bring ...", work "being
    worked on" are ways forward; a "No," followed by what they can do is not a flat no."""
    assert categories(engine, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "STUNNING. \U0001f60d That Sunset Blush palette was made for you, Bella! \u2728",
        "The Velocity 3 in lilac? FIRE. \U0001f525 Thanks for repping us at the gym, Sasha!",
        "Hey Ben, sorry for the drop-out! Techs are on site and we expect the NBN back by 3:30pm AEST.",
        "Hi Pieter, the 08:12 is running about 15 minutes late because of a signal fault. We're sorry "
        "for the wait - live updates are in our app.",
        "Sorry for the detour! Line 100 is diverted until about 18:00.",
        "Doors open at 6:30pm. Bags bigger than A4 aren't allowed, but there's a cloakroom by the "
        "entrance. Have a great night!",
        "We got you, Devon. Your refund was processed this morning and should hit your card in 3-5 "
        "days. Sorry for the wait!",
        "Dani, running out of data mid-playlist is a crime. Sending you 5GB of bonus data on us.",
        "Hi Carl, sorry the paint came out wrong! \U0001f3a8 Bring the can and receipt to store #2760.",
    ],
)
def test_third_round_of_written_probes_needs_no_hint(engine: HintEngine, text: str) -> None:
    """Session 43, writers g and h: a one-word sentence of cheer, a time zone, where updates are,
    "until about", "but there's a ...", when a refund shows, a gift on us, a step after an emoji."""
    assert categories(engine, text) == set()


def test_a_stressed_word_in_a_sentence_is_still_shouting(engine: HintEngine) -> None:
    assert "shouting" in categories(engine, "Thanks! Your support means SO much. :)")
    assert "shouting" in categories(engine, "We can't do that. NEVER. :)")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("You agreed to the warranty terms when you bought the car.", "blame"),
        ("Please read the timetable before complaining.", "blame"),
        ("It's the weather. Nothing we can do until the storm passes.", "excuse"),
        ("Delivery is delayed. The delay is from our courier partner's side.", "blame"),
        ("Our supplier is responsible for the delay.", "blame"),
        ("It was a milling issue at our lumber supplier.", "blame"),
        ("Sorry, launch weeks are always busy.", "excuse"),
        ("We have no information on when parts will arrive.", "negative-language"),
        ("Sorry, the old recipe is gone for good.", "negative-language"),
        ("We don't deal with potholes on private roads.", "negative-language"),
    ],
)
def test_third_round_excuses_blame_and_dead_ends(engine: HintEngine, text: str, category: str) -> None:
    assert category in categories(engine, text)


def test_no_info_said_while_giving_the_answer_is_no_dead_end(engine: HintEngine) -> None:
    """A real reply (six set): "While we have no info to share on X, take a look at ..." answers."""
    draft = "Security matters to us too. While we have no info to share on that, take a look at our page."
    assert "negative-language" not in categories(engine, draft)


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("Hi Tomasz, thanks for writing this. The sync problem is fixed in v3.8.0, released yesterday. "
         "Sorry it took us a few weeks. Anything else, just email help@plannr.io. - Plannr", "google"),
        ("Thank you for the feedback, Mr Lewis. You're right that the cost should have been explained, "
         "and I apologise. Our treatment coordinator, Fiona, will call you this week.", "google"),
        ("Thanks for the review, Kim. Sorry the sockets were finished a day late. We've taken £40 off "
         "your final invoice to say sorry. - Dan", "google"),
        ("Thanks for the honest feedback, Luke. From next week we're adding a second HIIT class at 7pm. "
         "Book through the app to save your spot.", "google"),
        ("@pixelwren Oh no, that's the save bug from patch 1.3.2, and it's on us. We pushed 1.3.3 an hour "
         "ago; your old save is in %APPDATA%/Mossgrove/backups. Sorry for the lost evening.", "mastodon"),
        ("@nora_sec Fair criticism, and we published the full postmortem: vaultkey.com/blog/incident.",
         "mastodon"),
        ("Fair point about logging. We don't keep connection logs, and the audit is public: "
         "tunnelhaus.net/audit. Happy to answer anything it doesn't cover.", "mastodon"),
        ("Hi @liz_m, sorry about the repeated logouts. 7.13.1 raises the timeout and is out on both "
         "stores today.", "mastodon"),
        ("Hey @retro_ren, dev here. The controller remap is Options > Controls > Custom. Sorry it's "
         "buried; we're moving it up in the next patch.", "mastodon"),
        ("@mia Sorry the app kept showing 'offline'. We had an outage from 14:10 to 15:05 UTC. All clear "
         "now: status.hearthly.com", "mastodon"),
    ],
)
def test_review_and_community_replies_need_no_hint(engine: HintEngine, text: str, platform: str) -> None:
    """Session 43, writers k (owners answering reviews) and l (staff on Mastodon, Reddit, HN): a fix
    in a version, a call booked, money taken off, an email address, a menu path, "Fair criticism",
    a %VARIABLE% path and "anything it doesn't cover" are ways forward, warmth or no shouting."""
    assert {h.category for h in engine.check(text, platform)} == set()


@pytest.mark.parametrize(
    "text",
    [
        "If you gave the wrong address at checkout, that's not something we can be responsible for.",
        "You were told the quote was an estimate. We stand by the invoice.",
        "The deduction was made under the tenancy agreement which you signed.",
        "She cut it exactly as you asked. Perhaps next time bring a photo.",
        "It says so clearly on our menu board. Please read it before ordering!",
        "We did offer to replace it but you refused.",
    ],
)
def test_an_owner_blaming_the_reviewer(engine: HintEngine, text: str) -> None:
    """Session 43, writer k: defensive answers to bad reviews put the fault on the reviewer."""
    assert "blame" in {h.category for h in engine.check(text, "google")}


@pytest.mark.parametrize(
    "text",
    [
        "@kellyb sorry for the wait! ur parcel's out for delivery today \U0001f4e6 -jo",
        "@ops_grace on it, sorry for the trouble! back in 5 w/ an update",
        "@jules sorry for the wait, ur new card's been dispatched, shd arrive in 2-3 working days",
        "@dan aw sorry to hear the heating's off in coach c! i've let the guard know ^rm",
        "@bill ugh sorry, that's on us \U0001f62c rolled back the deploy, pipelines shd be green again",
    ],
)
def test_replies_typed_in_a_hurry_can_move_things_forward(engine: HintEngine, text: str) -> None:
    """Session 43, writer n: "ur", "shd", "back in 5", "let the guard know", "rolled back"."""
    assert categories(engine, text) == set()


def test_a_quoted_delivery_status_is_no_promise(engine: HintEngine) -> None:
    draft = "Sorry, the tracking says 'out for delivery' but we can't see where it is."
    assert "no-next-step" in categories(engine, draft)


def test_a_reply_to_harm_owes_a_way_forward(engine: HintEngine) -> None:
    """Session 43, writer m: a cold answer to someone reporting harm leaves them with nothing to do.
    (Writer m's own "Our devices are fully tested before they leave the factory." denies the fault:
    since session 48 the learned blame reading flags it whatever it answers.)"""
    draft = "Every charger we sell is certified to UK safety standards."
    assert "no-next-step" in {h.category for h in engine.check(draft, "x", replying_to="crisis")}
    assert "no-next-step" not in {h.category for h in engine.check(draft, "x")}
    warm = ("I'm so sorry, that must have been frightening. Please stop using the charger; our safety "
            "team will call you today to arrange a collection.")
    assert {h.category for h in engine.check(warm, "x", replying_to="crisis")} == set()


def test_please_be_patient_is_no_way_forward(engine: HintEngine) -> None:
    assert "no-next-step" in categories(engine, "Sorry, we are aware. Please be patient.")


@pytest.mark.parametrize(
    "text",
    [
        "Roaming charges are set out in the terms you agreed to when you signed up.",
        "The engineer needs an adult present. This was clearly stated in your confirmation email.",
        "As stated in your policy documents, accidental damage is not covered.",
        "Sorry, there's nothing more we can do as the payment was authorised by you.",
        "You should have added a Travel Pass before you left.",
    ],
)
def test_the_customer_told_they_should_have_known(engine: HintEngine, text: str) -> None:
    """Session 43 probes: the terms they agreed to, what was "clearly stated", a payment "authorised
    by you" put the fault on the customer."""
    assert "blame" in categories(engine, text)


def test_a_link_without_https_is_a_way_forward(engine: HintEngine) -> None:
    """Session 43 probe: "Rebook at example.com/redeliver" says what to do next."""
    draft = "Sorry we missed you! Rebook at example.com/redeliver and pick a day that suits you."
    assert "no-next-step" not in categories(engine, draft)
    assert "no-next-step" in categories(engine, "Sorry, we can't redeliver. It went back to the depot.")


def test_a_system_that_works_is_no_excuse(engine: HintEngine) -> None:
    draft = "Thanks! The system will let you pick a seat once you check in."
    assert "excuse" not in categories(engine, draft)
    assert "blame" not in categories(engine, "Next time you're in, try the oat latte! \U0001f60a")


@pytest.mark.parametrize(
    "text",
    ["Sorry! Reply NOW or you'll lose the offer.", "Text ME when it arrives.",
     "The context STOP is wrong.", "I have to SAY THIS AGAIN."],
)
def test_a_raised_voice_after_reply_or_text_is_still_shouting(engine: HintEngine, text: str) -> None:
    assert "shouting" in categories(engine, text)


def test_shouting_after_to_is_still_shouting(engine: HintEngine) -> None:
    assert "shouting" in categories(engine, "Listen to ME.")
    assert "shouting" in categories(engine, "PLEASE READ OUR FAQ.")


def test_replacement_taxis_that_do_not_come_are_no_next_step(engine: HintEngine) -> None:
    """Pool set: "replacement taxis would only take those travelling to their station" refuses."""
    text = "I'm afraid not, replacement taxis would only take those travelling to their station, not home."
    assert "no-next-step" in categories(engine, text)


def test_offering_to_move_them_is_warmth(engine: HintEngine) -> None:
    text = "Unfortunately that flight is full, however there are seats on the 4:15pm. Shall we move you?"
    assert categories(engine, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Same! What's your go-to order?",
        "Agreed. What did you wear as your costume?",
        "Yeah, buddy! Send us a pic, for sure.",
        "Please don't tell me! I can't wait to go home and find out!",
    ],
)
def test_banter_with_a_fan_is_warmth_without_the_mention_kind(engine: HintEngine, text: str) -> None:
    """Session 24: `lint` and other callers may not know the mention was praise; agreeing with a
    fan or sharing their excitement acknowledges them all the same."""
    assert "no-empathy" not in categories(engine, text)


def test_a_cold_yes_still_needs_warmth(rules_engine: HintEngine) -> None:
    assert "no-empathy" in categories(rules_engine, "Yes. You'll need to update the app first.")


def test_gratitude_is_warmth(engine: HintEngine) -> None:
    """Session 25: "we're so grateful for your patience" acknowledges the person as "thanks" does."""
    draft = "We're so grateful for your patience! Please check the router settings, your order ships today."
    assert "no-empathy" not in categories(engine, draft)
    assert "no-empathy" in categories(engine, "Please check the router settings, your order ships today.")


def test_an_apology_followed_by_what_we_do_is_not_taken_back(engine: HintEngine) -> None:
    """"Sorry, ... but we deliver there for free" offers a way; "sorry, but that's our policy"
    takes the apology back (session 26)."""
    assert "excuse" not in categories(
        engine, "Sorry, we don't have any stores in Wales yet, but we deliver there for free.")
    assert "excuse" not in categories(engine, "Sorry it sold out, but you can pre-order the restock.")
    assert "excuse" in categories(engine, "Sorry, but that's our policy.")


@pytest.mark.parametrize(
    "text",
    [
        "As mentioned, the sale starts at 9am tomorrow!",
        "This clearly shows the charge was our mistake, so we've refunded it.",
        "The warranty is with us, not the manufacturer: we'll book the repair.",
    ],
)
def test_their_plain_neighbours_are_not_flagged(engine: HintEngine, text: str) -> None:
    assert categories(engine, text) & {"excuse", "blame"} == set()


@pytest.mark.parametrize(
    "text",
    [
        "Please send us a DM with your account number to check what is going on with your internet.",
        "Hey, Ryan. We followed up via DM.",
        "Hi, Neha. A member of our team has been in touch via email, please check your inbox.",
        "Good eve! To resolve a blue screen error, check this link. Let us know how it goes.",
        "Will do. Which location were you at?",
        "We can do that. Check out these steps and DM us if those don't help.",
        "Is there something I can help you with? If so, tell me more about your concerns.",
        "We are working on this to get it resolved at the earliest. Please bear with us.",
        "This is not the type of customer experience we strive to offer. Did you get the info?",
    ],
)
def test_help_offered_in_support_teams_words_is_warmth(engine: HintEngine, text: str) -> None:
    """Session 34: replies by 80 brands whose annotators read these as acknowledging the person
    (offers, follow-ups made, check-ins, work under way)."""
    assert "no-empathy" not in categories(engine, text)


def test_a_bare_diagnostic_question_still_needs_warmth(engine: HintEngine) -> None:
    assert "no-empathy" in categories(engine, "Which app version are you on? Please restart the router.")


@pytest.mark.parametrize(
    "text",
    [
        "Sorry for the trouble caused. Request you to clear the cache and cookies from your handset.",
        "Sorry for the trouble caused. Your complaint was raised and resolution was given.",
        "Sorry for any discomfort on board Robert. More carriages are coming from January.",
        # session 61, by hand: an offer in "we can ..." words
        "Sorry about the game. Unfortunately we cannot change the licensing, but we can add the "
        "sports pack free for a month. -Sam",
        "So sorry for the wait! We can credit your account for the missed day.",
        "Sorry, we can move you to an earlier flight if you like.",
    ],
)
def test_a_step_or_a_resolution_in_other_words_is_a_next_step(engine: HintEngine, text: str) -> None:
    assert "no-next-step" not in categories(engine, text)


def test_chat_slang_in_capitals_is_not_shouting(engine: HintEngine) -> None:
    assert "shouting" not in categories(engine, "Our FOMO is through the roof as well, so we totally get it!")


# Session 35: replies by 80 brands and by six brands' own support teams.
@pytest.mark.parametrize(
    "text",
    [
        "There has been no update.",
        "The Game DVR does not support that aspect ratio.",
        "We'll not be able to check your information over Twitter.",
        "The Samsung Gear S2 isn't compatible with the NRC app.",
        "Apple Care does not cover stolen devices.",
        "The resolution provided is the best we can offer at this point in time.",
        "You're unable to add workouts to the previous week of your training plan.",
        # session 50, writer q: refusals in the passive and in slang
        "Requests for refunds after departure will not be considered.",
        "Bikes aren't carried on peak services, so you'll need to make other arrangements.",
        "Sorry, railcard discounts cannot be applied retrospectively to tickets already purchased.",
        "Sorry mate, no can do on the late checkout this weekend.",
        "Ah sorry, no go on that one - the promo code ended at midnight.",
    ],
)
def test_dead_ends_in_support_teams_words_are_found(engine: HintEngine, text: str) -> None:
    assert "negative-language" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        'Take a look at the section "What if I don\'t have access to a trusted device" to see what to do.',
        "To reach the right folks, select Logging in > I can't log in > Still need help.",
        "We couldn't agree with you more, Jenny. Hope to share another one with you soon!",
        "We are unable to recover those runs for you, however we can manually add them.",
        "We're not yet available in Egypt. We'd suggest signing up in the link to get notified.",
        "Sorry you're unable to log in. Please reach us here: https://example.com/help",
        # session 50: the passive said of what is fine
        "Card payments are accepted at every desk, and contactless is fine too.",
        "Your claim will be considered within 5 working days, and we'll email you the outcome.",
        "Don't worry, you're not considered a late arrival if you're at the gate by 7:40.",
        "Good news: the fee is not payable if you cancel within 24 hours.",
        # ... and a refusal with what is done instead right after it (writer q's lookalikes)
        "We won't be able to hold the connecting flight, Chris, but you're already rebooked on the 18:20.",
        "We can't put a mast on your street, but a free signal booster is on its way to you.",
        "We're unable to open the ticket gates early, but staff will be at the side gate from 05:30.",
        "The warranty doesn't cover accidental damage, but our repair partner can fix the screen for £49.",
    ],
)
def test_quotations_menu_paths_idioms_and_offers_are_not_dead_ends(engine: HintEngine, text: str) -> None:
    assert "negative-language" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Due to courier constraints we deliver to some areas only on weekdays.",
        "Sorry for the delay, we are a little busier than normal today.",
        "As a Federally regulated bank, we're required to know our customers.",
        "Apple has told us there is a delay in shipping due to the high demand.",
        "Our credit card team is experiencing longer than usual call times.",
    ],
)
def test_excuses_in_support_teams_words_are_found(engine: HintEngine, text: str) -> None:
    assert "excuse" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Mind if we step in? What device are you using?",
        "We can take this one, Erik. Have you updated to NRC app version 5.9?",
        "We've got your back. Go to Settings > Units, you can select your preference there.",
        "Tks for letting us know. Can you please send us a DM with your branch?",
        "Totally understand. Please check your DMs for further instructions.",
    ],
)
def test_stepping_in_to_help_is_warmth(rules_engine: HintEngine, text: str) -> None:
    assert "no-empathy" not in categories(rules_engine, text)


def test_a_delay_named_without_an_apology_owes_no_next_step(engine: HintEngine) -> None:
    informs = "Major disruption at Preston expected until the end of the day"
    assert "no-next-step" not in categories(engine, informs)
    assert "no-next-step" in categories(engine, "Sorry, there's nothing we can do about the delay.")


def test_a_quotation_idiom_keeps_the_other_idioms_behind_a_word_boundary(engine: HintEngine) -> None:
    """Idioms that open at a word boundary are scanned apart from those that may not (a quotation
    mark): one shared guard would lose its `\\b` and every position would enter the alternation."""
    assert engine._idioms is not None
    pattern = engine._idioms.pattern
    assert pattern.startswith("\\b(?=[")  # the word-anchored idioms keep their boundary
    assert ')|(?=[">' in pattern  # the quotation and the menu path sit behind a guard of their own


# Session 37: dead ends the real sets' annotators flagged and no rule found, and banter that read as one.
@pytest.mark.parametrize(
    "text",
    [
        "Pausing a Coach plan is not a feature of the NRC app.",
        "Challenges are no longer a feature on the NRC app.",
        "Adjusting coach volume isn't a feature.",
        "Currently, Pandora is not a music source option.",
        "Nothing new to report at this time.",
        "Nothing on the radar yet, Harald.",
        "You won't be eligible for that deal for now as you already have a Premium subscription.",
        "We're afraid we don't have much info to share about this yet.",
        "Hi Aaron, we don't have a specific time frame to share.",
    ],
)
def test_dead_ends_said_as_missing_features_or_news_are_found(engine: HintEngine, text: str) -> None:
    assert "negative-language" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "If this isn't friendship goals, we don't know what is! Happy birthday, Mackenzie!",
        "We don't know what we love more, the mini Home or the mini master!",
        "We can't argue with you there, Lisa. Nothing beats a fresh batch of Hash Browns!",
        "If your item is not eligible for replacement, you can still return it in store.",
        "Is that not a feature you would use?",
        "No news is good news!",
    ],
)
def test_banter_conditions_and_questions_are_not_dead_ends(engine: HintEngine, text: str) -> None:
    assert "negative-language" not in categories(engine, text)


def test_a_shrug_about_the_cause_is_still_a_shrug(engine: HintEngine) -> None:
    assert "negative-language" in categories(engine, "We don't know what is causing this.")


@pytest.mark.parametrize(
    "text",
    [
        "We are #1 on your list! You made us SMILE. -Rad",
        "We know one thing that's even better – YOU! :)",
        "Thanks for the feedback!!! -J",
        "SCORE! Ryuji, now that makes for a good day. :)",
    ],
)
def test_one_stressed_word_in_a_warm_reply_asks_for_no_next_step(engine: HintEngine, text: str) -> None:
    """Session 38: a stressed word or a "!!!" may still be flagged as shouting, but it does not make
    a thank-you a piece of bad news that owes a way forward."""
    assert "no-next-step" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        # real replies labelled not shouting (six, six2, six3)
        "We know one thing that's even better – YOU! :)",
        "SCORE! Ryuji, now that makes for a good day. :)",
        "👏👏 YESSSS! Thanks for stopping in today, Autumn! -Dean",
        "WHAT? You scored with those sets! 🙌 I feel a movie night coming on.",
        "It’s HERE! Slide into a #BigNightIn with McDonald’s. 🎉",
    ],
)
def test_one_word_exclaimed_in_a_cheering_reply_is_not_shouting(engine: HintEngine, text: str) -> None:
    """Session 42: a single caps word ending in "!" or "?" beside cheer (a smiley, a cheering emoji,
    thanks, love...) is play, not a raised voice."""
    assert "shouting" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        # beside a demand or a negation, cheer or not
        "Thanks for asking! Please check the link first, it's IMPORTANT! :)",
        "We love your energy, but we can't do that. NEVER! :)",
        # stressed inside a sentence: labelled shouting (six2, six3)
        "Your support means SO much! Thanks for doing something amazing. -Rad",
        "Thanks for sharing the love Kay! The cookies ARE pretty awesome. Hope to see you soon :)",
        # no cheer around it, or more than one word
        "DONE! Your refund went out today.",
        "THANK YOU! :)",
        "WE ARE DOING OUR BEST! :)",
    ],
)
def test_stern_stressed_or_longer_caps_stay_shouting(engine: HintEngine, text: str) -> None:
    assert "shouting" in categories(engine, text)


def test_a_user_file_can_switch_off_cheer_and_is_told_of_a_bad_pattern(tmp_path: Path) -> None:
    text = "We know one thing that's even better – YOU! :)"
    write(tmp_path / "cheer.toml", '[shouting.cheer]\nsmiley = ""\n')
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    assert "shouting" in categories(engine, text)
    write(tmp_path / "cheer.toml", '[shouting.stern]\nbad = "(unclosed"\n')
    engine = HintEngine.load(tmp_path)
    assert len(engine.errors) == 1 and "shouting.stern.bad" in str(engine.errors[0])
    assert "shouting" not in categories(engine, text)


@pytest.mark.parametrize("text", ["WE ARE DOING OUR BEST.", "DO NOT CALL THIS NUMBER AGAIN."])
def test_a_shouted_sentence_still_asks_for_a_next_step(engine: HintEngine, text: str) -> None:
    assert {"shouting", "no-next-step"} <= categories(engine, text)


def test_a_user_file_can_make_one_shouted_word_count_as_bad_news(tmp_path: Path) -> None:
    write(tmp_path / "loud.toml", "[shouting]\nproblem_min_words = 1\n")
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    assert "no-next-step" in categories(engine, "You made us SMILE.")
    write(tmp_path / "loud.toml", "[shouting]\nproblem_min_words = 0\n")
    engine = HintEngine.load(tmp_path)
    assert len(engine.errors) == 1 and "shouting.problem_min_words" in engine.errors[0]


@pytest.mark.parametrize(
    "text",
    [
        "The SNKRS app is currently not available in your country.",
        "Stay tuned to the SNEAKRS app feed for any potential updates.",
        "Thank you for choosing AIRTEL.",
        "Head to the help page and select Logging in > FORGOT PASSWORD.",
        "Select Logging in > I can't log in > I STILL NEED HELP.",
    ],
)
def test_names_before_what_they_name_and_menu_paths_are_not_shouting(engine: HintEngine, text: str) -> None:
    assert "shouting" not in categories(engine, text)


def test_a_loud_word_before_a_noun_is_still_shouting(engine: HintEngine) -> None:
    assert "shouting" in categories(engine, "Please DOWNLOAD OUR app before you call again.")


@pytest.mark.parametrize(
    "text",
    [
        "Sometimes content gets temporarily removed because of licensing changes.",
        "It appears that the other two tracks aren't available due to licensing.",
        "Due to the limited quantity of sauce we were able to create, only select restaurants have it!",
        "Wait times are longer than usual due to high call volumes.",
        "Our team is experiencing higher than normal call volumes this evening.",
        "Pricing and offers are a decision of the sellers.",
        "A manager may have been able to help, but this would be at the discretion of the store.",
    ],
)
def test_licensing_short_supply_call_volumes_and_others_decisions_are_excuses(
    engine: HintEngine, text: str
) -> None:
    """Session 38: real replies annotators called excuses."""
    assert "excuse" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Licensing lets us stream it in 40 countries now!",
        "We have a limited quantity left, grab yours today!",
        "The decision is yours: both plans include the same data.",
    ],
)
def test_licensing_stock_and_decisions_said_plainly_are_not_excuses(engine: HintEngine, text: str) -> None:
    assert "excuse" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "The broadcasters are the ones that pick the air dates and times.",
        "The decision to offer a fund is made by each individual dealer.",
        "We're afraid that we make albums available in whatever form it’s given to us.",
        "The deals start at 1am in Massachusetts - state law.",
        "Since your band is outside of it’s one year warranty, we can look at a repair.",
        "The short formed service was due to more units requiring attention than normal.",
        "Our cards team is getting higher than normal call volumes.",
        "The volume received into the system was extremely higher than expected.",
    ],
)
def test_others_deciding_the_law_warranty_and_workload_are_excuses(engine: HintEngine, text: str) -> None:
    """Session 40: real replies annotators called excuses (found in session 39; kept once the
    lowered scan had made room for them in the lint's time)."""
    assert "excuse" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Your phone is still under warranty, so the repair is free!",
        "State law changed last year, so we now deliver on Sundays.",
        "We're getting more stock than usual this week, come see us!",
    ],
)
def test_warranty_law_and_volume_said_plainly_are_not_excuses(engine: HintEngine, text: str) -> None:
    assert "excuse" not in categories(engine, text)


def test_wait_times_are_not_an_instruction_to_wait(engine: HintEngine) -> None:
    """"Wait" opening a sentence reads as a step ("Wait 2 min, then plug it back in"); "Wait times
    are longer than usual" is only news, and with an apology and an excuse it still owes a way forward."""
    text = "Sorry! Wait times are longer than usual due to high call volumes."
    assert {"excuse", "no-next-step"} <= categories(engine, text)
    assert "no-next-step" not in categories(engine, "Sorry! Wait 2 minutes, then plug it back in.")


def test_a_refusal_followed_by_what_to_do_for_now_is_not_a_dead_end(engine: HintEngine) -> None:
    text = "That album isn't available to stream just yet. For now, check out the singles: https://x.y/z"
    assert "negative-language" not in categories(engine, text)
    assert "negative-language" in categories(engine, "That album isn't available to stream just yet.")


@pytest.mark.parametrize(
    "text",
    [
        "That's odd. Try resetting the disc tray by following the steps in this link: https://x.y/z",
        "Very strange! Is your friend able to replicate the issue on his app?",
        "That shouldn't be the case! Which device are you using?",
        "This is not good K! Can you DM us the ZIP code of the specific location?",
        "This isn't how it should be. DM us where you're located & we'll go from there.",
        "Got it, that doesn't sound cool. Does logging out and back in help?",
        "Hey Kevin, that's no fun. We'd suggest checking out the steps at https://x.y/z",
        "Best thing to try here is a reinstall. Fingers crossed that'll do the trick.",
        "We don't have any info on this right now, but we'll let the right team know you'd like it.",
    ],
)
def test_reacting_to_the_problem_and_passing_it_on_is_warmth(rules_engine: HintEngine, text: str) -> None:
    """Session 39: on the real sets, 23 of 26 replies opening "That's odd" and 13 of 14 that "let
    the right team know" were read as acknowledging the person."""
    assert "no-empathy" not in categories(rules_engine, text)


def test_a_strange_thing_said_of_the_customer_is_not_warmth(rules_engine: HintEngine) -> None:
    assert "no-empathy" in categories(rules_engine, "Strange request. Please check the FAQ first.")


@pytest.mark.parametrize(
    "text",
    [
        "Sorry for the trouble. We request you share the complete detail of the store.",
        "Sorry for the hassle. The refunds are credited in 3-5 business days, once the order is canceled.",
        "We are aware of the outage, and the issue is already receiving attention. Our apologies.",
        "Apologies for the delays. The signalling team have now rectified the issue.",
        "Shipping is delayed, sorry. Once shipped, u'll get a message w/ tracking info.",
    ],
)
def test_what_happens_next_in_support_teams_words_is_a_next_step(engine: HintEngine, text: str) -> None:
    assert "no-next-step" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "My apologies for any frustration, but it'll be back on tomorrow.",
        "Sorry for the delay, but glad to hear it's working. Let us know if you need anything else.",
        "I'm sorry for the trouble but this is a known issue we're actively working to fix.",
        "Sorry to be the bearer of bad news but we hope you have a fantastic evening!",
        "We're sorry we can't help, but their telephone number is 0344 493 0787.",
    ],
)
def test_sorry_but_good_news_or_a_pointer_takes_nothing_back(engine: HintEngine, text: str) -> None:
    """Session 39: on the real sets "Sorry, but" was called an excuse 3 times in 18; what follows
    decides. A refusal after it ("but we can't") is negative language, found by its own rule."""
    assert "excuse" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Sorry but we're short-staffed today.",
        "I apologize, but you were supposed to book in advance.",
        "I'm sorry you feel that way, however the terms were clear.",
    ],
)
def test_sorry_but_a_reason_is_still_an_excuse(engine: HintEngine, text: str) -> None:
    assert "excuse" in categories(engine, text)


def test_an_apology_only_for_the_confusion_owes_no_next_step(engine: HintEngine) -> None:
    assert "no-next-step" not in categories(engine, "Yes that is correct. Apologies for the confusion.")
    assert "no-next-step" in categories(engine, "Sorry for the delay. The courier is running late.")


@pytest.mark.parametrize(
    "text", ["Call us at 1-800-MY\u2013APPLE (800\u2013692\u20137753).", "Call 1-800-FLOWERS today."]
)
def test_a_phone_number_spelled_in_letters_is_not_shouting(engine: HintEngine, text: str) -> None:
    assert "shouting" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "That's odd. Can you try logging out and back in? Fingers crossed that'll do the trick.",
        "Yay! Can you DM us your order number?",
        "Sounds good. Have a great day!",
    ],
)
def test_small_talk_does_not_acknowledge_harm(rules_engine: HintEngine, text: str) -> None:
    """Found by hand (session 39): "That's odd" passed in reply to someone reporting an assault."""
    assert "no-empathy" in {h.category for h in rules_engine.check(text, "x", replying_to="crisis")}
    assert "no-empathy" not in {h.category for h in rules_engine.check(text, "x", replying_to="complaint")}


def test_taking_harm_seriously_acknowledges_it(rules_engine: HintEngine) -> None:
    text = "That's odd, and we're so sorry. Please DM us the trip details so we can investigate."
    assert "no-empathy" not in {h.category for h in rules_engine.check(text, "x", replying_to="crisis")}


def test_light_pattern_is_checked_like_any_field(tmp_path: Path) -> None:
    rule = '[rules.x]\ncategory = "c"\nmessage = "m"\npattern = "a"\n'
    write(tmp_path / "a.toml", rule + 'light_pattern = "b"\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "a.toml")
    assert caught.value.field == "light_pattern", "only an absence rule can have one"
    absence = '[rules.x]\ncategory = "c"\nkind = "absence"\nmessage = "m"\npattern = "a"\n'
    write(tmp_path / "b.toml", absence + 'light_pattern = "("\n')
    with pytest.raises(HintRuleError) as caught:
        validate_rule_file(tmp_path / "b.toml")
    assert caught.value.field == "light_pattern"


def test_a_cold_reply_to_harm_says_what_harm_needs(rules_engine: HintEngine) -> None:
    """"Thank them" is no advice for answering an assault: the crisis message replaces it."""
    crisis = rules_engine.check("Can you DM us?", "x", replying_to="crisis")
    assert [h.message[:16] for h in crisis if h.category == "no-empathy"] == ["They report harm"]
    glitch = rules_engine.check("Please restart the router.", "x")
    assert ["thank them" in h.message for h in glitch if h.category == "no-empathy"] == [True]


def test_a_hope_is_no_promise(engine: HintEngine) -> None:
    """Session 39: "Hopefully we'll have it available again soon" after an excuse leaves the
    person where they were (6 of 7 such real replies labelled as owing a way forward)."""
    text = "Sometimes content gets removed because of licensing changes. Hopefully we'll have it again soon."
    assert "no-next-step" in categories(engine, text)
    promise = "Sometimes content gets removed because of licensing changes. We'll have it back on Friday."
    assert "no-next-step" not in categories(engine, promise)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("\\bcan't\\b", "\\bcan'?t\\b"),
        ("(?:don't|won't)", "(?:don'?t|won'?t)"),
        ("(?<!n't\\s)(?<!don't\\sbe\\s)sorry", "(?<!n't\\s)(?<!don't\\sbe\\s)sorry"),
        ("(?:n't|\\bnot)\\b", "(?:n't|\\bnot)\\b"),
        ("[n't]x|\\(can't\\)", "[n't]x|\\(can'?t\\)"),
    ],
)
def test_an_apostrophe_left_out_still_matches(pattern: str, expected: str) -> None:
    """Session 43, writer n: "cant", "dont" typed in a hurry; lookbehinds and a bare "n't" stay."""
    assert optional_apostrophes(pattern) == expected


def test_contractions_typed_without_an_apostrophe_are_read(engine: HintEngine) -> None:
    assert "negative-language" in categories(engine, "we cant refund that")
    assert "negative-language" in categories(engine, "we dont offer refunds.")
    cheer = "5 stars for Jimmy! Friendliest attendant ever! COMFORTABLE! :)"
    assert "shouting" not in categories(engine, cheer)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Sorry, its our policy to only refund within 30 days.", "excuse"),
        ("thats the policy i'm afraid", "excuse"),
        ("Those seats arent available on this flight, sorry.", "negative-language"),
        ("That option isnt available in your region.", "negative-language"),
    ],
)
def test_words_typed_without_an_apostrophe_are_read(engine: HintEngine, text: str, category: str) -> None:
    """"its our policy", "isnt available": the hurried forms of rules whose "'s" or "n't" follows
    a group, where `optional_apostrophes` does not reach."""
    assert category in categories(engine, text)


def test_its_as_a_possessive_is_no_policy(engine: HintEngine) -> None:
    text = "Thanks for flagging this. The app has updated its privacy policy, which you can read here."
    assert "excuse" not in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "That item was sold by a marketplace seller, so it's the seller's problem, not ours.",
        "Your card was declined because you didn't update your payment details. Not our fault.",
        "The parcel was delivered to your safe place as instructed. That's between you and the retailer now.",
        "Event cancelled by the promoter. Refunds are the promoter's responsibility, not ours.",
        "courier says delivered. take it up with them.",
        "It is the customer's responsibility to inform staff of any allergies.",
        "u shouldve linked ur acct before the update, progress is gone",
        "u entered the code wrong, its case sensitive",
        "Did you even try restarting it?",
        "THE BATTERY MUST BE FULLY CHARGED BEFORE FIRST RIDE. It says so in the manual.",
        "PLEASE READ the documentation before opening a ticket.",
        "bans are final. read the tos",
        "Injuries of this type occur when the safety instructions in the manual are not followed.",
    ],
)
def test_the_fault_put_on_them_or_a_partner_is_blame(engine: HintEngine, text: str) -> None:
    """Session 47: the issue counts "that's the seller's problem" and "not our fault" as blame;
    the session-43 writers' blame the rules read as excuses or missed."""
    assert "blame" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Pricing and offers are a decision of the sellers.",
        "This would be at the discretion of the store.",
        "That's out of our hands, sorry.",
    ],
)
def test_a_partners_decision_or_circumstance_stays_an_excuse(engine: HintEngine, text: str) -> None:
    found = categories(engine, text)
    assert "excuse" in found and "blame" not in found


@pytest.mark.parametrize(
    "text",
    [
        "We are a charity and cannot respond to every complaint.",
        "We only have two baristas and can't make drinks any faster.",
        "cant do that sorry",
        "Works for me on 16.2 with default config. Can't reproduce, closing.",
        "Account bans are final.",
        "Returns without a receipt are not accepted.",
        "Hinge damage from drops isn't covered by warranty.",
    ],
)
def test_refusals_said_in_passing_are_negative_language(engine: HintEngine, text: str) -> None:
    assert "negative-language" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "We'll be glad to credit for the time without service, but can't pay for the class unfortunately.",
        "Can't go wrong with a fresh batch of our fries!",
        "Sorry, the pre-existing condition isn't covered, but treatment for anything new is.",
        "We can't wait to see you and the whole team!",
    ],
)
def test_what_can_be_done_first_or_an_idiom_is_no_refusal(engine: HintEngine, text: str) -> None:
    assert "negative-language" not in categories(engine, text)


def test_a_reply_to_a_complaint_deals_with_a_problem(engine: HintEngine) -> None:
    """Session 47: a plain statement names no error or step, so alone it is not read as
    troubleshooting; in reply to a complaint it is, and nothing in it is warm. The learned reading
    still weighs it, and a warm reply to the same complaint passes. ("Roaming charges were applied
    correctly." says the customer is wrong: since session 48 the learned blame reading flags it.)"""
    cold = "Your plan does not include EU roaming. It is an add-on at £2 a day."
    assert "no-empathy" not in categories(engine, cold)
    found = {h.category for h in engine.check(cold, "x", replying_to="complaint")}
    assert "no-empathy" in found
    assert "no-empathy" not in {h.category for h in engine.check(cold, "x", replying_to="question")}
    warm = "Sorry for the surprise, Sam. Your plan does not include EU roaming, so I've refunded them."
    assert "no-empathy" not in {h.category for h in engine.check(warm, "x", replying_to="complaint")}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Closing as won't fix.", "negative-language"),
        ("Not a priority right now.", "negative-language"),
        ("Hi Priya, account merges aren't possible, each email is tied to one licence.", "negative-language"),
        ("Nothing we can action here.", "negative-language"),
        # session 49: refusals a phrase missed by a word
        ("I'm afraid that's just not something we offer.", "negative-language"),
        # session 49: dead ends session 47's writers a-c wrote (read)
        ("Yesterday's 3h outage falls within our SLA, so no credits apply.", "negative-language"),
        ("That crash is your antivirus hooking into the game process. Not something we can patch.",
         "negative-language"),
        # session 49: excuses a phrase missed
        ("The low pressure is a result of exceptional demand during the hot weather.", "excuse"),
        ("It's peak season, delays are normal.", "excuse"),
        ("The new software is still being rolled out, so glitches happen.", "excuse"),
        ("We're getting swamped with tickets about this, so please be patient.", "excuse"),
        ("Features are decided by the product team, support has no say in the roadmap.", "excuse"),
        ("Refunds are only processed within 14 days per our ToS.", "excuse"),
        ("Why would you run a nightly build on prod? That one's on you, mate.", "blame"),
        ("Apple rejected the update again. Take it up with Cupertino.", "blame"),
        ("For the LAST time, the coach was late because of an accident.", "blame"),
    ],
)
def test_session_47_writers_wording_is_found(engine: HintEngine, text: str, category: str) -> None:
    assert category in categories(engine, text)


def test_fault_placed_with_the_customer_is_blame_but_asking_what_they_see_is_not(engine: HintEngine) -> None:
    """A cold reply that places the problem with them ("on your end", "fine for everyone else")
    passed with no hint at all before session 49; a diagnostic question about their end did not
    and must not."""
    cold = "PSN has been up all week for everyone else, so the problem is on your end. Check your router."
    found = {h.category for h in engine.check(cold, "x", replying_to="complaint")}
    assert {"blame", "no-empathy"} <= found
    for text in ("It's on your side, not ours. Restart the app.",
                 "Sync works fine on every device we've tested. Probably something on your end.",
                 "Check your inventory like everyone else.",
                 "We've had no other complaints about this.",
                 "Read the FAQ."):
        assert "blame" in categories(engine, text), text
    for text in ("Would you be able to send us a picture of what you are seeing on your end?",
                 "We want to make sure everything is good on your end. Feel free to update us anytime.",
                 "We'll make sure it's fixed for you and everyone else.",
                 "We have received no other reports of this, but we'd love to look into it with you.",
                 "You're the first one to tell us, thanks so much for flagging it!",
                 "Have a look at the FAQ here: https://example.com/faq"):
        assert "blame" not in categories(engine, text), text


def test_no_eta_beside_work_going_on_is_not_a_refusal(engine: HintEngine) -> None:
    text = "No ETA at this time, our tech team is working to have this fixed asap. We're sorry."
    assert "negative-language" not in categories(engine, text)


def test_a_forecast_or_a_fix_is_not_an_excuse(engine: HintEngine) -> None:
    for text in ("Some lines will be reopening shortly so you'll get through but delays are expected.",
                 "Sorry, mistakes happen and we've refunded you in full.",
                 "Our team has had record numbers of volunteers this year, thank you!"):
        assert "excuse" not in categories(engine, text), text


def test_a_no_that_is_not_a_refusal_is_not_negative_language(engine: HintEngine) -> None:
    for text in ("It's a no-brainer to upgrade!",
                 "That's a nice one, and it's just not something we see often!"):
        assert "negative-language" not in categories(engine, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Team is on it, updates every 30 min at our status page. Sorry for the disruption.",
        "Outage resolved as of 14:20 UTC, full write-up coming tomorrow. Really sorry for the disruption.",
        "Sorry! That update should not have wiped your keybinds. Pushing a fix today.",
    ],
)
def test_updates_promised_in_passing_are_a_next_step(engine: HintEngine, text: str) -> None:
    assert "no-next-step" not in categories(engine, text)


def test_a_refusal_followed_by_what_was_done_instead_is_framed(engine: HintEngine) -> None:
    framed = "Your plan doesn't cover EU roaming, so I've added a Travel Pass from today."
    assert "negative-language" not in categories(engine, framed)
    assert "negative-language" in categories(engine, "Your plan doesn't cover EU roaming.")


@pytest.mark.parametrize(
    "text",
    [
        # session 51, writer w: refusals in policy-speak, the passive, decisions and last words
        "Fares in the Saver bracket are non-changeable and non-refundable once ticketed.",
        "Hi Sam, once a payment has left your account it can't be recalled by us. Regards, Priya",
        "That wouldn't be something we'd be in a position to look at, I'm afraid.",
        "Hiya, sadly the pool's shut for the season and that's that.",
        "Delay Repay only applies to delays of 15 minutes or more. Your claim has been rejected.",
        "Afraid the penalty fare stands.",
        "We must advise that your request has been considered and declined. We consider this matter closed.",
        "Price matching isn't something we entertain, I'm afraid.",
        "Unfortunately that's a no from us on the refund.",
        "Lost property is not traced for items left on board.",
        "That size is discontinued and won't be coming back.",
        "Deposits are forfeited on no-shows.",
        "Tbh we're not gonna be able to refund postage on this one.",
        # session 52, writer q's last misses: policy in the passive, a door shut in passing
        "Regrettably, no discount will be given for the construction noise.",
        "Name changes are strictly prohibited on all tickets.",
        "Your complaint has been reviewed and no error was found. The charges stand.",
        "Your request to waive the charge has been unsuccessful. This decision is not open to appeal.",
        "Number porting requests made after the deadline are void.",
        "Honestly, I wouldn't hold your breath on a goodwill payment for this one.",
        "There's no mechanism for us to reverse a completed faster payment.",
        "Hmm, I don't think that's going to be doable I'm afraid.",
    ],
)
def test_refusals_in_many_words_are_negative_language(engine: HintEngine, text: str) -> None:
    assert "negative-language" in categories(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Late checkout isn't available on Sundays, but we're happy to store your luggage until 4pm.",
        "We don't ship to Norway yet, but our EU partner store does and they honour our prices.",
        "No worries, that's no problem at all!",
        "It's a no-brainer: the upgrade is free.",
        # a price stated, not a decision upheld (session 52)
        "The fee stands at 5 pounds per bag, and members fly with one bag free.",
    ],
)
def test_a_refusal_with_a_way_forward_or_an_idiom_is_not_negative_language(
    engine: HintEngine, text: str
) -> None:
    assert "negative-language" not in categories(engine, text)


def test_an_offer_after_a_refusal_is_a_next_step(engine: HintEngine) -> None:
    text = "Sorry Sam, Saver fares are non-refundable, but we're happy to move you to Friday at no cost."
    assert "no-next-step" not in categories(engine, text)
    assert "no-next-step" in categories(engine, "Sorry Sam, Saver fares are non-refundable. That's final.")


@pytest.mark.parametrize(
    "text",
    [
        # session 56, airlines' replies their annotators left alone
        "We're sorry to hear about your delay Tara. We hope you weren't too inconvenienced. ^Kit",
        "Glad you made the onward flight, Rebecca, sorry to hear about the difficulties you had on board.",
        "We're sorry to hear this, Steph. We hope you didn't have too long to wait before you boarded.",
        "Sorry for the wait, but we're glad it's sorted. Take care",
    ],
)
def test_an_apology_closing_a_trouble_that_is_over_needs_no_next_step(engine: HintEngine, text: str) -> None:
    assert "no-next-step" not in categories(engine, text)


def test_an_apology_that_closes_nothing_still_needs_a_next_step(engine: HintEngine) -> None:
    assert "no-next-step" in categories(engine, "We're sorry to hear about your delay Tara.")
    assert "no-next-step" in categories(engine, "We hope you understand. Sorry, we can't refund it.")
    # a closing that does not say the trouble is over (found by hand, session 56: the customer's
    # money was still pending)
    assert "no-next-step" in categories(
        engine, "Sorry about that glitch, we hope you got your order in the end. Take care")


def test_a_closing_line_is_no_way_forward_in_reply_to_harm(engine: HintEngine) -> None:
    """Found by hand (session 56): "we hope you weren't too inconvenienced" answered a report of
    racism with no hint; the closing lines are a `light_pattern`, which harm does not accept."""
    text = "We're sorry to hear about this. We hope you weren't too inconvenienced."
    assert "no-next-step" not in {h.category for h in engine.check(text, replying_to="complaint")}
    assert "no-next-step" in {h.category for h in engine.check(text, replying_to="crisis")}


@pytest.mark.parametrize(
    "text, category",
    [
        ("2 in a row! We can't think of anything better! Way to go #AATeam.", "negative-language"),
        ("We're sorry for the delay, but we're glad you've arrived now.", "excuse"),
        ("You are unable to pool your miles together. However, you are able to transfer miles within "
         "accounts. Please see link for more information. https://t.co/tiYFHISJJ8", "negative-language"),
        ("If the bag does not make it, we can't pay to have it shipped, but you would be able to pick it "
         "up still.", "negative-language"),
    ],
)
def test_praise_gladness_and_what_they_can_still_do_are_not_refusals(
    engine: HintEngine, text: str, category: str
) -> None:
    """Session 56, airlines' replies: an idiom of praise, gladness after "sorry, but", and what the
    customer is still able to do after a refusal."""
    assert category not in categories(engine, text)


def test_a_refusal_with_nothing_they_can_do_is_still_negative_language(engine: HintEngine) -> None:
    assert "negative-language" in categories(engine, "You are unable to pool your miles together.")
    assert "excuse" in categories(engine, "We're sorry for the delay, but the weather was bad.")


@pytest.mark.parametrize(
    "text",
    [
        "We're sorry you feel this way. We hope you understand our position.",
        "Unfortunately any change would be as per the fare rules attached to the type of ticket purchased.",
    ],
)
def test_a_position_or_fare_rules_as_the_whole_answer_is_an_excuse(engine: HintEngine, text: str) -> None:
    """Session 56, airlines' replies labelled `excuse`."""
    assert "excuse" in categories(engine, text)


def test_hoping_they_understand_how_sorry_we_are_is_no_excuse(engine: HintEngine) -> None:
    assert "excuse" not in categories(engine, "We hope you understand how sorry we are.")


def test_a_user_rule_can_rewrite_a_whole_clause(tmp_path: Path) -> None:
    write(tmp_path / "mine.toml", '[rules.no-stock]\ncategory = "negative-language"\nmessage = "m"\n'
          'pattern = "\\\\bwe\\\\s+are\\\\s+out\\\\s+of"\nsuggestion = "what we have is …"\n'
          'replaces = "clause"\n')
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    text = "Sadly, we are out of blue ones today. Sorry!"
    hint = only(engine, text, "no-stock")
    assert apply_suggestion(text, hint) == "What we have is …. Sorry!"
