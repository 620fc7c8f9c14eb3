"""The learned half of triage: features of a mention and a small linear model over them.

Two multinomial logistic regressions (label: negative/neutral/positive; kind: complaint/question/
praise/other) are fitted offline by ``tests/benchmarks/fit_triage.py`` and shipped as gzipped JSON in
``tui/rules/data/triage_model.json.gz``. Inference is pure Python: a mention's features are word unigrams
and bigrams, character 3- and 4-grams inside words, and the rule engine's own signals (its VADER-based
score, phrase groups, question/problem/sarcasm flags); each class's score is the bias plus the
weights of the features present, each n-gram family's sum scaled by 1/sqrt(its size). The same
`text_features` runs when fitting and here, so the two cannot drift apart. Nothing here imports
numpy, scikit-learn, Textual or Rich.
"""

from __future__ import annotations

import binascii
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import add, mul
from typing import Any

from tui.core.memo import Memo
from tui.core.triage_pieces import Pieces, pull
from tui.core.triage_text import Handles, straight_quotes, without_links
from tui.core.triage_weights import TABLES, _Table
from tui.rules import data_file

MODEL_FILE = "triage_model.json.gz"
FORMAT = 3  # 3: each n-gram family's values are scaled to unit length (`TextFeatures.scales`)

_HANDLE = Handles("@＠")
_DIGITS = re.compile(r"\d+")
# Words (with inner apostrophes), runs of ! or ?, and any other single symbol or emoji; plain
# punctuation that carries no feeling (. , : ; quotes, brackets, dashes) is skipped.
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[!?]+|[^\w\s.,:;\"'()\[\]/\\|-]")
_ONE_LETTER = frozenset("abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """The text's features, each kind in its own namespace (so no prefixes are built per mention)."""

    words: frozenset[str]
    bigrams: frozenset[str]
    spelled: frozenset[str]  # the words whose character n-grams count (letters only, 2+)
    tokens: tuple[str, ...]  # in order, for explanations
    scales: tuple[float, float, float]  # words, word pairs, character n-grams: see `text_features`


def normalise(text: str) -> str:
    """Lowercase, straight quotes, and placeholders for what varies but means the same."""
    low = straight_quotes(text).lower()
    low = _HANDLE.sub(" xxuser ", without_links(low, " xxurl "))
    return _DIGITS.sub("0", low)


def text_features(text: str) -> TextFeatures:
    """Word unigrams and bigrams, and which words' character n-grams count."""
    tokens = tuple(_TOKEN.findall(normalise(text)))
    words = frozenset(tokens)
    padded = ("<s>", *tokens, "</s>")
    # C-level map and filter (no Python loop per word); the same sets, built in the same order
    bigrams = frozenset(map(" ".join, itertools.pairwise(padded)))
    # tokens are lowercase ASCII (see _TOKEN), so "letters only, two or more" is isalpha less the
    # single letters: C-level, where a regex match per word cost ~10 us a mention
    spelled = frozenset(filter(str.isalpha, words)) - _ONE_LETTER
    return TextFeatures(words, bigrams, spelled, tokens, _scales(words, bigrams, spelled))


def _scales(words: frozenset[str], bigrams: frozenset[str],
            spelled: frozenset[str]) -> tuple[float, float, float]:
    """1/sqrt(count) per n-gram family, so a long mention's many words do not outvote its few
    telling ones (TF-IDF's length normalisation without the idf). For the 0/1 word and word-pair
    values that is exactly unit length; for character n-grams it divides by the root of how many
    there are (a word of L letters has 2L - 1), which scored the same as exact unit length in
    cross-validation and costs nothing. It raised label accuracy 0.781 -> 0.805 (model alone).
    """
    grams = 2 * sum(map(len, spelled)) - len(spelled)
    return (1 / math.sqrt(len(words)) if words else 0.0, 1 / math.sqrt(len(bigrams)),
            1 / math.sqrt(grams) if grams else 0.0)


def char_grams(word: str) -> list[str]:
    """Character 3- and 4-grams of a word padded with < and > (with repeats: they count)."""
    w = f"<{word}>"
    return [w[i:i + 3] for i in range(len(w) - 2)] + [w[i:i + 4] for i in range(len(w) - 3)]


def named_features(text: TextFeatures, signals: Mapping[str, float]) -> dict[str, float]:
    """All features under one name space (for fitting): w:, b:, c: and r: prefixes.

    A character n-gram's value is how often it occurs across the distinct words, so a word's
    n-grams add up to one fixed vector per word, which inference caches per word.
    """
    sw, sb, sc = text.scales
    out: dict[str, float] = {f"w:{w}": sw for w in text.words}
    out.update((f"b:{b}", sb) for b in text.bigrams)
    for word in text.spelled:
        for gram in char_grams(word):
            key = f"c:{gram}"
            out[key] = out.get(key, 0.0) + sc
    out.update((f"r:{k}", float(v)) for k, v in signals.items())
    return out


class ModelError(ValueError):
    """The packaged model file is missing or not in the expected shape."""


@dataclass(frozen=True, slots=True)
class Weighed:
    """One reason a class won: a feature's name, what it is (word, rule...) and its pull."""

    name: str
    source: str  # "word" | "rule"
    weight: float  # + pushes toward the chosen class, - away from it


class LinearModel:
    """One multinomial logistic regression: per-class bias and per-feature weights."""

    def __init__(self, classes: Sequence[str], bias: Sequence[float],
                 tables: Mapping[str, _Table]) -> None:
        self.classes = tuple(classes)
        self.bias = tuple(float(b) for b in bias)
        self.words, self.bigrams, self.chars, self.rules = (tables[t] for t in TABLES)
        self._spelling: Memo[str, tuple[float, ...]] = Memo(self.spell)  # words recur

    def spell(self, word: str, grams: Sequence[str] | None = None) -> tuple[float, ...]:
        """The summed weights of a word's character n-grams (not cached; `grams` when the caller
        has them already)."""
        z = [0.0] * len(self.classes)
        self.chars.add_to(z, char_grams(word) if grams is None else grams)
        return tuple(z)

    @classmethod
    def from_rows(cls, classes: Sequence[str], bias: Sequence[float],
                  rows: Mapping[str, Mapping[str, Sequence[float]]]) -> LinearModel:
        """From {table: {feature: [weight per class]}} (the fitting script's output)."""
        return cls(classes, bias, {t: _Table.from_rows(rows.get(t, {}), len(classes)) for t in TABLES})

    @classmethod
    def unpack(cls, data: Mapping[str, Any], where: str) -> LinearModel:
        try:
            classes = tuple(data["classes"])
            bias = [float(b) for b in data["bias"]]
            if len(bias) != len(classes) or len(classes) < 2:
                raise ValueError(f"{len(bias)} biases for {len(classes)} classes")
            tables = {t: _Table.unpack(data["tables"][t], len(classes)) for t in TABLES}
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            raise ModelError(f"{where}: not a triage model ({error})") from None
        return cls(classes, bias, tables)

    def pack(self) -> dict[str, Any]:
        tables = dict(zip(TABLES, (self.words, self.bigrams, self.chars, self.rules), strict=True))
        return {"classes": list(self.classes), "bias": list(self.bias),
                "tables": {t: table.pack() for t, table in tables.items()}}

    def scores(self, text: TextFeatures, signals: Mapping[str, float]) -> list[float]:
        """The raw class scores (logits)."""
        z = list(self.bias)
        n = len(z)
        sw, sb, sc = text.scales
        for table, names, scale in ((self.words, text.words, sw), (self.bigrams, text.bigrams, sb)):
            block = [0.0] * n
            table.add_to(block, names)
            for i in range(n):
                z[i] += block[i] * scale
        spelling = self._spelling
        block = [0.0] * n
        for word in text.spelled:
            summed = spelling[word]
            for i in range(n):
                block[i] += summed[i]
        for i in range(n):
            z[i] += block[i] * sc
        rules = self.rules
        for key, value in signals.items():
            w = rules.get(key)
            if w is not None and value:
                for i in range(n):
                    z[i] += w[i] * value
        return z

    def explain(self, text: TextFeatures, signals: Mapping[str, float], chosen: str,
                top: int = 6, quiet: frozenset[str] = frozenset()) -> list[Weighed]:
        """The words and rule signals that pulled hardest toward (or away from) `chosen`.

        A feature's pull is its weight for `chosen` minus its mean weight over the classes; the
        character n-grams and bigrams of a word are credited to the word itself, so the agent
        reads words, not fragments. A word or pair made only of `quiet` words, placeholders,
        numbers and punctuation is left out: it weighs, but tells the agent nothing.
        """
        c = self.classes.index(chosen)
        sw, sb, sc = text.scales
        per_word: dict[str, float] = {}
        for word in text.words:
            total = pull(self.words.get(word), c) * sw
            if word in text.spelled:
                total += pull(self._spelling[word], c) * sc
            per_word[word] = total
        for bigram in text.bigrams:
            share = pull(self.bigrams.get(bigram), c) * sb
            if share:
                # a word beside a placeholder, a number or punctuation ("no </s>", "xxuser yes")
                # is credited to the word: the agent reads "no", not "no (end)"
                words = [part for part in bigram.split(" ") if _is_word(part)]
                key = words[0] if len(words) == 1 else bigram
                per_word[key] = per_word.get(key, 0.0) + share
        out = [Weighed(readable(k), "word", v) for k, v in per_word.items() if telling(k, quiet)]
        out += [Weighed(k, "rule", pull(self.rules.get(k), c) * v) for k, v in signals.items() if v]
        out.sort(key=lambda r: -abs(r.weight))
        return [r for r in out[:top] if abs(r.weight) >= 0.05]


_READABLE = {"xxuser": "@someone", "xxurl": "a link", "<s>": "(start)", "</s>": "(end)"}


def _is_word(part: str) -> bool:
    """Not a placeholder `normalise` put in, a number, punctuation or a lone letter: "o" of "w/o"
    or "0s" of "6s" weigh, but tell an agent nothing (session 62, real tweets)."""
    return part not in _READABLE and sum(ch.isalpha() for ch in part) >= 2


def telling(feature: str, quiet: frozenset[str] = frozenset()) -> bool:
    """Whether a word or word pair (as `normalise` writes it) says something to an agent: one of
    its words is a word and not a `quiet` one."""
    return any(_is_word(part) and part not in quiet for part in feature.split(" "))


def readable(feature: str) -> str:
    """A word or word pair as the agent reads it: the placeholders `normalise` put in are named."""
    return " ".join(_READABLE.get(part, part) for part in feature.split(" "))


def softmax(z: Iterable[float]) -> list[float]:
    values = list(z)
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


class JointScorer:
    """The label, kind (and crisis) models scored in one pass, with exactly `LinearModel.scores`' sums.

    Scoring each model alone looks every feature up twice per model and reads its weights from a
    column per class, scattered over memory: most of the model's time went on cache misses. Here a
    name is looked up once and its weights for every class of both models sit in one tuple. Each
    class's sums run over the same features in the same order as `LinearModel.scores` (a model
    lacking a feature adds 0.0 for it, which changes no float sum), so the logits are bit-identical.
    """

    __slots__ = ("_bigrams", "_known_bigrams", "_models", "_rules", "_sizes", "_spelled", "_words", "bias")

    def __init__(self, *models: LinearModel) -> None:
        self._models = models
        self._known_bigrams: frozenset[str] | None = None  # built on first use, not at start-up
        self._sizes = tuple(len(m.classes) for m in models)
        self.bias = tuple(b for m in models for b in m.bias)
        self._words: Memo[str, tuple[float, ...] | None] = Memo(
            lambda name: self._row([m.words.get(name) for m in models]))
        self._bigrams: Memo[str, tuple[float, ...] | None] = Memo(
            lambda name: self._row([m.bigrams.get(name) for m in models]))
        self._spelled: Memo[str, tuple[float, ...]] = Memo(self._spell)
        names = [name for m in models for name in m.rules.index]
        self._rules = {name: self._row([m.rules.get(name) for m in models]) for name in names}

    def _spell(self, word: str) -> tuple[float, ...]:
        """Every model's `spell` of a new word, its n-grams cut once (a stream of new mentions
        brings a few new words each)."""
        grams = char_grams(word)
        return tuple(w for m in self._models for w in m.spell(word, grams))

    def _row(self, parts: list[tuple[float, ...] | None]) -> tuple[float, ...] | None:
        if all(part is None for part in parts):
            return None
        return tuple(w for part, n in zip(parts, self._sizes, strict=True) for w in (part or (0.0,) * n))

    def scores(self, text: TextFeatures, signals: Mapping[str, float]) -> list[list[float]]:
        """Each model's logits (label, kind, then crisis if shipped), as its `scores` gives them."""
        z = list(self.bias)
        sw, sb, sc = text.scales
        known = self._known_bigrams
        if known is None:
            known = self._known_bigrams = frozenset().union(*(m.bigrams.index for m in self._models))
        # Most word pairs of a new mention are in no model (3 in 4 over the benchmark's texts):
        # they are dropped with one C-level set test instead of each costing a memo entry, which
        # also kept the memo from filling and emptying on a stream of new mentions.
        bigrams = filter(known.__contains__, text.bigrams)
        for rows, names, scale in ((self._words, text.words, sw), (self._bigrams, bigrams, sb)):
            found = list(filter(None, map(rows.__getitem__, names)))
            if found:  # each class's column summed in the features' order, as `LinearModel.scores` does
                totals = map(sum, zip(*found, strict=True))
                z = [zi + total * scale for zi, total in zip(z, totals, strict=True)]
        spelled = list(map(self._spelled.__getitem__, text.spelled))
        if spelled:
            totals = map(sum, zip(*spelled, strict=True))
            z = [zi + total * sc for zi, total in zip(z, totals, strict=True)]
        rules = self._rules
        for name, value in signals.items():
            row = rules.get(name)
            if row is not None and value:
                z = list(map(add, z, map(mul, row, itertools.repeat(value))))
        out, start = [], 0
        for size in self._sizes:
            out.append(z[start:start + size])
            start += size
        return out


@dataclass(frozen=True, slots=True)
class TriageModel:
    """The label and kind models and where they came from (the fitting script's summary).

    `crisis` (optional) reads harm from the words alone, with no rule signal: the crisis patterns
    catch the wording they list, this catches wording like it that they do not. `pieces`
    (optional) adds a pretrained encoder's reading of the label (`tui.core.triage_pieces`).
    """

    label: LinearModel
    kind: LinearModel
    meta: Mapping[str, Any]
    crisis: LinearModel | None = None
    pieces: Pieces | None = None
    joint: JointScorer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        models = (m for m in (self.label, self.kind, self.crisis) if m is not None)
        object.__setattr__(self, "joint", JointScorer(*models))


def load_model(data: bytes | None = None, where: str = MODEL_FILE,
               pieces: Pieces | None = None) -> TriageModel:
    """The packaged model (or one given as gzipped JSON bytes), with the word-piece table if given."""
    import gzip  # here: with the model cache warm, start-up never decompresses the shipped file

    if data is None:
        data = data_file(MODEL_FILE).read_bytes()
    try:
        raw = json.loads(gzip.decompress(data))
    except (OSError, ValueError) as error:
        raise ModelError(f"{where}: cannot read ({error})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ModelError(f"{where}: format {raw.get('format') if isinstance(raw, dict) else '?'}, "
                         f"expected {FORMAT}")
    crisis = raw.get("crisis")
    return TriageModel(LinearModel.unpack(raw.get("label", {}), f"{where}: label"),
                       LinearModel.unpack(raw.get("kind", {}), f"{where}: kind"), raw.get("meta", {}),
                       None if crisis is None else LinearModel.unpack(crisis, f"{where}: crisis"), pieces)


def dump_model(model: TriageModel) -> bytes:
    """The model as the packaged file holds it (gzipped JSON; weights packed as float32)."""
    import gzip

    payload = {"format": FORMAT, "meta": dict(model.meta), "label": model.label.pack(),
               "kind": model.kind.pack()}
    if model.crisis is not None:
        payload["crisis"] = model.crisis.pack()
    return gzip.compress(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode(), 9, mtime=0)
