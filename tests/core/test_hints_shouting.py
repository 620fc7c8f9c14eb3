"""Shouting: a long capitalised word is loud only if it is English (session 48).

Codes, product names and acronyms the `acronyms` list cannot know ("reset the NVRAM", "Is SAML
on?", a booking code) name a thing; an English word in capitals, a contraction typed without its
apostrophe or a drawn-out word still raises a voice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.hints import HintEngine
from tui.core.wordpiece import english_like


@pytest.fixture(scope="module")
def engine() -> HintEngine:
    return HintEngine.load()


def shouted(engine: HintEngine, text: str) -> list[str]:
    return [text[h.start:h.end] for h in engine.check(text) if h.category == "shouting"
            and h.start is not None]


@pytest.mark.parametrize("text", [
    "Sorry about that! Let's reset the NVRAM, then retry a video.",  # real (six3), labelled not shouting
    "Sorry for the trouble. Is SAML enabled on your workspace? DM us and we'll check.",
    "Sorry for the wait. Can you DM us your MPRN so we can look into it?",
    "Sorry! Verizon FIOS had a blip tonight; is it working now?",
    "Thanks! Booking YIUBPF is confirmed for Friday.",
    "Sorry! Is SAML SSO switched on for you?",  # a run of codes holds no loud word
])
def test_codes_and_names_in_capitals_are_not_shouting(engine: HintEngine, text: str) -> None:
    assert shouted(engine, text) == []


@pytest.mark.parametrize(("text", "loud"), [
    ("Your account is OVERDUE. Pay today to avoid disconnection.", "OVERDUE"),  # two pieces: over+due
    ("Sorry, no REFUND on sale items.", "REFUND"),
    ("We CANT do that, sorry.", "CANT"),  # a contraction without its apostrophe: listed
    ("NOOOOO, that's not how it works.", "NOOOOO"),  # drawn out
    ("This is UNACCEPTABLE behaviour.", "UNACCEPTABLE"),
    ("Thanks! Your ETA is 5pm, PLEASE be home.", "PLEASE"),
    ("PLEASE CHECK SAML and retry.", "PLEASE CHECK SAML"),  # a code inside a shouted run stays in it
    ("Sorry! CAFÉ CLOSED today.", "CAFÉ CLOSED"),  # accents: the list is uncased and unaccented
])
def test_english_in_capitals_is_still_shouting(engine: HintEngine, text: str, loud: str) -> None:
    assert loud in shouted(engine, text)


def test_english_like_reads_whole_words_and_two_long_pieces() -> None:
    vocab = {"over": 0, "##due": 1, "sam": 2, "##l": 3, "please": 4, "ref": 5, "##und": 6}
    assert english_like("please", vocab)
    assert english_like("overdue", vocab) and english_like("refund", vocab)
    assert not english_like("saml", vocab)  # a short tail
    assert not english_like("nvram", vocab)  # no head of three letters


def test_a_user_file_can_make_every_long_word_loud_again(tmp_path: Path) -> None:
    text = "Sorry about that! Let's reset the NVRAM, then retry a video."
    (tmp_path / "loud.toml").write_text("[shouting]\nloud_known_words = false\n", encoding="utf-8")
    engine = HintEngine.load(tmp_path)
    assert engine.errors == []
    assert shouted(engine, text) == ["NVRAM"]


def test_a_bad_loud_known_words_value_is_named(tmp_path: Path) -> None:
    (tmp_path / "loud.toml").write_text('[shouting]\nloud_known_words = "yes"\n', encoding="utf-8")
    engine = HintEngine.load(tmp_path)
    assert len(engine.errors) == 1 and "shouting.loud_known_words" in str(engine.errors[0])
