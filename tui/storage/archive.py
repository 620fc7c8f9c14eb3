"""History out of memory: settled threads older than a set age move to monthly archive files.

What the inbox needs at start is open work; a year of settled mentions only costs memory and start-up
time. So whole threads whose every mention is settled (states and age: `[archive]` in lifecycle.toml)
move, with their lifecycle events, to `STORE.archive/YYYY-MM.json` (TinyDB format, one file per month
of the mentions' `created_at`), which the store does not load when it opens. Readers that must cover
everything (export, the report, an author's history, search) stream the months one at a time; a small
index keeps lookups cheap without holding it in memory (tui/storage/archive_index.py: author -> month ->
count, uid -> month, author -> newest mentions, each split over 256 small files).

A move is journaled, so `kill -9` at any moment neither loses nor doubles a mention:

1. everything to move is written to `move.json` (temporary file, fsync, rename);
2. each month file is rewritten with the moved documents merged in (keyed by uid, and events by move
   and id, so doing it twice changes nothing), atomically;
3. the index entries of the moved mentions are recounted from those month files, a shard at a time,
   each atomically (moving is in tui/storage/archive_move.py);
4. the moved documents are deleted from the live store through its journal, which is fsynced;
5. `move.json` is removed.

A store that opens and finds `move.json` redoes steps 2-5 before anything else touches it; a
read-only reader that finds one skips archived copies of mentions still live (`Store.all_mentions`).
"""


from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from tui.storage.archive_index import SHARDS, ShardedIndex, read_json_map, write_atomic
from tui.storage.archive_policy import ArchiveError, ArchivePolicy, default_policy
from tui.storage.records import Mention

__all__ = ["Archive", "ArchiveError", "ArchivePolicy", "default_policy", "month_of"]

ARCHIVE_SUFFIX = ".archive"
MOVE_FILE = "move.json"
AUTHORS_DIR = "authors"
UIDS_DIR = "uids"
HISTORY_DIR = "history"
LEGACY_INDEX = ("authors.json", "uids.json")
"""The first index: whole maps, loaded whole (tens of MB at 1M). Read while no shards exist;
rewritten as shards by the next move or `turnaround archive --reindex`."""
REINDEX_SLICES = 8
"""A rebuild of the history shards reads the months this many times, an eighth of the authors each."""
HISTORY_KEEP = 8
"""Newest archived mentions kept per author in the history shards: the detail pane shows six."""


def month_of(mention: Mapping[str, Any]) -> str:
    """The archive month a mention belongs to: that of its `created_at` (YYYY-MM)."""
    created = str(mention.get("created_at") or "")
    return created[:7] if len(created) >= 7 and created[4] == "-" else "undated"


