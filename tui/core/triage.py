"""Triage: sentiment label, kind, priority, starting queue and topics for one mention.

Sentiment is VADER, extended for what a support inbox sees: slang, emoji, plain-worded problems
("still no update", "on hold for ages"), ironic thanks and sarcasm. We extend VADER rather than
replace it: extra lexicon and emoji entries go into one analyzer instance (VADER's own negation,
boosters and capitals apply to them), and phrase rules cut each matched phrase out and add its
valence to VADER's raw sum for the rest of the text, so a phrase that already says what it means
("still no update", "never had an issue") is not negated again. Sarcasm is a positive marker whose
mention reads negative without it; it then counts against the mention.

Kind comes from crisis patterns first (breach, safety, food poisoning, legal, discrimination, and
outages with a sign of scale), then news/jobs/events/promotion cues, then sentiment, problem
phrases and question form. A mention that names a problem needs clearly happy words to read positive (mixed
"love the shows, hate the ads" is a complaint); a plain one-sentence question needs clearly
unhappy words to read negative ("is water damage covered?" is a question). Priority sits in a
per-kind band so every crisis outranks every complaint.

Every word list, pattern, weight and threshold comes from ``tui/rules/data/triage.toml``; a user file is
merged over it by `Triager.load`. Nothing here imports Textual or Rich.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.core.triage_model import TextFeatures, TriageModel, softmax, text_features
from tui.core.triage_modelcache import packaged_model
from tui.core.triage_rules import (
    KINDS,
    LABELS,
    NEW_QUEUES,
    PACKAGED,
    QUEUE_IDS,
    TriageConfigError,
    _packaged_config,
    _Reader,
    merge,
    packaged_config,
    queue_for,
)
from tui.core.triage_ruleset import RuleSet, _clip
from tui.core.triage_text import (
    _HANDLE_ONLY,
    _LEADING_HANDLES,
    _MORE_SENTENCES,
    _NEUTRAL_TOKEN,
    _SENTENCE_BREAK,
    _SENTENCE_END,
    _found,
    _Reading,
    _Scan,
    _Score,
    _Text,
    plain_text,
    straight_quotes,
)
from tui.core.triage_vader import analyzer, as_vader_reads
from tui.core.triage_verdict import (
    Asks,
    Reason,
    TriageResult,
    _agree,
    _felt,
    describe_verdict,
    model_reasons,
    reconcile,
    weigh,
)
from tui.rules.datafile import located
from tui.rules.regexcache import RegexCache

CACHE_FILE_NAME = "triage-patterns.marshal"
"""Where `turnaround triage` and the inbox keep the compiled rule patterns, in the user's cache dir."""
MODEL_CACHE_NAME = "triage-model.marshal"
"""Beside it, the packaged model's ready tables (see `tui.core.triage_modelcache`)."""

__all__ = [
    "CACHE_FILE_NAME",
    "KINDS",
    "LABELS",
    "MODEL_CACHE_NAME",
    "NEW_QUEUES",
    "QUEUE_IDS",
    "Reason",
    "TriageConfigError",
    "TriageResult",
    "Triager",
    "_packaged_config",
    "describe_verdict",
    "merge",
    "queue_for",
]


# At most this many contrasts of one mention are read again, each up to this many characters after
# it (read to the end, every "but" of a hostile 10,000-character mention took seconds).
_CONTRAST_READS = 3
_CONTRAST_REACH = 400

# --- the engine --------------------------------------------------------------------------------


