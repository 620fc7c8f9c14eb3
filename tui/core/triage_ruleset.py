"""Compiling the checked rules into what the triage engine reads: thresholds, lexicon, phrase
groups, sarcasm, kind and crisis patterns, priority bands, queues, topics, the model switch and
the language detector. `RuleSet` is the first half of `tui.core.triage.Triager`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer

from tui.core.memo import Memo
from tui.core.triage_guard import Guarded, GuardIndex
from tui.core.triage_lang import LanguageDetector, LanguageRules
from tui.core.triage_rules import KINDS, LABELS, PHRASE_KEYS, _PhraseGroup, _QueueRules, _Reader
from tui.core.triage_text import (
    _HANDLE,
    _HANDLE_ONLY,
    _WORD,
    _found,
    _Reading,
    straight_quotes,
    without_links,
)
from tui.core.triage_verdict import Confidence, Reason


class RuleSet:
    """The compiled rules; `Triager` adds reading and judging on top."""

    _analyzer: SentimentIntensityAnalyzer


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
        lists = (*(group.pattern for group in self._phrases), self._markers, self._signals, self._repeat,
                 self._question, self._crisis, self._legal, self._outage, self._scale, self._other,
                 self._not_praise, self._wish, self._elsewhere, self._bookkeeping, self._closing_thanks,
                 self._fault_remains, self._consolation, self._jest, self._hearsay, self._asked,
                 self._own_doing, self._advice, self._reread, self._conditional, self._praise_then_fault,
                 self._care_thanked, self._retraction, self._closing_praise, self._names)
        GuardIndex(guarded for guarded in lists if guarded is not None)

    def _build_learned(self, cfg: _Reader) -> None:
        self._use_model = cfg.flag("model.enabled")
        self._confidence = Confidence(
            negative_bias=cfg.number("model.negative_bias", -5, 5),
            label=cfg.number("model.label_confidence", 0, 1),
            kind=cfg.number("model.kind_confidence", 0, 1),
            crisis=cfg.number("model.crisis_confidence", 0, 1),
            crisis_calm=cfg.number("model.crisis_confidence_calm", 0, 1),
            not_praise=cfg.number("model.crisis_not_praise", 0, 1),
            kind_weight=cfg.number("model.kind_weight", 0, 1),
            crisis_jest=cfg.number("model.crisis_confidence_jest", 0, 1),
        )
        use_language = cfg.flag("language.enabled")
        rules = LanguageRules(
            min_letters=int(cfg.number("language.min_letters", 1, 1000)),
            min_confidence=cfg.number("language.min_confidence", 0, 1),
            min_english_words=int(cfg.number("language.min_english_words", 1, 100)),
        )
        self._language = LanguageDetector(rules) if use_language else None
        self._quiet_words = frozenset(w.lower() for w in cfg.strings("explain.quiet_words"))

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
            problem = cfg.flag(f"{base}.problem", default=False)
            stands, stands_as = _stands(cfg, f"{base}.stands")
            topic = cfg.table(base).get("topic")
            if topic is not None and not isinstance(topic, str):
                raise cfg.fail(f"{base}.topic", "must be a string")
            if pattern is None:
                continue
            groups.append(_PhraseGroup(name, pattern, valence, problem, topic, stands, stands_as))
        self._phrases = tuple(groups)
        self._standing = {group.name: group.stands_as for group in groups if group.stands}

    def _build_sarcasm(self, cfg: _Reader) -> None:
        self._sarcasm = cfg.number("sarcasm.valence", -4, 0)
        self._markers = cfg.regex_list("sarcasm.markers")
        self._signals = cfg.regex_list("sarcasm.signals")
        self._repeat = cfg.regex_list("sarcasm.repeat_cues")
        self._reread = cfg.regex_list("sarcasm.reread")
        self._reread_bar = cfg.number("sarcasm.reread_bar", 0, 1)

    def _build_kind(self, cfg: _Reader) -> None:
        self._first_person = cfg.regex("kind.first_person")
        self._addressed = cfg.regex("kind.addressed")
        self._question_start = cfg.regex("kind.question_start")
        self._question = cfg.regex_list("kind.question_patterns")
        self._crisis = cfg.regex_list("kind.crisis.patterns")
        self._legal = cfg.regex_list("kind.crisis.legal.patterns")
        self._headline = cfg.regex("kind.crisis.legal.headline")
        self._voice = cfg.regex("kind.crisis.legal.voice")
        self._threat = cfg.regex("kind.crisis.legal.threat")
        self._outage = cfg.regex_list("kind.crisis.outage.outage")
        self._scale = cfg.regex_list("kind.crisis.outage.scale")
        self._other = cfg.regex_list("kind.other.patterns")
        self._not_praise = cfg.regex_list("kind.not_praise")
        self._wish = cfg.regex_list("kind.wish")
        self._elsewhere = cfg.regex_list("kind.elsewhere")
        self._bookkeeping = cfg.regex_list("kind.bookkeeping")
        self._closing_thanks = cfg.regex_list("kind.closing_thanks")
        self._fault_remains = cfg.regex_list("kind.fault_remains")
        self._consolation = cfg.regex_list("kind.consolation")
        self._conditional = cfg.regex_list("kind.conditional")
        self._praise_then_fault = cfg.regex_list("kind.praise_then_fault")
        self._closing_praise = cfg.regex_list("kind.closing_praise")
        self._retraction = cfg.regex_list("kind.retraction")
        self._fault_bar = cfg.number("kind.praise_then_fault_bar", 0, 1)
        self._fault_words = int(cfg.number("kind.praise_then_fault_words", 1, 100))
        self._happy_rest = cfg.number("kind.second_reading_happy", -1, 1)
        self._still_complaints = (
            (self._fault_remains, "thanks beside a fault still there: a complaint, not praise"),
            (self._consolation, "a silver lining after bad news: a complaint, not praise"),
            (self._conditional, "praise on a condition it fails: a complaint, not praise"),
        )
        self._not_thanks = (
            (self._wish, "a wish for what did not happen: not praise"),
            (self._elsewhere, "custom taken to another business: not praise"),
            (self._bookkeeping, "thanks in passing beside the thread's business: not praise"),
            (self._closing_thanks, "thanks for the answer to come: a question, not praise"),
        )
        self._jest = cfg.regex_list("kind.crisis.jest.patterns")
        self._hearsay = cfg.regex_list("kind.crisis.hearsay.patterns")
        self._asked = cfg.regex_list("kind.crisis.asked.patterns")
        self._own_doing = cfg.regex_list("kind.crisis.own_doing.patterns")
        self._advice = cfg.regex_list("kind.crisis.advice.patterns")
        self._care_thanked = cfg.regex_list("kind.crisis.care_thanked.patterns")
        self._names = cfg.regex_list("kind.crisis.names.patterns")

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
        self._build_compounds(cfg)
        self._keep |= {w.lower() for w in cfg.strings("topics.keep_sentiment")}
        # a word as found -> its keyword ("" for none)
        self._topic_words: Memo[str, str] = Memo(self._topic_word)

    def _build_compounds(self, cfg: _Reader) -> None:
        """`[topics.compounds]`: each phrasing of a two-word topic becomes one placeholder word
        ("xxtopic0") before the words are read, so the topic keeps its place among them."""
        self._compound_topics: dict[str, str] = {}
        phrasings: dict[str, str] = {}
        for topic, listed in cfg.table("topics.compounds").items():
            if not isinstance(listed, list) or not all(isinstance(p, str) and p.strip() for p in listed):
                raise cfg.fail(f"topics.compounds.{topic}", "must be a list of phrases")
            token = f"xxtopic{len(self._compound_topics)}"
            self._compound_topics[token] = topic.lower()
            for phrase in listed:
                phrasings[_phrasing(phrase)] = token
        # longest first, so "customer services" is not read as "customer service" + "s"
        alternatives = sorted(phrasings, key=len, reverse=True)
        self._phrasings = phrasings
        self._compounds = re.compile(
            r"\b(?:" + "|".join(r"[\s-]+".join(map(re.escape, p.split())) for p in alternatives)
            + r")\b") if alternatives else None

    def _compound(self, match: re.Match[str]) -> str:
        return f" {self._phrasings[_phrasing(match.group())]} "

    def topics(self, text: str, rule_topics: Iterable[str] = ()) -> tuple[str, ...]:
        """A few lowercase keywords for spike detection: phrase-rule topics, then content words
        (a two-word topic, `[topics.compounds]`, as one)."""
        out: list[str] = []
        for topic in rule_topics:
            if topic not in out:
                out.append(topic)
        text = _HANDLE.sub(" ", without_links(straight_quotes(text).lower()))
        if self._compounds is not None:
            text = self._compounds.sub(self._compound, text)
        words = self._topic_words
        for raw in _WORD.findall(text):
            if len(out) >= self._topics_max:
                break
            word = self._compound_topics.get(raw) or words[raw]
            if word and word not in out:
                out.append(word)
        return tuple(out[: self._topics_max])

    def _topic_word(self, raw: str) -> str:
        """The keyword a word found in a mention stands for, or "" when it is none (too short, a
        stopword, a feeling word, a number). Depends on the word alone, so `topics` keeps it."""
        word = raw.removesuffix("'s").strip("'-")
        word = self._aliases.get(word, word)
        if len(word) < self._topics_min_len or word in self._stopwords:
            return ""
        if word not in self._keep:
            if word.endswith(self._drop_suffixes) and len(word) > 4:
                return ""
            if word in self._analyzer.lexicon or word in BOOSTER_DICT:  # "incredible", "major": how much
                return ""
        if any(ch.isdigit() for ch in word) and not any(ch.isalpha() for ch in word[1:]):
            return ""
        return word

    def stands(self, r: _Reading) -> bool:
        """Whether the rules' reading stands over the model's: an idiom (`stands = true`) said
        it, or a phrase that stands for one label (`stands = "neutral"`) and the rules read that
        label, and nothing else in the mention reads as a problem, irony or an unhappy word. The
        model reads words one by one, and "couldn't be happier", "to die for", "can't fault"
        are made of unhappy ones."""
        if r.sarcastic or r.problem or r.neg > 0.0:
            return False
        return any(name in self._standing and self._standing[name] in (None, r.label) for name in r.phrases)

    def _irony_cue(self, low: str) -> str:
        """The words that made a mention read as ironic, quoted, so the agent can judge them."""
        for pattern in (self._signals, self._markers):
            match = pattern.search(low) if pattern is not None else None
            cue = match.group().strip(" \t,.;:!?") if match else ""
            if len(cue) > 2 and cue[0] == cue[-1] == "'":
                return cue  # scare quotes show themselves
            if cue:
                return repr(cue)
        return "praise words"

    def _reported(self, low: str) -> bool:
        """A headline reporting legal action, not someone taking it: a link, no one speaking, no
        threat."""
        return (self._headline is not None and self._headline.search(low) is not None
                and not _found(self._first_person, low)
                and not any(p is not None and p.search(low) for p in (self._voice, self._threat)))

    def _harm_text(self, low: str) -> str:
        """The mention without its sentences that name harm without reporting it here: hearsay
        about another business ("read about that hotel chain's data breach",
        `[kind.crisis.hearsay]`), questions about what is done with data ("does @Brand sell my
        data?", `[kind.crisis.asked]`) and harm the writer owns ("my own fault, it was 2am",
        `[kind.crisis.own_doing]`). The crisis patterns read the rest."""
        unreported = [g for g in (self._hearsay, self._asked, self._own_doing)
                      if g is not None and _found(g, low)]
        if not unreported:
            return low
        return " ".join(s for s in _SENTENCES.findall(low) if not any(g.search(s) for g in unreported))

    def _unretracted(self, acts: Guarded | None, low: str) -> re.Match[str] | None:
        """The first of `acts` in the mention with nothing after it taking it back (`[kind]
        retraction`: "but", "shame", "side note" ...), or None."""
        act = acts.search(low) if acts is not None else None
        if act is None or (self._retraction is not None
                           and self._retraction.search(low, act.start()) is not None):
            return None
        return act

    def closing_praise(self, low: str) -> str:
        """The praise a mention closes on, with nothing after it taking it back
        (`[kind] closing_praise`): "3 hr delay but the crew handed out pizza. can't even be mad";
        "" when there is none."""
        act = self._unretracted(self._closing_praise, low)
        return "" if act is None else _TRAILING_HANDLES.sub("", act.group()).strip()

    def care_thanked(self, low: str) -> bool:
        """Whether the mention thanks someone for care given, with no fault told after the thanks
        (`[kind.crisis.care_thanked]`): "the FA held my hand thru the turbulence. never forgetting
        that" is praise, "Thanks for the new card! Shame someone made three purchases on it" not."""
        return self._unretracted(self._care_thanked, low) is not None

    def _unreported_reason(self, low: str) -> Reason | None:
        """Why a crisis word did not make a crisis: told of another business, only asked, or the
        writer's own doing."""
        if not any(p is not None and p.search(low) for p in (self._crisis, self._legal)):
            return None
        for guarded, why in ((self._hearsay, "told of another business, not a crisis"),
                             (self._asked, "asked, not a report of harm"),
                             (self._own_doing, "the writer's own doing, not a crisis")):
            match = guarded.search(low) if guarded is not None else None
            if match is not None:
                return Reason("rule", f"{_clip(match.group().strip())!r}: {why}")
        return None

    def _rule_reasons(self, r: _Reading) -> list[Reason]:
        """The crisis pattern and phrase rules that matched, with the words that matched them."""
        out: list[Reason] = []
        low = self._harm_text(r.low)
        if low != r.low and (told := self._unreported_reason(r.low)) is not None:
            out.append(told)
        for pattern in (self._crisis, self._legal, self._outage):
            match = pattern.search(low) if pattern is not None else None
            if match and pattern is self._legal and self._reported(low):
                out.append(Reason("rule", f"{match.group().strip()!r} in a headline that reports it: "
                                          "news, not a crisis"))
                continue
            if match:
                scale = self._scale.search(low) if pattern is self._outage and self._scale else None
                if pattern is self._outage and scale is None:
                    continue
                extra = f" + {scale.group().strip()!r}" if scale else ""
                out.append(Reason("crisis", f"{match.group().strip()!r}{extra}"))
        if r.sarcastic:
            out.append(Reason("rule", f"sarcasm: {self._irony_cue(low)} read as irony"))
        groups = {g.name: g for g in self._phrases}
        # phrases were read with the handles taken out ("@Fonely thanks for your help" opens with
        # thanks), so that is where their words are found again
        low = r.low
        unhandled = " ".join(_HANDLE_ONLY.sub(" ", low).split())
        for name in r.phrases:
            group = groups[name]
            match = group.pattern.search(low) or group.pattern.search(unhandled)
            shown = repr(_clip(_matched_words(match))) if match else "(ironic praise)"
            out.append(Reason("phrase", f"{shown} ({name}, valence {group.valence:+.1f})"))
        return out


