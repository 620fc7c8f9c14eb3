"""The shared HTTP client against a real local server: retries, rate limits, timeouts, redaction."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from tests.helpers import Sleeps
from tests.servers import Reply, TestServer
from tui.sources.http import (
    USER_AGENT,
    AuthError,
    HttpClient,
    PayloadError,
    PermanentError,
    RateLimitError,
    TransientError,
    parse_reset,
    redact,
    redact_headers,
    retry_delay,
)

TOKEN = "s3cr3t-T0KEN-value"


def client(sleeps: Sleeps, **kw) -> HttpClient:
    kw.setdefault("retries", 3)
    kw.setdefault("backoff_base", 0.01)
    return HttpClient(token=TOKEN, sleep=sleeps, timeout=2.0, stream_timeout=0.5, **kw)


async def test_user_agent_and_bearer_token_are_sent(server: TestServer) -> None:
    server.route("GET", "/ok", Reply.json({"fine": True}))
    http = client(Sleeps())
    assert await http.get_json(f"{server.url}/ok") == {"fine": True}
    await http.aclose()
    sent = server.requests[0].headers
    assert sent["user-agent"] == USER_AGENT and USER_AGENT.startswith("turnaround/")
    assert sent["authorization"] == f"Bearer {TOKEN}"


async def test_5xx_is_retried_with_backoff_then_succeeds(server: TestServer) -> None:
    server.route("GET", "/flaky", [Reply(500), Reply(503), Reply.json([1])])
    sleeps = Sleeps()
    http = client(sleeps)
    assert await http.get_json(f"{server.url}/flaky") == [1]
    await http.aclose()
    assert len(server.requests) == 3
    assert len(sleeps.waits) == 2 and all(0 <= w <= 0.02 for w in sleeps.waits)


async def test_5xx_gives_up_after_retries_with_a_clear_reason(server: TestServer) -> None:
    server.route("GET", "/down", Reply.json({"error": "database on fire"}, status=502))
    http = client(Sleeps(), retries=2)
    with pytest.raises(TransientError) as caught:
        await http.get_json(f"{server.url}/down")
    await http.aclose()
    assert len(server.requests) == 3
    assert caught.value.status == 502
    assert "502" in caught.value.reason and "database on fire" in caught.value.reason


async def test_429_with_retry_after_seconds_waits_that_long(server: TestServer) -> None:
    server.route("GET", "/busy", [Reply(429, headers={"Retry-After": "7"}), Reply.json({"ok": 1})])
    sleeps = Sleeps()
    http = client(sleeps)
    assert await http.get_json(f"{server.url}/busy") == {"ok": 1}
    await http.aclose()
    assert sleeps.waits == [7.0]


async def test_429_with_http_date_retry_after(server: TestServer) -> None:
    now = 1_800_000_000.0
    when = format_datetime(datetime.fromtimestamp(now + 20, UTC), usegmt=True)
    server.route("GET", "/busy", [Reply(429, headers={"Retry-After": when}), Reply.json({})])
    sleeps = Sleeps()
    http = client(sleeps, clock=lambda: now)
    await http.get_json(f"{server.url}/busy")
    await http.aclose()
    assert sleeps.waits == [20.0]


async def test_429_with_mastodon_reset_and_a_long_wait_raises_rate_limit(server: TestServer) -> None:
    now = time.time()
    reset = (datetime.fromtimestamp(now, UTC) + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    server.route("GET", "/limited", Reply.json({"error": "Too many requests"}, status=429, headers={
        "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}))
    sleeps = Sleeps()
    http = client(sleeps, clock=lambda: now)
    with pytest.raises(RateLimitError) as caught:
        await http.get_json(f"{server.url}/limited")
    assert 299 <= caught.value.retry_in <= 301
    assert "rate limited" in caught.value.reason and "retry in 300 s" in caught.value.reason
    assert sleeps.waits == []  # too long to wait inside the call: the source decides
    # The exhausted budget is remembered: the next call is refused without touching the server.
    with pytest.raises(RateLimitError):
        await http.get_json(f"{server.url}/limited")
    assert len(server.requests) == 1
    await http.aclose()


async def test_exhausted_budget_with_a_short_reset_waits_before_the_next_call(
        server: TestServer) -> None:
    now = 1_800_000_000.0
    server.route("GET", "/x", Reply.json({}, headers={"RateLimit-Remaining": "0",
                                                           "RateLimit-Reset": str(int(now + 4))}))
    sleeps = Sleeps()
    http = client(sleeps, clock=lambda: now)
    await http.get_json(f"{server.url}/x")
    assert http.remaining == 0
    await http.get_json(f"{server.url}/x")
    await http.aclose()
    assert sleeps.waits == [4.0]


def test_reset_header_styles() -> None:
    now = 1_754_000_000.0
    assert parse_reset("30", now) == 30.0  # Retry-After / Reddit x-ratelimit-reset: seconds
    assert parse_reset(str(int(now) + 90), now) == 90.0  # Bluesky RateLimit-Reset: epoch seconds
    iso = datetime.fromtimestamp(now + 60, UTC).isoformat().replace("+00:00", "Z")
    assert parse_reset(iso, now) == pytest.approx(60.0)  # Mastodon X-RateLimit-Reset
    assert parse_reset("Wed, 21 Oct 2015 07:28:00 GMT", now) == 0.0  # a past date: no wait
    assert parse_reset("soon", now) is None and parse_reset(None, now) is None
    assert retry_delay({"Retry-After": "5", "X-RateLimit-Reset": "100"}, now) == 5.0
    assert retry_delay({"x-ratelimit-reset": "12.5"}, now) == 12.5


async def test_read_timeout_is_transient_and_retried(server: TestServer) -> None:
    server.route("GET", "/slow", [Reply.json({}, delay=1.0), Reply.json({"late": False})])
    sleeps = Sleeps()
    http = HttpClient(sleep=sleeps, timeout=httpx.Timeout(0.2), retries=1, backoff_base=0.01)
    assert await http.get_json(f"{server.url}/slow") == {"late": False}
    await http.aclose()
    assert len(sleeps.waits) == 1


async def test_read_timeout_reason(server: TestServer) -> None:
    server.route("GET", "/slow", Reply.json({}, delay=1.0))
    http = HttpClient(sleep=Sleeps(), timeout=httpx.Timeout(0.2), retries=0)
    with pytest.raises(TransientError, match="read timeout"):
        await http.get_json(f"{server.url}/slow")
    await http.aclose()


async def test_connection_refused_is_transient() -> None:
    with TestServer() as server:
        url = server.url
    http = HttpClient(sleep=Sleeps(), retries=1, backoff_base=0.01)
    with pytest.raises(TransientError, match=r"cannot connect to 127\.0\.0\.1"):
        await http.get_json(f"{url}/gone")
    await http.aclose()


async def test_4xx_is_permanent_and_not_retried(server: TestServer) -> None:
    server.route("GET", "/missing", Reply.json({"error": "Not Found"}, status=404))
    server.route("POST", "/bad", Reply.json({"error": "Validation failed: Text can't be blank"},
                                                 status=422))
    http = client(Sleeps())
    with pytest.raises(PermanentError, match="404"):
        await http.get_json(f"{server.url}/missing")
    with pytest.raises(PermanentError, match="Validation failed"):
        await http.request("POST", f"{server.url}/bad", data={"status": ""})
    await http.aclose()
    assert len(server.requests) == 2


async def test_401_says_the_token_is_invalid_without_showing_it(server: TestServer) -> None:
    server.route("GET", "/api/v1/notifications",
                      Reply.json({"error": "The access token is invalid"}, status=401))
    http = client(Sleeps())
    with pytest.raises(AuthError) as caught:
        await http.get_json(f"{server.url}/api/v1/notifications",
                            params={"access_token": TOKEN, "types[]": "mention"})
    await http.aclose()
    error = caught.value
    assert "access token is invalid" in error.reason.lower()
    for text in (str(error), repr(error), error.reason, error.url):
        assert TOKEN not in text
    assert "access_token=***" in error.url


async def test_malformed_json_is_a_payload_error(server: TestServer) -> None:
    server.route("GET", "/junk", Reply(body=b'{"id": 1,', headers={"Content-Type": "application/json"}))
    http = client(Sleeps())
    with pytest.raises(PayloadError, match="malformed JSON"):
        await http.get_json(f"{server.url}/junk")
    await http.aclose()


async def test_sse_stream_events_and_a_drop(server: TestServer) -> None:
    server.route("GET", "/events", Reply.sse([":)\n", "id: 1\nevent: update\ndata: {}\n\n", 0.05,
                                                   "id: 2\ndata: x\n\n", "data: trunc"], drop=True))
    http = client(Sleeps())
    seen = []
    with pytest.raises(TransientError, match="dropped the connection"):
        async with http.sse(f"{server.url}/events", last_event_id="0") as events:
            async for event in events:
                seen.append((event.id, event.event, event.data))
    await http.aclose()
    assert seen == [("1", "update", "{}"), ("2", "message", "x")]
    sent = server.requests[0].headers
    assert sent["last-event-id"] == "0" and sent["accept"] == "text/event-stream"


async def test_sse_silence_beyond_the_read_timeout_is_transient(server: TestServer) -> None:
    server.route("GET", "/quiet", Reply.sse(["data: 1\n\n"], hold=5))
    http = client(Sleeps())  # stream read timeout 0.5 s
    got = []
    with pytest.raises(TransientError, match="read timeout"):
        async with http.sse(f"{server.url}/quiet") as events:
            async for event in events:
                got.append(event.data)
    await http.aclose()
    assert got == ["1"]


async def test_sse_wrong_content_type_is_permanent(server: TestServer) -> None:
    server.route("GET", "/html", Reply.text("<html>login page</html>"))
    http = client(Sleeps())
    with pytest.raises(PermanentError, match="event stream"):
        async with http.sse(f"{server.url}/html") as events:
            async for _ in events:
                pass
    await http.aclose()


async def test_stream_error_status_is_classified(server: TestServer) -> None:
    server.route("GET", "/s", Reply.json({"error": "The access token is invalid"}, status=401))
    http = client(Sleeps())
    with pytest.raises(AuthError):
        async with http.stream("GET", f"{server.url}/s"):
            pass
    await http.aclose()


def test_redaction() -> None:
    text = (f"GET https://user:pw@h.example/api?access_token={TOKEN}&q=ok&client_secret=abc123 "
            f"Authorization: Bearer {TOKEN} token=xyz987")
    cleaned = redact(text)
    for secret in (TOKEN, "abc123", "xyz987", "pw@"):
        assert secret not in cleaned
    assert "q=ok" in cleaned
    assert redact("The access token expired yesterday") == "The access token expired yesterday"
    assert redact(f"the value {TOKEN} leaked", [TOKEN]) == "the value *** leaked"
    headers = redact_headers({"Authorization": f"Bearer {TOKEN}", "Accept": "x"})
    assert headers == {"Authorization": "***", "Accept": "x"}
    http = HttpClient(token=TOKEN)
    assert TOKEN not in repr(http)


async def test_httpx_request_logs_are_redacted(server: TestServer,
                                               caplog: pytest.LogCaptureFixture) -> None:
    server.route("GET", "/feed", Reply.json({}))
    http = client(Sleeps())
    with caplog.at_level(logging.DEBUG):
        await http.get_json(f"{server.url}/feed", params={"token": TOKEN})
    await http.aclose()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/feed" in logged
    assert TOKEN not in logged
