"""The learned second opinion on `no-empathy` (tui/core/hints_learned.py) and how the engine asks it."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

from tui.core.hints import HintEngine
from tui.core.hints_learned import (
    LEARNED_CATEGORY,
    LEARNED_FILE,
    LearnedError,
    LearnedReading,
    features,
    load_learned,
    pack,
)
from tui.rules import data_file


def test_the_packaged_reading_gives_what_the_fit_script_measured() -> None:
    """The pure-Python reader reproduces the probabilities the fit script stored beside the weights."""
    meta = json.loads(gzip.decompress(data_file(LEARNED_FILE).read_bytes()))["meta"]
    reading = load_learned(0.3, 0.9, 1000)
    assert meta["checks"]
    for text, probability in meta["checks"]:
        assert reading.probability(text) == pytest.approx(probability, abs=1e-5)


def test_features_are_words_pairs_and_character_grams_with_placeholders() -> None:
    found = features("Hi @Sam, see https://t.co/x")
    assert {"w:hi", "w:@", "w:u", "w:url", "b:@ u", "c:<hi", "c:hi>"} <= set(found)
    assert not any("sam" in name or "t.co" in name for name in found)
    words = [v for k, v in found.items() if k.startswith("w:")]
    assert words[0] == pytest.approx(1 / len(words) ** 0.5)


def stub(probability_of: dict[str, float], keep: float = 0.3, add: float = 0.9) -> LearnedReading:
    """A reading whose probability for a one-word text is as given; in a longer text the word
    weighs less (each family is scaled by 1/sqrt of its size), so tests use strong words."""
    import math

    weights = {f"w:{word}": math.log(p / (1 - p)) for word, p in probability_of.items()}
    return LearnedReading(LEARNED_CATEGORY, weights, 0.0, keep, add, 1000)


def test_the_reading_keeps_a_rules_hint_only_when_it_agrees_enough_and_adds_one_when_sure() -> None:
    reading = stub({"cold": 0.95, "unsure": 0.5, "fine": 0.1})
    assert reading.decide("cold", rules_say=False, certain=False)  # added: sure
    assert not reading.decide("unsure", rules_say=False, certain=False)  # not sure enough to add
    assert reading.decide("unsure", rules_say=True, certain=False)  # kept
    assert not reading.decide("fine", rules_say=True, certain=False)  # vetoed
    assert reading.decide("fine", rules_say=True, certain=True)  # a refusal found: the rules decide
    assert reading.decide("fine " * 300, rules_say=True, certain=False)  # too long to read: rules


def test_the_engine_asks_the_reading_for_no_empathy_only() -> None:
    engine = HintEngine.load()
    engine.learned = stub({"router": 0.01})
    draft = "Please restart the router."
    assert "no-empathy" not in {h.category for h in engine.check(draft, "x")}
    engine.learned = stub({"router": 1 - 1e-9})
    warm = "Thanks! Please restart the router."
    assert engine.learned.probability(warm) >= 0.9
    assert "no-empathy" in {h.category for h in engine.check(warm, "x")}
    engine.learned = None
    assert "no-empathy" in {h.category for h in engine.check(draft, "x")}


def test_a_refusal_without_warmth_is_flagged_whatever_the_reading_says() -> None:
    engine = HintEngine.load()
    engine.learned = stub({"refund": 0.01})
    found = {h.category for h in engine.check("We can't refund it.", "x")}
    assert {"negative-language", "no-empathy"} <= found


def test_learned_settings_are_validated_and_can_turn_it_off(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('[learned]\nenabled = false\n', "utf-8")
    engine = HintEngine.load(tmp_path)
    assert engine.errors == [] and engine.learned is None
    (tmp_path / "mine.toml").write_text('[learned]\nkeep = 2\ncolour = "red"\n', "utf-8")
    errors = HintEngine.load(tmp_path).errors
    assert any("learned.keep" in e and "0 to 1" in e for e in errors), errors
    assert any("learned.colour" in e and "unknown key" in e for e in errors), errors


def test_a_broken_model_file_says_which_file() -> None:
    with pytest.raises(LearnedError, match=LEARNED_FILE):
        load_learned(0.3, 0.9, 1000, b"not gzip")
    other = pack("excuse", {}, 0.0, {})
    with pytest.raises(LearnedError, match="not 'no-empathy'"):
        load_learned(0.3, 0.9, 1000, other)


def test_the_packaged_reading_weighs_word_pieces_too() -> None:
    """Since session 41 the file carries one weight per word piece (the sentence encoder distilled):
    a word no labelled reply had still moves the reading."""
    raw = json.loads(gzip.decompress(data_file(LEARNED_FILE).read_bytes()))
    assert raw["format"] == 2 and raw["meta"]["pieces"]["kept"] == len(raw["pieces"]["weights"]) > 1000
    reading = load_learned(0.3, 0.9, 1000)
    assert reading.pieces is not None
    text = "Please reinstall the app and try again."
    without = LearnedReading(LEARNED_CATEGORY, reading.weights, reading.bias)
    assert reading.probability(text) != pytest.approx(without.probability(text), abs=1e-3)


def test_piece_weights_count_by_their_share_of_the_reply() -> None:
    vocab = ["[UNK]", "cold", "warm", "words"]
    blob = pack(LEARNED_CATEGORY, {}, 0.0, {}, (vocab, {1: 4.0, 2: -4.0}))
    reading = load_learned(0.3, 0.9, 1000, blob)
    assert reading.probability("cold") == pytest.approx(1 / (1 + math.exp(-4.0)))
    assert reading.probability("cold words") == pytest.approx(1 / (1 + math.exp(-2.0)))  # half the pieces
    assert reading.probability("cold warm") == pytest.approx(0.5)
    assert reading.probability("unknown") == pytest.approx(0.5)  # [UNK] carries nothing


def test_a_model_file_without_pieces_still_loads_and_broken_pieces_name_the_file() -> None:
    old = gzip.compress(json.dumps({"format": 1, "category": LEARNED_CATEGORY, "bias": 0.0,
                                    "weights": {"w:cold": 3.0}, "meta": {}}).encode())
    reading = load_learned(0.3, 0.9, 1000, old)
    assert reading.pieces is None and reading.probability("cold") > 0.9
    broken = pack(LEARNED_CATEGORY, {}, 0.0, {}, (["[UNK]", "cold"], {7: 1.0}))
    with pytest.raises(LearnedError, match=f"{LEARNED_FILE}: a piece weight outside"):
        load_learned(0.3, 0.9, 1000, broken)
