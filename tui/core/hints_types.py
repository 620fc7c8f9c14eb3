"""The hint engine's vocabulary: categories, rule fields, a finding, a compiled rule, settings.

Shared by the loader (`tui.core.hints_rules`), the matchers and the engine (`tui.core.hints`).
"""

from __future__ import annotations

import re
from collections import namedtuple

from tui.rules.datafile import DataFileError
from tui.rules.regexcache import RegexCache

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
KINDS = ("pattern", "absence", "caps", "length", "learned")
MENTION_KINDS = ("complaint", "question", "praise", "crisis", "other")  # triage's kinds
CASES = ("match", "sentence", "keep")
REPLACES = ("match", "clause", "clause-end", "aside")
COUNTS = ("characters", "graphemes", "weighted")
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
        "quiet_replying_to",
        "problem_replying_to",
        "speak_replying_to",
        "light_pattern",
        "speak_message",
        "model",
        "add",
        "min_words",
        "once_per_thread",
        "replaces",
    }
)


class HintRuleError(DataFileError):
    """A user rule that cannot be used; the message names the file, the rule and the field."""

    entry_kind = "rule"

    @property
    def rule(self) -> str | None:
        return self.entry


class Hint(namedtuple("Hint", "rule category start end message suggestion severity replaces",
                      defaults=(None,))):
    """One finding; `start`/`end` are None for whole-draft hints.

    Fields: rule, category, start, end, message, suggestion, severity, replaces. `replaces` is the
    (start, end) the suggestion takes the place of when that is more than the hint's own span (a
    rule with `replaces = "clause"`: "Unfortunately, we cannot change the plan from here" goes
    whole, not just "we cannot change"); None: the hint's span. A named tuple rather than a
    dataclass or `typing.NamedTuple`: those imports would cost `lint` start-up.
    """

    __slots__ = ()
    rule: str
    category: str
    start: int | None
    end: int | None
    message: str
    suggestion: str | None
    severity: str
    replaces: tuple[int, int] | None

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
            "severity": self.severity,
            "replaces": list(self.replaces) if self.replaces is not None else None,
        }


class Rule:
    """A compiled rule. `regex` is None for kind "length". Built with keywords only.

    `alternatives`: dropped when an [alternatives] pattern follows closely ("we can't ..., please
    call us"). `when` (kind "absence" only): the rule speaks only when this matches, or when a
    hint of one of `when_hints` categories was found (both say the draft deals with a problem).
    `unless` (kind "absence" only): the draft passes when this matches (it asks a question, opens
    with a greeting, gives a link), unless a hint of one of `when_hints` categories was found.
    `quiet_replying_to` (kind "absence" only): kinds of mention (praise, ...) whose replies need
    the rule only when a `when_hints` hint was found: "Same! What's your go-to order?" to a fan
    is banter, not cold troubleshooting.
    `problem_replying_to` (kind "absence" only): kinds of mention (complaint, ...) whose replies deal
    with a problem whatever their words: `when` is taken as met, while `unless` and the learned
    reading still weigh the draft ("Roaming charges were applied correctly. Your plan does not
    include EU roaming." answers a complaint with nothing warm, though it names no error or step).
    `speak_replying_to` (kind "absence" only): kinds of mention (crisis, ...) whose replies always
    need the rule, whatever `when` and `unless` say: "No customer data was affected." to someone
    whose data leaked lacks warmth though it asks nothing and fixes nothing.
    `speak_regex` (kind "absence" only, from a rule with a `light_pattern`): in reply to a
    `speak_replying_to` kind, what satisfies the rule instead of `regex` (which also holds the
    light pattern): small talk that does for a glitch ("That's odd", "Fingers crossed", "Yay!")
    does not acknowledge someone who was hurt. `speak_message`: the message there, where the rule
    has one ("thank them" is no advice for answering an assault).
    `once_per_thread` (kind "absence" only): what the rule asks for needs saying once in a thread:
    a follow-up after a reply of ours that already said it ("Sorry to hear that! ..." then "Got
    it. Which iOS version?") passes, unless a `when_hints` hint was found in the draft.
    `model`, `add`, `min_words` (kind "learned" only): a learned reading shipped in the package
    data (a file fitted by tests/benchmarks/fit_readings.py) adds the rule's hint to the
    before-you-send checks when it gives a draft of `min_words` words or more at least `add`, no
    pattern rule found the category and `unless` does not match: blame said in words no phrase
    lists ("Sounds like you brought them in with you").
    `replaces`: what the suggestion takes the place of: "match" (the matched span) or "clause" (the
    whole clause the match is in, with a sentence opener such as "Unfortunately," before it; a
    clause with other words before the match gets no rewrite rather than a broken one), or
    "clause-end" (the matched span, where it ends its clause: "That option is available again from
    …." but no rewrite in "Spotify isn't available in Morocco yet", where words of the clause follow),
    or "aside" (the matched span, where a comma or colon follows it: "As I said, it opens at 9" ->
    "To recap, it opens at 9", but no "No, to recap." for "No, my earlier message was correct.").
    `combinable`: whether the pattern can sit inside a combined alternation (no names, no
    backreferences). `keep_upper`: words that keep their capitals when case = "sentence"
    lower-cases a suggestion. `template`: whether the suggestion has group references or escapes.
    """

    __slots__ = ("add", "alternatives", "case", "category", "combinable", "id", "idioms", "keep_upper",
                 "kind", "message", "min_words", "model", "once_per_thread", "problem_replying_to",
                 "quiet_replying_to", "regex", "replaces",
                 "severity", "source", "speak_message", "speak_regex", "speak_replying_to", "suggestion",
                 "template", "unless", "when", "when_hints")

    def __init__(
        self, *, id: str, category: str, kind: str, message: str, severity: str,
        suggestion: str | None = None, case: str = "match", idioms: bool = True,
        alternatives: bool = False, regex: re.Pattern[str] | None = None,
        when: re.Pattern[str] | None = None, when_hints: frozenset[str] = frozenset(),
        unless: re.Pattern[str] | None = None, source: str = "", combinable: bool = True,
        keep_upper: frozenset[str] = frozenset(), template: bool = False,
        quiet_replying_to: frozenset[str] = frozenset(),
        problem_replying_to: frozenset[str] = frozenset(),
        speak_replying_to: frozenset[str] = frozenset(),
        speak_regex: re.Pattern[str] | None = None,
        speak_message: str | None = None,
        model: str | None = None,
        add: float = 1.0,
        min_words: int = 1,
        once_per_thread: bool = False,
        replaces: str = "match",
    ) -> None:
        self.id, self.category, self.kind, self.message = id, category, kind, message
        self.severity, self.suggestion, self.case, self.idioms = severity, suggestion, case, idioms
        self.alternatives, self.regex, self.when, self.when_hints = alternatives, regex, when, when_hints
        self.unless, self.source, self.combinable = unless, source, combinable
        self.keep_upper, self.template = keep_upper, template
        self.quiet_replying_to, self.speak_replying_to = quiet_replying_to, speak_replying_to
        self.problem_replying_to = problem_replying_to
        self.speak_regex, self.speak_message = speak_regex, speak_message
        self.model, self.add, self.min_words = model, add, min_words
        self.once_per_thread, self.replaces = once_per_thread, replaces

    def __repr__(self) -> str:
        return f"Rule(id={self.id!r}, category={self.category!r}, kind={self.kind!r})"


