"""Triage: sentiment label, kind, priority, starting queue and topics for one mention.

Sentiment is VADER, extended for what a support inbox sees: slang, emoji, plain-worded problems
("still no update", "on hold for ages"), ironic thanks and sarcasm. We extend VADER rather than
replace it: extra lexicon and emoji entries go into one analyzer instance (VADER's own negation,
boosters and capitals apply to them), and phrase rules cut each matched phrase out and add its
valence to VADER's raw sum for the rest of the text, so a phrase that already says what it means
("still no update", "never had an issue") is not negated again. Sarcasm is a positive marker whose
mention reads negative without it; it then counts against the mention.

Kind comes from crisis patterns first (breach, safety, food poisoning, legal, discrimination, and
outages with a sign of scale), then news/jobs/events cues, then sentiment, problem phrases and
question form. A mention that names a problem needs clearly happy words to read positive (mixed
"love the shows, hate the ads" is a complaint); a plain one-sentence question needs clearly
unhappy words to read negative ("is water damage covered?" is a question). Priority sits in a
per-kind band so every crisis outranks every complaint.

Every word list, pattern, weight and threshold comes from ``tui/data/triage.toml``; a user file is
merged over it by `Triager.load`. Nothing here imports Textual or Rich.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tui.triage_lang import LanguageDetector, LanguageRules
from tui.triage_model import (
    TextFeatures,
    TriageModel,
    Weighed,
    packaged_model,
    softmax,
    text_features,
)

__all__ = [
    "Reason", "TriageConfigError", "TriageResult", "Triager",
    "describe_verdict", "explain", "queue_for",
]

LABELS = ("negative", "neutral", "positive")
KINDS = ("complaint", "question", "praise", "crisis", "other")
QUEUE_IDS = ("priority", "needs-reply", "champions", "waiting", "escalated", "walked-away", "done")
NEW_QUEUES = ("priority", "needs-reply", "champions")

PACKAGED = "triage.toml"
# Rule patterns run on lowercased text without re.IGNORECASE, which is several times slower.
_FLAGS = 0
_ESCAPE = re.compile(r"\\.")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"'})
_LEADING_HANDLES = re.compile(r"^(?:\s*[@#]\w+[:,]?)+\s*")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"[@#][\w.@-]*\w")  # @user@host.social, @user.bsky.social, #tag
_HANDLE_ONLY = re.compile(r"@\w+")
_WORD = re.compile(r"[a-z][a-z0-9'&-]*[a-z0-9]|[a-z]")
_NEUTRAL_TOKEN = "xxneutral"
_VADER_ALPHA = 15.0  # vaderSentiment.normalize's default
# VADER looks up to three words back for a negation, across sentence ends too ("no water.
# Unacceptable." reads as "not unacceptable"); three neutral tokens after each sentence stop it.
_SENTENCE_END = re.compile(r"([.!?]+)\s+")
_SENTENCE_BREAK = r"\1 xxbreak xxbreak xxbreak "
_MORE_SENTENCES = re.compile(r"[.!?]+\s+\S")


class TriageConfigError(ValueError):
    """A triage rules file that cannot be used; the message names the file and the key."""

    def __init__(self, path: str, key: str, message: str) -> None:
        self.path = path
        self.key = key
        super().__init__(f"{path}: {key}: {message}")


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing that weighed in a verdict: a rule that fired or a word the model leant on.

    `source` is "crisis" (a crisis pattern), "phrase" (a phrase rule), "rule" (another rule
    signal, e.g. sarcasm or question form), "word" (the model's word or word pair), "language" or
    "store" (this store's corrections); `weight` is signed: + pulled toward the verdict, - away.
    """

    source: str
    text: str
    weight: float = 0.0

    def __str__(self) -> str:
        sign = f"{self.weight:+.2f} " if self.weight else ""
        return f"{sign}{self.source}: {self.text}"


@dataclass(frozen=True, slots=True)
class TriageResult:
    label: str  # negative|neutral|positive
    sentiment: float  # [-1, 1]; its sign always agrees with `label` (neutral: |s| < 0.05)
    kind: str  # complaint|question|praise|crisis|other
    priority: int  # 0..100
    queue: str  # priority|needs-reply|champions
    topics: tuple[str, ...]
    lang: str = "en"  # ISO 639-1; anything but "en" means the mention was not triaged
    why: tuple[Reason, ...] = ()  # filled when asked for (`explain=True`)

    @property
    def untriaged(self) -> bool:
        """Not in English: label and kind are placeholders, not a judgement."""
        return self.lang != "en"

    def describe(self) -> str:
        """The verdict in a few words, as the detail pane and the CLI show it."""
        return describe_verdict(self.as_dict())

    def as_dict(self) -> dict[str, Any]:
        """The fields as stored on a mention (topics as a list, so it round-trips through JSON)."""
        return {
            "label": self.label,
            "sentiment": self.sentiment,
            "kind": self.kind,
            "priority": self.priority,
            "queue": self.queue,
            "topics": list(self.topics),
            "lang": self.lang,
        }


