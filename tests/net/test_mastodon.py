"""The Mastodon source against a real local server serving recorded Mastodon payloads.

A small fake instance (REST with min_id paging, a separate streaming host, an idempotent POST /statuses)
wraps the recorded bodies in tests/fixtures_net/mastodon, so every test exercises the real HTTP path.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import QuietTriager, take
from tests.servers import Recorded, Reply, TestServer
from tui.services.pipeline import Pipeline
from tui.sources.base import NO_CURSOR, Item, SourceHealth
from tui.sources.http import HttpClient, PermanentError
from tui.sources.mastodon import SLOW_INTERVAL, MastodonSource
from tui.sources.registry import SourceSpecError, from_config
from tui.storage.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures_net" / "mastodon"
TOKEN = "tok-Sup3rSecret-value-42"


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def rate_headers(remaining: int = 299) -> dict[str, str]:
    return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": "2026-08-01T14:00:00.070144Z"}


def page(entries: list[dict[str, Any]], request: Recorded) -> list[dict[str, Any]]:
    """Mastodon's paging: newest first; `min_id` gives the page right after it, `since_id` the newest."""
    key = lambda e: (len(e["id"]), e["id"])  # noqa: E731
    limit = int(request.param("limit") or 20)
    newest_first = sorted(entries, key=key, reverse=True)
    if request.param("min_id"):
        floor = (len(request.param("min_id")), request.param("min_id"))
        after = sorted((e for e in entries if key(e) > floor), key=key)[:limit]
        return sorted(after, key=key, reverse=True)
    if request.param("since_id"):
        floor = (len(request.param("since_id")), request.param("since_id"))
        newest_first = [e for e in newest_first if key(e) > floor]
    return newest_first[:limit]


class FakeMastodon:
    """The parts of a Mastodon instance the source uses, over real HTTP."""

    def __init__(self, server: TestServer, streaming: TestServer | None = None) -> None:
        self.server = server
        self.notifications: list[dict[str, Any]] = fixture("notifications_mentions.json")
        self.tags: dict[str, list[dict[str, Any]]] = {"hoot": fixture("hashtag_timeline.json")}
        self.search: list[dict[str, Any]] = fixture("search_v2_mastodon_social.json")["statuses"]
        self.statuses: dict[str, dict[str, Any]] = {}  # idempotency key -> the status it made
        instance = fixture("instance_v2.json")
        instance["configuration"]["urls"]["streaming"] = (streaming.url.replace("http://", "ws://")
                                                          if streaming else None)
        server.route("GET", "/api/v2/instance", Reply.json(instance))
        server.route("GET", "/api/v1/notifications",
                     lambda r: Reply.json(page(self.notifications, r), headers=rate_headers()))
        server.route("GET", "/api/v1/timelines/tag/hoot",
                     lambda r: Reply.json(page(self.tags["hoot"], r), headers=rate_headers()))
        server.route("GET", "/api/v2/search", lambda r: Reply.json(
            {"accounts": [], "statuses": page(self.search, r), "hashtags": []}, headers=rate_headers()))
        server.route("POST", "/api/v1/statuses", self.post_status)

    def post_status(self, request: Recorded) -> Reply:
        key = request.headers.get("idempotency-key", "")
        form = {k: v[0] for k, v in request.form().items()}
        if not form.get("status"):
            return Reply(status=422, body=(FIXTURES / "error_422_status_empty.json").read_bytes(),
                         headers={"Content-Type": "application/json"})
        if key not in self.statuses:  # like Mastodon: the same key returns the same status
            status = fixture("status_reply_post.json")
            status["id"] = str(117020583258292382 + len(self.statuses))
            status["url"] = f"http://localhost:3000/@admin/{status['id']}"
            status["in_reply_to_id"] = form.get("in_reply_to_id")
            self.statuses[key] = status
        return Reply.json(self.statuses[key], headers=rate_headers(278))


