"""The thread lifecycle as a state machine with a history.

Every step (done, reply, escalate, snooze, walk away, ...) is a recorded transition: who, when, why, and
the fields of each mention before it, so any step can be undone and the thread view can tell its story.
Transitions are stored as `events` in the store; nothing here knows about the UI.

Steps the inbox takes by itself (a snooze ending, a walked-away thread resurfacing or closing when its
watch window ends) are events too, by `auto`, so they show in the history and undo like any other.

This module keeps the `Lifecycle` (applying, undoing, timers, watched threads) and the API; the jobs
it relies on live beside it: `lifecycle_transitions` (the state machine as tables), `lifecycle_rules`
(the rules as data: tui/rules/data/lifecycle.toml merged with the user's), `lifecycle_time` (snooze times),
`lifecycle_history` (events as text), `lifecycle_signs` (who a thread is with, lose-lose signs) and
`lifecycle_routing` (escalation teams).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from tui.core.followup import turnaround_outcome
from tui.core.lifecycle_history import Blank, describe, verb
from tui.core.lifecycle_routing import suggest_team
from tui.core.lifecycle_rules import (
    PromisePattern,
    Rules,
    RulesError,
    _merge,
    _read_toml,
    default_rules,
    load_rules,
    load_user_rules,
    user_rules_file,
)
from tui.core.lifecycle_signs import (
    Sign,
    brand_handles,
    by_us,
    customer_of,
    is_negative,
    lose_lose,
    our_handles,
)
from tui.core.lifecycle_time import WhenError, dateparse, iso, parse_when, read_when
from tui.core.lifecycle_transitions import (
    ENDS_FOLLOW_UP,
    IN_PLACE,
    TRANSITIONS,
    Step,
    TransitionError,
    as_update,
    fields_for,
)
from tui.core.model import Event, Mention, MentionUpdate, StoredEvent, maybe_time, now_utc, parse_time, uid_of
from tui.core.queues import queue_of
from tui.storage.store import Store

__all__ = [
    "AUTO", "ENDS_FOLLOW_UP", "IN_PLACE", "TRANSITIONS", "Change", "Lifecycle", "PromisePattern", "Rules",
    "RulesError", "Sign", "TransitionError", "WhenError", "_merge", "_read_toml", "brand_handles",
    "by_us", "customer_of", "dateparse", "default_rules", "is_negative", "load_rules", "load_user_rules",
    "our_handles", "parse_when", "read_when", "suggest_team", "user_rules_file",
]

AUTO = "auto"
"""Who the inbox's own steps are recorded as."""


@dataclass(frozen=True, slots=True)
class Change:
    """What one applied action did: the event id and the mentions it touched."""

    event_id: int
    action: str
    uids: tuple[str, ...]


