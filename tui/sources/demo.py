"""The built-in demo: bundled mentions for a fictional coffee chain, replayed at a lively pace.

Most of the set arrives at once as the recent past (so the queues are full at first sight); the rest
streams in one by one, stamped with the time it arrives, so the inbox is visibly live.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import orjson

from tui.core.model import parse_time
from tui.sources.base import Item, Source


def demo_lines() -> list[dict[str, Any]]:
    text = resources.files("tui.rules.data").joinpath("demo/mentions.jsonl").read_text("utf-8")
    return [orjson.loads(line) for line in text.splitlines() if line.strip()]


class DemoSource(Source):
    platform = "demo"

    def __init__(self, *, backlog: float = 0.7, pace: tuple[float, float] = (0.6, 2.5),
                 seed: int | None = None, now: datetime | None = None,
                 squeeze: float = 8.0) -> None:
        super().__init__("demo")
        self.backlog = backlog
        self.pace = pace
        self.random = random.Random(seed)
        self.now = now
        self.squeeze = squeeze

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        lines = demo_lines()
        if not lines:
            return
        now = self.now or datetime.now(UTC)
        split = int(len(lines) * self.backlog)
        last = parse_time(lines[split - 1]["created_at"]) if split else now
        for number, data in enumerate(lines, 1):
            data = dict(data)
            if number <= split:
                # The backlog's two days are squeezed into the last hours, so clocks read as a shift.
                ago = (last - parse_time(data["created_at"])) / self.squeeze
                data["created_at"] = (now - ago - timedelta(minutes=2)).isoformat(timespec="seconds")
            else:
                await asyncio.sleep(self.random.uniform(*self.pace))
                data["created_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            self.health.ok()
            yield Item(data=data, line=number)
