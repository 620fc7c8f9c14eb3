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
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from httpx_sse import EventSource, ServerSentEvent, SSEError

from tui import __version__
from tui.core.sanitize import one_line
from tui.sources.base import backoff
from tui.storage.jsonio import JSONDecodeError, loads

USER_AGENT = f"turnaround/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
STREAM_TIMEOUT = httpx.Timeout(connect=10.0, read=50.0, write=10.0, pool=10.0)
"""Mastodon sends a heartbeat every 15 s: 50 s of silence means the stream is dead."""

MAX_ERROR_BODY = 4096
"""How much of an error response we read to find the server's own message."""

SECRET_PARAMS = (
    "access_token", "token", "api_key", "apikey", "key", "password", "passwd", "client_secret", "secret",
    "sig", "signature", "auth", "code", "refresh_token", "app_password",
)
_QUERY_SECRET = re.compile(
    r"(?i)(?<![A-Za-z0-9_])(" + "|".join(SECRET_PARAMS) + r")(=|%3D)([^&\s\"'#]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{6,}")
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://)[^/\s@]+@")
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class HttpError(Exception):
    """A failed call; `reason` is safe to show and store, `retry_in` is the wait the server asked for."""

    def __init__(self, reason: str, *, status: int | None = None, retry_in: float | None = None,
                 url: str = "", code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_in = retry_in
        self.url = url
        self.code = code
        """The server's machine-readable error name (an XRPC `error` such as "ExpiredToken"), if any."""
        self.server_message = ""
        """The server's own words (the body's `message`), redacted; empty when it sent none."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason!r}, status={self.status}, retry_in={self.retry_in})"


class TransientError(HttpError):
    """Worth retrying soon: 5xx, timeouts, refused connections, a stream that dropped."""


class RateLimitError(TransientError):
    """The server wants us to slow down; `retry_in` says for how long."""


class PermanentError(HttpError):
    """A 4xx other than 429: retrying soon will not help."""


class AuthError(PermanentError):
    """401: the token is wrong, expired or revoked."""


class PayloadError(HttpError):
    """A successful status with a body we cannot use."""


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with known secrets, bearer tokens, URL credentials and token query parameters masked."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} ***", text)
    return _USERINFO.sub(lambda m: f"{m.group(1)}***@", text)


def redact_url(url: str | httpx.URL, secrets: Iterable[str | None] = ()) -> str:
    return redact(str(url), secrets)


def redact_headers(headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
    return {k: ("***" if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}


def _host(url: str | httpx.URL) -> str:
    try:
        return urlsplit(str(url)).hostname or "the server"
    except ValueError:
        return "the server"


def parse_reset(value: str | None, now: float) -> float | None:
    """Seconds to wait from a rate-limit header value, whichever platform's style it is in.

    Handles a delay in seconds (`Retry-After: 30`, Reddit `x-ratelimit-reset: 30`), an epoch time
    (Bluesky `RateLimit-Reset: 1754000000`), an ISO time (Mastodon `X-RateLimit-Reset`) and an HTTP date
    (`Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`). Never negative.
    """
    if not value:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if number != number or number in (float("inf"), float("-inf")):
            return None
        wait = number - now if number > 1_000_000_000 else number
        return max(0.0, wait)
    when: datetime | None = None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def retry_delay(headers: Mapping[str, str] | httpx.Headers, now: float) -> float | None:
    """The wait a response asks for: `Retry-After` first, then the platform's reset header."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in ("retry-after", "x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset"):
        wait = parse_reset(lowered.get(name), now)
        if wait is not None:
            return wait
    return None


def _remaining(headers: httpx.Headers) -> int | None:
    for name in ("x-ratelimit-remaining", "ratelimit-remaining", "x-rate-limit-remaining"):
        value = headers.get(name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                return None
    return None


def translate(error: BaseException, url: str | httpx.URL, secrets: Iterable[str | None] = ()) -> HttpError:
    """An httpx (or SSE) exception as a TransientError/PermanentError with a plain, redacted reason."""
    host = _host(url)
    safe_url = redact_url(url, secrets)
    if isinstance(error, HttpError):
        return error
    if isinstance(error, SSEError):
        return PermanentError(f"{host} did not answer with an event stream", url=safe_url)
    if isinstance(error, httpx.ConnectTimeout):
        return TransientError(f"timed out connecting to {host}", url=safe_url)
    if isinstance(error, httpx.ReadTimeout):
        return TransientError(f"{host} sent nothing for too long (read timeout)", url=safe_url)
    if isinstance(error, httpx.TimeoutException):
        return TransientError(f"timed out talking to {host}", url=safe_url)
    if isinstance(error, httpx.ConnectError):
        detail = redact(one_line(str(error), 160), secrets) or "connection failed"
        return TransientError(f"cannot connect to {host}: {detail}", url=safe_url)
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError):
        return TransientError(f"{host} dropped the connection mid-response", url=safe_url)
    if isinstance(error, httpx.TransportError):
        return TransientError(f"network error talking to {host}: {type(error).__name__}", url=safe_url)
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return PermanentError(f"not a usable URL: {safe_url}", url=safe_url)
    return TransientError(f"unexpected error talking to {host}: {type(error).__name__}", url=safe_url)


def _server_code(body: bytes) -> str:
    """The `error` name a JSON error body carries when it is an identifier (XRPC: "ExpiredToken")."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    code = data.get("error") if isinstance(data, dict) else None
    return code if isinstance(code, str) and code.isidentifier() and len(code) <= 64 else ""


def _server_message(body: bytes) -> str:
    """The `error`/`message` a JSON error body carries, if any, on one short line."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    if isinstance(data, dict):
        for key in ("error_description", "message", "error", "reason"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return one_line(value, 200)
    return ""


class _RedactFilter(logging.Filter):
    """httpx logs every request URL at INFO: mask token query parameters before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


for _name in ("httpx", "httpcore"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(f, _RedactFilter) for f in _logger.filters):
        _logger.addFilter(_RedactFilter())


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
        remaining = _remaining(response.headers)
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
        said = self.redact(_server_message(body))
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
                failure.code = _server_code(response.content[:MAX_ERROR_BODY])
                failure.server_message = self.redact(_server_message(response.content[:MAX_ERROR_BODY]))
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
