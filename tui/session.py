"""Everything one running inbox needs, wired once: store, triage, pipeline, lifecycle, inbox.

The app and the tests build a `Session`; the CLI's headless commands use the same pieces.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tui import paths
from tui.config import Config
from tui.corrections import ACTION as CORRECT
from tui.corrections import Correction, corrected_fields
from tui.inbox import Inbox
from tui.lifecycle import Change, Lifecycle, load_user_rules
from tui.lifecycle_archive import load_policy
from tui.model import now_utc
from tui.outbox import Outbox
from tui.pipeline import Counts, Pipeline
from tui.spikes import SpikeDetector
from tui.store import Store, gc_paused
from tui.triage import Triager


def _first_say(hook: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """An arrival hook that ignores exact repeats: an author saying the same thing again is neither
    news in a watched thread (walked away from for repeating, say) nor a spike of complaints."""
    def hook_first_say(mention: dict[str, Any]) -> None:
        if mention.get("repeat_of") is None:
            hook(mention)
    return hook_first_say


@dataclass
class Session:
    config: Config
    store: Store
    pipeline: Pipeline
    lifecycle: Lifecycle
    inbox: Inbox
    spikes: SpikeDetector
    outbox: Outbox
    clock: Callable[[], datetime] = now_utc
    warnings: list[str] = field(default_factory=list)
    _draining: bool = field(default=False, init=False, repr=False)
    _spool_seen: int = field(default=-1, init=False, repr=False)

    @classmethod
    def open(cls, config: Config, db: Path, *, clock: Callable[[], datetime] = now_utc,
             triager: Triager | None = None) -> Session:
        """Blocking (reads the store): call it in a thread from the UI."""
        with gc_paused():
            session = cls._open(config, db, clock=clock, triager=triager)
        # What the session loaded lives as long as it does: keep it out of the cyclic GC's sight,
        # or each full collection rescans every stored mention (about 1 s at 100k).
        gc.freeze()
        return session

    @classmethod
    def _open(cls, config: Config, db: Path, *, clock: Callable[[], datetime],
              triager: Triager | None) -> Session:
        store = Store(db, archive=load_policy(), clock=clock)
        if triager is None:
            user = paths.triage_file()
            triager = Triager.load(user if user.exists() else None)
        rules = load_user_rules()
        pipeline = Pipeline(store, triager, clock=clock, ours=config.handles, rules=rules)
        lifecycle = Lifecycle(store, clock=clock, agent=config.agent, rules=rules,
                              walk_away_days=config.walk_away_days, ours=config.handles)
        inbox = Inbox(store, lifecycle, clock=clock, targets=config.targets,
                      queue_targets=config.queue_targets)
        spikes = SpikeDetector.from_rules(lifecycle.rules, clock=clock)
        spikes.ignore = {word.lower().strip("@#") for phrase in [config.brand, *config.watch]
                         for word in phrase.split()}
        spikes.seed(m for m in store.mentions() if m.get("repeat_of") is None)
        # Order matters: the inbox files a mention before a resurfaced thread is re-filed.
        pipeline.arrival_hooks += [inbox.add, _first_say(lifecycle.on_arrival), _first_say(spikes.observe)]
        pipeline.update_hooks.append(lambda mention: inbox.refresh(mention["uid"]))
        lifecycle.listeners.append(lambda change: [inbox.refresh(uid) for uid in change.uids])
        lifecycle.listeners.append(pipeline.lessons.on_change)  # a correction teaches at once
        outbox = Outbox(store, {}, clock=clock)
        session = cls(config, store, pipeline, lifecycle, inbox, spikes, outbox, clock,
                      list(store.warnings))
        # What `collect` handed over while another process held the store, hooks and all.
        pipeline.warning_hooks.append(session.warnings.append)
        pipeline.drain_spool()
        pipeline.warning_hooks.remove(session.warnings.append)
        return session

    async def drain_spool(self, *, pause_every: int = 20) -> int:
        """Ingest, live, what a headless `collect` spooled while we hold the store: the file is
        read in a thread and the records applied here, yielding to the UI every few of them.
        Returns how many new mentions arrived. Cheap when there is nothing (one stat)."""
        if self._draining:
            return 0
        if self.store.spool_waiting(self._spool_seen) < 0:
            return 0
        self._draining = True
        try:
            counts = Counts()
            while (batch := await asyncio.to_thread(self.store.read_spool)) is not None:
                for index, record in enumerate(batch.records, 1):
                    self.pipeline.apply_spooled(record, counts, batch)
                    if index % pause_every == 0:
                        await asyncio.sleep(0)
                self.store.spool_done(batch)
                if not batch.records:
                    break  # ingested, only not emptied yet (a writer holds it): another time
            # A torn tail waits for the next writer's batch: do not re-read it every check.
            self._spool_seen = self.store.spool_waiting()
            return counts.new
        finally:
            self._draining = False

    def tick(self) -> list[str]:
        """Timers: snoozes wake, watch windows end. Returns what the agent should hear about."""
        return [f"{change.action}: {len(change.uids)} mention(s)" for change in self.lifecycle.tick()
                if change.action in ("wake", "resurface")]

    def send_reply(self, uid: str, text: str) -> str:
        """Record a reply: the thread moves to `waiting`, the draft goes, and the text is kept in
        the thread's history. Returns a line for the agent saying what happened."""
        mention = self.store.mention(uid) or {}
        platform = mention.get("source", "")
        item_id = self.outbox.enqueue(uid, text, platform)
        uids = self.inbox.thread_open_uids(uid) or [uid]
        self.inbox.act("reply", uids, cursor=uid, text=text, outbox_id=item_id)
        self.store.drop_draft(uid)
        status = (self.outbox.item(item_id) or {}).get("status", "queued")
        if status == "manual":
            return (f"Nothing set up to post on {platform or 'this platform'}: post it by hand "
                    "(v opens the link, y copies it). Recorded as replied.")
        return "Reply queued in the outbox; the thread now waits for the customer."

    def correct(self, uids: list[str], correction: Correction, *, cursor: str | None = None) -> Change | None:
        """The agent corrects triage: one undoable event that moves each mention to the queue its
        new triage implies, and a lesson this store applies to new mentions (undo takes it back).
        None when the correction changes nothing on these mentions."""
        lessons = self.pipeline.lessons
        to: dict[str, dict[str, object]] = {}
        for uid in uids:
            mention = self.store.mention(uid)
            if mention is not None:
                fields = corrected_fields(mention, correction, lessons.queue_for, lessons.bands)
                if fields:
                    to[uid] = fields
        if not to:
            return None
        return self.inbox.act(CORRECT, list(to), cursor=cursor, set=correction.as_dict(), to=to,
                              summary=correction.summary())

    def post_for(self, change: Change, uid: str, text: str) -> int:
        """Queue the text an action sends (thanks, a feedback request) and link it to the action's
        event, so the thread shows whether it was sent."""
        mention = self.store.mention(uid) or {}
        item_id = self.outbox.enqueue(uid, text, mention.get("source", ""))
        event = self.store.event(change.event_id)
        if event is not None:
            self.store.update_event(change.event_id,
                                    {"details": {**(event.get("details") or {}), "outbox_id": item_id}})
        return item_id

    def close(self) -> None:
        self.store.close()
