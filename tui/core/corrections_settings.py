"""How strong the evidence for a lesson must be: `tui/rules/data/corrections.toml`, read and checked.

Apart from `corrections.py` so the thresholds (data, not code) and their range checks live in one
short place; the schema modules are imported only when the settings are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from tui.rules.datafile import UserFileError, line_of

CorrectionsConfigError = UserFileError
"""A bad corrections.toml: the one user-file error."""


@dataclass(frozen=True, slots=True)
class Settings:
    min_words: int = 3
    near_similarity: float = 0.8
    near_min_words: int = 5
    phrase_words: tuple[int, ...] = (2, 3)
    phrase_min_support: int = 4
    phrase_min_precision: float = 0.8
    background_size: int = 2000
    demote_crisis: bool = False
    stopwords: frozenset[str] = frozenset()


def load_settings(text: str | None = None, where: str = "tui/rules/data/corrections.toml") -> Settings:
    """The packaged settings (or `text`), checked against the schema (CorrectionsFile) and the
    ranges below: a bad value names the file, the line and the key."""
    # Imported here, not at the top: `turnaround triage` imports this module but never learns.
    from tui.rules.datafile_models import CorrectionsFile
    from tui.rules.datafile_schema import check, parse_toml

    if text is None:
        text = resources.files("tui.rules.data").joinpath("corrections.toml").read_text("utf-8")
    checked = check(parse_toml(text, where), CorrectionsFile, where, text)
    same, phrase = checked.same_wording, checked.phrases

    def number(table: str, key: str, low: float, high: float, kind: type = float) -> Any:
        value = getattr(same if table == "same_wording" else phrase, key)
        if not low <= value <= high or (kind is int and not isinstance(value, int)):
            raise CorrectionsConfigError(where, None, key, f"expected a {kind.__name__} in [{low}, {high}], "
                                         f"got {value!r}", table=table, line=line_of(text, table, key))
        return kind(value)

    if not phrase.phrase_words or not all(1 <= n <= 6 for n in phrase.phrase_words):
        raise CorrectionsConfigError(where, None, "phrase_words", "expected a list of word counts 1..6",
                                     table="phrases", line=line_of(text, "phrases", "phrase_words"))
    return Settings(
        min_words=number("same_wording", "min_words", 1, 100, int),
        near_similarity=number("same_wording", "near_similarity", 0.5, 1.0),
        near_min_words=number("same_wording", "near_min_words", 1, 100, int),
        phrase_words=tuple(sorted(set(phrase.phrase_words))),
        phrase_min_support=number("phrases", "phrase_min_support", 2, 1000, int),
        phrase_min_precision=number("phrases", "phrase_min_precision", 0.5, 1.0),
        background_size=number("phrases", "background_size", 0, 1_000_000, int),
        demote_crisis=phrase.demote_crisis,
        stopwords=frozenset(w.lower() for w in phrase.stopwords),
    )
