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
from typing import TypeVar

from tui.core.corrections import ACTION as CORRECT
from tui.core.corrections import Correction, corrected_fields, filed_by_hand
from tui.core.hints_ignore import RESET as SET_ASIDE_RESET
from tui.core.hints_ignore import SETTING as SET_ASIDE
from tui.core.hints_ignore import SetAside, learned
from tui.core.inbox import Inbox
from tui.core.lifecycle import Change, Lifecycle, brand_handles, default_rules, load_user_rules, our_handles
from tui.core.lifecycle_archive import load_policy
from tui.core.model import Mention, MentionUpdate, now_utc
from tui.core.relevance import Relevance, restate
from tui.core.rows import has_words
from tui.core.spikes import SpikeDetector
from tui.core.triage import CACHE_FILE_NAME as TRIAGE_CACHE
from tui.core.triage import Triager
from tui.rules.config import Config
from tui.services.outbox import Outbox, Sender
from tui.services.pipeline import Counts, Pipeline
from tui.storage import paths
from tui.storage.archive import default_policy
from tui.storage.records import StoredEvent
from tui.storage.store import Store, gc_paused


def _first_say(hook: Callable[[Mention], None]) -> Callable[[Mention], None]:
    """An arrival hook that ignores exact repeats: an author saying the same thing again is neither
    news in a watched thread (walked away from for repeating, say) nor a spike of complaints."""
    def hook_first_say(mention: Mention) -> None:
        if mention.get("repeat_of") is None:
            hook(mention)
    return hook_first_say


def _restate_relevance(store: Store, relevance: Relevance) -> list[str]:
    """Apply the `[brand] exclude` phrases as they stand now to what is stored: an edited list
    sets aside (or files back) what came before it, not only what comes next. Only the process
    that holds the store writes it; a mention an agent filed by hand stays where they put it."""
    if store.readonly or store.spool is not None:
        return []
    if not relevance and not any(m.get("off_topic") for m in store.mentions()):
        return []  # nothing listed and nothing set aside: the common case costs one pass
    changes = restate(store.mentions(), relevance, filed_by_hand(store))
    aside = back = 0
    for uid, fields in changes.items():
        before = store.mention(uid)
        if before is not None and bool(before.get("off_topic")) != bool(fields.get("off_topic")):
            aside, back = (aside + 1, back) if fields.get("off_topic") else (aside, back + 1)
        store.update_mention(uid, fields)
    said = []
    if aside:
        said.append(f"{aside} stored {_mentions(aside)} set aside as not about us ([brand] exclude): "
                    f"the muted view (8) lists {'it' if aside == 1 else 'them'}")
    if back:
        said.append(f"{back} stored {_mentions(back)} filed back in the queues: "
                    f"no [brand] exclude phrase sets {'it' if back == 1 else 'them'} aside now")
    return said


def _mentions(count: int) -> str:
    return "mention" if count == 1 else "mentions"


T = TypeVar("T")


