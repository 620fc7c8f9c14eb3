"""BERT's uncased WordPiece tokenizer in plain Python: text to the word pieces a sentence encoder reads.

Both distilled readings use it: triage's label weights (`triage_pieces`) and the learned
`no-empathy` reading of reply drafts (`hints_learned`). It agrees with Hugging Face's tokenizer on
all 19,084 triage training texts (`tests/core/test_triage_pieces.py` checks a sample). Only `re` and
`unicodedata`: `lint` loads it and must start fast.
"""

from __future__ import annotations

import re
import unicodedata

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import TypeVar

    T = TypeVar("T")

_MAX_WORD = 100  # BERT's own limit: a longer "word" is one unknown piece
# ASCII text (most mentions) takes a regex instead of the per-character walk: the same split
# (letters and digits run together; every other printable symbol stands alone).
_ASCII_WORD = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")
_ASCII_DROP = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


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
# once, so a mention with one "’" costs about what an ASCII one does, not ~20x (session 27). Plain
# dicts emptied past a bound (not `memo.Memo`, which would load `typing` into a warm `lint`).
_CHAR_AS: dict[str, str] = {}
_CHUNK_WORDS: dict[str, list[str]] = {}
_ASCII_SPACE = {**_ASCII_DROP, 9: " ", 10: " ", 13: " "}


def _recall(cache: dict[str, T], make: Callable[[str], T], key: str, limit: int) -> T:
    """`make(key)`, worked out once and kept until the cache holds `limit` entries."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= limit:
            cache.clear()
        found = cache[key] = make(key)
    return found


def words(text: str) -> list[str]:
    """BERT's basic tokenizer, uncased: control characters dropped, lowercased, accents stripped,
    each punctuation mark and CJK character a word of its own."""
    if text.isascii():
        return _ASCII_WORD.findall(text.translate(_ASCII_DROP).lower())
    table: dict[int, str] = dict(_ASCII_SPACE)
    for ch in set(text):
        if ch > "\x7f":
            table[ord(ch)] = _recall(_CHAR_AS, _char_as, ch, 10_000)
    out: list[str] = []
    for chunk in text.translate(table).lower().split():
        if chunk.isascii():
            out.extend(_ASCII_WORD.findall(chunk))
        else:
            found: list[str] = _recall(_CHUNK_WORDS, _chunk_words, chunk, 20_000)
            out.extend(found)
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


def english_like(word: str, vocab: Mapping[str, int]) -> bool:
    """Whether a lowercase word reads as English to the vocabulary: held whole, or as a head and a
    tail of three letters or more ("over" + "##due", "ref" + "##und"), as most English words it
    lacks whole are; acronyms and codes break into short pieces ("sam" + "##l", "n" + "##vr")."""
    if word in vocab:
        return True
    for cut in range(len(word) - 3, 2, -1):  # the longest head first, as WordPiece splits
        if word[:cut] in vocab:
            return "##" + word[cut:] in vocab
    return False


def tokenize(text: str, vocab: Mapping[str, int]) -> list[int]:
    """The piece ids of `text` as the encoder's own tokenizer gives them (no weights needed: the
    fitting script tokenizes before any table exists)."""
    return [i for word in words(text) for i in pieces_of(word, vocab)]
