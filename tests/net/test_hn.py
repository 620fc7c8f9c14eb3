"""Hacker News (Algolia) source against a real local HTTP server serving recorded payloads."""

from __future__ import annotations

import asyncio
import copy
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import QuietTriager, Sleeps
from tests.servers import Recorded, Reply, TestServer
from tui.core.model import parse_mention
from tui.services.pipeline import Pipeline
from tui.sources.base import NO_CURSOR, Item
from tui.sources.hn import HackerNewsSource, hit_to_mention
from tui.sources.http import HttpClient
from tui.storage.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures_net" / "hn"
PATH = "/api/v1/search_by_date"


def fixture(name: str) -> dict[str, Any]:
    return orjson.loads((FIXTURES / f"{name}.json").read_bytes())


def make(server: TestServer, sleeps: Sleeps | None = None, *, once: bool = True, retries: int = 0,
         timeout: float = 2.0, query: list[str] | None = None) -> HackerNewsSource:
    sleeps = sleeps or Sleeps()
    http = HttpClient(sleep=sleeps, retries=retries, backoff_base=0.01, timeout=timeout)
    return HackerNewsSource(query or ["apple"], base=server.url, name="hn-test", once=once, http=http,
                            sleep=sleeps)


async def drain(source: HackerNewsSource, cursor: Any = None) -> list[Item]:
    return [item async for item in source.items(cursor)]


def last_cursor(items: list[Item]) -> Any:
    cursors = [i.cursor for i in items if i.cursor is not NO_CURSOR]
    return cursors[-1] if cursors else None


def test_comment_hit_converts_to_a_threaded_mention() -> None:
    mention = parse_mention(hit_to_mention(fixture("search_by_date_comment")["hits"][0]))
    assert mention["id"] == "7919431" and mention["source"] == "hn" and mention["author"] == "gohrt"
    assert mention["created_at"] == "2014-06-20T03:39:55+00:00"
    assert mention["url"] == "https://news.ycombinator.com/item?id=7919431"
    assert mention["in_reply_to"] == "7919207" and mention["thread"] == "7919207"
    assert mention["thread_uid"] == "hn:7919207"
    # comment_text is HTML: tags gone, entities decoded, paragraphs kept
    assert "<p>" not in mention["text"] and "&#x27;" not in mention["text"]
    assert "What's fascinating" in mention["text"]
    assert "https://hn.algolia.com/?q=Fibonacci+Flim-Flam" in mention["text"]
    assert mention["extra"]["story_title"] == "Fibonacci Flim-Flam"


def test_story_hits_carry_title_text_and_links() -> None:
    story = parse_mention(hit_to_mention(fixture("search_by_date_story")["hits"][0]))
    assert story["text"] == "Judge says concerned about Apple, Google hiring settlement"
    assert story["url"].startswith("http://in.reuters.com/")
    assert story["extra"]["discussion_url"] == "https://news.ycombinator.com/item?id=7919424"
    assert "in_reply_to" not in story
    ask = parse_mention(hit_to_mention(fixture("search_ask_hn_page2")["hits"][0]))
    assert ask["text"].startswith("Ask HN: How many people upset over Apple's rules")
    assert "\n\nIt would be interesting" in ask["text"]
    assert ask["url"] == "https://news.ycombinator.com/item?id=1256391"  # no story url: the discussion


