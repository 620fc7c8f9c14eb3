"""`jsonl:PATH` and `jsonl:-`: canonical mentions, one JSON object per line.

The cursor is the byte offset after the last whole line, so a restart neither repeats nor skips.
Without `once` the file is followed like `tail -f`.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, BinaryIO

from tui.sources.base import Item, Source
from tui.storage.jsonio import MAX_LINE, decode_line

__all__ = ["MAX_LINE", "JsonlSource", "decode_line"]

class JsonlSource(Source):
    platform = "jsonl"

    def __init__(self, path: str, *, once: bool = True, poll: float = 0.25, name: str | None = None):
        super().__init__(name or f"jsonl:{path}")
        self.path = path
        self.once = once
        self.poll = poll
        self.where = "<stdin>" if path == "-" else Path(path).name

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
        if isinstance(cursor, dict) and not stdin:
            offset = int(cursor.get("offset", 0))
            try:
                if Path(self.path).stat().st_size < offset:
                    offset = 0  # the file was truncated or replaced: start over
            except OSError:
                offset = 0
            handle.seek(offset)
        line_no = int(cursor.get("line", 0)) if isinstance(cursor, dict) and offset else 0
        pending = b""
        try:
            while True:
                if stdin:
                    chunk = await asyncio.to_thread(handle.readline)
                else:
                    chunk = handle.readline()
                if not chunk:
                    if self.once or stdin:
                        if pending.strip():
                            line_no += 1
                            yield self._item(pending, line_no, offset + len(pending))
                        return
                    await asyncio.sleep(self.poll)
                    continue
                if not chunk.endswith(b"\n") and not self.once:
                    pending += chunk  # a line still being written: wait for its end
                    continue
                line = pending + chunk
                pending = b""
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

    def _item(self, line: bytes, line_no: int, offset: int) -> Item:
        data, problem, repaired = decode_line(line)
        if repaired:
            self.note_lone_surrogate()
        cursor = {"offset": offset, "line": line_no} if self.path != "-" else None
        return Item(data=data, problem=problem, line=line_no, cursor=cursor)
