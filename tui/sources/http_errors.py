"""The error types, redaction and rate-limit arithmetic behind `HttpClient`, apart from the client itself.

These are pure functions and plain classes (no connection state), so they read and test on their own, and
a caller that only needs an error type or `redact` (the outbox, the CLI) does not pull in the client.
`tui.sources.http` re-exports every public name here: import from there.

Importing this module also installs a logging filter that masks token query parameters in what httpx logs.
"""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import orjson
from httpx_sse import SSEError

from tui.core.sanitize import one_line

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


def remaining_budget(headers: httpx.Headers) -> int | None:
    """The calls left in this window, as whichever platform's header reports it; None when none does."""
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


def server_code(body: bytes) -> str:
    """The `error` name a JSON error body carries when it is an identifier (XRPC: "ExpiredToken")."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    code = data.get("error") if isinstance(data, dict) else None
    return code if isinstance(code, str) and code.isidentifier() and len(code) <= 64 else ""


def server_message_of(body: bytes) -> str:
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
