"""Bluesky source and replies against a real local HTTP server serving recorded XRPC payloads."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import QuietTriager, Sleeps
from tests.servers import Recorded, Reply, TestServer
from tui.core.model import parse_mention, parse_time
from tui.services.pipeline import Pipeline
from tui.sources.base import Item
from tui.sources.bluesky import (
    LOGIN_INTERVAL,
    MAX_PAGES,
    BlueskySource,
    ReplyTooLong,
    is_mention_notification,
    post_to_mention,
    tid_rkey,
)
from tui.sources.http import AuthError, HttpClient, PermanentError
from tui.storage.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures_net" / "bluesky"
PASSWORD = "abcd-efgh-ijkl-mnop"
X = "/xrpc/"
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / f"{name}.json").read_bytes())


def session(access: str = "access-1", refresh: str = "refresh-1") -> Reply:
    """The recorded session; the recorder blanked the tokens, so the test fills in its own."""
    body = fixture("create_session")
    body.update(accessJwt=access, refreshJwt=refresh)
    return Reply.json(body, headers={"RateLimit-Limit": "10", "RateLimit-Remaining": "9",
                                     "RateLimit-Policy": "10;w=86400"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(server: TestServer, *, search: list[str] | None = None, mentions: bool = True,
         clock: Clock | None = None, timeout: float = 2.0) -> BlueskySource:
    sleeps = Sleeps()
    http = HttpClient(sleep=sleeps, retries=0, backoff_base=0.01, timeout=timeout)
    return BlueskySource("bskyr.bsky.social", PASSWORD, service=server.url, name="bsky-test",
                         search=["redistricting"] if search is None else search, mentions=mentions, once=True,
                         http=http, sleep=sleeps, clock=clock or Clock())


def profiles(request: Recorded) -> Reply:
    actors = request.query.get("actors", [])
    assert len(actors) <= 25
    return Reply.json({"profiles": [{"did": a, "handle": "x", "followersCount": 1000 + i}
                                    for i, a in enumerate(actors)]})


def route_reading(server: TestServer) -> None:
    server.route("POST", X + "com.atproto.server.createSession", session())
    server.route("GET", X + "app.bsky.feed.searchPosts", Reply.json(fixture("search_posts")))
    server.route("GET", X + "app.bsky.notification.listNotifications",
                 Reply.json(fixture("list_notifications")))
    server.route("GET", X + "app.bsky.actor.getProfiles", profiles)


async def drain(source: BlueskySource, cursor: Any = None) -> list[Item]:
    return [item async for item in source.items(cursor)]


def test_search_post_converts_with_reply_refs_and_cid() -> None:
    posts = fixture("search_posts")["posts"]
    reply = parse_mention(post_to_mention(posts[2]))
    assert reply["id"] == "at://did:plc:7nagdvjqrzaquzk7mueohne5/app.bsky.feed.post/3lpjzka2pzc2l"
    assert reply["author"] == "mcpli.bsky.social" and reply["author_name"] == "Michael Li (李之樸)"
    assert reply["url"] == "https://bsky.app/profile/mcpli.bsky.social/post/3lpjzka2pzc2l"
    assert reply["created_at"] == "2025-05-19T16:46:41.792000+00:00"
    assert reply["in_reply_to"] == posts[2]["record"]["reply"]["parent"]["uri"]
    assert reply["thread"] == posts[2]["record"]["reply"]["root"]["uri"]
    assert reply["extra"]["cid"] == posts[2]["cid"]
    assert reply["extra"]["root_cid"] == posts[2]["record"]["reply"]["root"]["cid"]
    top = parse_mention(post_to_mention(posts[0]))
    assert top["created_at"] == "2025-05-19T17:10:09.561858+00:00" and "in_reply_to" not in top
    assert all(parse_mention(post_to_mention(p)) for p in posts)


def test_notifications_keep_only_mentions_replies_and_quotes() -> None:
    notes = fixture("list_notifications")["notifications"]
    kept = [n for n in notes if is_mention_notification(n)]
    assert sorted({n["reason"] for n in notes}) == ["follow", "like", "mention", "quote", "repost"]
    assert [n["reason"] for n in kept] == ["mention", "quote"]
    mention = parse_mention(post_to_mention(kept[0], reason="mention"))
    assert mention["author"] == "josephjefe.bsky.social" and "@bskyr.bsky.social" in mention["text"]
    assert mention["extra"]["reason"] == "mention"


def test_bogus_created_at_falls_back_to_indexed_at() -> None:
    post = copy.deepcopy(fixture("search_posts")["posts"][0])
    post["record"]["createdAt"] = "yesterday-ish"
    assert post_to_mention(post)["created_at"] == "2025-05-19T17:10:09.813000+00:00"


async def test_one_session_search_mentions_and_followers(http_server: TestServer, tmp_path: Path) -> None:
    route_reading(http_server)
    db = tmp_path / "store"
    store = Store(db)
    source = make(http_server)
    counts = await Pipeline(store, QuietTriager()).run(source)
    assert counts.new + counts.duplicate == 22  # 20 search hits + a mention + a quote
    assert source.health.healthy
    assert len(http_server.requests_to(X + "com.atproto.server.createSession")) == 1
    login = http_server.requests_to(X + "com.atproto.server.createSession")[0].json()
    assert login == {"identifier": "bskyr.bsky.social", "password": PASSWORD}
    search = http_server.requests_to(X + "app.bsky.feed.searchPosts")[0]
    assert search.param("q") == "redistricting" and search.param("sort") == "latest"
    assert search.headers["authorization"] == "Bearer access-1"
    mention = store.mention("bluesky:at://did:plc:lprqqpoyjspuma25n5gofocf/app.bsky.feed.post/3lmicbemya22g")
    assert mention is not None and isinstance(mention["followers"], int)
    lookups = http_server.requests_to(X + "app.bsky.actor.getProfiles")
    assert [len(r.query["actors"]) for r in lookups] == [14, 2]  # a batch per listing, distinct authors
    stored = store.cursor("bsky-test")
    assert stored["search"]["redistricting"]["newest"] == "2025-05-19T17:10:09.813000+00:00"
    assert stored["mentions"]["newest"] == "2025-05-17T08:44:44.416000+00:00"  # likes move it too
    state = orjson.dumps(store.source_state("bsky-test")).decode()
    assert PASSWORD not in state and "access-1" not in state and "refresh-1" not in state
    store.close()

    store = Store(db)  # a restart: same payloads again, nothing new
    counts = await Pipeline(store, QuietTriager()).run(make(http_server))
    assert (counts.new, counts.duplicate) == (0, 0)
    store.close()


async def test_expired_token_is_refreshed_not_relogged(http_server: TestServer) -> None:
    route_reading(http_server)
    http_server.route("GET", X + "app.bsky.feed.searchPosts", [
        Reply.json({"error": "ExpiredToken", "message": "Token has expired"}, status=400),
        Reply.json(fixture("search_posts")),
    ])
    http_server.route("POST", X + "com.atproto.server.refreshSession", session("access-2", "refresh-2"))
    source = make(http_server, mentions=False)
    items = await drain(source)
    assert len(items) == 20 and source.health.healthy
    assert len(http_server.requests_to(X + "com.atproto.server.createSession")) == 1
    refresh = http_server.requests_to(X + "com.atproto.server.refreshSession")
    assert [r.headers["authorization"] for r in refresh] == ["Bearer refresh-1"]
    assert [r.headers["authorization"] for r in http_server.requests_to(X + "app.bsky.feed.searchPosts")] == [
        "Bearer access-1", "Bearer access-2"]


async def test_bad_app_password_is_not_retried_soon(http_server: TestServer) -> None:
    http_server.route("POST", X + "com.atproto.server.createSession",
                      Reply.json(fixture("create_session_error_401"), status=401))
    clock = Clock()
    source = make(http_server, clock=clock)
    assert await drain(source) == []
    error = source.health.last_error or ""
    assert not source.health.healthy and "Bluesky refused the login as bskyr.bsky.social" in error
    assert "createSession answered 401 (AuthenticationRequired: Invalid identifier or password)" in error
    assert "check the handle and app password" in error and PASSWORD not in error
    clock.now += 60
    assert await drain(source) == []  # within the interval: no second login attempt
    assert "Bluesky refused the login" in (source.health.last_error or "")
    assert "waiting" not in (source.health.last_error or "")
    assert len(http_server.requests_to(X + "com.atproto.server.createSession")) == 1
    clock.now += LOGIN_INTERVAL
    await drain(source)
    assert len(http_server.requests_to(X + "com.atproto.server.createSession")) == 2


async def test_revoked_app_password_says_the_session_was_refused(http_server: TestServer) -> None:
    """refreshSession refused soon after a login: report the refusal, not "waiting 575 s", and wait."""
    route_reading(http_server)
    expired = Reply.json({"error": "ExpiredToken", "message": "Token has expired"}, status=400)
    http_server.route("GET", X + "app.bsky.feed.searchPosts", [Reply.json(fixture("search_posts")), expired])
    http_server.route("POST", X + "com.atproto.server.refreshSession",
                      Reply.json({"error": "ExpiredToken", "message": "Token has been revoked"}, status=400))
    clock = Clock()
    source = make(http_server, mentions=False, clock=clock)
    assert len(await drain(source)) == 20 and source.health.healthy
    clock.now += 25
    assert await drain(source) == []
    error = source.health.last_error or ""
    assert not source.health.healthy
    assert "Bluesky refused the session of bskyr.bsky.social" in error
    assert "refreshSession answered 400 (ExpiredToken: Token has been revoked)" in error
    assert "waiting" not in error and PASSWORD not in error and "refresh-1" not in error
    assert source.health.next_try is not None
    clock.now += 60  # the next poll: no refresh, no login, no request at all until the interval is over
    before = len(http_server.requests)
    assert await drain(source) == []
    assert len(http_server.requests) == before
    assert "refreshSession answered 400 (ExpiredToken: Token has been revoked)" in (
        source.health.last_error or "")
    assert len(http_server.requests_to(X + "com.atproto.server.createSession")) == 1
    assert len(http_server.requests_to(X + "com.atproto.server.refreshSession")) == 1
    # Past the interval it logs in again; the revoked password is refused, and both refusals are named.
    http_server.route("POST", X + "com.atproto.server.createSession",
                      Reply.json(fixture("create_session_error_401"), status=401))
    clock.now += LOGIN_INTERVAL
    assert await drain(source) == []
    error = source.health.last_error or ""
    assert "refreshSession answered 400 (ExpiredToken: Token has been revoked), then createSession " \
           "answered 401 (AuthenticationRequired: Invalid identifier or password)" in error
    assert len(http_server.requests_to(X + "com.atproto.server.createSession")) == 2


async def test_refused_login_400_is_reported_not_waited_on(http_server: TestServer) -> None:
    http_server.route("POST", X + "com.atproto.server.createSession", Reply.json(
        {"error": "AccountTakedown", "message": "Account has been taken down"}, status=400))
    clock = Clock()
    source = make(http_server, clock=clock)
    assert await drain(source) == []
    clock.now += 120
    assert await drain(source) == []
    error = source.health.last_error or ""
    assert "Bluesky refused the login as bskyr.bsky.social: createSession answered 400 " \
           "(AccountTakedown: Account has been taken down); the account has been taken down" in error
    assert "waiting" not in error
    assert len(http_server.requests_to(X + "com.atproto.server.createSession")) == 1


async def test_a_burst_pages_on_until_the_watermark(http_server: TestServer) -> None:
    route_reading(http_server)
    page = fixture("search_posts")
    http_server.route("GET", X + "app.bsky.feed.searchPosts", [
        Reply.json(page), Reply.json({"posts": [], "cursor": None})])
    cursor = {"search": {"redistricting": {"newest": "2025-05-01T00:00:00.000000+00:00", "ids": []}}}
    items = await drain(make(http_server, mentions=False), cursor)
    assert len(items) == 20
    pages = http_server.requests_to(X + "app.bsky.feed.searchPosts")
    assert [r.param("cursor") for r in pages] == [None, "25"]


def post_at(n: int, indexed: str, created: str | None = None) -> dict[str, Any]:
    """A search hit with its own URI, stamped as the AppView does: indexedAt = min(indexedAt, createdAt)."""
    post = copy.deepcopy(fixture("search_posts")["posts"][0])
    post["uri"] = f"at://did:plc:lprqqpoyjspuma25n5gofocf/app.bsky.feed.post/3lmicbemya{n:03d}"
    post["cid"] = f"bafy{n}"
    post["indexedAt"] = indexed
    post["record"]["createdAt"] = created or indexed
    post["record"].pop("reply", None)
    post["record"]["text"] = f"@bskyr.bsky.social order {n} never arrived"
    return post


def listing(server: TestServer, pages: list[list[dict[str, Any]]]) -> None:
    """searchPosts that serves `pages` newest first, following its own cursor ("1", "2", ...)."""
    def search(request: Recorded) -> Reply:
        index = int(request.param("cursor") or 0)
        more = index + 1 < len(pages)
        return Reply.json({"posts": pages[index], **({"cursor": str(index + 1)} if more else {})})

    server.route("GET", X + "app.bsky.feed.searchPosts", search)


async def test_a_backdated_post_behind_the_newest_is_collected_once(http_server: TestServer,
                                                                   tmp_path: Path) -> None:
    route_reading(http_server)
    newest = post_at(1, "2025-05-19T17:10:00.000Z")
    older = [post_at(10 + i, f"2025-05-19T16:{50 - i:02d}:00.000Z") for i in range(3)]
    listing(http_server, [[newest, *older]])
    db = tmp_path / "store"
    store = Store(db)
    first = await Pipeline(store, QuietTriager()).run(make(http_server, mentions=False))
    assert first.new == 4
    # A phone with a slow clock posts after the first poll: the AppView puts it behind what we have.
    late = post_at(2, "2025-05-19T16:55:00.000Z", created="2025-05-19T16:55:00.000Z")
    listing(http_server, [[newest, late, *older]])
    again = await Pipeline(store, QuietTriager()).run(make(http_server, mentions=False))
    assert (again.new, again.duplicate) == (1, 0)
    assert store.mention("bluesky:" + late["uri"]) is not None
    third = await Pipeline(store, QuietTriager()).run(make(http_server, mentions=False))
    assert (third.new, third.duplicate) == (0, 0)  # collected once
    store.close()


async def test_paging_back_for_late_posts_stops_at_the_look_back(http_server: TestServer) -> None:
    route_reading(http_server)
    page1 = [post_at(i, f"2025-05-19T17:{59 - i:02d}:00.000Z") for i in range(5)]
    page2 = [post_at(100, "2025-05-19T12:00:00.000Z", created="2025-05-19T12:00:00.000Z")]  # backdated
    page3 = [post_at(200, "2025-05-17T12:00:00.000Z")]  # past the look back: not read
    page4 = [post_at(300, "2025-05-16T12:00:00.000Z")]
    listing(http_server, [page1, page2, page3, page4])
    source = make(http_server, mentions=False)
    cursor = {"search": {"redistricting": {"newest": "2025-05-19T17:59:00.000000+00:00",
                                           "seen": [p["uri"] for p in page1]}}}
    items = await drain(source, cursor)
    assert [i.data["id"] for i in items] == [page3[0]["uri"], page2[0]["uri"]]  # oldest first
    assert [r.param("cursor") for r in http_server.requests_to(X + "app.bsky.feed.searchPosts")] == [
        None, "1", "2"]  # page 3 reaches past the look back: the paging stops there


async def test_paging_back_is_bounded(http_server: TestServer) -> None:
    route_reading(http_server)
    pages = [[post_at(i, "2025-05-19T17:00:00.000Z")] for i in range(40)]  # a listing that never ends
    listing(http_server, pages)
    cursor = {"search": {"redistricting": {"newest": "2025-05-19T17:00:00.000000+00:00", "seen": []}}}
    items = await drain(make(http_server, mentions=False), cursor)
    assert len(items) == MAX_PAGES == len(http_server.requests_to(X + "app.bsky.feed.searchPosts"))


async def test_an_older_watermark_cursor_still_loads(http_server: TestServer) -> None:
    route_reading(http_server)
    post = post_at(1, "2025-05-19T17:10:00.000Z")
    listing(http_server, [[post]])
    cursor = {"search": {"redistricting": {"newest": "2025-05-19T17:10:00.000000+00:00",
                                           "ids": [post["uri"]]}}}
    assert await drain(make(http_server, mentions=False), cursor) == []


async def test_follower_lookup_failure_is_a_warning_not_an_outage(http_server: TestServer) -> None:
    route_reading(http_server)
    http_server.route("GET", X + "app.bsky.actor.getProfiles", Reply.json({"error": "x"}, status=500))
    source = make(http_server, mentions=False)
    items = await drain(source)
    assert len(items) == 20 and all("followers" not in i.data for i in items)
    assert source.health.healthy and "follower counts unavailable" in source.health.warnings[0]


@pytest.mark.parametrize("reply, words", [
    (Reply.json({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, status=429,
                headers={"RateLimit-Reset": "4102444800"}), "429"),
    (Reply.json({"error": "InternalServerError", "message": "Internal Server Error"}, status=500), "500"),
    (Reply.json({"posts": []}, delay=1.0), "timeout"),
])
async def test_faults_mark_unhealthy(http_server: TestServer, reply: Reply, words: str) -> None:
    route_reading(http_server)
    http_server.route("GET", X + "app.bsky.feed.searchPosts", reply)
    source = make(http_server, mentions=False, timeout=0.3)
    assert await drain(source) == []
    assert not source.health.healthy and words in (source.health.last_error or "")


# -- replies ----------------------------------------------------------------------------------------
def stored(post_index: int) -> dict[str, Any]:
    """A mention as the store keeps it: converted fields canonical, the rest under `extra`."""
    return parse_mention(post_to_mention(fixture("search_posts")["posts"][post_index]))


def route_posting(server: TestServer) -> None:
    server.route("POST", X + "com.atproto.server.createSession", session())
    server.route("POST", X + "com.atproto.repo.createRecord", Reply.json(fixture("create_record_reply")))
    server.route("GET", X + "com.atproto.repo.getRecord", Reply.json(
        {"error": "RecordNotFound", "message": "Could not locate record"}, status=400))


async def test_reply_refs_use_the_parents_root(http_server: TestServer) -> None:
    route_posting(http_server)
    source = make(http_server)
    mention = stored(2)  # a reply inside a thread
    sent = await source.post_reply(mention, "Thanks for the brief! https://example.com/help.", "outbox-7")
    assert sent["uri"] == fixture("create_record_reply")["uri"] and sent["already_sent"] is False
    assert sent["url"] == "https://bsky.app/profile/bskyr.bsky.social/post/3lprdue7ggw26"
    body = http_server.requests_to(X + "com.atproto.repo.createRecord")[0].json()
    assert body["repo"] == "did:plc:5c2r73erhng4bszmxlfdtscf" and body["collection"] == "app.bsky.feed.post"
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post" and record["text"].startswith("Thanks for the brief!")
    assert record["reply"]["parent"] == {"uri": mention["id"], "cid": mention["extra"]["cid"]}
    assert record["reply"]["root"] == {"uri": mention["thread"], "cid": mention["extra"]["root_cid"]}
    assert record["createdAt"].endswith("Z")
    link = record["facets"][0]
    assert link["features"][0]["uri"] == "https://example.com/help"
    start, end = link["index"]["byteStart"], link["index"]["byteEnd"]
    assert record["text"].encode()[start:end] == b"https://example.com/help"
    assert body["rkey"] == tid_rkey("outbox-7", after=parse_time(mention["created_at"]))
    assert TID.match(body["rkey"])


async def test_top_level_post_is_its_own_root(http_server: TestServer) -> None:
    route_posting(http_server)
    mention = stored(0)
    await make(http_server).post_reply(mention, "Hello", "outbox-8")
    reply = http_server.requests_to(X + "com.atproto.repo.createRecord")[0].json()["record"]["reply"]
    assert reply["root"] == reply["parent"] == {"uri": mention["id"], "cid": mention["extra"]["cid"]}


async def test_resend_with_the_same_key_cannot_post_twice(http_server: TestServer) -> None:
    route_posting(http_server)
    made = fixture("create_record_reply")
    posts: dict[str, dict[str, Any]] = {}

    def create(request: Recorded) -> Reply:
        rkey = request.json()["rkey"]
        if rkey in posts:  # what bsky.social does with a duplicate rkey today
            return Reply.json({"error": "InternalServerError", "message": "Internal Server Error"},
                              status=500)
        posts[rkey] = {**made, "uri": made["uri"].rsplit("/", 1)[0] + "/" + rkey}
        return Reply.json(posts[rkey])

    def get(request: Recorded) -> Reply:
        rkey = request.param("rkey") or ""
        if rkey in posts:
            return Reply.json({"uri": posts[rkey]["uri"], "cid": posts[rkey]["cid"], "value": {}})
        return Reply.json({"error": "RecordNotFound", "message": "Could not locate record"}, status=400)

    http_server.route("POST", X + "com.atproto.repo.createRecord", create)
    http_server.route("GET", X + "com.atproto.repo.getRecord", get)
    mention = stored(2)
    first = await make(http_server).post_reply(mention, "We are looking into it.", "outbox-9")
    again = await make(http_server).post_reply(mention, "We are looking into it.", "outbox-9")
    other = await make(http_server).post_reply(mention, "We are looking into it.", "outbox-10")
    assert first["already_sent"] is False and again["already_sent"] is True
    assert again["uri"] == first["uri"] and other["uri"] != first["uri"]
    assert len(posts) == 2
    keys = [r.json()["rkey"] for r in http_server.requests_to(X + "com.atproto.repo.createRecord")]
    assert keys[0] == keys[1] != keys[2] and all(TID.match(k) for k in keys)


async def test_refused_post_raises_the_servers_reason(http_server: TestServer) -> None:
    route_posting(http_server)
    http_server.route("POST", X + "com.atproto.repo.createRecord",
                      Reply.json(fixture("create_record_error_400"), status=400))
    with pytest.raises(PermanentError, match="must not be longer than 300 graphemes"):
        await make(http_server).post_reply(stored(0), "x" * 10, "outbox-11")


async def test_300_graphemes_not_code_points(http_server: TestServer) -> None:
    route_posting(http_server)
    source = make(http_server)
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme, five code points
    accented = "e\u0301"  # one grapheme, two code points
    ok = family * 150 + accented * 150
    assert len(ok) == 150 * 5 + 150 * 2
    sent = await source.post_reply(stored(0), ok, "outbox-12")
    assert sent["already_sent"] is False
    with pytest.raises(ReplyTooLong, match="301 characters; Bluesky allows 300"):
        await source.post_reply(stored(0), ok + accented, "outbox-13")
    assert len(http_server.requests_to(X + "com.atproto.repo.createRecord")) == 1


async def test_missing_cid_is_looked_up(http_server: TestServer) -> None:
    route_posting(http_server)
    post = fixture("search_posts")["posts"][0]
    http_server.route("GET", X + "app.bsky.feed.getPosts", Reply.json({"posts": [post]}))
    mention = {"id": post["uri"], "source": "bluesky", "created_at": "2025-05-19T17:10:09+00:00"}
    await make(http_server).post_reply(mention, "Hi", "outbox-14")
    body = http_server.requests_to(X + "com.atproto.repo.createRecord")[0].json()
    assert body["record"]["reply"]["parent"] == {"uri": post["uri"], "cid": post["cid"]}


def test_rkey_is_a_deterministic_tid() -> None:
    from datetime import UTC, datetime

    when = datetime(2025, 5, 19, 17, 10, tzinfo=UTC)
    assert tid_rkey("k1", after=when) == tid_rkey("k1", after=when) != tid_rkey("k2", after=when)
    assert all(TID.match(tid_rkey(f"key-{i}", after=when)) for i in range(200))


def test_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BSKY_PW", PASSWORD)
    source = BlueskySource.from_config({"type": "bluesky", "handle": "@brand.bsky.social",
                                        "app_password_env": "BSKY_PW", "search": ["brand", "Brand Café"],
                                        "mentions": False, "poll_seconds": 90})
    assert source.handle == "brand.bsky.social" and source.search == ["brand", "Brand Café"]
    assert not source.mentions and source.poll_seconds == 90 and source.service == "https://bsky.social"
    assert source.can_reply and source.platform == "bluesky"
    assert PASSWORD not in repr(source.http)
    monkeypatch.delenv("BSKY_PW")
    with pytest.raises(ValueError, match="app password"):
        BlueskySource.from_config({"type": "bluesky", "handle": "brand.bsky.social",
                                   "app_password_env": "BSKY_PW"})
    with pytest.raises(ValueError, match="unknown key"):
        BlueskySource.from_config({"type": "bluesky", "handle": "b", "app_password": "x", "serach": ["x"]})


async def test_auth_error_type_for_callers(http_server: TestServer) -> None:
    http_server.route("POST", X + "com.atproto.server.createSession",
                      Reply.json(fixture("create_session_error_401"), status=401))
    with pytest.raises(AuthError, match="refused the login as bskyr"):
        await make(http_server).post_reply(stored(0), "Hi", "outbox-15")
