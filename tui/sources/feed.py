"""RSS and Atom feeds (Google Alerts, blogs, review sites), polled with conditional GETs.

Also home of the polling loop the polled network sources share (`PolledSource`, `SeenIds`,
`Watermark`): feeds, Hacker News, Reddit and Bluesky all fetch a page, turn it into items, sleep,
and back off when the network or the server misbehaves.

Feed cursor: `{"etag", "last_modified", "seen": [entry ids, newest last, at most SEEN_LIMIT]}`. The
new ETag is saved only after every entry of the response is stored, so a crash half-way re-fetches
the feed instead of trusting a 304 that would hide the rest.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from tui.core.sanitize import repair_surrogate_refs
from tui.sources.base import Item, Source, backoff
from tui.sources.html import html_to_text, unwrap_google_redirect
from tui.sources.http import HttpClient, HttpError, PermanentError, TransientError

Sleep = Callable[[float], Awaitable[None]]

SEEN_LIMIT = 500
"""Entry ids a feed cursor remembers: more than any sane feed holds at once."""


# -- shared by the polled sources -------------------------------------------------------------------
class SeenIds:
    """An insertion-ordered, bounded set of ids that round-trips through a JSON cursor."""

    def __init__(self, ids: Iterable[Any] = (), limit: int = SEEN_LIMIT) -> None:
        self.limit = limit
        self._ids: dict[str, None] = {}
        for value in ids:
            self.add(str(value))

    def __contains__(self, value: object) -> bool:
        return value in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, value: str) -> None:
        self._ids.pop(value, None)
        self._ids[value] = None
        while len(self._ids) > self.limit:
            del self._ids[next(iter(self._ids))]

    def as_list(self) -> list[str]:
        return list(self._ids)


class Watermark:
    """The newest sort key seen (a number or an ISO time), plus the ids seen at exactly that key.

    Search APIs filter on `key >= newest`; the ids at the boundary stop the items sharing the
    newest second from coming back after a restart, without losing ones that arrive in that second.
    """

    def __init__(self, newest: Any = None, ids: Iterable[Any] = ()) -> None:
        self.newest = newest
        self.ids = SeenIds(ids, limit=200)

    @classmethod
    def load(cls, data: Any) -> Watermark:
        if isinstance(data, dict):
            return cls(data.get("newest"), data.get("ids") or ())
        return cls()

    def is_new(self, key: Any, item_id: str) -> bool:
        if self.newest is None:
            return True
        if key > self.newest:
            return True
        return key == self.newest and item_id not in self.ids

    def advance(self, key: Any, item_id: str) -> None:
        if self.newest is None or key > self.newest:
            self.newest = key
            self.ids = SeenIds((), limit=200)
        if key == self.newest:
            self.ids.add(item_id)

    def dump(self) -> dict[str, Any]:
        return {"newest": self.newest, "ids": self.ids.as_list()}


class PolledSource(Source):
    """Fetch, yield, sleep; on failure mark unhealthy, back off and try again.

    Subclasses implement `poll()`, an async generator of items for one pass; it calls
    `self.health.ok()` once its first request succeeded. `items()` never raises out except on
    cancellation: every failure becomes `health.fail(reason)` and a wait.
    """

    default_poll = 300.0
    max_backoff = 1800.0

    def __init__(self, name: str, *, poll_seconds: float | None = None, once: bool = False,
                 http: HttpClient | None = None, sleep: Sleep = asyncio.sleep,
                 secrets: Iterable[str | None] = ()) -> None:
        super().__init__(name)
        self.poll_seconds = float(poll_seconds if poll_seconds is not None else self.default_poll)
        self.once = once
        self.sleep = sleep
        self.http = http or HttpClient(secrets=secrets)
        self.http.on_lone_surrogate = self.note_lone_surrogate
        for secret in secrets:
            self.http.add_secret(secret)
        self.failures = 0

    def load_cursor(self, cursor: Any) -> None:
        """Restore state from the stored cursor (None on the first run)."""

    def poll(self) -> AsyncIterator[Item]:
        raise NotImplementedError

    def retry_wait(self, error: Exception) -> float:
        """How long to wait after a failed pass: what the server asked, else a jittered backoff."""
        asked = getattr(error, "retry_in", None)
        if isinstance(asked, int | float) and asked > 0:
            return float(asked)
        base = 60.0 if isinstance(error, PermanentError) else 5.0
        return max(1.0, backoff(self.failures, base=base, cap=self.max_backoff))

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        self.load_cursor(cursor)
        while True:
            try:
                async for item in self.poll():
                    yield item
            except HttpError as error:
                self.failures += 1
                wait = self.retry_wait(error)
                self.health.fail(error.reason, retry_in=wait)
            except Exception as error:
                # A payload in a shape we did not expect (or a bug): report it, do not die.
                self.failures += 1
                wait = self.retry_wait(error)
                self.health.fail(f"unexpected response: {type(error).__name__}: {error}"[:300],
                                 retry_in=wait)
            else:
                self.failures = 0
                self.health.ok()
                wait = self.poll_seconds
            if self.once:
                return
            await self.sleep(wait)

    async def aclose(self) -> None:
        await self.http.aclose()


def check_keys(table: dict[str, Any], known: Iterable[str], kind: str) -> None:
    """A typo in a source table is an error, not a silently ignored key."""
    unknown = sorted(set(table) - {"type", "name", *known})
    if unknown:
        raise ValueError(f"unknown key(s) for a {kind} source: {', '.join(unknown)}")


def str_list(value: Any, key: str) -> list[str]:
    """A config value that may be one string or a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    raise TypeError(f"'{key}' must be a string or a list of strings")