def describe_verdict(mention: dict[str, Any]) -> str:
    """"negative complaint (-0.62)" or "untriaged (language: ja)", from a stored mention's fields."""
    lang = mention.get("lang") or "en"
    if lang != "en":
        return f"untriaged (language: {lang})"
    return (f"{mention.get('label', 'neutral')} {mention.get('kind', 'other')} "
            f"({mention.get('sentiment', 0.0):+.2f})")


# --- loading and merging ---------------------------------------------------------------------


def _packaged_text() -> str:
    return resources.files("tui.data").joinpath(PACKAGED).read_text("utf-8")


@cache
def _packaged_config() -> dict[str, Any]:
    return tomllib.loads(_packaged_text())


# Tables a user may add new keys to; anywhere else an unknown key is a typo.
OPEN_TABLES = frozenset({"lexicon", "emoji", "phrases", "topics.aliases"})
PHRASE_KEYS = frozenset({"valence", "patterns", "problem", "topic"})


def merge(base: dict[str, Any], over: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """Merge `over` onto `base`: tables recurse, lists extend, scalars replace.

    An unknown key, or a value whose type differs from the packaged one, is refused with the key
    named, so a typo in a user file fails loudly instead of silently disabling a rule.
    """
    out = dict(base)
    for key, value in over.items():
        path = f"{prefix}{key}"
        if key not in base:
            if prefix.rstrip(".") not in OPEN_TABLES:
                raise TriageConfigError(where, path, "unknown key")
            out[key] = value
            continue
        old = base[key]
        if isinstance(old, dict):
            if not isinstance(value, dict):
                raise TriageConfigError(where, path, "must be a table")
            out[key] = merge(old, value, where, f"{path}.")
        elif isinstance(old, list):
            if not isinstance(value, list):
                raise TriageConfigError(where, path, "must be a list (it extends the packaged list)")
            out[key] = [*old, *value]
        elif isinstance(old, bool) or isinstance(value, bool):
            if type(old) is not type(value):
                raise TriageConfigError(where, path, f"must be {type(old).__name__}")
            out[key] = value
        elif isinstance(old, int | float):
            if not isinstance(value, int | float):
                raise TriageConfigError(where, path, "must be a number")
            out[key] = value
        elif type(old) is not type(value):
            raise TriageConfigError(where, path, f"must be {type(old).__name__}")
        else:
            out[key] = value
    return out


class _Reader:
    """Typed access to the merged config; every error names the file and the dotted key."""

    def __init__(self, data: dict[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    def fail(self, key: str, message: str) -> TriageConfigError:
        return TriageConfigError(self.where, key, message)

    def get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise self.fail(key, "missing")
            node = node[part]
        return node

    def table(self, key: str) -> dict[str, Any]:
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def number(self, key: str, low: float | None = None, high: float | None = None) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "must be a number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(key, f"must be between {low} and {high}")
        return float(value)

    def strings(self, key: str) -> list[str]:
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return value

    def string(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise self.fail(key, "must be a string")
        return value

    def regex(self, key: str, patterns: Iterable[str] | None = None) -> re.Pattern[str] | None:
        """Compile one pattern or a list of them into one alternation (one pass per mention)."""
        items = [self.string(key)] if patterns is None else list(patterns)
        for index, pattern in enumerate(items):
            label = key if patterns is None else f"{key}[{index}]"
            try:
                re.compile(pattern)
            except re.error as error:
                raise self.fail(label, f"bad regular expression {pattern!r}: {error}") from None
            if any(ch.isupper() for ch in _ESCAPE.sub("", pattern)):
                raise self.fail(label, f"{pattern!r}: patterns match lowercased text; "
                                "write them in lowercase")
        if not items:
            return None
        try:
            return re.compile(_join(items), _FLAGS)
        except re.error:  # a construct the splitter misread: the plain join is always valid
            return re.compile("|".join(f"(?:{p})" for p in items), _FLAGS)

    def regex_list(self, key: str) -> re.Pattern[str] | None:
        return self.regex(key, self.strings(key))


def _alternatives(pattern: str) -> list[str]:
    """The top-level `|` alternatives of a pattern (not those inside groups or [classes])."""
    out: list[str] = []
    depth = start = 0
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":  # a leading ] is a literal
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _join(patterns: list[str]) -> str:
    """One alternation of `patterns` that matches exactly what `(?:p1)|(?:p2)|...` matches.

    Runs of alternatives that start with a word boundary share one: `\\b(?:a|b)` is the same
    ordered choice as `\\ba|\\bb`, but Python's engine then tests the boundary once per position
    and can skip each branch on its first letter, about three times faster on these rule lists.
    """
    parts: list[str] = []
    run: list[str] = []
    for alternative in (a for p in patterns for a in _alternatives(p)):
        if alternative.startswith(r"\b"):
            run.append(f"(?:{alternative[2:]})")
            continue
        if run:
            parts.append(r"\b(?:" + "|".join(run) + ")")
            run = []
        parts.append(f"(?:{alternative})")
    if run:
        parts.append(r"\b(?:" + "|".join(run) + ")")
    return "|".join(parts)


@dataclass(frozen=True, slots=True)
class _PhraseGroup:
    name: str
    pattern: re.Pattern[str]
    valence: float
    problem: bool
    topic: str | None


class _QueueRules:
    """Kind -> starting queue, with negative mentions sent to one queue (bar listed kinds)."""

    def __init__(self, cfg: _Reader) -> None:
        self.by_kind: dict[str, str] = {}
        for kind in KINDS:
            self.by_kind[kind] = self._queue_id(cfg, f"queue.{kind}")
        self.negative = self._queue_id(cfg, "queue.negative")
        self.negative_except = frozenset(cfg.strings("queue.negative_except"))
        for kind in self.negative_except:
            if kind not in KINDS:
                raise cfg.fail("queue.negative_except", f"unknown kind {kind!r}")

    @staticmethod
    def _queue_id(cfg: _Reader, key: str) -> str:
        queue = cfg.string(key)
        if queue not in NEW_QUEUES:
            raise cfg.fail(key, f"must be one of {', '.join(NEW_QUEUES)}")
        return queue

    def queue(self, kind: str, label: str) -> str:
        if label == "negative" and kind not in self.negative_except:
            return self.negative
        return self.by_kind.get(kind, "needs-reply")


def _normalize(total: float) -> float:
    """VADER's squashing of a raw valence sum into [-1, 1]."""
    return total / math.sqrt(total * total + _VADER_ALPHA)


def _unnormalize(compound: float) -> float:
    """The raw valence sum behind a VADER compound score (the inverse of `_normalize`)."""
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(_VADER_ALPHA / (1 - c * c))


def _found(pattern: re.Pattern[str] | None, low: str) -> bool:
    return pattern is not None and pattern.search(low) is not None


@dataclass(frozen=True, slots=True)
class _Text:
    """Text in its own case (VADER reads CAPITALS as emphasis) and lowercased (rules match that)."""

    cased: str
    low: str

    @classmethod
    def of(cls, text: str) -> _Text:
        low = text.lower()
        # Lowercasing a few characters changes the length; then spans would not line up.
        return cls(text if len(low) == len(text) else low, low)

    def replace(self, pattern: re.Pattern[str], token: str) -> tuple[_Text, int]:
        """Replace every match (found in the lowercase text) by ` token ` in both versions."""
        cased: list[str] = []
        low: list[str] = []
        last = 0
        for match in pattern.finditer(self.low):
            start, end = match.span()
            cased.append(self.cased[last:start])
            low.append(self.low[last:start])
            cased.append(f" {token} ")
            low.append(f" {token} ")
            last = end
        if not cased:
            return self, 0
        cased.append(self.cased[last:])
        low.append(self.low[last:])
        return _Text("".join(cased), "".join(low)), len(cased) // 2


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the sentiment pass learnt about a mention, for the kind rules."""

    low: str  # lowercased, quotes normalised
    compound: float
    label: str
    is_question: bool
    problem: bool  # a problem phrase matched
    personal: bool  # first person, or addressed to someone
    news: bool  # a news / jobs / events cue matched
    topics: tuple[str, ...]  # from phrase rules
    sarcastic: bool  # praise words read as irony
    plain_question: bool  # one sentence that opens as a question
    phrases: tuple[str, ...]  # names of the phrase groups that matched
    pos: float  # VADER's share of positive words in what the phrase rules left
    neg: float


@dataclass(frozen=True, slots=True)
class _Score:
    compound: float
    problem: bool
    topics: list[str]
    phrases: tuple[str, ...]
    pos: float
    neg: float


# --- the engine --------------------------------------------------------------------------------


class Triager:
    """Turns mention text (+ reach and age) into a `TriageResult`. Build once, reuse: the VADER
    analyzer it owns is slow to construct."""

    def __init__(self, config: dict[str, Any], *, where: str = PACKAGED,
                 model: TriageModel | None = None) -> None:
        """`model` replaces the packaged one (the fitting script scores its folds this way)."""
        self.config = config
        self._analyzer = SentimentIntensityAnalyzer()
        self._build(_Reader(config, where))
        if self._use_model:
            self._model: TriageModel | None = model or packaged_model()
        else:
            self._model = None

    @classmethod
    def load(cls, user_file: Path | None = None) -> Triager:
        """The packaged rules, with `user_file` (if given) merged over them."""
        config = _packaged_config()
        if user_file is None:
            return cls(config)
        where = str(user_file)
        try:
            raw = Path(user_file).read_bytes()
        except OSError as error:
            raise TriageConfigError(where, "-", f"cannot read ({error.strerror})") from None
        try:
            user = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise TriageConfigError(where, "-", f"not valid TOML: {error}") from None
        return cls(merge(config, user, where), where=where)

    # -- building --

    def _build(self, cfg: _Reader) -> None:
        self._build_labels(cfg)
        self._build_lexicon(cfg)
        self._build_phrases(cfg)
        self._build_sarcasm(cfg)
        self._build_kind(cfg)
        self._build_priority(cfg)
        self._build_queue(cfg)
        self._build_topics(cfg)
        self._build_learned(cfg)

    def _build_learned(self, cfg: _Reader) -> None:
        self._use_model = cfg.get("model.enabled")
        if not isinstance(self._use_model, bool):
            raise cfg.fail("model.enabled", "must be true or false")
        self._negative_bias = cfg.number("model.negative_bias", -5, 5)
        use_language = cfg.get("language.enabled")
        if not isinstance(use_language, bool):
            raise cfg.fail("language.enabled", "must be true or false")
        rules = LanguageRules(
            min_letters=int(cfg.number("language.min_letters", 1, 1000)),
            min_confidence=cfg.number("language.min_confidence", 0, 1),
            min_english_words=int(cfg.number("language.min_english_words", 1, 100)),
        )
        self._language = LanguageDetector(rules) if use_language else None

    def _build_labels(self, cfg: _Reader) -> None:
        self._pos = cfg.number("labels.positive", -1, 1)
        self._neg = cfg.number("labels.negative", -1, 1)
        if self._neg >= self._pos:
            raise cfg.fail("labels.negative", "must be below labels.positive")
        self._question_pos = cfg.number("labels.question_positive", -1, 1)
        self._question_neg = cfg.number("labels.question_negative", -1, 1)
        self._problem_pos = cfg.number("labels.problem_positive", -1, 1)
        self._news_pos = cfg.number("labels.news_positive", -1, 1)
        self._crisis_neg_below = cfg.number("labels.crisis_negative_below", -1, 1)

    def _build_lexicon(self, cfg: _Reader) -> None:
        lexicon = self._analyzer.lexicon
        for word in cfg.table("lexicon"):
            key = f"lexicon.{word}"
            if not word or word != word.lower() or any(c.isspace() for c in word):
                raise cfg.fail(key, "must be one lowercase word (use [phrases] for phrases)")
            value = cfg.number(key, -4, 4)
            if value:
                lexicon[word] = value
            else:
                # Dropped, not zeroed: VADER boosts a zero-valence word ("so many stairs lol").
                lexicon.pop(word, None)
        emojis = self._analyzer.emojis
        for index, (char, _value) in enumerate(cfg.table("emoji").items()):
            key = f"emoji.{char}"
            if len(char) != 1:
                raise cfg.fail(key, "must be a single character (one code point)")
            token = f"xxemoji{index}"
            emojis[char] = token
            lexicon[token] = cfg.number(key, -4, 4)

    def _build_phrases(self, cfg: _Reader) -> None:
        groups: list[_PhraseGroup] = []
        for name in cfg.table("phrases"):
            base = f"phrases.{name}"
            for key in cfg.table(base):
                if key not in PHRASE_KEYS:
                    expected = ", ".join(sorted(PHRASE_KEYS))
                    raise cfg.fail(f"{base}.{key}", f"unknown key (expected {expected})")
            valence = cfg.number(f"{base}.valence", -4, 4)
            pattern = cfg.regex_list(f"{base}.patterns")
            problem = cfg.table(base).get("problem", False)
            if not isinstance(problem, bool):
                raise cfg.fail(f"{base}.problem", "must be true or false")
            topic = cfg.table(base).get("topic")
            if topic is not None and not isinstance(topic, str):
                raise cfg.fail(f"{base}.topic", "must be a string")
            if pattern is None:
                continue
            groups.append(_PhraseGroup(name, pattern, valence, problem, topic))
        self._phrases = tuple(groups)

    def _build_sarcasm(self, cfg: _Reader) -> None:
        self._sarcasm = cfg.number("sarcasm.valence", -4, 0)
        self._markers = cfg.regex_list("sarcasm.markers")
        self._signals = cfg.regex_list("sarcasm.signals")
        self._repeat = cfg.regex_list("sarcasm.repeat_cues")

    def _build_kind(self, cfg: _Reader) -> None:
        self._first_person = cfg.regex("kind.first_person")
        self._addressed = cfg.regex("kind.addressed")
        self._question_start = cfg.regex("kind.question_start")
        self._question = cfg.regex_list("kind.question_patterns")
        self._crisis = cfg.regex_list("kind.crisis.patterns")
        self._outage = cfg.regex_list("kind.crisis.outage.outage")
        self._scale = cfg.regex_list("kind.crisis.outage.scale")
        self._other = cfg.regex_list("kind.other.patterns")
        self._not_praise = cfg.regex_list("kind.not_praise")

    def _build_priority(self, cfg: _Reader) -> None:
        weights = [cfg.number(f"priority.{k}_weight", 0, 1) for k in ("sentiment", "reach", "age")]
        if abs(sum(weights) - 1.0) > 1e-6:
            raise cfg.fail("priority", "sentiment_weight + reach_weight + age_weight must be 1")
        self._w_sent, self._w_reach, self._w_age = weights
        self._reach_full = cfg.number("priority.reach_full", 10)
        self._unknown_followers = cfg.number("priority.unknown_followers", 0)
        self._age_full = cfg.number("priority.age_full_hours", 0.01)
        bands: dict[str, tuple[int, int]] = {}
        for kind in KINDS:
            key = f"priority.bands.{kind}"
            band = [cfg.number(f"{key}.{end}", 0, 100) for end in ("low", "high")]
            if band[0] > band[1]:
                raise cfg.fail(key, "low must not be above high")
            bands[kind] = (round(band[0]), round(band[1]))
        top_other = max(high for kind, (_, high) in bands.items() if kind != "crisis")
        if bands["crisis"][0] <= top_other:
            raise cfg.fail("priority.bands.crisis", "its low must be above every other band's high")
        self._bands = bands

    def _build_queue(self, cfg: _Reader) -> None:
        self._queues = _QueueRules(cfg)

    def _build_topics(self, cfg: _Reader) -> None:
        self._topics_max = int(cfg.number("topics.max", 0, 20))
        self._topics_min_len = int(cfg.number("topics.min_length", 1, 20))
        self._drop_suffixes = tuple(cfg.strings("topics.drop_suffixes"))
        self._keep = frozenset(w.lower() for w in cfg.strings("topics.keep"))
        aliases = cfg.table("topics.aliases")
        for word, alias in aliases.items():
            if not isinstance(alias, str):
                raise cfg.fail(f"topics.aliases.{word}", "must be a string")
        self._aliases = {k.lower(): v.lower() for k, v in aliases.items()}
        self._stopwords = frozenset(w.lower() for w in cfg.strings("topics.stopwords.words"))
        self._keep |= {w.lower() for w in cfg.strings("topics.keep_sentiment")}

    # -- scoring --

    def _vader(self, text: str) -> dict[str, float]:
        return self._analyzer.polarity_scores(text)

    def _score(self, text: _Text, fixed: float = 0.0) -> _Score:
        """Compound score of `text` plus its phrase rules; whether a problem phrase matched; topics.

        A matched phrase is cut out (a neutral token keeps the word positions) and its valence is
        added to VADER's raw sum for the rest, so VADER cannot negate a phrase that already says
        what it means ("hasn't shipped and it's been 10 days" is not "not been 10 days").
        `fixed` is valence already cut out by the caller (sarcasm).
        """
        problem = False
        topics: list[str] = []
        groups: list[str] = []
        total = fixed
        for group in self._phrases:
            text, hits = text.replace(group.pattern, _NEUTRAL_TOKEN)
            if hits:
                total += hits * group.valence
                problem = problem or group.problem
                groups.append(group.name)
                if group.topic and group.topic not in topics:
                    topics.append(group.topic)
        scores = self._vader(_SENTENCE_END.sub(_SENTENCE_BREAK, text.cased))
        compound = float(scores["compound"])
        if total:
            compound = _normalize(_unnormalize(compound) + total)
        return _Score(compound, problem, topics, tuple(groups), scores["pos"], scores["neg"])

    def _analyse(self, text: str) -> _Reading:
        """Score the text and note what the kind rules need to know about it."""
        text = text.translate(_QUOTES)
        low = text.lower()
        is_question = self._is_question(low)
        first = _found(self._first_person, low)
        addressed = _found(self._addressed, low)
        news = _found(self._other, low)
        # Handles carry no sentiment, and markers anchored at the start or end must see past them.
        work = _Text.of(" ".join(_HANDLE_ONLY.sub(" ", text).split()))
        sincere = work
        irony = 0.0
        if self._signals is not None:
            work, hits = work.replace(self._signals, _NEUTRAL_TOKEN)
            irony = hits * self._sarcasm
        score: _Score | None = None
        sarcastic = bool(irony)
        if _found(self._markers, work.low):
            # Sarcasm: read the mention without its praise markers; if what is left is bad news,
            # the markers were ironic and count against it.
            assert self._markers is not None
            rest, marks = work.replace(self._markers, _NEUTRAL_TOKEN)
            rest_score = self._score(rest, irony)
            repeat = _found(self._repeat, work.low)
            if (rest_score.compound <= self._neg or rest_score.problem or irony
                    or (repeat and rest_score.compound < self._pos)):
                score = self._score(rest, irony + marks * self._sarcasm)
                sarcastic = True
        if score is None:
            score = self._score(work, irony)
        compound, problem, topics = score.compound, score.problem, score.topics
        if irony and self._signals is not None:
            # An ironic mention's praise counts against it: as bad as it would be good unironically.
            unironic = self._score(sincere.replace(self._signals, _NEUTRAL_TOKEN)[0]).compound
            compound = min(compound, -abs(unironic))
        positive, negative = self._pos, self._neg
        plain = False
        if problem:
            positive = max(positive, self._problem_pos)
        if is_question:
            positive = max(positive, self._question_pos)
            if not problem and self._plain_question(low):
                plain = True
                negative = min(negative, self._question_neg)
        if news and not (first or addressed):
            positive = max(positive, self._news_pos)
        return _Reading(
            low, compound, self._label(compound, positive, negative), is_question, problem,
            first or addressed, news, tuple(topics), sarcastic, plain, score.phrases, score.pos,
            score.neg,
        )

    def _is_question(self, low: str) -> bool:
        body = _LEADING_HANDLES.sub("", low)
        if self._question_start is not None and self._question_start.match(body):
            return True
        return _found(self._question, low)

    def _plain_question(self, low: str) -> bool:
        """One sentence that opens as a question ("is water damage covered?"): its words are what it
        asks about. Anything more ("are you open?? the door says 9 and I'm stood in the rain") may be
        a complaint put as a question, so it keeps the usual threshold."""
        body = _LEADING_HANDLES.sub("", low).strip()
        if self._question_start is None or not self._question_start.match(body):
            return False
        return _MORE_SENTENCES.search(body) is None

    def _label(self, compound: float, positive: float, negative: float) -> str:
        if compound >= positive:
            return "positive"
        if compound <= negative:
            return "negative"
        return "neutral"

    def sentiment(self, text: str) -> tuple[str, float]:
        """The label and VADER-scale compound score [-1, 1] of the text alone."""
        reading = self._analyse(text)
        return reading.label, round(reading.compound, 4)

    def _kind(self, r: _Reading) -> str:
        low, label = r.low, r.label
        if _found(self._crisis, low) or (_found(self._outage, low) and _found(self._scale, low)):
            return "crisis"
        if r.news and not (r.personal and (label == "negative" or r.problem or r.is_question)):
            return "other"
        if label == "negative" or (r.problem and label != "positive"):
            return "complaint"
        if r.is_question:
            return "question"
        # Mentions come from searches for the brand: an upbeat one is praise even when it is not
        # addressed to anyone ("this latte slaps").
        if label == "positive":
            return "praise"
        return "other"

    def _priority(
        self,
        kind: str,
        compound: float,
        followers: int | None,
        created_at: datetime | None,
        now: datetime | None,
    ) -> int:
        low, high = self._bands[kind]
        feeling = max(0.0, compound) if kind == "praise" else max(0.0, -compound)
        reach_count = self._unknown_followers if followers is None else max(0, followers)
        reach = min(1.0, math.log10(1 + reach_count) / math.log10(1 + self._reach_full))
        age = 0.0
        if created_at is not None:
            now = now or datetime.now(UTC)
            hours = (_aware(now) - _aware(created_at)).total_seconds() / 3600
            age = min(1.0, max(0.0, hours / self._age_full))
        mix = self._w_sent * min(1.0, feeling) + self._w_reach * reach + self._w_age * age
        return max(0, min(100, round(low + (high - low) * mix)))

    def queue(self, kind: str, label: str) -> str:
        """The queue a new mention starts in, by these rules' mapping."""
        return self._queues.queue(kind, label)

    def topics(self, text: str, rule_topics: Iterable[str] = ()) -> tuple[str, ...]:
        """A few lowercase keywords for spike detection: phrase-rule topics, then content words."""
        out: list[str] = []
        for topic in rule_topics:
            if topic not in out:
                out.append(topic)
        text = _HANDLE.sub(" ", _URL.sub(" ", text.translate(_QUOTES).lower()))
        lexicon = self._analyzer.lexicon
        for raw in _WORD.findall(text):
            if len(out) >= self._topics_max:
                break
            word = raw.removesuffix("'s").strip("'-")
            word = self._aliases.get(word, word)
            if len(word) < self._topics_min_len or word in self._stopwords or word in out:
                continue
            if word not in self._keep:
                if word.endswith(self._drop_suffixes) and len(word) > 4:
                    continue
                if word in lexicon:
                    continue
            if any(ch.isdigit() for ch in word) and not any(ch.isalpha() for ch in word[1:]):
                continue
            out.append(word)
        return tuple(out[: self._topics_max])

    # -- the learned half --

    def features(self, text: str) -> tuple[TextFeatures, dict[str, float]]:
        """What the model reads: the text's n-grams and the rules' signals (the fitting script's
        input, so fitting and triage cannot read a mention differently)."""
        reading = self._analyse(text)
        return text_features(text), self._rule_signals(reading, self._kind(reading))

    def _rule_signals(self, r: _Reading, kind: str) -> dict[str, float]:
        """The rules' own judgement as model features: score, label, kind, phrase groups, flags."""
        signals = {
            "compound": r.compound, "pos": r.pos, "neg": r.neg,
            f"label={r.label}": 1.0, f"kind={kind}": 1.0,
            f"cbin={min(4, max(-4, int(r.compound * 4.999)))}": 1.0,
        }
        for flag, on in (("question", r.is_question), ("plain_question", r.plain_question),
                         ("problem", r.problem), ("personal", r.personal), ("news", r.news),
                         ("sarcasm", r.sarcastic)):
            if on:
                signals[flag] = 1.0
        for name in r.phrases:
            signals[f"phrase={name}"] = 1.0
        return signals

    # -- the verdict --

    def triage(
        self,
        text: str,
        *,
        followers: int | None = None,
        created_at: datetime | None = None,
        now: datetime | None = None,
        explain: bool = False,
    ) -> TriageResult:
        """Label, kind, priority, queue and topics of one mention. Deterministic given `now`.

        With `explain`, the result's `why` lists the rules that fired and the words that weighed
        most (slower: for the detail pane and `triage --explain`, not for collecting).
        """
        why: list[Reason] = []
        lang = self._language.detect(text) if self._language is not None else "en"
        if lang != "en":
            # Rules and model read English only: say so instead of guessing.
            if explain:
                why.append(Reason("language", f"written in {lang}; triage reads English only"))
            return TriageResult("neutral", 0.0, "other",
                                self._priority("other", 0.0, followers, created_at, now),
                                "needs-reply", self.topics(text), lang, tuple(why))
        reading = self._analyse(text)
        rule_kind = self._kind(reading)
        model = self._model
        if model is None:
            label, kind, score = reading.label, rule_kind, reading.compound
            if kind == "complaint" and label == "neutral":
                label = "negative"
        else:
            feats = text_features(text)
            signals = self._rule_signals(reading, rule_kind)
            logits = model.label.scores(feats, signals)
            probs = softmax(logits)
            if self._negative_bias:
                logits[model.label.classes.index("negative")] += self._negative_bias
            label = model.label.classes[logits.index(max(logits))]
            score = probs[model.label.classes.index("positive")] - probs[
                model.label.classes.index("negative")]
            kind_probs = softmax(model.kind.scores(feats, signals))
            kind = model.kind.classes[kind_probs.index(max(kind_probs))]
            if rule_kind == "crisis":
                kind = "crisis"
            elif rule_kind == "other" and reading.news:
                # News, jobs and events cues say what they mean: the rules' reading stands.
                label, kind, score = reading.label, "other", reading.compound
            elif kind == "complaint" and label == "positive":
                # The two models disagree: take the likelier of the pairs that agree.
                label, kind = max(_POSITIVE_OR_COMPLAINT, key=lambda pair: (
                    probs[model.label.classes.index(pair[0])]
                    * kind_probs[model.kind.classes.index(pair[1])]))
            if explain:
                why += self._model_reasons(model, feats, signals, label, kind)
        label, kind = self._reconcile(reading, label, kind, why if explain else None)
        if explain:
            why[:0] = self._rule_reasons(reading)
        score = _agree(label, score)
        return TriageResult(
            label=label,
            sentiment=round(score, 4),
            kind=kind,
            priority=self._priority(kind, score, followers, created_at, now),
            queue=self.queue(kind, label),
            topics=self.topics(text, reading.topics),
            lang="en",
            why=tuple(why),
        )

    def _reconcile(self, r: _Reading, label: str, kind: str, why: list[Reason] | None) -> tuple[str, str]:
        """Hard rules over the model: harm is never praise, irony is not thanks, and label and kind
        agree with each other."""
        if kind == "crisis":
            return "negative", kind
        if r.sarcastic and (label == "positive" or kind == "praise"):
            if why is not None:
                why.append(Reason("rule", "sarcasm: praise words read as irony, so not praise"))
            return "negative", "complaint"
        if kind == "praise" and _found(self._not_praise, r.low):
            if why is not None:
                why.append(Reason("rule", "mockery or harm words: never praise"))
            return "negative", "other"
        if kind == "praise" and label != "positive":
            kind = "complaint" if label == "negative" else "other"
        elif kind == "complaint" and label == "neutral":
            label = "negative"
        return label, kind

    def _rule_reasons(self, r: _Reading) -> list[Reason]:
        """The crisis pattern and phrase rules that matched, with the words that matched them."""
        out: list[Reason] = []
        low = r.low
        for pattern in (self._crisis, self._outage):
            match = pattern.search(low) if pattern is not None else None
            if match:
                scale = self._scale.search(low) if pattern is self._outage and self._scale else None
                if pattern is self._outage and scale is None:
                    continue
                extra = f" + {scale.group().strip()!r}" if scale else ""
                out.append(Reason("crisis", f"{match.group().strip()!r}{extra}"))
        if r.sarcastic:
            out.append(Reason("rule", "sarcasm: praise words read as irony"))
        groups = {g.name: g for g in self._phrases}
        for name in r.phrases:
            group = groups[name]
            match = group.pattern.search(low)
            shown = repr(match.group().strip()) if match else "(ironic praise)"
            out.append(Reason("phrase", f"{shown} ({name}, valence {group.valence:+.1f})"))
        return out

    @staticmethod
    def _model_reasons(model: TriageModel, feats: TextFeatures, signals: dict[str, float],
                       label: str, kind: str) -> list[Reason]:
        def reason(w: Weighed, toward: str) -> Reason:
            if w.source == "word":
                return Reason("word", f"{w.name!r} -> {toward}", w.weight)
            return Reason("rule", f"{_signal_name(w.name)} -> {toward}", w.weight)

        out = [reason(w, label) for w in model.label.explain(feats, signals, label, top=5)]
        if kind in model.kind.classes:
            out += [reason(w, kind) for w in model.kind.explain(feats, signals, kind, top=3)]
        return out


def _signal_name(signal: str) -> str:
    """A rule signal as an agent reads it ("label=negative" -> "the rules read negative")."""
    name, _, value = signal.partition("=")
    named = {"label": f"the rules read {value}", "kind": f"the rules say {value}",
             "phrase": f"phrase rule {value}", "cbin": f"rules' score band {value}",
             "compound": "the rules' sentiment score", "pos": "VADER's positive share",
             "neg": "VADER's negative share", "question": "question form",
             "plain_question": "a plain one-sentence question", "problem": "a problem phrase",
             "personal": "first person or addressed", "news": "news/jobs/events cue",
             "sarcasm": "sarcasm"}
    return named.get(name, signal)


# Label/kind pairs that agree, for when the label model says positive and the kind model complaint.
_POSITIVE_OR_COMPLAINT = (("negative", "complaint"), ("positive", "praise"), ("positive", "other"))


def _agree(label: str, score: float) -> float:
    """The shown score, made to agree with the label: negative <= -0.05, positive >= 0.05, neutral
    within +-0.04 (so "+0.04" never rounds to look like a positive)."""
    score = max(-1.0, min(1.0, score))
    if label == "negative":
        return -max(abs(score), 0.05)
    if label == "positive":
        return max(abs(score), 0.05)
    return max(-0.04, min(0.04, score))


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


@cache
def _packaged_queues() -> _QueueRules:
    return _QueueRules(_Reader(_packaged_config(), PACKAGED))


def queue_for(kind: str, label: str) -> str:
    """The queue a new mention of this kind and label starts in, by the packaged rules.

    Crises and complaints go to `priority`, as does any other negative mention except `other`
    (news and chatter); questions and `other` to `needs-reply`; praise to `champions`.
    """
    return _packaged_queues().queue(kind, label)


@cache
def _explainer() -> Triager:
    return Triager.load()


def explain(text: str, *, followers: int | None = None, triager: Triager | None = None) -> list[str]:
    """Why this mention gets its verdict, one line per reason (for the detail pane and the CLI).

    The first line is the verdict itself; then the crisis patterns and phrase rules that fired,
    and the words and rule signals the model leant on most, each with its signed weight.
    """
    result = (triager or _explainer()).triage(text, followers=followers, explain=True)
    return [result.describe(), *(str(reason) for reason in result.why)]
