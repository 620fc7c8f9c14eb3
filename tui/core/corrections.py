"""The agent corrects triage, and this store learns from it. No Textual or Rich here.

A correction (label, kind and/or queue of some mentions) is a lifecycle event like any other
(`correct`, with who, when and each mention's fields before), so `u` undoes it and the thread's
history tells it. `corrected_fields` says what a correction sets on one mention.

`Lessons` reads the standing (not undone) corrections from the store's events and applies them
to new mentions after triage, in the pipeline the app and `collect` share: the same or nearly the
same wording gets the agent's values, and phrases the agents corrected the same way several times
nudge label and kind when the store's own mentions back them. How strong the evidence must be is
data: `tui/rules/data/corrections.toml` (its comments explain each threshold).

`agreement` gives the report's figure: how often the agents left triage as it was.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from tui.core.sanitize import clean, one_line
from tui.core.triage import KINDS, LABELS, NEW_QUEUES
from tui.rules.datafile import UserFileError, line_of

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


CorrectionsConfigError = UserFileError
"""A bad corrections.toml: the one user-file error."""


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
    stops = [0]  # stopwords among the first i tokens: a run is all stopwords when its count is its size
    for token in tokens:
        stops.append(stops[-1] + (token in stopwords))
    join = " ".join
    return {join(tokens[i:i + size]) for size in sizes for i in range(len(tokens) - size + 1)
            if stops[i + size] - stops[i] < size}


# -- settings (data) -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Settings:
    min_words: int = 3
    near_similarity: float = 0.8
    near_min_words: int = 5
    phrase_words: tuple[int, ...] = (2, 3)
    phrase_min_support: int = 4
    phrase_min_precision: float = 0.8
    background_size: int = 2000
    demote_crisis: bool = False
    stopwords: frozenset[str] = frozenset()


def load_settings(text: str | None = None, where: str = "tui/rules/data/corrections.toml") -> Settings:
    """The packaged settings (or `text`), checked against the schema (CorrectionsFile) and the
    ranges below: a bad value names the file, the line and the key."""
    # Imported here, not at the top: `turnaround triage` imports this module but never learns.
    from tui.rules.datafile_models import CorrectionsFile
    from tui.rules.datafile_schema import check, parse_toml

    if text is None:
        text = resources.files("tui.rules.data").joinpath("corrections.toml").read_text("utf-8")
    checked = check(parse_toml(text, where), CorrectionsFile, where, text)
    same, phrase = checked.same_wording, checked.phrases

    def number(table: str, key: str, low: float, high: float, kind: type = float) -> Any:
        value = getattr(same if table == "same_wording" else phrase, key)
        if not low <= value <= high or (kind is int and not isinstance(value, int)):
            raise CorrectionsConfigError(where, None, key, f"expected a {kind.__name__} in [{low}, {high}], "
                                         f"got {value!r}", table=table, line=line_of(text, table, key))
        return kind(value)

    if not phrase.phrase_words or not all(1 <= n <= 6 for n in phrase.phrase_words):
        raise CorrectionsConfigError(where, None, "phrase_words", "expected a list of word counts 1..6",
                                     table="phrases", line=line_of(text, "phrases", "phrase_words"))
    return Settings(
        min_words=number("same_wording", "min_words", 1, 100, int),
        near_similarity=number("same_wording", "near_similarity", 0.5, 1.0),
        near_min_words=number("same_wording", "near_min_words", 1, 100, int),
        phrase_words=tuple(sorted(set(phrase.phrase_words))),
        phrase_min_support=number("phrases", "phrase_min_support", 2, 1000, int),
        phrase_min_precision=number("phrases", "phrase_min_precision", 0.5, 1.0),
        background_size=number("phrases", "background_size", 0, 1_000_000, int),
        demote_crisis=phrase.demote_crisis,
        stopwords=frozenset(w.lower() for w in phrase.stopwords),
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


# -- where the corrections are -------------------------------------------------------------------
INDEX = "corrections.index"
"""A store setting: {"ids": correction event ids, "upto": the last event id looked at}. The events
stay the truth; the index only spares each start (the app's, each `collect`'s) a pass over every
event (about 0.3 s at 100k events): it reads just the events added since."""


def correction_ids(store: Any) -> list[int]:
    """The ids of every `correct` event, undone or not, oldest first."""
    state = store.setting(INDEX)
    ok = (isinstance(state, dict) and isinstance(state.get("ids"), list)
          and isinstance(state.get("upto"), int) and store.event(state["upto"]) is not None)
    if ok:
        ids = [i for i in state["ids"] if (store.event(i) or {}).get("action") == ACTION]
        upto = state["upto"]
        while (event := store.event(upto + 1)) is not None:
            upto += 1
            if event.get("action") == ACTION:
                ids.append(upto)
    else:  # no index yet, or a store reset under it: one full pass
        ids, upto = [], 0
        for event in store.events():
            upto = max(upto, event.doc_id)
            if event.get("action") == ACTION:
                ids.append(event.doc_id)
        ids.sort()
    if not getattr(store, "readonly", False) and (not ok or state != {"ids": ids, "upto": upto}):
        store.set_setting(INDEX, {"ids": ids, "upto": upto})
    return ids


def _remember(store: Any, event_id: int) -> None:
    """Add a new correction to the index (events before it were looked at when the store opened)."""
    state = store.setting(INDEX)
    if isinstance(state, dict) and isinstance(state.get("ids"), list) and event_id not in state["ids"]:
        store.set_setting(INDEX, {"ids": [*state["ids"], event_id],
                                  "upto": max(int(state.get("upto") or 0), event_id)})


# -- what the store has learned ------------------------------------------------------------------
@dataclass(slots=True)
class _Taught:
    """One standing correction of one mention: its words, phrases and the values the agent set."""

    uid: str
    key: str
    grams: set[str]
    values: dict[str, str]
    before: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PhraseRule:
    phrase: str
    field: str
    value: str
    support: int
    precision: float


def _bump(counts: Counter[str], key: str, sign: int) -> None:
    counts[key] += sign
    if counts[key] <= 0:
        del counts[key]


def _rank(word: str) -> tuple[int, str]:
    """The one order both sides of the prefix filter use: longer words first (they are the rarer,
    so a lookup probes short lists), then alphabetical."""
    return (-len(word), word)


def _prefix_size(size: int, threshold: float) -> int:
    """How many of a set's rarest words two sets with Jaccard >= threshold must have in common
    among their prefixes (prefix filtering): probing only these keeps a lookup off the common words."""
    return size - math.ceil(threshold * size - 1e-9) + 1


@dataclass
class Lessons:
    """The store's corrections, ready to apply to new mentions. Build with `from_store`."""

    store: Any
    queue_for: QueueFor
    bands: Bands = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    _taught: dict[int, list[_Taught]] = field(default_factory=dict)
    _exact: dict[str, dict[str, str]] = field(default_factory=dict)
    _near: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    _near_count: Counter[str] = field(default_factory=Counter)
    _rules: dict[str, list[PhraseRule]] = field(default_factory=dict)
    _votes: dict[tuple[str, str], dict[str, Counter[str]]] = field(default_factory=dict)
    _holders: dict[str, Counter[str]] = field(default_factory=dict)
    _background: deque[tuple[str, set[str]]] | None = None
    _background_index: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Any, triager: Any, settings: Settings | None = None) -> Lessons:
        """Read every standing correction (one pass over the events)."""
        queue_for = getattr(triager, "queue", None)
        if not callable(queue_for):
            from tui.core.triage import queue_for as packaged_queue_for

            queue_for = packaged_queue_for
        lessons = cls(store, queue_for, bands_of(triager), settings or load_settings())
        for event_id in correction_ids(store):
            event = store.event(event_id)
            if event is not None and not event.get("undone"):
                lessons._learn(event_id, event)
        lessons._rebuild()
        return lessons

    @property
    def corrections(self) -> int:
        """How many standing correction events the lessons come from."""
        return len(self._taught)

    @property
    def rules(self) -> list[PhraseRule]:
        return [rule for rules in self._rules.values() for rule in rules]

    def _phrases(self, tokens: list[str]) -> set[str]:
        return phrases(tokens, self.settings.phrase_words, self.settings.stopwords)

    def _learn(self, event_id: int, event: Mapping[str, Any]) -> None:
        wanted = {k: v for k, v in ((event.get("details") or {}).get("set") or {}).items()
                  if k in FIELDS and isinstance(v, str)}
        if not wanted:
            return
        taught = []
        for uid in event.get("uids") or ():
            mention = self.store.mention(uid)
            if mention is not None and mention.get("text"):
                tokens = words(mention["text"])
                before = dict((event.get("before") or {}).get(uid) or {})
                taught.append(_Taught(uid, " ".join(tokens), self._phrases(tokens), wanted, before))
        if taught:
            self._taught[event_id] = taught

    def on_change(self, change: Any) -> None:
        """A lifecycle listener: a correction teaches at once, and its undo unteaches. Only the
        phrases of the mentions it touched are checked again, so a correction costs the same with
        ten standing corrections as with thousands."""
        items: list[_Taught] = []
        if change.action == ACTION:
            event = self.store.event(change.event_id)
            if event is not None:
                _remember(self.store, change.event_id)
                self._learn(change.event_id, event)
                items = self._taught.get(change.event_id, [])
                for item in items:
                    self._count(item, 1)
                    self._index_wording(item, 1)
        elif change.action == "undo":
            event = self.store.event(change.event_id) or {}
            if event.get("undid") == ACTION:
                items = self._taught.pop(int(event.get("of", -1)), [])
                for item in items:
                    self._count(item, -1)
                    self._index_wording(item, -1)
        if items:
            self._check_phrases({gram for item in items for gram in item.grams})

    def _rebuild(self) -> None:
        """Index every standing correction from scratch (at start)."""
        for table in (self._votes, self._holders, self._rules, self._exact, self._near, self._near_count):
            table.clear()
        for event_id in sorted(self._taught):
            for item in self._taught[event_id]:
                self._count(item, 1)
                self._index_wording(item, 1, in_order=True)
        self._check_phrases(set(self._holders))

    def _count(self, item: _Taught, sign: int) -> None:
        """Add (or take away) one corrected mention's phrases to the votes and the holders."""
        for gram in item.grams:
            _bump(self._holders.setdefault(gram, Counter()), item.uid, sign)
            if not self._holders[gram]:
                del self._holders[gram]
            for name in ("label", "kind"):
                if name in item.values:
                    by_value = self._votes.setdefault((gram, name), {})
                    _bump(by_value.setdefault(item.values[name], Counter()), item.key, sign)
                    if not by_value[item.values[name]]:
                        del by_value[item.values[name]]
                    if not by_value:
                        del self._votes[(gram, name)]

    def _index_wording(self, item: _Taught, sign: int, *, in_order: bool = False) -> None:
        """Add (or take away) one corrected wording to the same-wording and near-wording lookups.
        `in_order`: items come oldest first (at start), so the values merge as they come."""
        s = self.settings
        size = item.key.count(" ") + 1 if item.key else 0
        if size < s.min_words:
            return
        merged: dict[str, str] = {}
        if in_order:
            merged = {**self._exact.get(item.key, {}), **item.values}
        else:
            for event_id in sorted(self._taught):  # in event order: a later correction wins
                for other in self._taught[event_id]:
                    if other.key == item.key:
                        merged.update(other.values)
        if merged:
            self._exact[item.key] = merged
        else:
            self._exact.pop(item.key, None)
        if size < s.near_min_words:
            return
        self._near_count[item.key] += sign
        distinct = frozenset(item.key.split())
        for word in sorted(distinct, key=_rank)[: _prefix_size(len(distinct), s.near_similarity)]:
            if self._near_count[item.key] > 0:
                self._near.setdefault(word, {})[item.key] = distinct
            elif word in self._near:
                self._near[word].pop(item.key, None)
                if not self._near[word]:
                    del self._near[word]
        if self._near_count[item.key] <= 0:
            del self._near_count[item.key]

    def _check_phrases(self, grams: set[str]) -> None:
        """Make, keep or drop the phrase rules of these phrases (see corrections.toml for the test)."""
        s = self.settings
        befores: dict[str, dict[str, Any]] | None = None
        for gram in grams:
            self._rules.pop(gram, None)
            found = []
            for name in ("label", "kind"):
                by_value = self._votes.get((gram, name))
                if not by_value or len(by_value) != 1:
                    continue  # never corrected this way, or corrected both ways
                value, keys = next(iter(by_value.items()))
                if len(keys) < s.phrase_min_support:
                    continue
                if befores is None:
                    befores = {}
                    for event_id in sorted(self._taught, reverse=True):  # the earliest wins
                        for item in self._taught[event_id]:
                            befores[item.uid] = {**befores.get(item.uid, {}), **item.before}
                stored = MENTION_FIELD[name]
                acting = agreeing = 0
                for uid in set(self._holders.get(gram, ())) | self._background_grams().get(gram, set()):
                    mention = self.store.mention(uid)
                    if mention is None:
                        continue
                    said = ((mention.get("learned") or {}).get("was") or {}).get(stored)
                    said = said or befores.get(uid, {}).get(stored) or mention.get(stored)
                    if said != value:  # where the rule would act: triage said otherwise
                        acting += 1
                        agreeing += mention.get(stored) == value
                # One more in the denominator: pessimistic, so 3 of 3 is 0.75 and 4 of 4 is 0.8.
                precision = agreeing / (acting + 1)
                if precision >= s.phrase_min_precision:
                    found.append(PhraseRule(gram, name, value, len(keys), round(precision, 3)))
            if found:
                self._rules[gram] = found

    def _background_grams(self) -> dict[str, set[str]]:
        """phrase -> uids among the store's latest mentions, read once (only when a phrase could be
        learned), so the precision test sees what the agents left uncorrected."""
        if self._background is None:
            self._background = deque()
            size = self.settings.background_size
            for mention in deque(self.store.mentions(), maxlen=size):
                self.note_arrival(mention)
        return self._background_index

    def note_arrival(self, mention: Mapping[str, Any]) -> None:
        """Keep the background current as mentions arrive (the pipeline calls it for each)."""
        if self._background is None or mention.get("ours"):
            return
        grams = self._phrases(words(mention.get("text") or ""))
        self._background.append((mention["uid"], grams))
        for gram in grams:
            self._background_index.setdefault(gram, set()).add(mention["uid"])
        while len(self._background) > self.settings.background_size:
            uid, old = self._background.popleft()
            for gram in old:
                holders = self._background_index.get(gram)
                if holders is not None:
                    holders.discard(uid)
                    if not holders:
                        del self._background_index[gram]

    # -- applying --------------------------------------------------------------------------------
    def lesson_for(self, text: str) -> tuple[str, dict[str, str], str] | None:
        """(how, values, evidence) this store's corrections say for a text, or None."""
        if not self._taught:
            return None
        tokens = words(text)
        key = " ".join(tokens)
        if key in self._exact:
            return "same wording", dict(self._exact[key]), key
        near = self._nearest(tokens)
        if near is not None:
            return "nearly the same wording", dict(self._exact[near]), near
        if not self._rules:
            return None
        found: dict[str, Counter[str]] = defaultdict(Counter)
        evidence: list[str] = []
        for gram in self._phrases(tokens) & self._rules.keys():
            for rule in self._rules[gram]:
                found[rule.field][rule.value] += 1
                evidence.append(gram)
        values = {name: next(iter(counts)) for name, counts in found.items() if len(counts) == 1}
        if not values:
            return None
        return "phrases", values, ", ".join(sorted(set(evidence)))

    def _nearest(self, tokens: list[str]) -> str | None:
        """The corrected wording closest to these words (Jaccard over distinct words), if close enough."""
        threshold = self.settings.near_similarity
        if len(tokens) < self.settings.near_min_words or not self._near:
            return None
        distinct = frozenset(tokens)
        ranked = sorted(distinct, key=_rank)
        best, best_score = None, 0.0
        for word in ranked[: _prefix_size(len(ranked), threshold)]:
            for key, other in self._near.get(word, {}).items():
                common = len(distinct & other)
                score = common / (len(distinct) + len(other) - common)
                if score > best_score or (score == best_score and best is not None and key < best):
                    best, best_score = key, score
        return best if best_score >= threshold else None

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


