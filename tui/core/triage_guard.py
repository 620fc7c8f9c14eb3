"""Word guards for the triage rule patterns: a pattern's regex runs only on text holding a word it needs.

Python's regex engine tries every alternative of an alternation at every word start, so a list of
fifty phrase patterns costs about fifty tests per word, even on the (usual) mention that matches
none of them: the rule patterns were most of triage's time. Each pattern's parse tree tells which
words any match must contain ("won't load" needs the word "load" or one of the other verbs listed);
the text's set of words, built once, answers that in one C-level set test, and the regex runs only
when it passes. The words come from the patterns themselves, so the rules stay the one source and
an edited rule is guarded afresh; a pattern that could match without any known word runs unguarded.

The derivation reads the private `re._parser` tree (as `tui.rules.regexcache` and
`tui.core.hints_match` do): any surprise gives no guard, never a wrong one. Its result is kept in
the pattern cache file, so a warm start does not repeat it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, lru_cache, reduce
from operator import or_
from typing import Any

from tui.core.memo import Memo

# Sentinels inside a derived literal (never in a pattern: patterns are text the user typed).
_B = "\x01"  # a word boundary holds here (\b, ^, $)
_N = "\x02"  # one or more characters, none of them a word character (\s+)
_G = "\x03"  # any characters, maybe none (what the derivation does not follow)
_SENTINELS = _B + _N + _G
# Bumped when `derive` finds other guards for the same pattern, so the cache file's are not reused
# (old ones are still right, only less telling).
GUARDS_VERSION = 2
_LIMIT = 64  # literals a sequence may expand to before it is split
_MANY = 8  # more alternatives picked than this, and over half the list: the whole alternation runs
_BUDGET = 4000  # alternatives a pattern's derivation may visit before it settles for less
# Texts a list serves with its whole (already compiled) alternation before it compiles alternatives
# of its own: each compile costs ~0.3 ms, so `turnaround triage` on one mention paid ~5 ms for
# compiles that only a stream of mentions earns back.
_WARM_UP = 8
_WORD = re.compile(r"\w")
_TOKEN = re.compile(r"\w+")
_GAPS = re.compile(f"[{_N}{_G}]")
_PREFIXES = (3, 5)  # a word is also found by its first 3 and first 5 characters
# Words in most English sentences: a guard needing one of them passes on nearly every text, so the
# derivation prefers another word of the same pattern (a speed hint only: any choice is correct).
_COMMON = frozenset("""
a about after all also am an and any are as at back be been but by can could did do does don
for from get go going got had has have he her here him his how i if in into is it its just know
like me more my n no not now of off on one or our out over re s she so some still t than that
the their them then there they this time to too up us very was way we were what when where which
who why will with would you your ll ve d m
""".split())

Key = tuple[str, str]  # ("w", word) | ("p", first characters of a word) | ("s", substring)
Guard = tuple[tuple[str, ...], tuple[str, ...]]  # (text keys, substrings): marshal-able


class Guarded:
    """A compiled rule list (one alternation) that runs only the alternatives a text can match.

    Each alternative has its guard words; the text's words pick the alternatives whose guard they
    meet. An alternative none of whose words the text holds cannot match anywhere in it, so running
    just the picked ones, each on its own (compiled on first use), and taking at each step the
    leftmost match, the earliest alternative on a tie, finds the very matches the whole alternation
    finds. Most texts pick none; when most of a list is picked, its whole alternation runs instead.
    `search` and `finditer` are `re.Pattern`'s (only a match's text and span are meant to be read).
    """

    __slots__ = ("_alternatives", "_always", "_cold", "_compiled", "_index", "_keys", "_many", "_shared",
                 "_subs", "regex")

    def __init__(self, regex: re.Pattern[str], alternatives: Sequence[str] = (),
                 guards: Sequence[Guard | None] = ()) -> None:
        """`alternatives` (in order) make up `regex`; `guards` are theirs (see `derive`). Without them
        the whole regex always runs."""
        self.regex = regex
        self._alternatives = tuple(alternatives)
        self._compiled: list[re.Pattern[str] | None] = [None] * len(self._alternatives)
        self._cold = 0  # texts that would have compiled an alternative (see _WARM_UP)
        # Each picked alternative runs alone, in about its share of the whole alternation's time:
        # the whole one pays only when most are picked (a 165-phrase list picking 20 ran 2x slower).
        self._many = max(_MANY, len(self._alternatives) // 2)
        index: dict[str, int] = {}
        subs: dict[str, int] = {}
        always = 0
        for bit, guard in enumerate(guards):
            if guard is None:
                always |= 1 << bit
                continue
            for key in guard[0]:
                index[key] = index.get(key, 0) | 1 << bit
            for sub in guard[1]:
                subs[sub] = subs.get(sub, 0) | 1 << bit
        self._always = always if guards and len(guards) == len(alternatives) else -1
        self._index = index
        self._keys = frozenset(index)
        self._subs = tuple(subs.items())
        self._shared: tuple[GuardIndex, int, int] | None = None

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def _pick(self, text: str) -> list[re.Pattern[str]]:
        """The alternatives `text` may match, in order; [the whole regex] when picking does not pay."""
        mask = self._always
        if mask < 0:
            return [self.regex]
        if self._shared is not None:
            shared, offset, field = self._shared
            mask |= shared.masks(text) >> offset & field
        else:
            found = self._keys.intersection(text_keys(text))
            if found:
                index = self._index
                for key in found:
                    mask |= index[key]
            for sub, bits in self._subs:
                if sub in text:
                    mask |= bits
        if not mask:
            return []
        if mask.bit_count() > self._many:
            return [self.regex]
        picked = []
        compiled = self._compiled
        while mask:
            bit = (mask & -mask).bit_length() - 1
            mask &= mask - 1
            regex = compiled[bit]
            if regex is None:
                if self._cold < _WARM_UP:  # the whole alternation finds the same matches
                    self._cold += 1
                    return [self.regex]
                try:
                    regex = compiled[bit] = re.compile(self._alternatives[bit])
                except re.error:  # a construct the splitter misread: the whole list is always right
                    return [self.regex]
            picked.append(regex)
        return picked

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        found: re.Match[str] | None = None
        for regex in self._pick(text):
            match = regex.search(text, pos)
            if match is not None and (found is None or match.start() < found.start()):
                found = match
        return found

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        picked = self._pick(text)
        if len(picked) <= 1:
            return picked[0].finditer(text) if picked else iter(())
        found: list[re.Match[str]] = []
        pos = 0
        while (match := self.search(text, pos)) is not None:
            if match.end() == match.start():  # empty matches: leave re's rules for them to re
                return self.regex.finditer(text)
            found.append(match)
            pos = match.end()
        return iter(found)


class GuardIndex:
    """All of a rule set's guarded lists looked up at once per text.

    A mention's two or three texts are each tested by some twenty lists; intersecting the text's
    ~50 words and beginnings with each list's guard words was most of the guards' cost. Here every
    list's alternatives get a field of one wide bit mask (list i's bits shifted by its `offset`), so
    a word's picks across all lists are one int: it is worked out once per distinct word (words
    repeat from mention to mention) and a text's mask is the OR of its words' masks and its
    substrings'. Each list reads its field from the result. The picks are exactly those of the
    lists' own `_pick` (same keys, same tests).
    """

    __slots__ = ("_by_word", "_starts", "_subs", "_words", "masks")

    def __init__(self, lists: Iterable[Guarded]) -> None:
        words: dict[str, int] = {}
        starts: dict[int, dict[str, int]] = {n: {} for n in _PREFIXES}
        subs: dict[str, int] = {}
        offset = 0
        for guarded in lists:
            if guarded._always < 0 or guarded._shared is not None:
                continue
            for key, bits in guarded._index.items():
                if key.endswith("\0") and len(key) - 1 in starts:
                    found = starts[len(key) - 1]
                    found[key[:-1]] = found.get(key[:-1], 0) | bits << offset
                elif not key.endswith("\0"):
                    words[key] = words.get(key, 0) | bits << offset
            for sub, bits in guarded._subs:
                subs[sub] = subs.get(sub, 0) | bits << offset
            width = len(guarded._alternatives)
            guarded._shared = (self, offset, (1 << width) - 1)
            offset += width
        self._words = words
        self._starts = tuple(starts.items())
        self._subs = tuple(subs.items())
        self._by_word = Memo(self._word_mask)
        self.masks = lru_cache(maxsize=16)(self._masks)

    def _word_mask(self, word: str) -> int:
        """The alternatives (all lists) whose guard this word or its first characters meet."""
        mask = self._words.get(word, 0)
        for n, found in self._starts:  # a word's first characters (shorter words never equal them)
            if len(word) >= n:
                mask |= found.get(word[:n], 0)
        return mask

    def _masks(self, text: str) -> int:
        """The bits of the alternatives `text` may match, every list's field (before `_always`)."""
        mask = reduce(or_, map(self._by_word.__getitem__, set(_TOKEN.findall(text))), 0)
        for sub, bits in self._subs:
            if sub in text:
                mask |= bits
        return mask


