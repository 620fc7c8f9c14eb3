"""Positive-language hints for reply drafts: where the words close doors, excuse or blame.

The editor re-lints on every keystroke, so the rules (all data, in `tui/data/hints.toml` plus the
user's rule directory) are compiled once into one alternation per category; a check is a handful
of regex scans. Offsets are character offsets into the draft as typed: curly apostrophes are
folded to straight ones before matching, which keeps every offset unchanged. Other non-ASCII
characters are matched through one-character ASCII stand-ins (a letter for a letter, a space for a
space), because Python's regex engine runs about a third faster in ASCII mode.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tui.datafile import DataFileError
from tui.regexcache import RegexCache

TYPE_CHECKING = False  # typing is for the type checker: importing it slows `lint` start-up
if TYPE_CHECKING:
    from typing import Any

CATEGORIES = (
    "negative-language",
    "excuse",
    "blame",
    "shouting",
    "no-empathy",
    "no-next-step",
    "too-long",
)
SEVERITIES = ("suggestion", "warning", "error")
KINDS = ("pattern", "absence", "caps", "length")
CASES = ("match", "sentence", "keep")
COUNTS = ("characters", "graphemes")
RULE_FIELDS = frozenset(
    {
        "category",
        "kind",
        "pattern",
        "message",
        "suggestion",
        "case",
        "severity",
        "idioms",
        "enabled",
        "case_sensitive",
        "when",
        "when_hints",
        "unless",
        "alternatives",
    }
)
# Same length in and out, so offsets found in the folded text are offsets in the draft.
_CURLY = ("\u2019", "\u2018", "\u02bc", "\u2032")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_DASHES = frozenset("\u2012\u2013\u2014\u2015")


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


_GROUP_REF = re.compile(r"\\g<([^>]*)>|\\(\d+)")
_TEMPLATE_REF = re.compile(r"\\g<([^>]*)>|\\(\d+)|\\(.)")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n\s*)([^\W\d_])")
_WORD = re.compile(r"[^\W\d_][\w'&]*")
_NOT_PROSE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;")
_PROSE_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_LONE_I = re.compile(r"\bi\b(?=$|[\s,.!?;:']|'[a-z])")


class HintRuleError(DataFileError):
    """A user rule that cannot be used; the message names the file, the rule and the field."""

    entry_kind = "rule"

    @property
    def rule(self) -> str | None:
        return self.entry


@dataclass(frozen=True, slots=True)
class Hint:
    """One finding; `start`/`end` are None for whole-draft hints."""

    rule: str
    category: str
    start: int | None
    end: int | None
    message: str
    suggestion: str | None
    severity: str

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
            "severity": self.severity,
        }


@dataclass(slots=True)
class Rule:
    """A compiled rule. `regex` is None for kind "length"."""

    id: str
    category: str
    kind: str
    message: str
    severity: str
    suggestion: str | None = None
    case: str = "match"
    idioms: bool = True
    # Dropped when an [alternatives] pattern follows closely ("we can't ..., please call us").
    alternatives: bool = False
    regex: re.Pattern[str] | None = None
    # kind "absence" only: the rule speaks only when this matches, or when a hint of one of
    # `when_hints` categories was found (both say the draft deals with a problem).
    when: re.Pattern[str] | None = None
    when_hints: frozenset[str] = frozenset()
    # kind "absence" only: the draft passes when this matches (it asks a question, opens with a
    # greeting, gives a link), unless a hint of one of `when_hints` categories was found in it.
    unless: re.Pattern[str] | None = None
    source: str = ""
    # Whether the pattern can sit inside a combined alternation (no names, no backreferences).
    combinable: bool = True
    # Words that keep their capitals when case = "sentence" lower-cases a suggestion.
    keep_upper: frozenset[str] = frozenset()
    # Whether the suggestion has group references or escapes to fill in (most are plain text).
    template: bool = False


@dataclass(slots=True)
class _Scanner:
    """One alternation for the pattern rules of one category (or one absence rule's pattern).

    On ASCII text an ASCII-mode copy of the pattern finds the same matches about a third faster
    (no Unicode case folding). Each mode is compiled only when first needed: when every pattern is
    ASCII, drafts are always scanned in ASCII mode and the Unicode copy is never built.
    """

    pattern: str
    flags: int
    rules: dict[str, Rule]
    regexes: RegexCache
    _unicode: re.Pattern[str] | None = None
    _ascii: re.Pattern[str] | None = None

    def pick(self, ascii_text: bool) -> re.Pattern[str]:
        if not ascii_text:
            if self._unicode is None:
                self._unicode = self.regexes.compile(self.pattern, self.flags)
            return self._unicode
        if self._ascii is None:
            self._ascii = self.regexes.compile(self.pattern, (self.flags & ~re.UNICODE) | re.ASCII)
        return self._ascii


@dataclass(slots=True)
class _Spans:
    """Where the idioms are in one draft: found on the first hint that asks, once per check."""

    regex: re.Pattern[str]
    spans: list[tuple[int, int]] | None = None

    def get(self, folded: str) -> list[tuple[int, int]]:
        if self.spans is None:
            self.spans = [m.span() for m in self.regex.finditer(folded)]
        return self.spans


@dataclass(slots=True)
class _Lazy:
    """Where the [alternatives] start in one draft: found on first need, once per check."""

    regex: re.Pattern[str]
    spans: list[int] | None = None

    def find(self, folded: str) -> list[int]:
        return [m.start() for m in self.regex.finditer(folded)]


@dataclass(slots=True)
class _Platform:
    limit: int | None
    count: str = "characters"


@dataclass(slots=True)
class _Settings:
    """Everything merged from the built-in file and the user files, before compiling."""

    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    idioms: dict[str, str] = field(default_factory=dict)
    acronyms: set[str] = field(default_factory=set)
    also_words: set[str] = field(default_factory=set)
    min_letters: int = 2
    loud_min_letters: int = 4
    loud_words: set[str] = field(default_factory=set)
    signatures: dict[str, str] = field(default_factory=dict)
    alternatives: dict[str, str] = field(default_factory=dict)
    alternatives_window: int = 120
    english_words: set[str] = field(default_factory=set)
    english_min_words: int = 4
    english_min_share: float = 0.2
    platforms: dict[str, _Platform] = field(default_factory=dict)
    score: dict[str, int] = field(default_factory=dict)
    # Every pattern is compiled through this; `HintEngine.load` gives it an on-disk file.
    regexes: RegexCache = field(default_factory=RegexCache)


def _pattern_text(value: Any, source: str, rule: str, name: str = "pattern") -> str:
    if isinstance(value, str):
        parts = [value]
    elif isinstance(value, list) and value and all(isinstance(p, str) for p in value):
        parts = value
    else:
        raise HintRuleError(source, rule, name, "must be a string or a list of strings")
    if not all(p.strip() for p in parts):
        raise HintRuleError(source, rule, name, "empty pattern")
    return parts[0] if len(parts) == 1 else "|".join(f"(?:{p})" for p in parts)


def _compile(
    regexes: RegexCache, text: str, source: str, rule: str, case_sensitive: bool, name: str = "pattern"
) -> re.Pattern[str]:
    try:
        return regexes.compile(text, 0 if case_sensitive else re.IGNORECASE)
    except re.error as error:
        raise HintRuleError(source, rule, name, f"bad regular expression: {error}") from None


def _check_refs(template: str, regex: re.Pattern[str], source: str, rule: str) -> None:
    """Refuse group references the pattern cannot fill, at load time rather than mid-typing."""
    for match in _GROUP_REF.finditer(template):
        name, number = match.group(1), match.group(2)
        ref = name if name is not None else number
        if ref.isdigit():
            if int(ref) > regex.groups:
                raise HintRuleError(source, rule, "suggestion", f"no group {ref} in the pattern")
        elif ref not in regex.groupindex:
            raise HintRuleError(source, rule, "suggestion", f"no group named {ref!r}")


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
    edge = r"(?<![\w#@/.:'&-])"
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
    return rf"(?:{token}{sep})*{word}(?:{sep}{token})*"


def _start_filter(pattern: str, ignorecase: bool) -> str | None:
    """A cheap guard for where a match can start, or None when it could start anywhere.

    Python's regex engine tries every alternative at every position. Knowing the characters a
    match can start with (and whether every alternative opens with a word boundary) lets a
    leading `\\b(?=[...])` reject most positions with one test. It reads the parse tree of the
    private `re._parser` module, so on any surprise it answers None and costs nothing.
    """
    try:
        from re import _constants as c
        from re import _parser as parser

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
                chars, n, a = seq(branch, icase)
                if chars is None:
                    return None, False, False
                out |= chars
                nullable, anchored = nullable or n, anchored and (a or n)
            return out, nullable, anchored
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            chars, n, a = seq(av[2], icase)
            return chars, n or av[0] == 0, a
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


def _prefiltered(regexes: RegexCache, pattern: str, ignorecase: bool = False) -> str:
    """`pattern` behind its start guard (see `_start_filter`; remembered in the regex cache)."""
    guard = regexes.memo("start", pattern, ignorecase, lambda: _start_filter(pattern, ignorecase))
    return pattern if guard is None else f"{guard}(?:{pattern})"


def _merge_file(
    settings: _Settings, data: dict[str, Any], source: str, report: Callable[[HintRuleError], None]
) -> None:
    """Fold one parsed rule file into `settings`; bad rules are reported, the rest still load."""
    for key in data:
        if key not in ("rules", "idioms", "shouting", "platforms", "score", "language", "alternatives"):
            report(HintRuleError(source, None, key, "unknown section"))
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        report(HintRuleError(source, None, "rules", "must be a table of rules"))
        rules = {}
    for rule_id, fields in rules.items():
        try:
            settings.rules[rule_id] = _validate_rule(settings, rule_id, fields, source)
            settings.sources[rule_id] = source
        except HintRuleError as error:
            report(error)
    idioms = data.get("idioms", {})
    if isinstance(idioms, dict):
        for idiom_id, pattern in idioms.items():
            if not isinstance(pattern, str):
                report(HintRuleError(source, idiom_id, "idioms", "must be a string"))
                continue
            if not pattern:
                settings.idioms.pop(idiom_id, None)
                continue
            try:
                settings.regexes.compile(pattern, re.IGNORECASE)
            except re.error as error:
                problem = f"bad regular expression: {error}"
                report(HintRuleError(source, idiom_id, "idioms", problem))
                continue
            settings.idioms[idiom_id] = pattern
    else:
        report(HintRuleError(source, None, "idioms", "must be a table"))
    shouting = data.get("shouting", {})
    if not isinstance(shouting, dict):
        report(HintRuleError(source, None, "shouting", "must be a table"))
    else:
        for key, target in (("acronyms", settings.acronyms), ("also_words", settings.also_words)):
            values = shouting.get(key, [])
            if isinstance(values, list) and all(isinstance(a, str) for a in values):
                target.update(a.strip().upper() for a in values if a.strip())
            else:
                problem = "must be a list of strings"
                report(HintRuleError(source, None, f"shouting.{key}", problem))
        for key in ("min_letters", "loud_min_letters"):
            if key in shouting:
                value = shouting[key]
                if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                    setattr(settings, key, value)
                else:
                    problem = "must be a whole number >= 1"
                    report(HintRuleError(source, None, f"shouting.{key}", problem))
        loud = shouting.get("loud_words", [])
        if isinstance(loud, list) and all(isinstance(a, str) for a in loud):
            settings.loud_words.update(a.strip().upper() for a in loud if a.strip())
        else:
            report(HintRuleError(source, None, "shouting.loud_words", "must be a list of strings"))
        signatures = shouting.get("signatures", {})
        if not isinstance(signatures, dict):
            report(HintRuleError(source, None, "shouting.signatures", "must be a table"))
            signatures = {}
        for sig_id, pattern in signatures.items():
            where = f"shouting.signatures.{sig_id}"
            if not isinstance(pattern, str):
                report(HintRuleError(source, None, where, "must be a string"))
            elif not pattern:
                settings.signatures.pop(sig_id, None)
            else:
                try:
                    settings.regexes.compile(pattern)
                except re.error as error:
                    report(HintRuleError(source, None, where, f"bad regular expression: {error}"))
                    continue
                settings.signatures[sig_id] = pattern
    _merge_language(settings, data.get("language", {}), source, report)
    _merge_alternatives(settings, data.get("alternatives", {}), source, report)
    platforms = data.get("platforms", {})
    if not isinstance(platforms, dict):
        report(HintRuleError(source, None, "platforms", "must be a table"))
    else:
        for name, spec in platforms.items():
            try:
                settings.platforms[name.lower()] = _validate_platform(name, spec, source)
            except HintRuleError as error:
                report(error)
    score = data.get("score", {})
    if not isinstance(score, dict):
        report(HintRuleError(source, None, "score", "must be a table"))
    else:
        for severity, weight in score.items():
            ok = isinstance(weight, int) and not isinstance(weight, bool) and weight >= 0
            if severity not in SEVERITIES or not ok:
                problem = f"expected one of {', '.join(SEVERITIES)} = a whole number >= 0"
                report(HintRuleError(source, None, f"score.{severity}", problem))
                continue
            settings.score[severity] = weight


def _merge_alternatives(
    settings: _Settings, table: Any, source: str, report: Callable[[HintRuleError], None]
) -> None:
    """[alternatives]: what, said right after a refusal, frames it around what we can do."""
    if not isinstance(table, dict):
        report(HintRuleError(source, None, "alternatives", "must be a table"))
        return
    for key, value in table.items():
        where = f"alternatives.{key}"
        if key == "window":
            if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                settings.alternatives_window = value
            else:
                report(HintRuleError(source, None, where, "must be a whole number >= 1"))
        elif not isinstance(value, str):
            report(HintRuleError(source, None, where, "must be a string"))
        elif not value:
            settings.alternatives.pop(key, None)
        else:
            try:
                settings.regexes.compile(value, re.IGNORECASE)
            except re.error as error:
                report(HintRuleError(source, None, where, f"bad regular expression: {error}"))
                continue
            settings.alternatives[key] = value


def _merge_language(
    settings: _Settings, language: Any, source: str, report: Callable[[HintRuleError], None]
) -> None:
    """[language]: the common English words that tell an English draft from any other."""
    if not isinstance(language, dict):
        report(HintRuleError(source, None, "language", "must be a table"))
        return
    for key in language:
        if key not in ("english_words", "min_words", "min_share"):
            report(HintRuleError(source, None, f"language.{key}", "unknown field"))
    words = language.get("english_words", [])
    if isinstance(words, list) and all(isinstance(w, str) for w in words):
        settings.english_words.update(w.strip().lower() for w in words if w.strip())
    else:
        report(HintRuleError(source, None, "language.english_words", "must be a list of strings"))
    if "min_words" in language:
        value = language["min_words"]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            settings.english_min_words = value
        else:
            report(HintRuleError(source, None, "language.min_words", "must be a whole number >= 1"))
    if "min_share" in language:
        value = language["min_share"]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
            settings.english_min_share = float(value)
        else:
            report(HintRuleError(source, None, "language.min_share", "must be a number from 0 to 1"))


def _validate_platform(name: str, spec: Any, source: str) -> _Platform:
    field_name = f"platforms.{name}"
    if not isinstance(spec, dict):
        raise HintRuleError(source, None, field_name, "must be a table")
    limit = spec.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise HintRuleError(source, None, f"{field_name}.limit", "must be a whole number >= 1")
    count = spec.get("count", "characters")
    if count not in COUNTS:
        raise HintRuleError(source, None, f"{field_name}.count", f"must be one of {COUNTS}")
    return _Platform(limit=limit, count=count)


def _validate_rule(settings: _Settings, rule_id: str, fields: Any, source: str) -> dict[str, Any]:
    """Merge `fields` over any earlier rule with this id and check the result."""
    if not isinstance(fields, dict):
        raise HintRuleError(source, rule_id, None, "a rule must be a table")
    unknown = sorted(set(fields) - RULE_FIELDS)
    if unknown:
        raise HintRuleError(source, rule_id, unknown[0], "unknown field")
    merged = {**settings.rules.get(rule_id, {}), **fields}
    if merged.get("enabled", True) is False and "category" not in merged:
        return merged  # disabling a rule that does not exist (yet) is harmless
    types: dict[str, type | tuple[type, ...]] = {
        "category": str,
        "kind": str,
        "message": str,
        "suggestion": str,
        "case": str,
        "severity": str,
        "idioms": bool,
        "alternatives": bool,
        "enabled": bool,
        "case_sensitive": bool,
    }
    for name, kind in types.items():
        if name in merged and not isinstance(merged[name], kind):
            raise HintRuleError(source, rule_id, name, f"must be a {kind.__name__}")  # type: ignore[union-attr]
    if not merged.get("category", "").strip():
        raise HintRuleError(source, rule_id, "category", "missing")
    if not merged.get("message", "").strip():
        raise HintRuleError(source, rule_id, "message", "missing")
    if merged.get("kind", "pattern") not in KINDS:
        raise HintRuleError(source, rule_id, "kind", f"must be one of {', '.join(KINDS)}")
    if merged.get("severity", "warning") not in SEVERITIES:
        problem = f"must be one of {', '.join(SEVERITIES)}"
        raise HintRuleError(source, rule_id, "severity", problem)
    if merged.get("case", "match") not in CASES:
        raise HintRuleError(source, rule_id, "case", f"must be one of {', '.join(CASES)}")
    if merged.get("kind", "pattern") in ("pattern", "absence"):
        if "pattern" not in merged:
            raise HintRuleError(source, rule_id, "pattern", "missing")
        text = _pattern_text(merged["pattern"], source, rule_id)
        regex = _compile(settings.regexes, text, source, rule_id, merged.get("case_sensitive", False))
        if merged.get("suggestion"):
            _check_refs(merged["suggestion"], regex, source, rule_id)
    for name in ("when", "when_hints", "unless"):
        if name in merged and merged.get("kind", "pattern") != "absence":
            raise HintRuleError(source, rule_id, name, 'only a kind = "absence" rule can have one')
    hints = merged.get("when_hints", [])
    if not isinstance(hints, list) or not all(isinstance(c, str) for c in hints):
        raise HintRuleError(source, rule_id, "when_hints", "must be a list of category names")
    for name in ("when", "unless"):
        if name in merged:
            text = _pattern_text(merged[name], source, rule_id, name)
            _compile(settings.regexes, text, source, rule_id, False, name)
    return merged


def _builtin_text() -> str:
    """The shipped rules; read beside this module when it is a file (importlib.resources costs
    `lint` more start-up than the read), through the package loader otherwise (a zip)."""
    here = Path(__file__).with_name("data") / "hints.toml"
    if here.is_file():
        return here.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files("tui").joinpath("data/hints.toml").read_text(encoding="utf-8")


def _parse_toml(text: str) -> dict[str, Any]:
    import tomllib  # not on the cached path: importing it costs about as much as a lint

    return tomllib.loads(text)


def _read_user_file(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise HintRuleError(str(path), None, None, f"not valid TOML: {error}") from None
    except OSError as error:
        raise HintRuleError(str(path), None, None, f"cannot read: {error.strerror}") from None


def validate_rule_file(path: Path) -> None:
    """Raise `HintRuleError` for the first problem in one user rule file (for a "check" command).

    `HintEngine.load` never raises for user files: it keeps the good rules and lists the problems
    in `errors`. This is the strict view of a single file, checked on top of the built-in rules.
    """
    settings = _Settings()
    _merge_file(settings, _parse_toml(_builtin_text()), "tui/data/hints.toml", _raise)
    _merge_file(settings, _read_user_file(Path(path)), str(path), _raise)


def _raise(error: HintRuleError) -> None:
    raise error


class HintEngine:
    """Compiled tone rules. Build with `HintEngine.load()`; `errors` lists user-rule problems."""

    def __init__(self, settings: _Settings, errors: list[str] | None = None) -> None:
        self.errors: list[str] = list(errors or [])
        self.platforms = settings.platforms
        self.weights = {"error": 30, "warning": 15, "suggestion": 10, **settings.score}
        self.rules: list[Rule] = []
        for rule_id, fields in settings.rules.items():
            if fields.get("enabled", True) is False:
                continue
            self.rules.append(self._build(rule_id, fields, settings))
        regexes = settings.regexes
        idioms = "|".join(f"(?:{p})" for p in settings.idioms.values())
        self._idioms = (
            _Scanner(_prefiltered(regexes, f"(?i:{idioms})"), 0, {}, regexes) if idioms else None
        )
        alternatives = "|".join(f"(?:{p})" for p in settings.alternatives.values())
        self._alternatives = (
            _Scanner(_prefiltered(regexes, f"(?i:{alternatives})"), 0, {}, regexes) if alternatives else None
        )
        self._alternatives_window = settings.alternatives_window
        signatures = "|".join(f"(?:{p})" for p in settings.signatures.values())
        self._signatures = regexes.compile(signatures) if signatures else None
        self._english_words = frozenset(settings.english_words)
        self._english_min_words = settings.english_min_words
        self._english_min_share = settings.english_min_share
        self._scanners: list[_Scanner] = []
        self._solo: list[Rule] = []
        self._absence = [
            (r, _Scanner(r.regex.pattern, r.regex.flags, {}, regexes),
             _Scanner(r.when.pattern, r.when.flags, {}, regexes) if r.when is not None else None,
             _Scanner(r.unless.pattern, r.unless.flags, {}, regexes) if r.unless is not None else None)
            for r in self.rules
            if r.kind == "absence" and r.regex
        ]
        self._length = [r for r in self.rules if r.kind == "length"]
        by_category: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.kind in ("pattern", "caps"):
                if rule.combinable:
                    by_category.setdefault(rule.category, []).append(rule)
                else:
                    self._solo.append(rule)
        for rules in by_category.values():
            names = {f"r{i}": rule for i, rule in enumerate(rules)}
            combined = "|".join(f"(?P<{name}>{self._scoped(rule)})" for name, rule in names.items())
            self._scanners.append(_Scanner(_prefiltered(regexes, combined), 0, names, regexes))
        # Stand-ins are only faithful when no pattern names a non-ASCII character itself.
        patterns = [s.pattern for s in self._scanners] + [r.regex.pattern for r in self._solo]
        patterns += [s.pattern for _, *scans in self._absence for s in scans if s is not None]
        patterns += [self._signatures.pattern] if self._signatures else []
        lookups = [s for s in (self._idioms, self._alternatives) if s is not None]
        patterns += [s.pattern for s in lookups]
        self._ascii_patterns = all(p.isascii() for p in patterns)
        # Compile now what checks will use (ASCII mode only, when the stand-ins make every draft
        # ASCII), so the first keystroke does not pay for it and the cache file can be written.
        modes = (True,) if self._ascii_patterns else (True, False)
        absence = [s for _, *scans in self._absence for s in scans if s is not None]
        for scanner in self._scanners + absence + lookups:
            for ascii_mode in modes:
                scanner.pick(ascii_mode)
        regexes.save()

    @staticmethod
    def _scoped(rule: Rule) -> str:
        """The rule's pattern wrapped so its own case flag holds inside a shared alternation."""
        assert rule.regex is not None
        flag = "i" if rule.regex.flags & re.IGNORECASE else "-i"
        return f"(?{flag}:{rule.regex.pattern})"

    @staticmethod
    def _build(rule_id: str, fields: Mapping[str, Any], settings: _Settings) -> Rule:
        kind = fields.get("kind", "pattern")
        source = settings.sources.get(rule_id, "")
        regexes = settings.regexes
        regex: re.Pattern[str] | None = None
        if kind in ("pattern", "absence"):
            text = _pattern_text(fields["pattern"], source, rule_id)
            regex = _compile(regexes, text, source, rule_id, fields.get("case_sensitive", False))
        elif kind == "caps":
            regex = regexes.compile(_caps_pattern(settings.acronyms, settings.min_letters,
                                                  settings.loud_words, settings.loud_min_letters))
        icase = not fields.get("case_sensitive", False)
        if kind == "absence" and regex is not None:
            regex = regexes.compile(_prefiltered(regexes, regex.pattern, icase), regex.flags)
        when = unless = None
        if kind == "absence" and "when" in fields:
            text = _pattern_text(fields["when"], source, rule_id, "when")
            when = regexes.compile(_prefiltered(regexes, text, True), re.IGNORECASE)
        if kind == "absence" and "unless" in fields:
            text = _pattern_text(fields["unless"], source, rule_id, "unless")
            unless = regexes.compile(_prefiltered(regexes, text, True), re.IGNORECASE)
        combinable = (
            regex is not None
            and not regex.groupindex
            and not re.search(r"\\[1-9]|\(\?P=|\\g<", regex.pattern)
        )
        return Rule(
            id=rule_id,
            category=fields["category"],
            kind=kind,
            message=fields["message"],
            severity=fields.get("severity", "warning"),
            suggestion=fields.get("suggestion"),
            case=fields.get("case", "match"),
            idioms=fields.get("idioms", True),
            alternatives=fields.get("alternatives", False),
            regex=regex,
            when=when,
            unless=unless,
            when_hints=frozenset(fields.get("when_hints", ())),
            source=source,
            combinable=combinable,
            keep_upper=frozenset(settings.acronyms - settings.also_words),
            template="\\" in (fields.get("suggestion") or ""),
        )

    @classmethod
    def load(cls, user_rules_dir: Path | None = None, cache_file: Path | None = None) -> HintEngine:
        """Built-in rules, then every `*.toml` in `user_rules_dir` in name order.

        `cache_file` keeps the compiled patterns between runs (see `tui.regexcache`): a command
        that loads the rules per run should pass one, or compiling them costs more than the lint.
        """
        settings = _Settings(regexes=RegexCache(cache_file))
        errors: list[str] = []
        text = _builtin_text()
        builtin = settings.regexes.memo("toml", text, 0, lambda: _parse_toml(text))
        _merge_file(settings, builtin, "tui/data/hints.toml", _raise)
        if user_rules_dir is not None and Path(user_rules_dir).is_dir():
            for path in sorted(Path(user_rules_dir).glob("*.toml")):
                try:
                    data = _read_user_file(path)
                except HintRuleError as error:
                    errors.append(str(error))
                    continue
                _merge_file(settings, data, str(path), lambda e: errors.append(str(e)))
        return cls(settings, errors)

    # -- checking -------------------------------------------------------------------------------

    def check(self, text: str, platform: str | None = None, *, whole_draft: bool = True) -> list[Hint]:
        """All hints for `text`, sorted by start; whole-draft hints come last.

        `whole_draft=False` leaves out the hints that judge a finished draft (no-empathy,
        no-next-step): the editor asks for them only once the agent pauses or sends.
        """
        if not text or text.isspace():
            return []
        folded = _fold(text)
        ascii_text = folded.isascii()
        if not ascii_text and self._ascii_patterns:
            folded, ascii_text = _ascii_probe(folded), True
        idioms, alternatives_scan = self._idioms, self._alternatives
        idiom_spans = _Spans(idioms.pick(ascii_text)) if idioms is not None else None
        alternatives = _Lazy(alternatives_scan.pick(ascii_text)) if alternatives_scan is not None else None
        spans: list[Hint] = []
        for scanner in self._scanners:
            for match in scanner.pick(ascii_text).finditer(folded):
                rule = scanner.rules[match.lastgroup or ""]
                if rule.kind == "caps" and self._in_signature(folded, match.span()):
                    continue
                hint = self._hint(rule, match, folded, text, idiom_spans, rematch=True,
                                  alternatives=alternatives)
                if hint is not None:
                    spans.append(hint)
        for rule in self._solo:
            assert rule.regex is not None
            for match in rule.regex.finditer(folded):
                hint = self._hint(rule, match, folded, text, idiom_spans, rematch=False,
                                  alternatives=alternatives)
                if hint is not None:
                    spans.append(hint)
        for rule in self._length:
            hint = self._too_long(rule, text, platform)
            if hint is not None:
                spans.append(hint)
        spans.sort(key=lambda h: (h.start, h.end, h.rule))
        if whole_draft:
            found = {hint.category for hint in spans}
            spans.extend(self._whole_draft(text, folded, ascii_text, found))
        return spans

    def _whole_draft(self, text: str, folded: str, ascii_text: bool, found: set[str]) -> list[Hint]:
        """Absence hints: only for English drafts, and only where the rule's condition holds."""
        out: list[Hint] = []
        english: bool | None = None
        for rule, scanner, when, unless in self._absence:
            warned = bool(rule.when_hints & found)
            gated = when is not None or rule.when_hints
            if gated and not warned and (when is None or when.pick(ascii_text).search(folded) is None):
                continue
            if unless is not None and not warned and unless.pick(ascii_text).search(folded):
                continue
            if scanner.pick(ascii_text).search(folded) is not None:
                continue
            if english is None:
                english = self.is_english(text)
            if not english:
                break
            out.append(Hint(rule.id, rule.category, None, None, rule.message, None, rule.severity))
        return out

    def whole_draft_categories(self) -> frozenset[str]:
        """Categories that judge the finished draft as a whole (shown before sending)."""
        return frozenset(entry[0].category for entry in self._absence)

    def _in_signature(self, folded: str, span: tuple[int, int]) -> bool:
        """Whether a signature ("^JAY", "-AB", "TY - Eilish") holds the whole of `span`."""
        if self._signatures is None:
            return False
        start, end = span
        for pos in range(max(0, start - 3), start + 1):  # a marker and a space may come first
            match = self._signatures.match(folded, pos)
            if match is not None and match.end() >= end:
                return True
        return False

    def is_english(self, text: str) -> bool:
        """A cheap guess whether `text` is English, so hints can say when they do not apply.

        Mostly non-Latin letters, or (given enough words) too few common English words, reads
        as another language. Short drafts count as English: too little to tell.
        """
        body = _NOT_PROSE.sub(" ", text)
        letters = [c for c in body if c.isalpha()]
        if not letters:
            return True
        if sum(1 for c in letters if ord(c) > 0x24F) * 2 > len(letters):
            return False
        words = _PROSE_WORD.findall(body.lower())
        if len(words) < self._english_min_words or not self._english_words:
            return True
        known = sum(1 for w in words if w in self._english_words)
        return known >= self._english_min_share * len(words)

    def _hint(
        self,
        rule: Rule,
        match: re.Match[str],
        folded: str,
        text: str,
        idiom_spans: _Spans | None,
        *,
        rematch: bool,
        alternatives: _Lazy | None = None,
    ) -> Hint | None:
        start, end = match.span()
        if start == end:
            return None
        if rule.idioms and rule.kind == "pattern" and idiom_spans is not None:
            if _overlaps((start, end), idiom_spans.get(folded)):
                return None
        if rule.alternatives and alternatives is not None:
            if alternatives.spans is None:
                alternatives.spans = alternatives.find(folded)
            i = bisect.bisect_left(alternatives.spans, end)
            if i < len(alternatives.spans) and alternatives.spans[i] < end + self._alternatives_window:
                return None
        suggestion = None
        if rule.suggestion is not None:
            expanded = rule.suggestion
            if rule.template:
                own = match
                if rematch and _GROUP_REF.search(rule.suggestion):
                    assert rule.regex is not None
                    own = rule.regex.match(folded, start) or match
                expanded = _expand(rule.suggestion, own, text)
            suggestion = _shape(expanded, rule, text, start, end)
        return Hint(rule.id, rule.category, start, end, rule.message, suggestion, rule.severity)

    def _too_long(self, rule: Rule, text: str, platform: str | None) -> Hint | None:
        spec = self.platforms.get((platform or "").lower())
        if spec is None or spec.limit is None or len(text) <= spec.limit:
            return None  # graphemes never outnumber characters
        count, _ = self.length(text, platform)
        if count <= spec.limit:
            return None
        if spec.count == "graphemes":
            import grapheme

            cut = len(grapheme.slice(text, 0, spec.limit))
        else:
            cut = spec.limit
        unit = spec.count
        values = {"count": count, "limit": spec.limit, "platform": platform, "unit": unit}
        try:
            message = rule.message.format_map(values)
        except (KeyError, ValueError, IndexError):
            message = rule.message
        return Hint(rule.id, rule.category, cut, len(text), message, None, rule.severity)

    def length(self, text: str, platform: str | None) -> tuple[int, int | None]:
        """(length counted the platform's way, its limit or None)."""
        spec = self.platforms.get((platform or "").lower())
        if spec is None:
            return len(text), None
        if spec.count == "graphemes" and not text.isascii():
            import grapheme

            return grapheme.length(text), spec.limit
        return len(text), spec.limit

    def score(self, text: str, hints: list[Hint] | None = None) -> int:
        """Tone score 0..100 (100 = nothing to improve); each hint costs its severity's weight."""
        if hints is None:
            hints = self.check(text)
        return max(0, 100 - sum(self.weights.get(h.severity, 0) for h in hints))


def _fold(text: str) -> str:
    """`text` with curly apostrophes made straight (same length); a no-op copy-free for most text."""
    if text.isascii():
        return text
    for curly in _CURLY:
        if curly in text:
            text = text.replace(curly, "'")
    return text


def _sentence_starts_at(text: str, start: int) -> bool:
    """Whether only white space lies between `start` and the end of the previous sentence."""
    index = start - 1
    while index >= 0 and text[index].isspace() and text[index] != "\n":
        index -= 1
    return index < 0 or text[index] in ".!?\n"


def _overlaps(span: tuple[int, int], zones: list[tuple[int, int]]) -> bool:
    """Whether `span` overlaps any of `zones` (sorted, non-overlapping, as finditer gives them)."""
    start, end = span
    i = bisect.bisect_left(zones, (end, end))
    return i > 0 and zones[i - 1][1] > start


def _expand(template: str, match: re.Match[str], text: str) -> str:
    """Fill group references from the draft as typed (the match ran on the folded copy)."""

    def fill(ref: re.Match[str]) -> str:
        if ref.group(3) is not None:
            return {"n": "\n", "t": "\t"}.get(ref.group(3), ref.group(3))
        group = ref.group(1) if ref.group(1) is not None else ref.group(2)
        key: int | str = int(group) if group.isdigit() else group
        a, b = match.span(key)
        return text[a:b] if a >= 0 else ""

    return _TEMPLATE_REF.sub(fill, template)


def _shape(suggestion: str, rule: Rule, text: str, start: int, end: int) -> str:
    """Fit the suggestion's capitals to where it goes."""
    if rule.case == "keep" or not suggestion:
        return suggestion
    at_sentence_start = _sentence_starts_at(text, start)
    if rule.case == "sentence":
        lowered = _WORD.sub(
            lambda m: m.group(0) if m.group(0).upper() in rule.keep_upper else m.group(0).lower(),
            suggestion,
        )
        lowered = _LONE_I.sub("I", lowered)
        lowered = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), lowered)
        first = _WORD.match(lowered)
        keep_first = first is not None and (
            first.group(0).split("'")[0] == "I" or first.group(0).upper() in rule.keep_upper
        )
        if not at_sentence_start and not keep_first:
            lowered = lowered[:1].lower() + lowered[1:]
        return lowered
    if text[start:end][:1].isupper() and suggestion[:1].islower():
        return suggestion[0].upper() + suggestion[1:]
    return suggestion


def apply_suggestion(text: str, hint: Hint) -> str:
    """`text` with the hint's span replaced by its suggestion (unchanged when there is none)."""
    if hint.suggestion is None or hint.start is None or hint.end is None:
        return text
    if not 0 <= hint.start <= hint.end <= len(text):
        return text
    return text[: hint.start] + hint.suggestion + text[hint.end :]
