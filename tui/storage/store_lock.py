"""One process per store: an flock on `PATH.lock`, and the errors a store that cannot open raises."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any


class StoreError(Exception):
    """A store that cannot be opened; the message says why and what to do."""


class StoreLocked(StoreError):
    """Another turnaround process owns this store; `owner` is its pid as it wrote it."""

    owner = "unknown"


def take_lock(path: Path) -> Any:
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
