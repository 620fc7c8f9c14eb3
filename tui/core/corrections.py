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

from collections import Counter, defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.core.corrections_fields import (
    ACTION,
    CHOICES,
    FIELDS,
    MENTION_FIELD,
    Bands,
    Correction,
    QueueFor,
    agreeing_kind,
    bands_of,
    corrected_fields,
    rebanded,
)
from tui.core.corrections_index import INDEX, _remember, correction_ids, filed_by_hand
from tui.core.corrections_phrases import PhraseRule, _bump
from tui.core.corrections_report import agreement, describe_agreement
from tui.core.corrections_settings import CorrectionsConfigError, Settings, load_settings
from tui.core.corrections_wording import _prefix_size, _rank, normalise, phrases, words
from tui.core.model import Event, Mention
from tui.core.sanitize import clean, one_line

if TYPE_CHECKING:
    from tui.storage.store import Store

__all__ = [
    "ACTION", "CHOICES", "FIELDS", "INDEX", "MENTION_FIELD", "Bands", "Correction",
    "CorrectionsConfigError", "Lessons", "PhraseRule", "QueueFor", "Settings", "agreeing_kind", "agreement",
    "bands_of", "corrected_fields", "correction_ids", "describe_agreement", "filed_by_hand",
    "learned_line", "load_settings", "normalise", "phrases", "rebanded", "words",
]


# -- what the store has learned ------------------------------------------------------------------
@dataclass(slots=True)
class _Taught:
    """One standing correction of one mention: its words, phrases and the values the agent set."""

    uid: str
    key: str
    grams: set[str]
    values: dict[str, str]
    before: dict[str, Any]


@dataclass
class Lessons:
    """The store's corrections, ready to apply to new mentions. Build with `from_store`."""

    store: Store
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
    def from_store(cls, store: Store, triager: Any, settings: Settings | None = None) -> Lessons:
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

    def _learn(self, event_id: int, event: Event) -> None:
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
            undo = self.store.event(change.event_id)
            if undo is not None and undo.get("undid") == ACTION:
                items = self._taught.pop(int(undo.get("of", -1)), [])
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
                    learned = mention.get("learned")
                    said = learned["was"].get(stored) if learned else None
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

    def note_arrival(self, mention: Mention) -> None:
        """Keep the background current as mentions arrive (the pipeline calls it for each)."""
        if self._background is None or mention.get("ours"):
            return
        grams = self._phrases(words(mention.get("text") or ""))
        self._background.append((mention["uid"], grams))
        for gram in grams:
            self._background_index.setdefault(gram, set()).add(mention["uid"])
        # A phrase rule's precision counts the mentions it acts on: one more arrived, so check
        # those rules again (as a fresh read of the store would see them).
        ruled = {gram for gram in grams if gram in self._rules}
        if ruled:
            self._check_phrases(ruled)
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

    def adjust(self, mention: Mention) -> bool:
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
