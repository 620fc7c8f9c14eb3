"""The durable outbox: stored before sending, retried with backoff, and never posted twice after a crash."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.servers import Recorded, Reply, TestServer
from tui.services.outbox import IDEMPOTENCY_WINDOW, MAX_ATTEMPTS, Outbox
from tui.sources.http import HttpClient, PermanentError, TransientError
from tui.sources.mastodon import MastodonSource
from tui.storage.store import Store

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
MENTION = {"uid": "mastodon:117024236635443611", "id": "117024236635443611", "source": "mastodon",
           "author": "@jo@social.example", "text": "my order never came", "created_at": NOW.isoformat(),
           "thread_uid": "mastodon:117024236635443611", "extra": {"visibility": "public"}}


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Sender:
    """A scripted platform: each call pops the next outcome (an exception to raise, or a result)."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, str, str]] = []

    async def __call__(self, mention: dict[str, Any], text: str, key: str) -> dict[str, Any]:
        self.calls.append((mention["uid"], text, key))
        outcome = self.outcomes.pop(0) if self.outcomes else {"id": "99", "url": "https://x/99"}
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.json") as store:
        store.add_mention(dict(MENTION))
        yield store


def test_enqueue_stores_the_reply_before_any_network(store: Store) -> None:
    sender = Sender()
    outbox = Outbox(store, {"mastodon": sender}, Clock())
    item_id = outbox.enqueue(MENTION["uid"], "Sorry! DM us your order number.", "mastodon")
    row = outbox.item(item_id)
    assert row is not None and sender.calls == []
    assert row["status"] == "queued" and row["attempts"] == 0 and row["last_error"] is None
    assert row["uid"] == MENTION["uid"] and row["platform"] == "mastodon"
    assert len(row["idempotency_key"]) == 32 and row["created_at"] == NOW.isoformat(timespec="seconds")
    assert store.outbox()[0]["idempotency_key"] == row["idempotency_key"]


async def test_process_once_sends_with_the_stored_key(store: Store) -> None:
    sender = Sender({"id": "555", "url": "https://social.example/@brand/555"})
    outbox = Outbox(store, {"mastodon": sender}, Clock())
    seen: list[str] = []
    outbox.listeners.append(lambda item_id, row: seen.append(row["status"]))
    item_id = outbox.enqueue(MENTION["uid"], "On it!", "mastodon")
    assert await outbox.process_once() == 1
    row = outbox.item(item_id)
    assert row is not None
    assert (row["status"], row["remote_id"], row["remote_url"]) == (
        "sent", "555", "https://social.example/@brand/555")
    assert sender.calls == [(MENTION["uid"], "On it!", row["idempotency_key"])]
    assert seen == ["queued", "sending", "sent"]
    assert await outbox.process_once() == 0  # nothing left to do


async def test_transient_failure_requeues_with_backoff_then_sends(store: Store) -> None:
    clock = Clock()
    sender = Sender(TransientError("mastodon.example answered 503"), TransientError("rate limited",
                                                                                    retry_in=120))
    outbox = Outbox(store, {"mastodon": sender}, clock, backoff_base=1.0)
    item_id = outbox.enqueue(MENTION["uid"], "Hi", "mastodon")
    await outbox.process_once()
    row = outbox.item(item_id)
    assert row is not None
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert row["last_error"] == "mastodon.example answered 503"
    assert row["next_try"] is not None and outbox.due() == []  # not before its time
    clock.advance(3)
    await outbox.process_once()
    row = outbox.item(item_id)
    assert row is not None and row["attempts"] == 2
    assert row["next_try"] == (clock.now + timedelta(seconds=120)).isoformat(timespec="seconds")
    clock.advance(119)
    assert await outbox.process_once() == 0
    clock.advance(1)
    assert await outbox.process_once() == 1
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "sent" and row["last_error"] is None
    assert len({key for _, _, key in sender.calls}) == 1  # every attempt used the same key


async def test_permanent_failure_fails_with_the_reason(store: Store) -> None:
    sender = Sender(PermanentError("mastodon.example refused the request (422): Text can't be blank"))
    outbox = Outbox(store, {"mastodon": sender}, Clock())
    item_id = outbox.enqueue(MENTION["uid"], "", "mastodon")
    await outbox.process_once()
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "failed" and "422" in row["last_error"]
    outbox.retry(item_id)
    assert outbox.item(item_id)["status"] == "queued"  # type: ignore[index]


