"""The hint engine's vocabulary: categories, rule fields, a finding, a compiled rule, settings.

Shared by the loader (`tui.hints_rules`), the matchers and the engine (`tui.hints`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
