"""Where the store's writes go: TinyDB tables held in memory, every write one journal line.

Stock TinyDB copies the whole table and rewrites its whole JSON file on every write (half a second
per insert at 100k mentions). `JournaledTable` edits its dict in place and appends one JSON line per
write to `Journal` (flushed at once, fsynced on `sync()`), so a write costs the same at any size and
survives `kill -9`. `tui/storage/store.py` replays the journal over the last snapshot on open.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table


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
            self._next_id = max(self._docs, default=0) + 1  # type: ignore[assignment]  # TinyDB types it None
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


class FrozenTable:
    """A copy of a table's documents for `Store.frozen`: reads like a `JournaledTable`, never writes."""

    __slots__ = ("_docs",)

    def __init__(self, docs: dict[int, dict]) -> None:
        self._docs = docs

    def __len__(self) -> int:
        return len(self._docs)

    def doc(self, doc_id: int) -> Document | None:
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


class JournaledDB(TinyDB):
    """TinyDB whose tables are `JournaledTable`s sharing one journal."""

    table_class = JournaledTable  # type: ignore[assignment]  # TinyDB's stub: type[Table], not subclasses

    def __init__(self, journal: Journal | None) -> None:
        self._journal = journal
        super().__init__(storage=MemoryStorage)

    def table(self, name: str, **kwargs: Any) -> JournaledTable:
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
