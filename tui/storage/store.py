"""The one module that owns TinyDB.

Stock TinyDB rewrites its whole JSON file on every write, so a store of 100k mentions would spend half a
second per insert. We keep TinyDB's API and documents but change where writes go:

* every table lives in memory (`JournaledTable` edits its dict in place, no copy per write);
* every write appends one JSON line to a journal (`PATH.log`) and flushes it to the OS, so a mention
  written survives `kill -9` at the cost of one small append;
* `sync()` fsyncs the journal (the app and the collector call it about every 100 ms, in a thread);
* `compact()` writes the whole database as a TinyDB-format snapshot (`PATH`), atomically (temporary
  file, fsync, rename), then drops the journal. Each journal line carries a sequence number and the
  snapshot records the last one it holds, so a crash at any moment replays each write exactly once.

A second process on the same store gets `StoreLocked` (an flock on `PATH.lock`), never a torn file.
A headless writer (`collect`) that finds the store held opens it read-only instead and hands what it
collects to the holder through a spool (`PATH.spool`, see `SpoolWriter` and `Store.open_or_spool`).

This module keeps the public API (`Store` and the names importers use); the parts live beside it:
`store_journal` (tables and journal), `store_files` (snapshot, replay, compaction), `store_events`
(lifecycle events), `store_spool` (the hand-over spool) and `store_lock` (one process per store).
What a mention and an event hold is written down in `records`.
"""

from __future__ import annotations

import contextlib
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from tinydb.table import Document

from tui.storage.archive import Archive, ArchivePolicy
from tui.storage.archive_move import move_settled, recover
from tui.storage.records import Mention, MentionUpdate
from tui.storage.store_events import StoreEvents
from tui.storage.store_files import COMPACT_AFTER, StoreFiles
from tui.storage.store_journal import FrozenTable, Journal, JournaledDB, JournaledTable, gc_paused
from tui.storage.store_lock import StoreError, StoreLocked, take_lock
from tui.storage.store_spool import (
    SPOOL_OFFSET,
    SPOOL_READ,
    SPOOL_SUFFIX,
    SpoolBatch,
    SpoolWriter,
    StoreSpool,
)

__all__ = ["COMPACT_AFTER", "SPOOL_OFFSET", "SPOOL_READ", "SPOOL_SUFFIX", "Journal", "JournaledDB",
           "JournaledTable", "SpoolBatch", "SpoolWriter", "Store", "StoreError", "StoreLocked",
           "gc_paused"]


