"""The word guards in front of the triage rule lists (tui/core/triage_guard.py) never change a match:
a guarded list finds exactly what its whole alternation finds, on every row of our sets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui.core import triage_guard
from tui.core.triage import Triager
from tui.core.triage_guard import Guarded, derive, text_keys
from tui.core.triage_rules import _alternatives, _join
from tui.core.triage_text import straight_quotes

DATA = Path(__file__).resolve().parents[1] / "data"


def _texts() -> list[str]:
    rows: list[str] = []
    for path in sorted(DATA.glob("customer_*.jsonl")) + sorted(DATA.glob("triage_*.jsonl")):
        rows += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    return rows


def _lists(triager: Triager) -> dict[str, Guarded]:
    lists = {f"phrases.{g.name}": g.pattern for g in triager._phrases}
    for name in ("_crisis", "_outage", "_scale", "_other", "_markers", "_signals", "_repeat", "_question",
                 "_not_praise", "_wish", "_elsewhere"):
        found = getattr(triager, name)
        if found is not None:
            lists[name] = found
    return lists


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager.load()


@pytest.fixture(autouse=True)
def _no_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests compare the picked alternatives themselves: no text is served whole first."""
    monkeypatch.setattr(triage_guard, "_WARM_UP", 0)


def test_the_first_texts_run_the_whole_alternation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-mention run (`turnaround triage`) should not pay for compiling alternatives one by one."""
    monkeypatch.setattr(triage_guard, "_WARM_UP", 2)
    pattern = r"\bno (?:update|reply)\b|\bnever (?:again|arrived)\b"
    alternatives = _alternatives(pattern)
    guarded = Guarded(re.compile(_join(alternatives)), alternatives, [derive(a) for a in alternatives])
    texts = ["still no update and it never arrived", "no reply", "never again", "no update"]
    spans = [[m.span() for m in guarded.finditer(text)] for text in texts]
    assert spans == [[m.span() for m in re.finditer(pattern, text)] for text in texts]
    assert guarded._pick("nothing to see") == []  # no guard word: nothing runs, cold or warm
    assert sum(regex is not None for regex in guarded._compiled) >= 1  # compiled once warm
    fresh = Guarded(re.compile(_join(alternatives)), alternatives, [derive(a) for a in alternatives])
    assert fresh._pick("no reply") == [fresh.regex] and fresh._compiled == [None] * len(alternatives)


def test_guarded_lists_match_exactly_what_the_whole_alternation_matches(triager: Triager) -> None:
    lists = _lists(triager)
    assert len(lists) > 15
    skipped = 0
    for text in _texts():
        low = straight_quotes(text).lower()
        for name, guarded in lists.items():
            whole = [(m.span(), m.group()) for m in guarded.regex.finditer(low)]
            picked = [(m.span(), m.group()) for m in guarded.finditer(low)]
            assert picked == whole, (name, text)
            skipped += not guarded._pick(low)
    assert skipped > len(lists) * len(_texts()) // 2  # the point: most lists are skipped on most texts


def test_every_rule_alternative_has_a_guard(triager: Triager) -> None:
    """A rule written so that no word is needed runs on every mention: say so when one appears."""
    for name, guarded in _lists(triager).items():
        if name == "_signals":  # irony marks (an emoji, quotes) have no words
            continue
        for alternative in guarded._alternatives:
            if derive(alternative) is None:
                assert name == "_question", (name, alternative)  # a bare "?" at the end


@pytest.mark.parametrize(("pattern", "present", "absent"), [
    (r"\bno (?:update|reply)\b", ["still no update!", "no reply"], ["no updates", "nope, all fine"]),
    (r"\bassault\w*", ["assaulted by", "an assault"], ["a salt"]),
    (r"\b(?:is|was)?\s*(?:not|n't) (?:work|load)(?:ing)?\b", ["isn't loading", "not work"], ["it is fine"]),
    (r"(?:^|\s)>\s*(?:every|all)\b", ["> all others"], ["nothing here"]),
])
def test_a_guard_passes_every_text_its_pattern_matches(pattern: str, present: list[str],
                                                       absent: list[str]) -> None:
    alternatives = _alternatives(pattern)
    guarded = Guarded(re.compile(_join(alternatives)), alternatives, [derive(a) for a in alternatives])
    for text in present + absent:
        assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in re.finditer(pattern, text)]
    for text in absent:
        if re.search(pattern, text) is None and derive(pattern) is not None:
            assert not guarded._pick(text), text


def test_words_anything_could_match_give_no_guard() -> None:
    assert derive(r"\w+") is None
    assert derive(r"[^.!?]{3,}") is None
    assert derive(r"\b(?i:yes)\b") is None  # case-insensitive parts are not literal words


def test_text_keys_are_words_and_their_beginnings() -> None:
    keys = text_keys("can't log in: assaulted")
    assert {"can", "t", "log", "in", "assaulted", "ass\0", "assau\0"} <= keys


def test_a_rule_sets_shared_index_picks_what_each_list_picks_alone(triager: Triager) -> None:
    """The rule set looks every list's guard words up at once per text (GuardIndex): the picks must be
    the very ones each list's own words and substrings give."""
    lists = _lists(triager)
    assert all(guarded._shared is not None for guarded in lists.values())
    texts = [*_texts(), "naïve café: ünïcode wörds, straße", "a", "", "refund!!! refunded? refunding"]
    for text in texts:
        low = straight_quotes(text).lower()
        for name, guarded in lists.items():
            shared = guarded._pick(low)
            guarded._shared, saved = None, guarded._shared
            try:
                alone = guarded._pick(low)
            finally:
                guarded._shared = saved
            assert shared == alone, (name, text)
