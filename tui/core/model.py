"""The canonical mention: one shape every source converts to.

A mention is a plain dict so it stores and exports as JSON unchanged. `parse_mention` checks the
required fields and types, keeps unknown fields under `extra`, and neutralises the text once, on entry.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from tui.core.sanitize import clean, one_line

# Re-exported: the stored shapes live with the store (tui/storage/records.py).
from tui.storage.records import Edit as Edit
from tui.storage.records import Event as Event
from tui.storage.records import Mention as Mention
from tui.storage.records import MentionFields as MentionFields
from tui.storage.records import MentionUpdate as MentionUpdate
from tui.storage.records import StoredEvent as StoredEvent

REQUIRED: dict[str, type] = {
    "id": str,
    "source": str,
    "author": str,
    "text": str,
    "created_at": str,
}
OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "author_name": str,
    "followers": int,
    "url": str,
    "in_reply_to": str,
    "thread": str,
}
# Fields the inbox adds to a stored mention; an incoming field with one of these names goes to `extra`.
STATE_FIELDS = (
    "uid",
    "thread_uid",
    "received_at",
    "label",
    "sentiment",
    "kind",
    "priority",
    "topics",
    "queue",
    "triage_queue",
    "state",
    "read",
    "tags",
    "muted",
    "off_topic",
    "folded",
    "boosts",
    "repeat_of",
    "future_dated",
    "extra",
)


class MentionError(ValueError):
    """A mention that breaks the canonical shape; the message names the field."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One rejected input line, reported as `where:line: message`."""

    where: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.message}"


def parse_time(value: str) -> datetime:
    """Parse a time with a UTC offset; naive times are refused.

    ISO 8601 is the canonical form (a trailing Z is accepted). Exports from the platforms
    themselves also arrive as Twitter's "Tue Oct 31 22:39:32 +0000 2017" or RFC 2822's
    "Tue, 31 Oct 2017 22:39:32 +0000" (RSS, email): those are read too, so an agent can import
    them as they come.
    """
    when: datetime | None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        when = _other_time(value)
    if when is None:
        raise MentionError(
            f"created_at: not a time we can read: {value!r} (use ISO 8601, e.g. 2017-10-31T22:39:32+00:00)"
        )
    if when.tzinfo is None:
        raise MentionError(f"created_at: no UTC offset in {value!r}")
    return when


def _other_time(value: str) -> datetime | None:
    """Twitter's or RFC 2822's way of writing a time, or None."""
    text = " ".join(value.split())
    with contextlib.suppress(ValueError):
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
    if not any(ch.isalpha() for ch in text):
        return None  # parsedate reads bare numbers as dates; those are mistakes, not times
    import email.utils  # here: ~8 ms of imports (socket, calendar, ...) most runs never need

    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    # "-0000" means "zone unknown" in RFC 2822: parsedate gives a naive time, refused above.
    return when


def maybe_time(value: Any) -> datetime | None:
    """A stored time (ISO text or a datetime) as an aware datetime; None when empty or unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not value:
        return None
    try:
        return parse_time(str(value))
    except MentionError:
        return None


def effective_time(mention: Mention) -> datetime:
    """When a mention counts as posted: its `created_at`, or when it arrived if that lies in the
    future (a wrong clock somewhere): ages, response clocks and sorting use this, never 2030."""
    if mention.get("future_dated") and mention.get("received_at"):
        return parse_time(mention["received_at"])
    return parse_time(mention["created_at"])


def now_utc() -> datetime:
    return datetime.now(UTC)


def uid_of(source: str, mention_id: str) -> str:
    """Ids are unique within a source, so the store keys on both."""
    return f"{source}:{mention_id}"


def parse_mention(data: Any) -> Mention:
    """Check one decoded JSON value and return a clean mention dict, or raise MentionError."""
    if not isinstance(data, dict):
        raise MentionError(f"not a JSON object (got {type(data).__name__})")
    mention: dict[str, Any] = {}
    missing = [field for field in REQUIRED if field not in data]
    if missing:
        # Every missing field at once, and what the line has instead: another tool's export
        # ("tweet_id", "author_id") is fixed in one pass, not one field per run.
        names = ", ".join(repr(field) for field in missing)
        keys = [one_line(clean(str(key), limit=40), 40) for key in list(data)[:8]]
        has = ", ".join(keys) + (", ..." if len(data) > 8 else "")
        raise MentionError(f"missing required field{'s' if len(missing) > 1 else ''} {names}"
                           + (f" (it has: {has})" if data else ""))
    for field, required in REQUIRED.items():
        value = data[field]
        if not isinstance(value, required) or (field != "text" and not str(value).strip()):
            raise MentionError(f"field {field!r} must be a non-empty {required.__name__}")
        mention[field] = value
    for field, kind in OPTIONAL.items():
        value = data.get(field)
        if value is None:
            continue
        if field == "followers" and (isinstance(value, bool) or not isinstance(value, int)):
            raise MentionError("field 'followers' must be an integer")
        if not isinstance(value, kind):
            raise MentionError(f"field {field!r} must be a {getattr(kind, '__name__', kind)}")
        mention[field] = value
    created = parse_time(mention["created_at"])
    mention["created_at"] = created.isoformat()
    for field in ("id", "source", "author", "author_name", "in_reply_to", "thread"):
        if field in mention:
            mention[field] = clean(mention[field], limit=300)
    mention["text"] = clean(mention["text"])
    if "url" in mention:
        mention["url"] = clean(mention["url"], limit=2000)
    extra = {k: v for k, v in data.items() if k not in REQUIRED and k not in OPTIONAL}
    if extra:
        mention["extra"] = extra
    mention["uid"] = uid_of(mention["source"], mention["id"])
    root = mention.get("thread") or mention.get("in_reply_to") or mention["id"]
    mention["thread_uid"] = uid_of(mention["source"], root)
    return cast(Mention, mention)  # every field checked above: a Mention, not yet triaged


def canonical(mention: Mention) -> dict[str, Any]:
    """The canonical fields of a stored mention, unknown fields restored, for export and relays."""
    fields: Mapping[str, Any] = mention
    out = {k: fields[k] for k in (*REQUIRED, *OPTIONAL) if k in fields}
    out.update(mention.get("extra") or {})
    return out
