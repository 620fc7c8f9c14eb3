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
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

from tui.storage.archive import Archive, ArchivePolicy, move_settled, recover

COMPACT_AFTER = 50_000
"""Journal lines after which the store compacts itself."""

SPOOL_SUFFIX = ".spool"
"""Beside the store: what `collect` hands over while another process holds the store."""
SPOOL_OFFSET = "spool.offset"
"""The setting that records how many bytes of the spool the store has ingested."""
SPOOL_READ = 256 * 1024
"""Bytes of spool read at a time (about 800 mentions)."""


@dataclass(frozen=True, slots=True)
class SpoolBatch:
    """Whole lines of the spool, from byte `start` to `end`; None stands for an unreadable line."""

    start: int
    end: int
    records: list[Any]


class StoreError(Exception):
    """A store that cannot be opened; the message says why and what to do."""


class StoreLocked(StoreError):
    """Another turnaround process owns this store; `owner` is its pid as it wrote it."""

    owner = "unknown"


class _StrKeyView(Mapping[str, dict]):
    """TinyDB reads tables keyed by str; we keep ours keyed by int. This view avoids a copy."""

    __slots__ = ("_docs",)

    def __init__(self, docs: dict[int, dict]) -> None:
        self._docs = docs

    def __getitem__(self, key: str) -> dict:
        return self._docs[int(key)]

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self._docs.get(int(key), default)
        except (TypeError, ValueError):
            return default

    def __iter__(self) -> Iterator[str]:
        return (str(k) for k in self._docs)

    def __len__(self) -> int:
        return len(self._docs)

    def items(self) -> Iterator[tuple[str, dict]]:  # type: ignore[override]
        return ((str(k), v) for k, v in self._docs.items())

    def keys(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self)


class JournaledTable(Table):
    """A TinyDB table held in memory whose every write is also appended to the store's journal."""

    def __init__(self, storage: Any, name: str, journal: Journal | None = None, **kwargs: Any):
        self._docs: dict[int, dict] = {}
        self._journal = journal
        super().__init__(storage, name, **kwargs)

    # TinyDB's extension points: read and update the live dict, never a copy of it.
    def _read_table(self) -> dict[str, Mapping]:
        return _StrKeyView(self._docs)  # type: ignore[return-value]

    def _update_table(self, updater: Callable[[dict[int, Mapping]], None]) -> None:
        updater(self._docs)  # type: ignore[arg-type]
        self.clear_cache()

    def __len__(self) -> int:
        return len(self._docs)

    def _get_next_id(self) -> int:
        # TinyDB finds the first free id by turning every key of the table back from str, on the
        # first write after opening (18 ms at 100k, bench_store.py); ours are ints already.
        if self._next_id is None:
            self._next_id = max(self._docs, default=0) + 1
        return super()._get_next_id()

    def _log_put(self, doc_ids: Iterable[int]) -> None:
        if self._journal is not None:
            for doc_id in doc_ids:
                self._journal.write(self.name, "put", doc_id, self._docs[doc_id])

    def insert(self, document: Mapping) -> int:
        doc_id = super().insert(document)
        self._log_put([doc_id])
        return doc_id

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        doc_ids = super().insert_multiple(documents)
        self._log_put(doc_ids)
        return doc_ids

    def update(self, fields: Any, cond: Any = None, doc_ids: Iterable[int] | None = None) -> list[int]:
        updated = super().update(fields, cond=cond, doc_ids=doc_ids)
        self._log_put(updated)
        return updated

    def remove(self, cond: Any = None, doc_ids: Iterable[int] | None = None) -> list[int]:
        removed = super().remove(cond=cond, doc_ids=doc_ids)
        if self._journal is not None:
            for doc_id in removed:
                self._journal.write(self.name, "del", doc_id, None)
        return removed

    def truncate(self) -> None:
        self._docs.clear()
        self._next_id = None
        self.clear_cache()
        if self._journal is not None:
            self._journal.write(self.name, "truncate", 0, None)

    # Replay and snapshot load bypass the journal.
    def _load(self, doc_id: int, doc: dict | None) -> None:
        if doc is None:
            self._docs.pop(doc_id, None)
        else:
            self._docs[doc_id] = doc
        self._next_id = None

    def doc(self, doc_id: int) -> Document | None:
        """The document with this id, without TinyDB's per-call conversion of the whole table."""
        raw = self._docs.get(doc_id)
        return None if raw is None else Document(raw, doc_id)