async def test_gives_up_after_max_attempts(store: Store) -> None:
    clock = Clock()
    sender = Sender(*[TransientError("down")] * MAX_ATTEMPTS)
    outbox = Outbox(store, {"mastodon": sender}, clock)
    item_id = outbox.enqueue(MENTION["uid"], "Hi", "mastodon")
    for _ in range(MAX_ATTEMPTS):
        await outbox.process_once()
        clock.advance(3600)
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "failed"
    assert row["last_error"] == f"gave up after {MAX_ATTEMPTS} attempts: down"


async def test_platforms_without_a_reply_api_are_manual(store: Store) -> None:
    outbox = Outbox(store, {"mastodon": Sender()}, Clock())
    item_id = outbox.enqueue("hn:123", "answered in the thread by hand", "hn")
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "manual" and row["done_at"]
    assert await outbox.process_once() == 0


async def test_missing_mention_fails(store: Store) -> None:
    outbox = Outbox(store, {"mastodon": Sender()}, Clock())
    item_id = outbox.enqueue("mastodon:404", "Hi", "mastodon")
    await outbox.process_once()
    assert "no longer in the store" in outbox.item(item_id)["last_error"]  # type: ignore[index]


class DedupingMastodon:
    """POST /api/v1/statuses like Mastodon: a repeated Idempotency-Key returns the first status."""

    def __init__(self, server: TestServer) -> None:
        self.created: dict[str, dict[str, Any]] = {}
        server.route("POST", "/api/v1/statuses", self.post)

    def post(self, request: Recorded) -> Reply:
        key = request.headers["idempotency-key"]
        if key not in self.created:
            number = 117030000000000000 + len(self.created)
            self.created[key] = {"id": str(number), "url": f"https://social.example/@brand/{number}",
                                 "content": request.form()["status"][0]}
        return Reply.json(self.created[key])


async def test_crash_after_the_post_before_the_ack_sends_once(server: TestServer, tmp_path: Path) -> None:
    platform = DedupingMastodon(server)
    db = tmp_path / "store.json"
    store = Store(db)
    store.add_mention(dict(MENTION))
    clock = Clock()
    source = MastodonSource(server.url, token="t0ken-abc", http=HttpClient(token="t0ken-abc", timeout=2))

    async def dies_after_posting(mention: dict[str, Any], text: str, key: str) -> dict[str, Any]:
        await source.post_reply(mention, text, key)  # the server has it...
        raise asyncio.CancelledError  # ...and we die before storing the acknowledgement

    outbox = Outbox(store, {"mastodon": dies_after_posting}, clock)
    item_id = outbox.enqueue(MENTION["uid"], "Refund on its way.", "mastodon")
    with pytest.raises(asyncio.CancelledError):
        await outbox.process_once()
    assert outbox.item(item_id)["status"] == "sending"  # type: ignore[index]
    store.close(compact=False)  # the process is gone; only what reached the journal remains

    store = Store(db)  # the next start
    clock.advance(60)
    outbox = Outbox(store, {"mastodon": source.post_reply}, clock)
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "queued" and "same idempotency key" in row["last_error"]
    assert await outbox.process_once() == 1
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "sent"
    posts = server.requests_to("/api/v1/statuses")
    assert len(posts) == 2 and posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert len(platform.created) == 1  # one status on the platform, not two
    assert row["remote_id"] == next(iter(platform.created.values()))["id"]
    assert posts[0].form()["status"] == ["@jo@social.example Refund on its way."]
    await source.aclose()
    store.close()


def test_a_stale_sending_row_is_not_resent_blindly(tmp_path: Path) -> None:
    db = tmp_path / "store.json"
    with Store(db) as store:
        store.add_mention(dict(MENTION))
        item_id = store.outbox_add({"uid": MENTION["uid"], "text": "x", "platform": "mastodon",
                                    "status": "sending", "idempotency_key": "k", "attempts": 1,
                                    "created_at": NOW.isoformat(), "sending_at": NOW.isoformat()})
        clock = Clock()
        clock.advance(IDEMPOTENCY_WINDOW.total_seconds() + 60)
        outbox = Outbox(store, {"mastodon": Sender()}, clock)
        row = outbox.item(item_id)
        assert row is not None and row["status"] == "failed" and "check the thread" in row["last_error"]


async def test_run_sends_what_is_enqueued_and_stops(store: Store) -> None:
    sender = Sender()
    outbox = Outbox(store, {"mastodon": sender}, Clock())
    stop = asyncio.Event()
    runner = asyncio.create_task(outbox.run(stop))
    await asyncio.sleep(0.05)
    item_id = outbox.enqueue(MENTION["uid"], "Hello", "mastodon")
    for _ in range(100):
        if outbox.item(item_id)["status"] == "sent":  # type: ignore[index]
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(runner, 2)
    assert outbox.item(item_id)["status"] == "sent"  # type: ignore[index]
    assert len(sender.calls) == 1


