"""RSS/Atom feed source against a real local HTTP server serving recorded feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser
import pytest

from tests.helpers import QuietTriager, Sleeps
from tests.servers import Reply, TestServer
from tui.core.model import parse_mention
from tui.services.pipeline import Pipeline
from tui.sources.base import Item
from tui.sources.feed import SEEN_LIMIT, FeedSource, SeenIds, entry_to_mention
from tui.sources.http import HttpClient
from tui.sources.registry import SourceSpecError, from_config
from tui.storage.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures_net" / "feeds"
ALERTS = (FIXTURES / "google_alerts.atom.xml").read_bytes()
HN_RSS = (FIXTURES / "hacker_news.rss.xml").read_bytes()
ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def make(server: TestServer, path: str = "/alerts", **kw: Any) -> FeedSource:
    sleeps = Sleeps()
    http = HttpClient(sleep=sleeps, retries=kw.pop("retries", 0), backoff_base=0.01,
                      timeout=kw.pop("timeout", 2.0))
    return FeedSource(f"{server.url}{path}", name="feed-test", once=True, http=http, sleep=sleeps, **kw)


async def drain(source: FeedSource, cursor: Any = None) -> list[Item]:
    return [item async for item in source.items(cursor)]


def mentions(items: list[Item]) -> list[dict[str, Any]]:
    return [i.data for i in items if i.data is not None]


def test_google_alert_entry_is_plain_text_with_the_real_link() -> None:
    parsed = feedparser.parse(ALERTS)
    mention = parse_mention(entry_to_mention(parsed.entries[1], feed_url="https://www.google.com/alerts/feeds/x",
                                             feed_title="Google Alert - Slack"))
    assert mention["id"] == "tag:google.com,2013:googlealerts/feed:13685523368333461374"
    assert mention["source"] == "rss"
    assert mention["text"].startswith("Slack Stock Has a Compelling Story and the Numbers to Back It Up\n\n")
    assert "<b>" not in mention["text"] and "&#39;" not in mention["text"]
    assert "the Company's decision to go public" in mention["text"]
    assert mention["url"] == "https://investorplace.com/2019/07/slack-stock-truly-compelling/"  # unwrapped
    assert mention["author"] == "investorplace.com"  # the alert names no author: the publisher's domain
    assert mention["created_at"] == "2019-07-10T11:46:48+00:00"
    assert mention["extra"]["feed"] == "Google Alert - Slack"


def test_rss_item_without_guid_uses_its_link() -> None:
    parsed = feedparser.parse(HN_RSS)
    mention = parse_mention(entry_to_mention(parsed.entries[0], feed_url="https://news.ycombinator.com/"))
    assert mention["id"] == mention["url"] == (
        "https://aws.amazon.com/blogs/aws/announcing-aws-lambda-function-urls-built-in-https-endpoints-for-"
        "single-function-microservices/")
    assert mention["text"] == "AWS Lambda Function URLs: Built-In HTTPS Endpoints for Lambda\n\nComments"
    assert mention["created_at"] == "2022-04-06T21:07:47+00:00"
    assert mention["extra"]["comments_url"] == "https://news.ycombinator.com/item?id=30937433"


async def test_conditional_get_then_304_means_nothing_new(http_server: TestServer, tmp_path: Path) -> None:
    etag, modified = '"alerts-v1"', "Wed, 10 Jul 2019 11:53:37 GMT"
    http_server.route("GET", "/alerts", [
        Reply(body=ALERTS, headers={**ATOM, "ETag": etag, "Last-Modified": modified}),
        Reply(status=304, headers={"ETag": etag}),
    ])
    db = tmp_path / "store"
    store = Store(db)
    counts = await Pipeline(store, QuietTriager()).run(make(http_server))
    assert counts.new + counts.duplicate == 20
    stored = store.cursor("feed-test")
    assert stored["etag"] == etag and stored["last_modified"] == modified and len(stored["seen"]) == 20
    store.close()

    store = Store(db)  # a restart
    source = make(http_server)
    counts = await Pipeline(store, QuietTriager()).run(source)
    assert (counts.new, counts.duplicate) == (0, 0)
    assert source.health.healthy and source.health.last_success
    second = http_server.requests_to("/alerts")[1]
    assert second.headers["if-none-match"] == etag and second.headers["if-modified-since"] == modified
    assert http_server.requests_to("/alerts")[0].headers.get("if-none-match") is None
    store.close()


async def test_changed_feed_yields_only_unseen_entries(http_server: TestServer) -> None:
    http_server.route("GET", "/hn", Reply(body=HN_RSS, headers={**RSS, "ETag": '"a"'}))
    first = await drain(make(http_server, "/hn"))
    assert len(mentions(first)) == 30
    assert [m["created_at"] for m in mentions(first)] == sorted(m["created_at"] for m in mentions(first))
    # the server ignores our ETag and sends the feed again with one entry more
    extra = (b"<item><title>Brand new</title><link>https://example.com/new</link>"
             b"<pubDate>Thu, 7 Apr 2022 08:00:00 +0000</pubDate></item>")
    http_server.route("GET", "/hn", Reply(body=HN_RSS.replace(b"<item>", extra + b"<item>", 1),
                                          headers={**RSS, "ETag": '"b"'}))
    second = await drain(make(http_server, "/hn"), first[-1].cursor)
    assert [m["id"] for m in mentions(second)] == ["https://example.com/new"]
    assert second[-1].cursor["etag"] == '"b"'


async def test_new_etag_is_saved_only_after_the_last_entry(http_server: TestServer) -> None:
    http_server.route("GET", "/alerts", Reply(body=ALERTS, headers={**ATOM, "ETag": '"v2"'}))
    items = await drain(make(http_server), {"etag": '"v1"', "last_modified": None, "seen": []})
    assert all(i.cursor["etag"] == '"v1"' for i in items if i.data is not None)
    assert items[-1].data is None and items[-1].cursor["etag"] == '"v2"'
    assert [len(i.cursor["seen"]) for i in items[:3]] == [1, 2, 3]


async def test_bozo_feed_still_yields_entries_and_warns(http_server: TestServer) -> None:
    broken = HN_RSS.replace(b"</channel>", b"<oops & bad markup>\n</channel>")
    assert feedparser.parse(broken).bozo
    http_server.route("GET", "/hn", Reply(body=broken, headers=RSS))
    source = make(http_server, "/hn")
    items = await drain(source)
    assert len(mentions(items)) == 30
    assert source.health.healthy
    assert source.health.warnings and "malformed feed" in source.health.warnings[0]


async def test_a_page_that_is_not_a_feed_marks_unhealthy(http_server: TestServer) -> None:
    http_server.route("GET", "/alerts", Reply(body=b"<html><body>Sign in <b>", headers={
        "Content-Type": "text/html"}))
    source = make(http_server)
    assert mentions(await drain(source)) == []
    assert not source.health.healthy and "not an RSS or Atom feed" in (source.health.last_error or "")


async def test_watch_terms_keep_only_matching_entries(http_server: TestServer) -> None:
    http_server.route("GET", "/hn", Reply(body=HN_RSS, headers=RSS))
    items = await drain(make(http_server, "/hn", watch=["bluesky", "DALL-E"]))
    assert sorted(m["text"].split("\n")[0] for m in mentions(items)) == [
        "Dall-E 2", "Twitter Bluesky: A Self-Authenticating Social Protocol"]
    assert len(items[-1].cursor["seen"]) == 30  # the others are seen, not re-read next time


@pytest.mark.parametrize("reply, words", [
    (Reply.json({"error": "boom"}, status=500), "500"),
    (Reply.json({"error": "slow"}, status=429, headers={"Retry-After": "60"}), "429"),
    (Reply(body=ALERTS, headers=ATOM, delay=1.0), "timeout"),
    (Reply.json({"error": "gone"}, status=404), "404"),
])
async def test_faults_mark_the_feed_unhealthy(http_server: TestServer, reply: Reply, words: str) -> None:
    http_server.route("GET", "/alerts", reply)
    source = make(http_server, timeout=0.3)
    assert await drain(source) == []
    assert not source.health.healthy and words in (source.health.last_error or "")
    assert source.health.next_try is not None


def test_seen_ids_are_bounded_and_ordered() -> None:
    seen = SeenIds(str(i) for i in range(SEEN_LIMIT + 10))
    assert len(seen) == SEEN_LIMIT and "0" not in seen and str(SEEN_LIMIT + 9) in seen
    assert seen.as_list()[-1] == str(SEEN_LIMIT + 9)


def test_from_config() -> None:
    source = FeedSource.from_config({"type": "atom", "url": "https://example.com/f.xml", "name": "alerts",
                                     "watch": ["acme"], "poll_seconds": 120})
    assert (source.url, source.watch, source.poll_seconds) == ("https://example.com/f.xml", ["acme"], 120)
    assert source.platform == "rss" and not source.can_reply
    with pytest.raises(ValueError, match="url"):
        FeedSource.from_config({"type": "rss", "url": "file:///etc/passwd"})
    with pytest.raises(ValueError, match="unknown key"):
        FeedSource.from_config({"type": "rss", "url": "https://example.com/", "wacth": ["x"]})


@pytest.mark.parametrize("kind", ["rss", "atom", "feed"])
def test_registry_builds_every_feed_type(kind: str) -> None:
    source = from_config({"type": kind, "url": "https://example.com/feed"}, 2)
    assert isinstance(source, FeedSource) and source.name == f"{kind}-2"
    with pytest.raises(SourceSpecError, match="url"):
        from_config({"type": kind}, 2)
