"""Learned readings (kind = "learned"): blame (session 48) and excuses (session 50) in new words.

The reading adds its category's hint to the before-you-send checks, only where no pattern rule
found the category and the reading is at least `add` sure; warm or plain replies never get it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.hints import HintEngine, validate_rule_file
from tui.core.hints_types import HintRuleError


@pytest.fixture(scope="module")
def engine() -> HintEngine:
    return HintEngine.load()


def flagged(engine: HintEngine, text: str, *, whole_draft: bool = True, category: str = "blame") -> list:
    return [h for h in engine.check(text, "x", whole_draft=whole_draft) if h.category == category]


@pytest.mark.parametrize(("category", "text"), [
    ("blame", "Sounds like you brought them in with you. Our rooms are cleaned daily."),
    ("blame", "The driver followed the address you gave us."),
    # a denial of the fault, to someone hurt or overcharged: "we did it right, so it is on you"
    ("blame", "Our devices are fully tested before they leave the factory."),
    ("blame", "Roaming charges were applied correctly. Your plan does not include EU roaming."),
    # session 50: excuses in words no phrase lists (`excuse-reading`)
    ("excuse", "The lift was being serviced at that time as per the building's maintenance schedule."),
    ("excuse", "We're aware a few of the benches were cracked. It was a batch issue at our timber supplier."),
    ("excuse", "Our drivers are fully booked this week, so redelivery is not possible until Monday."),
])
def test_blame_or_an_excuse_in_new_words_is_found_before_sending(engine: HintEngine, category: str,
                                                                 text: str) -> None:
    found = flagged(engine, text, category=category)
    assert [(h.rule, h.start, h.end) for h in found] == [(f"{category}-reading", None, None)]
    assert "Own " in found[0].message or "own it" in found[0].message
    assert flagged(engine, text, whole_draft=False, category=category) == []  # not while typing


@pytest.mark.parametrize("text", [
    "Sorry it tasted off. DM me your store and I'll have the manager check the brewer today.",
    "Thanks for flagging! We've refunded the order and a new one ships tomorrow.",
    "We're sorry for the delay. Can you DM us your order number so we can check?",
    "Hi there, which station are you referring to please?",
    "Fine.",  # too short to read (the reading alone gives it 0.97)
    # owning the problem: the words around blame ("clearly shows", "not the manufacturer") do not
    # make it blame
    "This clearly shows the charge was our mistake, so we've refunded it.",
    "The warranty is with us, not the manufacturer: we'll book the repair.",
])
def test_warm_and_plain_replies_are_not_read_as_blame(engine: HintEngine, text: str) -> None:
    assert flagged(engine, text) == []


def test_blame_the_reading_finds_makes_the_whole_draft_checks_speak(engine: HintEngine) -> None:
    """As blame a phrase finds does (`when_hints`): a cold reply that blames needs warmth and a way
    forward (session 48: writers d-f `no-empathy` recall 0.648 -> 0.711, no more false)."""
    found = [h.category for h in engine.check("The driver followed the address you gave us.", "x")]
    assert found == ["no-empathy", "no-next-step", "blame"]


def test_a_blame_the_patterns_found_is_not_said_twice(engine: HintEngine) -> None:
    found = flagged(engine, "That's the courier's fault, not ours. Take it up with them.")
    assert found and all(h.start is not None for h in found)


def test_learned_off_switches_the_readings_off(tmp_path: Path) -> None:
    (tmp_path / "off.toml").write_text("[learned]\nenabled = false\n", encoding="utf-8")
    engine = HintEngine.load(tmp_path)
    assert flagged(engine, "The driver followed the address you gave us.") == []


def test_a_rule_can_be_made_more_careful(tmp_path: Path) -> None:
    (tmp_path / "sure.toml").write_text("[rules.blame-reading]\nadd = 1.0\n", encoding="utf-8")
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    assert flagged(engine, "The driver followed the address you gave us.") == []


@pytest.mark.parametrize(("body", "field"), [
    ('[rules.mine]\ncategory = "blame"\nkind = "learned"\nmessage = "m"\nadd = 0.9\n', "model"),
    ('[rules.mine]\ncategory = "blame"\nkind = "learned"\nmessage = "m"\nmodel = "nope.json.gz"\nadd = 0.9\n',
     "model"),
    ('[rules.mine]\ncategory = "blame"\nkind = "learned"\nmessage = "m"\nmodel = "../x.json.gz"\nadd = 0.9\n',
     "model"),
    ('[rules.blame-reading]\nadd = 0\n', "add"),
    ('[rules.blame-reading]\nadd = true\n', "add"),
    ('[rules.blame-reading]\nmin_words = 0\n', "min_words"),
    ('[rules.blame-reading]\nunless = "(unclosed"\n', "unless"),
    ('[rules.mine]\ncategory = "blame"\nmessage = "m"\npattern = "x"\nmodel = "hints_blame.json.gz"\n',
     "model"),
])
def test_a_bad_learned_rule_is_named(tmp_path: Path, body: str, field: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(HintRuleError) as error:
        validate_rule_file(path)
    assert error.value.field == field
    engine = HintEngine.load(tmp_path)  # the engine keeps going and lists it
    assert len(engine.errors) == 1


def test_another_language_gets_no_reading(engine: HintEngine) -> None:
    assert flagged(engine, "Le chauffeur a suivi l'adresse que vous nous avez donnée, comme prévu.") == []


# Session 50: a reason given with the remedy beside it is no excuse (`excuse-reading`'s `unless`).
@pytest.mark.parametrize("text", [
    "We're sorry the lift was out. An engineer is on site now and we'll update you by 3pm.",
    "Unfortunately that seat can't be changed online, but the gate team can swap it for you.",
    "Thanks for waiting! Your refund went through this morning, it should show in 3 to 5 days.",
    "Sorry for the delay, Sam. The crew timed out after the storm, so I've rebooked you on the 7am.",
])
def test_a_reason_given_with_the_remedy_is_no_excuse(engine: HintEngine, text: str) -> None:
    assert flagged(engine, text, category="excuse") == []
