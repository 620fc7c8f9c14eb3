"""The store on disk: a TinyDB-format snapshot (`PATH`) plus the journal of writes since (`PATH.log`).

Opening loads the snapshot and replays the journal lines newer than it; compacting serialises
everything on the owning thread, moves the journal aside and then (possibly in a thread) writes the
snapshot atomically before dropping the old journal. Each journal line carries a sequence number and
the snapshot records the last one it holds, so a crash at any moment replays each write exactly once.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson

from tui.storage.store_journal import Journal, JournaledDB, JournaledTable
from tui.storage.store_lock import StoreError
from tui.storage.store_spool import SpoolWriter

COMPACT_AFTER = 50_000
"""Journal lines after which the store compacts itself."""


class StoreFiles:
    """The file half of `Store` (mixed into it): load, replay, snapshot and fsync."""

    path: Path
    readonly: bool
    warnings: list[str]
    journal: Journal | None
    db: JournaledDB
    spool: SpoolWriter | None
    _tables: dict[str, JournaledTable]

    @property
    def _log_path(self) -> Path:
        return self.path.with_name(self.path.name + ".log")

    @property
    def _old_log_path(self) -> Path:
        return self.path.with_name(self.path.name + ".log.old")

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

    def _needs_compaction(self) -> bool:
        return self.journal is not None and (
            self.journal.lines >= COMPACT_AFTER or self._old_log_path.exists()
        )

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
