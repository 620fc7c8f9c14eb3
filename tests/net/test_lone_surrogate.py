"""Issue 17: a lone surrogate escape (`"\\ud83d"`, an emoji cut in half by a client) is valid JSON. Every
source keeps the mention, with U+FFFD in place of the lone half, and says so once.

Each source runs against a real HTTP server on 127.0.0.1 (tests/servers.py) serving the recorded payloads
of its own test file, with one text cut mid-emoji, and the mention is followed into a real store.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import QuietTriager
from tests.servers import Recorded, Reply, TestServer
from tui.cli.command import main
from tui.core.sanitize import clean, repair_surrogate_refs
from tui.services.pipeline import Pipeline
from tui.sources.base import Source
from tui.storage.jsonio import SURROGATE_WARNING, decode_line, loads, loads_small
from tui.storage.store import Store

CUT = "CUT-EMOJI-HERE"
"""A marker put into a recorded payload, then replaced by a lone surrogate escape in the JSON bytes."""
LONE = b"\\ud83d"


def cut(body: bytes) -> bytes:
    assert CUT.encode() in body, "the marker must be in the payload"
    return body.replace(CUT.encode(), LONE)


def cutting(handler: Any) -> Callable[[Recorded], Any]:
    """A route handler serving what `handler` would, with the marker turned into a lone surrogate."""

    async def respond(request: Recorded) -> Reply:
        reply = handler(request) if callable(handler) else handler
        if inspect.isawaitable(reply):
            reply = await reply
        body, _ = reply.encoded_body()
        return dataclasses.replace(reply, body=body.replace(CUT.encode(), LONE))

    return respond


def mention(fields: dict[str, Any]) -> dict[str, Any]:
    return {"source": "relay", "author": "@ann@x.social", "created_at": "2026-11-20T10:00:00Z", **fields}


async def collect_into_store(tmp_path: Path, source: Source) -> tuple[Store, Any]:
    store = Store(tmp_path / "store.json")
    counts = await Pipeline(store, QuietTriager()).run(source)
    return store, counts


def assert_kept(store: Store, counts: Any, source: Source, expect: str) -> None:
    """The mention is stored, the lone half is U+FFFD, and the source warned exactly once."""
    assert counts.invalid == 0, counts.problems
    texts = [m["text"] for m in store.mentions()]
    assert any(expect in text for text in texts), texts
    assert all(not any(0xD800 <= ord(c) <= 0xDFFF for c in text) for text in texts)
    assert source.health.warnings.count(SURROGATE_WARNING) == 1
    store.close()


# -- the helpers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("small", [False, True], ids=["orjson", "stdlib"])
def test_decoder_keeps_the_record_and_refuses_what_is_not_json(small: bool) -> None:
    decode = loads_small if small else loads
    assert decode(b'{"t": "cut \\ud83d"}') == ({"t": "cut \ufffd"}, True)
    assert decode(b'{"t": "pair \\ud83d\\ude00"}') == ({"t": "pair \U0001F600"}, False)
    assert decode(b'{"\\udc00": ["\\ud83d", 1]}') == ({"\ufffd": ["\ufffd", 1]}, True)
    assert decode_line(b'{"t": "x\\\\ud83d"}', small=small) == ({"t": "x\\ud83d"}, None, False), "escaped \\"
    for not_json in (b'{"t": NaN, "u": "\\ud83d"}', b'{"t": Infinity}', b'{"t": "\\ud83d"',
                     b'\xff{}', b"[1]"):
        assert decode_line(not_json, small=small)[1] in ("not valid JSON", "not a JSON object (got list)")


def test_sanitizer_replaces_lone_surrogates_and_feed_references() -> None:
    assert clean("a\ud83db\udc00") == "a\ufffdb\ufffd"
    assert repair_surrogate_refs(b"&#55357; &#xD83D;&#xDE00; &#65;") == (b"&#xFFFD; &#x1F600; &#65;", True)
    assert repair_surrogate_refs(b"plain &amp; simple") == (b"plain &amp; simple", False)


# -- every source ----------------------------------------------------------------------------------

async def test_jsonl_file(tmp_path: Path) -> None:
    from tui.sources.jsonl import JsonlSource

    path = tmp_path / "m.jsonl"
    lines = [json.dumps(mention({"id": str(n), "text": f"cut {CUT} #{n}"})).encode() for n in (1, 2)]
    path.write_bytes(b"\n".join(cut(line) for line in lines) + b"\n")
    source = JsonlSource(str(path), once=True)
    store, counts = await collect_into_store(tmp_path, source)
    assert counts.new == 2
    assert_kept(store, counts, source, "cut \ufffd #1")


async def test_jsonl_url(tmp_path: Path, http_server: TestServer) -> None:
    from tui.sources.relay import JsonlUrlSource

    body = b"".join(json.dumps(mention({"id": str(n), "text": f"{CUT} #{n}"})).encode() + b"\n"
                    for n in (1, 2))
    http_server.route("GET", "/m.jsonl",
                      Reply(body=cut(body), headers={"Content-Type": "application/x-ndjson"}))
    source = JsonlUrlSource(f"{http_server.url}/m.jsonl", once=True)
    store, counts = await collect_into_store(tmp_path, source)
    assert counts.new == 2
    assert_kept(store, counts, source, "\ufffd #2")


async def test_sse_relay(tmp_path: Path, http_server: TestServer) -> None:
    from tui.sources.relay import SseSource

    events = "".join(f"id: {n}\ndata: {json.dumps(mention({'id': str(n), 'text': f'x {CUT} {n}'}))}\n\n"
                     for n in (1, 2))
    http_server.route("GET", "/events", Reply.sse([cut(events.encode())]))
    source = SseSource(f"{http_server.url}/events", once=True, idle=1.0)
    store, counts = await collect_into_store(tmp_path, source)
    assert counts.new == 2
    assert_kept(store, counts, source, "x \ufffd 1")


async def test_mastodon_rest(tmp_path: Path, http_server: TestServer) -> None:
    from tests.net.test_mastodon import FakeMastodon
    from tests.net.test_mastodon import make as make_mastodon

    fake = FakeMastodon(http_server)
    fake.notifications[0]["status"]["content"] = f"<p>coffee {CUT} please</p>"
    http_server.route("GET", "/api/v1/notifications",
                      cutting(http_server.handler("GET", "/api/v1/notifications")))
    source = make_mastodon(http_server, once=True)
    store, counts = await collect_into_store(tmp_path, source)
    assert_kept(store, counts, source, "coffee \ufffd please")


async def test_mastodon_stream(tmp_path: Path, http_server: TestServer) -> None:
    from tests.net.test_mastodon import FIXTURES as MASTODON
    from tests.net.test_mastodon import FakeMastodon
    from tests.net.test_mastodon import make as make_mastodon

    with TestServer() as streaming:
        FakeMastodon(http_server, streaming)
        recorded = (MASTODON / "streaming.sse.txt").read_bytes()
        assert b"only real cars respond." in recorded
        recorded = recorded.replace(b"only real cars respond.", b"only real cars " + LONE + b" respond.")
        streaming.route("GET", "/api/v1/streaming/hashtag",
                        [Reply.sse([recorded], drop=True), Reply.sse([":thump\n\n"], hold=30)])
        source = make_mastodon(http_server, hashtags=["hoot"], token=None, stream=True)
        stream = source.items(None)
        items = [await anext(stream) for _ in range(3)]
        await stream.aclose()
        await source.aclose()
    store = Store(tmp_path / "store.json")
    pipeline = Pipeline(store, QuietTriager())
    outcomes = [pipeline.handle(source, item) for item in items]
    assert [o.status for o in outcomes if o] == ["new", "new", "new"]
    texts = [m["text"] for m in store.mentions()]
    assert "only real cars \ufffd respond." in texts
    assert source.health.warnings.count(SURROGATE_WARNING) == 1
    store.close()


async def test_bluesky(tmp_path: Path, http_server: TestServer) -> None:
    from tests.net.test_bluesky import X, route_reading
    from tests.net.test_bluesky import fixture as bluesky_fixture
    from tests.net.test_bluesky import make as make_bluesky

    route_reading(http_server)
    posts = copy.deepcopy(bluesky_fixture("search_posts"))
    posts["posts"][0]["record"]["text"] = f"sky {CUT} high"
    http_server.route("GET", X + "app.bsky.feed.searchPosts", cutting(Reply.json(posts)))
    source = make_bluesky(http_server)
    store, counts = await collect_into_store(tmp_path, source)
    assert_kept(store, counts, source, "sky \ufffd high")


async def test_reddit(tmp_path: Path, http_server: TestServer) -> None:
    from tests.net.test_reddit import fixture as reddit_fixture
    from tests.net.test_reddit import make as make_reddit
    from tests.net.test_reddit import route_token

    route_token(http_server)
    listing = copy.deepcopy(reddit_fixture("search_listing"))
    listing["data"]["children"][0]["data"]["title"] = f"reddit {CUT} title"
    http_server.route("GET", "/oa/r/all/search", cutting(Reply.json(listing)))
    source = make_reddit(http_server, subreddit="r/all")
    store, counts = await collect_into_store(tmp_path, source)
    assert counts.new == 6
    assert_kept(store, counts, source, "reddit \ufffd title")


async def test_hacker_news(tmp_path: Path, http_server: TestServer) -> None:
    from tests.net.test_hn import PATH, Algolia
    from tests.net.test_hn import make as make_hn

    index = Algolia()
    index.add("search_by_date_story", 100, 1_403_235_346)
    index.hits[0]["title"] = f"hn {CUT} story"
    http_server.route("GET", PATH, cutting(index))
    source = make_hn(http_server)
    store, counts = await collect_into_store(tmp_path, source)
    assert counts.new == 1
    assert_kept(store, counts, source, "hn \ufffd story")


async def test_rss_feed_with_a_surrogate_reference(tmp_path: Path, http_server: TestServer) -> None:
    """A feed is XML, not JSON: the same cut arrives as `&#55357;`, which made feedparser raise and the
    whole feed fail (every entry lost)."""
    from tests.net.test_feed import HN_RSS, RSS
    from tests.net.test_feed import make as make_feed

    first_title = HN_RSS.index(b"<title>", HN_RSS.index(b"<item>")) + len(b"<title>")
    body = HN_RSS[:first_title] + b"half &#55357; emoji " + HN_RSS[first_title:]
    http_server.route("GET", "/hn", Reply(body=body, headers=RSS))
    source = make_feed(http_server, "/hn")
    store, counts = await collect_into_store(tmp_path, source)
    assert source.health.healthy, source.health.last_error
    assert counts.new > 1
    assert_kept(store, counts, source, "half \ufffd emoji")


# -- the command line --------------------------------------------------------------------------------

def test_collect_and_triage_keep_it_and_say_so_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [cut(json.dumps(mention({"id": str(n), "text": f"{CUT} no {n}"})).encode()) for n in (1, 2)]
    path = tmp_path / "m.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    db = tmp_path / "store.json"
    assert main(["collect", "--source", f"jsonl:{path}", "--once", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2 new, 0 duplicate, 0 invalid"
    assert err.count(SURROGATE_WARNING) == 1 and "not valid JSON" not in err
    with Store(db, readonly=True) as store:
        assert sorted(m["text"] for m in store.mentions()) == ["\ufffd no 1", "\ufffd no 2"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\n".join(lines) + b"\n")))
    assert main(["triage", "-", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(row)["id"] for row in out.splitlines()] == ["1", "2"]
    assert err.count(SURROGATE_WARNING) == 1
