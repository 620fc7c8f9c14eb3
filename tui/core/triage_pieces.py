"""What a pretrained sentence encoder knows about words, as one number per word piece and label.

The label model learns words from ~2,700 real mentions and our own rows; a word it never saw counts
for nothing. all-MiniLM-L6-v2 (a sentence encoder trained on a billion sentence pairs) places
"stranded", "rebooked" and "refund pls" near what they mean. ``tests/benchmarks/fit_pieces.py``
distils it offline: a static vector per word piece fitted so that the mean of a mention's piece
vectors is the encoder's own embedding of the mention, then a logistic regression from that mean to
the label. Both steps are linear, so the shipped file holds, per word piece, its three label
weights already multiplied through, and inference is a tokenizer and a sum: no numpy, no encoder.

The tokenizer is BERT's uncased WordPiece, written out in `tui.core.wordpiece` (it agrees with
Hugging Face's on all 19,084 training texts). Its vocabulary ships with the weights (Apache-2.0,
like the encoder; tui/rules/data/MODEL-CARD.md).
"""

from __future__ import annotations

import gzip
import json
import re
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.core.memo import Memo
from tui.core.wordpiece import pieces_of, words
from tui.rules import data_file

PIECES_FILE = "triage_pieces.json.gz"
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
FORMAT = 1


class PiecesError(ValueError):
    """The packaged word-piece file is missing or not in the expected shape."""


def pull(weights: Sequence[float] | None, c: int) -> float:
    """How hard one feature's per-class weights pull toward class `c`: its weight for `c` minus
    its mean over the classes (what both models' `explain` rank by)."""
    return 0.0 if weights is None else weights[c] - sum(weights) / len(weights)


