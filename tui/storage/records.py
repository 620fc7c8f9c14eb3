"""The shapes of what the store keeps, for the type checker: a mention and a lifecycle event. They live
in storage (not core) so that the store's own signatures can name them; tui.core.model re-exports them.

At run time all of these are plain dicts, as stored. A field marked `NotRequired` may be absent: a
mention not yet triaged, a record written by an older version, or simply a field never set (absent,
not None). The required ones are what `parse_mention` (tui/core/model.py) guarantees, and what every
lifecycle event carries.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

__all__ = ["Edit", "Event", "EventUpdate", "Learned", "Mention", "MentionExtra", "MentionFields",
           "MentionUpdate", "StoredEvent"]


class MentionExtra(TypedDict, total=False):
    """A mention's `extra`: the incoming fields the canonical shape does not name, kept as they came
    (any unknown field of an input line lands here too). These are the ones the sources write and
    the inbox reads."""

    rating: int | None
    """A review's stars, 1..5 (Google, Trustpilot, Yelp)."""
    update_time: str
    """When a review was last edited (a newer one revises the stored mention)."""
    review: bool
    """The record is a review (Google), or the review's id to reply to (Trustpilot)."""
    review_name: str
    """Google's resource name of the review, to reply to."""
    owner_reply: bool
    """Our reply to a review, made from the inbox or the platform's own tools."""
    repost_of: str
    """A boost/repost of this mention id (Mastodon): folded into it, never listed."""
    spoiler_text: str
    """Mastodon's content warning, repeated on our reply."""
    visibility: str
    """Mastodon's visibility, kept on our reply."""
    cid: str
    """Bluesky's content id of the post (a reply needs it)."""
    author_did: str
    """Bluesky's durable id of the author."""
    parent_cid: str
    """Bluesky: the content id of the post this one answers."""
    root_cid: str
    """Bluesky: the content id of the thread's first post."""
    reason: str
    """Bluesky: why the notification came (mention, reply, quote)."""
    indexed_at: str
    """Bluesky: when the AppView indexed the post."""
    hn_type: str
    """Hacker News: "story" or "comment"."""
    story_title: str
    """Hacker News: the story a comment belongs to."""
    discussion_url: str
    """Hacker News: the story's discussion page."""
    subreddit: str
    """Reddit: "r/NAME"."""
    link_url: str
    """Reddit: the link a link post points to."""
    feed: str
    """RSS: the feed's title."""
    comments_url: str
    """RSS: the entry's comments page."""


class Learned(TypedDict):
    """How this store's corrections changed a fresh triage (tui/core/corrections.py)."""

    how: str
    """"same wording" or "phrases"."""
    was: dict[str, Any]
    """The fields as triage had them."""
    evidence: str
    """The wording or phrases that matched (at most 200 characters)."""


class Edit(TypedDict):
    """An earlier version of an edited review (tui/core/reviews.py)."""

    text: str
    rating: int | None
    update_time: str


