"""Champions: the people who praise the brand, and whether we have thanked them.

Triage files praise in the `champions` queue; an agent can also mark an author a champion. Thanks are
lifecycle events (`thank`), so they show in the thread and undo like any other step. A reply to their
praise (`r`, or a colleague's answer outside Turnaround) counts as answered: not the saved thanks, but
not someone waiting to be thanked either. Muted authors get no templated thanks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.core.model import Mention, now_utc, parse_time
from tui.storage.archive import HISTORY_KEEP
from tui.storage.store import Store

THANKS_TEMPLATE = "thanks"


def is_praise(mention: Mention) -> bool:
    """Praise from a customer: our own accounts' posts never make us our own champion, nor does
    praise of something else that shares our name (`off_topic`: "Mr Brightside is a banger")."""
    if mention.get("ours") or mention.get("off_topic"):
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


@dataclass(slots=True)
class PraiseTally:
    """Praise per author (count, first and last) and when each author was thanked, or their praise
    answered, over some mentions."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    thanked_at: dict[str, list[str]] = field(default_factory=dict)
    answered_at: dict[str, list[str]] = field(default_factory=dict)

    def add(self, mentions: Iterable[Mention], since: datetime | None = None,
            now: datetime | None = None) -> PraiseTally:
        for mention in mentions:
            author = mention.get("author", "")
            if mention.get("thanked_at"):
                self.thanked_at.setdefault(author, []).append(mention["thanked_at"])
            if not is_praise(mention):
                continue
            if mention.get("replied_at"):
                self.answered_at.setdefault(author, []).append(mention["replied_at"])
            created = parse_time(mention["created_at"])
            if (since is not None and created < since) or (now is not None and created > now):
                continue
            self._count(author, 1, created, created)
        return self

    def _count(self, author: str, praise: int, first: datetime, last: datetime) -> None:
        row = self.rows.setdefault(author, _row(author))
        row["praise"] += praise
        if row["first_seen"] is None or first < parse_time(row["first_seen"]):
            row["first_seen"] = first.isoformat()
        if row["last_seen"] is None or last > parse_time(row["last_seen"]):
            row["last_seen"] = last.isoformat()

    def merged(self, other: PraiseTally) -> PraiseTally:
        out = PraiseTally({a: dict(r) for a, r in self.rows.items()},
                          {a: list(t) for a, t in self.thanked_at.items()},
                          {a: list(t) for a, t in self.answered_at.items()})
        for author, row in other.rows.items():
            out._count(author, row["praise"], parse_time(row["first_seen"]), parse_time(row["last_seen"]))
        for author, stamps in other.thanked_at.items():
            out.thanked_at.setdefault(author, []).extend(stamps)
        for author, stamps in other.answered_at.items():
            out.answered_at.setdefault(author, []).extend(stamps)
        return out


def _row(author: str) -> dict[str, Any]:
    return {"author": author, "praise": 0, "first_seen": None, "last_seen": None,
            "thanked": False, "last_thanked": None, "answered": False, "last_answered": None}


def archived_praise(store: Store) -> PraiseTally:
    """Praise in the archive alone (reads every archived month: call it in a thread, once; the
    archive only grows at compaction)."""
    return PraiseTally().add(store.archived_mentions())


def praise_history(store: Store, author: str) -> list[Mention]:
    """An author's praise, newest first: all of it live, and the newest archived (one small index
    read, so the champions screen can ask on every move; `champions` counts all of it)."""
    mentions = store.archive.by_author(author, last=HISTORY_KEEP) + store.by_author(author)
    unique = {m["uid"]: m for m in mentions if is_praise(m)}
    return sorted(unique.values(), key=lambda m: parse_time(m["created_at"]), reverse=True)


def last_praise_stamps(store: Store, author: str) -> tuple[str | None, str | None]:
    """When we last thanked this live author and when we last answered their praise (ISO times, or
    None): the same stamps `champions` gives each row, for one author's detail and for `h`'s
    "already thanked" warning."""
    tally = PraiseTally().add(store.by_author(author))
    thanked, answered = tally.thanked_at.get(author, ()), tally.answered_at.get(author, ())
    return max(thanked, default=None), max(answered, default=None)


def latest_praise(store: Store, author: str) -> Mention | None:
    """The author's newest live praise mention: what thanks from the champions list answer."""
    praise = [m for m in store.by_author(author) if is_praise(m)]
    return max(praise, key=lambda m: parse_time(m["created_at"]), default=None)


def champions(store: Store, *, since: datetime | None = None, now: datetime | None = None,
              archived: PraiseTally | None = None) -> list[dict[str, Any]]:
    """Every champion (praised us, or marked one) with their history: praise count, first and last
    praise, thanked or not, their praise answered or not. Most praise first. Archived history counts
    too: streamed here, a month at a time (off the UI thread), unless `archived` brings it counted
    already (`archived_praise`)."""
    if archived is None:
        tally = PraiseTally().add(store.all_mentions(), since, now)
    else:
        tally = PraiseTally().add(store.mentions(), since, now).merged(archived)
    rows = tally.rows
    for record in store.authors():
        if record.get("champion") and record.get("handle") not in rows:
            rows[record["handle"]] = _row(record["handle"])
    for handle, row in rows.items():
        record = store.author(handle)
        thanked = sorted(tally.thanked_at.get(handle, ()))
        row["thanked"] = bool(thanked)
        row["last_thanked"] = thanked[-1] if thanked else None
        answered = sorted(tally.answered_at.get(handle, ()))
        row["answered"] = bool(answered)
        row["last_answered"] = answered[-1] if answered else None
        row["marked"] = bool(record.get("champion"))
        row["muted"] = bool(record.get("muted"))
    out = sorted(rows.values(), key=lambda r: r["author"])
    out.sort(key=lambda r: parse_time(r["last_seen"]) if r["last_seen"] else datetime.min.replace(tzinfo=UTC),
             reverse=True)
    out.sort(key=lambda r: r["praise"], reverse=True)
    return out
