"""What a pretrained sentence encoder knows about words, as one number per word piece and label.

The label model learns words from ~2,700 real mentions and our own rows; a word it never saw counts
for nothing. all-MiniLM-L6-v2 (a sentence encoder trained on a billion sentence pairs) places
"stranded", "rebooked" and "refund pls" near what they mean. ``tests/benchmarks/fit_pieces.py``
distils it offline: a static vector per word piece fitted so that the mean of a mention's piece
vectors is the encoder's own embedding of the mention, then a logistic regression from that mean to
the label. Both steps are linear, so the shipped file holds, per word piece, its three label
weights already multiplied through, and inference is a tokenizer and a sum: no numpy, no encoder.

The tokenizer is BERT's uncased WordPiece, written out here (it agrees with Hugging Face's on all
19,084 training texts, `tests/core/test_triage_pieces.py` checks a sample). Its vocabulary ships
with the weights (Apache-2.0, like the encoder; tui/rules/data/MODEL-CARD.md).
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.core.memo import Memo
from tui.rules import data_file

PIECES_FILE = "triage_pieces.json.gz"
FORMAT = 1
_MAX_WORD = 100  # BERT's own limit: a longer "word" is one unknown piece
# ASCII text (most mentions) takes a regex instead of the per-character walk: the same split
# (letters and digits run together; every other printable symbol stands alone).
_ASCII_WORD = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")
_ASCII_DROP = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


class PiecesError(ValueError):
    """The packaged word-piece file is missing or not in the expected shape."""


def _punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


def _char_as(ch: str) -> str:
    """What BERT's basic tokenizer makes of one non-ASCII character before splitting: a space
    (whitespace), nothing (a control or format character), the character spaced out (CJK), or itself."""
    cp = ord(ch)
    category = unicodedata.category(ch)
    if category == "Zs":
        return " "
    if cp == 0xFFFD or category.startswith("C"):
        return ""
    return f" {ch} " if _cjk(cp) else ch


def _chunk_words(chunk: str) -> list[str]:
    """One lowercased, whitespace-free chunk: accents stripped, each punctuation mark a word."""
    chunk = "".join(c for c in unicodedata.normalize("NFD", chunk) if unicodedata.category(c) != "Mn")
    out: list[str] = []
    start = 0
    for i, ch in enumerate(chunk):
        if _punctuation(ch):
            if i > start:
                out.append(chunk[start:i])
            out.append(ch)
            start = i + 1
    if start < len(chunk):
        out.append(chunk[start:])
    return out


# non-ASCII characters and chunks recur (curly quotes, emoji, accented names): each is worked out
# once, so a mention with one "’" costs about what an ASCII one does, not ~20x (session 27)
_CHAR_AS: Memo[str, str] = Memo(_char_as, limit=10_000)
_CHUNK_WORDS: Memo[str, list[str]] = Memo(_chunk_words, limit=20_000)
_ASCII_SPACE = {**_ASCII_DROP, 9: " ", 10: " ", 13: " "}


def words(text: str) -> list[str]:
    """BERT's basic tokenizer, uncased: control characters dropped, lowercased, accents stripped,
    each punctuation mark and CJK character a word of its own."""
    if text.isascii():
        return _ASCII_WORD.findall(text.translate(_ASCII_DROP).lower())
    table: dict[int, str] = dict(_ASCII_SPACE)
    char_as = _CHAR_AS
    for ch in set(text):
        if ch > "\x7f":
            table[ord(ch)] = char_as[ch]
    out: list[str] = []
    chunk_words = _CHUNK_WORDS
    for chunk in text.translate(table).lower().split():
        if chunk.isascii():
            out.extend(_ASCII_WORD.findall(chunk))
        else:
            out.extend(chunk_words[chunk])
    return out


def pieces_of(word: str, vocab: Mapping[str, int]) -> tuple[int, ...]:
    """Greedy longest-match-first WordPiece: "rebooked" -> "reb", "##ook", "##ed"."""
    unknown = (vocab["[UNK]"],)
    if len(word) > _MAX_WORD:
        return unknown
    ids: list[int] = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            found = vocab.get(word[start:end] if start == 0 else "##" + word[start:end])
            if found is not None:
                break
            end -= 1
        if found is None:
            return unknown
        ids.append(found)
        start = end
    return tuple(ids)


def tokenize(text: str, vocab: Mapping[str, int]) -> list[int]:
    """The piece ids of `text` as the encoder's own tokenizer gives them (no weights needed: the
    fitting script tokenizes before any table exists)."""
    return [i for word in words(text) for i in pieces_of(word, vocab)]


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
        one-letter words ("t" of "won't"), handles ("@AmazonHelp") and `quiet` words are left out,
        as the agent reads words."""
        c = self.classes.index(chosen)
        known = self._known
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

