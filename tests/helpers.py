"""Test doubles shared by the UI tests: a fixed clock and a source fed by the test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.core.triage import TriageResult
from tui.sources.base import Item, Source

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


def make_mention(n: int, text: str, *, minutes_ago: int = 10, author: str | None = None,
                 followers: int | None = 100, source: str = "mastodon", **extra: Any) -> dict[str, Any]:
    return {
        "id": str(n), "source": source, "author": author or f"@user{n}@example.social",
        "author_name": f"User {n}", "text": text, "followers": followers,
        "created_at": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        "url": f"https://example.social/@user{n}/{n}", **extra,
    }


class FeedSource(Source):
    """Yields what the test puts in, as a live source would."""

    platform = "test"

    def __init__(self, initial: list[dict[str, Any]] | None = None) -> None:
        super().__init__("test-feed")
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for data in initial or []:
            self.queue.put_nowait(data)

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        while True:
            data = await self.queue.get()
            yield Item(data=data)


MIXED = [
    make_mention(1, "My order arrived cold and late again. Third time this month. Refund please.",
                 minutes_ago=50),
    make_mention(2, "What are your opening hours on Sunday?", minutes_ago=20),
    make_mention(3, "Absolutely love the new oat latte, best coffee in town!", minutes_ago=5),
    make_mention(4, "Your app leaked my email and password, data breach! Everyone change passwords",
                 minutes_ago=3, followers=120_000),
    make_mention(5, "Still no update on my refund, been on hold for ages", minutes_ago=30),
]


class Sleeps:
    """A fake `sleep` that records the waits instead of taking them (backoff without slow tests)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class QuietTriager:
    """Triage is another module's business: a fixed result keeps network tests about the network."""

    def triage(self, text: str, **kw: Any) -> TriageResult:
        return TriageResult("neutral", 0.0, "other", 0, "needs-reply", ())


class ManualClock:
    """A clock the test moves by hand: pass it wherever the code takes `clock=`."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


async def take(source: Source, count: int, cursor: Any = None) -> list[Item]:
    """The first `count` items a source yields, then close it (a live source never ends by itself)."""
    got: list[Item] = []
    stream = source.items(cursor)
    async for item in stream:
        got.append(item)
        if len(got) == count:
            break
    await stream.aclose()  # type: ignore[attr-defined]
    return got


async def settle(pilot: Any, app: Any, count: int) -> Any:
    """Wait until `count` mentions are stored and the inbox has caught up; returns its MentionList."""
    from tui.ui.widgets.mention_list import MentionList

    for _ in range(100):
        await pilot.pause(0.05)
        if app.session is not None and app.session.store.mention_count() >= count:
            break
    await pilot.pause(0.2)
    assert app.session is not None and app.session.store.mention_count() >= count
    return app.screen.query_one(MentionList)