class MentionFields(TypedDict, total=False):
    """What the inbox writes on a mention after it arrives: triage, the pipeline, the lifecycle. All
    optional; a `MentionUpdate` (what `Store.update_mention` takes) is some of these."""

    # -- triage (tui/core/triage.py) and the pipeline (tui/services/pipeline.py) --
    label: str
    """negative | neutral | positive."""
    sentiment: float
    """-1..1, agreeing with the label."""
    kind: str
    """crisis | complaint | question | praise | other."""
    priority: int
    """0..100: how urgent, within the kind's band."""
    topics: list[str]
    """What it is about (billing, outage, ...)."""
    lang: str
    """The text's language; only English is triaged."""
    triage_queue: str
    """The queue triage (or a correction, a resurfacing) put it in."""
    queue: str
    """The queue it is shown in now (tui/core/queues.py): follows state, mute, ownership."""
    learned: Learned
    """Set when this store's corrections changed the fresh triage."""
    review_mixed: bool
    """A high-star review with a complaint inside."""
    received_at: str
    """When it arrived."""
    future_dated: bool
    """Posted "after" it arrived (a wrong clock): aged from `received_at`."""
    repeat_of: str | None
    """The uid of the first of an author's identical posts, when within the repeat window."""
    muted: bool
    """Its author was muted."""
    off_topic: str | None
    """The `[brand] exclude` phrase it names, with nothing else of ours (tui/core/relevance.py):
    set aside with the muted. None once an agent files it in a queue."""
    ours: bool
    """Our own post (or reply to a review): context, in no queue."""
    folded: int
    """How many boosts of it were counted."""
    boosts: list[str]
    """The uids of those boosts."""
    deleted: bool
    """Deleted on the platform (the record is kept)."""
    edits: list[Edit]
    """An edited review's earlier versions, oldest first."""
    extra: MentionExtra
    """Incoming fields with no canonical name (a revised review replaces it)."""
    # -- the lifecycle (tui/core/lifecycle_transitions.py) --
    state: str
    """open | replied | escalated | snoozed | walked-away | resolved | feedback-requested | closed |
    done | ours."""
    read: bool
    tags: list[str]
    banner: str | None
    """Why a walked-away thread came back (shown above it)."""
    snooze_until: str | None
    watch_until: str | None
    """The end of a walked-away thread's watch window."""
    walk_reason: str
    walked_at: str
    resurfaced_at: str
    escalated_to: str | None
    """The team."""
    escalation_note: str
    escalation_answer: str
    escalated_at: str
    replied_at: str
    first_response_at: str
    follow_up_at: str | None
    """When a promise in our reply ("by 5pm") falls due."""
    follow_up_kept_at: str
    promise: list[str] | None
    """The promising words of that reply."""
    feedback_requested_at: str
    feedback_template: str
    thanked_at: str
    statement_id: str | None
    """The public statement it was answered with."""
    outcome: str | None
    """How the thread turned out after a feedback request (tui/core/followup.py)."""
    closed_at: str
    """When it was first closed (done, resolved, closed, or its watch expired)."""


class MentionUpdate(MentionFields, total=False):
    """The fields `Store.update_mention` changes: any of `MentionFields`, or a new text (an edited
    review)."""

    text: str


class Mention(MentionFields):
    """A stored mention: what a source gives (checked by `parse_mention`), then `MentionFields`."""

    uid: str
    """`source:id`, the store's key."""
    id: str
    """The platform's id."""
    source: str
    """The platform (mastodon, bluesky, google, ...)."""
    author: str
    """The author's handle."""
    text: str
    """Neutralised on entry (no control or markup characters)."""
    created_at: str
    """ISO 8601 with an offset."""
    thread_uid: str
    """The uid of the thread's first post."""
    author_name: NotRequired[str]
    followers: NotRequired[int]
    url: NotRequired[str]
    in_reply_to: NotRequired[str]
    """The platform id of the post it answers."""
    thread: NotRequired[str]
    """The platform id of its thread's first post, when the platform says."""


class EventUpdate(TypedDict, total=False):
    """What `Store.update_event` changes on an event."""

    undone: bool
    details: dict[str, Any]


class Event(TypedDict):
    """One lifecycle event as stored (tui/core/lifecycle.py): an action on some mentions, undoable."""

    action: str
    """The lifecycle action (a key of TRANSITIONS), "undo", "mute" or "unmute"."""
    uids: list[str]
    """The mentions it changed."""
    thread_uid: str
    """The thread of the first of them (the thread view's history)."""
    before: NotRequired[dict[str, dict[str, Any]]]
    """uid -> the changed fields as they were, None for one that was absent (what undo puts back);
    every event but an undo has it."""
    who: str
    """The agent, or "auto" for the inbox's own steps."""
    at: str
    why: str
    details: dict[str, Any]
    """The action's own values (team, until, text, ...); later also the `outbox_id` of what it sent."""
    undone: NotRequired[bool]
    """Set when a later "undo" event undid it."""
    of: NotRequired[int]
    """An undo: the id of the event it undid."""
    undid: NotRequired[str]
    """An undo: that event's action."""


class StoredEvent(Event):
    """An event read from the store, with its id (not part of the stored record)."""

    id: int
