"""Shared HTTP plumbing for every network source: timeouts, retries, rate limits, redaction.

Every network call in the project goes through `HttpClient`, so the rules live in one place:

- Timeouts on every call (`DEFAULT_TIMEOUT`); streams use `STREAM_TIMEOUT`, whose read timeout sits above
  a 15 s heartbeat so a quiet-but-alive stream is not cut, and a dead one is noticed.
- A `User-Agent: turnaround/<version>` header on every request.
- Transient failures (5xx, timeouts, connect errors) are retried with `backoff()`; a 429 waits for what the
  server asked (`Retry-After`, Mastodon `X-RateLimit-Reset`, Bluesky `RateLimit-Reset`, Reddit
  `x-ratelimit-reset`) when that is short, else raises `RateLimitError` with `retry_in` set.
- Errors carry `reason` (for `SourceHealth.fail()`) and `retry_in`; secrets never appear in them: the token
  and other configured secrets, `Authorization` headers and token-like query parameters are redacted.

API (kept stable; other sources import it):

    USER_AGENT: str
    DEFAULT_TIMEOUT, STREAM_TIMEOUT: httpx.Timeout
    class HttpError(Exception): reason: str, status: int | None, retry_in: float | None, url: str (redacted)
    class TransientError(HttpError)      # 5xx, timeouts, connect errors, dropped streams: retry with backoff
    class RateLimitError(TransientError) # 429 or an exhausted budget; retry_in from the headers
    class PermanentError(HttpError)      # other 4xx: retrying will not help until someone fixes something
    class AuthError(PermanentError)      # 401: "the access token is invalid"
    class PayloadError(HttpError)        # a 2xx whose body is not what we expect (malformed JSON)
    redact(text, secrets=()) -> str
    redact_url(url, secrets=()) -> str
    redact_headers(headers) -> dict[str, str]
    parse_reset(value, now) -> float | None            # seconds to wait, from any rate-limit header value
    retry_delay(headers, now) -> float | None          # the wait a response asks for
    translate(error, url, secrets=()) -> HttpError     # an httpx exception as one of ours
    class HttpClient(*, token=None, headers=None, secrets=(), timeout=DEFAULT_TIMEOUT,
                     stream_timeout=STREAM_TIMEOUT, retries=3, backoff_base=1.0, backoff_cap=60.0,
                     max_wait=30.0, sleep=asyncio.sleep, clock=time.time, transport=None)
        async request(method, url, *, params=None, json=None, data=None, headers=None,
                      retries=None) -> httpx.Response            # raises HttpError subclasses
        async get_json(url, *, params=None, headers=None) -> Any  # PayloadError on malformed JSON
        stream(method, url, *, params=None, headers=None) -> async context manager of httpx.Response
        sse(url, *, params=None, headers=None, last_event_id=None)
            -> async context manager of an async iterator of httpx_sse.ServerSentEvent
        aiter_lines(response) -> async iterator of bytes lines (stream errors become TransientError)
        decode_json(response) -> Any                   # PayloadError on malformed JSON; a lone surrogate
                                                       # escape becomes U+FFFD and calls on_lone_surrogate()
        on_lone_surrogate: Callable[[], None] | None    # set by the source that owns the client
        add_secret(secret)                             # mask a secret learnt later (a session token)
        redact(text) -> str                            # with this client's secrets masked too
        remaining: int | None   # the last rate-limit budget a server reported
        async aclose()

The errors, redaction and header arithmetic live in `tui.sources.http_errors` (pure code, no client
state); this module keeps the client and re-exports those names, so import everything from here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from httpx_sse import EventSource, ServerSentEvent, SSEError

from tui import __version__
from tui.sources.base import backoff
from tui.sources.http_errors import (
    SECRET_PARAMS,
    AuthError,
    HttpError,
    PayloadError,
    PermanentError,
    RateLimitError,
    TransientError,
    parse_reset,
    redact,
    redact_headers,
    redact_url,
    remaining_budget,
    retry_delay,
    server_code,
    server_message_of,
    translate,
)
from tui.storage.jsonio import JSONDecodeError, loads

__all__ = [
    "DEFAULT_TIMEOUT", "MAX_ERROR_BODY", "SECRET_PARAMS", "STREAM_TIMEOUT", "USER_AGENT",
    "AuthError", "Clock", "HttpClient", "HttpError", "PayloadError", "PermanentError", "RateLimitError",
    "Sleep", "TransientError", "parse_reset", "redact", "redact_headers", "redact_url", "retry_delay",
    "translate",
]

USER_AGENT = f"turnaround/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
STREAM_TIMEOUT = httpx.Timeout(connect=10.0, read=50.0, write=10.0, pool=10.0)
"""Mastodon sends a heartbeat every 15 s: 50 s of silence means the stream is dead."""

MAX_ERROR_BODY = 4096
"""How much of an error response we read to find the server's own message."""

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class HttpClient:
    """An httpx.AsyncClient with our timeouts, User-Agent, retries, rate-limit handling and redaction.

    `sleep` and `clock` are injectable so tests run backoff and rate-limit waits instantly.
    """

    def __init__(self, *, token: str | None = None, headers: Mapping[str, str] | None = None,
                 secrets: Iterable[str | None] = (), timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
                 stream_timeout: httpx.Timeout | float = STREAM_TIMEOUT, retries: int = 3,
                 backoff_base: float = 1.0, backoff_cap: float = 60.0, max_wait: float = 30.0,
                 sleep: Sleep = asyncio.sleep, clock: Clock = time.time,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        base_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        base_headers.update(headers or {})
        if token:
            base_headers["Authorization"] = f"Bearer {token}"
        self._secrets = tuple(s for s in (token, *secrets) if s)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.stream_timeout = (stream_timeout if isinstance(stream_timeout, httpx.Timeout)
                               else httpx.Timeout(stream_timeout))
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_wait = max_wait
        self.sleep = sleep
        self.clock = clock
        self.remaining: int | None = None
        self.on_lone_surrogate: Callable[[], None] | None = None
        self._blocked_until: dict[str, float] = {}
        self._client = httpx.AsyncClient(headers=base_headers, timeout=self.timeout, transport=transport,
                                         follow_redirects=True)

    def __repr__(self) -> str:
        return f"<HttpClient user_agent={USER_AGENT!r} auth={'yes' if self._secrets else 'no'}>"

    def add_secret(self, secret: str | None) -> None:
        """Something learnt at run time (a session token) that must be masked too."""
        if secret:
            self._secrets = (*self._secrets, secret)

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- rate limits -------------------------------------------------------------------------
    def _note_limits(self, response: httpx.Response) -> None:
        """Remember an exhausted budget so the next call waits instead of earning a 429."""
        remaining = remaining_budget(response.headers)
        if remaining is None:
            return
        self.remaining = remaining
        host = response.url.host
        if remaining <= 0:
            wait = retry_delay(response.headers, self.clock())
            if wait:
                self._blocked_until[host] = self.clock() + wait
        else:
            self._blocked_until.pop(host, None)

    async def _respect_budget(self, url: str | httpx.URL) -> None:
        host = httpx.URL(str(url)).host
        until = self._blocked_until.get(host)
        if until is None:
            return
        wait = until - self.clock()
        if wait <= 0:
            self._blocked_until.pop(host, None)
            return
        if wait > self.max_wait:
            raise RateLimitError(f"rate limit used up at {host}; retry in {wait:.0f} s",
                                 retry_in=wait, url=redact_url(url, self._secrets))
        await self.sleep(wait)
        self._blocked_until.pop(host, None)

    # -- errors ------------------------------------------------------------------------------
    def _status_error(self, response: httpx.Response, body: bytes) -> HttpError:
        status = response.status_code
        host = response.url.host or "the server"
        safe_url = redact_url(response.url, self._secrets)
        said = self.redact(server_message_of(body))
        suffix = f": {said}" if said else ""
        phrase = response.reason_phrase or ""
        if status == 429:
            wait = retry_delay(response.headers, self.clock())
            wait_text = f"; retry in {wait:.0f} s" if wait is not None else ""
            return RateLimitError(f"rate limited by {host} (429){wait_text}", status=status,
                                  retry_in=wait, url=safe_url)
        if status >= 500:
            return TransientError(f"{host} answered {status} {phrase}{suffix}".strip(), status=status,
                                  retry_in=retry_delay(response.headers, self.clock()), url=safe_url)
        if status == 401:
            detail = said if said and "token" in said.lower() else "the access token is invalid"
            if said and detail != said:
                detail += f" ({said})"
            return AuthError(f"{host} refused the credentials (401): {detail}", status=status, url=safe_url)
        if status == 403:
            return PermanentError(f"{host} forbids this (403){suffix}; check the token's scopes",
                                  status=status, url=safe_url)
        if status == 404:
            return PermanentError(f"{host} has no such resource (404): {safe_url}", status=status,
                                  url=safe_url)
        return PermanentError(f"{host} refused the request ({status} {phrase}){suffix}", status=status,
                              url=safe_url)

    # -- calls -------------------------------------------------------------------------------
    async def request(self, method: str, url: str, *, params: Any = None, json: Any = None,
                      data: Any = None, headers: Mapping[str, str] | None = None,
                      retries: int | None = None) -> httpx.Response:
        """One call, retried on transient failures; a 2xx/3xx response or an HttpError."""
        retries = self.retries if retries is None else retries
        attempt = 0
        while True:
            try:
                await self._respect_budget(url)
                try:
                    response = await self._client.request(method, url, params=params, json=json, data=data,
                                                          headers=headers)
                except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as error:
                    raise translate(error, url, self._secrets) from None
                self._note_limits(response)
                if response.status_code < 400:
                    return response
                failure = self._status_error(response, response.content[:MAX_ERROR_BODY])
                failure.code = server_code(response.content[:MAX_ERROR_BODY])
                failure.server_message = self.redact(server_message_of(response.content[:MAX_ERROR_BODY]))
                raise failure
            except TransientError as error:
                if attempt >= retries:
                    raise
                wait = error.retry_in
                if wait is None:
                    wait = backoff(attempt, base=self.backoff_base, cap=self.backoff_cap)
                elif wait > self.max_wait:
                    raise
                attempt += 1
                await self.sleep(wait)

    async def get_json(self, url: str, *, params: Any = None,
                       headers: Mapping[str, str] | None = None) -> Any:
        response = await self.request("GET", url, params=params, headers=headers)
        return self.decode_json(response)

    def decode_json(self, response: httpx.Response) -> Any:
        try:
            value, repaired = loads(response.content)
        except JSONDecodeError as error:
            raise PayloadError(f"{response.url.host} sent malformed JSON ({error.msg} at byte {error.pos})",
                               status=response.status_code,
                               url=redact_url(response.url, self._secrets)) from None
        if repaired and self.on_lone_surrogate is not None:
            self.on_lone_surrogate()
        return value

    @asynccontextmanager
    async def stream(self, method: str, url: str, *, params: Any = None,
                     headers: Mapping[str, str] | None = None) -> AsyncIterator[httpx.Response]:
        """A streaming response with a 2xx status (else an HttpError), read timeout `stream_timeout`."""
        await self._respect_budget(url)
        try:
            async with self._client.stream(method, url, params=params, headers=headers,
                                           timeout=self.stream_timeout) as response:
                self._note_limits(response)
                if response.status_code >= 400:
                    body = b""
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) >= MAX_ERROR_BODY:
                            break
                    raise self._status_error(response, body[:MAX_ERROR_BODY])
                yield response
        except HttpError:
            raise
        except (httpx.HTTPError, httpx.StreamError, SSEError) as error:
            raise translate(error, url, self._secrets) from None

    @asynccontextmanager
    async def sse(self, url: str, *, params: Any = None, headers: Mapping[str, str] | None = None,
                  last_event_id: str | None = None) -> AsyncIterator[AsyncIterator[ServerSentEvent]]:
        """Server-sent events; stream failures surface as TransientError while iterating."""
        sse_headers = {"Accept": "text/event-stream", "Cache-Control": "no-store", **(headers or {})}
        if last_event_id:
            sse_headers["Last-Event-ID"] = last_event_id
        async with self.stream("GET", url, params=params, headers=sse_headers) as response:
            yield self._events(EventSource(response), url)

    async def _events(self, source: EventSource, url: str) -> AsyncIterator[ServerSentEvent]:
        try:
            async for event in source.aiter_sse():
                yield event
        except (httpx.HTTPError, httpx.StreamError, SSEError) as error:
            raise translate(error, url, self._secrets) from None

    async def aiter_lines(self, response: httpx.Response) -> AsyncIterator[bytes]:
        """Raw lines of a streamed body (newline kept off); stream failures become TransientError."""
        pending = b""
        try:
            async for chunk in response.aiter_bytes():
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    yield line
        except (httpx.HTTPError, httpx.StreamError) as error:
            raise translate(error, response.url, self._secrets) from None
        if pending:
            yield pending