class DenseWeights(Mapping[int, tuple[float, ...]]):
    """Piece id -> its label weights, read from one flat array (n per piece, zeros for a piece with
    none): loads from bytes with no object per piece, so the model cache rebuilds it in no time."""

    __slots__ = ("_flat", "_n")

    def __init__(self, flat: array[float], n: int) -> None:
        self._flat = flat
        self._n = n

    @classmethod
    def of(cls, weights: Mapping[int, Sequence[float]], size: int, n: int) -> DenseWeights:
        flat = array("d", bytes(8 * size * n))
        for i, row in weights.items():
            flat[i * n:(i + 1) * n] = array("d", row)
        return cls(flat, n)

    def flat_bytes(self) -> bytes:
        return self._flat.tobytes()

    def __getitem__(self, i: int) -> tuple[float, ...]:
        found = self.get(i)
        if found is None:
            raise KeyError(i)
        return found

    def get(self, i: int, default: Any = None) -> Any:
        n = self._n
        row = self._flat[i * n:(i + 1) * n]
        return tuple(row) if any(row) else default

    def __iter__(self) -> Iterator[int]:
        n = self._n
        flat = self._flat
        return (i for i in range(len(flat) // n) if any(flat[i * n:(i + 1) * n]))

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True, slots=True)
class Pieces:
    """Per-piece label weights over a WordPiece vocabulary; `scores` adds to the label model's logits."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    vocab: Mapping[str, int]
    weights: Mapping[int, tuple[float, ...]]  # only the pieces that carry weight
    meta: Mapping[str, Any]
    # each word's pieces and their summed weights, remembered: words recur, the longest-match walk
    # costs ~10 us a word, and summing per word rather than per piece halves the cost of `scores`
    _known: Memo[str, tuple[tuple[int, ...], tuple[float, ...] | None]] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_known", Memo(self._word))

    def _word(self, word: str) -> tuple[tuple[int, ...], tuple[float, ...] | None]:
        ids = pieces_of(word, self.vocab)
        found = [w for w in map(self.weights.get, ids) if w is not None]
        return ids, tuple(map(sum, zip(*found, strict=True))) if found else None

    def tokenize(self, text: str) -> list[int]:
        """The piece ids of `text`, as the encoder's own tokenizer gives them."""
        known = self._known
        return [i for word in words(text) for i in known[word][0]]

    def scores(self, text: str) -> list[float]:
        """Bias plus each piece's weights times its share of the mention's pieces."""
        known = self._known
        count = 0
        found = []
        for word in words(text):
            ids, summed = known[word]
            count += len(ids)
            if summed is not None:
                found.append(summed)
        if not found:
            return list(self.bias)
        share = 1.0 / count
        columns = zip(*found, strict=True)
        return [b + sum(column) * share for b, column in zip(self.bias, columns, strict=True)]

    def explain(self, text: str, chosen: str, top: int = 3,
                quiet: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
        """The words whose pieces pulled hardest toward `chosen` (pull as in `LinearModel.explain`):
        a word's pieces are credited to the word ("rebooked", not "##ook"), and punctuation, numbers,
        one-letter words ("t" of "won't"), handles ("@AmazonHelp"), the words of a link ("https",
        the "y2vwtuju0a" of a t.co link) and `quiet` words are left out, as the agent reads words."""
        c = self.classes.index(chosen)
        known = self._known
        if "http" in text or "www." in text:
            linked = set(words(" ".join(_LINK.findall(text))))
            if linked:
                quiet = quiet | (linked - set(words(_LINK.sub(" ", text))))
        split = [(word, known[word]) for word in words(text)]
        total = sum(len(ids) for _, (ids, _summed) in split)
        pulls: dict[str, float] = {}
        before = ""
        for word, (_ids, summed) in split:
            # a pull is linear in the weights: the word's summed weights pull as its pieces together
            if (summed is not None and len(word) >= 2 and word.isalnum() and not word.isdigit()
                    and word not in quiet and before != "@"):
                pulls[word] = pulls.get(word, 0.0) + pull(summed, c) / total
            before = word
        ranked = sorted(pulls.items(), key=lambda kv: -kv[1])
        return [(word, weight) for word, weight in ranked[:top] if weight >= 0.05]


def unpack(raw: Any, where: str = PIECES_FILE) -> Pieces:
    """A `Pieces` from the file's JSON: classes, bias, the vocabulary in id order, {piece id: weights}."""
    try:
        if raw.get("format") != FORMAT:
            raise ValueError(f"format {raw.get('format')}, expected {FORMAT}")
        classes = tuple(raw["classes"])
        bias = tuple(float(b) for b in raw["bias"])
        vocab = {piece: i for i, piece in enumerate(raw["vocab"])}
        weights = {int(i): tuple(float(v) for v in w) for i, w in raw["weights"].items()}
        if len(bias) != len(classes) or "[UNK]" not in vocab:
            raise ValueError("classes, bias and vocabulary do not agree")
        if any(len(w) != len(classes) for w in weights.values()):
            raise ValueError("a weight row of the wrong length")
        if any(not 0 <= i < len(vocab) for i in weights):
            raise ValueError("a weight for a piece not in the vocabulary")
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise PiecesError(f"{where}: not a word-piece table ({error})") from None
    return Pieces(classes, bias, vocab, DenseWeights.of(weights, len(vocab), len(classes)),
                  raw.get("meta", {}))


def pack(classes: Sequence[str], bias: Sequence[float], vocab: Sequence[str],
         weights: Mapping[int, Sequence[float]], meta: Mapping[str, Any]) -> bytes:
    """The file's bytes (gzipped JSON), as the fitting script writes it."""
    payload = {"format": FORMAT, "classes": list(classes), "bias": [round(b, 5) for b in bias],
               "vocab": list(vocab), "meta": dict(meta),
               "weights": {str(i): [round(float(v), 5) for v in w] for i, w in sorted(weights.items())}}
    return gzip.compress(json.dumps(payload, separators=(",", ":")).encode(), 9, mtime=0)


def load_pieces(data: bytes | None = None) -> Pieces:
    """The packaged table, or one given as the file's bytes."""
    try:
        raw = json.loads(gzip.decompress(data if data is not None else data_file(PIECES_FILE).read_bytes()))
    except (OSError, ValueError) as error:
        raise PiecesError(f"{PIECES_FILE}: cannot read ({error})") from None
    return unpack(raw)

