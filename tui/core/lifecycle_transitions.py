"""The lifecycle's state machine as tables: which states each action may start from and leads to
(TRANSITIONS), and the fields each action writes on a mention (FIELDS), one small function per action.
`fields_for` is all the Lifecycle asks of it; nothing here reads or writes the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from tui.core.followup import follow_up_due, promises
from tui.core.lifecycle_rules import Rules
from tui.core.lifecycle_time import iso
from tui.core.model import Mention, MentionUpdate, maybe_time


class TransitionError(ValueError):
    """An action that does not apply to a mention's current state."""


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
    # `open` too: the new message that brings a watched thread back comes up to priority with it.
    "resurface": (frozenset({"walked-away", "open"}), "open"),
    "expire-watch": (frozenset({"walked-away"}), "closed"),
    "read": (None, None),
    "unread": (None, None),
    "tag": (None, None),
    "untag": (None, None),
    "thank": (None, None),
    "statement": (None, None),
    "follow-up-done": (None, None),
    "record-outcome": (None, None),
    # Triage corrected by an agent (tui/core/corrections.py): label, kind, queue; the state stays.
    "correct": (None, None),
}
# Actions that leave the mention where it is in the queues.
IN_PLACE = frozenset({"read", "unread", "tag", "untag", "statement", "follow-up-done", "record-outcome"})
# Actions after which a promised follow-up no longer stands.
ENDS_FOLLOW_UP = frozenset({"done", "resolve", "close", "walk-away", "expire-watch", "follow-up-done"})
CLOSES = frozenset({"done", "resolve", "close", "expire-watch"})
"""Actions that close a thread (the first one sets `closed_at`)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One action on one mention, with what its fields depend on."""

    action: str
    mention: Mention
    details: dict[str, Any]
    at: datetime
    """The clock's time; `now` is it as stored."""
    rules: Rules
    walk_away_days: float
    zoned: Callable[[datetime], datetime]
    """The agent's zone, for reading a promise in a reply ("by 5pm")."""
    muted: Callable[[], bool]
    """Whether the mention's author is muted (asked only by the actions that care)."""

    @property
    def now(self) -> str:
        return iso(self.at)


def _tags(step: Step) -> MentionUpdate:
    tags = list(step.mention.get("tags") or [])
    for tag in step.details.get("tags") or [step.details["tag"]]:  # several at once: one undo
        if step.action == "tag" and tag not in tags:
            tags.append(tag)
        elif step.action == "untag" and tag in tags:
            tags.remove(tag)
    return {"tags": tags}


def _escalate(step: Step) -> MentionUpdate:
    return {"escalated_to": step.details.get("team") or step.details.get("to"),
            "escalation_note": step.details.get("note", ""), "escalated_at": step.now}


def _snooze(step: Step) -> MentionUpdate:
    until = maybe_time(step.details.get("until"))
    if until is None:
        raise TransitionError("snooze needs a time to wake up")
    return {"snooze_until": iso(until)}


def _walk_away(step: Step) -> MentionUpdate:
    reason = step.details.get("reason", "other")
    if reason not in step.rules.reasons:
        raise TransitionError(f"unknown walk-away reason {reason!r} (known: {', '.join(step.rules.reasons)})")
    until = maybe_time(step.details.get("until")) or step.at + timedelta(days=step.walk_away_days)
    return {"watch_until": iso(until), "walk_reason": reason, "walked_at": step.now, "banner": None}


def _resurface(step: Step) -> MentionUpdate:
    return {"banner": step.details.get("why") or step.details.get("banner") or "",
            "triage_queue": "priority", "resurfaced_at": step.now}


def _reply(step: Step) -> MentionUpdate:
    sent = maybe_time(step.details.get("at")) or step.at
    # Answered is read, from here or by our account on the platform (`collect` records that): a
    # store of real threads opened on "waiting 71•71", 71 unread mentions with nothing to do.
    fields: MentionUpdate = {"replied_at": iso(sent), "read": True}
    if not step.mention.get("first_response_at"):
        fields["first_response_at"] = fields["replied_at"]
    text = str(step.details.get("text") or "")
    due = follow_up_due(text, step.zoned(sent), step.rules)
    if due is not None or step.mention.get("follow_up_at"):
        # A new reply keeps or replaces an earlier promise.
        fields["follow_up_at"] = iso(due) if due else None
        fields["promise"] = promises(text, step.rules) if due else None
    return fields


def _request_feedback(step: Step) -> MentionUpdate:
    if step.muted():
        raise TransitionError(f"{step.mention.get('author', 'this author')} is muted: no feedback requests")
    return {"feedback_requested_at": step.now,
            "feedback_template": step.details.get("template") or step.rules.feedback_template}


def _thank(step: Step) -> MentionUpdate:
    """Thanks are a reply the brand posts: they answer the praise (the response clock stops), and
    praise still open waits no longer. A mention in any other state keeps it."""
    if step.details.get("template") and step.muted():
        raise TransitionError(f"{step.mention.get('author', 'this author')} is muted: no templated thanks")
    fields: MentionUpdate = {"thanked_at": step.now, "replied_at": step.now}
    if not step.mention.get("first_response_at"):
        fields["first_response_at"] = step.now
    if step.mention.get("state", "open") == "open":
        fields["state"] = "replied"
    return fields


def _correct(step: Step) -> MentionUpdate:
    # `to`: uid -> the fields `corrected_fields` gave for it (tui/services/session.py).
    to: dict[str, MentionUpdate] = step.details.get("to") or {}
    fields = to.get(step.mention["uid"])
    return {} if fields is None else fields.copy()


FIELDS: dict[str, Callable[[Step], MentionUpdate]] = {
    "read": lambda step: {"read": True},
    "unread": lambda step: {"read": False},
    "tag": _tags,
    "untag": _tags,
    "escalate": _escalate,
    # The escalation's note stays; the answer sits beside it.
    "answer-escalation": lambda step: {"escalation_answer": step.details.get("note", "")},
    "snooze": _snooze,
    "walk-away": _walk_away,
    "resurface": _resurface,
    "reply": _reply,
    "request-feedback": _request_feedback,
    "thank": _thank,
    "statement": lambda step: {"statement_id": step.details.get("statement_id")},
    "record-outcome": lambda step: {"outcome": step.details.get("outcome")},
    "correct": _correct,
}
"""The fields an action writes besides the state; an action not listed writes only its state."""


def fields_for(step: Step) -> MentionUpdate:
    """Every field the step changes on its mention; TransitionError when it does not apply."""
    allowed, target = TRANSITIONS[step.action]
    state = step.mention.get("state", "open")
    if allowed is not None and state not in allowed:
        raise TransitionError(f"cannot {step.action} a mention that is {state}")
    fields: MentionUpdate = {} if target is None else {"state": target}
    maker = FIELDS.get(step.action)
    if maker is not None:
        fields.update(maker(step))
    if step.action in ENDS_FOLLOW_UP and step.mention.get("follow_up_at"):
        fields["follow_up_at"] = None
        if step.action == "follow-up-done":
            fields["follow_up_kept_at"] = step.now
    if step.action in CLOSES and not step.mention.get("closed_at"):
        fields["closed_at"] = step.now
    return fields


def as_update(before: dict[str, Any]) -> MentionUpdate:
    """One mention's `before` in an event, to put back on undo. A cast: these are the fields the
    action changed, as they were, except that one that was absent reads None (and is written so)."""
    return cast(MentionUpdate, before)