class Journal:
    """Append-only JSON lines, one per write, flushed to the OS at once and fsynced on `sync()`."""

    def __init__(self, path: Path, seq: int) -> None:
        self.path = path
        self.seq = seq
        self.lines = 0
        self._file = open(path, "ab")
        self._dirty = False

    def write(self, table: str, op: str, doc_id: int, doc: dict | None) -> None:
        self.seq += 1
        record = {"s": self.seq, "t": table, "o": op, "i": doc_id}
        if doc is not None:
            record["d"] = doc
        self._file.write(orjson.dumps(record) + b"\n")
        self._file.flush()
        self.lines += 1
        self._dirty = True

    def sync(self) -> None:
        if self._dirty and not self._file.closed:
            self._dirty = False
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self.sync()
            self._file.close()


class SpoolWriter:
    """Appends records for the store's holder to ingest: JSON lines, written a batch at a time.

    Each batch is one `write` under an flock on the spool, then fsynced, so the holder (which
    truncates the spool under the same lock once it has ingested all of it) never loses a batch,
    and batches from several writers never interleave. A writer killed mid-write leaves a torn line
    without its newline; the next batch starts on a line of its own, and the reader skips the torn
    one (its source cursor was never written, so the next run collects that mention again).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        self._pending: list[bytes] = []
        # `add` runs on the event loop while `flush` runs in a thread (and `close` may flush while
        # a timed flush is still writing): one lock guards the list, one makes flushes take turns.
        self._pending_lock = threading.Lock()
        self._flush_lock = threading.Lock()

    @property
    def has_pending(self) -> bool:
        return bool(self._pending)

    def add(self, record: dict[str, Any]) -> None:
        line = orjson.dumps(record) + b"\n"
        with self._pending_lock:
            self._pending.append(line)

    def flush(self) -> None:
        """Write and fsync what was added since the last flush (call it about every 100 ms)."""
        with self._flush_lock:
            with self._pending_lock:
                batch, self._pending = self._pending, []
            if not batch or self._fd < 0:
                return
            try:
                self._write(b"".join(batch))
            except OSError:
                with self._pending_lock:
                    self._pending[:0] = batch  # kept, in order, for the next try
                raise

    def _write(self, data: bytes) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            size = os.fstat(self._fd).st_size
            if size and os.pread(self._fd, 1, size - 1) != b"\n":
                data = b"\n" + data
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            os.fsync(self._fd)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.flush()
        with self._flush_lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


class JournaledDB(TinyDB):
    """TinyDB whose tables are `JournaledTable`s sharing one journal."""

    table_class = JournaledTable

    def __init__(self, journal: Journal | None) -> None:
        self._journal = journal
        super().__init__(storage=MemoryStorage)

    def table(self, name: str, **kwargs: Any) -> JournaledTable:  # type: ignore[override]
        if name not in self._tables:
            self._tables[name] = JournaledTable(self.storage, name, journal=self._journal, **kwargs)
        return self._tables[name]  # type: ignore[return-value]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Loading 100k mentions makes millions of objects, and CPython's cyclic GC rescans them all each
    time the heap grows by a quarter: about two thirds of the open time (bench_store.py). Nothing
    loaded forms a cycle, so collecting can wait until the load is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _take_lock(path: Path) -> Any:
    """flock `PATH.lock` for this process, or raise `StoreLocked` naming the holder's pid."""
    handle = open(path.with_name(path.name + ".lock"), "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        owner = handle.read().strip() or "unknown"
        handle.close()
        locked = StoreLocked(
            f"{path} is in use by another turnaround (pid {owner}). "
            "Close it first, or pick another store with --db."
        )
        locked.owner = owner
        raise locked from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


class Store:
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

    @property
    def spool_path(self) -> Path:
        return self.path.with_name(self.path.name + SPOOL_SUFFIX)

    def read_spool(self, max_bytes: int = SPOOL_READ) -> SpoolBatch | None:
        """The next whole lines of the spool after what this store has ingested, or None.

        Reading only; the holder ingests the records and then calls `spool_done`. Safe to run in
        a thread (it reads one setting and the spool file)."""
        if self.journal is None:
            return None
        offset = int(self.setting(SPOOL_OFFSET, 0) or 0)
        try:
            size = self.spool_path.stat().st_size
        except FileNotFoundError:
            return None
        if size < offset:
            offset = 0  # replaced behind our back: read it all again; dedupe keeps each one once
        if size == offset:
            # All ingested, but a writer held the lock when we tried to empty it: try again.
            return SpoolBatch(offset, offset, []) if offset else None
        with open(self.spool_path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(min(size - offset, max_bytes))
            while b"\n" not in data and offset + len(data) < size:  # a line longer than max_bytes
                data += handle.read(max_bytes)
        end = data.rfind(b"\n") + 1
        if end == 0:
            return None  # a writer is mid-line, or was killed there: wait for the next batch
        records: list[Any] = []
        for line in data[:end].split(b"\n"):
            if line.strip():
                try:
                    records.append(orjson.loads(line))
                except orjson.JSONDecodeError:
                    records.append(None)
        return SpoolBatch(offset, offset + end, records)

    def spool_done(self, batch: SpoolBatch) -> None:
        """Record a batch as ingested. When nothing follows it, empty the spool under its lock, the
        offset set back to 0 (and fsynced) first: a crash in between re-reads lines that dedupe."""
        if self.setting(SPOOL_OFFSET, 0) != batch.end:
            self.set_setting(SPOOL_OFFSET, batch.end)
        try:
            fd = os.open(self.spool_path, os.O_RDWR)
        except FileNotFoundError:
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # a writer is mid-batch: empty it another time
            if os.fstat(fd).st_size == batch.end:
                self.set_setting(SPOOL_OFFSET, 0)
                self.sync()
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)

    def spool_waiting(self, seen: int = -1) -> int:
        """The spool's size when it holds bytes not yet ingested (and not `seen` already, as a
        torn tail is), or is ingested but not yet emptied; else -1. One stat: cheap enough to
        call from the UI every half second."""
        try:
            size = self.spool_path.stat().st_size
        except FileNotFoundError:
            return -1
        offset = int(self.setting(SPOOL_OFFSET, 0) or 0)
        if size == offset:
            return size if offset else -1
        return size if size != seen else -1

    # -- files -------------------------------------------------------------------------------
    @property
    def _log_path(self) -> Path:
        return self.path.with_name(self.path.name + ".log")

    @property
    def _old_log_path(self) -> Path:
        return self.path.with_name(self.path.name + ".log.old")

    def _lock(self) -> None:
        self._lock_file = _take_lock(self.path)

    @classmethod
    def reset(cls, path: Path | str) -> None:
        """Start a store afresh (the demo does, each run). The lock is taken before any file is
        touched, so a store another turnaround holds raises `StoreLocked` and stays as it was."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = _take_lock(path)
        try:
            for suffix in ("", ".log", ".log.old", ".tmp", SPOOL_SUFFIX):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            shutil.rmtree(Archive(path).dir, ignore_errors=True)
        finally:
            handle.close()

    def _load_snapshot_seq(self) -> int:
        self._snapshot: dict[str, Any] = {}
        if not self.path.exists() or self.path.stat().st_size == 0:
            return 0
        try:
            self._snapshot = orjson.loads(self.path.read_bytes())
        except orjson.JSONDecodeError as error:
            raise StoreError(
                f"{self.path}: the snapshot is not valid JSON ({error}). "
                "Move it aside to start a new store; the journal beside it is kept."
            ) from None
        meta = self._snapshot.get("_meta", {}).get("1", {})
        return int(meta.get("seq", 0))

    def _load(self, snapshot_seq: int) -> None:
        for name, docs in self._snapshot.items():
            if name == "_meta":
                continue
            table = self.db.table(name)
            for doc_id, doc in docs.items():
                table._load(int(doc_id), doc)
        self._snapshot = {}
        last = snapshot_seq
        for log in (self._old_log_path, self._log_path):
            last = max(last, self._replay(log, snapshot_seq))
        if self.journal is not None:
            self.journal.seq = last

    def _replay(self, log: Path, after: int) -> int:
        """Apply journal lines newer than the snapshot; a torn or garbled line is skipped, with a warning."""
        last = after
        if not log.exists():
            return last
        with open(log, "rb") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    record = orjson.loads(line)
                    seq, name, op, doc_id = record["s"], record["t"], record["o"], record["i"]
                except (orjson.JSONDecodeError, KeyError, TypeError):
                    if self.readonly and not line.endswith(b"\n"):
                        continue  # the holder is writing this line as we read: nothing is wrong
                    self.warnings.append(f"{log}:{number}: skipped a torn or unreadable record")
                    continue
                if seq <= after:
                    continue
                last = max(last, seq)
                table = self.db.table(name)
                if op == "put":
                    table._load(doc_id, record.get("d"))
                elif op == "del":
                    table._load(doc_id, None)
                elif op == "truncate":
                    table._docs.clear()
                if self.journal is not None:
                    self.journal.lines += 1
        return last

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
            doc = events._docs.get(event_id)
            if doc is None:
                continue
            members = self._events_by_thread.get(doc.get("thread_uid", ""), [])
            with contextlib.suppress(ValueError):
                members.remove(event_id)
            events.remove(doc_ids=[event_id])

    def _needs_compaction(self) -> bool:
        return self.journal is not None and (
            self.journal.lines >= COMPACT_AFTER or self._old_log_path.exists()
        )

    def compact(self, *, archive: bool = True) -> None:
        """Write a snapshot of everything and start an empty journal; safe to crash at any point.
        With an archive policy, settled old threads first move out (tui/storage/archive.py)."""
        if self.journal is None:
            return
        if archive and self.archive_policy is not None:
            self.archive_settled()
        data = self._rotate_and_dump()
        self._commit_snapshot(data)

    def _rotate_and_dump(self) -> bytes:
        """On the owning thread: serialise everything and move the journal aside (fast, atomic)."""
        assert self.journal is not None
        tables: dict[str, Any] = {
            name: {str(k): v for k, v in table._docs.items()} for name, table in self._tables.items()
        }
        tables["_meta"] = {"1": {"seq": self.journal.seq}}
        data = orjson.dumps(tables)
        self.journal.close()
        if not self._old_log_path.exists():
            # A journal removed behind our back (by hand): what it held is in memory and goes
            # into the snapshot, so closing still saves everything rather than crashing.
            with contextlib.suppress(FileNotFoundError):
                os.replace(self._log_path, self._old_log_path)
        self.journal._file = open(self._log_path, "ab")
        self.journal.lines = 0
        return data

    def _commit_snapshot(self, data: bytes) -> None:
        """May run in a thread: write the snapshot atomically, then drop the old journal."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            os.fsync(dir_fd)
            os.close(dir_fd)
        self._old_log_path.unlink(missing_ok=True)

    @property
    def needs_sync(self) -> bool:
        """Whether anything was written since the last fsync (idle apps skip the thread hop)."""
        return (self.journal is not None and self.journal._dirty) or bool(
            self.spool is not None and self.spool.has_pending)

    def sync(self) -> None:
        """fsync the journal (or write a spool batch): call it every ~100 ms, in a thread, to bound
        what a power cut loses."""
        if self.journal is not None:
            self.journal.sync()
        if self.spool is not None:
            self.spool.flush()

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

    # -- mentions ----------------------------------------------------------------------------
    def has_mention(self, uid: str) -> bool:
        """Whether the mention is live (archived ones are not: see `is_stored`)."""
        return uid in self._uid

    def is_stored(self, mention: dict[str, Any]) -> bool:
        """Live or archived: what dedupes an arrival (a source may send an old mention again)."""
        return mention["uid"] in self._uid or self.archive.holds(mention)

    def add_mention(self, mention: dict[str, Any]) -> bool:
        """Store a new mention; False (and nothing written) when its uid is already stored."""
        uid = mention["uid"]
        if uid in self._uid or self.archive.holds(mention):
            return False
        self._insert(mention)
        return True

    def restore(self, mention: dict[str, Any]) -> None:
        """Bring an archived mention back into the live store (an agent acts on it again). The
        archived copy stays until the next move replaces it; readers skip it while it is live."""
        if mention["uid"] not in self._uid:
            self._insert(dict(mention))

    def _insert(self, mention: dict[str, Any]) -> None:
        uid = mention["uid"]
        self._uid[uid] = self._tables["mentions"].insert(mention)
        self._threads[mention.get("thread_uid", uid)].append(uid)
        self._authors[mention.get("author", "")].append(uid)

    def mention(self, uid: str) -> dict[str, Any] | None:
        doc_id = self._uid.get(uid)
        return None if doc_id is None else self._tables["mentions"]._docs.get(doc_id)

    def update_mention(self, uid: str, fields: dict[str, Any]) -> None:
        doc_id = self._uid[uid]
        self._tables["mentions"].update(fields, doc_ids=[doc_id])

    def mentions(self) -> Iterator[dict[str, Any]]:
        """Every mention in arrival order."""
        return iter(self._tables["mentions"]._docs.values())

    def all_mentions(self) -> Iterator[dict[str, Any]]:
        """Every mention, archived ones first (oldest month first), streamed a month at a time."""
        for doc in self.archive.mentions():
            if doc.get("uid") not in self._uid:  # a move cut short, seen read-only: count it once
                yield doc
        yield from self.mentions()

    def all_events(self) -> Iterator[Document]:
        """Every lifecycle event, archived ones included."""
        for event_id, doc in self.archive.events():
            yield Document(doc, event_id)
        yield from self.events()

    def mention_count(self) -> int:
        return len(self._uid)

    def thread(self, thread_uid: str) -> list[dict[str, Any]]:
        """The mentions of a thread, oldest first."""
        docs = [self.mention(uid) for uid in self._threads.get(thread_uid, ())]
        return sorted((d for d in docs if d), key=lambda d: d["created_at"])

    def by_author(self, author: str, *, last: int | None = None,
                  archived: bool = False) -> list[dict[str, Any]]:
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

    # -- events (lifecycle history) ----------------------------------------------------------
    def add_event(self, event: dict[str, Any]) -> int:
        doc_id = self._tables["events"].insert(event)
        self._events_by_thread[event.get("thread_uid", "")].append(doc_id)
        return doc_id

    def update_event(self, event_id: int, fields: dict[str, Any]) -> None:
        self._tables["events"].update(fields, doc_ids=[event_id])

    def event(self, event_id: int) -> Document | None:
        return self._tables["events"].doc(event_id)

    def events_for(self, thread_uid: str) -> list[Document]:
        table = self._tables["events"]
        return [d for i in self._events_by_thread.get(thread_uid, ()) if (d := table.doc(i))]

    def events(self) -> Iterator[Document]:
        table = self._tables["events"]
        return (Document(doc, doc_id) for doc_id, doc in table._docs.items())

    # -- outbox ------------------------------------------------------------------------------
    def outbox_add(self, item: dict[str, Any]) -> int:
        return self._tables["outbox"].insert(item)

    def outbox_update(self, item_id: int, fields: dict[str, Any]) -> None:
        self._tables["outbox"].update(fields, doc_ids=[item_id])

    def outbox_item(self, item_id: int) -> Document | None:
        return self._tables["outbox"].doc(item_id)

    def outbox(self) -> list[Document]:
        table = self._tables["outbox"]
        return [Document(doc, doc_id) for doc_id, doc in table._docs.items()]
