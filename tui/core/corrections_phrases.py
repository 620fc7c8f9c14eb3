"""Phrase lessons: a phrase rule (a phrase the agents corrected the same way often enough, with the
store's own mentions backing it) and the vote counting the rules are made from. Apart from
`corrections.py` so the lessons module stays about applying what was learned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PhraseRule:
    phrase: str
    field: str
    value: str
    support: int
    precision: float


def _bump(counts: Counter[str], key: str, sign: int) -> None:
    counts[key] += sign
    if counts[key] <= 0:
        del counts[key]
