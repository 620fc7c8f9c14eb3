"""Mastodon: mentions of our account, hashtags and searches, streamed live with a REST safety net.

Config (`[[sources]]`): `type = "mastodon"`, `instance` (base URL), `token` or `token_env`, `account` (our
acct, optional: our own posts are skipped), `hashtags` and `search` (lists), `stream` (default true),
`poll_seconds` (default 60), `name`.

What is watched, and how:
- mentions of us: `GET /api/v1/notifications?types[]=mention` (needs the token), streamed from
  `/api/v1/streaming/user/notification`;
- each hashtag: `GET /api/v1/timelines/tag/:tag`, streamed from `/api/v1/streaming/hashtag?tag=`;
- each search term (brand names, people, products): `GET /api/v2/search?type=statuses&q=`, polled only.
The streaming host can differ from the instance's: it is read from `/api/v2/instance`
(`configuration.urls.streaming`).

Mastodon's streams carry no event ids, only `:thump` heartbeats every 15 s, so every (re)connect first
catches up over REST from the cursor, with the stream already open so nothing falls between the two. The
cursor is `{"since_id": {"notifications": ID, "tag:NAME": ID, "search:TERM": ID}}`, moved with each stored
item; catching up pages forward with `min_id` from it, so a restart leaves no gap and repeats nothing.
Requests with `min_id`/`since_id` have a tighter budget (300 per 15 min), so they are spaced at least
`min_interval` seconds apart, more when `X-RateLimit-Remaining` runs low.

A status becomes a canonical mention: author `@acct@host` (local accts qualified with the instance's
domain), text from the content HTML (after any content warning), `in_reply_to`, and under `extra` the
`visibility` (a reply matches it), `spoiler_text`, `language`, and `repost_of` for a boost, which the
pipeline folds into the original. Edits (`status.update`) are not re-imported: the inbox keeps what it saw.

Feeds, their requests and the conversion of statuses live in `tui.sources.mastodon_feed` (pure data
code); this module keeps the connections (REST catch-up, streams, pacing, replies) and re-exports them.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

from tui.rules.config import secret
from tui.sources.base import NO_CURSOR, Item
from tui.sources.http import (
    AuthError,
    HttpClient,
    HttpError,
    PayloadError,
    PermanentError,
    TransientError,
)
from tui.sources.mastodon_feed import Feed, id_key, newer, qualify, status_to_mention, with_mention
from tui.sources.relay import NetworkSource, Sleep
from tui.storage import jsonio
from tui.storage.records import Mention

__all__ = [
    "CONFIG_KEYS", "LOW_BUDGET", "MAX_PAGES", "MIN_INTERVAL", "PAGE_LIMIT", "QUEUE_SIZE", "SLOW_INTERVAL",
    "Feed", "MastodonSource", "id_key", "newer",
]

CONFIG_KEYS = {"type", "name", "instance", "token", "token_env", "account", "hashtags", "search", "stream",
               "poll_seconds"}
PAGE_LIMIT = 40
"""Mastodon's largest page for timelines and notifications."""
MAX_PAGES = 25
"""Catching up stops after this many pages in one go (1,000 posts); the next round continues."""
MIN_INTERVAL = 3.0
"""300 paginated requests per 15 minutes is one every 3 s."""
LOW_BUDGET = 20
"""Below this many requests left in the window, paginated requests slow to `SLOW_INTERVAL`."""
SLOW_INTERVAL = 30.0
QUEUE_SIZE = 500