class Algolia:
    """A scripted index: hits filtered by `numericFilters=created_at_i>=N`, newest first."""

    def __init__(self) -> None:
        self.hits: list[dict[str, Any]] = []

    def add(self, name: str, object_id: int, created: int) -> None:
        hit = copy.deepcopy(fixture(name)["hits"][0])
        hit["objectID"], hit["created_at_i"] = str(object_id), created
        field = "comment_text" if hit.get("comment_text") else "title"
        hit[field] += f" (#{object_id})"  # distinct texts: the pipeline folds exact repeats
        self.hits.append(hit)

    def __call__(self, request: Recorded) -> Reply:
        floor = 0
        numeric = request.param("numericFilters")
        if numeric:
            match = re.fullmatch(r"created_at_i>=(\d+)", numeric)
            assert match, numeric
            floor = int(match.group(1))
        hits = sorted((h for h in self.hits if h["created_at_i"] >= floor),
                      key=lambda h: -h["created_at_i"])
        size, page = int(request.param("hitsPerPage") or 20), int(request.param("page") or 0)
        return Reply.json({"hits": hits[page * size:(page + 1) * size], "nbHits": len(hits), "page": page,
                           "nbPages": -(-len(hits) // size), "hitsPerPage": size,
                           "query": request.param("query")})


async def test_window_moves_forward_and_a_restart_repeats_nothing(http_server: TestServer,
                                                                   tmp_path: Path) -> None:
    index = Algolia()
    index.add("search_by_date_story", 100, 1_403_235_346)
    index.add("search_by_date_comment", 101, 1_403_235_595)
    index.add("search_by_date_comment", 102, 1_403_235_595)  # same second as 101: the boundary
    http_server.route("GET", PATH, index)

    db = tmp_path / "store"
    store = Store(db)
    counts = await Pipeline(store, QuietTriager()).run(make(http_server))
    assert counts.new == 3
    stored = store.cursor("hn-test")
    assert stored == {"queries": {"apple": {"newest": 1_403_235_595, "ids": ["101", "102"]}}}
    store.close()
    first = http_server.requests_to(PATH)[0]
    assert first.param("query") == "apple" and first.param("tags") == "(story,comment)"
    assert first.param("numericFilters") is None  # first run: the latest page, no backfill

    index.add("search_by_date_comment", 103, 1_403_235_595)  # indexed late, in the boundary second
    index.add("search_by_date_story", 104, 1_403_239_000)
    store = Store(db)  # a restart: new Store over the same path
    counts = await Pipeline(store, QuietTriager()).run(make(http_server))
    assert counts.new == 2 and counts.duplicate == 0
    assert http_server.requests_to(PATH)[-1].param("numericFilters") == "created_at_i>=1403235595"
    assert {m["id"] for m in store.mentions()} == {"100", "101", "102", "103", "104"}
    assert store.cursor("hn-test")["queries"]["apple"] == {"newest": 1_403_239_000, "ids": ["104"]}
    store.close()

    store = Store(db)
    counts = await Pipeline(store, QuietTriager()).run(make(http_server))
    assert (counts.new, counts.duplicate) == (0, 0)
    store.close()


async def test_items_come_oldest_first_with_a_cursor_each(http_server: TestServer) -> None:
    index = Algolia()
    for object_id, created in ((1, 30), (2, 10), (3, 20)):
        index.add("search_by_date_story", object_id, created)
    http_server.route("GET", PATH, index)
    items = await drain(make(http_server))
    assert [i.data["id"] for i in items] == ["2", "3", "1"]
    assert [i.cursor["queries"]["apple"]["newest"] for i in items] == [10, 20, 30]


async def test_a_burst_bigger_than_a_page_is_read_in_pages(http_server: TestServer) -> None:
    index = Algolia()
    for n in range(150):
        index.add("search_by_date_comment", 1000 + n, 5000 + n)
    http_server.route("GET", PATH, index)
    cursor = {"queries": {"apple": {"newest": 4000, "ids": []}}}
    items = await drain(make(http_server), cursor)
    assert len(items) == 150 and len({i.data["id"] for i in items}) == 150
    assert [r.param("page") for r in http_server.requests_to(PATH)] == ["0", "1"]


async def test_each_query_keeps_its_own_window(http_server: TestServer) -> None:
    index = Algolia()
    index.add("search_by_date_story", 1, 50)
    http_server.route("GET", PATH, index)
    items = await drain(make(http_server, query=["apple", "orange"]))
    assert len(items) == 2  # the same hit for both queries; the store dedupes it
    assert set(last_cursor(items)["queries"]) == {"apple", "orange"}


async def test_rate_limit_marks_unhealthy_with_the_servers_wait(http_server: TestServer) -> None:
    http_server.route("GET", PATH, Reply.json({"message": "slow down"}, status=429,
                                              headers={"Retry-After": "120"}))
    source = make(http_server)
    assert await drain(source) == []
    assert not source.health.healthy
    assert "429" in (source.health.last_error or "") and source.health.next_try


async def test_server_errors_mark_unhealthy_and_the_loop_recovers(http_server: TestServer) -> None:
    index = Algolia()
    index.add("search_by_date_story", 7, 1000)
    http_server.route("GET", PATH, [Reply.json({"message": "boom"}, status=500),
                                    Reply.json({"message": "boom"}, status=502), index])
    waits: list[tuple[float, bool, str]] = []

    async def sleep(seconds: float) -> None:  # what the source looked like while it waited
        waits.append((seconds, source.health.healthy, source.health.last_error or ""))

    source = make(http_server, once=False)
    source.sleep = sleep
    items = []
    async for item in source.items(None):
        items.append(item)
        break
    assert [i.data["id"] for i in items] == ["7"]
    assert source.health.healthy
    assert [healthy for _, healthy, _ in waits] == [False, False]  # backed off twice, unhealthy
    assert "500" in waits[0][2] and "502" in waits[1][2]
    assert all(seconds >= 1.0 for seconds, _, _ in waits)
    await source.aclose()


async def test_timeout_marks_unhealthy(http_server: TestServer) -> None:
    http_server.route("GET", PATH, Reply.json({"hits": []}, delay=1.0))
    source = make(http_server, timeout=0.2)
    assert await drain(source) == []
    assert not source.health.healthy and "timeout" in (source.health.last_error or "")


async def test_malformed_json_marks_unhealthy(http_server: TestServer) -> None:
    http_server.route("GET", PATH, Reply(body=b"{not json", headers={"Content-Type": "application/json"}))
    source = make(http_server)
    assert await drain(source) == []
    assert not source.health.healthy and "malformed JSON" in (source.health.last_error or "")


async def test_cancellation_is_the_only_way_out(http_server: TestServer) -> None:
    http_server.route("GET", PATH, Reply.json({"message": "boom"}, status=500))
    source = HackerNewsSource(["apple"], base=http_server.url, http=HttpClient(retries=0, timeout=2.0))
    source.retry_wait = lambda error: 60.0  # type: ignore[method-assign]  # park in a real sleep

    async def run() -> list[Item]:
        return [item async for item in source.items(None)]

    task = asyncio.create_task(run())
    while not http_server.requests_to(PATH) or source.health.healthy:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not source.health.healthy and "500" in (source.health.last_error or "")
    await source.aclose()


def test_from_config_checks_keys() -> None:
    source = HackerNewsSource.from_config({"type": "hn", "query": "acme", "poll_seconds": 30})
    assert source.queries == ["acme"] and source.base == "https://hn.algolia.com"
    assert source.poll_seconds == 30 and source.platform == "hn" and not source.can_reply
    with pytest.raises(ValueError, match="unknown key"):
        HackerNewsSource.from_config({"type": "hn", "query": "acme", "qeury": "x"})
    with pytest.raises(ValueError, match="query"):
        HackerNewsSource.from_config({"type": "hn"})
