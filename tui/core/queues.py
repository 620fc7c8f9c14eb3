"""Queue ids and which queue a mention sits in, derived from its triage and lifecycle state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.core.model import Mention, MentionFields

if TYPE_CHECKING:
    from tui.core.triage_verdict import TriageResult


@dataclass(frozen=True, slots=True)
class Queue:
    id: str
    key: str
    title: str


QUEUES: tuple[Queue, ...] = (
    Queue("priority", "1", "Priority"),
    Queue("needs-reply", "2", "Needs reply"),
    Queue("champions", "3", "Champions"),
    Queue("waiting", "4", "Waiting"),
    Queue("escalated", "5", "Escalated"),
    Queue("walked-away", "6", "Walked away"),
    Queue("done", "7", "Done"),
)
EXTRA_VIEWS: tuple[Queue, ...] = (Queue("muted", "8", "Muted"), Queue("snoozed", "9", "Snoozed"))
HIDDEN = "ours"
"""Our own posts, kept for the thread view, listed in no queue."""
QUEUE_IDS = tuple(q.id for q in QUEUES)
ALL_VIEWS = QUEUES + EXTRA_VIEWS

# Lifecycle state -> queue; `open` mentions go to the queue triage chose.
STATE_QUEUE = {
    "replied": "waiting",
    "feedback-requested": "waiting",
    "escalated": "escalated",
    "walked-away": "walked-away",
    "snoozed": "snoozed",
    "resolved": "done",
    "closed": "done",
    "done": "done",
    "ours": "ours",
}


def queue_of(mention: Mention) -> str:
    """Where a mention belongs now. A muted author's mention, or one not about us (`off_topic`), is
    set aside unless it is a crisis."""
    state = mention.get("state", "open")
    if state != "open":
        return STATE_QUEUE.get(state, "done")
    if (mention.get("muted") or mention.get("off_topic")) and mention.get("kind") != "crisis":
        return "muted"
    return mention.get("triage_queue") or "needs-reply"


def triage_fields(result: TriageResult) -> MentionFields:
    """The fields a triage verdict writes on a mention (its `as_dict`). Its queue is where triage
    put it (`triage_queue`); the shown `queue` follows from the whole mention (`queue_of`)."""
    fields = result.as_dict()
    fields["triage_queue"] = fields.pop("queue")
    return fields
