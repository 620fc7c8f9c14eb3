"""Champions: the people who praise the brand, and whether we have thanked them.

Triage files praise in the `champions` queue; an agent can also mark an author a champion. Thanks are
lifecycle events (`thank`), so they show in the thread and undo like any other step. Muted authors get
no templated thanks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tui.lifecycle import Change, Lifecycle, TransitionError
from tui.model import now_utc, parse_time
from tui.store import Store

THANKS_TEMPLATE = "thanks"


def is_praise(mention: dict[str, Any]) -> bool:
    """Praise from a customer: our own accounts' posts never make us our own champion."""
    if mention.get("ours"):
        return False
    return mention.get("triage_queue") == "champions" or mention.get("kind") == "praise"


def mark_champion(store: Store, author: str, *, champion: bool = True,
                  clock: Callable[[], datetime] = now_utc) -> None:
    """Mark (or unmark) an author a champion; the author record keeps when."""
    fields: dict[str, Any] = {"champion": champion}
    if champion and not store.author(author).get("champion_since"):
        fields["champion_since"] = clock().isoformat(timespec="seconds")
    store.update_author(author, **fields)


def can_thank(store: Store, author: str) -> bool:
    """Whether a templated thanks may go to this author (not to muted ones)."""
    return not store.author(author).get("muted")


def thank(lifecycle: Lifecycle, uid: str, *, template: str | None = THANKS_TEMPLATE, why: str = "") -> Change:
    """Record that we thanked the author of a mention (an undoable event). With a template, refused
    for a muted author."""
    mention = lifecycle.store.mention(uid)
    if mention is None:
        raise TransitionError("nothing to thank")
    details: dict[str, Any] = {"author": mention.get("author", "")}
    if template:
        details["template"] = template
    return lifecycle.apply("thank", [uid], why=why, **details)


def champions(store: Store, *, since: datetime | None = None,
              now: datetime | None = None) -> list[dict[str, Any]]:
    """Every champion (praised us, or marked one) with their history: praise count, first and last
    praise, thanked or not. Most praise first. Archived history counts too: one pass over every
    mention, streamed a month at a time, so call it off the UI thread (on `Store.frozen()`)."""
    rows: dict[str, dict[str, Any]] = {}
    thanked_at: dict[str, list[str]] = {}
    for mention in store.all_mentions():
        author = mention.get("author", "")
        if mention.get("thanked_at"):
            thanked_at.setdefault(author, []).append(mention["thanked_at"])
        if not is_praise(mention):
            continue
        created = parse_time(mention["created_at"])
        if (since is not None and created < since) or (now is not None and created > now):
            continue
        row = rows.setdefault(author, {"author": author, "praise": 0, "first_seen": None,
                                       "last_seen": None, "thanked": False, "last_thanked": None})
        row["praise"] += 1
        stamp = created.isoformat()
        if row["first_seen"] is None or created < parse_time(row["first_seen"]):
            row["first_seen"] = stamp
        if row["last_seen"] is None or created > parse_time(row["last_seen"]):
            row["last_seen"] = stamp
    for record in store.authors():
        if record.get("champion") and record.get("handle") not in rows:
            handle = record["handle"]
            rows[handle] = {"author": handle, "praise": 0, "first_seen": None, "last_seen": None,
                            "thanked": False, "last_thanked": None}
    for handle, row in rows.items():
        record = store.author(handle)
        thanked = sorted(thanked_at.get(handle, ()))
        row["thanked"] = bool(thanked)
        row["last_thanked"] = thanked[-1] if thanked else None
        row["marked"] = bool(record.get("champion"))
        row["muted"] = bool(record.get("muted"))
    out = sorted(rows.values(), key=lambda r: r["author"])
    out.sort(key=lambda r: parse_time(r["last_seen"]) if r["last_seen"] else datetime.min.replace(tzinfo=UTC),
             reverse=True)
    out.sort(key=lambda r: r["praise"], reverse=True)
    return out
