"""The archive's lookups (author -> month counts, uid -> month, author -> newest mentions), on disk.

Loaded whole, these maps grow with history: at a million archived mentions the author index alone
held tens of megabytes in every running inbox, for a detail pane that asks about one author at a time.
So each map is split over 256 small JSON files by a hash of its key (`ShardedIndex`): a lookup reads
one file (a 256th of the map, milliseconds), and only a few recently read files stay in memory.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from tui.storage.archive_policy import ArchiveError

SHARDS = 256
CACHED_SHARDS = 4
"""Shards of each index kept in memory after a read (the detail pane asks about neighbours)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Temporary file, fsync, rename, fsync the folder: a crash leaves the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _sync_dir(path.parent)


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Many files, each replaced whole: all written to temporary files, one `os.sync()` for all of
    them (an fsync each cost 13 ms here, 768 of them per archive move), then renamed."""
    for path, data in files.items():
        path.with_name(path.name + ".tmp").write_bytes(data)
    os.sync()
    for path in files:
        os.replace(path.with_name(path.name + ".tmp"), path)
    for folder in {path.parent for path in files}:
        _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        os.fsync(dir_fd)
        os.close(dir_fd)


def read_json_map(path: Path, hint: str) -> dict[str, Any]:
    """A JSON object from `path` ({} when missing); a broken one raises naming it and `hint`."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except orjson.JSONDecodeError as error:
        raise ArchiveError(f"{path}: not valid JSON ({error}); {hint}") from None
    return data if isinstance(data, dict) else {}


class ShardedIndex:
    """A str-keyed JSON map split over `SHARDS` files in `dir` (`00.json` ... `ff.json`)."""

    def __init__(self, dir: Path, hint: str = "run `turnaround archive --reindex` to rebuild it") -> None:
        self.dir = dir
        self.hint = hint
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def shard_of(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS

    def path_of(self, key: str) -> Path:
        return self.dir / f"{self.shard_of(key):02x}.json"

    def exists(self) -> bool:
        return self.dir.is_dir()

    def _shard(self, path: Path) -> dict[str, Any]:
        name = path.name
        if name in self._cache:
            self._cache.move_to_end(name)
            return self._cache[name]
        data = read_json_map(path, self.hint)
        self._cache[name] = data
        while len(self._cache) > CACHED_SHARDS:
            self._cache.popitem(last=False)
        return data

    def get(self, key: str, default: Any = None) -> Any:
        return self._shard(self.path_of(key)).get(key, default)

    def forget_cached(self) -> None:
        self._cache.clear()

    def update(self, changes: dict[str, Any], merge: Callable[[Any, Any], Any] | None = None) -> None:
        """Write `changes` (key -> new value, or `merge(old, new)` when given) shard by shard,
        each atomically; None as a result drops the key."""
        by_shard: dict[Path, list[str]] = {}
        for key in changes:
            by_shard.setdefault(self.path_of(key), []).append(key)
        self.dir.mkdir(parents=True, exist_ok=True)
        written: dict[Path, bytes] = {}
        for path, keys in by_shard.items():
            shard = read_json_map(path, self.hint)
            for key in keys:
                value = changes[key] if merge is None else merge(shard.get(key), changes[key])
                if value is None:
                    shard.pop(key, None)
                else:
                    shard[key] = value
            written[path] = orjson.dumps(shard)
        write_all_atomic(written)
        self.forget_cached()

    def replace_all(self, mapping: dict[str, Any], shards_of: range = range(SHARDS)) -> None:
        """The index from scratch (a rebuild): every shard in `shards_of` written once, with the
        keys of `mapping` (which must hold only keys of those shards)."""
        shards: dict[Path, dict[str, Any]] = {self.dir / f"{n:02x}.json": {} for n in shards_of}
        for key, value in mapping.items():
            shards[self.path_of(key)][key] = value
        self.dir.mkdir(parents=True, exist_ok=True)
        write_all_atomic({path: orjson.dumps(shard) for path, shard in shards.items()})
        self.forget_cached()
