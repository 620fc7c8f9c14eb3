"""First-character factoring of the lowered scans (`tui.core.hints_factor`): a factored pattern finds
exactly what the pattern as written finds (same spans, same `lastgroup`, in the same order), on
hand-made traps and on the engine's own scanners, and the compiled-pattern cache keeps it apart."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]

from tui.core.hints import HintEngine
from tui.core.hints_factor import factor_tree
from tui.rules.regexcache import RegexCache

DATA = Path(__file__).resolve().parents[1] / "data"

# Each one exercises a step of the rewrite: boundaries before word and non-word characters,
# look-behinds and look-aheads at the first position, alternatives that may match nothing, greedy
# and lazy optional parts, named groups, "^", and a repeat whose first pass is optional only in its
# derivative (a " +" after " ": the bug a per-node cache once had).
TRAPS = [
    r"\b(?:we|i|our\s+team)\s+(?:really\s+)?can(?:'?t|not)\b",
    r"(?:(?<=\band\s)|(?<=\bso\s))can'?t\s+[a-z]+|^@[\w.]+\s+can'?t",
    r"(?<![\w,;:'-]\s)(?<![\w'-])(?:can'?t|cannot)\s+(?:do|help)\b",
    r"(?: +c| u)",
    r"(?:i\s+(?:r\s+)?c|i(?:\s+a)?\s+u)",
    r"\b(?=[iw])(?:(?P<r0>\bwe\s+can't)|(?P<r1>\bi\s+won't))|(?=[!?])(?P<r2>[!?]{2,})",
    r"\b[a-z](?=[^.!?\n]{0,40}\?)[^.!?\n]{0,20}?\bnot\b",
    r"\bno\s+(?:extra\s+|hidden\s+)??(?:cost|fee)s?\b|'s\s+not\b",
    r"\bx{2,3}y|\Bz|(?!ab)a\w",
    r'"[^"\n]{1,20}"|>[^>\n]{1,10}(?=>)',
]
WORDS = ["we", "i", "our", "team", "really", "can't", "cant", "cannot", "and", "so", "do", "help", "no",
         "extra", "cost", "fees", "it's", "not", "c", "u", "r", "a", "won't", "xx", "xxxy", "ab", "az",
         "@jo", "\"quote\"", ">menu>", "?", "!!", "!?!", ".", ",", "'", "\n"]


def _factored(pattern: str) -> re.Pattern[str]:
    return _compiler.compile(factor_tree(_parser.parse(pattern, re.ASCII)), re.ASCII)


def _found(regex: re.Pattern[str], text: str) -> list[tuple[str | None, tuple[int, int]]]:
    return [(m.lastgroup, m.span()) for m in regex.finditer(text)]


def _texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    seps = [" ", " ", "  ", ", ", ". ", "", "\n"]
    return ["".join(rng.choice(WORDS) + rng.choice(seps) for _ in range(rng.randrange(1, 14)))
            for _ in range(count)]


def test_traps_match_as_written() -> None:
    texts = [*_texts(3000), "i c", "x. i can't say", "and can't go", "@jo can't do", "so cannot help"]
    for pattern in TRAPS:
        theirs, ours = re.compile(pattern, re.ASCII), _factored(pattern)
        for text in texts:
            assert _found(ours, text) == _found(theirs, text), (pattern, text)


def test_the_engines_scans_match_as_written() -> None:
    engine = HintEngine.load()
    scans = [s for s in [*engine._scanners, engine._idioms, engine._alternatives] if s is not None]
    pairs = [(re.compile(low.pattern, low.flags), low) for s in scans if (low := s.lowered()) is not None]
    assert len(pairs) >= 5, "the category scans, the idioms and the alternatives all run factored"
    rows = itertools.islice((json.loads(line) for line in (DATA / "drafts_labelled.jsonl").open()
                             if line.strip()), 400)
    texts = [row["text"].lower() for row in rows if row["text"].isascii()] + _texts(500, seed=3)
    for text in texts:
        for theirs, ours in pairs:
            assert _found(ours, text) == _found(theirs, text), (theirs.pattern[:60], text)


def test_the_cache_keeps_a_rewritten_pattern_apart(tmp_path: Path) -> None:
    path = tmp_path / "cache.marshal"
    pattern = TRAPS[0]
    first = RegexCache(path)
    plain = first.compile(pattern, re.ASCII)
    ours = first.compile(pattern, re.ASCII, ("factored-test", factor_tree))
    first.save()
    again = RegexCache(path).compile(pattern, re.ASCII, ("factored-test", factor_tree))
    for text in _texts(300):
        assert _found(again, text) == _found(ours, text) == _found(plain, text)


def test_what_it_cannot_factor_is_left_as_written() -> None:
    tree = _parser.parse(r"(a)\1|b", re.ASCII)  # a back-reference would see its group open later
    assert factor_tree(tree) is tree
    folded = _parser.parse(r"\bwe\b", re.ASCII | re.IGNORECASE)
    assert factor_tree(folded) is folded  # case folding: only the lowered scans are factored