def poll_seconds_of(table: dict[str, Any], default: float) -> float:
    value = table.get("poll_seconds", default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError("'poll_seconds' must be a positive number")
    return float(value)


def iso_from_epoch(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


# -- feeds -----------------------------------------------------------------------------------------
def _text_of(detail: Any, value: str) -> str:
    """Feed text constructs are HTML unless declared plain; either way, plain and safe out."""
    kind = (detail or {}).get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if kind == "text/plain":
        return " ".join(value.split())
    return html_to_text(value)


def _domain(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _struct_to_iso(value: Any) -> str | None:
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in value[:6])
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def entry_id(entry: dict[str, Any]) -> str:
    """The entry's id/guid, else its link, else a hash of what it says."""
    for key in ("id", "guid", "link"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    body = f"{entry.get('title', '')}\n{entry.get('summary', '')}".encode()
    return "sha1:" + hashlib.sha1(body, usedforsecurity=False).hexdigest()


def entry_to_mention(entry: dict[str, Any], *, feed_url: str, feed_title: str = "",
                     fetched_at: str | None = None) -> dict[str, Any]:
    """One feedparser entry as a canonical mention (source "rss")."""
    link = unwrap_google_redirect(str(entry.get("link") or ""))
    title = _text_of(entry.get("title_detail"), str(entry.get("title") or ""))
    summary = ""
    if entry.get("summary"):
        summary = _text_of(entry.get("summary_detail"), str(entry["summary"]))
    elif entry.get("content"):
        first = entry["content"][0]
        summary = _text_of(first, str(first.get("value") or ""))
    text = title
    if summary and summary != title:
        text = f"{title}\n\n{summary}" if title else summary
    author = str(entry.get("author") or "").strip() or _domain(link) or _domain(feed_url) or "feed"
    created = (_struct_to_iso(entry.get("published_parsed")) or _struct_to_iso(entry.get("updated_parsed"))
               or fetched_at or datetime.now(UTC).isoformat(timespec="seconds"))
    mention: dict[str, Any] = {
        "id": entry_id(entry),
        "source": "rss",
        "author": author,
        "text": text,
        "created_at": created,
    }
    if link:
        mention["url"] = link
    if feed_title:
        mention["feed"] = feed_title
    if entry.get("comments"):
        mention["comments_url"] = str(entry["comments"])
    return mention


def matches(text: str, terms: list[str]) -> bool:
    if not terms:
        return True
    folded = text.casefold()
    return any(term.casefold() in folded for term in terms)


class FeedSource(PolledSource):
    """An RSS/Atom feed: `url`, optional `watch` terms; can't reply (there is nobody to reply to)."""

    platform = "rss"
    can_reply = False
    default_poll = 900.0

    def __init__(self, url: str, *, name: str | None = None, watch: list[str] | None = None,
                 poll_seconds: float | None = None, once: bool = False, http: HttpClient | None = None,
                 sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(name or f"feed:{url}", poll_seconds=poll_seconds, once=once, http=http, sleep=sleep)
        self.url = url
        self.watch = list(watch or [])
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.seen = SeenIds()

    @classmethod
    def from_config(cls, table: dict[str, Any], *, once: bool = False) -> FeedSource:
        check_keys(table, ("url", "watch", "poll_seconds"), "feed")
        url = table.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("'url' must be an http(s) URL of the feed")
        return cls(url, name=table.get("name"), watch=str_list(table.get("watch"), "watch"),
                   poll_seconds=poll_seconds_of(table, cls.default_poll), once=once)

    def load_cursor(self, cursor: Any) -> None:
        if isinstance(cursor, dict):
            self.etag = cursor.get("etag") or None
            self.last_modified = cursor.get("last_modified") or None
            self.seen = SeenIds(cursor.get("seen") or ())

    def cursor(self, etag: str | None, last_modified: str | None) -> dict[str, Any]:
        return {"etag": etag, "last_modified": last_modified, "seen": self.seen.as_list()}

    async def poll(self) -> AsyncIterator[Item]:
        headers = {"Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        response = await self.http.request("GET", self.url, headers=headers)
        if response.status_code == 304:
            self.health.ok()
            return
        if response.status_code >= 300:
            raise TransientError(f"{response.url.host} answered {response.status_code} for the feed",
                                 status=response.status_code, url=self.http.redact(self.url))
        content, repaired = repair_surrogate_refs(response.content)
        parsed = feedparser.parse(content,
                                  response_headers={"content-type": response.headers.get("content-type", "")})
        feed = parsed.get("feed") or {}
        entries = list(parsed.get("entries") or [])
        if parsed.get("bozo") and not entries and not feed.get("title"):
            raise PermanentError(f"{self.url} is not an RSS or Atom feed "
                                 f"({type(parsed.get('bozo_exception')).__name__})",
                                 url=self.http.redact(self.url))
        self.health.ok()
        self.health.warnings = []
        if repaired:
            self.note_lone_surrogate()
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            self.health.warnings.append(
                f"malformed feed ({type(problem).__name__}: {str(problem)[:120]}); "
                f"kept the {len(entries)} entries that parsed")
        new_etag = response.headers.get("etag") or None
        new_modified = response.headers.get("last-modified") or None
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        feed_title = html_to_text(str(feed.get("title") or ""), limit=200)
        mentions = []
        for entry in reversed(entries):  # feeds list newest first; store oldest first
            mention = entry_to_mention(entry, feed_url=str(feed.get("link") or self.url),
                                       feed_title=feed_title, fetched_at=fetched_at)
            mentions.append(mention)
        mentions.sort(key=lambda m: m["created_at"])
        for mention in mentions:
            if mention["id"] in self.seen:
                continue
            self.seen.add(mention["id"])
            if not matches(mention["text"], self.watch):
                continue
            yield Item(data=mention, cursor=self.cursor(self.etag, self.last_modified))
        self.etag, self.last_modified = new_etag, new_modified
        yield Item(cursor=self.cursor(self.etag, self.last_modified))