# -- the state machine ---------------------------------------------------------------------------
class Lifecycle:
    """Applies and undoes actions, keeps the timers (snoozes, watches, follow-ups) and watches
    walked-away threads for the arrivals that bring them back.

    `listeners` are called with every Change, including those the inbox makes by itself, so a
    view can re-file what moved. `on_arrival` is a pipeline arrival hook."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = now_utc,
                 agent: str = "me", rules: Rules | None = None, ours: Iterable[str] = (),
                 tz: tzinfo | None = None, walk_away_days: int | None = None) -> None:
        self.store = store
        self.clock = clock
        self.agent = agent
        self.rules = rules or default_rules()
        self.ours = our_handles(ours)
        self.tz = tz
        self.walk_away_days = walk_away_days if walk_away_days is not None else self.rules.default_days
        self.listeners: list[Callable[[Change], None]] = []
        # field -> {uid: due timestamp}; only pending timers, so a tick costs what is pending.
        self._pending: dict[str, dict[str, float]] = {"snooze_until": {}, "watch_until": {}}
        self._watched: dict[str, set[str]] = {}  # walked-away thread -> authors it waits on
        self._attention: dict[str, deque[float]] = {}  # watched thread -> times others spoke
        self._folds: dict[str, int] = {}  # watched thread -> reposts counted so far
        self._awaiting: dict[str, str] = {}  # feedback-requested thread -> its customer
        threads: set[str] = set()
        for mention in store.mentions():
            self._track_timers(mention["uid"], mention)
            if mention.get("state") in ("walked-away", "feedback-requested"):
                threads.add(mention.get("thread_uid", mention["uid"]))
        for thread_uid in threads:
            self._track_thread(thread_uid)

    # -- time --------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The clock's time in the agent's zone (the system's unless `tz` was given)."""
        now = self.clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now.astimezone(self.tz) if self.tz is not None else now.astimezone()

    def parse_when(self, text: str, now: datetime | None = None) -> datetime | None:
        """A snooze time from free text or a preset, in the agent's zone; None if unreadable."""
        return parse_when(text, self._zoned(now), self.rules)

    def read_when(self, text: str, now: datetime | None = None) -> datetime:
        return read_when(text, self._zoned(now), self.rules)

    def _zoned(self, now: datetime | None = None) -> datetime:
        if now is None:
            return self.now()
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now.astimezone(self.tz) if self.tz is not None else now.astimezone()

    def presets(self) -> list[tuple[str, str]]:
        """(key, label) of each snooze preset, for the prompt."""
        return [(p.get("key", ""), p.get("label", p.get("key", ""))) for p in self.rules.presets]

    # -- applying ----------------------------------------------------------------------------
    def _muted(self, mention: Mention) -> bool:
        return bool(mention.get("muted") or self.store.author(mention.get("author", "")).get("muted"))

    def _fields_for(self, action: str, mention: Mention, details: dict[str, Any]) -> MentionUpdate:
        step = Step(action, mention, details, self.clock(), self.rules, self.walk_away_days, self._zoned,
                    lambda: self._muted(mention))
        return fields_for(step)

    def apply(self, action: str, uids: Iterable[str], *, why: str = "", who: str | None = None,
              when: datetime | None = None, **details: Any) -> Change:
        """Apply one action to some mentions as one recorded, undoable event; `when` dates it if it
        happened before we heard of it (an answer posted outside Turnaround)."""
        if action not in TRANSITIONS:
            raise TransitionError(f"unknown action {action!r}")
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, MentionUpdate] = {}
        for uid in dict.fromkeys(uids):
            mention = self.store.mention(uid)
            if mention is None:
                continue
            fields = self._fields_for(action, mention, {**details, "why": why})
            if action not in IN_PLACE:
                fields["queue"] = queue_of({**mention, **fields})
            before[uid] = {k: mention.get(k) for k in fields}
            after[uid] = fields
        if not after:
            raise TransitionError(f"nothing to {action}")
        for uid, fields in after.items():
            self.store.update_mention(uid, fields)
        first = self.store.mention(next(iter(after)))
        event: Event = {
            "action": action,
            "uids": list(after),
            "thread_uid": first["thread_uid"] if first else "",
            "before": before,
            "who": who or self.agent,
            "at": iso(when or self.clock()),
            "why": why,
            "details": details,
        }
        change = Change(self.store.add_event(event), action, tuple(after))
        self._changed(change)
        return change

    def undo(self, event_id: int) -> Change:
        """Put back the fields an event changed, and record the undo itself."""
        event = self.store.event(event_id)
        if event is None or event.get("undone"):
            raise TransitionError("nothing to undo")
        for uid, fields in event["before"].items():
            if self.store.has_mention(uid):
                self.store.update_mention(uid, as_update(fields))
        self.store.update_event(event_id, {"undone": True})
        undo_event: Event = {
            "action": "undo",
            "of": event_id,
            "undid": event["action"],
            "uids": event["uids"],
            "thread_uid": event.get("thread_uid", ""),
            "who": self.agent,
            "at": iso(self.clock()),
            "why": "",
            "details": {"undid": event["action"]},
        }
        change = Change(self.store.add_event(undo_event), "undo", tuple(event["uids"]))
        self._changed(change)
        return change

    def _changed(self, change: Change) -> None:
        threads = set()
        for uid in change.uids:
            mention = self.store.mention(uid)
            self._track_timers(uid, mention)
            if mention is not None:
                threads.add(mention.get("thread_uid", uid))
        for thread_uid in threads:
            self._track_thread(thread_uid)
        for listener in list(self.listeners):
            listener(change)

    # -- the index of timers and watched threads ---------------------------------------------
    def _track_timers(self, uid: str, mention: Mention | None) -> None:
        for field, state in (("snooze_until", "snoozed"), ("watch_until", "walked-away")):
            pending = self._pending[field]
            when = maybe_time(mention.get(field)) if mention else None
            if when is not None and mention is not None and mention.get("state") == state:
                pending[uid] = when.timestamp()
            else:
                pending.pop(uid, None)

    def thread_moved(self, old: str, new: str, uids: list[str]) -> None:
        """Pipeline thread hook: thread `old` is now part of `new` (its first post came late), so
        what was watched or awaited there is watched or awaited in `new`."""
        for table in (self._watched, self._attention, self._folds, self._awaiting):
            table.pop(old, None)
        self._track_thread(new)

    def _track_thread(self, thread_uid: str) -> None:
        thread = self.store.thread(thread_uid)
        walked = [m for m in thread if m.get("state") == "walked-away"]
        if walked:
            authors = {m.get("author", "") for m in walked if not self._is_ours(m)}
            customer = customer_of(thread, self.ours)
            if customer:
                authors.add(customer)
            fresh = thread_uid not in self._watched
            self._watched[thread_uid] = authors
            if fresh:
                start = min(maybe_time(m.get("walked_at")) or self.clock() for m in walked).timestamp()
                self._attention[thread_uid] = deque(sorted(
                    t for m in thread if m.get("author") not in authors and not self._is_ours(m)
                    and (t := parse_time(m["created_at"]).timestamp()) >= start))
                self._folds[thread_uid] = sum(int(m.get("folded", 0)) for m in thread)
        else:
            self._watched.pop(thread_uid, None)
            self._attention.pop(thread_uid, None)
            self._folds.pop(thread_uid, None)
        if any(m.get("state") == "feedback-requested" for m in thread):
            self._awaiting[thread_uid] = customer_of(thread, self.ours) or ""
        else:
            self._awaiting.pop(thread_uid, None)

    def _is_ours(self, mention: Mention) -> bool:
        return by_us(mention.get("author"), self.ours)

    def watched(self) -> dict[str, set[str]]:
        """Walked-away threads still watched, with the authors whose return brings them back."""
        return {k: set(v) for k, v in self._watched.items()}

    # -- things that happen by themselves ----------------------------------------------------
    def _due(self, field: str, now: datetime | None) -> list[str]:
        limit = (now or self.clock()).timestamp()
        return sorted((uid for uid, at in self._pending[field].items() if at <= limit),
                      key=lambda u: self._pending[field][u])

    def _by_thread(self, uids: Iterable[str]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for uid in uids:
            mention = self.store.mention(uid)
            if mention is not None:
                groups[mention.get("thread_uid", uid)].append(uid)
        return groups

    def wake_due(self, now: datetime | None = None) -> list[Change]:
        """Bring back every snoozed mention whose time has come (one event per thread)."""
        return [self.apply("wake", uids, who=AUTO, why="snooze ended")
                for uids in self._by_thread(self._due("snooze_until", now)).values()]

    def expire_watches(self, now: datetime | None = None) -> list[Change]:
        """Close, quietly, walked-away threads whose watch window has ended."""
        return [self.apply("expire-watch", uids, who=AUTO, why="the watch window ended")
                for uids in self._by_thread(self._due("watch_until", now)).values()]

    def tick(self, now: datetime | None = None) -> list[Change]:
        """Run the timers: wake snoozes, notice repost bursts, end watch windows. Call it every
        few seconds; it costs what is pending, not what is stored."""
        now = now or self.clock()
        changes = self.wake_due(now)
        for thread_uid in list(self._watched):
            folded = sum(int(m.get("folded", 0)) for m in self.store.thread(thread_uid))
            new = folded - self._folds.get(thread_uid, folded)
            if new > 0:
                self._folds[thread_uid] = folded
                self._attention[thread_uid].extend([now.timestamp()] * new)
                change = self._check_burst(thread_uid, now.timestamp())
                if change is not None:
                    changes.append(change)
        changes.extend(self.expire_watches(now))
        return changes

    def _check_burst(self, thread_uid: str, latest: float, extra: str | None = None) -> Change | None:
        times = self._attention.get(thread_uid)
        if times is None:
            return None
        window = self.rules.burst_window.total_seconds()
        while times and times[0] < latest - window:
            times.popleft()
        if len(times) < self.rules.burst_count:
            return None
        minutes = round(window / 60)
        why = f"{len(times)} replies or reposts from others within {minutes} minutes"
        return self.resurface(thread_uid, why, extra=extra)

    def resurface(self, thread_uid: str, why: str, *, extra: str | None = None,
                  who: str = AUTO) -> Change:
        """Bring a walked-away thread back to `priority` with a banner saying why; `extra` is the new
        mention that brought it back, which comes up with it."""
        uids = [m["uid"] for m in self.store.thread(thread_uid) if m.get("state") == "walked-away"]
        if extra is not None and extra not in uids:
            uids.append(extra)
        return self.apply("resurface", uids, who=who, why=why)

    def on_arrival(self, mention: Mention) -> None:
        """Pipeline arrival hook: a watched thread comes back when its author writes again or others
        pile in; a thread waiting for feedback records how it turned out."""
        thread_uid = mention["thread_uid"]
        author = mention["author"]
        authors = self._watched.get(thread_uid)
        if authors is not None and not self._is_ours(mention):
            if author in authors:
                self.resurface(thread_uid, f"{author} wrote again", extra=mention["uid"])
            else:
                times = self._attention[thread_uid]
                at = parse_time(mention["created_at"]).timestamp()
                if times and at < times[-1]:
                    times.append(at)
                    self._attention[thread_uid] = deque(sorted(times))
                else:
                    times.append(at)
                self._check_burst(thread_uid, self._attention[thread_uid][-1], extra=mention["uid"])
        if self._is_ours(mention):
            self._answered_elsewhere(mention)
        else:  # our answer may have been stored first (a file collected out of order)
            for reply in self.store.thread(thread_uid):
                if self._is_ours(reply) and reply.get("in_reply_to") == mention["id"]:
                    self._answered_elsewhere(reply)
                    break
            else:
                self._answered_before_it_came(mention)
        customer = self._awaiting.get(thread_uid)
        if customer and author == customer:
            outcome = self.turnaround_outcome(thread_uid)
            targets = [m["uid"] for m in self.store.thread(thread_uid)
                       if m.get("state") == "feedback-requested" or m["uid"] == mention["uid"]]
            self.apply("record-outcome", targets, who=AUTO, outcome=outcome,
                       why=f"{author} wrote after the feedback request")

    def _answered_elsewhere(self, reply: Mention) -> Change | None:
        """Our account answered a customer outside Turnaround (a colleague in the platform's app):
        their open mentions up to that answer count as replied then, so the clock stops and the
        thread waits for the customer, as if the reply had been sent from here."""
        if not reply.get("in_reply_to"):
            return None
        parent = self.store.mention(uid_of(reply["source"], str(reply["in_reply_to"])))
        if parent is None or self._is_ours(parent) or parent.get("first_response_at"):
            return None
        if parent.get("state", "open") != "open":
            return None  # done, snoozed, escalated, walked away: the agent's decision stands
        answered_at = parse_time(reply["created_at"])
        uids = [m["uid"] for m in self.store.thread(parent["thread_uid"])
                if m["uid"] == parent["uid"]
                or (m.get("author") == parent["author"] and m.get("state", "open") == "open"
                    and not m.get("first_response_at") and parse_time(m["created_at"]) <= answered_at)]
        return self._answered_by(uids, reply)

    def _answered_by(self, uids: list[str], reply: Mention) -> Change:
        """Record our post `reply` (made outside Turnaround) as the reply to `uids`, at its time."""
        return self.apply("reply", uids, who=str(reply["author"]), why="answered outside Turnaround",
                          when=parse_time(reply["created_at"]), at=reply["created_at"], text=reply["text"],
                          elsewhere=reply["uid"])

    def _answered_before_it_came(self, mention: Mention) -> Change | None:
        """A customer's post that arrives after our later answer to them in the same thread (a
        file or feed read out of order) was answered by it, as `_answered_elsewhere` counts their
        open posts up to an answer: it does not wait in the queue as if nobody had."""
        if mention.get("state", "open") != "open" or mention.get("first_response_at"):
            return None
        posted = parse_time(mention["created_at"])
        for reply in self.store.thread(mention["thread_uid"]):  # oldest first
            if not self._is_ours(reply) or not reply.get("in_reply_to"):
                continue
            answered_at = parse_time(reply["created_at"])
            parent = self.store.mention(uid_of(reply["source"], str(reply["in_reply_to"])))
            if answered_at >= posted and parent is not None and parent.get("author") == mention["author"]:
                return self._answered_by([mention["uid"]], reply)
        return None

    # -- conveniences over apply ---------------------------------------------------------------
    def thread_uids(self, thread_uid: str, states: Iterable[str] | None = None) -> list[str]:
        wanted = set(states) if states is not None else None
        return [m["uid"] for m in self.store.thread(thread_uid)
                if wanted is None or m.get("state", "open") in wanted]

    def escalate(self, uids: Iterable[str], team: str, note: str = "") -> Change:
        return self.apply("escalate", uids, why=note, team=team, note=note)

    def snooze(self, uids: Iterable[str], when: str | datetime) -> Change:
        """Snooze until a time or a phrase ("2h", "tomorrow 9am"); WhenError says what was wrong."""
        until = when if isinstance(when, datetime) else self.read_when(when)
        return self.apply("snooze", uids, why=when if isinstance(when, str) else "",
                          until=iso(until))

    def walk_away(self, uids: Iterable[str], reason: str, note: str = "",
                  days: float | None = None) -> Change:
        """Leave the active queues for `walked-away`, watched for `days` (the config's default)."""
        until = self.clock() + timedelta(days=self.walk_away_days if days is None else days)
        return self.apply("walk-away", uids, why=note, reason=reason, until=iso(until))

    def reply(self, uids: Iterable[str], text: str = "", at: datetime | None = None) -> Change:
        """Record a sent reply; a time promise in it ("by 5pm") sets a follow-up."""
        details: dict[str, Any] = {"text": text}
        if at is not None:
            details["at"] = iso(at)
        return self.apply("reply", uids, **details)

    # -- reading -----------------------------------------------------------------------------
    def history(self, thread_uid: str) -> list[StoredEvent]:
        """A thread's events, oldest first, each with its `id` (for undo)."""
        return self.store.events_for(thread_uid)

    def describe(self, event: Event, now: datetime | None = None) -> str:
        """One plain-text line for the thread view, e.g. "10:42 me escalated to billing: 'double
        charge'". Plain text: show it as such, never as markup."""
        today = self._zoned(now).date() if now is not None else self.now().date()
        return describe(event, self.rules.verbs, self._zoned, today)

    def did(self, change: Change) -> str:
        """What an applied change did, in the history's words ("escalated to billing"): for the
        toast that says what `u` just undid."""
        event = self.store.event(change.event_id)
        if event is None:
            return self.rules.verbs.get(change.action, change.action.replace("-", " ")).format_map(Blank())
        return verb(event, self.rules.verbs, self._zoned)

    def suggest_team(self, mention: Mention, routing: dict[str, list[str]]) -> str | None:
        return suggest_team(mention, routing)

    def lose_lose(self, thread_uid: str) -> list[Sign]:
        """The signs that a thread cannot be won (never acted on: the agent decides)."""
        return lose_lose(self.store, thread_uid, self.rules, self.ours)

    def walk_away_signs(self, thread_uid: str) -> list[str]:
        """Which lose-lose signs the thread shows, as lines to show; empty when none."""
        return [s.text for s in self.lose_lose(thread_uid)]

    def turnaround_outcome(self, thread_uid: str) -> str | None:

        return turnaround_outcome(self.store, thread_uid, rules=self.rules, ours=self.ours)
