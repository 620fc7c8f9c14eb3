"""Wording keys for the lessons: the words of a text as the same-wording and near-wording lessons
compare them, the phrases the phrase lessons count, and the prefix filter the near-wording lookup
uses. Pure text functions, apart from `corrections.py` so they can be read and tested on their own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from tui.core.triage_text import Handles

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = Handles("@")
_NUMBER = re.compile(r"[#$£€]?\d[\d.,:/-]*\w*")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|[^\w\s\x00-\x7f]")


def words(text: str) -> list[str]:
    """The text's words for comparison: lowercase, without handles, URLs and numbers; emoji and
    other symbols count as words (they carry sentiment), punctuation does not."""
    low = _NUMBER.sub(" ", _HANDLE.sub(" ", _URL.sub(" ", text.lower())))
    return [w.replace("’", "'") for w in _TOKEN.findall(low)]


def normalise(text: str) -> str:
    """The text as the same-wording lesson compares it: `words`, joined by single spaces."""
    return " ".join(words(text))


def phrases(tokens: list[str], sizes: Iterable[int], stopwords: frozenset[str]) -> set[str]:
    """Runs of `sizes` words, leaving out those made only of stopwords."""
    stops = [0]  # stopwords among the first i tokens: a run is all stopwords when its count is its size
    for token in tokens:
        stops.append(stops[-1] + (token in stopwords))
    join = " ".join
    return {join(tokens[i:i + size]) for size in sizes for i in range(len(tokens) - size + 1)
            if stops[i + size] - stops[i] < size}


def _rank(word: str) -> tuple[int, str]:
    """The one order both sides of the prefix filter use: longer words first (they are the rarer,
    so a lookup probes short lists), then alphabetical."""
    return (-len(word), word)


def _prefix_size(size: int, threshold: float) -> int:
    """How many of a set's rarest words two sets with Jaccard >= threshold must have in common
    among their prefixes (prefix filtering): probing only these keeps a lookup off the common words."""
    return size - math.ceil(threshold * size - 1e-9) + 1
