"""Bluesky's data, apart from the session and the polling: post conversion, record keys, link facets, `Seen`.

Pure functions of the AppView's JSON (no HTTP, no session), so they read and test without a server; the
source in `tui.sources.bluesky` wires them to the network and re-exports every public name here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.core.model import MentionError, parse_time
from tui.sources.feed import SeenIds

LOOKBACK = timedelta(hours=24)
"""How far behind the newest post seen a poll pages back for late (slow-clock, backdated) posts."""
SEEN_LIMIT = 2000
"""URIs a listing remembers: more than the source's MAX_PAGES pages hold, so a re-read page is known whole."""
MENTION_REASONS = ("mention", "reply", "quote")

_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_URL = re.compile(r"https?://[^\s<>\"')\]]+")


def iso(value: str) -> str:
    """A Bluesky datetime (`...Z`, any fraction) in offset form; naive times are taken as UTC."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat()


def rkey_of(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def post_url(handle: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{rkey_of(uri)}"


def post_to_mention(post: dict[str, Any], *, reason: str | None = None) -> dict[str, Any]:
    """A post view (search hit) or a notification as a canonical mention (source "bluesky")."""
    author = post.get("author") or {}
    record = post.get("record") or {}
    handle = str(author.get("handle") or author.get("did") or "")
    created = record.get("createdAt") or post.get("indexedAt")
    try:
        created_at = iso(str(created))
        parse_time(created_at)
    except (ValueError, MentionError):
        created_at = iso(str(post["indexedAt"]))  # a client wrote a bogus createdAt: trust the server
    mention: dict[str, Any] = {
        "id": str(post["uri"]),
        "source": "bluesky",
        "author": handle,
        "text": str(record.get("text") or ""),
        "created_at": created_at,
        "url": post_url(handle, str(post["uri"])),
        "cid": str(post.get("cid") or ""),
        "author_did": str(author.get("did") or ""),
    }
    if author.get("displayName"):
        mention["author_name"] = str(author["displayName"])
    reply = record.get("reply") or {}
    parent, root = reply.get("parent") or {}, reply.get("root") or {}
    if parent.get("uri"):
        mention["in_reply_to"] = str(parent["uri"])
        mention["parent_cid"] = str(parent.get("cid") or "")
    if root.get("uri"):
        mention["thread"] = str(root["uri"])
        mention["root_cid"] = str(root.get("cid") or "")
    if reason:
        mention["reason"] = reason
    if post.get("indexedAt"):
        mention["indexed_at"] = str(post["indexedAt"])
    return mention


def is_mention_notification(notification: dict[str, Any]) -> bool:
    """Only notifications that carry a post for us to answer: likes, follows, reposts are not."""
    return notification.get("reason") in MENTION_REASONS


def tid_rkey(idempotency_key: str, *, after: datetime | None = None) -> str:
    """A record key in TID form, a pure function of the idempotency key (and the parent's time).

    The App View ignores posts whose key is not a TID, so the key looks like one: its timestamp is
    the parent's creation time plus up to a minute, its clock id and offset come from a hash.
    """
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    base_us = int((after or datetime(2023, 1, 1, tzinfo=UTC)).timestamp() * 1_000_000)
    micros = base_us + 1_000_000 + (digest >> 10) % 60_000_000
    value = ((micros & ((1 << 53) - 1)) << 10) | (digest & 0x3FF)
    return "".join(_B32[(value >> (60 - 5 * i)) & 31] for i in range(13))


def link_facets(text: str) -> list[dict[str, Any]]:
    """Facets that make the URLs in a reply clickable (offsets are UTF-8 bytes)."""
    facets = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        start = len(text[: match.start()].encode())
        facets.append({"index": {"byteStart": start, "byteEnd": start + len(url.encode())},
                       "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}]})
    return facets


def stored_field(mention: Mapping[str, Any], key: str) -> Any:
    """A field of a stored mention: converted extras live under `extra`."""
    if mention.get(key):
        return mention[key]
    return (mention.get("extra") or {}).get(key)



class Seen:
    """One listing's state: the newest sort key seen (where the look back starts) and the URIs seen."""

    def __init__(self, newest: str | None = None, uris: Any = ()) -> None:
        self.newest = newest
        self.uris = SeenIds(uris, limit=SEEN_LIMIT)

    @classmethod
    def load(cls, data: Any) -> Seen:
        """From a cursor; an older `{"newest", "ids"}` watermark keeps its ids as seen."""
        if not isinstance(data, dict):
            return cls()
        newest = data.get("newest") if isinstance(data.get("newest"), str) else None
        uris = data.get("seen") if isinstance(data.get("seen"), list) else data.get("ids")
        return cls(newest, uris if isinstance(uris, list) else ())

    def is_new(self, uri: str) -> bool:
        return uri not in self.uris

    def advance(self, key: str, uri: str) -> None:
        if self.newest is None or key > self.newest:
            self.newest = key
        self.uris.add(uri)

    def floor(self) -> str | None:
        """The oldest sort key a poll pages back to; None before anything was seen."""
        if self.newest is None:
            return None
        return (datetime.fromisoformat(self.newest) - LOOKBACK).isoformat(timespec="microseconds")

    def dump(self) -> dict[str, Any]:
        return {"newest": self.newest, "seen": self.uris.as_list()}