class RecordingHealth(SourceHealth):
    """Keeps every failure reason, not just the last."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    def fail(self, reason: str, retry_in: float | None = None) -> None:
        self.errors.append(reason)
        super().fail(reason, retry_in)


class FakeTime:
    """A clock that moves only when the source sleeps, so pacing and backoff cost no real time."""

    def __init__(self) -> None:
        self.now = time.time()  # rate-limit resets are wall-clock times
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def make(server: TestServer, fake_time: FakeTime | None = None, **kw: Any) -> MastodonSource:
    fake_time = fake_time or FakeTime()
    kw.setdefault("token", TOKEN)
    kw.setdefault("stream", False)
    http = HttpClient(token=kw["token"], timeout=kw.pop("timeout", 2.0),
                      stream_timeout=kw.pop("stream_timeout", 2.0), retries=kw.pop("retries", 0),
                      sleep=fake_time.sleep, clock=fake_time.clock)
    return MastodonSource(server.url, http=http, sleep=fake_time.sleep, clock=fake_time.clock,
                          retry_base=0.01, **kw)


async def collect(source: MastodonSource, cursor: Any = None) -> list[Item]:
    return [item async for item in source.items(cursor)]


# -- config --------------------------------------------------------------------------------------

def test_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTO_TOKEN", TOKEN)
    source = from_config({"type": "mastodon", "instance": "https://mastodon.example",
                          "token_env": "MASTO_TOKEN", "account": "@brand@mastodon.example",
                          "hashtags": ["#brightside", "coffee"],
                          "search": ["Brightside Coffee"], "poll_seconds": 90}, 2)
    assert isinstance(source, MastodonSource)
    assert source.name == "mastodon-2" and source.can_reply and source.token == TOKEN
    assert [f.key for f in source.feeds] == ["notifications", "tag:brightside", "tag:coffee",
                                             "search:Brightside Coffee"]
    assert [f.streamed for f in source.feeds] == [True, True, True, False]
    assert TOKEN not in repr(source) and TOKEN not in repr(source.http)


def test_from_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE_TOKEN", raising=False)
    base = {"type": "mastodon", "instance": "https://m.example", "hashtags": ["x"]}
    for table, message in [
        ({**base, "hashtag": ["typo"]}, "unknown key 'hashtag'"),
        ({**base, "instance": "m.example"}, "instance"),
        ({**base, "hashtags": "x"}, "'hashtags' must be a list"),
        ({**base, "stream": "yes"}, "'stream'"),
        ({**base, "poll_seconds": 1}, "poll_seconds"),
        ({"type": "mastodon", "instance": "https://m.example", "token_env": "NOPE_TOKEN"},
         "NOPE_TOKEN is not set"),
    ]:
        with pytest.raises(SourceSpecError, match=message):
            from_config(table, 1)
    source = from_config({**base, "token_env": "NOPE_TOKEN"}, 1)
    assert not source.can_reply and "NOPE_TOKEN is not set" in source.health.warnings[0]


# -- REST ----------------------------------------------------------------------------------------

async def test_once_reads_mentions_hashtags_and_search(server: TestServer) -> None:
    FakeMastodon(server)
    source = make(server, hashtags=["hoot"], search=["halcy"], once=True)
    items = await collect(source)
    mentions = [i.data for i in items if i.data]
    assert [m["id"] for m in mentions] == ["117020577157693549", "117020593741189701", "116388107849695302",
                                           "116388149027005349"]
    first = mentions[0]
    assert first == {
        "id": "117020577157693549", "source": "mastodon", "author": "@admin@localhost:3000",
        "author_name": "admin", "text": "@mastodonpy_test hello!", "created_at": "2026-08-01T13:51:42.823Z",
        "followers": 1, "url": "http://localhost:3000/@admin/117020577157693549", "visibility": "public",
        "language": "en",
    }
    assert mentions[1]["text"] == "#hoot (hashtag toot)"
    assert mentions[3]["author"] == "@greg@icosahedron.website" and mentions[3]["followers"] == 455
    assert mentions[3]["in_reply_to"] == "116387888508422624"
    assert items[-1].cursor == {"since_id": {"notifications": "21", "tag:hoot": "117020593741189701",
                                             "search:halcy": "116388149027005349"}}
    notif = server.requests_to("/api/v1/notifications")[0]
    assert notif.query["types[]"] == ["mention"] and notif.headers["authorization"] == f"Bearer {TOKEN}"
    search = server.requests_to("/api/v2/search")[0]
    assert (search.param("q"), search.param("type")) == ("halcy", "statuses")
    assert source.health.healthy


async def test_our_own_posts_and_other_notifications_only_move_the_cursor(server: TestServer) -> None:
    fake = FakeMastodon(server)
    fake.notifications.append({**fake.notifications[0], "id": "22", "type": "favourite"})
    source = make(server, hashtags=["hoot"], account="mastodonpy_test_2", once=True)
    items = await collect(source)
    assert [i.data["id"] for i in items if i.data] == ["117020577157693549"]
    assert items[-1].cursor == {"since_id": {"notifications": "22", "tag:hoot": "117020593741189701"}}


async def test_restart_resumes_from_the_cursor_without_gap_or_duplicate(server: TestServer,
                                                                        tmp_path: Path) -> None:
    fake = FakeMastodon(server)
    template = fake.notifications[0]

    def notification(n: int) -> dict[str, Any]:
        entry = copy.deepcopy(template)
        entry["id"] = str(n)
        entry["status"]["id"] = str(117020577157693549 + n)
        entry["status"]["content"] = f"<p>mention number {n}</p>"
        return entry

    fake.notifications = [notification(n) for n in (21, 22)]
    db = tmp_path / "store.json"
    store = Store(db)
    source = make(server, once=True, page_limit=2)
    source.name = "masto"
    counts = await Pipeline(store, QuietTriager()).run(source)
    assert counts.new == 2
    store.close()

    fake.notifications += [notification(n) for n in range(23, 28)]  # five more: three pages of two
    store = Store(db)
    assert store.cursor("masto") == {"since_id": {"notifications": "22"}}
    source = make(server, once=True, page_limit=2)
    source.name = "masto"
    counts = await Pipeline(store, QuietTriager()).run(source)
    assert (counts.new, counts.duplicate) == (5, 0)
    texts = sorted(m["text"] for m in store.mentions())
    assert texts == [f"mention number {n}" for n in range(21, 28)]
    asked = [r.param("min_id") for r in server.requests_to("/api/v1/notifications")]
    assert asked == [None, "22", "24", "26"]
    assert store.cursor("masto") == {"since_id": {"notifications": "27"}}
    store.close()


async def test_paginated_requests_are_paced(server: TestServer) -> None:
    fake = FakeMastodon(server)
    fake.tags["hoot"] = [{**fake.tags["hoot"][0], "id": str(117020593741189701 + n)} for n in range(7)]
    fake_time = FakeTime()
    source = make(server, fake_time, hashtags=["hoot"], once=True, page_limit=2, min_interval=3.0)
    items = await collect(source, {"since_id": {"tag:hoot": "117020593741189700", "notifications": "21"}})
    assert len([i for i in items if i.data]) == 7
    assert len(fake_time.waits) >= 4 and all(w == pytest.approx(3.0) for w in fake_time.waits)

    server.route("GET", "/api/v1/notifications", Reply.json([], headers=rate_headers(remaining=5)))
    low = FakeTime()
    source = make(server, low, once=True, min_interval=3.0)
    await collect(source, {"since_id": {"notifications": "21"}})
    await collect(source, {"since_id": {"notifications": "21"}})
    assert low.waits == [SLOW_INTERVAL]


# -- faults --------------------------------------------------------------------------------------

async def test_429_with_mastodon_reset_header_waits_until_the_reset(server: TestServer) -> None:
    FakeMastodon(server)
    reset = (datetime.now(UTC) + timedelta(minutes=4)).isoformat().replace("+00:00", "Z")
    limited = Reply.json({"error": "Too many requests"}, status=429,
                         headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                                  "X-RateLimit-Reset": reset})
    ok = server.handler("GET", "/api/v1/notifications")
    server.route("GET", "/api/v1/notifications", [limited, ok])
    fake_time = FakeTime()
    source = make(server, fake_time, poll_seconds=60)
    items = await take(source, 1)
    assert items[0].data["id"] == "117020577157693549"
    assert 230 < fake_time.waits[0] <= 240  # until the reset, not a blind backoff
    assert "rate limited" in (source.health.last_error or "")
    assert source.health.healthy


async def test_429_with_retry_after(server: TestServer) -> None:
    FakeMastodon(server)
    ok = server.handler("GET", "/api/v1/notifications")
    server.route("GET", "/api/v1/notifications",
                 [Reply(429, headers={"Retry-After": "120"}), ok])
    fake_time = FakeTime()
    source = make(server, fake_time)
    await take(source, 1)
    assert fake_time.waits[0] == 120


async def test_5xx_timeouts_and_malformed_json_back_off_and_recover(server: TestServer) -> None:
    FakeMastodon(server)
    ok = server.handler("GET", "/api/v1/notifications")
    server.route("GET", "/api/v1/notifications", [
        Reply(500), Reply.json([], delay=0.6), Reply(body=b'[{"id": "21", "type": "men',
                                                     headers={"Content-Type": "application/json"}), ok])
    fake_time = FakeTime()
    source = make(server, fake_time, timeout=0.3)
    source.health = RecordingHealth()
    items = await take(source, 1)
    errors = source.health.errors
    assert items[0].data["id"] == "117020577157693549"
    assert "500" in errors[0]
    assert "read timeout" in errors[1]
    assert "malformed JSON" in errors[2]
    assert all(w < 1 for w in fake_time.waits[:3])  # short backoffs, then the usual poll interval
    assert source.health.healthy and source.health.next_try is None


async def test_401_marks_unhealthy_and_retries_rarely_without_leaking_the_token(server: TestServer) -> None:
    server.route("GET", "/api/v2/instance", Reply.json(fixture("instance_v2.json")))
    server.route("GET", "/api/v1/notifications",
                 Reply(401, body=(FIXTURES / "error_401.json").read_bytes(),
                       headers={"Content-Type": "application/json"}))
    fake_time = FakeTime()
    source = make(server, fake_time, poll_seconds=60)
    stream = source.items(None)
    task = asyncio.create_task(anext(stream))
    while len(fake_time.waits) < 2:
        await asyncio.sleep(0.01)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await stream.aclose()
    assert not source.health.healthy
    assert "access token is invalid" in (source.health.last_error or "").lower()
    assert fake_time.waits[:2] == [900.0, 900.0]
    for text in (source.health.last_error or "", repr(source), str(source.health.as_dict())):
        assert TOKEN not in text


async def test_once_never_raises(server: TestServer) -> None:
    server.route("GET", "/api/v1/notifications", Reply.json({"error": "boom"}, status=503))
    source = make(server, once=True, hashtags=["hoot"])
    assert await collect(source) == []
    assert not source.health.healthy and source.health.next_try is not None


# -- streaming -----------------------------------------------------------------------------------

async def test_stream_from_the_instances_streaming_host_with_drop_and_rest_backfill(
        server: TestServer) -> None:
    with TestServer() as streaming:
        fake = FakeMastodon(server, streaming)
        recorded = (FIXTURES / "streaming.sse.txt").read_bytes()
        later = copy.deepcopy(fake.notifications[0])
        later["id"] = "22"
        later["status"]["id"] = "117030000000000000"
        later["status"]["content"] = "<p>while you were away</p>"
        served = iter([fake.notifications, [*fake.notifications, later]])
        server.route("GET", "/api/v1/notifications", lambda r: Reply.json(page(next(served), r)))
        streaming.route("GET", "/api/v1/streaming/user/notification", [
            Reply.sse([recorded], drop=True),  # byte-for-byte, then the connection dies
            Reply.sse([":thump\n\n"], hold=30),
        ])
        fake_time = FakeTime()
        source = make(server, fake_time, stream=True, account="mastodonpy_test")
        items = await take(source, 5)
        await source.aclose()
    got = [(i.data["id"] if i.data else None, i.deleted_id, i.cursor) for i in items]
    assert got == [
        ("117020577157693549", None, {"since_id": {"notifications": "21"}}),  # REST catch-up
        ("117024236408130890", None, {"since_id": {"notifications": "21"}}),  # stream: notification 14
        ("117024236635443611", None, {"since_id": {"notifications": "21"}}),  # stream: notification 16
        (None, "117024236332527350", NO_CURSOR),  # stream: delete, a bare id
        ("117030000000000000", None, {"since_id": {"notifications": "22"}}),  # reconnect: REST backfill
    ]
    reply_16 = items[2].data
    assert reply_16["author"] == "@mastodonpy_test_2@localhost:3000"
    assert reply_16["in_reply_to"] == "117024236559579118" and reply_16["visibility"] == "direct"
    assert [r.param("min_id") for r in server.requests_to("/api/v1/notifications")] == [None, "21"]
    connects = streaming.requests_to("/api/v1/streaming/user/notification")
    assert len(connects) == 2 and connects[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert connects[0].headers["accept"] == "text/event-stream"
    assert "dropped the connection" in (source.health.last_error or "")
    assert len(fake_time.waits) == 1


async def test_hashtag_stream_updates_move_the_tag_cursor(server: TestServer) -> None:
    with TestServer() as streaming:
        FakeMastodon(server, streaming)
        recorded = (FIXTURES / "streaming.sse.txt").read_bytes()
        streaming.route("GET", "/api/v1/streaming/hashtag",
                        [Reply.sse([recorded], drop=True), Reply.sse([":thump\n\n"], hold=30)])
        source = make(server, hashtags=["hoot"], token=None, stream=True)
        stream = source.items(None)
        items = [await anext(stream) for _ in range(4)]
        for _ in range(200):  # the drop, then a reconnect that catches up from the stream's last id
            if len(server.requests_to("/api/v1/timelines/tag/hoot")) == 2:
                break
            await asyncio.sleep(0.01)
        await stream.aclose()
        await source.aclose()
    assert [r.param("min_id") for r in server.requests_to("/api/v1/timelines/tag/hoot")] == [
        None, "117024236559579118"]
    assert streaming.requests[0].param("tag") == "hoot"
    assert [i.data["id"] for i in items[:3]] == ["117020593741189701", "117024236332527350",
                                                "117024236559579118"]
    assert items[2].cursor == {"since_id": {"tag:hoot": "117024236559579118"}}
    assert items[1].data["author"] == "@mastodonpy_test@localhost:3000"
    assert items[3].deleted_id == "117024236332527350"


async def test_malformed_stream_event_is_a_problem_and_the_stream_goes_on(server: TestServer) -> None:
    with TestServer() as streaming:
        fake = FakeMastodon(server, streaming)
        fake.notifications = []
        notification = (FIXTURES / "streaming.sse.txt").read_text().split("\n\n")[1] + "\n\n"
        streaming.route("GET", "/api/v1/streaming/user/notification",
                        Reply.sse(["event: notification\ndata: {oops\n\n", notification], hold=30))
        source = make(server, stream=True)
        items = await take(source, 2)
        await source.aclose()
    assert items[0].problem == "mentions: a notification event that is not valid JSON"
    assert items[1].data["id"] == "117024236408130890"
    assert "not valid JSON" in (source.health.last_error or "")


async def test_streaming_refused_falls_back_to_polling(server: TestServer) -> None:
    with TestServer() as streaming:
        FakeMastodon(server, streaming)
        streaming.route("GET", "/api/v1/streaming/user/notification",
                        Reply.json({"error": "nope"}, status=404))
        source = make(server, stream=True)
        items = await take(source, 1)
        await source.aclose()
    assert items[0].data["id"] == "117020577157693549"
    assert "polling instead" in source.health.warnings[0]


# -- conversion ----------------------------------------------------------------------------------

def test_boost_becomes_repost_of_and_the_pipeline_folds_it(tmp_path: Path) -> None:
    source = MastodonSource("https://localhost:3000", token=TOKEN)
    original = fixture("hashtag_timeline.json")[0]
    boost = copy.deepcopy(original)
    boost.update({"id": "117999", "content": "", "url": None, "reblog": original,
                  "account": {**original["account"], "acct": "fan@elsewhere.social", "display_name": "Fan"}})
    converted = source.status_to_mention(boost)
    assert converted["repost_of"] == "117020593741189701" and converted["author"] == "@fan@elsewhere.social"
    assert converted["text"] == "#hoot (hashtag toot)" and converted["url"] == original["url"]
    with Store(tmp_path / "s.json") as store:
        pipeline = Pipeline(store, QuietTriager())
        assert pipeline.ingest(source.status_to_mention(original)).status == "new"
        outcome = pipeline.ingest(converted)
        assert outcome.status == "folded" and outcome.mention["folded"] == 1


def test_content_warning_and_remote_direct_mention() -> None:
    source = MastodonSource("https://mastodon.social", token=TOKEN)
    status = next(n["status"] for n in fixture("notifications_mastodon_social.json") if n["status"])
    status = {**status, "spoiler_text": "coffee talk"}
    mention = source.status_to_mention(status)
    assert mention["author"] == "@latencyobs@icosahedron.website"
    assert mention["text"].startswith("CW: coffee talk\n\n@halcy@mastodon.social")
    assert mention["visibility"] == "direct" and mention["spoiler_text"] == "coffee talk"
    local = source.status_to_mention({**status, "account": {**status["account"], "acct": "brand"}})
    assert local["author"] == "@brand@mastodon.social"


# -- replies -------------------------------------------------------------------------------------

async def test_post_reply(server: TestServer) -> None:
    fake = FakeMastodon(server)
    source = make(server, once=True)
    await collect(source)  # learns the instance's domain
    mention = {"id": "117024236635443611", "author": "@mastodonpy_test_2@localhost:3000",
               "extra": {"visibility": "direct", "spoiler_text": "cw"}}
    result = await source.post_reply(mention, "Thanks, fixed now!", "key-1")
    assert result == {"id": "117020583258292382", "url": "http://localhost:3000/@admin/117020583258292382"}
    sent = server.requests_to("/api/v1/statuses")[0]
    assert sent.headers["idempotency-key"] == "key-1"
    assert sent.form() == {"status": ["@mastodonpy_test_2@localhost:3000 Thanks, fixed now!"],
                           "in_reply_to_id": ["117024236635443611"], "visibility": ["direct"],
                           "spoiler_text": ["cw"]}
    await source.post_reply(mention, "@mastodonpy_test_2 already named", "key-2")
    await source.post_reply({**mention, "author": "@jo@social.example", "extra": {}}, "hi @jo@Social.example",
                            "key-3")
    texts = [r.form()["status"][0] for r in server.requests_to("/api/v1/statuses")[1:]]
    assert texts == ["@mastodonpy_test_2 already named", "hi @jo@Social.example"]
    assert len(fake.statuses) == 3
    # what the editor is told will go before the draft is what went before it
    assert source.reply_prefix(mention, "Thanks, fixed now!") == "@mastodonpy_test_2@localhost:3000 "
    assert source.reply_prefix(mention, "@mastodonpy_test_2 already named") == ""


async def test_post_reply_rejected_is_permanent(server: TestServer) -> None:
    FakeMastodon(server)
    source = make(server, once=True)
    rejected = (FIXTURES / "error_422_status_empty.json").read_bytes()
    server.route("POST", "/api/v1/statuses",
                 Reply(422, body=rejected, headers={"Content-Type": "application/json"}))
    with pytest.raises(PermanentError, match="422") as caught:
        await source.post_reply({"id": "1", "author": "@a@b.example"}, "x", "k")
    assert "バリデーションに失敗しました" in caught.value.reason
    assert TOKEN not in str(caught.value)
    anonymous = MastodonSource(server.url, hashtags=["x"])
    with pytest.raises(PermanentError, match="needs an access token"):
        await anonymous.post_reply({"id": "1", "author": "@a@b.example"}, "x", "k")
