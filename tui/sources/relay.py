"""Generic relays: `sse:URL` (server-sent events) and `jsonl:URL` (JSON lines over HTTP).

Both carry canonical mention objects, so any bridge (a webhook receiver, a script over another API) can feed
the inbox. They never raise out of `items()` except on cancellation: a dropped stream, a 5xx or a malformed
line marks the source unhealthy with the reason and the next try, then they back off and resume.

- `SseSource`: each event's `data` is one mention object (event type `message` or `mention`); a `delete`
  event's data is a bare id or `{"id": ...}`. The last `id:` is the cursor, sent back as `Last-Event-ID`
  when reconnecting (after a restart too), and a `retry:` field sets the reconnect delay. With `once`, it
  stops when the server ends the stream, or after `idle` seconds without an event.
- `JsonlUrlSource`: the response body is JSON lines. Without `once`, a finished response is fetched again
  every `poll` seconds (conditional on its ETag / Last-Modified); a never-ending chunked response is simply
  read as it comes. Repeats across fetches are the pipeline's to drop.

`NetworkSource` holds the shared failure handling (used by the Mastodon source too).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from tui.sources.base import NO_CURSOR, Item, Source, backoff
from tui.sources.http import (
    STREAM_TIMEOUT,
    HttpClient,
    HttpError,
    PermanentError,
    RateLimitError,
    TransientError,
)
from tui.storage.jsonio import decode_line

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

PERMANENT_RETRY = 900.0
"""After a permanent failure (a bad token, a 404) we still look again, but only every 15 minutes."""


class NetworkSource(Source):
    """A source that talks HTTP: one client, failure -> health + wait, injectable sleep for tests."""

    def __init__(self, name: str, *, http: HttpClient | None = None, sleep: Sleep = asyncio.sleep,
                 retry_base: float = 1.0, retry_cap: float = 300.0,
                 permanent_retry: float = PERMANENT_RETRY) -> None:
        super().__init__(name)
        self.http = http or HttpClient()
        self.http.on_lone_surrogate = self.note_lone_surrogate
        self.sleep = sleep
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.permanent_retry = permanent_retry

    def failure_wait(self, error: BaseException, attempt: int) -> float:
        """How long to wait after `error`, the `attempt`-th failure in a row (0-based)."""
        if isinstance(error, PermanentError):
            return max(self.permanent_retry, error.retry_in or 0.0)
        if isinstance(error, RateLimitError) and error.retry_in is not None:
            return error.retry_in
        hinted = error.retry_in if isinstance(error, HttpError) else None
        return max(hinted or 0.0, backoff(attempt, base=self.retry_base, cap=self.retry_cap))

    def note_failure(self, error: BaseException, attempt: int, *, what: str = "") -> float:
        """Mark the source unhealthy with a plain reason; returns the wait before the next try."""
        wait = self.failure_wait(error, attempt)
        if isinstance(error, HttpError):
            reason = error.reason
        else:  # a bug or something unforeseen: say what, never the details (they may hold secrets)
            log.debug("%s: unexpected %s", self.name, type(error).__name__)
            reason = f"unexpected error: {type(error).__name__}"
        self.health.fail(f"{what}{reason}", retry_in=wait)
        return wait

    async def aclose(self) -> None:
        await self.http.aclose()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class SseSource(NetworkSource):
    platform = "sse"

    def __init__(self, url: str, *, once: bool = False, name: str | None = None, idle: float = 5.0,
                 **kw: Any) -> None:
        kw.setdefault("http", HttpClient(stream_timeout=STREAM_TIMEOUT))
        super().__init__(name or f"sse:{url}", **kw)
        self.url = url
        self.once = once
        self.idle = idle
        self.where = self.http.redact(url)
        self.reconnect_delay: float | None = None  # from the server's `retry:` field

    def failure_wait(self, error: BaseException, attempt: int) -> float:
        """The server's `retry:` delay for a first reconnect, growing with backoff if failures repeat."""
        wait = super().failure_wait(error, attempt)
        plain = isinstance(error, TransientError) and not isinstance(error, RateLimitError)
        if plain and self.reconnect_delay is not None:
            return self.reconnect_delay if attempt == 0 else max(self.reconnect_delay, wait)
        return wait

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        last_id = cursor.get("last_event_id") if isinstance(cursor, dict) else None
        attempt = 0
        number = 0
        while True:
            try:
                async with self.http.sse(self.url, last_event_id=last_id) as events:
                    self.health.ok()
                    while True:
                        try:
                            if self.once:
                                async with asyncio.timeout(self.idle):
                                    event = await anext(events)
                            else:
                                event = await anext(events)
                        except StopAsyncIteration:
                            break
                        except TimeoutError:
                            return  # once: nothing more for a while, the backlog is drained
                        attempt = 0
                        number += 1
                        if event.retry is not None and event.retry >= 0:
                            self.reconnect_delay = event.retry / 1000
                        if event.id:
                            last_id = event.id
                        item = self._item(event.event, event.data, number)
                        if item is None:
                            continue
                        item.cursor = {"last_event_id": last_id} if last_id else NO_CURSOR
                        yield item
                if self.once:
                    return
                raise TransientError("the server ended the event stream")
            except asyncio.CancelledError:
                raise
            except Exception as error:  # items() must not die on a bad stream
                wait = self.note_failure(error, attempt)
                if self.once:
                    return
                attempt += 1
                await self.sleep(wait)

    def _item(self, kind: str, data: str, number: int) -> Item | None:
        if kind == "delete":
            # `data: ID`, or `data: {"id": ..., "source": ...}` for a mention relayed from elsewhere.
            target, origin = data.strip(), None
            if target.startswith("{"):
                value, problem, _ = decode_line(target.encode())
                target = str(value.get("id", "")) if value else ""
                origin = value.get("source") if value and isinstance(value.get("source"), str) else None
            if not target:
                return None
            return Item(deleted_id=target, data={"source": origin} if origin else None)
        if kind not in ("message", "mention") or not data.strip():
            return None  # pings, keep-alives, event types for someone else
        value, problem, repaired = decode_line(data.encode("utf-8", "surrogatepass"))
        if problem is not None:
            # A bad record is the pipeline's to count and report; the stream itself is fine.
            return Item(problem=f"event {number}: {problem}", line=number)
        if repaired:
            self.note_lone_surrogate()
        self.health.ok()
        return Item(data=value, line=number)