@lru_cache(maxsize=64)
def text_keys(text: str) -> frozenset[str]:
    """The text's words and their first characters, as guards look them up (cached: a mention's
    few texts are each tested by many patterns)."""
    words = set(_TOKEN.findall(text))
    prefixes = [word[:n] + "\0" for word in words for n in _PREFIXES if len(word) >= n]
    return frozenset(words.union(prefixes))


@cache
def derive(pattern: str) -> Guard | None:
    """The guard of `pattern` (compiled without flags), or None when it has none."""
    try:
        from re import _constants as c  # type: ignore[attr-defined]  # private, guarded
        from re import _parser as parser  # type: ignore[attr-defined]

        tree = parser.parse(pattern, 0)
        if tree.state.flags & ~(re.UNICODE | re.DEBUG):
            return None
        found = _Deriver(c).need(list(tree), frozenset({_G}))
    except Exception:
        return None
    if found is None:
        return None
    keys = sorted(key + "\0" if kind == "p" else key for kind, key in found[1] if kind != "s")
    subs = sorted(key for kind, key in found[1] if kind == "s")
    return tuple(keys), tuple(subs)


def _tidy(literal: str) -> str:
    while _G + _G in literal or _N + _N in literal:
        literal = literal.replace(_G + _G, _G).replace(_N + _N, _N)
    return literal


