"""Hints an agent set aside (tui/core/hints_ignore.py): per draft, and learned by the inbox."""

from __future__ import annotations

from pathlib import Path

from tui.core.hints import HintEngine
from tui.core.hints_ignore import SetAside, describe, figure, ignore_key, learned

TEXT = "Sorry! Pausing a plan is not a feature of the app."


def test_a_hint_is_keyed_by_its_rule_and_words_and_a_whole_draft_check_by_its_rule() -> None:
    cold = "Pausing a plan IS NOT  a feature of the app."
    keys = {ignore_key(hint, cold) for hint in HintEngine.load().check(cold, "x")}
    assert "dead-end:is not a feature" in keys, "lower case, one space between words"
    assert "no-empathy" in keys


def test_set_aside_leaves_out_the_draft_s_keys_and_the_inbox_s() -> None:
    engine = HintEngine.load()
    hints = engine.check(TEXT, "x", whole_draft=False)
    assert [h.rule for h in hints] == ["dead-end"]
    assert SetAside(draft=["dead-end:is not a feature"]).keep(hints, TEXT) == []
    assert SetAside(inbox=["dead-end:is not a feature"]).keep(hints, TEXT) == []
    assert SetAside(draft=["dead-end:is not an option"]).keep(hints, TEXT) == hints
    assert SetAside().keep(hints, TEXT) == hints


def test_only_wordings_set_aside_often_enough_are_learned_and_never_whole_draft_checks() -> None:
    counts = {"dead-end:is not a feature": 3, "cant:we can't": 2, "no-empathy": 9}
    assert learned(counts, 3) == {"dead-end:is not a feature"}
    assert learned(counts, 2) == {"dead-end:is not a feature", "cant:we can't"}
    assert learned(counts, 0) == frozenset()
    assert learned(counts, 3, reset={"dead-end:is not a feature": 3}) == frozenset(), "brought back"
    assert learned({"dead-end:is not a feature": 6}, 3, reset={"dead-end:is not a feature": 3}) == {
        "dead-end:is not a feature"}, "set aside three times more since"


def test_the_report_counts_set_asides_per_rule_and_names_the_wordings_set_aside_most() -> None:
    fig = figure({"dead-end:is not a feature": 3, "cant:we can't": 1, "no-empathy": 4})
    assert fig["total"] == 8 and fig["rules"] == {"no-empathy": 4, "dead-end": 3, "cant": 1}
    assert fig["top"][0] == {"rule": "dead-end", "words": "is not a feature", "count": 3}
    line = describe(fig)
    assert line.startswith("Hints ignored by agents (all time): 8 (no-empathy 4, dead-end 3, cant 1)")
    assert "\u201cis not a feature\u201d 3" in line
    assert describe(figure({})) == "Hints ignored by agents (all time): none"


def test_ignore_after_is_configurable_and_validated(tmp_path: Path) -> None:
    assert HintEngine.load().ignore_after == 3
    (tmp_path / "mine.toml").write_text("[learned]\nignore_after = 0\n", "utf-8")
    engine = HintEngine.load(tmp_path)
    assert engine.errors == [] and engine.ignore_after == 0
    (tmp_path / "mine.toml").write_text("[learned]\nignore_after = -1\n", "utf-8")
    errors = HintEngine.load(tmp_path).errors
    assert any("learned.ignore_after" in e and ">= 0" in e for e in errors), errors


def test_the_words_kept_carry_no_escape_sequence() -> None:
    text = "We can't\x0brefund it."  # a vertical tab is whitespace to the patterns
    hints = HintEngine.load().check(text, "x", whole_draft=False)
    assert hints and "\x0b" in text[hints[0].start:hints[0].end]
    assert all(key.isprintable() for key in (ignore_key(hint, text) for hint in hints))