class JsonlUrlSource(NetworkSource):
    platform = "jsonl"

    def __init__(self, url: str, *, once: bool = False, name: str | None = None, poll: float = 60.0,
                 **kw: Any) -> None:
        super().__init__(name or f"jsonl:{url}", **kw)
        self.url = url
        self.once = once
        self.poll = poll
        self.where = self.http.redact(url)
        self._validators: dict[str, str] = {}

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        attempt = 0
        while True:
            try:
                async for item in self._fetch():
                    yield item
                attempt = 0
                if self.once:
                    return
                await self.sleep(self.poll)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # items() must not die on a bad response
                wait = self.note_failure(error, attempt)
                if self.once:
                    return
                attempt += 1
                await self.sleep(wait)

    async def _fetch(self) -> AsyncIterator[Item]:
        headers = {"Accept": "application/x-ndjson, application/jsonl, application/json, text/plain"}
        if "etag" in self._validators:
            headers["If-None-Match"] = self._validators["etag"]
        if "last-modified" in self._validators:
            headers["If-Modified-Since"] = self._validators["last-modified"]
        async with self.http.stream("GET", self.url, headers=headers) as response:
            self.health.ok()
            if response.status_code == 304:
                return
            line_no = 0
            async for raw in self.http.aiter_lines(response):
                line_no += 1
                if not raw.strip():
                    continue
                data, problem, repaired = decode_line(raw)
                if repaired:
                    self.note_lone_surrogate()
                if problem is None:
                    self.health.ok()
                yield Item(data=data, problem=problem, line=line_no)
            for name in ("etag", "last-modified"):
                if name in response.headers:
                    self._validators[name] = response.headers[name]