async def test_a_bluesky_style_result_keeps_the_posts_uri_and_cid(store: Store) -> None:
    uri = "at://did:plc:5c2r73erhng4bszmxlfdtscf/app.bsky.feed.post/3lprdue7ggw26"
    cid = "bafyreibjifzpqj6o6wcq3hejh7y4z4z2vmiklkvykc57tw3pcbx3kxifpm"
    sender = Sender({"uri": uri, "cid": cid, "url": "https://bsky.app/profile/brand/post/3lprdue7ggw26"})
    outbox = Outbox(store, {"mastodon": sender}, Clock())
    item_id = outbox.enqueue(MENTION["uid"], "On it!", "mastodon")
    assert await outbox.process_once() == 1
    row = outbox.item(item_id)
    assert row is not None and (row["status"], row["remote_id"], row["remote_cid"]) == ("sent", uri, cid)
    assert row["last_error"] is None


async def test_a_result_without_any_post_id_is_said(store: Store) -> None:
    outbox = Outbox(store, {"mastodon": Sender({"url": None})}, Clock())
    item_id = outbox.enqueue(MENTION["uid"], "On it!", "mastodon")
    await outbox.process_once()
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "sent" and row["remote_id"] == ""
    assert "named no post id" in row["last_error"]


BSKY_PARENT = {"uid": "bluesky:at://did:plc:cust/app.bsky.feed.post/3lpjzka2pzc2l",
               "id": "at://did:plc:cust/app.bsky.feed.post/3lpjzka2pzc2l", "source": "bluesky",
               "author": "cust.test", "text": "@brand.test my order never came",
               "created_at": NOW.isoformat(), "extra": {"cid": "bafyparent"}}


class FakePds:
    """createRecord/getRecord keyed by record key, as a PDS does: a repeated key is refused (500)."""

    def __init__(self, server: TestServer) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        server.route("POST", "/xrpc/com.atproto.server.createSession", Reply.json(
            {"did": "did:plc:brand", "handle": "brand.test", "accessJwt": "acc", "refreshJwt": "ref"}))
        server.route("POST", "/xrpc/com.atproto.repo.createRecord", self.create)
        server.route("GET", "/xrpc/com.atproto.repo.getRecord", self.get)

    def create(self, request: Recorded) -> Reply:
        body = request.json()
        if body["rkey"] in self.records:
            return Reply.json({"error": "InternalServerError", "message": "Internal Server Error"},
                              status=500)
        uri = f"at://did:plc:brand/app.bsky.feed.post/{body['rkey']}"
        self.records[body["rkey"]] = {"uri": uri, "cid": f"bafy{len(self.records)}", "value": body["record"]}
        return Reply.json({k: self.records[body["rkey"]][k] for k in ("uri", "cid")})

    def get(self, request: Recorded) -> Reply:
        record = self.records.get(request.param("rkey") or "")
        if record is None:
            return Reply.json({"error": "RecordNotFound", "message": "Could not locate record"}, status=400)
        return Reply.json(record)


async def test_bluesky_crash_window_posts_once_and_records_uri_and_cid(server: TestServer,
                                                                       tmp_path: Path) -> None:
    from tui.sources.bluesky import BlueskySource

    pds = FakePds(server)
    db = tmp_path / "store.json"
    store = Store(db)
    store.add_mention(dict(BSKY_PARENT))
    clock = Clock()
    source = BlueskySource("brand.test", "app-pass-word", service=server.url,
                           http=HttpClient(timeout=2, retries=0))

    async def dies_after_posting(mention: dict[str, Any], text: str, key: str) -> dict[str, Any]:
        await source.post_reply(mention, text, key)
        raise asyncio.CancelledError

    outbox = Outbox(store, {"bluesky": dies_after_posting}, clock)
    item_id = outbox.enqueue(BSKY_PARENT["uid"], "Sorry! DM us the order number.", "bluesky")
    with pytest.raises(asyncio.CancelledError):
        await outbox.process_once()
    store.close(compact=False)

    store = Store(db)
    clock.advance(60)
    outbox = Outbox(store, {"bluesky": source.post_reply}, clock)
    assert await outbox.process_once() == 1
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "sent" and row.get("already_sent") is True
    assert len(pds.records) == 1  # one post on the PDS, not two
    record = next(iter(pds.records.values()))
    assert (row["remote_id"], row["remote_cid"]) == (record["uri"], record["cid"])
    assert row["remote_url"].endswith("/post/" + record["uri"].rsplit("/", 1)[1])
    assert record["value"]["reply"]["parent"] == {"uri": BSKY_PARENT["id"], "cid": "bafyparent"}
    await source.aclose()
    store.close()