class Triager(RuleSet):
    """Turns mention text (+ reach and age) into a `TriageResult`. Build once, reuse: the VADER
    analyzer it owns is slow to construct."""

    def __init__(self, config: dict[str, Any], *, where: str = PACKAGED,
                 model: TriageModel | None = None, regexes: RegexCache | None = None,
                 model_cache: Path | None = None) -> None:
        """`model` replaces the packaged one (the fitting script scores its folds this way);
        `regexes` keeps the compiled rule patterns between runs (see `tui.rules.regexcache`) and
        `model_cache` the packaged model's ready tables (see `tui.core.triage_modelcache`)."""
        self.config = config
        self._analyzer = analyzer(regexes)
        self._build(_Reader(config, where, regexes))
        if regexes is not None:
            regexes.save()
        # The packaged model is read on first use, not here: start-up (the inbox's first paint,
        # `turnaround --help`) does not wait for ~1 MB of weights.
        self._given_model = model
        self._model_cache = model_cache

    def _learned(self) -> TriageModel | None:
        """The model, loaded on first use (None with the model switched off)."""
        if not self._use_model:
            return None
        if self._given_model is None:
            self._given_model = packaged_model(self._model_cache)
        return self._given_model

    @classmethod
    def load(cls, user_file: Path | None = None, cache_file: Path | None = None) -> Triager:
        """The packaged rules, with `user_file` (if given) merged over them. `cache_file` keeps the
        compiled patterns and the parsed packaged rules (and, beside it, the model's ready tables)
        between runs: a command that loads the rules per run should pass one."""
        regexes = RegexCache(cache_file) if cache_file is not None else None
        config = packaged_config(regexes)
        model_cache = cache_file.with_name(MODEL_CACHE_NAME) if cache_file is not None else None
        if user_file is None:
            return cls(config, regexes=regexes, model_cache=model_cache)
        import tomllib  # only for a user file: the packaged rules come parsed from the cache

        where = str(user_file)
        try:
            raw = Path(user_file).read_bytes()
        except OSError as error:
            raise TriageConfigError(where, "-", f"cannot read ({error.strerror})") from None
        try:
            text = raw.decode("utf-8")
            user = tomllib.loads(text)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise TriageConfigError(where, "-", f"not valid TOML: {error}") from None
        try:
            return cls(merge(config, user, where), where=where, regexes=regexes, model_cache=model_cache)
        except TriageConfigError as error:
            raise located(error, text) from None

    # -- scoring --

    def _vader(self, text: str) -> dict[str, float]:
        return self._analyzer.polarity_scores(as_vader_reads(text, self._analyzer.lexicon))

    def _score(self, text: _Text, fixed: float = 0.0) -> _Score:
        """Compound score of `text` plus its phrase rules; whether a problem phrase matched; topics.

        A matched phrase is cut out (a neutral token keeps the word positions) and its valence is
        added to VADER's raw sum for the rest, so VADER cannot negate a phrase that already says
        what it means ("hasn't shipped and it's been 10 days" is not "not been 10 days").
        `fixed` is valence already cut out by the caller (sarcasm, which scores one scan twice).
        """
        return self._scan(text).score(fixed)

    def _scan(self, text: _Text) -> _Scan:
        problem = False
        topics: list[str] = []
        groups: list[str] = []
        valences: list[float] = []
        for group in self._phrases:
            text, hits = text.replace(group.pattern, _NEUTRAL_TOKEN)
            if hits:
                valences.append(hits * group.valence)
                problem = problem or group.problem
                groups.append(group.name)
                if group.topic and group.topic not in topics:
                    topics.append(group.topic)
        scores = self._vader(_SENTENCE_END.sub(_SENTENCE_BREAK, text.cased))
        return _Scan(tuple(valences), float(scores["compound"]), problem, topics, tuple(groups),
                     scores["pos"], scores["neg"])

    def _analyse(self, text: str) -> _Reading:
        """Score the text and note what the kind rules need to know about it."""
        text = straight_quotes(text)
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
        whole: _Scan | None = None
        if _found(self._markers, work.low):
            # Sarcasm: read the mention without its praise markers; if what is left is bad news,
            # the markers were ironic and count against it. A problem the marker itself took in
            # ("thanks for charging me twice, really appreciate it") counts too.
            assert self._markers is not None
            rest, marks = work.replace(self._markers, _NEUTRAL_TOKEN)
            scan = self._scan(rest)
            rest_score = scan.score(irony)
            repeat = _found(self._repeat, work.low)
            # A problem put right is thanked sincerely ("flight cancelled, rebooked me in 5 min.
            # thanks"): the fix, not the trouble it names, is what the thanks is for.
            put_right = "resolved" in scan.phrases and not irony
            # the whole mention is scanned only when the rest alone does not settle it (and then
            # that scan is the one the reading below uses)
            if not put_right and (rest_score.compound <= self._neg or rest_score.problem or irony
                    or (repeat and rest_score.compound < self._pos)
                    or (whole := self._scan(work)).problem):
                score = scan.score(irony + marks * self._sarcasm)
                sarcastic = True
        if score is None:
            score = (whole or self._scan(work)).score(irony)
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

    def _harm_found(self, text: str) -> tuple[bool, bool]:
        """Whether a crisis, an outage at scale or a legal threat is named, and whether it was only
        the legal threat. An outage is a crisis only at scale: the scale words are rarer in mentions
        than the outage words, so they are looked for first (the outage pattern then runs on one
        text in ten)."""
        if _found(self._crisis, text) or (_found(self._scale, text) and _found(self._outage, text)):
            return True, False
        legal = _found(self._legal, text)
        return legal, legal

    def sentiment(self, text: str) -> tuple[str, float]:
        """The label and VADER-scale compound score [-1, 1] of the text alone."""
        reading = self._analyse(text)
        return reading.label, round(reading.compound, 4)

    def _kind(self, r: _Reading) -> str:
        low, label = r.low, r.label
        harmed, legal = self._harm_found(low)
        if harmed and (harm := self._harm_text(low)) != low:
            # told of another business ("read about that hotel chain's breach"), only asked ("does
            # @Brand sell my data?") or the writer's own doing ("my fault, it was 2am"): read again
            # without those sentences (their patterns run only on the few texts that named harm)
            harmed, legal = self._harm_found(harm)
        if harmed:
            return "other" if legal and self._reported(low) else "crisis"
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

    def _harm_unnamed(self, low: str, model: TriageModel, signals: dict[str, float]) -> float | None:
        """The crisis model's harm read without the given names in the mention
        (`[kind.crisis.names]`); None when it names none."""
        if model.crisis is None or self._names is None:
            return None
        without, names = _Text.of(low).replace(self._names, "")
        if not names:
            return None
        *_, crisis = model.joint.scores(text_features(" ".join(without.low.split())), signals)
        return softmax(crisis)[model.crisis.classes.index("crisis")]

    def _not_the_models_call(self, low: str) -> bool:
        """Harm words the crisis model must not make a crisis of: told of another business, only
        asked, the writer's own doing, or care advice to other owners (the crisis patterns still
        decide)."""
        return self._harm_text(low) != low or _found(self._advice, low)

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

    # -- the learned half --

    def _negative_likelihood(self, text: str, model: TriageModel) -> float:
        """How likely the label model (with the encoder's pieces) finds `text` negative; 0 when the
        rules find clearly happy words in it ("..., but for £49? no complaints")."""
        reading = self._analyse(text)
        if reading.compound >= self._happy_rest:
            return 0.0
        logits, *_ = model.joint.scores(text_features(text), self._rule_signals(reading, self._kind(reading)))
        if model.pieces is not None:
            logits = [z + p for z, p in zip(logits, model.pieces.scores(text), strict=True)]
        return softmax(logits)[model.label.classes.index("negative")]

    def _second_reading(self, text: str, model: TriageModel) -> tuple[str, float] | None:
        """Why a mention read as praise is a complaint after all, and how sure the second reading
        is of bad news; None when it is not. Irony and mixed praise often name the bad news in
        words no rule lists ("gotta love a gym that locks the showers at 9"; "the pool was
        gorgeous. The wifi, however, needs a prayer"): the label model reads the mention again
        without its praise form, or only what follows the contrast, and a reading sure enough of
        bad news decides. Only mentions holding such a form pay for it. Handles are left out of
        what is read again, as the rules leave them out: "... but my bag is still in Denver" read
        0.95 bad news alone and 0.77 with "@CorvidAir" after it."""
        work = _Text.of(" ".join(_HANDLE_ONLY.sub(" ", text).split()))
        if self._reread is not None and (form := self._reread.search(work.low)) is not None:
            rest, _ = work.replace(self._reread, _NEUTRAL_TOKEN)
            if (bad := self._negative_likelihood(rest.cased, model)) >= self._reread_bar:
                return (f"{form.group().strip()!r} beside bad news (read without it: bad news at "
                        f"{bad:.2f}): irony, not praise"), bad
        if self._praise_then_fault is not None:
            reads = 0
            for match in self._praise_then_fault.finditer(work.low):
                before, after = work.cased[:match.start()], work.cased[match.end():][:_CONTRAST_REACH]
                if len(before.split()) < self._fault_words or len(after.split()) < self._fault_words:
                    continue
                if (bad := self._negative_likelihood(after, model)) >= self._fault_bar:
                    fault = _clip(" ".join(_SENTENCE_END.split(after.strip(), 1)[0].split()))
                    return (f"praise, then a fault ({fault!r}: bad news at {bad:.2f}): a complaint, "
                            "not praise"), bad
                reads += 1
                if reads == _CONTRAST_READS:  # hostile text: "... but ... but ..." x 2,000
                    break
        return None

    def features(self, text: str) -> tuple[TextFeatures, dict[str, float]]:
        """What the model reads: the text's n-grams and the rules' signals (the fitting script's
        input, so fitting and triage cannot read a mention differently)."""
        text = plain_text(text)
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
        text = plain_text(text)
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
        model = self._learned()
        if model is None:
            label, kind, score = reading.label, rule_kind, reading.compound
            if kind == "complaint" and label == "neutral":
                label = "negative"
        else:
            feats = text_features(text)
            signals = self._rule_signals(reading, rule_kind)
            # The encoder's pieces learned tone from customers' own words; a news item's ("app
            # handles more than half of all orders") read as a complaint's, so news keeps the label
            # model's reading alone.
            news = rule_kind == "other" and reading.news
            pieces = model.pieces.scores(text) if model.pieces is not None and not news else ()
            low = reading.low
            label, kind, score = weigh(model, feats, signals, reading, rule_kind, self._confidence,
                                       self._jest, why if explain else None, pieces,
                                       self.stands(reading), Asks(
                                           unreported=lambda: self._not_the_models_call(low),
                                           care_thanked=lambda: self.care_thanked(low),
                                           closing=lambda: self.closing_praise(low),
                                           unnamed=lambda: self._harm_unnamed(low, model, signals)))
            if explain:
                by_model = kind == "crisis" and rule_kind != "crisis"
                if by_model:
                    why.append(Reason("crisis", "reads like a report of harm (the crisis model)"))
                why += model_reasons(model, feats, signals, label, kind, crisis_model=by_model,
                                     text=text, quiet=self._quiet_words)
            if kind != "crisis" and (label == "positive" or kind == "praise"):
                turned = self._second_reading(text, model)
                if turned is not None:
                    reason, bad_news = turned
                    label, kind, score = "negative", "complaint", -bad_news
                    if explain:
                        why.insert(0, Reason("rule", reason))
        label, kind = reconcile(reading, label, kind, self._not_praise, self._not_thanks,
                                self._still_complaints, why if explain else None)
        if explain:
            why[:0] = self._rule_reasons(reading)
        # How strongly it is felt, for the priority: the model's score says how sure it is of the
        # label, not how hot the words are ("meh, the menu is a bit boring" is surely negative but
        # mild), so the rules' VADER-based reading of the words weighs half.
        strength = score if model is None else _felt(label, (score + reading.compound) / 2)
        score = _agree(label, score)
        return TriageResult(
            label=label,
            sentiment=round(score, 4),
            kind=kind,
            priority=self._priority(kind, strength, followers, created_at, now),
            queue=self.queue(kind, label),
            topics=self.topics(text, reading.topics),
            lang="en",
            why=tuple(why),
        )


# Label/kind pairs that agree, for when the label model says positive and the kind model complaint.
def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
