"""`sse:URL` and `jsonl:URL` relays against a real local server: ids, retry, drops, 5xx, bad lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from tests.helpers import QuietTriager, Sleeps, take
from tests.servers import Recorded, Reply, TestServer
from tui.services.pipeline import Pipeline
from tui.sources.base import NO_CURSOR, Item
from tui.sources.http import HttpClient
from tui.sources.registry import from_spec
from tui.sources.relay import JsonlUrlSource, SseSource
from tui.storage.store import Store


def mention(n: int, text: str = "hello") -> dict[str, Any]:
    return {"id": str(n), "source": "relay", "author": f"@u{n}@example.social", "text": f"{text} {n}",
            "created_at": "2026-11-24T09:00:00+00:00"}


def event(n: int, *, kind: str | None = None, with_id: bool = True) -> str:
    head = f"id: {n}\n" if with_id else ""
    if kind:
        head += f"event: {kind}\n"
    return f"{head}data: {orjson.dumps(mention(n)).decode()}\n\n"


def http(**kw: Any) -> HttpClient:
    return HttpClient(timeout=2.0, stream_timeout=kw.pop("stream_timeout", 1.0), retries=0, **kw)


def sse(url: str, sleeps: Sleeps, **kw: Any) -> SseSource:
    return SseSource(url, http=http(), sleep=sleeps, retry_base=0.01, **kw)


async def test_sse_events_become_items_with_the_last_id_as_cursor(server: TestServer) -> None:
    server.route("GET", "/relay", Reply.sse([":hello\n\n", event(1), event(2, kind="mention"),
                                             "event: ping\ndata: x\n\n", event(3)]))
    source = sse(f"{server.url}/relay", Sleeps(), once=True)
    items = [item async for item in source.items(None)]
    assert [i.data["id"] for i in items] == ["1", "2", "3"]
    assert items[-1].cursor == {"last_event_id": "3"}
    assert source.health.healthy
    assert server.requests[0].headers["accept"] == "text/event-stream"
    assert "last-event-id" not in server.requests[0].headers


async def test_sse_drop_reconnects_with_last_event_id_and_the_servers_retry(server: TestServer) -> None:
    first = Reply.sse(["retry: 250\n\n", event(1), event(2), 'id: 3\ndata: {"id": "3", "sou'], drop=True)

    def resume(request: Recorded) -> Reply:
        after = int(request.headers.get("last-event-id", "0"))
        return Reply.sse([event(n) for n in range(after + 1, 5)], hold=30)

    server.route("GET", "/relay", [first, resume])
    sleeps = Sleeps()
    source = sse(f"{server.url}/relay", sleeps)
    items = await take(source, 4)
    await source.aclose()
    assert [i.data["id"] for i in items] == ["1", "2", "3", "4"]  # the torn event 3 came again, whole
    assert server.requests[1].headers["last-event-id"] == "2"
    assert sleeps.waits == [0.25]
    assert "dropped the connection" in (source.health.last_error or "")
    assert items[-1].cursor == {"last_event_id": "4"}


async def test_sse_5xx_backs_off_then_resumes(server: TestServer) -> None:
    server.route("GET", "/relay", [Reply(503), Reply(500), Reply.sse([event(1)], hold=30)])
    sleeps = Sleeps()
    source = sse(f"{server.url}/relay", sleeps)
    items = await take(source, 1)
    await source.aclose()
    assert items[0].data["id"] == "1"
    assert len(sleeps.waits) == 2
    assert "500" in (source.health.last_error or "")
    assert source.health.healthy


async def test_sse_failure_marks_unhealthy_with_a_next_try(server: TestServer) -> None:
    server.route("GET", "/relay", Reply.json({"error": "upstream down"}, status=502))
    source = sse(f"{server.url}/relay", Sleeps(), once=True)
    assert [i async for i in source.items(None)] == []  # once: one pass, no raise
    assert not source.health.healthy
    assert "502" in (source.health.last_error or "") and "upstream down" in (source.health.last_error or "")
    assert source.health.next_try is not None


async def test_sse_malformed_events_are_problems_with_numbers_and_it_goes_on(server: TestServer) -> None:
    server.route("GET", "/relay", Reply.sse([event(1), "id: 2\ndata: {not json\n\n", "data: [1, 2]\n\n",
                                             event(4)]))
    source = sse(f"{server.url}/relay", Sleeps(), once=True)
    items = [item async for item in source.items(None)]
    assert [(i.line, i.problem) for i in items if i.problem] == [
        (2, "event 2: not valid JSON"), (3, "event 3: not a JSON object (got list)")]
    assert [i.data["id"] for i in items if i.data] == ["1", "4"]


async def test_sse_delete_events(server: TestServer) -> None:
    server.route("GET", "/relay", Reply.sse([event(1), "event: delete\ndata: 1\n\n",
                                             'event: delete\ndata: {"id": "7"}\n\n']))
    source = sse(f"{server.url}/relay", Sleeps(), once=True)
    items = [item async for item in source.items(None)]
    assert [i.deleted_id for i in items] == [None, "1", "7"]


async def test_sse_silence_is_noticed_and_the_stream_reopened(server: TestServer) -> None:
    server.route("GET", "/relay", [Reply.sse([event(1)], hold=30), Reply.sse([event(2)], hold=30)])
    sleeps = Sleeps()
    source = SseSource(f"{server.url}/relay", http=http(stream_timeout=0.3), sleep=sleeps, retry_base=0.01)
    items = await take(source, 2)
    await source.aclose()
    assert [i.data["id"] for i in items] == ["1", "2"]
    assert "read timeout" in (source.health.last_error or "")


async def test_sse_cursor_survives_a_restart(server: TestServer, tmp_path: Path) -> None:
    def replay(request: Recorded) -> Reply:
        after = int(request.headers.get("last-event-id", "0"))
        return Reply.sse([event(n) for n in range(after + 1, 6)])

    server.route("GET", "/relay", replay)
    server.route("GET", "/first", Reply.sse([event(1), event(2), event(3)]))
    db = tmp_path / "store.json"
    store = Store(db)
    pipeline = Pipeline(store, QuietTriager())
    first = sse(f"{server.url}/first", Sleeps(), once=True)
    first.name = "relay"
    counts = await pipeline.run(first)
    assert counts.new == 3
    store.close()

    store = Store(db)  # a new process over the same store
    assert store.cursor("relay") == {"last_event_id": "3"}
    pipeline = Pipeline(store, QuietTriager())
    again = sse(f"{server.url}/relay", Sleeps(), once=True)
    again.name = "relay"
    counts = await pipeline.run(again)
    assert server.requests_to("/relay")[0].headers["last-event-id"] == "3"
    assert (counts.new, counts.duplicate) == (2, 0)
    assert sorted(m["id"] for m in store.mentions()) == ["1", "2", "3", "4", "5"]
    store.close()


async def test_sse_without_ids_moves_no_cursor(server: TestServer) -> None:
    server.route("GET", "/relay", Reply.sse([event(1, with_id=False)]))
    items = [i async for i in sse(f"{server.url}/relay", Sleeps(), once=True).items(None)]
    assert items[0].cursor is NO_CURSOR


def jsonl_body(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


async def test_jsonl_url_lines_and_problems(server: TestServer, tmp_path: Path) -> None:
    body = jsonl_body(orjson.dumps(mention(1)).decode(), "", "{broken", orjson.dumps(mention(2)).decode(),
                      '"just a string"')
    server.route("GET", "/m.jsonl", Reply(body=body, headers={"Content-Type": "application/x-ndjson"}))
    source = JsonlUrlSource(f"{server.url}/m.jsonl", once=True, http=http(), sleep=Sleeps())
    store = Store(tmp_path / "s.json")
    counts = await Pipeline(store, QuietTriager()).run(source)
    store.close()
    assert (counts.new, counts.invalid) == (2, 2)
    assert [(p.line, p.message) for p in counts.problems] == [
        (3, "not valid JSON"), (5, "not a JSON object (got str)")]


async def test_jsonl_url_streamed_in_chunks(server: TestServer) -> None:
    line = orjson.dumps(mention(1)).decode()
    server.route("GET", "/m.jsonl", Reply(chunks=[line[:10], 0.05, line[10:] + "\n" + line[:5],
                                                  line[5:]]))
    source = JsonlUrlSource(f"{server.url}/m.jsonl", once=True, http=http(), sleep=Sleeps())
    items = [i async for i in source.items(None)]
    assert [i.data["id"] for i in items] == ["1", "1"]  # the last line needs no newline


async def test_jsonl_url_repolls_conditionally_and_recovers_from_5xx(server: TestServer) -> None:
    ok = Reply(body=jsonl_body(orjson.dumps(mention(1)).decode()), headers={"ETag": '"v1"'})
    server.route("GET", "/m.jsonl", [ok, Reply(500), Reply(304),
                                     Reply(body=jsonl_body(orjson.dumps(mention(2)).decode()))])
    sleeps = Sleeps()
    source = JsonlUrlSource(f"{server.url}/m.jsonl", http=http(), sleep=sleeps, poll=7, retry_base=0.01)
    items = await take(source, 2)
    await source.aclose()
    assert [i.data["id"] for i in items] == ["1", "2"]
    requests = server.requests_to("/m.jsonl")
    assert [r.headers.get("if-none-match") for r in requests] == [None, '"v1"', '"v1"', '"v1"']
    assert sleeps.waits[0] == 7 and sleeps.waits[2] == 7 and sleeps.waits[1] < 1
    assert "500" in (source.health.last_error or "") and source.health.healthy


async def test_jsonl_url_once_with_401_reports_and_stops(server: TestServer) -> None:
    server.route("GET", "/m.jsonl", Reply.json({"error": "The access token is invalid"}, status=401))
    source = JsonlUrlSource(f"{server.url}/m.jsonl?token=abcdef123", once=True, http=http(), sleep=Sleeps())
    assert [i async for i in source.items(None)] == []
    assert "access token is invalid" in (source.health.last_error or "")
    assert "abcdef123" not in (source.health.last_error or "") and "abcdef123" not in source.where


def test_registry_builds_relays() -> None:
    assert isinstance(from_spec("sse:https://relay.example/events"), SseSource)
    jsonl = from_spec("jsonl:https://relay.example/m.jsonl", once=True)
    assert isinstance(jsonl, JsonlUrlSource) and jsonl.once


def test_a_relayed_delete_finds_the_mention_by_its_own_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import make_mention
    from tui.services.pipeline import Pipeline
    from tui.sources.base import Source
    from tui.storage.store import Store

    relay = Source("relay")
    relay.platform = "sse"
    with Store(tmp_path / "s.json") as store:
        pipeline = Pipeline(store, QuietTriager())  # type: ignore[arg-type]
        pipeline.ingest(make_mention(5, "hello", source="mastodon"))
        pipeline.handle(relay, Item(deleted_id="5", data={"source": "mastodon"}))
        assert store.mention("mastodon:5")["deleted"] is True, "kept, marked deleted"
