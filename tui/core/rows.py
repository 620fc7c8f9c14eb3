"""How a mention reads in one list row: symbols and short forms, shared by the list and the detail.

Every marker that carries meaning has a symbol, so nothing is told by colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime

from tui.core.model import Mention, effective_time, maybe_time

KIND_SYMBOL = {"crisis": "‼", "complaint": "✗", "question": "?", "praise": "♥", "other": "·"}
LABEL_SYMBOL = {"negative": "−", "neutral": "·", "positive": "+"}
CLOCK_SYMBOL = {"breached": "⚠", "due-soon": "◔", "ok": " "}
# The list's source column: four letters and a space, so a longer name ("jsonl") cannot run into
# the author.
SOURCE_SHORT = {"mastodon": "mast", "bluesky": "bsky", "reddit": "rddt", "hn": "hn", "rss": "rss",
                "x": "x", "demo": "demo", "jsonl": "json", "sse": "sse", "google": "goog",
                "trustpilot": "tpil", "yelp": "yelp"}
# A reply's addressing: @name, @name.bsky.social or @name@instance, then a space, comma or colon.
_LEAD_HANDLES = re.compile(r"(?:[@＠]\w[\w.\-]*(?:@[\w\-]+(?:\.[\w\-]+)+)?[\s,:]+)+")
FOLD_HANDLES = 3
"""A reply that opens with this many @handles or more (not ours) shows the first and a count."""


def fold_handles(text: str, ours: Collection[str] = ()) -> tuple[str, str]:
    """A list row's text split into its addressing, shortened, and its words.

    Every mention in the inbox is to us, so our own handles at the start go ("@AskPlayStation U
    positive?" is "U positive?" in a row 40 columns wide), and on X a reply in a busy thread opens
    with every handle in it: 16 of them filled an 80-column row before the first word the customer
    wrote, so three or more fold to the first and a count ("@116302 +14"). `ours` are lower-case
    handles without the "@" (`our_handles`). Only rows fold, never the pane or the store; a text
    that is nothing but handles stays whole. Returns ("", text) when there is nothing to shorten.
    """
    lead = _LEAD_HANDLES.match(text.lstrip())
    if not lead:
        return "", text
    body = text.lstrip()[lead.end():]
    if not body.strip():
        return "", text
    handles = lead.group().replace(",", " ").replace(":", " ").split()
    others = [h for h in handles if not _is_ours(h, ours)]
    if len(others) == len(handles) and len(others) < FOLD_HANDLES:
        return "", text
    if len(others) >= FOLD_HANDLES:
        return f"{others[0]} +{len(others) - 1}", body
    return " ".join(others), body


_HANDLE = re.compile(r"[@＠]\S+")


def has_words(draft: str) -> bool:
    """Whether a reply draft says anything yet: more than the handles it opens with. A draft of
    only "@116043 " is the editor opened and left, not a reply to come back to."""
    return bool(_HANDLE.sub("", draft).strip())


def _is_ours(handle: str, ours: Collection[str]) -> bool:
    name = handle.lstrip("@＠").lower()
    return name in ours or any(name == own.split("@")[0] for own in ours)


def stars(mention: Mention) -> str:
    """A review's rating as a count and a star ("2★"); empty for anything that is not a rated review."""
    rating = (mention.get("extra") or {}).get("rating")
    if isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 5:
        return f"{rating}★"
    return ""


def review_note(mention: Mention) -> str:
    """What the detail says about a review: its stars, a mixed verdict, and what it said before edits."""
    rating = stars(mention)
    if not rating:
        return ""
    parts = [f"{rating} review" + ("  (mixed: praise with a complaint inside)" if mention.get("review_mixed")
                                   else "")]
    for edit in mention.get("edits") or ():
        before = f"{edit['rating']}★ " if isinstance(edit.get("rating"), int) else ""
        text = " ".join(str(edit.get("text", "")).split())
        parts.append(f"edited; before: {before}“{text[:200]}”")
    return "\n".join(parts)


def span(seconds: float) -> str:
    """A compact duration: 45s, 12m, 3h, 2d, 15w, 9y.

    Never more than three characters, so an imported archive ("posted 3,317 days ago") keeps
    the list's age and clock columns in line.
    """
    seconds = abs(seconds)
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400 * 2:
        return f"{int(seconds // 3600)}h"
    days = int(seconds // 86400)
    if days < 100:
        return f"{days}d"
    if days < 365:
        return f"{days // 7}w"
    return f"{days // 365}y"


def age(mention: Mention, now: datetime) -> str:
    """How long ago it was posted; never negative (a post dated ahead of our clock is 0s old)."""
    return span(max(0.0, (now - effective_time(mention)).total_seconds()))


def dated(mention: Mention) -> str:
    """The raw `created_at` of a mention dated in the future, said as such; else empty."""
    if not mention.get("future_dated"):
        return ""
    return f"dated {mention['created_at']}, ahead of our clock"


def clock_text(left: float) -> str:
    """Time left on a response clock, or how late it is."""
    return span(left) if left >= 0 else f"-{span(left)}"


def reach(followers: int | None) -> str:
    if followers is None:
        return "reach unknown"
    if followers >= 1_000_000:
        return f"{followers / 1_000_000:.1f}M followers"
    if followers >= 1_000:
        return f"{followers / 1_000:.1f}k followers"
    return f"{followers} followers"


def wake_text(when: datetime, now: datetime) -> str:
    """When a snooze ends, said both ways: "until Tue 1 Dec 09:00 (in 15h)"."""
    left = (when - now).total_seconds()
    said = span(left)
    hours = int(abs(left) // 3600) % 24
    if 86400 * 2 <= abs(left) < 86400 * 100 and hours:  # a 7-day watch set a minute ago: "6d 23h", not "6d"
        said += f" {hours}h"
    minutes = int(abs(left) // 60) % 60
    if 3600 <= abs(left) < 10 * 3600 and minutes:  # "1h" for 1h 59m would mislead
        said += f" {minutes:02d}m"
    relative = f"in {said}" if left >= 0 else f"{said} ago"
    return f"until {when:%a} {when.day} {when:%b %H:%M} ({relative})"


def snoozed_left(mention: Mention, now: datetime) -> float | None:
    """Seconds until a snoozed mention wakes; None when it is not snoozed."""
    if mention.get("state") != "snoozed":
        return None
    until = maybe_time(mention.get("snooze_until"))
    return None if until is None else (until - now).total_seconds()
