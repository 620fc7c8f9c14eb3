"""A learned second opinion on one whole-draft hint (`no-empathy`), fitted on labelled real replies.

The rules know the phrases of warmth they list; replies by brands they were not tuned on say it in
other words, and annotators of those replies disagreed with the rules far more than with each other
(tests/data/REPLIES.md, session 34). A small logistic regression over a reply's words, word pairs
and character n-grams (fitted by tests/benchmarks/fit_hints.py, shipped as `hints_empathy.json.gz`)
reads how likely a coach would raise the hint. Since session 41 it also weighs the reply's word
pieces, distilled from a sentence encoder as `triage_pieces` is for triage: the n-grams learn the
words of the brands in the rows, the pieces carry what the encoder knows of words no row had, and
replies by brands never seen were read better with them (tests/data/REPLIES.md, session 41).
The rules still decide what a hint says and when it may speak; the reading only keeps a rule's
hint when it is at least `keep` likely and adds the hint when it is at least `add` likely. Pure
Python: a dictionary lookup per n-gram and a sum over the pieces, no numpy.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise

from tui.core.wordpiece import pieces_of, words
from tui.rules import data_file

TYPE_CHECKING = False  # typing, gzip and json load only when needed: `lint` starts fast
if TYPE_CHECKING:
    from typing import Any

LEARNED_FILE = "hints_empathy.json.gz"
LEARNED_CATEGORY = "no-empathy"
FORMAT = 2  # 2 adds the word pieces; a format-1 file (n-grams alone) still loads
# What `read_weights` returns: n-gram weights, bias, and the word pieces (vocabulary in id order,
# {piece id: weight}) or None. Plain lists and dicts, so the engine's pattern cache can marshal it.
PieceTable = tuple[list[str], dict[int, float]]

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_CHAR_SIZES = (3, 4, 5)


class LearnedError(ValueError):
    """The packaged model file cannot be read."""


def features(text: str) -> dict[str, float]:
    """Distinct words ("w:"), word pairs ("b:") and character 3-5-grams of each word ("c:"), each
    family scaled by 1/sqrt(its size in this text) so a long reply's many words do not outvote a
    short one's few telling ones. Links and @handles become placeholders."""
    lowered = _HANDLE.sub(" @u ", _URL.sub(" url ", text.lower()))
    tokens = _TOKEN.findall(lowered)
    words = set(tokens)
    pairs = {f"{a} {b}" for a, b in pairwise(tokens)}
    grams: set[str] = set()
    for token in words:
        if len(token) > 1 and token[0].isalnum():
            padded = f"<{token}>"
            for size in _CHAR_SIZES:
                grams.update(padded[i:i + size] for i in range(len(padded) - size + 1))
    out: dict[str, float] = {}
    for prefix, family in (("w", words), ("b", pairs), ("c", grams)):
        if family:
            value = 1.0 / math.sqrt(len(family))
            for item in family:
                out[f"{prefix}:{item}"] = value
    return out


class PieceWeights:
    """One weight per word piece, counted by its share of the reply's pieces (the mean of the piece
    vectors, times the regression's coefficients, folded into one number per piece)."""

    __slots__ = ("_known", "vocab", "weights")

    def __init__(self, vocab: dict[str, int], weights: dict[int, float]) -> None:
        self.vocab, self.weights = vocab, weights
        self._known: dict[str, tuple[int, float]] = {}  # word -> (its pieces, their summed weight)

    def score(self, text: str) -> float:
        """The pieces' part of the reading's logit."""
        known = self._known
        count, total = 0, 0.0
        for word in words(text):
            entry = known.get(word)
            if entry is None:
                ids = pieces_of(word, self.vocab)
                if len(known) >= 50_000:  # a stream of new words must not grow it forever
                    known.clear()
                entry = known[word] = (len(ids), sum(self.weights.get(i, 0.0) for i in ids))
            count += entry[0]
            total += entry[1]
        return total / count if count else 0.0


