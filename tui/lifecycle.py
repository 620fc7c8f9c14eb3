"""The thread lifecycle as a state machine with a history.

Every step (done, reply, escalate, snooze, walk away, ...) is a recorded transition: who, when, why, and
the fields of each mention before it, so any step can be undone and the thread view can tell its story.
Transitions are stored as `events` in the store; nothing here knows about the UI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.model import now_utc
from tui.queues import queue_of
from tui.store import Store

# action -> (states it may start from, state it leads to). None: any state / state unchanged.
TRANSITIONS: dict[str, tuple[frozenset[str] | None, str | None]] = {
    "done": (None, "done"),
    "reopen": (None, "open"),
    "reply": (None, "replied"),
    "resolve": (frozenset({"open", "replied", "escalated"}), "resolved"),
    "request-feedback": (frozenset({"resolved"}), "feedback-requested"),
    "close": (None, "closed"),
    "escalate": (None, "escalated"),
    "answer-escalation": (frozenset({"escalated"}), "open"),
    "snooze": (None, "snoozed"),
    "wake": (frozenset({"snoozed"}), "open"),
    "walk-away": (None, "walked-away"),
    "resurface": (frozenset({"walked-away"}), "open"),
    "read": (None, None),
    "unread": (None, None),
    "tag": (None, None),
    "untag": (None, None),
}
# Actions that leave the mention where it is in the queues.
IN_PLACE = frozenset({"read", "unread", "tag", "untag"})


class TransitionError(ValueError):
    """An action that does not apply to a mention's current state."""


@dataclass(frozen=True, slots=True)
class Change:
    """What one applied action did: the event id and the mentions it touched."""

    event_id: int
    action: str
    uids: tuple[str, ...]


class Lifecycle:
    def __init__(self, store: Store, *, clock: Callable[[], datetime] = now_utc,
                 agent: str = "me") -> None:
        self.store = store
        self.clock = clock
        self.agent = agent

    def _fields_for(self, action: str, mention: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
        allowed, target = TRANSITIONS[action]
        state = mention.get("state", "open")
        if allowed is not None and state not in allowed:
            raise TransitionError(f"cannot {action} a mention that is {state}")
        fields: dict[str, Any] = {}
        if target is not None:
            fields["state"] = target
        if action == "read":
            fields["read"] = True
        elif action == "unread":
            fields["read"] = False
        elif action in ("tag", "untag"):
            tags = list(mention.get("tags") or [])
            tag = details["tag"]
            if action == "tag" and tag not in tags:
                tags.append(tag)
            elif action == "untag" and tag in tags:
                tags.remove(tag)
            fields["tags"] = tags
        elif action == "escalate":
            fields["escalated_to"] = details.get("team")
            fields["escalation_note"] = details.get("note", "")
        elif action == "snooze":
            fields["snooze_until"] = details["until"]
        elif action == "walk-away":
            fields["watch_until"] = details.get("until")
            fields["walk_reason"] = details.get("reason", "other")
            fields["banner"] = None
        elif action == "resurface":
            fields["banner"] = details.get("why", "")
            fields["triage_queue"] = "priority"
        elif action == "reply":
            fields["replied_at"] = details.get("at") or self.clock().isoformat(timespec="seconds")
            if not mention.get("first_response_at"):
                fields["first_response_at"] = fields["replied_at"]
        if action in ("done", "resolve", "close") and not mention.get("closed_at"):
            fields["closed_at"] = self.clock().isoformat(timespec="seconds")
        return fields

    def apply(self, action: str, uids: Iterable[str], *, why: str = "",
              **details: Any) -> Change:
        """Apply one action to some mentions as one recorded, undoable event."""
        if action not in TRANSITIONS:
            raise TransitionError(f"unknown action {action!r}")
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, dict[str, Any]] = {}
        for uid in uids:
            mention = self.store.mention(uid)
            if mention is None:
                continue
            fields = self._fields_for(action, mention, details)
            if action not in IN_PLACE:
                merged = {**mention, **fields}
                fields["queue"] = queue_of(merged)
            before[uid] = {k: mention.get(k) for k in fields}
            after[uid] = fields
        if not after:
            raise TransitionError(f"nothing to {action}")
        for uid, fields in after.items():
            self.store.update_mention(uid, fields)
        first = self.store.mention(next(iter(after)))
        event = {
            "action": action,
            "uids": list(after),
            "thread_uid": first["thread_uid"] if first else "",
            "before": before,
            "who": self.agent,
            "at": self.clock().isoformat(timespec="seconds"),
            "why": why,
            "details": details,
        }
        return Change(self.store.add_event(event), action, tuple(after))

    def undo(self, event_id: int) -> Change:
        """Put back the fields an event changed, and record the undo itself."""
        event = self.store.event(event_id)
        if event is None or event.get("undone"):
            raise TransitionError("nothing to undo")
        for uid, fields in event["before"].items():
            if self.store.has_mention(uid):
                self.store.update_mention(uid, fields)
        self.store.update_event(event_id, {"undone": True})
        undo_event = {
            "action": "undo",
            "of": event_id,
            "undid": event["action"],
            "uids": event["uids"],
            "thread_uid": event.get("thread_uid", ""),
            "who": self.agent,
            "at": self.clock().isoformat(timespec="seconds"),
            "why": "",
            "details": {},
        }
        return Change(self.store.add_event(undo_event), "undo", tuple(event["uids"]))

    def history(self, thread_uid: str) -> list[dict[str, Any]]:
        return [dict(e) for e in self.store.events_for(thread_uid)]
