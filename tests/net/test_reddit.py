"""Reddit source and replies against a real local HTTP server serving recorded payloads."""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import QuietTriager, Sleeps
from tests.servers import Recorded, Reply, TestServer
from tui.core.model import parse_mention
from tui.services.pipeline import Pipeline
from tui.sources.base import Item
from tui.sources.http import HttpClient, PermanentError, RateLimitError
from tui.sources.reddit import RedditReplyError, RedditSource, link_to_mention
from tui.storage.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures_net" / "reddit"
SECRET, PASSWORD = "app-secret-123", "hunter2-password"


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / f"{name}.json").read_bytes())


def make(server: TestServer, *, oauth: bool = True, sleeps: Sleeps | None = None, **kw: Any) -> RedditSource:
    sleeps = sleeps or Sleeps()
    http = HttpClient(sleep=sleeps, retries=kw.pop("retries", 0), backoff_base=0.01, timeout=2.0)
    creds: dict[str, Any] = {}
    if oauth:
        creds = {"client_id": "my-app", "client_secret": SECRET, "username": "brandteam",
                 "password": PASSWORD}
    return RedditSource(kw.pop("queries", ["praw oauth search"]), base=server.url,
                        oauth_base=server.url + "/oa", name="reddit-test", once=True, http=http,
                        sleep=sleeps, **creds, **kw)


def route_token(server: TestServer) -> None:
    server.route("POST", "/api/v1/access_token",
                 Reply.json({"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600,
                             "scope": "*"}))


async def drain(source: RedditSource, cursor: Any = None) -> list[Item]:
    return [item async for item in source.items(cursor)]


def test_listing_links_convert() -> None:
    children = fixture("search_listing")["data"]["children"]
    converted = [parse_mention(link_to_mention(c["data"])) for c in children]
    assert [m["id"] for m in converted] == ["t3_3gpbiu", "t3_3x4kt2", "t3_3b4erh", "t3_1qvzkd", "t3_3qc02b",
                                            "t3_4at068"]
    first = converted[0]
    assert first["author"] == "u/dClauzel" and first["source"] == "reddit"
    assert first["created_at"] == "2015-08-12T09:08:34+00:00"
    assert first["text"].startswith("[PRAW][OAuth2Util] Problem using get_banned() : "
                                    "raise Forbidden(_raw=response)\n\n# solved")
    assert first["url"] == ("https://www.reddit.com/r/redditdev/comments/3gpbiu/"
                            "prawoauth2util_problem_using_get_banned_raise/")
    assert first["extra"]["subreddit"] == "r/redditdev"
    assert converted[5]["text"].startswith("たびたび話題になる")


async def test_oauth_search_then_restart_repeats_nothing(http_server: TestServer, tmp_path: Path) -> None:
    route_token(http_server)
    listing = fixture("search_listing")
    http_server.route("GET", "/oa/r/all/search", Reply.json(listing))
    db = tmp_path / "store"
    store = Store(db)
    source = make(http_server, subreddit="r/all")
    counts = await Pipeline(store, QuietTriager()).run(source)
    assert counts.new == 6 and source.health.healthy and source.can_reply
    token = http_server.requests_to("/api/v1/access_token")[0]
    assert token.form() == {"grant_type": ["password"], "username": ["brandteam"], "password": [PASSWORD]}
    assert token.headers["authorization"] == "Basic " + base64.b64encode(f"my-app:{SECRET}".encode()).decode()
    search = http_server.requests_to("/oa/r/all/search")[0]
    assert search.headers["authorization"] == "Bearer tok-1"
    assert (search.param("q"), search.param("sort"), search.param("restrict_sr")) == (
        "praw oauth search", "new", "on")
    assert "turnaround/" in search.headers["user-agent"]
    store.close()

    newer = copy.deepcopy(listing)
    post = newer["data"]["children"][0]["data"]
    post.update(name="t3_new1", id="new1", created_utc=1_458_300_000.0, title="A new one about praw")
    http_server.route("GET", "/oa/r/all/search", Reply.json(newer))
    store = Store(db)  # a restart
    counts = await Pipeline(store, QuietTriager()).run(make(http_server, subreddit="all"))
    assert (counts.new, counts.duplicate) == (1, 0)
    assert store.mention("reddit:t3_new1") is not None
    assert "t3_new1" in store.cursor("reddit-test")["queries"]["praw oauth search"]["seen"]
    store.close()


async def test_without_oauth_searches_the_public_json(http_server: TestServer) -> None:
    http_server.route("GET", "/search.json", Reply.json(fixture("search_listing")))
    source = make(http_server, oauth=False)
    items = await drain(source)
    assert len(items) == 6 and not source.can_reply
    assert "authorization" not in http_server.requests_to("/search.json")[0].headers
    with pytest.raises(PermanentError, match="OAuth"):
        await source.post_reply(items[0].data, "hi", "key-1")


async def test_exhausted_rate_limit_waits_for_the_reset(http_server: TestServer) -> None:
    route_token(http_server)
    http_server.route("GET", "/oa/search", Reply.json(fixture("search_listing"), headers={
        "x-ratelimit-remaining": "0.0", "x-ratelimit-used": "600", "x-ratelimit-reset": "7"}))
    sleeps = Sleeps()
    source = make(http_server, sleeps=sleeps, queries=["one", "two"])
    await drain(source)
    assert len(http_server.requests_to("/oa/search")) == 2
    assert sleeps.waits and 6 <= sleeps.waits[0] <= 7  # the second search waited out the budget


