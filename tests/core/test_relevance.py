"""`[brand] exclude`: a mention naming only something else that shares our name is set aside."""

from __future__ import annotations

import pytest

from tui.core.queues import queue_of
from tui.core.relevance import Relevance
from tui.rules.config import demo_config

DEMO = demo_config()
RELEVANCE = Relevance(DEMO.exclude, DEMO.watch, DEMO.handles)


@pytest.mark.parametrize(("text", "phrase"), [
    ("coming out of my cage 🎤 Mr Brightside at karaoke, the bar staff hate us", "Mr Brightside"),
    ("MR. BRIGHTSIDE!!!", "Mr Brightside"),
    ("mr brightside came on in the taxi, we screamed every word", "Mr Brightside"),
    ("look on the brightside, at least it's friday", "on the brightside"),
])
def test_a_mention_naming_only_an_excluded_phrase_is_set_aside(text: str, phrase: str) -> None:
    assert RELEVANCE.set_aside(text) == phrase


@pytest.mark.parametrize("text", [
    "Mr. Brightside playing at Brightside on Calder St, love it",  # the brand named too
    "@BrightsideCoffee your playlist is just Mr Brightside on loop",  # addressed to us
    "Mr Brightside at the Bean Club party",  # a product of ours
    "Brightside coffee is cold again",
    "Mr Brightsides",  # not the phrase: a whole-word match only
])
def test_a_mention_that_names_us_beside_the_phrase_stays(text: str) -> None:
    assert RELEVANCE.set_aside(text) is None


def test_no_exclude_phrases_sets_nothing_aside() -> None:
    nothing = Relevance((), DEMO.watch, DEMO.handles)
    assert not nothing and nothing.set_aside("Mr Brightside") is None
    assert Relevance(["  ", "!!"]).set_aside("!!") is None, "a phrase with no words is ignored"


def test_a_set_aside_mention_lists_with_the_muted_unless_it_is_a_crisis() -> None:
    mention = {"state": "open", "triage_queue": "priority", "kind": "complaint", "off_topic": "Mr Brightside"}
    assert queue_of(mention) == "muted"  # type: ignore[arg-type]
    assert queue_of({**mention, "kind": "crisis"}) == "priority"  # type: ignore[arg-type]
    assert queue_of({**mention, "off_topic": None}) == "priority"  # type: ignore[arg-type]
    assert queue_of({**mention, "state": "done"}) == "done"  # type: ignore[arg-type]
