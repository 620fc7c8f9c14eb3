"""Learning from the agent: a per-store adjustment of triage fitted from the agents' corrections.

The hook point for issue 12 item 6. Whoever records corrections (tui/core/corrections.py) passes this
store's (text, corrected label/kind) pairs to `learn()` and gives the result to the triager with
`Triager.with_adjustment()`; every mention triaged after that sees it. Two parts, both bounded so
one correction cannot move unrelated mentions:

1. Same wording: a mention whose wording matches a corrected one (lowercased, handles, URLs and
   numbers stripped, spacing folded), or nearly (both have at least 4 distinct words and their
   word sets overlap by at least `near_duplicate`, Jaccard), gets the agent's label and kind,
   whatever the model says.
2. Word nudges: a content word or word pair seen in at least `min_support` corrected mentions, at
   least `min_purity` of them corrected to the same class, adds `step` per such mention (at most
   `max_nudge`) to that class's score in the label or kind model. Stopwords never count. So one
   correction teaches only its own wording; a pattern across several corrections teaches the words.

Numbers live in triage.toml under [learn]. Nothing here imports Textual or Rich.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tui.core.triage_model import normalise, text_features

LABELS = ("negative", "neutral", "positive")
KINDS = ("complaint", "question", "praise", "crisis", "other")
_CONTENT = re.compile(r"[a-z][a-z']*[a-z]")
_PLACEHOLDERS = frozenset({"xxuser", "xxurl"})
# Near-duplicates are judged only between texts of at least this many distinct words: two short
# texts that share two words are not "the same wording".
MIN_NEAR_WORDS = 4


@dataclass(frozen=True, slots=True)
class Correction:
    """What an agent said a mention should have been: a label, a kind, or both (None: unchanged)."""

    text: str
    label: str | None = None
    kind: str | None = None

    def __post_init__(self) -> None:
        if self.label is not None and self.label not in LABELS:
            raise ValueError(f"label {self.label!r}: expected one of {', '.join(LABELS)}")
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r}: expected one of {', '.join(KINDS)}")


@dataclass(frozen=True, slots=True)
class LearnRules:
    """The bounds of what corrections may teach (from triage.toml [learn])."""

    near_duplicate: float = 0.8
    min_support: int = 2
    min_purity: float = 0.8
    step: float = 1.0
    max_nudge: float = 3.0
    stopwords: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The agent's answer for one wording."""

    label: str | None
    kind: str | None
    text: str  # the corrected mention's text, for the explanation


@dataclass(frozen=True, slots=True)
class StoreAdjustment:
    """What this store's corrections teach. Empty (`StoreAdjustment()`) changes nothing."""

    exact: Mapping[str, Verdict] = field(default_factory=dict)
    near: tuple[tuple[frozenset[str], Verdict], ...] = ()
    label_nudges: Mapping[str, tuple[float, ...]] = field(default_factory=dict)  # LABELS order
    kind_nudges: Mapping[str, dict[str, float]] = field(default_factory=dict)  # word -> kind -> +
    near_duplicate: float = 0.8
    corrections: int = 0

    def __bool__(self) -> bool:
        return self.corrections > 0

    def match(self, text: str) -> Verdict | None:
        """The agent's verdict on this wording or one nearly the same, if any."""
        key = wording_key(text)
        found = self.exact.get(key)
        if found is not None or not self.near:
            return found
        words = content_words(text)
        if len(words) < MIN_NEAR_WORDS:
            return None
        best: tuple[float, Verdict] | None = None
        for other, verdict in self.near:
            small, large = sorted((len(words), len(other)))
            if small < self.near_duplicate * large:
                continue  # Jaccard cannot reach the bar
            score = len(words & other) / len(words | other)
            if score >= self.near_duplicate and (best is None or score > best[0]):
                best = (score, verdict)
        return best[1] if best else None


def wording_key(text: str) -> str:
    """Lowercase, no handles, URLs or numbers, spacing folded: what "the same wording" means."""
    low = normalise(text).replace("xxuser", " ").replace("xxurl", " ").replace("0", " ")
    return " ".join(re.sub(r"[^\w\s']", " ", low).split())


def content_words(text: str) -> frozenset[str]:
    """The distinct words of a text (two letters or more), for the near-duplicate test."""
    return frozenset(w for w in _CONTENT.findall(wording_key(text)) if w not in _PLACEHOLDERS)


def learn(corrections: Iterable[Correction], rules: LearnRules | None = None) -> StoreAdjustment:
    """The per-store adjustment these corrections teach (later corrections of a wording win)."""
    rules = rules or LearnRules()
    exact: dict[str, Verdict] = {}
    label_counts: dict[str, Counter[str]] = defaultdict(Counter)
    kind_counts: dict[str, Counter[str]] = defaultdict(Counter)
    count = 0
    for correction in corrections:
        if correction.label is None and correction.kind is None:
            continue
        count += 1
        key = wording_key(correction.text)
        if key:
            exact[key] = Verdict(correction.label, correction.kind, correction.text)
        feats = text_features(correction.text)
        keys = {w for w in feats.words if _CONTENT.fullmatch(w) and w not in rules.stopwords}
        keys |= {b for b in feats.bigrams
                 if all(_CONTENT.fullmatch(p) and p not in rules.stopwords for p in b.split())}
        for k in keys:
            if correction.label is not None:
                label_counts[k][correction.label] += 1
            if correction.kind is not None:
                kind_counts[k][correction.kind] += 1
    near = tuple((content_words(v.text), v) for v in exact.values())
    return StoreAdjustment(
        exact=exact,
        near=tuple((words, v) for words, v in near if len(words) >= MIN_NEAR_WORDS),
        label_nudges={k: tuple(v.get(c, 0.0) for c in LABELS)
                      for k, v in _nudges(label_counts, rules).items()},
        kind_nudges=_nudges(kind_counts, rules),
        near_duplicate=rules.near_duplicate,
        corrections=count,
    )


def _nudges(counts: Mapping[str, Counter[str]], rules: LearnRules) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for key, by_class in counts.items():
        support = sum(by_class.values())
        if support < rules.min_support:
            continue
        winner, hits = by_class.most_common(1)[0]
        if hits / support < rules.min_purity:
            continue
        out[key] = {winner: min(rules.max_nudge, rules.step * hits)}
    return out
