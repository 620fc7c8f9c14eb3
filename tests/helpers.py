"""Test doubles and steps shared by the tests: a fixed clock, a source fed by the test, stored mentions
and the crash-then-resend walk of the review sources."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tui.core.queues import queue_of
from tui.core.triage import Triager, TriageResult
from tui.services.outbox import Outbox
from tui.services.pipeline import Pipeline
from tui.sources.base import Item, Source
from tui.storage.store import Store

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


def stored_mention(n: int | str, *, at: datetime, author: str = "@ann", text: str = "text",
                   thread: int | str | None = None, label: str = "negative", sentiment: float = -0.5,
                   priority: int = 50, topics: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    """A triaged x mention as the store keeps it, with its queue worked out as the pipeline would."""
    mention: dict[str, Any] = {
        "uid": f"x:{n}", "id": str(n), "source": "x", "author": author, "text": text,
        "created_at": at.isoformat(), "thread_uid": f"x:{thread if thread is not None else n}",
        "label": label, "sentiment": sentiment, "kind": "complaint", "priority": priority,
        "topics": list(topics or []), "triage_queue": "needs-reply", "state": "open", "read": False,
        "tags": [],
    }
    mention.update(fields)
    mention["queue"] = queue_of(mention)
    return mention


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


async def crash_after_posting_then_resend(source: Any, db: Path, platform: str, uid: str,
                                          text: str) -> dict[str, Any]:
    """Fetch into a store at db, post a reply but die before the outbox records it, then start again
    and let the outbox resend: the resent row (the platform's fake says what reached it)."""
    store = Store(db)
    await Pipeline(store, Triager.load()).run(source)

    async def dies_after_posting(mention: dict[str, Any], body: str, key: str) -> dict[str, Any]:
        await source.post_reply(mention, body, key)  # the platform has it...
        raise asyncio.CancelledError  # ...and we die before recording it

    outbox = Outbox(store, {platform: dies_after_posting})
    item_id = outbox.enqueue(uid, text, platform)
    with pytest.raises(asyncio.CancelledError):
        await outbox.process_once()
    store.close(compact=False)

    with Store(db) as store:  # the next start resends
        outbox = Outbox(store, {platform: source.post_reply})
        assert await outbox.process_once() == 1
        row = outbox.item(item_id)
    assert row is not None
    return row