class Archive:
    """The archive beside one store: month files and their index, read lazily and streamed."""

    def __init__(self, store_path: Path) -> None:
        self.dir = store_path.with_name(store_path.name + ARCHIVE_SUFFIX)
        self.author_index = ShardedIndex(self.dir / AUTHORS_DIR)
        """author -> {month: count}"""
        self.uid_index = ShardedIndex(self.dir / UIDS_DIR)
        """uid -> month"""
        self.history = ShardedIndex(self.dir / HISTORY_DIR)
        """author -> their newest `HISTORY_KEEP` archived mentions, oldest first"""
        self._legacy: dict[str, dict[str, Any]] = {}
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
                                  if p.name != MOVE_FILE and p.name not in LEGACY_INDEX
                                  ) if self.dir.is_dir() else []
        return self._months

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

    # -- the index -------------------------------------------------------------------------------
    def _lookup(self, index: ShardedIndex, legacy: str, key: str) -> Any:
        if index.exists() or not (self.dir / legacy).exists():
            return index.get(key)
        if legacy not in self._legacy:
            self._legacy[legacy] = read_json_map(
                self.dir / legacy, "run `turnaround archive --reindex` to rebuild it")
        return self._legacy[legacy].get(key)

    def author_months(self, author: str) -> dict[str, int]:
        """How many of an author's mentions each archived month holds."""
        return self._lookup(self.author_index, "authors.json", author) or {}

    def month_of_uid(self, uid: str) -> str | None:
        return self._lookup(self.uid_index, "uids.json", uid)

    def holds(self, mention: Mapping[str, Any]) -> bool:
        """Whether this mention is archived already (a source sending an old one again). Reads the
        uid index only when the mention's month has an archive: new mentions never do."""
        return month_of(mention) in self.months() and self.month_of_uid(str(mention.get("uid"))) is not None

    def forget_cached(self) -> None:
        self._months = None
        self._legacy.clear()
        for index in (self.author_index, self.uid_index, self.history):
            index.forget_cached()

    def index_moved(self, months: dict[str, dict[str, Any]], moved: list[dict[str, Any]]) -> None:
        """Step 3 of a move: recount the moved mentions' authors in their months (from the month
        files as written, so a redone move counts once), map their uids, and add them to their
        authors' newest history."""
        if not self.author_index.exists() and any((self.dir / n).exists() for n in LEGACY_INDEX):
            self.reindex()  # the first move since the index was sharded: shard all of it once
            return
        counts: dict[str, dict[str, int]] = {}
        for month, data in months.items():
            per_author = Counter(d.get("author", "") for d in data.get("mentions", {}).values())
            for author in {d.get("author", "") for d in moved if month_of(d) == month}:
                counts.setdefault(author, {})[month] = per_author[author]
        self.author_index.update(counts, merge=lambda old, new: {**(old or {}), **new})
        self.uid_index.update({d["uid"]: month_of(d) for d in moved})
        self._add_history(moved)
        self.forget_cached()

    def _add_history(self, docs: list[dict[str, Any]]) -> None:
        """Merge mentions into their authors' newest history (by uid: twice changes nothing)."""
        by_author: dict[str, list[dict[str, Any]]] = {}
        for doc in docs:
            by_author.setdefault(doc.get("author", ""), []).append(doc)

        def newest(old: list[dict[str, Any]] | None, new: list[dict[str, Any]]) -> list[dict[str, Any]]:
            unique = {d["uid"]: d for d in [*(old or []), *new]}
            return sorted(unique.values(), key=lambda d: str(d.get("created_at")))[-HISTORY_KEEP:]

        self.history.update(by_author, merge=newest)

    def reindex(self) -> None:
        """Rebuild the whole index from the month files, every shard written once: a repair, run
        by hand (`turnaround archive --reindex`); minutes and a few hundred MB at 1M mentions."""
        for name in LEGACY_INDEX:
            (self.dir / name).unlink(missing_ok=True)
        self.forget_cached()
        if not self.dir.is_dir():
            return
        uids: dict[str, str] = {}
        authors: dict[str, dict[str, int]] = {}
        for month in self.months():
            for doc in self.read_month(month).get("mentions", {}).values():
                uids[doc["uid"]] = month
                counts = authors.setdefault(doc.get("author", ""), {})
                counts[month] = counts.get(month, 0) + 1
        self.uid_index.replace_all(uids)
        self.author_index.replace_all(authors)
        del uids, authors
        # Most authors have fewer than HISTORY_KEEP mentions, so their history is most of the
        # archive: built a slice of the shards at a time (3 GB at 1M mentions in one go).
        step = SHARDS // REINDEX_SLICES
        for first in range(0, SHARDS, step):
            shards_of = range(first, first + step)
            history: dict[str, list[dict[str, Any]]] = {}
            for month in self.months():
                docs = sorted(self.read_month(month).get("mentions", {}).values(),
                              key=lambda d: str(d.get("created_at")))
                for doc in docs:
                    author = doc.get("author", "")
                    if self.history.shard_of(author) not in shards_of:
                        continue
                    newest = history.setdefault(author, [])
                    newest.append(doc)
                    if len(newest) > HISTORY_KEEP:
                        del newest[0]
            self.history.replace_all(history, shards_of)

    # -- reading ---------------------------------------------------------------------------------
    # Mentions read back as `Mention`s: the archive holds what the live store held (tui/storage/records.py).
    def mentions(self) -> Iterator[Mention]:
        """Every archived mention, month by month (one month in memory at a time)."""
        for month in self.months():
            yield from self.read_month(month).get("mentions", {}).values()

    def events(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every archived event with its id in the live store when it was moved."""
        for month in self.months():
            for key, doc in self.read_month(month).get("events", {}).items():
                yield int(doc.get("_eid", key)), doc

    def author_count(self, author: str) -> int:
        return sum(self.author_months(author).values())

    def by_author(self, author: str, *, last: int | None = None) -> list[Mention]:
        """An author's archived mentions, oldest first. The newest few come from one small history
        shard (milliseconds, so the detail pane can ask on every move); more than that streams the
        months they were archived in."""
        months = self.author_months(author)
        if not months:
            return []
        if last is not None and last <= HISTORY_KEEP:
            return (self.history.get(author) or [])[-last:]
        found: list[Mention] = []
        for month in sorted(months, reverse=True):
            docs = self.read_month(month).get("mentions", {}).values()
            found[:0] = [d for d in docs if d.get("author") == author]
            if last is not None and len(found) >= last:
                return found[-last:]
        return found

    def mention(self, uid: str) -> Mention | None:
        month = self.month_of_uid(uid)
        if month is None:
            return None
        for doc in self.read_month(month).get("mentions", {}).values():
            if doc.get("uid") == uid:
                return doc
        return None

    def search(self, match: Callable[[Mention], bool], *, limit: int = 200,
               stop: Callable[[], bool] = lambda: False) -> list[Mention]:
        """Archived mentions `match` accepts, newest month first, at most `limit` of them. Slow on a
        big archive (it reads every month): run it off the UI thread; `stop` ends it early (checked
        between months) when the query it serves has changed."""
        found: list[Mention] = []
        for month in reversed(self.months()):
            if stop():
                break
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


def write_month(archive: Archive, month: str, data: dict[str, Any]) -> None:
    """Step 2 of a move, for one month: the merged file, atomically."""
    write_atomic(archive.dir / f"{month}.json", orjson.dumps(data))