async def test_comment_reply(http_server: TestServer) -> None:
    route_token(http_server)
    http_server.route("GET", "/oa/user/brandteam/comments", Reply.json(
        {"kind": "Listing", "data": {"children": [], "after": None}}))
    http_server.route("POST", "/oa/api/comment", Reply.json(fixture("comment_reply"), headers={
        "x-ratelimit-remaining": "599.0", "x-ratelimit-reset": "369"}))
    source = make(http_server)
    sent = await source.post_reply({"id": "t1_d1616q2", "source": "reddit"}, "Comment reply", "outbox-1")
    assert sent["id"] == "t1_d1680wu" and sent["already_sent"] is False
    assert sent["url"] == "https://www.reddit.com/comments/4b1tfm/_/d1680wu/"
    posted = http_server.requests_to("/oa/api/comment")[0]
    assert posted.form() == {"api_type": ["json"], "thing_id": ["t1_d1616q2"], "text": ["Comment reply"]}
    assert posted.headers["authorization"] == "Bearer tok-1"


async def test_resend_finds_the_earlier_comment(http_server: TestServer) -> None:
    route_token(http_server)
    thing = fixture("comment_reply")["json"]["data"]["things"][0]
    http_server.route("GET", "/oa/user/brandteam/comments", Reply.json(
        {"kind": "Listing", "data": {"children": [thing], "after": None}}))
    source = make(http_server)
    sent = await source.post_reply({"id": "t1_d1616q2"}, "Comment  reply", "outbox-1")
    assert sent["already_sent"] is True and sent["id"] == "t1_d1680wu"
    assert http_server.requests_to("/oa/api/comment") == []


def comment_errors(errors: list[list[str]]) -> Reply:
    return Reply.json({"json": {"errors": errors}})


@pytest.mark.parametrize("errors, kind, words", [
    ([["THREAD_LOCKED", "that comment is archived", "parent"]], RedditReplyError, "THREAD_LOCKED"),
    ([["RATELIMIT", "you are doing that too much. try again in 9 minutes.", "ratelimit"]], RateLimitError,
     "doing that too much"),
])
async def test_error_payload_raises(http_server: TestServer, errors: list[list[str]], kind: type,
                                    words: str) -> None:
    route_token(http_server)
    http_server.route("GET", "/oa/user/brandteam/comments", Reply.json({"data": {"children": []}}))
    http_server.route("POST", "/oa/api/comment", comment_errors(errors))
    source = make(http_server)
    with pytest.raises(kind, match=words) as raised:
        await source.post_reply({"id": "t3_3gpbiu"}, "Thanks, we are on it", "outbox-2")
    if kind is RateLimitError:
        assert raised.value.retry_in == 540
    else:
        assert raised.value.code == "THREAD_LOCKED"


async def test_bad_password_is_a_clear_unhealthy_reason(http_server: TestServer) -> None:
    http_server.route("POST", "/api/v1/access_token", Reply.json({"error": "invalid_grant"}))
    source = make(http_server)
    assert await drain(source) == []
    assert not source.health.healthy
    error = source.health.last_error or ""
    assert "invalid_grant" in error and PASSWORD not in error and SECRET not in error


async def test_expired_token_is_renewed_once(http_server: TestServer) -> None:
    tokens = iter(["tok-1", "tok-2"])

    def token(_: Recorded) -> Reply:
        return Reply.json({"access_token": next(tokens), "expires_in": 3600})

    http_server.route("POST", "/api/v1/access_token", token)
    http_server.route("GET", "/oa/search", [Reply.json({"message": "Unauthorized", "error": 401}, status=401),
                                            Reply.json(fixture("search_listing"))])
    source = make(http_server)
    assert len(await drain(source)) == 6 and source.health.healthy
    assert [r.headers["authorization"] for r in http_server.requests_to("/oa/search")] == [
        "Bearer tok-1", "Bearer tok-2"]


@pytest.mark.parametrize("reply, words", [
    (Reply.json({"message": "Too Many Requests"}, status=429, headers={"x-ratelimit-reset": "300"}), "429"),
    (Reply.json({"message": "Internal"}, status=500), "500"),
    (Reply.json({}, delay=1.0), "timeout"),
])
async def test_faults_mark_unhealthy(http_server: TestServer, reply: Reply, words: str) -> None:
    http_server.route("GET", "/search.json", reply)
    sleeps = Sleeps()
    http = HttpClient(sleep=sleeps, retries=0, timeout=0.3)
    source = RedditSource(["acme"], base=http_server.url, once=True, http=http, sleep=sleeps)
    assert await drain(source) == []
    assert not source.health.healthy and words in (source.health.last_error or "")


def test_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDDIT_SECRET", SECRET)
    monkeypatch.setenv("REDDIT_REFRESH", "refresh-tok")
    source = RedditSource.from_config({"type": "reddit", "query": ["acme", "acme corp"], "subreddit": "acme",
                                       "client_id": "id", "client_secret_env": "REDDIT_SECRET",
                                       "refresh_token_env": "REDDIT_REFRESH", "user_agent": "acme-bot/1.0"})
    assert source.queries == ["acme", "acme corp"] and source.subreddit == "acme"
    assert source.client_secret == SECRET and source.refresh_token == "refresh-tok" and source.can_reply
    readonly = RedditSource.from_config({"type": "reddit", "query": "acme"})
    assert not readonly.can_reply and readonly.platform == "reddit"
    with pytest.raises(ValueError, match="password"):
        RedditSource.from_config({"type": "reddit", "query": "acme", "client_id": "id", "username": "me"})
    with pytest.raises(ValueError, match="unknown key"):
        RedditSource.from_config({"type": "reddit", "query": "acme", "subredit": "x"})