_TRAILING_HANDLES = re.compile(r"(?:\s*@\w+)+[\s.!]*$")
_SENTENCES = re.compile(r"[^.!?\n]+[.!?\n]*")
"""A mention's sentences, each with its end punctuation (`_harm_text`)."""


def _stands(cfg: _Reader, key: str) -> tuple[bool, str | None]:
    """`stands = true`, or `stands = "neutral"`: the rules' reading stands only when it is that
    label (a question about a delay that has not happened stands as neutral, not as the praise a
    "great app btw" beside it would make it)."""
    parent, _, name = key.rpartition(".")
    value = cfg.table(parent).get(name, False)
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str) and value in LABELS:
        return True, value
    raise cfg.fail(key, f"must be true, false or a label ({', '.join(LABELS)})")


def _matched_words(match: re.Match[str]) -> str:
    """The words a phrase matched; for a mark that cuts nothing (a lookahead, so VADER still reads
    every word), the sentence it marks."""
    words = match.group().strip()
    if words:
        return words
    sentence = _SENTENCES.match(match.string, match.start())
    return " ".join((sentence.group() if sentence else "").split())


def _clip(words: str, limit: int = 48) -> str:
    """A long match ("give the man who is giving updates on the ... line a pay rise") quoted by its
    ends, so the detail pane's "why" line stays one glance long."""
    if len(words) <= limit:
        return words
    half = (limit - 1) // 2
    head, tail = words[:half].rsplit(" ", 1)[0], words[-half:].split(" ", 1)[-1]
    return f"{head} … {tail}"


def _phrasing(phrase: str) -> str:
    """A phrase as `[topics.compounds]` keys it: lowercase, a hyphen or any spacing as one space."""
    return " ".join(phrase.lower().replace("-", " ").split())
