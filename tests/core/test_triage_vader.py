"""The fast VADER (tui/core/triage_vader.py) gives VADER's own scores, to the last digit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tui.core.triage_vader import FastAnalyzer, analyzer

DATA = Path(__file__).resolve().parents[1] / "data"

# Each of VADER's rules, and its quirks: boosters, "kind of", caps among lower case, negation one
# to three words back, "never so", "without doubt", "least", "no", idioms, "but" (twice, and a
# repeated value before it), emoji next to words and each other, punctuation emphasis, blanks.
EDGES = [
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", "The book was only kind of good.",
    "At least it isn't a horrible book.", "Not bad at all", "good but bad but good",
    "great great but awful awful", "good fine but bad", "never so good", "never this bad",
    "without doubt good", "without any doubt good", "at least good", "very least good", "least good",
    "no good or bad", "no way nor bad", "no good", "it was the shit", "yeah right good",
    "kiss of death", "this is to die for", "not the bomb lol", "GOOD good", "GOOD", "  spaced  out  ",
    "", "!!!", "???", "sort of good", "KIND OF bad", "kind of", "Catch emoji such as 💘 and 💋 and 😁",
    "😁😁 great", "great😁", "Make sure you :) or :D today!", "nope, wasn't good", "cut the mustard",
    "don't really love it", "I do not think it's very good at all", "HATE HATE hate", "ok. OK! Ok?",
]


def _texts() -> list[str]:
    rows = list(EDGES)
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text")
                if isinstance(text, str):
                    rows.append(text)
    return rows


@pytest.fixture(scope="module")
def analyzers() -> tuple[FastAnalyzer, SentimentIntensityAnalyzer]:
    return analyzer(None), SentimentIntensityAnalyzer()


def test_every_score_is_vaders_own(analyzers: tuple[FastAnalyzer, SentimentIntensityAnalyzer]) -> None:
    fast, vader = analyzers
    texts = _texts()
    assert len(texts) > 5000
    for text in texts:
        assert fast.polarity_scores(text) == vader.polarity_scores(text), text


def test_words_added_to_the_lexicon_count_as_in_vader() -> None:
    """The Triager adds the rule file's words to its analyzer's lexicon: both read the live one."""
    fast, vader = analyzer(None), SentimentIntensityAnalyzer()
    for made in (fast, vader):
        made.lexicon["refundable"] = 1.5
        made.lexicon.pop("good", None)
    for text in ("not refundable at all", "very good, refundable", "no refundable or good"):
        assert fast.polarity_scores(text) == vader.polarity_scores(text), text


def test_vader_reads_stretched_words_and_hearts_as_the_words_it_knows() -> None:
    """Session 59, from real tweets: VADER scored "❤️" (its variation selector glued to "heart")
    and every stretched word ("loooove") as unknown words, 0."""
    from tui.core.triage_vader import as_vader_reads
    lexicon = analyzer(None).lexicon
    assert as_vader_reads("Will do! ❤️", lexicon) == "Will do! ❤"
    assert as_vader_reads("loooove it, sooo gooood, LOOOVE", lexicon) == "love it, so good, LOVE"
    assert as_vader_reads("baaaad", lexicon) == "bad"
    # a stretch of a word VADER does not know, and a word of one letter, stay as written
    assert as_vader_reads("Whyyyy the KKK zzzz", lexicon) == "Whyyyy the KKK zzzz"