class _Platform:
    """How a platform counts a reply (see tui/core/hints_length.py): its limit, what one unit is
    ("characters", "graphemes", or X's "weighted"), what a link counts (None: as written),
    whether "@user@host" counts its host, whether the @handles a reply starts with count."""

    __slots__ = ("count", "leading_mentions", "limit", "link_length", "mention_hosts")

    def __init__(self, limit: int | None, count: str = "characters", link_length: int | None = None,
                 mention_hosts: bool = True, leading_mentions: bool = True) -> None:
        self.limit, self.count, self.link_length = limit, count, link_length
        self.mention_hosts, self.leading_mentions = mention_hosts, leading_mentions


class _Settings:
    """Everything merged from the built-in file and the user files, before compiling."""

    def __init__(self, regexes: RegexCache | None = None) -> None:
        self.rules: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, str] = {}
        self.idioms: dict[str, str] = {}
        self.acronyms: set[str] = set()
        self.also_words: set[str] = set()
        self.min_letters = 2
        self.loud_min_letters = 4
        self.loud_words: set[str] = set()
        self.loud_known_words = True  # a long loud word must be a word the encoder's list knows
        self.problem_min_words = 2
        self.signatures: dict[str, str] = {}
        self.cheer: dict[str, str] = {}  # [shouting.cheer]: one word exclaimed near these is play
        self.stern: dict[str, str] = {}  # [shouting.stern]: ... unless one of these is near too
        self.alternatives: dict[str, str] = {}
        self.alternatives_window = 120
        self.english_words: set[str] = set()
        self.english_min_words = 4
        self.english_min_share = 0.2
        self.platforms: dict[str, _Platform] = {}
        self.score: dict[str, int] = {}
        # [learned]: the learned second opinion on `no-empathy` (tui/core/hints_learned.py)
        self.learned: dict[str, Any] = {"enabled": True, "keep": 0.3, "add": 0.9, "max_chars": 1000,
                                        "ignore_after": 3}
        # Every pattern is compiled through this; `HintEngine.load` gives it an on-disk file.
        self.regexes = regexes if regexes is not None else RegexCache()
