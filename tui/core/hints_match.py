"""Matching: drafts folded to ASCII stand-ins, one alternation per category, start guards.

The editor re-lints on every keystroke, so each category's rules are compiled once into one
alternation; a check is a handful of regex scans. Python's regex engine runs about a third faster
in ASCII mode, hence the same-length ASCII stand-ins for non-ASCII characters, and faster again
without case folding, hence the lowercased copy of the draft for the rules that ignore case.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable

from tui.core.hints_factor import factor_tree
from tui.core.hints_types import Rule
from tui.rules.regexcache import RegexCache

TYPE_CHECKING = False  # typing is for the type checker: importing it slows `lint` start-up
if TYPE_CHECKING:
    from typing import Any

# Same length in and out, so offsets found in the folded text are offsets in the draft.
_CURLY = ("\u2019", "\u2018", "\u02bc", "\u2032", "\u00b4")  # \u00b4: an acute accent typed as an apostrophe
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_DASHES = frozenset("\u2012\u2013\u2014\u2015")
# The lowered scans run factored by first character (`tui.core.hints_factor`); the name keys the
# compiled-pattern cache, so bump it whenever `factor_tree` changes what it builds.
_FACTORED = ("factored-1", factor_tree)


@functools.lru_cache(maxsize=4096)
def _stand_in(char: str) -> str:
    """An ASCII character that plays the same part in a pattern as `char` does."""
    if char in _DASHES:
        return ","  # a dash is a pause, like a comma
    if char.isspace():
        return " "
    if char.isalpha():
        return "X" if char.isupper() else "x"
    if char.isalnum():
        return "0"
    return "~"


def _ascii_probe(folded: str) -> str:
    """`folded` with every non-ASCII character replaced by its stand-in: same length, ASCII."""
    return _NON_ASCII.sub(lambda m: _stand_in(m.group()), folded)


class _Scanner:
    """One alternation for the pattern rules of one category (or one absence rule's pattern).

    On ASCII text an ASCII-mode copy of the pattern finds the same matches about a third faster
    (no Unicode case folding). Each mode is compiled only when first needed: when every pattern is
    ASCII, drafts are always scanned in ASCII mode and the Unicode copy is never built. A pattern
    with no case-sensitive part runs faster still on the draft lowercased, without case folding
    at all (`scan`; ~40% of a dense lint's pattern time, session 40), and that copy is factored by
    first character (`tui.core.hints_factor`: about half of what is left).
    """

    __slots__ = ("_ascii", "_lower", "_unicode", "flags", "pattern", "regexes", "rules")

    def __init__(self, pattern: str, flags: int, rules: dict[str, Rule], regexes: RegexCache) -> None:
        self.pattern, self.flags, self.rules, self.regexes = pattern, flags, rules, regexes
        self._unicode: re.Pattern[str] | None = None
        self._ascii: re.Pattern[str] | None = None
        self._lower: re.Pattern[str] | bool = False  # False: not built yet; True: cannot be

    def pick(self, ascii_text: bool) -> re.Pattern[str]:
        if not ascii_text:
            if self._unicode is None:
                self._unicode = self.regexes.compile(self.pattern, self.flags)
            return self._unicode
        if self._ascii is None:
            self._ascii = self.regexes.compile(self.pattern, (self.flags & ~re.UNICODE) | re.ASCII)
        return self._ascii

    def lowered(self) -> re.Pattern[str] | None:
        """The ASCII-mode copy for lowercased text, or None when the pattern minds case (only a
        pattern compiled with IGNORECASE as a whole qualifies: `(?i:` inside one proves nothing)."""
        if self._lower is False:
            pattern = None
            if self.flags & re.IGNORECASE:
                pattern = self.regexes.memo("caseless", self.pattern, 0,
                                            functools.partial(case_free, self.pattern))
            flags = (self.flags & ~(re.UNICODE | re.IGNORECASE)) | re.ASCII
            try:
                self._lower = True if pattern is None else self.regexes.compile(pattern, flags, _FACTORED)
            except re.error:  # a construct `case_free` does not know, e.g. "(?(Name)...)"
                self._lower = True
        return self._lower if isinstance(self._lower, re.Pattern) else None

    def scan(self, ascii_text: bool, folded: str, lowered: str) -> tuple[re.Pattern[str], str]:
        """The compiled pattern to run and the text to run it on (`lowered`: `folded`, lowercased)."""
        if ascii_text:
            regex = self.lowered()
            if regex is not None:
                return regex, lowered
        return self.pick(ascii_text), folded


# A back-reference, an octal or a named character: lowering the pattern around it could change
# what it matches, so such a pattern keeps its case folding. So does a letter given by its code.
_UNSAFE_ESCAPE = frozenset("0123456789Ng")
_HEX_ESCAPE = {"x": 2, "u": 4, "U": 8}
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]+[:)]")


def _names_a_letter(escape: str) -> bool:
    """Whether a hex escape ("\\x41", "\\u2014") names a letter (or is not whole: then say so)."""
    try:
        return chr(int(escape[2:], 16)).isalpha() or len(escape) < 2 + _HEX_ESCAPE[escape[1]]
    except ValueError:
        return True


def case_free(pattern: str) -> str | None:
    """`pattern` for ASCII text that is already lowercase, with no case folding needed.

    Letters are lowercased outside escapes (so `\\S` stays `\\S`), `(?i:` groups become plain
    ones, and named groups keep their names. None when the pattern holds a case-sensitive part
    (`(?-i:`), another inline flag, or an escape in `_UNSAFE_ESCAPE`: it runs as it is then.
    """
    out: list[str] = []
    i, end = 0, len(pattern)
    while i < end:
        char = pattern[i]
        if char == "\\":
            if i + 1 >= end or pattern[i + 1] in _UNSAFE_ESCAPE:
                return None
            size = 2 + _HEX_ESCAPE.get(pattern[i + 1], 0)
            escape = pattern[i:i + size]
            if size > 2 and _names_a_letter(escape):
                return None  # "\\x41" is "A": it would need folding
            out.append(escape)
            i += size
            continue
        if char == "(" and pattern.startswith("(?", i):
            flag = _INLINE_FLAGS.match(pattern, i)
            if flag is not None:
                if flag.group() != "(?i:":
                    return None
                out.append("(?:")
                i = flag.end()
                continue
            if pattern.startswith("(?P<", i):
                close = pattern.find(">", i)
                if close < 0:
                    return None
                out.append(pattern[i:close + 1])
                i = close + 1
                continue
            if pattern.startswith("(?P=", i):
                return None
        out.append(char.lower())
        i += 1
    return "".join(out)


class _Spans:
    """Where the idioms are in one draft: found on the first hint that asks, once per check."""

    __slots__ = ("regex", "spans", "text")

    def __init__(self, regex: re.Pattern[str], text: str) -> None:
        self.regex, self.text = regex, text
        self.spans: list[tuple[int, int]] | None = None

    def get(self) -> list[tuple[int, int]]:
        if self.spans is None:
            self.spans = [m.span() for m in self.regex.finditer(self.text)]
        return self.spans


class _Lazy:
    """Where the [alternatives] start in one draft: found on first need, once per check."""

    __slots__ = ("regex", "spans", "text")

    def __init__(self, regex: re.Pattern[str], text: str) -> None:
        self.regex, self.text = regex, text
        self.spans: list[int] | None = None

    def find(self) -> list[int]:
        return [m.start() for m in self.regex.finditer(self.text)]


def _caps_pattern(
    acronyms: Iterable[str], min_letters: int, loud_words: Iterable[str] = (), loud_min_letters: int = 1
) -> str:
    """Runs of ALL-CAPS words with at least one loud word in them.

    Words with digits, @handles, #tags and URL parts never count; acronyms may sit inside a run
    ("PLEASE DM US NOW") but never make one on their own. A loud word is one that is not an
    acronym and has at least `loud_min_letters` letters, or is listed in `loud_words` ("NOT",
    "YOU"): two or three capitals on their own are initials far more often than a raised voice.
    """
    upper = r"A-Z\u00c0-\u00d6\u00d8-\u00de"  # escapes, so the pattern text stays ASCII
    edge = r"(?<![\w#@/.:'&%$-])"  # not a path, handle, tag, %VARIABLE% or $VARIABLE
    end = r"(?![\w'&-])"
    token = edge + rf"(?=[{upper}'&]{{{max(min_letters, 1)},}}{end})[{upper}][{upper}'&]*{end}"
    # Longest first, then by name: the same text every run (sets iterate in a per-run order), so
    # the compiled pattern can be found in the cache.
    skip = "|".join(re.escape(a) for a in sorted(acronyms, key=lambda w: (-len(w), w)) if a)
    long_word = rf"(?=[{upper}'&]{{{max(loud_min_letters, min_letters, 1)},}}{end})"
    listed = "|".join(re.escape(w) for w in sorted(loud_words, key=lambda w: (-len(w), w)) if w)
    loud = f"(?:{long_word}|(?=(?:{listed}){end}))" if listed else long_word
    word = (rf"(?!(?:{skip}){end})" if skip else "") + edge + loud + token
    sep = r"[ \t,;:.\-]+"
    # Inside a run, a one-letter word and a hyphenated one do not end it: "WE DID NOT SELL YOU A
    # FAULTY CAR", "WE DEMAND A RE-TASTE" are one shout, rewritten whole (session 62).
    token = rf"(?:{token}|{edge}[{upper}][{upper}'&]*(?:-[{upper}][{upper}'&]*)+{end})"
    single = rf"(?:{edge}[{upper}]{end}{sep})?"
    return rf"(?:{token}{sep}{single})*{word}(?:{sep}{single}{token})*"


def _start_filter(pattern: str, ignorecase: bool) -> str | None:
    """A cheap guard for where a match can start, or None when it could start anywhere.

    Python's regex engine tries every alternative at every position. Knowing the characters a
    match can start with (and whether every alternative opens with a word boundary) lets a
    leading `\\b(?=[...])` reject most positions with one test. It reads the parse tree of the
    private `re._parser` module, so on any surprise it answers None and costs nothing.
    """
    try:
        from re import _constants as c  # type: ignore[attr-defined]  # private, guarded
        from re import _parser as parser  # type: ignore[attr-defined]

        tree = parser.parse(pattern, re.IGNORECASE if ignorecase else 0)
    except Exception:
        return None
    boundaries = (c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_STRING)
    Result = tuple[set[str] | None, bool, bool]  # (first chars, can be empty, anchored at \\b)

    def seq(items: Any, icase: bool) -> Result:
        out: set[str] = set()
        anchored_here = False
        all_anchored = True
        for op, av in items:
            if op is c.AT:
                anchored_here = anchored_here or av in boundaries
                continue
            if op in (c.ASSERT, c.ASSERT_NOT):
                continue
            chars, nullable, anchored = item(op, av, icase)
            if chars is None:
                return None, False, False
            out |= chars
            all_anchored = all_anchored and (anchored_here or anchored)
            if not nullable:
                return out, False, all_anchored
        return out, True, False

    def item(op: Any, av: Any, icase: bool) -> Result:
        if op is c.LITERAL:
            ch = chr(av)
            return ({ch, ch.lower(), ch.upper()} if icase else {ch}), False, False
        if op is c.IN:
            chars: set[str] = set()
            for sub_op, sub_av in av:
                if sub_op is c.LITERAL:
                    chars.add(chr(sub_av))
                elif sub_op is c.RANGE and sub_av[1] - sub_av[0] < 512:
                    chars.update(chr(i) for i in range(sub_av[0], sub_av[1] + 1))
                else:
                    return None, False, False
            if icase:
                chars |= {ch.lower() for ch in chars} | {ch.upper() for ch in chars}
            return chars, False, False
        if op is c.SUBPATTERN:
            _group, add, delete, sub = av
            inner = (icase or bool(add & re.IGNORECASE)) and not delete & re.IGNORECASE
            return seq(sub, inner)
        if op is c.ATOMIC_GROUP:
            return seq(av, icase)
        if op is c.BRANCH:
            out: set[str] = set()
            nullable, anchored = False, True
            for branch in av[1]:
                found, n, a = seq(branch, icase)
                if found is None:
                    return None, False, False
                out |= found
                nullable, anchored = nullable or n, anchored and (a or n)
            return out, nullable, anchored
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            found, n, a = seq(av[2], icase)
            return found, n or av[0] == 0, a
        return None, False, False

    try:
        chars, nullable, anchored = seq(tree, ignorecase)
    except Exception:
        return None
    chars = {ch for ch in chars or () if len(ch) == 1}
    if nullable or not chars:
        return None
    guard = "".join(re.escape(ch) if ch.isascii() else f"\\U{ord(ch):08x}" for ch in sorted(chars))
    words = all(ch.isalnum() or ch == "_" for ch in chars)
    return ("\\b" if anchored and words else "") + f"(?=[{guard}])"


def _guard(regexes: RegexCache, pattern: str, ignorecase: bool = False) -> str | None:
    """`_start_filter` of `pattern`, remembered in the regex cache."""
    return regexes.memo("start", pattern, ignorecase, functools.partial(_start_filter, pattern, ignorecase))


def _prefiltered(regexes: RegexCache, pattern: str, ignorecase: bool = False) -> str:
    """`pattern` behind its start guard (see `_start_filter`)."""
    guard = _guard(regexes, pattern, ignorecase)
    return pattern if guard is None else f"{guard}(?:{pattern})"


def _guarded_union(regexes: RegexCache, patterns: Iterable[str]) -> str:
    """An alternation of `patterns` whose order does not matter (where idioms or alternatives
    are), behind two start guards instead of one.

    One pattern that may start at a non-word character (a quotation mark) or anywhere would strip
    the shared guard of its word boundary or drop it altogether, and every position in the draft
    would enter the alternation. Kept apart, the patterns that open at a word boundary keep theirs.
    """
    anchored: list[str] = []
    loose: list[str] = []
    for pattern in patterns:
        guard = _guard(regexes, pattern)
        (anchored if guard is not None and guard.startswith("\\b") else loose).append(pattern)
    return "|".join(_prefiltered(regexes, "|".join(group)) for group in (anchored, loose) if group)


def _fold(text: str) -> str:
    """`text` with curly apostrophes made straight (same length); a no-op copy-free for most text."""
    if text.isascii():
        return text
    for curly in _CURLY:
        if curly in text:
            text = text.replace(curly, "'")
    return text



def _overlaps(span: tuple[int, int], zones: list[tuple[int, int]]) -> bool:
    """Whether `span` overlaps any of `zones` (sorted, non-overlapping, as finditer gives them)."""
    start, end = span
    i = bisect.bisect_left(zones, (end, end))
    return i > 0 and zones[i - 1][1] > start