class LearnedReading:
    """The fitted weights, and when their reading keeps or adds the hint of `category`."""

    __slots__ = ("add", "bias", "category", "keep", "max_chars", "pieces", "weights")

    def __init__(self, category: str, weights: dict[str, float], bias: float, keep: float = 0.3,
                 add: float = 0.9, max_chars: int = 1000, pieces: PieceWeights | None = None) -> None:
        self.category, self.weights, self.bias = category, weights, bias
        self.keep, self.add = keep, add
        self.max_chars = max_chars  # longer drafts: rules alone (the model read tweets; speed)
        self.pieces = pieces  # one weight per word piece, times its share of the reply's pieces

    def probability(self, text: str) -> float:
        """How likely a coach would raise the hint on `text` (0-1)."""
        score = self.bias + sum(self.weights.get(name, 0.0) * value
                                for name, value in features(text).items())
        if self.pieces is not None:
            score += self.pieces.score(text)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def decide(self, text: str, rules_say: bool, certain: bool) -> bool:
        """The hint speaks: the rules' verdict, kept only when the reading agrees enough, or added
        when the reading is sure. A `certain` verdict (a refusal, excuse or blame found, or a reply
        to harm) is the rules' alone."""
        if certain or len(text) > self.max_chars:
            return rules_say
        probability = self.probability(text)
        return probability >= self.keep if rules_say else probability >= self.add


def pack(category: str, weights: dict[str, float], bias: float, meta: dict[str, Any],
         pieces: PieceTable | None = None) -> bytes:
    """The model file: gzip'd JSON (written by the fit script)."""
    import gzip
    import json

    body: dict[str, Any] = {"format": FORMAT, "category": category, "bias": bias, "weights": weights,
                            "meta": meta}
    if pieces is not None:
        vocab, table = pieces
        body["pieces"] = {"vocab": vocab, "weights": {str(i): w for i, w in sorted(table.items())}}
    return gzip.compress(json.dumps(body, sort_keys=True).encode("utf-8"), mtime=0)


def build_pieces(table: PieceTable | None) -> PieceWeights | None:
    """The word-piece part of the reading from the file's (or the cache's) table."""
    if table is None:
        return None
    vocab, weights = table
    return PieceWeights({piece: i for i, piece in enumerate(vocab)}, weights)


def load_learned(keep: float, add: float, max_chars: int, data: bytes | None = None) -> LearnedReading:
    """The packaged reading (or one from `data`), with the thresholds hints.toml gives it."""
    weights, bias, pieces = read_weights(data)
    return LearnedReading(LEARNED_CATEGORY, weights, bias, keep, add, max_chars, build_pieces(pieces))


def read_weights(data: bytes | None = None, name: str = LEARNED_FILE, category: str = LEARNED_CATEGORY,
                 ) -> tuple[dict[str, float], float, PieceTable | None]:
    """The weights, bias and word pieces of the packaged file `name` (or of `data`), which must read
    `category`; marshal-able, so the engine's pattern cache can keep them and a warm `lint` never
    parses the JSON."""
    import gzip
    import json

    try:
        raw = json.loads(gzip.decompress(data if data is not None else data_file(name).read_bytes()))
    except (OSError, ValueError) as error:
        raise LearnedError(f"{name}: cannot read ({error})") from None
    if not isinstance(raw, dict) or raw.get("format") not in (1, FORMAT):
        raise LearnedError(f"{name}: not a format-1 or format-{FORMAT} model")
    weights = raw.get("weights")
    if not isinstance(weights, dict) or not isinstance(raw.get("bias"), int | float):
        raise LearnedError(f"{name}: weights or bias missing")
    if raw.get("category") != category:
        raise LearnedError(f"{name}: reads {raw.get('category')!r}, not {category!r}")
    pieces = raw.get("pieces")
    table: PieceTable | None = None
    if pieces is not None:
        try:
            vocab = [str(piece) for piece in pieces["vocab"]]
            table = (vocab, {int(i): float(w) for i, w in pieces["weights"].items()})
        except (AttributeError, KeyError, TypeError, ValueError):
            raise LearnedError(f"{name}: word pieces not a vocabulary and weights") from None
        if "[UNK]" not in vocab or any(not 0 <= i < len(vocab) for i in table[1]):
            raise LearnedError(f"{name}: a piece weight outside the vocabulary")
    return {str(k): float(v) for k, v in weights.items()}, float(raw["bias"]), table
