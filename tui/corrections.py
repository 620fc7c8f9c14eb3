"""The agent corrects triage, and this store learns from it. No Textual or Rich here.

A correction (label, kind and/or queue of some mentions) is a lifecycle event like any other
(`correct`, with who, when and each mention's fields before), so `u` undoes it and the thread's
history tells it. `corrected_fields` says what a correction sets on one mention.

`Lessons` reads the standing (not undone) corrections from the store's events and applies them
to new mentions after triage, in the pipeline the app and `collect` share: the same or nearly the
same wording gets the agent's values, and phrases the agents corrected the same way several times
nudge label and kind when the store's own mentions back them. How strong the evidence must be is
data: `tui/data/corrections.toml` (its comments explain each threshold).

`agreement` gives the report's figure: how often the agents left triage as it was.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from tui.datafile import DataFileError
from tui.triage import KINDS, LABELS, NEW_QUEUES

ACTION = "correct"
FIELDS = ("label", "kind", "queue")
CHOICES: dict[str, tuple[str, ...]] = {"label": LABELS, "kind": KINDS, "queue": NEW_QUEUES}
"""The values an agent may pick for each field."""
MENTION_FIELD = {"label": "label", "kind": "kind", "queue": "triage_queue"}
"""Where each corrected field lives on a stored mention."""

QueueFor = Callable[[str, str], str]
"""(kind, label) -> the queue a new mention starts in, by the triage rules."""
Bands = Mapping[str, tuple[float, float]]
"""kind -> (low, high) of its priority band."""

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@[\w.@-]*\w")
_NUMBER = re.compile(r"[#$£€]?\d[\d.,:/-]*\w*")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|[^\w\s\x00-\x7f]")


class CorrectionsConfigError(DataFileError):
    entry_kind = "setting"


# -- reading text --------------------------------------------------------------------------------
def words(text: str) -> list[str]:
    """The text's words for comparison: lowercase, without handles, URLs and numbers; emoji and
    other symbols count as words (they carry sentiment), punctuation does not."""
    low = _NUMBER.sub(" ", _HANDLE.sub(" ", _URL.sub(" ", text.lower())))
    return [w.replace("’", "'") for w in _TOKEN.findall(low)]


def normalise(text: str) -> str:
    """The text as the same-wording lesson compares it: `words`, joined by single spaces."""
    return " ".join(words(text))


def phrases(tokens: list[str], sizes: Iterable[int], stopwords: frozenset[str]) -> set[str]:
    """Runs of `sizes` words, leaving out those made only of stopwords."""
    out: set[str] = set()
    for size in sizes:
        for i in range(len(tokens) - size + 1):
            run = tokens[i:i + size]
            if not all(w in stopwords for w in run):
                out.add(" ".join(run))
    return out


# -- settings (data) -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Settings:
    near_similarity: float = 0.8
    near_min_words: int = 5
    phrase_words: tuple[int, ...] = (2, 3)
    phrase_min_support: int = 3
    phrase_min_precision: float = 0.8
    background_size: int = 2000
    demote_crisis: bool = False
    stopwords: frozenset[str] = frozenset()


def load_settings(text: str | None = None, where: str = "tui/data/corrections.toml") -> Settings:
    """The packaged settings (or `text`), checked: a bad value names the file and the key."""
    if text is None:
        text = resources.files("tui.data").joinpath("corrections.toml").read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CorrectionsConfigError(where, None, None, f"not valid TOML: {error}") from None
    known = {"same_wording": {"near_similarity", "near_min_words"},
             "phrases": {"phrase_words", "phrase_min_support", "phrase_min_precision",
                         "background_size", "demote_crisis", "stopwords"}}
    flat: dict[str, Any] = {}
    for table, values in data.items():
        if table not in known or not isinstance(values, dict):
            raise CorrectionsConfigError(where, table, None, "unknown table")
        for key, value in values.items():
            if key not in known[table]:
                raise CorrectionsConfigError(where, f"{table}.{key}", None, "unknown key")
            flat[key] = value

    def number(key: str, low: float, high: float, kind: type = float) -> Any:
        value = flat.get(key, getattr(Settings(), key))
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high \
                or (kind is int and not isinstance(value, int)):
            raise CorrectionsConfigError(where, key, None, f"expected a {kind.__name__} in [{low}, {high}], "
                                         f"got {value!r}")
        return kind(value)

    sizes = flat.get("phrase_words", [2, 3])
    if not isinstance(sizes, list) or not sizes or not all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 6 for n in sizes):
        raise CorrectionsConfigError(where, "phrase_words", None, "expected a list of word counts 1..6")
    stop = flat.get("stopwords", [])
    if not isinstance(stop, list) or not all(isinstance(w, str) for w in stop):
        raise CorrectionsConfigError(where, "stopwords", None, "expected a list of words")
    demote = flat.get("demote_crisis", False)
    if not isinstance(demote, bool):
        raise CorrectionsConfigError(where, "demote_crisis", None, "expected true or false")
    return Settings(
        near_similarity=number("near_similarity", 0.5, 1.0),
        near_min_words=number("near_min_words", 1, 100, int),
        phrase_words=tuple(sorted(set(sizes))),
        phrase_min_support=number("phrase_min_support", 2, 1000, int),
        phrase_min_precision=number("phrase_min_precision", 0.5, 1.0),
        background_size=number("background_size", 0, 1_000_000, int),
        demote_crisis=demote,
        stopwords=frozenset(w.lower() for w in stop),
    )


# -- one correction ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Correction:
    """What the agent chose; None leaves that field as triage (or an earlier correction) set it."""

    label: str | None = None
    kind: str | None = None
    queue: str | None = None

    def __post_init__(self) -> None:
        for name in FIELDS:
            value = getattr(self, name)
            if value is not None and value not in CHOICES[name]:
                raise ValueError(f"unknown {name} {value!r} (known: {', '.join(CHOICES[name])})")

    def as_dict(self) -> dict[str, str]:
        return {name: value for name in FIELDS if (value := getattr(self, name)) is not None}

    def summary(self) -> str:
        """e.g. "label negative, kind complaint", for the history line and the notice."""
        return ", ".join(f"{name} {value}" for name, value in self.as_dict().items())


def rebanded(priority: float, old_kind: str, new_kind: str, bands: Bands) -> int:
    """The priority at the same place in the new kind's band as it had in the old kind's, so a
    mention corrected to crisis sorts among crises and one corrected to praise leaves them."""
    if old_kind == new_kind or old_kind not in bands or new_kind not in bands:
        return round(priority)
    (low, high), (new_low, new_high) = bands[old_kind], bands[new_kind]
    share = (priority - low) / (high - low) if high > low else 0.5
    return round(new_low + max(0.0, min(1.0, share)) * (new_high - new_low))


def bands_of(triager: Any) -> dict[str, tuple[float, float]]:
    """The priority bands from a triager's (public) merged rules; {} when it has none."""
    try:
        raw = triager.config["priority"]["bands"]
        return {kind: (float(band["low"]), float(band["high"])) for kind, band in raw.items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        return {}


def corrected_fields(mention: Mapping[str, Any], correction: Correction | Mapping[str, str],
                     queue_for: QueueFor, bands: Bands) -> dict[str, Any]:
    """The stored fields a correction changes on one mention (empty: nothing to change).

    Label and kind are the agent's where given; the queue is the agent's if given, else the one the
    new label and kind imply; priority moves into the new kind's band; the sentiment score takes the
    new label's sign (0 for neutral)."""
    wanted = correction.as_dict() if isinstance(correction, Correction) else dict(correction)
    old_label = mention.get("label") or "neutral"
    old_kind = mention.get("kind") or "other"
    label = wanted.get("label", old_label)
    kind = wanted.get("kind", old_kind)
    queue = wanted.get("queue")
    if queue is None:
        queue = queue_for(kind, label) if (label, kind) != (old_label, old_kind) else \
            mention.get("triage_queue") or queue_for(kind, label)
    fields: dict[str, Any] = {}
    if label != old_label:
        fields["label"] = label
        score = mention.get("sentiment")
        if isinstance(score, int | float):
            # The score keeps its strength but takes the agent's side, so the pane never reads
            # "negative (+0.77)" and the report's sentiment trend follows the correction.
            fields["sentiment"] = {"negative": -abs(score), "positive": abs(score)}.get(label, 0.0)
    if kind != old_kind:
        fields["kind"] = kind
        fields["priority"] = rebanded(float(mention.get("priority") or 0), old_kind, kind, bands)
    if queue != mention.get("triage_queue"):
        fields["triage_queue"] = queue
    return fields


# -- what the store has learned ------------------------------------------------------------------
@dataclass(slots=True)
class _Taught:
    """One standing correction of one mention: its words and the values the agent set."""

    event_id: int
    uid: str
    tokens: list[str]
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class PhraseRule:
    phrase: str
    field: str
    value: str
    support: int
    precision: float


@dataclass
class Lessons:
    """The store's corrections, ready to apply to new mentions. Build with `from_store`."""

    store: Any
    queue_for: QueueFor
    bands: Bands = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    _taught: dict[int, list[_Taught]] = field(default_factory=dict)
    _exact: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    _near: dict[str, set[str]] = field(default_factory=dict)
    _near_words: dict[str, frozenset[str]] = field(default_factory=dict)
    _rules: dict[str, list[PhraseRule]] = field(default_factory=dict)
    _background: list[tuple[str, set[str]]] | None = None

    @classmethod
    def from_store(cls, store: Any, triager: Any, settings: Settings | None = None) -> Lessons:
        """Read every standing correction (one pass over the events)."""
        queue_for = getattr(triager, "queue", None)
        if not callable(queue_for):
            from tui.triage import queue_for as packaged_queue_for

            queue_for = packaged_queue_for
        lessons = cls(store, queue_for, bands_of(triager), settings or load_settings())
        for event in store.events():
            if event.get("action") == ACTION and not event.get("undone"):
                lessons._learn(event.doc_id, event)
        lessons._rebuild()
        return lessons

    @property
    def corrections(self) -> int:
        """How many standing correction events the lessons come from."""
        return len(self._taught)

    @property
    def rules(self) -> list[PhraseRule]:
        return [rule for rules in self._rules.values() for rule in rules]

    def _learn(self, event_id: int, event: Mapping[str, Any]) -> None:
        wanted = {k: v for k, v in ((event.get("details") or {}).get("set") or {}).items()
                  if k in FIELDS and isinstance(v, str)}
        if not wanted:
            return
        taught = []
        for uid in event.get("uids") or ():
            mention = self.store.mention(uid)
            if mention is not None and mention.get("text"):
                taught.append(_Taught(event_id, uid, words(mention["text"]), wanted))
        if taught:
            self._taught[event_id] = taught

    def on_change(self, change: Any) -> None:
        """A lifecycle listener: a correction teaches at once, and its undo unteaches."""
        if change.action == ACTION:
            event = self.store.event(change.event_id)
            if event is not None:
                self._learn(change.event_id, event)
                self._rebuild()
        elif change.action == "undo":
            event = self.store.event(change.event_id) or {}
            if event.get("undid") == ACTION and self._taught.pop(int(event.get("of", -1)), None):
                self._rebuild()

    def _rebuild(self) -> None:
        """Index the standing corrections (there are few: this runs per correction, not per mention)."""
        self._exact.clear()
        self._near.clear()
        self._near_words.clear()
        for event_id in sorted(self._taught):  # later corrections win
            for taught in self._taught[event_id]:
                key = " ".join(taught.tokens)
                earlier = self._exact.get(key, (0, {}))[1]
                self._exact[key] = (event_id, {**earlier, **taught.values})
                if len(taught.tokens) >= self.settings.near_min_words:
                    distinct = frozenset(taught.tokens)
                    self._near_words[key] = distinct
                    for word in distinct:
                        self._near.setdefault(word, set()).add(key)
        self._rules = self._phrase_rules()

    def _phrase_rules(self) -> dict[str, list[PhraseRule]]:
        s = self.settings
        votes: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        corrected: dict[str, set[str]] = {}
        for taught_list in self._taught.values():
            for taught in taught_list:
                key = " ".join(taught.tokens)
                grams = phrases(taught.tokens, s.phrase_words, s.stopwords)
                corrected[taught.uid] = grams
                for name in ("label", "kind"):
                    if name in taught.values:
                        for gram in grams:
                            votes[(gram, name)][taught.values[name]].add(key)
        candidates = [(gram, name, value, len(keys)) for (gram, name), by_value in votes.items()
                      if len(by_value) == 1 for value, keys in by_value.items()
                      if len(keys) >= s.phrase_min_support]
        if not candidates:
            return {}
        background = self._background_phrases()
        rules: dict[str, list[PhraseRule]] = defaultdict(list)
        for gram, name, value, support in candidates:
            seen = agreeing = 0
            uids = {uid for uid, grams in corrected.items() if gram in grams}
            uids |= {uid for uid, grams in background if gram in grams}
            for uid in uids:
                mention = self.store.mention(uid)
                if mention is None:
                    continue
                seen += 1
                agreeing += mention.get(MENTION_FIELD[name]) == value
            precision = agreeing / seen if seen else 0.0
            if precision >= s.phrase_min_precision:
                rules[gram].append(PhraseRule(gram, name, value, support, round(precision, 3)))
        return dict(rules)

    def _background_phrases(self) -> list[tuple[str, set[str]]]:
        """The phrases of the store's latest mentions, read once (only when a phrase could be
        learned), so the precision test sees what the agents left uncorrected."""
        if self._background is None:
            s = self.settings
            latest: deque[dict[str, Any]] = deque(self.store.mentions(), maxlen=s.background_size)
            self._background = [(m["uid"], phrases(words(m.get("text") or ""), s.phrase_words, s.stopwords))
                                for m in latest if not m.get("ours")]
        return self._background

    def note_arrival(self, mention: Mapping[str, Any]) -> None:
        """Keep the background current as mentions arrive (a pipeline arrival hook)."""
        if self._background is None or mention.get("ours"):
            return
        s = self.settings
        self._background.append((mention["uid"], phrases(words(mention.get("text") or ""),
                                                          s.phrase_words, s.stopwords)))
        if len(self._background) > s.background_size * 2:
            del self._background[: len(self._background) - s.background_size]

    # -- applying --------------------------------------------------------------------------------
    def lesson_for(self, text: str) -> tuple[str, dict[str, str], str] | None:
        """(how, values, evidence) this store's corrections say for a text, or None."""
        if not self._taught:
            return None
        tokens = words(text)
        key = " ".join(tokens)
        if key in self._exact:
            return "same wording", dict(self._exact[key][1]), key
        near = self._nearest(tokens)
        if near is not None:
            return "nearly the same wording", dict(self._exact[near][1]), near
        if not self._rules:
            return None
        grams = phrases(tokens, self.settings.phrase_words, self.settings.stopwords)
        found: dict[str, Counter[str]] = defaultdict(Counter)
        evidence: list[str] = []
        for gram in grams & self._rules.keys():
            for rule in self._rules[gram]:
                found[rule.field][rule.value] += 1
                evidence.append(gram)
        values = {name: next(iter(counts)) for name, counts in found.items() if len(counts) == 1}
        if not values:
            return None
        return "phrases", values, ", ".join(sorted(set(evidence)))

    def _nearest(self, tokens: list[str]) -> str | None:
        distinct = frozenset(tokens)
        if len(tokens) < self.settings.near_min_words or not self._near:
            return None
        shared: Counter[str] = Counter()
        for word in distinct:
            for key in self._near.get(word, ()):
                shared[key] += 1
        best, best_score = None, 0.0
        for key, common in shared.items():
            score = common / (len(distinct) + len(self._near_words[key]) - common)
            if score > best_score or (score == best_score and best is not None and key < best):
                best, best_score = key, score
        return best if best_score >= self.settings.near_similarity else None

    def adjust(self, mention: dict[str, Any]) -> bool:
        """Apply what the store learned to a freshly triaged mention, in place; True if it changed.

        The mention keeps a `learned` note (how, the values triage had, the evidence) so the
        detail pane can say why it differs from the rules."""
        lesson = self.lesson_for(str(mention.get("text") or ""))
        if lesson is None:
            return False
        how, values, evidence = lesson
        if how == "phrases" and not self.settings.demote_crisis and mention.get("kind") == "crisis":
            values.pop("kind", None)
            if mention.get("label") == "negative":
                values.pop("label", None)
        fields = corrected_fields(mention, values, self.queue_for, self.bands)
        if not fields:
            return False
        was = {name: mention.get(name) for name in fields}
        mention.update(fields)
        mention["learned"] = {"how": how, "was": was, "evidence": evidence[:200]}
        return True


# -- the report's figure -------------------------------------------------------------------------
def agreement(store: Any, uids: Iterable[str]) -> dict[str, Any]:
    """How often triage stood: of these mentions, how many an agent corrected (standing
    corrections only), and which fields the agent chose. A mention corrected twice counts once."""
    scope = set(uids)
    fields_by_uid: dict[str, set[str]] = defaultdict(set)
    for event in store.events():
        if event.get("action") != ACTION or event.get("undone"):
            continue
        chosen = (event.get("details") or {}).get("set") or {}
        for uid, before in (event.get("before") or {}).items():
            if uid in scope:
                # A queue that moved because the label or kind did is not a queue correction.
                fields_by_uid[uid] |= {name for name in chosen if MENTION_FIELD.get(name) in before}
    total = len(scope)
    corrected = len(fields_by_uid)
    per_field = {name: sum(name in f for f in fields_by_uid.values()) for name in FIELDS}
    return {"mentions": total, "corrected": corrected,
            "agreed": round(1 - corrected / total, 4) if total else None, "fields": per_field}


def describe_agreement(figure: Mapping[str, Any]) -> str:
    """One line for the report, e.g. "Triage corrections: 12 of 840 mentions corrected (98.6%
    agreed); label 7, kind 4, queue 1"."""
    agreed = figure.get("agreed")
    share = "—" if agreed is None else f"{agreed * 100:.1f}%"
    line = (f"Triage corrections: {figure['corrected']} of {figure['mentions']} mentions corrected "
            f"({share} agreed)")
    if figure["corrected"]:
        line += "; " + ", ".join(f"{name} {figure['fields'][name]}" for name in FIELDS)
    return line
