"""Source -> normalise -> dedupe -> triage -> store: the one pipeline the app and `collect` share."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.core.corrections import Lessons
from tui.core.lifecycle import Rules, by_us, default_rules, our_handles
from tui.core.model import Mention, MentionError, Problem, now_utc, parse_mention, parse_time, uid_of
from tui.core.queues import queue_of, triage_fields
from tui.core.relevance import Relevance
from tui.core.reviews import apply_rating, revise
from tui.core.rows import span
from tui.core.triage import Triager
from tui.sources.base import NO_CURSOR, Item, Source
from tui.storage.store import SpoolBatch, Store

ArrivalHook = Callable[[Mention], None]


@dataclass
class Counts:
    new: int = 0
    duplicate: int = 0
    invalid: int = 0
    updated: int = 0
    """Edited reviews: stored mentions whose newer version replaced their text (the old one kept)."""
    problems: list[Problem] = field(default_factory=list)
    spooled: int = 0
    """Of the new ones, how many went to the spool for the process that holds the store."""
    set_aside: int = 0
    """Of the new ones, how many name only a `[brand] exclude` phrase (kept, in no queue)."""

    def __str__(self) -> str:
        line = f"{self.new} new, {self.duplicate} duplicate, {self.invalid} invalid"
        if self.updated:
            line += f", {self.updated} updated (edited reviews)"
        if self.set_aside:
            line += f" ({self.set_aside} set aside as not about us: [brand] exclude)"
        if self.spooled:
            line += f" ({self.spooled} handed to the turnaround that holds the store)"
        return line

    def tally(self, outcome: Outcome, where: str, line: int, *, spooled: bool = False) -> None:
        """Count one ingest outcome. A mention handed to the holder (`spooled`) is set aside by
        the holder's own config, so it is not ours to count as set aside."""
        if outcome.status == "invalid":
            self.invalid += 1
            self.problems.append(Problem(where, line, outcome.problem or ""))
        elif outcome.status == "new":
            self.new += 1
            aside = outcome.mention is not None and outcome.mention.get("off_topic")
            self.set_aside += bool(not spooled and aside)
            self.spooled += spooled
        elif outcome.status == "updated":
            self.updated += 1
        else:
            self.duplicate += 1


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # new | duplicate | folded | updated | invalid
    mention: Mention | None = None
    problem: str | None = None


