"""The hand-over between a headless writer and the store's holder: the spool (`PATH.spool`).

A `collect` that finds the store held by another turnaround writes what it collects to the spool
(`SpoolWriter`); the holder reads it in batches (`StoreSpool.read_spool`), ingests them, records how
far it got in a setting and empties the spool once it has all of it (`StoreSpool.spool_done`).
"""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

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


class StoreSpool:
    """The spool half of `Store` (mixed into it): reading, acknowledging and watching the spool."""

    path: Path
    journal: Any

    if TYPE_CHECKING:  # provided by Store and StoreFiles
        def setting(self, key: str, default: Any = None) -> Any: ...
        def set_setting(self, key: str, value: Any) -> None: ...
        def sync(self) -> None: ...

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