class MastodonSource(NetworkSource):
    platform = "mastodon"
    can_reply = True

    def __init__(self, instance: str, *, token: str | None = None, account: str | None = None,
                 hashtags: list[str] | tuple[str, ...] = (), search: list[str] | tuple[str, ...] = (),
                 stream: bool = True, poll_seconds: float = 60.0, once: bool = False,
                 name: str | None = None, http: HttpClient | None = None, sleep: Sleep = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic, min_interval: float = MIN_INTERVAL,
                 page_limit: int = PAGE_LIMIT, **kw: Any) -> None:
        super().__init__(name or f"mastodon:{urlsplit(instance).hostname}",
                         http=http or HttpClient(token=token), sleep=sleep, **kw)
        if http is not None and token:
            http.add_secret(token)
        self.instance = instance.rstrip("/")
        self.token = token
        self.can_reply = bool(token)
        self.hashtags = [t.lstrip("#") for t in hashtags if t.strip("# ")]
        self.search = [s for s in search if s.strip()]
        self.stream = stream
        self.poll_seconds = poll_seconds
        self.once = once
        self.clock = clock
        self.min_interval = min_interval
        self.page_limit = page_limit
        self.where = self.instance
        self.domain = urlsplit(self.instance).hostname or self.instance
        self.account = account
        self._instance_info: dict[str, Any] | None = None
        self._last_paced: float | None = None
        self._pace_lock = asyncio.Lock()
        self._cursor: dict[str, dict[str, str]] = {"since_id": {}}
        self.feeds: list[Feed] = []
        if token:
            self.feeds.append(Feed("notifications", streamed=stream))
        self.feeds += [Feed("tag", tag, streamed=stream) for tag in self.hashtags]
        self.feeds += [Feed("search", term) for term in self.search]

    @classmethod
    def from_config(cls, table: dict[str, Any]) -> MastodonSource:
        """Build from a `[[sources]]` table; a wrong key or type is a ValueError naming it."""
        unknown = sorted(set(table) - CONFIG_KEYS)
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(CONFIG_KEYS))})")
        instance = table.get("instance")
        if not isinstance(instance, str) or not instance.startswith(("https://", "http://")):
            raise ValueError("'instance' must be the instance's URL, e.g. \"https://mastodon.social\"")
        lists = {}
        for key in ("hashtags", "search"):
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{key!r} must be a list of strings")
            lists[key] = value
        stream = table.get("stream", True)
        if not isinstance(stream, bool):
            raise ValueError("'stream' must be true or false")
        poll = table.get("poll_seconds", 60)
        if isinstance(poll, bool) or not isinstance(poll, int | float) or poll < 5:
            raise ValueError("'poll_seconds' must be a number of seconds, at least 5")
        account = table.get("account")
        if account is not None and not isinstance(account, str):
            raise ValueError("'account' must be a string such as \"@brand@mastodon.social\"")
        token = secret(table, "token")
        if not token and not lists["hashtags"] and not lists["search"]:
            hint = (f"the environment variable {table['token_env']} is not set"
                    if table.get("token_env") else "no token")
            raise ValueError(f"nothing to watch: {hint}, and no 'hashtags' or 'search'")
        source = cls(instance, token=token, account=account, hashtags=lists["hashtags"],
                     search=lists["search"], stream=stream, poll_seconds=float(poll))
        if not token:
            missing = f"${table['token_env']} is not set" if table.get("token_env") else "no token configured"
            source.health.warnings.append(f"{missing}: mentions of the account are not watched, "
                                          "and replies cannot be posted")
        return source

    # -- helpers -----------------------------------------------------------------------------
    def qualify(self, acct: str) -> str:
        """`@user@host` for any acct; local accounts get the instance's domain."""
        return qualify(acct, self.domain)

    def is_ours(self, acct: str) -> bool:
        return bool(self.account) and self.qualify(acct).lower() == self.qualify(self.account or "").lower()

    async def _prepare(self, *, required: bool = False) -> None:
        """Read the instance's domain and streaming host once. Polling can do without them (the URL's
        host stands in, and we ask again next time); streaming cannot guess its host, so it waits."""
        if self._instance_info is not None:
            return
        try:
            try:
                info = await self.http.get_json(f"{self.instance}/api/v2/instance")
            except PermanentError as error:
                if isinstance(error, AuthError):
                    raise
                info = await self.http.get_json(f"{self.instance}/api/v1/instance")
        except HttpError:
            if required:
                raise
            return
        if not isinstance(info, dict):
            raise PayloadError(f"{self.domain}: the instance description is not a JSON object")
        self._instance_info = info
        domain = info.get("domain") or info.get("uri")
        if isinstance(domain, str) and domain and "/" not in domain:
            self.domain = domain

    def streaming_base(self) -> str:
        info = self._instance_info or {}
        urls = (info.get("configuration") or {}).get("urls") or info.get("urls") or {}
        base = urls.get("streaming") or urls.get("streaming_api") if isinstance(urls, dict) else None
        if not isinstance(base, str) or not base:
            return self.instance
        base = re.sub(r"^ws(s?)://", lambda m: f"http{m.group(1)}://", base.rstrip("/"))
        return base if base.startswith(("http://", "https://")) else self.instance

    async def _pace(self) -> None:
        """Space out paginated requests: their budget is 300 per 15 minutes."""
        async with self._pace_lock:
            interval = self.min_interval
            if self.http.remaining is not None and self.http.remaining < LOW_BUDGET:
                interval = max(interval, SLOW_INTERVAL)
            if self._last_paced is not None:
                wait = self._last_paced + interval - self.clock()
                if wait > 0:
                    await self.sleep(wait)
            self._last_paced = self.clock()

    # -- conversion --------------------------------------------------------------------------
    def status_to_mention(self, status: dict[str, Any]) -> dict[str, Any]:
        """A Mastodon status as a canonical mention (see the module docstring)."""
        return status_to_mention(status, self.domain)

    def _status_item(self, status: Any, where: str) -> Item:
        if not isinstance(status, dict):
            return Item(problem=f"{where}: a status that is not a JSON object")
        try:
            if self.is_ours(str(status["account"]["acct"])):
                return Item()  # our own post: moves the cursor, nothing to answer
            return Item(data=self.status_to_mention(status))
        except (KeyError, TypeError, AttributeError) as error:
            return Item(problem=f"{where}: status {status.get('id', '?')} lacks {error}")

    def _entry_item(self, feed: Feed, entry: dict[str, Any]) -> Item:
        if feed.kind != "notifications":
            return self._status_item(entry, feed.label)
        if entry.get("type") != "mention" or not entry.get("status"):
            return Item()  # another kind of notification, or a mention we may not see: cursor only
        return self._status_item(entry["status"], feed.label)

    # -- REST --------------------------------------------------------------------------------
    async def _fetch(self, feed: Feed, since: str | None) -> list[dict[str, Any]]:
        url, params = feed.request(self.instance, self.page_limit, since)
        data = await self.http.get_json(url, params=params)
        entries = feed.entries(data)
        if entries is None:
            raise PayloadError(f"{self.domain}: {feed.label}: expected a list, got {type(data).__name__}")
        return entries

    async def _backfill(self, feed: Feed, positions: dict[str, str]) -> AsyncIterator[
            tuple[str, str | None, Item]]:
        """Everything newer than the cursor, oldest first, paging forward with `min_id`."""
        since = positions.get(feed.key)
        first_run = since is None
        for _page in range(MAX_PAGES):
            if since is not None:
                await self._pace()
            page = await self._fetch(feed, since)
            self.health.ok()
            fresh = sorted((e for e in page if since is None or id_key(e["id"]) > id_key(since)),
                           key=lambda e: id_key(e["id"]))
            for entry in fresh:
                yield feed.key, entry["id"], self._entry_item(feed, entry)
            if fresh:
                since = fresh[-1]["id"]
                positions[feed.key] = since
            if first_run or len(page) < self.page_limit or not fresh:
                return

    # -- streaming ---------------------------------------------------------------------------
    def _event_items(self, feed: Feed, kind: str, data: str) -> list[tuple[str, str | None, Item]]:
        if kind == "delete":
            target = data.strip()
            return [("", None, Item(deleted_id=target))] if target else []
        if kind not in ("update", "notification"):
            return []  # status.update (edits), filters_changed, announcements...
        if (kind == "update") != (feed.kind == "tag"):
            return []  # each stream brings its own kind: statuses for a hashtag, notifications for us
        try:
            value, repaired = jsonio.loads(data)
        except jsonio.JSONDecodeError:
            reason = f"{feed.label}: a {kind} event that is not valid JSON"
            self.health.fail(reason)
            return [("", None, Item(problem=reason))]
        if repaired:
            self.note_lone_surrogate()
        if not isinstance(value, dict) or not isinstance(value.get("id"), str):
            reason = f"{feed.label}: a {kind} event without an id"
            self.health.fail(reason)
            return [("", None, Item(problem=reason))]
        return [(feed.key, value["id"], self._entry_item(feed, value))]

    async def _stream(self, feed: Feed, positions: dict[str, str], put: Callable[[Any], Any],
                      connected: Callable[[], None]) -> None:
        await self._prepare(required=True)
        if feed.kind == "notifications":
            path, params = "/api/v1/streaming/user/notification", None
        else:
            path, params = "/api/v1/streaming/hashtag", {"tag": feed.value}
        async with self.http.sse(f"{self.streaming_base()}{path}", params=params) as events:
            self.health.ok()
            connected()
            # The stream is open, so whatever happens from now on reaches us; catch up on the gap.
            async for entry in self._backfill(feed, positions):
                await put(entry)
            async for event in events:
                for entry in self._event_items(feed, event.event, event.data):
                    key, mark, _item = entry
                    if key and mark:  # the stream has covered up to here: a reconnect catches up from it
                        positions[key] = newer(positions.get(key), mark) or mark
                    await put(entry)
        raise TransientError(f"{feed.label}: the streaming server closed the stream")

    async def _run_feed(self, feed: Feed, positions: dict[str, str], queue: asyncio.Queue[Any]) -> None:
        """One feed, forever: stream it (or poll it), and on any failure record why, wait, resume."""
        attempt = 0

        def connected() -> None:
            nonlocal attempt
            attempt = 0

        while True:
            try:
                if feed.streamed:
                    await self._stream(feed, positions, queue.put, connected)
                else:
                    await self._prepare()
                    async for entry in self._backfill(feed, positions):
                        await queue.put(entry)
                    attempt = 0
                    await self.sleep(self.poll_seconds)
                    continue
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a feed never dies: it waits and tries again
                if feed.streamed and isinstance(error, PermanentError) and not isinstance(error, AuthError):
                    feed.streamed = False  # streaming refused here (404, 403): poll instead
                    self.health.warnings.append(f"{feed.label}: streaming unavailable ({error.reason}); "
                                                "polling instead")
                    continue
                wait = self.note_failure(error, attempt, what=f"{feed.label}: ")
                attempt += 1
                await self.sleep(wait)

    # -- the source --------------------------------------------------------------------------
    @staticmethod
    def _worth_yielding(key: str, mark: str | None, item: Item) -> bool:
        """An item with no mention, problem or deletion is only worth handing over to move a cursor."""
        has_payload = item.data is not None or item.problem is not None or item.deleted_id is not None
        return has_payload or bool(key and mark)

    def _stamp(self, key: str, mark: str | None, item: Item) -> Item:
        """Attach the whole cursor, moved by this item; called as the item is handed over."""
        if key and mark:
            since = self._cursor["since_id"]
            since[key] = newer(since.get(key), mark) or mark
            item.cursor = {"since_id": dict(since)}
        else:
            item.cursor = NO_CURSOR
        return item

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        saved = cursor.get("since_id") if isinstance(cursor, dict) else None
        positions = {k: v for k, v in (saved or {}).items() if isinstance(k, str) and isinstance(v, str)}
        self._cursor = {"since_id": dict(positions)}
        if not self.feeds:
            self.health.fail("nothing to watch: no token, no hashtags, no search terms")
            return
        if self.once:
            for feed in self.feeds:
                try:
                    await self._prepare()
                    async for key, mark, item in self._backfill(feed, positions):
                        if self._worth_yielding(key, mark, item):
                            yield self._stamp(key, mark, item)
                except asyncio.CancelledError:
                    raise
                except Exception as error:  # once: report and go on to the next feed
                    self.note_failure(error, 0, what=f"{feed.label}: ")
            return
        queue: asyncio.Queue[tuple[str, str | None, Item]] = asyncio.Queue(QUEUE_SIZE)
        tasks = [asyncio.create_task(self._run_feed(feed, positions, queue), name=f"{self.name}:{feed.key}")
                 for feed in self.feeds]
        try:
            while True:
                key, mark, item = await queue.get()
                if self._worth_yielding(key, mark, item):
                    yield self._stamp(key, mark, item)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- replies -----------------------------------------------------------------------------
    def reply_prefix(self, in_reply_to: Mention, text: str) -> str:
        posted = with_mention(in_reply_to["author"], text, self.domain)
        return posted[:len(posted) - len(text)] if posted.endswith(text) else ""

    async def post_reply(self, in_reply_to: Mention, text: str,
                         idempotency_key: str) -> dict[str, Any]:
        """Post `text` as a reply to a stored mention; the Idempotency-Key makes a resend harmless.

        Raises TransientError (try again later) or PermanentError (fix something first).
        """
        if not self.token:
            raise AuthError("posting a reply needs an access token ('token' or 'token_env' in the config)")
        extra = in_reply_to.get("extra") or {}
        target = str(extra.get("repost_of") or in_reply_to["id"])
        form = {"status": with_mention(in_reply_to["author"], text, self.domain), "in_reply_to_id": target}
        visibility = extra.get("visibility") or in_reply_to.get("visibility")
        if visibility in ("public", "unlisted", "private", "direct"):
            form["visibility"] = visibility
        if extra.get("spoiler_text"):
            form["spoiler_text"] = str(extra["spoiler_text"])
        response = await self.http.request("POST", f"{self.instance}/api/v1/statuses", data=form,
                                           headers={"Idempotency-Key": idempotency_key}, retries=0)
        status = self.http.decode_json(response)
        if not isinstance(status, dict) or not status.get("id"):
            raise PayloadError(f"{self.domain}: the reply was sent but the answer has no status id")
        return {"id": str(status["id"]), "url": status.get("url") or status.get("uri")}
