"""`jsonl:PATH` and `jsonl:-`: canonical mentions, one JSON object per line.

The cursor is the byte offset after the last whole line, so a restart neither repeats nor skips.
It also keeps a digest of the file's first bytes (up to `DIGESTED`): when a file is rewritten in
place (a bad line fixed, an export made again) the digest differs and the file is read again from
the start, where the store's duplicate check skips what it already holds. Without it, the fixed
lines before the old offset would be skipped without a word.
Without `once` the file is followed like `tail -F`: truncated or replaced (log rotation), it is
read again from its start.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, BinaryIO

from tui.sources.base import Item, Source
from tui.storage.jsonio import MAX_LINE, decode_line

__all__ = ["DIGESTED", "MAX_LINE", "JsonlSource", "decode_line"]

DIGESTED = 16 * 1024 * 1024
"""How much of a file's start the cursor's digest covers: a change further on goes unnoticed."""


def _digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=16)


def _digest_of_start(path: str, offset: int) -> hashlib.blake2b:
    """The digest of the file's bytes before `offset` (at most its first `DIGESTED`)."""
    seen = _digest()
    left = min(offset, DIGESTED)
    with open(path, "rb") as handle:
        while left > 0 and (block := handle.read(min(left, 1 << 20))):
            seen.update(block)
            left -= len(block)
    return seen


class JsonlSource(Source):
    platform = "jsonl"

    def __init__(self, path: str, *, once: bool = True, poll: float = 0.25, name: str | None = None):
        super().__init__(name or f"jsonl:{path}")
        self.path = path
        self.once = once
        self.poll = poll
        self.where = "<stdin>" if path == "-" else Path(path).name
        self._seen = _digest()  # of the file's start as read so far (see DIGESTED)

    def _open(self) -> BinaryIO:
        if self.path == "-":
            return sys.stdin.buffer
        return open(self.path, "rb")

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        stdin = self.path == "-"
        try:
            handle = self._open()
        except OSError as error:
            self.health.fail(f"cannot open {self.path}: {error.strerror}")
            raise
        offset = 0
        self._seen = _digest()
        if isinstance(cursor, dict) and not stdin:
            offset = await asyncio.to_thread(self._resume_at, cursor)
            handle.seek(offset)
        line_no = int(cursor.get("line", 0)) if isinstance(cursor, dict) and offset else 0
        pending = b""
        at_end = False
        try:
            while True:
                if stdin:
                    chunk = await asyncio.to_thread(handle.readline)
                else:
                    chunk = handle.readline()
                if not chunk:
                    if not at_end:  # read to its end: healthy, even with nothing new since last time
                        at_end = True
                        self.health.ok()
                    if self.once or stdin:
                        if pending.strip():
                            line_no += 1
                            self._see(pending, offset)
                            yield self._item(pending, line_no, offset + len(pending))
                        return
                    if self._replaced(handle, offset + len(pending)):
                        # Truncated or rotated while followed (`tail -F`): read the new file from its start.
                        handle.close()
                        handle = self._open()
                        offset, line_no, pending, self._seen = 0, 0, b"", _digest()
                        continue
                    await asyncio.sleep(self.poll)
                    continue
                if not chunk.endswith(b"\n") and not self.once:
                    pending += chunk  # a line still being written: wait for its end
                    continue
                line = pending + chunk
                pending = b""
                self._see(line, offset)
                offset += len(line)
                line_no += 1
                if not line.strip():
                    continue
                self.health.ok()
                yield self._item(line, line_no, offset)
                if line_no % 256 == 0:
                    await asyncio.sleep(0)  # let the UI breathe on a big file
        finally:
            if not stdin:
                handle.close()

    def _replaced(self, handle: BinaryIO, position: int) -> bool:
        """Whether the followed path now names another file, or one shorter than what was read."""
        try:
            now = os.stat(self.path)
        except OSError:
            return False  # moved away and not yet recreated: keep waiting
        return now.st_ino != os.fstat(handle.fileno()).st_ino or now.st_size < position

    def _resume_at(self, cursor: dict[str, Any]) -> int:
        """The cursor's offset if the file is still the one it was taken on, else 0 (start over)."""
        offset = int(cursor.get("offset", 0))
        digest = cursor.get("digest")
        try:
            if Path(self.path).stat().st_size < offset:
                return 0  # truncated or replaced by a shorter file
            seen = _digest_of_start(self.path, offset)
        except OSError:
            return 0
        if isinstance(digest, str) and seen.hexdigest() != digest:
            return 0  # rewritten in place: a fixed line, a new export
        self._seen = seen
        return offset

    def _see(self, line: bytes, offset: int) -> None:
        """Add a line read at `offset` to the digest of the file's start (its first `DIGESTED` bytes)."""
        if offset < DIGESTED:
            self._seen.update(line[:DIGESTED - offset])

    def _item(self, line: bytes, line_no: int, offset: int) -> Item:
        data, problem, repaired = decode_line(line)
        if repaired:
            self.note_lone_surrogate()
        cursor = None
        if self.path != "-":
            cursor = {"offset": offset, "line": line_no, "digest": self._seen.hexdigest()}
        return Item(data=data, problem=problem, line=line_no, cursor=cursor)