class Pipeline:
    """Turns raw records into stored, triaged mentions. Pure core: no UI, no network of its own."""

    def __init__(self, store: Store, triager: Triager, *,
                 clock: Callable[[], datetime] = now_utc, ours: Iterable[str] = (),
                 rules: Rules | None = None, relevance: Relevance | None = None) -> None:
        self.store = store
        self.relevance = relevance or Relevance()
        """The `[brand] exclude` phrases: a mention naming only those is set aside (`off_topic`)."""
        self.rules = rules or default_rules()
        # "@Delta", "delta" and "Delta" name one account, as the lifecycle reads them
        self.ours = our_handles(ours)
        self.triager = triager
        self.clock = clock
        self.arrival_hooks: list[ArrivalHook] = []
        self.update_hooks: list[ArrivalHook] = []
        """Told of a stored mention that changed in place (an edited review)."""
        self.thread_hooks: list[Callable[[str, str, list[str]], None]] = []
        """Told when the mentions of one thread were filed under another (old, new, their uids)."""
        self.warning_hooks: list[Callable[[str], None]] = []
        """Told what the agent should hear about but that rejects nothing (`collect` prints it,
        the app notifies)."""
        self._future_warned: set[str] = set()
        self.lessons = Lessons.from_store(store, triager)
        """What the agents' triage corrections taught this store, applied after triage."""

    REPEAT_LOOKBACK = 50
    """An exact repeat is looked for among the author's last this-many mentions (the store's author
    index), so start-up builds no index of every text."""

    @staticmethod
    def _normalised(text: str) -> str:
        return " ".join(text.lower().split())

    def _earlier_repeat(self, mention: Mention) -> str | None:
        """The first post of a run of this author's identical texts, when the latest of them is
        within the repeat window (rules: arrivals.repeat_fold_hours); else None."""
        text = self._normalised(mention["text"])
        for earlier in reversed(self.store.by_author(mention["author"],
                                                     last=self.REPEAT_LOOKBACK)):
            if self._normalised(earlier.get("text", "")) != text:
                continue
            apart = abs((parse_time(mention["created_at"])
                         - parse_time(earlier["created_at"])).total_seconds())
            if apart > self.rules.repeat_window.total_seconds():
                return None
            return earlier.get("repeat_of") or earlier["uid"]
        return None

    def _warn(self, message: str) -> None:
        for hook in self.warning_hooks:
            hook(message)

    def _check_future(self, mention: Mention, now: datetime, origin: str) -> datetime:
        """A post dated ahead of our clock is kept, flagged, and aged from its arrival; the first
        one from each source is worth a warning (its clock, or ours, is wrong)."""
        created = parse_time(mention["created_at"])
        if created - now <= self.rules.future_tolerance:
            return created
        mention["future_dated"] = True
        if origin not in self._future_warned:
            self._future_warned.add(origin)
            self._warn(f"{origin}: mention {mention['id']} is dated {mention['created_at']}, "
                       f"{span((created - now).total_seconds())} ahead of our clock; kept, and "
                       "aged from when it arrived (said once per source)")
        return now

    def ingest(self, data: dict[str, Any], *, origin: str | None = None) -> Outcome:
        """Validate, dedupe, fold, triage and store one record. `origin` names the source for
        warnings (default: the mention's platform)."""
        try:
            mention = parse_mention(data)
        except MentionError as error:
            return Outcome("invalid", problem=str(error))
        if self.store.has_mention(mention["uid"]):
            revised = revise(self.store, mention, self.triager, self.clock())  # an edited review
            if revised is not None:
                for hook in self.update_hooks:
                    hook(revised)
            return Outcome("updated" if revised else "duplicate", revised or mention)
        if self.store.is_stored(mention):  # archived: an old mention sent again
            return Outcome("duplicate", mention)
        folded = self._fold(mention)
        if folded is not None:
            return Outcome("folded", folded)
        repeat_of = self._earlier_repeat(mention)
        if repeat_of is not None:
            # Kept as a record of its own (export, search, history); the list folds it.
            mention["repeat_of"] = repeat_of
        if mention.get("in_reply_to") and not mention.get("thread"):
            parent = self.store.mention(uid_of(mention["source"], mention["in_reply_to"]))
            if parent is None:  # an answer to the reply we posted: the thread of what we answered
                answered = self.store.answered_by(mention["source"], mention["in_reply_to"])
                parent = self.store.mention(answered) if answered else None
            if parent is not None:
                mention["thread_uid"] = parent["thread_uid"]
        self._adopt(mention)
        now = self.clock()
        result = self.triager.triage(
            mention["text"],
            followers=mention.get("followers"),
            created_at=self._check_future(mention, now, origin or mention["source"]),
            now=now,
        )
        mention.update(triage_fields(result))
        self.lessons.adjust(mention)
        mention["received_at"] = now.isoformat(timespec="seconds")
        mention["state"] = "open"
        mention["read"] = False
        mention["tags"] = []
        author = self.store.author(mention["author"])
        if author.get("muted"):
            mention["muted"] = True
        elsewhere = self.relevance.set_aside(mention["text"]) if self.relevance else None
        if elsewhere is not None:
            mention["off_topic"] = elsewhere
        if by_us(mention["author"], self.ours):
            # Our own posts in a thread are context, not work: they sit in no queue.
            mention["ours"] = True
            mention["state"] = "ours"
            mention["read"] = True
        apply_rating(mention, self.triager, now=now)  # stars weigh in a review's triage
        mention["queue"] = queue_of(mention)
        self.store.add_mention(mention)
        self.lessons.note_arrival(mention)
        for hook in self.arrival_hooks:
            hook(mention)
        return Outcome("new", mention)

    def _adopt(self, mention: Mention) -> None:
        """Replies stored before this post (they answer it, or a reply to it) began a thread named
        after it; when it belongs to a thread of its own, they join that thread: a file or a feed
        read out of order, a conversation collected newest first."""
        old, new = mention["uid"], mention["thread_uid"]
        if old != new and self.store.thread(old):
            moved = self.store.move_thread(old, new)
            for hook in self.thread_hooks:
                hook(old, new, moved)

    def _fold(self, mention: Mention) -> Mention | None:
        """A boost of a stored mention counts, not lists, again: it carries no words of its own."""
        extra = mention.get("extra") or {}
        if not extra.get("repost_of"):
            return None
        target_uid = uid_of(mention["source"], str(extra["repost_of"]))
        target = self.store.mention(target_uid)
        if target is None:
            return None
        boosts = list(target.get("boosts") or ())
        if mention["uid"] in boosts:
            return target  # the same boost delivered again counts once
        self.store.update_mention(target_uid, {"folded": int(target.get("folded", 0)) + 1,
                                               "boosts": [*boosts, mention["uid"]]})
        return target

    # -- the spool: what headless writers handed over while another process held the store --
    def drain_spool(self, counts: Counts | None = None) -> Counts:
        """Ingest everything spooled for this store (a store opened read-write: at open, and in
        `collect`); the app drains it live, a batch at a time, through `Session.drain_spool`."""
        counts = counts or Counts()
        while (batch := self.store.read_spool()) is not None:
            for record in batch.records:
                self.apply_spooled(record, counts, batch)
            self.store.spool_done(batch)
            if not batch.records:
                break  # ingested, only not emptied yet (a writer holds it): another time
        return counts

    def apply_spooled(self, record: Any, counts: Counts, batch: SpoolBatch) -> None:
        """Apply one spooled record. Each kind is idempotent (mentions dedupe by source and id,
        boosts by their own id), so a batch re-read after a crash changes nothing twice."""
        kind = record.get("k") if isinstance(record, dict) else None
        where = str(self.store.spool_path)
        if kind == "mention":
            outcome = self.ingest(record.get("d"), origin=record.get("origin"))
            counts.tally(outcome, where, 0)
        elif kind == "delete":
            self.delete(str(record.get("source")), str(record.get("id")))
        elif kind == "cursor":
            self.store.set_cursor(record["name"], record.get("value"), **(record.get("health") or {}))
        elif kind == "state":
            self.store.update_source_state(record["name"], **(record.get("fields") or {}))
        else:
            self._warn(f"{where}: bytes {batch.start}-{batch.end}: skipped a torn or unknown record "
                       "(a collector killed mid-write; its next run collects that mention again)")

    def delete(self, source: str, mention_id: str) -> Mention | None:
        """A platform deletion: keep the record (nothing is lost) but mark it deleted."""
        uid = uid_of(source, mention_id)
        if not self.store.has_mention(uid):
            return None
        self.store.update_mention(uid, {"deleted": True})
        return self.store.mention(uid)

    async def run(self, source: Source, *, on_outcome: Callable[[Outcome], None] | None = None,
                  counts: Counts | None = None, where: str | None = None) -> Counts:
        """Drain one source into the store, saving its cursor after each stored item."""
        counts = counts or Counts()
        where = where or str(getattr(source, "where", None) or source.name)
        cursor = self.store.cursor(source.name)
        spool = self.store.spool

        def save_failure(level: str, _text: str) -> None:
            if level == "error":
                self._save_health(source)

        source.health.listeners.append(save_failure)
        async for item in source.items(cursor):
            outcome = self.handle(source, item)
            if outcome is not None:
                counts.tally(outcome, where, item.line or 0, spooled=spool is not None)
                if on_outcome is not None:
                    on_outcome(outcome)
            if item.cursor is not NO_CURSOR:
                self.store.set_cursor(source.name, item.cursor, **source.health.as_dict())
                if spool is not None:  # after the item's own record: the holder never skips one
                    spool.add({"k": "cursor", "name": source.name, "value": item.cursor,
                               "health": source.health.as_dict()})
        self._save_health(source)
        await asyncio.sleep(0)
        return counts

    def _save_health(self, source: Source) -> None:
        """Keep a source's health in the store (through the spool when another process holds it), so
        `turnaround sources` shows the failure this process saw, not an older state."""
        self.store.update_source_state(source.name, **source.health.as_dict())
        if self.store.spool is not None:
            self.store.spool.add({"k": "state", "name": source.name, "fields": source.health.as_dict()})

    def handle(self, source: Source, item: Item) -> Outcome | None:
        if item.deleted_id is not None:
            # A relay names the platform the deleted mention came from; others are that platform.
            platform = (item.data or {}).get("source") or source.platform
            self.delete(platform, item.deleted_id)
            if self.store.spool is not None:
                self.store.spool.add({"k": "delete", "source": platform, "id": item.deleted_id})
            return None
        if item.problem is not None:
            return Outcome("invalid", problem=item.problem)
        if item.data is None:
            return None
        outcome = self.ingest(item.data, origin=source.name)
        if self.store.spool is not None and outcome.status in ("new", "folded", "updated"):
            # The raw record: the holder triages it (or revises its review) against its own, newer, state.
            self.store.spool.add({"k": "mention", "origin": source.name, "d": item.data})
        return outcome
