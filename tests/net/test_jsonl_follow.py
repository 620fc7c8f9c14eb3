"""A followed JSON-lines file (`jsonl:PATH` without --once) that is truncated or rotated is read
again from its start, like `tail -F`, instead of waiting forever past its end."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

from tui.sources.base import Item
from tui.sources.jsonl import JsonlSource


def line(n: int) -> bytes:
    return json.dumps({"id": str(n), "source": "mastodon", "author": "@a@x.social", "text": f"mention {n}",
                       "created_at": "2026-11-20T10:00:00Z"}).encode() + b"\n"


async def next_id(items: AsyncIterator[Item]) -> str:
    item = await asyncio.wait_for(anext(items), timeout=5)
    assert item.data is not None
    return str(item.data["id"])


async def test_a_truncated_file_is_read_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    path.write_bytes(line(1) + line(2))
    items = JsonlSource(str(path), once=False, poll=0.01).items(None)
    assert [await next_id(items), await next_id(items)] == ["1", "2"]
    path.write_bytes(line(3))  # truncated and written again: shorter than what was read
    assert await next_id(items) == "3"
    await items.aclose()  # type: ignore[attr-defined]


async def test_a_rotated_file_is_followed_under_its_name(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    path.write_bytes(line(1))
    items = JsonlSource(str(path), once=False, poll=0.01).items(None)
    assert await next_id(items) == "1"
    path.rename(tmp_path / "spool.jsonl.1")
    path.write_bytes(line(2) + line(3) + line(4))  # a new, longer file under the old name
    assert [await next_id(items) for _ in range(3)] == ["2", "3", "4"]
    await items.aclose()  # type: ignore[attr-defined]


async def test_a_file_read_to_its_end_is_healthy_with_nothing_new(tmp_path: Path) -> None:
    """After a restart with nothing new in the file, the sources screen says when it was last read,
    not "never"."""
    path = tmp_path / "spool.jsonl"
    path.write_bytes(line(1))
    source = JsonlSource(str(path), once=True)
    cursor = None
    async for item in source.items(None):
        cursor = item.cursor
    again = JsonlSource(str(path), once=True)
    assert [item async for item in again.items(cursor)] == []
    assert again.health.healthy and again.health.last_success is not None