def learned_line(note: Mapping[str, Any]) -> str:
    """The detail pane's line for a mention a lesson changed, e.g. "✎ Triaged as this store's agents
    corrected the same wording (triage said other, neutral)". Plain text."""
    how = str(note.get("how") or "")
    if how == "phrases":
        how = f"the phrases {one_line(clean(str(note.get('evidence') or '')), 60)!r}"
    elif how == "same wording":
        how = "the same wording"
    was = note.get("was") or {}
    said = ", ".join(str(was[k]) for k in ("kind", "label", "triage_queue") if k in was)
    return f"✎ Triaged as this store's agents corrected {how}" + (f" (triage said {said})" if said else "")


# -- the report's figure -------------------------------------------------------------------------
def agreement(store: Any, uids: Iterable[str]) -> dict[str, Any]:
    """How often triage stood: of these mentions, how many an agent corrected (standing
    corrections only), and which fields the agent chose; a mention corrected twice counts once.
    `learned`: how many of them arrived triaged by this store's lessons rather than the rules alone."""
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
    learned = sum(1 for uid in scope if (store.mention(uid) or {}).get("learned"))
    return {"mentions": total, "corrected": corrected,
            "agreed": round(1 - corrected / total, 4) if total else None, "fields": per_field,
            "learned": learned}


def describe_agreement(figure: Mapping[str, Any]) -> str:
    """One line for the report, e.g. "Triage corrections: 12 of 840 mentions corrected (98.6%
    agreed); label 7, kind 4, queue 1"."""
    agreed = figure.get("agreed")
    share = "—" if agreed is None else f"{agreed * 100:.1f}%"
    line = (f"Triage corrections: {figure['corrected']} of {figure['mentions']} mentions corrected "
            f"({share} agreed)")
    if figure["corrected"]:
        line += "; " + ", ".join(f"{name} {figure['fields'][name]}" for name in FIELDS)
    if figure.get("learned"):
        line += f"; {figure['learned']} triaged by this store's lessons"
    return line
