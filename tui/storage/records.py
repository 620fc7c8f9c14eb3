"""The shapes of what the store keeps, for the type checker: a mention and a lifecycle event. They live
in storage (not core) so that the store's own signatures can name them; tui.core.model re-exports them.
At run time both are plain dicts, as stored; every field is optional (`total=False`) because a record
written by an older version, or a mention not yet triaged, lacks the later fields."""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["Event", "Mention"]


class Mention(TypedDict, total=False):
    """A stored mention's fields, for the type checker (at run time it is a plain dict, as stored):
    what a source gives (`parse_mention`), what triage and the pipeline add, what the lifecycle writes.
    `total=False`: a field a mention does not have yet is absent, not None."""

    uid: str
    id: str
    source: str
    author: str
    author_name: str
    text: str
    created_at: str
    followers: int
    url: str
    in_reply_to: str
    thread: str
    thread_uid: str
    received_at: str
    label: str
    sentiment: float
    kind: str
    priority: int
    topics: list[str]
    lang: str
    queue: str
    triage_queue: str
    state: str
    read: bool
    tags: list[str]
    muted: bool
    ours: bool
    folded: int
    boosts: list[str]
    repeat_of: str | None
    future_dated: bool
    deleted: bool
    extra: dict[str, Any]
    banner: str | None
    snooze_until: str | None
    watch_until: str | None
    walk_reason: str
    walked_at: str
    resurfaced_at: str
    escalated_to: str | None
    escalation_note: str
    escalation_answer: str
    escalated_at: str
    replied_at: str
    first_response_at: str
    follow_up_at: str | None
    follow_up_kept_at: str
    promise: list[str] | None
    feedback_requested_at: str
    feedback_template: str
    thanked_at: str
    statement_id: str | None
    outcome: str | None
    closed_at: str


class Event(TypedDict, total=False):
    """One lifecycle event as stored (tui/core/lifecycle.py): an action on some mentions, undoable."""

    id: int
    action: str
    uids: list[str]
    thread_uid: str
    before: dict[str, dict[str, Any]]
    who: str
    at: str
    why: str
    details: dict[str, Any]
    undone: bool
    of: int
    undid: str