def _is_word(ch: str) -> bool:
    return ch not in _SENTINELS and _WORD.match(ch) is not None


def _bounds(ch: str) -> bool:
    """Whether `ch`, next to a word character in a literal, ends that word there."""
    return ch in (_B, _N) or (ch != _G and not _is_word(ch))


def best_key(literal: str) -> tuple[float, Key] | None:
    """The most telling key of one literal, with its score (higher: rarer in text)."""
    best: tuple[float, Key] | None = None
    i, n = 0, len(literal)
    while i < n:
        if not _is_word(literal[i]):
            i += 1
            continue
        j = i
        while j < n and _is_word(literal[j]):
            j += 1
        word = literal[i:j]
        candidate: tuple[float, Key] | None = None
        if i > 0 and _bounds(literal[i - 1]):
            if j < n and _bounds(literal[j]):
                candidate = (1 + len(word) / 10 if word in _COMMON else 10 + len(word), ("w", word))
            elif len(word) >= _PREFIXES[0]:
                size = _PREFIXES[1] if len(word) >= _PREFIXES[1] else _PREFIXES[0]
                candidate = (3 + size, ("p", word[:size]))
        if candidate is not None and (best is None or candidate[0] > best[0]):
            best = candidate
        i = j
    if best is None:  # no word to look up: a substring test (slower, so the last resort)
        parts = [part for part in _GAPS.split(literal.replace(_B, "")) if part]
        if parts:
            part = max(parts, key=len)
            best = (min(1.0, len(part) / 10), ("s", part))
    return best


def _choose(literals: set[str]) -> tuple[float, set[Key]] | None:
    """Keys for a set of literals, one of which every match holds, and how telling the weakest is."""
    keys: set[Key] = set()
    worst = float("inf")
    for literal in literals:
        found = best_key(literal)
        if found is None:
            return None
        worst = min(worst, found[0])
        keys.add(found[1])
    return worst, keys