def _or_shipped(load: Callable[[], T], shipped: Callable[[], T], problems: list[str]) -> T:
    """The user's rules, or the shipped ones and the reason in `problems`: a typo in a user file
    never stops the inbox, and never goes unsaid (the app lists `problems` once at start)."""
    try:
        return load()
    except ValueError as error:  # UserFileError (and ArchiveError): names the file, line and key
        problems.append(str(error))
        return shipped()


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
    problems: list[str] = field(default_factory=list)
    """What is wrong with the user's rule files (each once); the shipped rules stand in meanwhile."""
    notices: list[str] = field(default_factory=list)
    """What opening changed that the agent should hear of, though nothing is wrong (the app says
    each once, `collect` prints them)."""
    drained: Counts = field(default_factory=Counts)
    """What opening ingested from the spool (an earlier `collect` handed it over): `collect` counts it."""
    _draining: bool = field(default=False, init=False, repr=False)
    _spool_seen: int = field(default=-1, init=False, repr=False)

    @classmethod
    def open(cls, config: Config, db: Path, *, clock: Callable[[], datetime] = now_utc,
             triager: Triager | None = None, headless: bool = False) -> Session:
        """Blocking (reads the store): call it in a thread from the UI.

        `headless` (`collect`): when another turnaround holds the store, open a read-only copy whose
        spool hands new records to the holder (whose own session runs the hooks and the outbox)
        instead of failing."""
        with gc_paused():
            session = cls._open(config, db, clock=clock, triager=triager, headless=headless)
        # What the session loaded lives as long as it does: keep it out of the cyclic GC's sight,
        # or each full collection rescans every stored mention (about 1 s at 100k).
        gc.freeze()
        return session

    @classmethod
    def _open(cls, config: Config, db: Path, *, clock: Callable[[], datetime],
              triager: Triager | None, headless: bool) -> Session:
        problems: list[str] = []
        policy = _or_shipped(load_policy, default_policy, problems)
        if headless:
            store = Store.open_or_spool(db)
            store.clock = clock
            if store.spool is None:
                store.archive_policy = policy
        else:
            store = Store(db, archive=policy, clock=clock)
        if triager is None:
            user = paths.triage_file()
            patterns = paths.cache_dir() / TRIAGE_CACHE
            triager = _or_shipped(lambda: Triager.load(user if user.exists() else None, patterns),
                                  lambda: Triager.load(None, patterns), problems)
        rules = _or_shipped(load_user_rules, default_rules, problems)
        ours = brand_handles(config.handles, config.watch)
        relevance = Relevance(config.exclude, config.watch, ours)
        notices = _restate_relevance(store, relevance)
        pipeline = Pipeline(store, triager, clock=clock, ours=ours, rules=rules, relevance=relevance)
        lifecycle = Lifecycle(store, clock=clock, agent=config.agent, rules=rules,
                              walk_away_days=config.walk_away_days, ours=ours)
        inbox = Inbox(store, lifecycle, clock=clock, targets=config.targets,
                      queue_targets=config.queue_targets)
        spikes = SpikeDetector.from_rules(lifecycle.rules, clock=clock)
        spikes.ignore = _name_words(config)
        spikes.seed(m for m in store.mentions() if m.get("repeat_of") is None)
        # Order matters: the inbox files a mention before a resurfaced thread is re-filed.
        pipeline.arrival_hooks += [inbox.add, _first_say(lifecycle.on_arrival), _first_say(spikes.observe)]
        pipeline.update_hooks.append(lambda mention: inbox.refresh(mention["uid"]))

        def rethreaded(old: str, new: str, uids: list[str]) -> None:
            lifecycle.thread_moved(old, new, uids)
            for uid in uids:
                inbox.refresh(uid)

        pipeline.thread_hooks.append(rethreaded)

        def refile(change: Change) -> None:
            for uid in change.uids:
                inbox.refresh(uid)

        lifecycle.listeners.append(refile)
        lifecycle.listeners.append(pipeline.lessons.on_change)  # a correction teaches at once
        outbox = Outbox(store, {}, clock=clock)
        session = cls(config, store, pipeline, lifecycle, inbox, spikes, outbox, clock,
                      list(store.warnings), list(dict.fromkeys(problems)), notices=notices)
        # What `collect` handed over while another process held the store, hooks and all.
        pipeline.warning_hooks.append(session.warnings.append)
        session.drained = pipeline.drain_spool()
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

    @property
    def brand_words(self) -> frozenset[str]:
        """The words that name us, lower-case: the brand's, the watch words' and our handles' (their
        names before any "@instance"). A mention is to us anyway, so they explain nothing in it."""
        words = _name_words(self.config) | {handle.split("@")[0] for handle in our_handles(self.ours)}
        return frozenset(word for word in words if word)

    @property
    def ours(self) -> list[str]:
        """The brand's own handles, as every reader of this session counts them."""
        return brand_handles(self.config.handles, self.config.watch)

    @property
    def holds_store(self) -> bool:
        """Whether this session writes the store itself (else it spools to the one that does): only
        the holder delivers the outbox, so no reply is ever sent by two processes."""
        return self.store.spool is None and not self.store.readonly

    async def deliver(self, senders: dict[str, Sender]) -> int:
        """Headless delivery (`collect`): send what the agent already queued (and resend, with the
        same key, what a crash left half-sent) on the platforms we have a sender for; rows for any
        other platform stay queued for a process that has one. Returns how many were sent."""
        if not self.holds_store or not senders:
            return 0
        self.outbox.senders.update(senders)
        return await self.outbox.process_once(keep_unsendable=True)

    def tick(self) -> list[str]:
        """Timers: snoozes wake, watch windows end. Returns what the agent should hear about."""
        return [f"{change.action}: {len(change.uids)} mention(s)" for change in self.lifecycle.tick()
                if change.action in ("wake", "resurface")]

    def send_reply(self, uid: str, text: str) -> tuple[str, bool]:
        """Record a reply: the thread moves to `waiting`, the draft goes, and the text is kept in
        the thread's history. Returns a line for the agent saying what happened, and whether the
        agent must post it by hand (nothing set up to post on that platform)."""
        mention = self.store.mention(uid)
        platform = mention["source"] if mention is not None else ""
        item_id = self.outbox.enqueue(uid, text, platform)
        uids = self.inbox.thread_open_uids(uid) or [uid]
        self.inbox.act("reply", uids, cursor=uid, text=text, outbox_id=item_id)
        self.store.drop_draft(uid)
        status = (self.outbox.item(item_id) or {}).get("status", "queued")
        if status == "manual":
            link = " (v opens the link, y copies it)" if mention is not None and mention.get("url") else ""
            return (f"Nothing set up to post on {platform or 'this platform'}: post it by hand{link}. "
                    "Recorded as replied."), True
        return "Reply queued in the outbox; the thread now waits for the customer.", False

    def draft_waiting(self, uid: str) -> str:
        """The reply draft kept for `uid`, or "" when there is none or it holds only handles. The
        list marks such a mention ✎ and the detail pane shows the draft: a reply begun and left
        with Escape is found again without opening every thread."""
        text = self.store.draft(uid) or ""
        return text if has_words(text) else ""

    def our_replies(self, thread_uid: str) -> list[str]:
        """What we already said in a thread: our posts in it (collected, or answered outside
        Turnaround) and the replies sent from here, each once. The reply editor's hints ask for
        warmth once a thread, not in every follow-up."""
        posts = [str(m.get("text") or "") for m in self.store.thread(thread_uid) if m.get("ours")]
        sent = [str((e.get("details") or {}).get("text")) for e in self.replies_recorded(thread_uid)]
        return [text for text in dict.fromkeys(posts + sent) if text.strip()]  # a post is also its event

    def replies_recorded(self, thread_uid: str) -> list[StoredEvent]:
        """The thread's `reply` steps that stand (not undone) and say what was said, oldest first:
        sent from here, or (`details.elsewhere`) our post made outside Turnaround."""
        return [e for e in self.store.events_for(thread_uid) if e.get("action") == "reply"
                and not e.get("undone") and (e.get("details") or {}).get("text")]

    def hints_set_aside(self, uid: str, ignore_after: int) -> SetAside:
        """What the reply editor leaves out of this draft's hints: the ones its agent set aside, and
        the wordings this inbox's agents set aside `ignore_after` times or more."""
        record = self.store.draft_record(uid) or {}
        counts = self.store.setting(SET_ASIDE, {}) or {}
        reset = self.store.setting(SET_ASIDE_RESET, {}) or {}
        return SetAside(record.get("ignored") or (), learned(counts, ignore_after, reset))

    def set_hints_aside(self, uid: str, keys: list[str]) -> dict[str, int]:
        """The agent sets hints aside (keys from `hints_ignore.ignore_key`): the draft keeps them,
        and the inbox counts each once per draft. Returns the inbox's count for each key."""
        record = self.store.draft_record(uid) or {}
        kept = list(record.get("ignored") or ())
        new = [key for key in dict.fromkeys(keys) if key not in kept]
        counts = dict(self.store.setting(SET_ASIDE, {}) or {})
        if new:
            self.store.update_draft(uid, ignored=kept + new)
            for key in new:
                counts[key] = counts.get(key, 0) + 1
            self.store.set_setting(SET_ASIDE, counts)
        return {key: counts.get(key, 0) for key in keys}

    def bring_hints_back(self, uid: str, unlearn: list[str]) -> None:
        """The agent takes back what was ignored in this draft, and makes the inbox flag the
        wordings in `unlearn` again: learning them starts over; the report still counts them."""
        if (self.store.draft_record(uid) or {}).get("ignored"):
            self.store.update_draft(uid, ignored=[])
        if unlearn:
            counts = self.store.setting(SET_ASIDE, {}) or {}
            reset = dict(self.store.setting(SET_ASIDE_RESET, {}) or {})
            reset.update({key: counts.get(key, 0) for key in unlearn})
            self.store.set_setting(SET_ASIDE_RESET, reset)

    def correct(self, uids: list[str], correction: Correction, *, cursor: str | None = None) -> Change | None:
        """The agent corrects triage: one undoable event that moves each mention to the queue its
        new triage implies, and a lesson this store applies to new mentions (undo takes it back).
        None when the correction changes nothing on these mentions."""
        lessons = self.pipeline.lessons
        to: dict[str, MentionUpdate] = {}
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
        mention = self.store.mention(uid)
        item_id = self.outbox.enqueue(uid, text, mention["source"] if mention is not None else "")
        event = self.store.event(change.event_id)
        if event is not None:
            self.store.update_event(change.event_id,
                                    {"details": {**event["details"], "outbox_id": item_id}})
        return item_id

    def close(self) -> None:
        self.store.close()


def _name_words(config: Config) -> set[str]:
    """The brand's and the watch words' words, lower-case: never a topic of a spike, never a reason."""
    return {word.lower().strip("@#") for phrase in [config.brand, *config.watch] for word in phrase.split()}
