"""Whole-draft checks: hints about what a finished draft lacks (`no-empathy`, `no-next-step`) or
how long it is, and the cheap English guess that keeps them quiet on other languages.

They judge the draft as a whole, so the editor asks for them only when the agent pauses or sends.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tui.core.hints_learned import (
    LEARNED_CATEGORY,
    LEARNED_FILE,
    LearnedError,
    LearnedReading,
    PieceTable,
    build_pieces,
    read_weights,
)
from tui.core.hints_length import measure
from tui.core.hints_match import _Scanner
from tui.core.hints_types import Hint, Rule, _Platform, _Settings
from tui.rules import data_file

_NOT_PROSE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;")
_PROSE_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class WholeDraftChecks:
    """The kind = "absence" rules, each with its pattern, `when`, `unless` and harm scanners."""

    def __init__(self, rules: list[Rule], settings: _Settings) -> None:
        regexes = settings.regexes

        def scanner(regex: re.Pattern[str] | None) -> _Scanner | None:
            return _Scanner(regex.pattern, regex.flags, {}, regexes) if regex is not None else None

        self.entries = [
            (rule, _Scanner(rule.regex.pattern, rule.regex.flags, {}, regexes),
             scanner(rule.when), scanner(rule.unless), scanner(rule.speak_regex))
            for rule in rules
            if rule.kind == "absence" and rule.regex
        ]
        # kind = "learned": a reading that adds its category's hint where no pattern found it
        self.readers = [(rule, scanner(rule.unless)) for rule in rules
                        if rule.kind == "learned" and rule.model]
        self._readings: dict[str, LearnedReading | None] = {}
        self.learned_options = dict(settings.learned)
        self._regexes = regexes
        self._learned: LearnedReading | None = None
        self._learned_loaded = False
        self._known_words: Mapping[str, int] | None = None
        self._english_words = frozenset(settings.english_words)
        self._english_min_words = settings.english_min_words
        self._english_min_share = settings.english_min_share

    @property
    def learned(self) -> LearnedReading | None:
        """The learned reading of `no-empathy`, loaded on first use; None when [learned] is off."""
        if not self._learned_loaded:
            self._learned_loaded = True
            options = self.learned_options
            if options.get("enabled", True):
                weights, bias, pieces = self._weights()
                self._learned = LearnedReading(LEARNED_CATEGORY, weights, bias, options["keep"],
                                               options["add"], options["max_chars"], build_pieces(pieces))
        return self._learned

    @learned.setter
    def learned(self, reading: LearnedReading | None) -> None:
        self._learned, self._learned_loaded = reading, True

    def _weights(self, name: str = LEARNED_FILE, category: str = LEARNED_CATEGORY,
                 ) -> tuple[dict[str, float], float, PieceTable | None]:
        """A packaged reading's weights, bias and word pieces, through the engine's cache."""
        stat = data_file(name).stat()
        key = f"{name}:{category}:{stat.st_size}:{stat.st_mtime_ns}"

        def read() -> tuple[dict[str, float], float, PieceTable | None]:
            return read_weights(None, name, category)

        # "learned2": the cached value holds the word pieces too (a cache of session 40's
        # two-part value is never read as one)
        return self._regexes.memo("learned2", key, 0, read)

    def known_words(self) -> Mapping[str, int]:
        """The sentence encoder's vocabulary (lowercase words and pieces), loaded on first use: the
        shouting check asks it whether a long capitalised word is English. Empty if unreadable."""
        if self._known_words is None:
            reading = self.learned
            if reading is not None and reading.pieces is not None:
                self._known_words = reading.pieces.vocab
            else:
                try:
                    table = self._weights()[2]
                except LearnedError:
                    table = None
                self._known_words = {} if table is None else {piece: i for i, piece in enumerate(table[0])}
        return self._known_words

    def reading(self, rule: Rule) -> LearnedReading | None:
        """A kind = "learned" rule's reading, loaded on first use (None when [learned] is off)."""
        if rule.id not in self._readings:
            reading = None
            if self.learned_options.get("enabled", True) and rule.model:
                weights, bias, pieces = self._weights(rule.model, rule.category)
                max_chars = self.learned_options["max_chars"]
                reading = LearnedReading(rule.category, weights, bias, add=rule.add, max_chars=max_chars,
                                         pieces=build_pieces(pieces))
            self._readings[rule.id] = reading
        return self._readings[rule.id]

    def scanners(self) -> list[_Scanner]:
        absence = [s for _, *scans in self.entries for s in scans if s is not None]
        return absence + [unless for _, unless in self.readers if unless is not None]

    def categories(self) -> frozenset[str]:
        return frozenset(entry[0].category for entry in self.entries)

    def check(self, text: str, folded: str, ascii_text: bool, found: set[str],
              replying_to: str | None = None, said: Sequence[tuple[str, bool]] = ()) -> list[Hint]:
        """Absence hints: only for English drafts, and only where the rule's condition holds.

        A rule speaks when its `when` matches or a hint of a `when_hints` category was found; an
        `unless` match (a question, a greeting, a link) lets the draft pass, except when such a
        hint was found: a refusal with a friendly opening still lacks the warmth. In reply to a
        mention of a `quiet_replying_to` kind, only such a hint makes the rule speak; in reply to
        one of a `speak_replying_to` kind, the rule speaks as if such a hint were found, and its
        `light_pattern` (small talk) does not satisfy it; its `speak_message` says what harm needs.
        In reply to a `problem_replying_to` kind, `when` is taken as met: the reply deals with a
        problem whatever its words, and `unless` and the learned reading still have their say.
        A kind = "learned" rule's hint counts as found too: blame a reading finds in new words
        makes missing warmth as certain as blame a phrase found. A `once_per_thread` rule passes
        when one of our earlier replies in the thread (`said`: folded, and whether ASCII)
        satisfies it, unless a `when_hints` hint was found in this draft.
        """
        read = self._readings_say(text, folded, ascii_text, found)
        if read:
            if not self.is_english(text):
                return []
            found = found | {hint.category for hint in read}
        out: list[Hint] = []
        english: bool | None = None
        for rule, scanner, when, unless, speak in self.entries:
            harm = replying_to in rule.speak_replying_to
            warned = harm or bool(rule.when_hints & found)
            if not warned and replying_to in rule.quiet_replying_to:
                continue
            satisfied_by = speak if harm and speak is not None else scanner  # no small talk for harm
            if (rule.once_per_thread and not rule.when_hints & found
                    and any(satisfied_by.pick(a).search(f) for f, a in said)):
                continue  # said already in this thread: "Got it. Which iOS version?" follows a sorry
            problem = replying_to in rule.problem_replying_to
            says = self._rules_say(satisfied_by, when, unless, folded, ascii_text, warned,
                                   gated=not problem and (when is not None or bool(rule.when_hints)))
            if rule.category == LEARNED_CATEGORY and (reading := self.learned) is not None:
                says = reading.decide(text, says, certain=warned)
            if not says:
                continue
            if english is None:
                english = self.is_english(text)
            if not english:
                break
            message = rule.speak_message if harm and rule.speak_message else rule.message
            out.append(Hint(rule.id, rule.category, None, None, message, None, rule.severity))
        return out + read

    def _readings_say(self, text: str, folded: str, ascii_text: bool, found: set[str]) -> list[Hint]:
        """The kind = "learned" rules' hints: where no pattern found the category already (it said
        so with the words and a rewrite), the draft is long enough, `unless` does not match and
        the reading is sure enough."""
        out: list[Hint] = []
        for rule, unless in self.readers:
            if rule.category in found or len(text.split()) < rule.min_words:
                continue
            if unless is not None and unless.pick(ascii_text).search(folded) is not None:
                continue
            if (reading := self.reading(rule)) is None or not reading.decide(text, False, certain=False):
                continue
            out.append(Hint(rule.id, rule.category, None, None, rule.message, None, rule.severity))
        return out

    @staticmethod
    def _rules_say(scanner: _Scanner, when: _Scanner | None, unless: _Scanner | None, folded: str,
                   ascii_text: bool, warned: bool, *, gated: bool) -> bool:
        """The rule's own verdict: its condition holds and nothing it lists is in the draft."""
        if gated and not warned and (when is None or when.pick(ascii_text).search(folded) is None):
            return False
        if unless is not None and not warned and unless.pick(ascii_text).search(folded):
            return False
        return scanner.pick(ascii_text).search(folded) is None

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


def too_long(rule: Rule, text: str, platform: str | None, platforms: dict[str, _Platform],
             before: str = "") -> Hint | None:
    """The part past the platform's limit, counted the platform's way, or None. `before` is what
    the sender will put before the text (Mastodon: the author's @handle): it counts, unmarked."""
    spec = platforms.get((platform or "").lower())
    if spec is None or spec.limit is None:
        return None
    count, cut = measure(before + text, spec)
    if cut is None:
        return None
    cut = max(0, cut - len(before))
    unit = "characters" if spec.count == "weighted" else spec.count  # X calls its units characters
    values = {"count": count, "limit": spec.limit, "platform": platform, "unit": unit}
    try:
        message = rule.message.format_map(values)
    except (KeyError, ValueError, IndexError):
        message = rule.message
    return Hint(rule.id, rule.category, cut, len(text), message, None, rule.severity)


def length(text: str, platform: str | None, platforms: dict[str, _Platform],
           before: str = "") -> tuple[int, int | None]:
    """(length counted the platform's way, `before` included; its limit or None)."""
    spec = platforms.get((platform or "").lower())
    if spec is None:
        return len(before + text), None
    return measure(before + text, spec)[0], spec.limit