class _Deriver:
    """Walks one parse tree (`c` is `re._constants`)."""

    def __init__(self, c: Any) -> None:
        self.c = c
        self.budget = _BUDGET

    def need(self, items: list[Any], left: frozenset[str]) -> tuple[float, set[Key]] | None:
        """Keys one of which every match of the sequence `items` holds; `left` is what may precede it.

        Items expand to their literals while the product stays small; a big alternation is split
        into its alternatives, each followed by the rest of the sequence, so each keeps its context.
        What a lookahead needs counts too: a mark that cuts nothing ("(?=is there a fee)") still
        needs its words in the text.
        """
        runs: list[set[str]] = []
        ahead: list[tuple[float, set[Key]]] = []  # what a lookahead needs is in the text too
        current = set(left)
        for index, (op, av) in enumerate(items):
            if op is self.c.ASSERT and av[0] == 1 and (inner := self.need(list(av[1]), frozenset({_G}))):
                ahead.append(inner)
            literals = self.exact(op, av)
            if literals is not None and len(current) * len(literals) <= _LIMIT:
                current = {_tidy(a + b) for a in current for b in literals}
                continue
            branches = self.branches(op, av)
            if branches is not None and self.budget >= len(branches):
                self.budget -= len(branches)
                context = frozenset(lit[-1] for lit in current)
                rest = items[index + 1:]
                found = [self.need(branch + rest, context) for branch in branches]
                if all(f is not None for f in found):
                    split = (min(f[0] for f in found if f is not None),
                             set().union(*(f[1] for f in found if f is not None)))
                    runs.append({a + _G for a in current})
                    return max([c for c in map(_choose, runs) if c is not None] + [split, *ahead],
                               key=lambda c: c[0])
            runs.append({a + _G for a in current})
            if literals is None or len(literals) > _LIMIT:
                current = {_G}
                continue
            # The new run keeps the character before it ("it's (?:a |an )?(?:big )?(?:hit|winner)"
            # ends each variant in a space), so its words still count as whole words: "hit", not
            # the substring "hit" that any "white" holds.
            before = {lit[-1] if lit else _G for lit in current}
            if len(before) * len(literals) > _LIMIT:
                before = {_G}
            current = {_tidy(a + b) for a in before for b in literals}
        runs.append(current)
        chosen = [c for c in map(_choose, runs) if c is not None] + ahead
        return max(chosen, key=lambda c: c[0]) if chosen else None

    def branches(self, op: Any, av: Any) -> list[list[Any]] | None:
        """The alternatives of an alternation (seen through plain groups), or None."""
        c = self.c
        while op is c.SUBPATTERN and not av[1] and not av[2] and len(av[3]) == 1:
            op, av = av[3][0]
        if op is c.BRANCH:
            return [list(branch) for branch in av[1]]
        return None

    def sequence(self, items: Any) -> set[str] | None:
        current = {""}
        for op, av in items:
            literals = self.exact(op, av)
            if literals is None or len(current) * len(literals) > _LIMIT:
                return None
            current = {_tidy(a + b) for a in current for b in literals}
        return current

    def exact(self, op: Any, av: Any) -> set[str] | None:
        """Every match of this item is described by one of these literals (None: too many)."""
        c = self.c
        if op is c.LITERAL:
            return {chr(av)}
        if op is c.IN:
            return self.charset(av)
        if op is c.AT:
            ends = (c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_STRING, c.AT_END, c.AT_END_STRING)
            return {_B if av in ends else ""}
        if op in (c.ASSERT, c.ASSERT_NOT):
            return {""}
        if op is c.SUBPATTERN:
            _group, add, delete, sub = av
            return self.sequence(sub) if not add and not delete else {_G}
        if op is c.ATOMIC_GROUP:
            return self.sequence(av)
        if op is c.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                found = self.sequence(branch)
                if found is None or len(out | found) > _LIMIT:
                    return None
                out |= found
            return out
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = av
            found = self.sequence(sub)
            if found is None:
                return {_G}
            if low == high == 1:
                return found
            if found <= {_N, ""}:
                return {_N} if low else {_N, ""}
            if low == 0:
                return found | {""} if high == 1 else {_G}
            return {_tidy(f + _G) for f in found}
        return {_G}

    def charset(self, av: Any) -> set[str]:
        c = self.c
        chars: set[str] = set()
        spaces = False
        for op, arg in av:
            if op is c.LITERAL:
                chars.add(chr(arg))
            elif op is c.RANGE and arg[1] - arg[0] < 16:
                chars.update(chr(i) for i in range(arg[0], arg[1] + 1))
            elif op is c.CATEGORY and arg in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD):
                spaces = True
            else:
                return {_G}
        if spaces:
            return {_N} if not any(_is_word(ch) for ch in chars) else {_G}
        return chars
