"""History out of memory: settled threads older than a set age move to monthly archive files.

What the inbox needs at start is open work; a year of settled mentions only costs memory and start-up
time. So whole threads whose every mention is settled (states and age: `[archive]` in lifecycle.toml)
move, with their lifecycle events, to `STORE.archive/YYYY-MM.json` (TinyDB format, one file per month
of the mentions' `created_at`), which the store does not load when it opens. Readers that must cover
everything (export, the report, an author's history, search) stream the months one at a time; a small
index (`authors.json`: author -> month -> count, `uids.json`: uid -> month) keeps lookups cheap.

A move is journaled, so `kill -9` at any moment neither loses nor doubles a mention:

1. everything to move is written to `move.json` (temporary file, fsync, rename);
2. each month file is rewritten with the moved documents merged in (keyed by uid, and events by move
   and id, so doing it twice changes nothing), atomically;
3. the index is recomputed for those months, atomically;
4. the moved documents are deleted from the live store through its journal, which is fsynced;
5. `move.json` is removed.

A store that opens and finds `move.json` redoes steps 2-5 before anything else touches it; a
read-only reader that finds one skips archived copies of mentions still live (`Store.all_mentions`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tomllib
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from tui.lifecycle_rules import RulesError, _merge, _read_toml, user_rules_file

if TYPE_CHECKING:
    from tui.store import Store

ARCHIVE_SUFFIX = ".archive"
MOVE_FILE = "move.json"
AUTHORS_FILE = "authors.json"
UIDS_FILE = "uids.json"
HISTORY_DIR = "history"
HISTORY_SHARDS = 256
HISTORY_KEEP = 8
"""Newest archived mentions kept per author in the history shards: the detail pane shows six."""
MOVES_SETTING = "archive.moves"
"""How many moves this store has made: numbers each move, so a redone one is recognised."""


class ArchiveError(ValueError):
    """A bad `[archive]` table or an unreadable archive file; the message names which."""


@dataclass(frozen=True, slots=True)
class ArchivePolicy:
    """Which threads move: all their mentions in `states`, settled longer ago than `after`."""

    after: timedelta
    states: frozenset[str]


def _policy_from(data: dict[str, Any], where: str) -> ArchivePolicy:
    table = data.get("archive")
    if not isinstance(table, dict):
        raise ArchiveError(f"{where}: missing table [archive]")
    try:
        days = float(table["after_days"])
        states = frozenset(str(s) for s in table["states"])
    except KeyError as error:
        raise ArchiveError(f"{where}: archive.{error.args[0]} is missing") from None
    except (TypeError, ValueError):
        raise ArchiveError(f"{where}: archive.after_days must be a number of days and "
                           "archive.states a list of states") from None
    if days < 0:
        raise ArchiveError(f"{where}: archive.after_days must not be negative, got {days:g}")
    for live in ("open", "replied", "escalated", "snoozed", "walked-away", "feedback-requested"):
        if live in states:
            raise ArchiveError(f"{where}: archive.states: {live!r} is open work, it cannot be archived")
    return ArchivePolicy(timedelta(days=days), states)


@functools.cache
def default_policy() -> ArchivePolicy:
    text = resources.files("tui").joinpath("data/lifecycle.toml").read_text("utf-8")
    return _policy_from(tomllib.loads(text), "tui/data/lifecycle.toml")


def load_policy(user: Path | None = None) -> ArchivePolicy:
    """The packaged `[archive]` table with the user's lifecycle.toml merged over it."""
    user = user if user is not None else user_rules_file()
    if not user.exists():
        return default_policy()
    text = resources.files("tui").joinpath("data/lifecycle.toml").read_text("utf-8")
    try:
        mine = _read_toml(user)
    except RulesError as error:
        raise ArchiveError(str(error)) from None
    merged = _merge(tomllib.loads(text), mine)
    # States replace rather than extend: a user narrowing the list must be able to.
    over = mine.get("archive", {})
    if isinstance(over, dict) and "states" in over:
        merged["archive"]["states"] = over["states"]
    return _policy_from(merged, str(user))


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else None


def month_of(mention: dict[str, Any]) -> str:
    """The archive month a mention belongs to: that of its `created_at` (YYYY-MM)."""
    created = str(mention.get("created_at") or "")
    return created[:7] if len(created) >= 7 and created[4] == "-" else "undated"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        os.fsync(dir_fd)
        os.close(dir_fd)


