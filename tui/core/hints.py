"""Positive-language hints for reply drafts: where the words close doors, excuse or blame.

The public API (`HintEngine`, `Hint`, `HintRuleError`, `CATEGORIES`, `apply_suggestion`,
`validate_rule_file`) lives here; the work is split by job: `tui.core.hints_types` (categories, rule
fields, the compiled rule), `tui.core.hints_rules` (loading and checking rule files), `tui.core.hints_match`
(folding, ASCII stand-ins, combined alternations, start guards), `tui.core.hints_factor` (those
alternations rewritten by first character for the engine), `tui.core.hints_draft` (whole-draft
checks and the English guess) and `tui.core.hints_rewrite` (suggestions).

The rules are all data, in `tui/rules/data/hints.toml` plus the user's rule directory. Offsets are
character offsets into the draft as typed: curly apostrophes are folded to straight ones before
matching, which keeps every offset unchanged.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from tui.core.hints_draft import WholeDraftChecks, length, too_long
from tui.core.hints_match import (
    _ascii_probe,
    _caps_pattern,
    _fold,
    _guarded_union,
    _Lazy,
    _overlaps,
    _prefiltered,
    _Scanner,
    _Spans,
)
from tui.core.hints_rewrite import (
    _GROUP_REF,
    _expand,
    _shape,
    apply_suggestion,
    changed_region,
    clause_span,
    ends_clause,
    is_aside,
    shape_clause,
    suggestion_span,
)
from tui.core.hints_rules import (
    _builtin_text,
    _compile,
    _merge_file,
    _parse_toml,
    _pattern_text,
    _raise,
    _read_user_file,
    validate_rule_file,
)
from tui.core.hints_types import CATEGORIES, Hint, HintRuleError, Rule, _Settings
from tui.core.wordpiece import english_like
from tui.rules.datafile import located
from tui.rules.regexcache import RegexCache

TYPE_CHECKING = False  # typing is for the type checker: importing it slows `lint` start-up
if TYPE_CHECKING:
    from typing import Any

    from tui.core.hints_learned import LearnedReading

__all__ = [
    "CACHE_FILE_NAME",
    "CATEGORIES",
    "Hint",
    "HintEngine",
    "HintRuleError",
    "apply_suggestion",
    "changed_region",
    "suggestion_span",
    "validate_rule_file",
]

CACHE_FILE_NAME = "hint-patterns.marshal"
"""The compiled-pattern cache in the user's cache dir, shared by `lint` and the reply editor."""
# How far either side of a stressed word `_in_play` reads: about a reply (X allows 280).
_PLAY_WINDOW = 280
# where a sentence of one word may start: the draft's start (after any @handles), a sentence's end,
# or a symbol such as an emoji
_SENTENCE_OPENS = re.compile(r"(?:^(?:@[\w.]+\s+)*|[.!?\u2026]\s*|[^\w\s,;:'\"()&-]\s*)$")


_RUN_SPLIT = re.compile(r"[ \t,;:.\-]+")  # the separators of `_caps_pattern`'s runs
_APOSTROPHE = re.compile(r"['&\u2019]")
_ELONGATED = re.compile(r"([a-z])\1\1")  # "NOOOO", "PLEASEEE": a drawn-out word is loud