class Store(StoreFiles, StoreSpool, StoreEvents):
    """Mentions, their lifecycle events, drafts, the outbox, source cursors, authors and settings.

    Keeps indexes (uid, thread, author) in memory so that no read or write scans the whole store.
    """

    TABLES = ("mentions", "events", "drafts", "outbox", "cursors", "authors", "settings")

    def __init__(self, path: Path | str, *, readonly: bool = False,
                 archive: ArchivePolicy | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.archive = Archive(self.path)
        """Settled history moved out of memory (tui/storage/archive.py); streamed by the `all_*` readers."""
        self.archive_policy = archive
        """When set, every compaction first moves settled old threads to the archive."""
        self.clock = clock
        self.warnings: list[str] = []
        self.spool: SpoolWriter | None = None
        """Set by `open_or_spool` when another process holds the store: new records go here."""
        self._lock_file = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not readonly:
            self._lock()
        with gc_paused():
            seq = self._load_snapshot_seq()
            self.journal = None if readonly else Journal(self._log_path, seq)
            self.db = JournaledDB(self.journal)
            self._tables = {name: self.db.table(name) for name in self.TABLES}
            self._load(seq)
            self._index()
            if not readonly and self.archive.move_path.exists():
                recover(self)  # a move cut short: finish it before anything reads the store
        if not readonly and self.journal is not None and self._needs_compaction():
            self.compact()

    @classmethod
    def open_or_spool(cls, path: Path | str) -> Store:
        """For headless writers: the store itself, or, when another turnaround holds it, a
        read-only copy (for cursors and dedupe) whose `spool` hands new records to the holder,
        which ingests them live (and whoever opens the store next ingests what is left)."""
        try:
            return cls(path)
        except StoreLocked as locked:
            store = cls(path, readonly=True)
            store.spool = SpoolWriter(store.spool_path)
            store.warnings.append(f"{store.path} is in use by another turnaround (pid {locked.owner}): "
                                  f"handing new mentions to it through {store.spool_path}")
            return store

    def _lock(self) -> None:
        self._lock_file = take_lock(self.path)

    @classmethod
    def reset(cls, path: Path | str) -> None:
        """Start a store afresh (the demo does, each run). The lock is taken before any file is
        touched, so a store another turnaround holds raises `StoreLocked` and stays as it was."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = take_lock(path)
        try:
            for suffix in ("", ".log", ".log.old", ".tmp", SPOOL_SUFFIX):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            shutil.rmtree(Archive(path).dir, ignore_errors=True)
        finally:
            handle.close()

    def archive_settled(self, now: datetime | None = None,
                        policy: ArchivePolicy | None = None) -> int:
        """Move settled threads older than the policy's age to the archive; how many mentions moved."""
        policy = policy or self.archive_policy
        if policy is None or self.journal is None:
            return 0
        return move_settled(self, policy, now or self.clock())

    def _forget(self, uids: Iterable[str], event_ids: Iterable[int]) -> None:
        """Drop archived documents from the live tables (journaled) and from the indexes."""
        mentions = self._tables["mentions"]
        for uid in uids:
            doc_id = self._uid.pop(uid, None)
            if doc_id is None:
                continue  # gone already: a redone move
            doc = mentions._docs[doc_id]
            for index, key in ((self._threads, doc.get("thread_uid", uid)),
                               (self._authors, doc.get("author", ""))):
                members = index.get(key)
                if members is not None:
                    with contextlib.suppress(ValueError):
                        members.remove(uid)
                    if not members:
                        del index[key]
            mentions.remove(doc_ids=[doc_id])
        events = self._tables["events"]
        for event_id in event_ids:
            event = events._docs.get(event_id)
            if event is None:
                continue
            thread_events = self._events_by_thread.get(event.get("thread_uid", ""), [])
            with contextlib.suppress(ValueError):
                thread_events.remove(event_id)
            events.remove(doc_ids=[event_id])

    def compact(self, *, archive: bool = True) -> None:
        """Write a snapshot of everything and start an empty journal; safe to crash at any point.
        With an archive policy, settled old threads first move out (tui/storage/archive.py)."""
        if self.journal is None:
            return
        if archive and self.archive_policy is not None:
            self.archive_settled()
        data = self._rotate_and_dump()
        self._commit_snapshot(data)

    def close(self, *, compact: bool = True) -> None:
        if self.spool is not None:
            self.spool.close()
        if self.journal is not None:
            if compact and self.archive_policy is not None:
                self.archive_settled()  # its deletes are journal lines: the snapshot follows
            if compact and self.journal.lines:
                self.compact(archive=False)
            self.journal.close()
            self.journal = None
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def frozen(self) -> Store:
        """A read-only copy of the live state, for a reader in a thread (the report, champions) while
        the UI goes on writing: the tables and indexes are copied (pointers only: milliseconds for
        open work), the documents shared, the archive read as it is."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.readonly, clone.journal, clone.spool, clone._lock_file = True, None, None, None
        clone.archive = Archive(self.path)
        # A read-only stand-in with the tables' reading API, not a JournaledTable.
        clone._tables = {name: FrozenTable(dict(table._docs))  # type: ignore[misc]
                         for name, table in self._tables.items()}
        clone._uid = dict(self._uid)
        clone._threads = defaultdict(list, {k: list(v) for k, v in self._threads.items()})
        clone._authors = defaultdict(list, {k: list(v) for k, v in self._authors.items()})
        clone._keys = {name: dict(keys) for name, keys in self._keys.items()}
        clone._events_by_thread = defaultdict(list, {k: list(v) for k, v in self._events_by_thread.items()})
        clone._answered = dict(self._answered)
        return clone

    # -- indexes -----------------------------------------------------------------------------
    def _index(self) -> None:
        mentions = self._tables["mentions"]
        self._uid: dict[str, int] = {}
        self._threads: dict[str, list[str]] = defaultdict(list)
        self._authors: dict[str, list[str]] = defaultdict(list)
        for doc_id in sorted(mentions._docs):
            doc = mentions._docs[doc_id]
            uid = doc.get("uid")
            if uid is None or uid in self._uid:
                # A duplicate could only come from a hand-edited file: keep the first.
                self.warnings.append(f"{self.path}: dropped a duplicate of mention {uid}")
                mentions._docs.pop(doc_id)
                continue
            self._uid[uid] = doc_id
            self._threads[doc.get("thread_uid", uid)].append(uid)
            self._authors[doc.get("author", "")].append(uid)
        self._keys: dict[str, dict[str, int]] = {}
        for name, field in (("drafts", "uid"), ("cursors", "name"), ("authors", "handle"),
                            ("settings", "key")):
            self._keys[name] = {doc[field]: doc_id for doc_id, doc in self._tables[name]._docs.items()}
        self._events_by_thread: dict[str, list[int]] = defaultdict(list)
        for doc_id, doc in self._tables["events"]._docs.items():
            self._events_by_thread[doc.get("thread_uid", "")].append(doc_id)
        # (platform, the post's id there) -> the mention our posted reply answered
        self._answered: dict[tuple[str, str], str] = {
            (str(doc.get("platform")), str(doc["remote_id"])): str(doc.get("uid"))
            for doc in self._tables["outbox"]._docs.values() if doc.get("remote_id")}

    # -- mentions ----------------------------------------------------------------------------
    # The table holds what `add_mention` was given: reading a document back as a `Mention` is a
    # cast (the checks were `parse_mention`'s, on the way in).
    def has_mention(self, uid: str) -> bool:
        """Whether the mention is live (archived ones are not: see `is_stored`)."""
        return uid in self._uid

    def is_stored(self, mention: Mention) -> bool:
        """Live or archived: what dedupes an arrival (a source may send an old mention again)."""
        return mention["uid"] in self._uid or self.archive.holds(mention)

    def add_mention(self, mention: Mention) -> bool:
        """Store a new mention; False (and nothing written) when its uid is already stored."""
        uid = mention["uid"]
        if uid in self._uid or self.archive.holds(mention):
            return False
        self._insert(mention)
        return True

    def restore(self, mention: Mention) -> None:
        """Bring an archived mention back into the live store (an agent acts on it again). The
        archived copy stays until the next move replaces it; readers skip it while it is live."""
        if mention["uid"] not in self._uid:
            self._insert(mention.copy())

    def _insert(self, mention: Mention) -> None:
        uid = mention["uid"]
        self._uid[uid] = self._tables["mentions"].insert(mention)
        self._threads[mention.get("thread_uid", uid)].append(uid)
        self._authors[mention.get("author", "")].append(uid)

    def mention(self, uid: str) -> Mention | None:
        doc_id = self._uid.get(uid)
        return None if doc_id is None else cast(Mention | None, self._tables["mentions"]._docs.get(doc_id))

    def update_mention(self, uid: str, fields: MentionUpdate) -> None:
        doc_id = self._uid[uid]
        self._tables["mentions"].update(fields, doc_ids=[doc_id])

    def mentions(self) -> Iterator[Mention]:
        """Every mention in arrival order."""
        return cast(Iterator[Mention], iter(self._tables["mentions"]._docs.values()))

    def all_mentions(self) -> Iterator[Mention]:
        """Every mention, archived ones first (oldest month first), streamed a month at a time."""
        yield from self.archived_mentions()
        yield from self.mentions()

    def archived_mentions(self) -> Iterator[Mention]:
        """Archived mentions not live again (restored, or a move cut short seen read-only)."""
        for doc in self.archive.mentions():
            if doc.get("uid") not in self._uid:
                yield doc

    def mention_count(self) -> int:
        return len(self._uid)

    def thread(self, thread_uid: str) -> list[Mention]:
        """The mentions of a thread, oldest first."""
        docs = [self.mention(uid) for uid in self._threads.get(thread_uid, ())]
        return sorted((d for d in docs if d), key=lambda d: d["created_at"])

    def move_thread(self, old: str, new: str) -> list[str]:
        """File every live mention and event of thread `old` under thread `new` (a reply stored
        before the post it answers started a thread of its own; the post has come). Returns the
        mentions moved."""
        if old == new or (old not in self._threads and old not in self._events_by_thread):
            return []
        uids = self._threads.pop(old, [])
        doc_ids = [self._uid[uid] for uid in uids if uid in self._uid]
        if doc_ids:
            self._tables["mentions"].update({"thread_uid": new}, doc_ids=doc_ids)
        self._threads[new].extend(uids)
        events = self._events_by_thread.pop(old, [])
        if events:
            self._tables["events"].update({"thread_uid": new}, doc_ids=events)
            self._events_by_thread[new] = sorted(self._events_by_thread[new] + events)
        return uids

    def by_author(self, author: str, *, last: int | None = None,
                  archived: bool = False) -> list[Mention]:
        """An author's mentions in arrival order; `last` keeps only the newest few, without
        building the rest (a prolific author's history is shown five at a time). `archived`
        prepends their archived mentions (read from the archive only when `last` needs them)."""
        uids = self._authors.get(author, [])
        if last is not None:
            uids = uids[-last:]
        live = [d for uid in uids if (d := self.mention(uid))]
        if not archived or (last is not None and len(live) >= last):
            return live
        older = self.archive.by_author(author, last=None if last is None else last - len(live))
        return [d for d in older if d.get("uid") not in self._uid] + live

    def author_count(self, author: str) -> int:
        """How many mentions an author has, archived ones included (from the index, cheap)."""
        return len(self._authors.get(author, ())) + self.archive.author_count(author)

    # -- keyed small tables ------------------------------------------------------------------
    def _get_keyed(self, table: str, key: str) -> dict[str, Any] | None:
        doc_id = self._keys[table].get(key)
        return None if doc_id is None else self._tables[table]._docs.get(doc_id)

    def _put_keyed(self, table: str, field: str, key: str, values: dict[str, Any]) -> None:
        doc_id = self._keys[table].get(key)
        if doc_id is None:
            self._keys[table][key] = self._tables[table].insert({field: key, **values})
        else:
            self._tables[table].update(values, doc_ids=[doc_id])

    def _drop_keyed(self, table: str, key: str) -> None:
        doc_id = self._keys[table].pop(key, None)
        if doc_id is not None:
            self._tables[table].remove(doc_ids=[doc_id])

    def draft(self, uid: str) -> str | None:
        doc = self._get_keyed("drafts", uid)
        return None if doc is None else doc.get("text")

    def save_draft(self, uid: str, text: str, **extra: Any) -> None:
        self._put_keyed("drafts", "uid", uid, {"text": text, **extra})

    def draft_record(self, uid: str) -> dict[str, Any] | None:
        """The draft's whole record: its text and what the editor keeps beside it."""
        doc = self._get_keyed("drafts", uid)
        return None if doc is None else dict(doc)

    def update_draft(self, uid: str, **fields: Any) -> None:
        """Set fields beside a draft's text (the text is left as it is)."""
        self._put_keyed("drafts", "uid", uid, fields)

    def drop_draft(self, uid: str) -> None:
        self._drop_keyed("drafts", uid)

    def drafts(self) -> list[dict[str, Any]]:
        return list(self._tables["drafts"]._docs.values())

    def cursor(self, name: str) -> Any:
        doc = self._get_keyed("cursors", name)
        return None if doc is None else doc.get("value")

    def set_cursor(self, name: str, value: Any, **health: Any) -> None:
        self._put_keyed("cursors", "name", name, {"value": value, **health})

    def source_state(self, name: str) -> dict[str, Any]:
        return dict(self._get_keyed("cursors", name) or {})

    def update_source_state(self, name: str, **fields: Any) -> None:
        self._put_keyed("cursors", "name", name, fields)

    def author(self, handle: str) -> dict[str, Any]:
        return dict(self._get_keyed("authors", handle) or {"handle": handle})

    def update_author(self, handle: str, **fields: Any) -> None:
        self._put_keyed("authors", "handle", handle, fields)

    def authors(self) -> list[dict[str, Any]]:
        return list(self._tables["authors"]._docs.values())

    def setting(self, key: str, default: Any = None) -> Any:
        doc = self._get_keyed("settings", key)
        return default if doc is None else doc.get("value", default)

    def set_setting(self, key: str, value: Any) -> None:
        self._put_keyed("settings", "key", key, {"value": value})

    # -- outbox ------------------------------------------------------------------------------
    def outbox_add(self, item: dict[str, Any]) -> int:
        return self._tables["outbox"].insert(item)

    def outbox_update(self, item_id: int, fields: dict[str, Any]) -> None:
        self._tables["outbox"].update(fields, doc_ids=[item_id])
        if fields.get("remote_id"):
            doc = self._tables["outbox"]._docs.get(item_id) or {}
            self._answered[(str(doc.get("platform")), str(fields["remote_id"]))] = str(doc.get("uid"))

    def answered_by(self, platform: str, post_id: str) -> str | None:
        """The mention that our reply posted as `post_id` on `platform` answered, if we sent it: a
        customer's answer to our reply belongs in that mention's thread."""
        return self._answered.get((platform, post_id))

    def outbox_item(self, item_id: int) -> Document | None:
        return self._tables["outbox"].doc(item_id)

    def outbox(self) -> list[Document]:
        table = self._tables["outbox"]
        return [Document(doc, doc_id) for doc_id, doc in table._docs.items()]