class Archive:
    """The archive beside one store: month files and their index, read lazily and streamed."""

    def __init__(self, store_path: Path) -> None:
        self.dir = store_path.with_name(store_path.name + ARCHIVE_SUFFIX)
        self._authors: dict[str, dict[str, int]] | None = None
        self._uids: dict[str, str] | None = None
        self._author_cache: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._months: list[str] | None = None
        self.warnings: list[str] = []
        """Archive files a search had to skip (unreadable), each named once."""

    @property
    def move_path(self) -> Path:
        return self.dir / MOVE_FILE

    def months(self) -> list[str]:
        """Archived months, oldest first."""
        if self._months is None:
            self._months = sorted(p.stem for p in self.dir.glob("*.json")
                                  if p.name not in (MOVE_FILE, AUTHORS_FILE, UIDS_FILE)
                                  ) if self.dir.is_dir() else []
        return self._months

    def holds(self, mention: dict[str, Any]) -> bool:
        """Whether this mention is archived already (a source sending an old one again). Reads the
        uid index only when the mention's month has an archive: new mentions never do."""
        return month_of(mention) in self.months() and mention.get("uid") in self.uids

    def read_month(self, month: str) -> dict[str, dict[str, Any]]:
        """One month file, as TinyDB stores it: table -> str(doc id) -> document."""
        path = self.dir / f"{month}.json"
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return {}
        except orjson.JSONDecodeError as error:
            raise ArchiveError(f"{path}: not valid JSON ({error}); move it aside to read the rest") from None
        return data if isinstance(data, dict) else {}

    def _index(self, name: str) -> dict[str, Any]:
        try:
            data = orjson.loads((self.dir / name).read_bytes())
        except FileNotFoundError:
            return {}
        except orjson.JSONDecodeError as error:
            raise ArchiveError(f"{self.dir / name}: not valid JSON ({error}); "
                               "run `turnaround archive --reindex` to rebuild it") from None
        return data if isinstance(data, dict) else {}

    @property
    def authors(self) -> dict[str, dict[str, int]]:
        if self._authors is None:
            self._authors = self._index(AUTHORS_FILE)
        return self._authors

    @property
    def uids(self) -> dict[str, str]:
        if self._uids is None:
            self._uids = self._index(UIDS_FILE)
        return self._uids

    def forget_cached(self) -> None:
        self._authors = self._uids = self._months = None
        self._author_cache.clear()

    # -- reading ---------------------------------------------------------------------------------
    def mentions(self) -> Iterator[dict[str, Any]]:
        """Every archived mention, month by month (one month in memory at a time)."""
        for month in self.months():
            yield from self.read_month(month).get("mentions", {}).values()

    def events(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every archived event with its id in the live store when it was moved."""
        for month in self.months():
            for key, doc in self.read_month(month).get("events", {}).items():
                yield int(doc.get("_eid", key)), doc

    def author_count(self, author: str) -> int:
        return sum(self.authors.get(author, {}).values())

    def _shard_path(self, author: str) -> Path:
        shard = zlib.crc32(author.encode("utf-8", "surrogatepass")) % HISTORY_SHARDS
        return self.dir / HISTORY_DIR / f"{shard:02x}.json"

    def _read_shard(self, path: Path) -> dict[str, list[dict[str, Any]]]:
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return {}
        except orjson.JSONDecodeError as error:
            raise ArchiveError(f"{path}: not valid JSON ({error}); "
                               "run `turnaround archive --reindex` to rebuild it") from None
        return data if isinstance(data, dict) else {}

    def by_author(self, author: str, *, last: int | None = None) -> list[dict[str, Any]]:
        """An author's archived mentions, oldest first. The newest few come from one small history
        shard (a 256th of the authors: milliseconds, so the detail pane can ask on every move);
        more than that streams the months they were archived in."""
        if last is not None and last <= HISTORY_KEEP:
            if not self.authors.get(author):
                return []
            return self._read_shard(self._shard_path(author)).get(author, [])[-last:]
        found: list[dict[str, Any]] = []
        for month in sorted(self.authors.get(author, {}), reverse=True):
            key = (month, author)
            if key not in self._author_cache:
                docs = self.read_month(month).get("mentions", {}).values()
                self._author_cache[key] = [d for d in docs if d.get("author") == author]
            found[:0] = self._author_cache[key]
            if last is not None and len(found) >= last:
                return found[-last:]
        return found

    def mention(self, uid: str) -> dict[str, Any] | None:
        month = self.uids.get(uid)
        if month is None:
            return None
        for doc in self.read_month(month).get("mentions", {}).values():
            if doc.get("uid") == uid:
                return doc
        return None

    def search(self, match: Callable[[dict[str, Any]], bool], *, limit: int = 200) -> list[dict[str, Any]]:
        """Archived mentions `match` accepts, newest month first, at most `limit` of them."""
        found: list[dict[str, Any]] = []
        for month in reversed(self.months()):
            try:
                docs = list(self.read_month(month).get("mentions", {}).values())
            except ArchiveError as error:
                # A search must not take the inbox down: say which file, search the rest.
                if str(error) not in self.warnings:
                    self.warnings.append(str(error))
                continue
            for doc in reversed(docs):
                if match(doc):
                    found.append(doc)
                    if len(found) >= limit:
                        return found
        return found

    # -- moving ----------------------------------------------------------------------------------
    def _apply(self, move: dict[str, Any], on_step: Callable[[str], None]) -> None:
        """Steps 2 and 3: merge the move into its month files, then recompute their index."""
        serial = move["move"]
        months = sorted(set(move["mentions"]) | set(move["events"]))
        for month in months:
            data = self.read_month(month)
            mentions = data.setdefault("mentions", {})
            events = data.setdefault("events", {})
            # By uid: a redone move changes nothing, a restored and re-archived mention replaces
            # its old copy.
            have = {doc.get("uid"): key for key, doc in mentions.items()}
            next_id = max((int(k) for k in mentions), default=0) + 1
            for doc in move["mentions"].get(month, []):
                key = have.get(doc["uid"])
                if key is None:
                    key, next_id = str(next_id), next_id + 1
                mentions[key] = doc
            have_events = {(d.get("_move"), d.get("_eid")) for d in events.values()}
            next_id = max((int(k) for k in events), default=0) + 1
            for eid, doc in move["events"].get(month, []):
                if (serial, eid) not in have_events:
                    events[str(next_id)] = {**doc, "_move": serial, "_eid": eid}
                    next_id += 1
            _write_atomic(self.dir / f"{month}.json", orjson.dumps(data))
            on_step(f"month:{month}")
        self._reindex(months)
        self._add_history([doc for docs in move["mentions"].values() for doc in docs])
        on_step("index")

    def _add_history(self, docs: list[dict[str, Any]]) -> None:
        """Merge moved mentions into their authors' history shards (by uid: twice changes nothing)."""
        by_shard: dict[Path, list[dict[str, Any]]] = {}
        for doc in docs:
            by_shard.setdefault(self._shard_path(doc.get("author", "")), []).append(doc)
        (self.dir / HISTORY_DIR).mkdir(parents=True, exist_ok=True)
        for path, moved in by_shard.items():
            shard = self._read_shard(path)
            for doc in moved:
                shard.setdefault(doc.get("author", ""), []).append(doc)
            for author in {doc.get("author", "") for doc in moved}:
                unique = {d["uid"]: d for d in shard[author]}
                newest = sorted(unique.values(), key=lambda d: str(d.get("created_at")))
                shard[author] = newest[-HISTORY_KEEP:]
            _write_atomic(path, orjson.dumps(shard))

    def _reindex(self, months: list[str]) -> None:
        """Recount these months in the index from their files (so a redone move counts once)."""
        authors = self._index(AUTHORS_FILE)
        uids = self._index(UIDS_FILE)
        for month in months:
            for counts in authors.values():
                counts.pop(month, None)
            counted: Counter[str] = Counter()
            for doc in self.read_month(month).get("mentions", {}).values():
                counted[doc.get("author", "")] += 1
                uids[doc["uid"]] = month
            for author, n in counted.items():
                authors.setdefault(author, {})[month] = n
        authors = {a: c for a, c in authors.items() if c}
        _write_atomic(self.dir / AUTHORS_FILE, orjson.dumps(authors))
        _write_atomic(self.dir / UIDS_FILE, orjson.dumps(uids))
        self.forget_cached()

    def reindex(self) -> None:
        """Rebuild the whole index from the month files."""
        for name in (AUTHORS_FILE, UIDS_FILE):
            (self.dir / name).unlink(missing_ok=True)
        shutil.rmtree(self.dir / HISTORY_DIR, ignore_errors=True)
        if self.dir.is_dir():
            months = self.months()
            self._reindex(months)
            for month in months:
                self._add_history(list(self.read_month(month).get("mentions", {}).values()))


def _settled_at(mention: dict[str, Any]) -> datetime | None:
    times = [t for t in (_time(mention.get("closed_at")), _time(mention.get("created_at"))) if t]
    return max(times) if times else None


def candidates(store: Store, policy: ArchivePolicy, now: datetime) -> list[str]:
    """Threads whose every mention is settled, and was so before `now - policy.after`."""
    cutoff = now - policy.after
    drafts = {d.get("uid") for d in store.drafts()}
    watched = {m.get("thread_uid") for m in store.mentions() if m.get("watch_until")
               and m.get("state") == "walked-away"}
    threads: list[str] = []
    for thread_uid, uids in store._threads.items():
        if thread_uid in watched or not uids:
            continue
        # An agent's latest action on the thread counts as settling it (done again, reopened...).
        acted = [t for e in store.events_for(thread_uid) if (t := _time(e.get("at")))]
        if acted and max(acted) > cutoff:
            continue
        for uid in uids:
            mention = store.mention(uid)
            if mention is None:
                continue
            settled = _settled_at(mention)
            if (mention.get("state") not in policy.states or settled is None or settled > cutoff
                    or uid in drafts):
                break
        else:
            threads.append(thread_uid)
    return threads


def move_settled(store: Store, policy: ArchivePolicy, now: datetime,
                 on_step: Callable[[str], None] = lambda step: None) -> int:
    """Move settled old threads out of the live store; returns how many mentions moved."""
    if store.journal is None:
        raise ArchiveError(f"{store.path}: opened read-only; archiving needs the store itself")
    archive = store.archive
    if archive.move_path.exists():
        recover(store, on_step)
    threads = candidates(store, policy, now)
    if not threads:
        return 0
    serial = int(store.setting(MOVES_SETTING, 0) or 0) + 1
    mentions: dict[str, list[dict[str, Any]]] = {}
    events: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    moved = 0
    for thread_uid in threads:
        docs = [d for uid in store._threads[thread_uid] if (d := store.mention(uid))]
        for doc in docs:
            mentions.setdefault(month_of(doc), []).append(doc)
            moved += 1
        last_month = max(month_of(d) for d in docs)
        for event in store.events_for(thread_uid):
            events.setdefault(last_month, []).append((event.doc_id, dict(event)))
    move = {"move": serial, "mentions": mentions, "events": events}
    archive.dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(archive.move_path, orjson.dumps(move))
    on_step("journal")
    _finish(store, move, on_step)
    return moved


def recover(store: Store, on_step: Callable[[str], None] = lambda step: None) -> None:
    """Redo an interrupted move (steps 2-5); each step is safe to do twice."""
    path = store.archive.move_path
    try:
        move = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return
    except orjson.JSONDecodeError:
        # Written by temporary file and rename, so a torn one is not ours: keep it for a person.
        path.rename(path.with_name(MOVE_FILE + ".bad"))
        store.warnings.append(f"{path}: an unreadable archive move was set aside as {MOVE_FILE}.bad; "
                              "the store kept every mention")
        return
    _finish(store, move, on_step)


def _finish(store: Store, move: dict[str, Any], on_step: Callable[[str], None]) -> None:
    store.archive._apply(move, on_step)
    uids = [doc["uid"] for docs in move["mentions"].values() for doc in docs]
    event_ids = [eid for pairs in move["events"].values() for eid, doc in pairs
                 if (live := store.event(eid)) is not None and dict(live) == doc]
    store._forget(uids, event_ids)
    if int(store.setting(MOVES_SETTING, 0) or 0) < move["move"]:
        store.set_setting(MOVES_SETTING, move["move"])
    store.sync()
    on_step("live")
    store.archive.move_path.unlink(missing_ok=True)
    on_step("done")