def _strip_accents(word: str) -> str:
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


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
        idioms = _guarded_union(regexes, [f"(?i:{p})" for p in settings.idioms.values()])
        self._idioms = _Scanner(idioms, re.IGNORECASE, {}, regexes) if idioms else None
        alternatives = _guarded_union(regexes, [f"(?i:{p})" for p in settings.alternatives.values()])
        self._alternatives = _Scanner(alternatives, re.IGNORECASE, {}, regexes) if alternatives else None
        self._alternatives_window = settings.alternatives_window
        signatures = "|".join(f"(?:{p})" for p in settings.signatures.values())
        self._signatures = regexes.compile(signatures) if signatures else None
        cheer = "|".join(f"(?:{p})" for p in settings.cheer.values())
        stern = "|".join(f"(?:{p})" for p in settings.stern.values())
        self._cheer = regexes.compile(cheer, re.IGNORECASE) if cheer else None
        self._stern = regexes.compile(stern, re.IGNORECASE) if stern else None
        self._scanners: list[_Scanner] = []
        self._solo: list[Rule] = []
        self._drafts = WholeDraftChecks(self.rules, settings)
        self._shout_min_words = settings.problem_min_words
        self._loud_known = settings.loud_known_words
        self._loud_words = frozenset(settings.loud_words)
        self._acronyms = frozenset(settings.acronyms)
        self._loud_min_letters = max(settings.loud_min_letters, settings.min_letters, 1)
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
            # Each alternative behind its own start guard too: the engine then drops most rules
            # at a word with one character test instead of entering each (~25% of a dense lint).
            combined = "|".join(
                _prefiltered(regexes, f"(?P<{name}>{self._scoped(rule)})") for name, rule in names.items()
            )
            # Case folding for the whole alternation when no rule in it minds case: the lowered scan
            # (`_Scanner.scan`) then applies. The start guards already hold both cases.
            caseless = all(rule.regex is not None and rule.regex.flags & re.IGNORECASE for rule in rules)
            flags = re.IGNORECASE if caseless else 0
            self._scanners.append(_Scanner(_prefiltered(regexes, combined), flags, names, regexes))
        # Stand-ins are only faithful when no pattern names a non-ASCII character itself.
        patterns = [s.pattern for s in self._scanners]
        patterns += [r.regex.pattern for r in self._solo if r.regex is not None]
        # The whole-draft checks are left out: they read the draft itself (see `check`).
        patterns += [self._signatures.pattern] if self._signatures else []
        lookups = [s for s in (self._idioms, self._alternatives) if s is not None]
        patterns += [s.pattern for s in lookups]
        self._ascii_patterns = all(p.isascii() for p in patterns)
        # Compile now what checks will use (ASCII mode only, when the stand-ins make every draft
        # ASCII), so the first keystroke does not pay for it and the cache file can be written.
        modes = (True,) if self._ascii_patterns else (True, False)
        for scanner in self._scanners + lookups:
            for ascii_mode in modes:
                if not ascii_mode or scanner.lowered() is None:
                    scanner.pick(ascii_mode)
        for scanner in self._drafts.scanners():
            scanner.pick(True)  # a non-ASCII draft compiles the Unicode copy on its first pause
        if regexes.path is not None:  # a command (lint): keep the learned weights in the cache too
            self.warm()
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
        speak = None
        if kind == "absence" and regex is not None:
            if "light_pattern" in fields:
                # in reply to harm the pattern alone counts; elsewhere small talk does too
                speak = regexes.compile(_prefiltered(regexes, regex.pattern, icase), regex.flags)
                light = _pattern_text(fields["light_pattern"], source, rule_id, "light_pattern")
                regex = regexes.compile(f"{regex.pattern}|{light}", regex.flags)
            regex = regexes.compile(_prefiltered(regexes, regex.pattern, icase), regex.flags)
        when = unless = None
        if kind == "absence" and "when" in fields:
            text = _pattern_text(fields["when"], source, rule_id, "when")
            when = regexes.compile(_prefiltered(regexes, text, True), re.IGNORECASE)
        if kind in ("absence", "learned") and "unless" in fields:
            text = _pattern_text(fields["unless"], source, rule_id, "unless")
            unless = regexes.compile(_prefiltered(regexes, text, True), re.IGNORECASE)
        combinable = (
            regex is not None
            and not regex.groupindex
            and not re.search(r"\\[1-9]|\(\?P=|\\g<", regex.pattern)
        )
        return Rule(
            model=fields.get("model") if kind == "learned" else None,
            add=float(fields.get("add", 1.0)),
            min_words=int(fields.get("min_words", 1)),
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
            quiet_replying_to=frozenset(fields.get("quiet_replying_to", ())),
            problem_replying_to=frozenset(fields.get("problem_replying_to", ())),
            speak_replying_to=frozenset(fields.get("speak_replying_to", ())),
            speak_regex=speak,
            speak_message=fields.get("speak_message"),
            once_per_thread=fields.get("once_per_thread", False),
            replaces=fields.get("replaces", "match"),
        )

    @classmethod
    def load(cls, user_rules_dir: Path | None = None, cache_file: Path | None = None) -> HintEngine:
        """Built-in rules, then every `*.toml` in `user_rules_dir` in name order.

        `cache_file` keeps the compiled patterns between runs (see `tui.rules.regexcache`): a command
        that loads the rules per run should pass one, or compiling them costs more than the lint.
        """
        settings = _Settings(regexes=RegexCache(cache_file))
        errors: list[str] = []
        text = _builtin_text()
        builtin = settings.regexes.memo("toml", text, 0, lambda: _parse_toml(text))
        _merge_file(settings, builtin, "tui/rules/data/hints.toml", _raise)
        if user_rules_dir is not None and Path(user_rules_dir).is_dir():
            for path in sorted(Path(user_rules_dir).glob("*.toml")):
                try:
                    data, text = _read_user_file(path)
                except HintRuleError as error:
                    errors.append(str(error))
                    continue
                def note(error: HintRuleError, text: str = text) -> None:
                    errors.append(str(located(error, text, "rules")))

                _merge_file(settings, data, str(path), note)
        return cls(settings, errors)

    # -- checking -------------------------------------------------------------------------------

    def check(self, text: str, platform: str | None = None, *, whole_draft: bool = True,
              replying_to: str | None = None, before: str = "",
              earlier: Sequence[str] = ()) -> list[Hint]:
        """All hints for `text`, sorted by start; whole-draft hints come last.

        `whole_draft=False` leaves out the hints that judge a finished draft (no-empathy,
        no-next-step): the editor asks for them only once the agent pauses or sends.
        `replying_to` is the kind of the mention answered (praise, complaint, ...), if known: a
        rule may stay quiet on replies to some kinds (`quiet_replying_to`). `before` is what the
        platform's sender puts before the text (a reply's @handle): it counts toward the length.
        `earlier` are our replies already in this thread: what a `once_per_thread` rule asks for,
        said in one of them, needs no saying again.
        """
        if not text or text.isspace():
            return []
        folded = _fold(text)
        ascii_text = folded.isascii()
        # The whole-draft checks read the draft itself, not its ASCII stand-ins: their warmth list
        # names emoji ("Which app is it? 🙂" is not cold), and they run only on a pause or a send.
        draft, draft_ascii = folded, ascii_text
        if not ascii_text and self._ascii_patterns:
            folded, ascii_text = _ascii_probe(folded), True
        idioms, alternatives_scan = self._idioms, self._alternatives
        lowered = folded.lower() if ascii_text else folded  # ASCII: same length, same offsets
        idiom_spans = _Spans(*idioms.scan(ascii_text, folded, lowered)) if idioms is not None else None
        alternatives = (_Lazy(*alternatives_scan.scan(ascii_text, folded, lowered))
                        if alternatives_scan is not None else None)
        spans: list[Hint] = []
        for scanner in self._scanners:
            regex, subject = scanner.scan(ascii_text, folded, lowered)
            for match in regex.finditer(subject):
                rule = scanner.rules[match.lastgroup or ""]
                if rule.kind == "caps" and (self._in_signature(folded, match.span())
                                            or self._in_play(draft, match.span())
                                            or self._names_a_thing(draft, match.span())):
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
            hint = too_long(rule, text, platform, self.platforms, before)
            if hint is not None:
                spans.append(hint)
        spans.sort(key=lambda h: (h.start, h.end, h.rule))
        if whole_draft:
            found = {hint.category for hint in spans if self._tells_of_a_problem(hint, text)}
            said = [(f, f.isascii()) for f in map(_fold, earlier)]
            spans.extend(self._drafts.check(text, draft, draft_ascii, found, replying_to, said))
        return spans

    def warm(self) -> None:
        """Load the learned readings and the word list now (the editor does it off the UI thread),
        so the first pause or shouted word does not wait for a model file."""
        _ = self._drafts.learned
        for rule, _unless in self._drafts.readers:
            self._drafts.reading(rule)
        self._drafts.known_words()

    @property
    def learned(self) -> LearnedReading | None:
        """The learned second opinion on `no-empathy` (None: the rules alone)."""
        return self._drafts.learned

    @learned.setter
    def learned(self, reading: LearnedReading | None) -> None:
        self._drafts.learned = reading

    @property
    def learned_options(self) -> dict[str, Any]:
        """[learned] as configured: enabled, keep, add, max_chars, ignore_after."""
        return dict(self._drafts.learned_options)

    @property
    def ignore_after(self) -> int:
        """How many set-asides by agents make an inbox stop flagging a wording (0: never)."""
        return int(self._drafts.learned_options["ignore_after"])  # validated, defaulted in _Settings

    def whole_draft_categories(self) -> frozenset[str]:
        """Categories that judge the finished draft as a whole (shown before sending)."""
        return self._drafts.categories()

    def _tells_of_a_problem(self, hint: Hint, text: str) -> bool:
        """Whether a hint says the draft deals with a problem, for the whole-draft checks' `when_hints`.

        Shouting does only as a run of `[shouting] problem_min_words` words ("WE ARE DOING OUR
        BEST."): one stressed word in a warm reply ("You made us SMILE") or a "!!!" is play, and
        a thank-you owes no next step.
        """
        if hint.category != "shouting" or hint.start is None or hint.end is None:
            return True
        return len(text[hint.start:hint.end].split()) >= self._shout_min_words

    def _in_play(self, draft: str, span: tuple[int, int]) -> bool:
        """Whether `span` is one word exclaimed in a reply that cheers ("even better – YOU! :)").

        The word must end in "!" or "?" ("SCORE!", "WHAT?"), or be a sentence of its own ending in
        "." ("STUNNING. 😍", "in lilac? FIRE. 🔥"); a stressed word inside a sentence ("means SO
        much") stays shouting, as the annotators mostly read it. Read around the word
        (a reply's length either side), so a long draft costs no more per word: a
        `[shouting.cheer]` pattern must be there and no `[shouting.stern]` one (a negation or a
        demand: "we can't do that. NEVER! :)", "Please check the link, it's IMPORTANT! :)").
        `draft` is the draft itself, not its ASCII stand-ins: the cheer list names emoji.
        """
        start, end = span
        if self._cheer is None or len(draft[start:end].split()) != 1:
            return False
        after = draft[end:end + 1]
        alone = after == "." and _SENTENCE_OPENS.search(draft, max(0, start - 200), start) is not None
        if after not in ("!", "?") and not alone:
            return False
        window = draft[max(0, start - _PLAY_WINDOW):end + _PLAY_WINDOW]
        if self._cheer.search(window) is None:
            return False
        return self._stern is None or self._stern.search(window) is None

    def _names_a_thing(self, draft: str, span: tuple[int, int]) -> bool:
        """Whether a run of capitals holds no loud word once words English does not have are left
        out: "reset the NVRAM", "Is SAML SSO on?" name a thing. A listed loud word ("NOT") always
        counts; a long one counts if the encoder's vocabulary holds it whole ("PLEASE", "NEVER")."""
        if not self._loud_known:
            return False
        known = self._drafts.known_words()
        if not known:
            return False  # no word list: every long word stays loud, as before
        for token in _RUN_SPLIT.split(draft[span[0]:span[1]]):  # the draft: not its ASCII stand-ins
            if token in self._loud_words:
                return False
            if len(token) >= self._loud_min_letters and token not in self._acronyms:
                stem = _APOSTROPHE.split(token, 1)[0].lower()  # "THEY'RE" -> "they"
                if not stem.isascii():
                    stem = _strip_accents(stem)  # BERT's uncased list has no accents: "CAFÉ" -> "cafe"
                # another script ("ЖДИТЕ ОТВЕТА") is not the list's to judge: loud, as before
                if not stem.isascii() or _ELONGATED.search(stem) or english_like(stem, known):
                    return False
        return True

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
        return self._drafts.is_english(text)

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
            if _overlaps((start, end), idiom_spans.get()):
                return None
        if rule.alternatives and alternatives is not None:
            if alternatives.spans is None:
                alternatives.spans = alternatives.find()
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
            if ((rule.replaces == "clause-end" and not ends_clause(folded, end))
                    or (rule.replaces == "aside" and not is_aside(folded, end))):
                return Hint(rule.id, rule.category, start, end, rule.message, None, rule.severity)
            if rule.replaces == "clause":
                clause = clause_span(folded, start, end)
                if clause is None:
                    return Hint(rule.id, rule.category, start, end, rule.message, None, rule.severity)
                suggestion = shape_clause(suggestion, folded, clause[0])
                if clause != (start, end):
                    return Hint(rule.id, rule.category, start, end, rule.message, suggestion,
                                rule.severity, clause)
        return Hint(rule.id, rule.category, start, end, rule.message, suggestion, rule.severity)

    def length(self, text: str, platform: str | None, before: str = "") -> tuple[int, int | None]:
        """(length counted the platform's way, `before` included (see `check`); its limit or None)."""
        return length(text, platform, self.platforms, before)

    def score(self, text: str, hints: list[Hint] | None = None) -> int:
        """Tone score 0..100 (100 = nothing to improve); each hint costs its severity's weight."""
        if hints is None:
            hints = self.check(text)
        return max(0, 100 - sum(self.weights.get(h.severity, 0) for h in hints))

