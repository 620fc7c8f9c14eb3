"""A real HTTP/1.1 server on 127.0.0.1 for network-source tests: scripted replies, streaming, faults.

It runs its own asyncio loop in a background thread, so it serves while a test's own loop (or a plain
synchronous test) is busy, and a slow or hanging reply never blocks the client under test.

API (kept stable; other test files import it):

    Reply(status=200, body=b"", headers={}, delay=0.0, chunks=None, drop=False, hold=0.0)
        body: bytes | str | any JSON-able value (sent as application/json).
        delay: seconds to wait before the status line (to provoke client timeouts).
        chunks: a list of bytes/str (each sent as one chunk, Transfer-Encoding: chunked) and floats
                (pauses, in seconds) -- for SSE and streamed JSON lines.
        drop: after the chunks, abort the connection without the final chunk (a truncated stream).
        hold: after the chunks, keep the stream open this long (math.inf: until the client hangs up
              or the server closes) before the final chunk.
        Reply.json(value, status=200, headers=None), Reply.sse(text, **kw), Reply.text(s, status=200)
    Recorded(method, path, query: dict[str, list[str]], headers: dict[str, str] (lower-case names),
             body: bytes, target: str); .json() and .form() decode the body; .param(name) -> first value
    TestServer()  -- also a context manager; `url` is "http://127.0.0.1:PORT"
        route(method, path, reply)   reply: a Reply, a callable(Recorded) -> Reply (sync or async), or
                                     a list of either (served in order, the last one repeats)
        handler(method, path) -> what the route serves now (None if unrouted)
        requests: list[Recorded]; requests_to(path, method=None) -> list[Recorded]
        connections: int             how many TCP connections were accepted
        close()

A fixture is two lines (define it in the test file; importing a fixture trips ruff's F811):

    @pytest.fixture
    def server() -> Iterator[TestServer]:
        with TestServer() as server:
            yield server

An unrouted request gets a 404 JSON body `{"error": "no route for METHOD PATH"}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson


@dataclass
class Reply:
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunks: list[bytes | str | float] | None = None
    drop: bool = False
    hold: float = 0.0

    @classmethod
    def json(cls, value: Any, status: int = 200, headers: dict[str, str] | None = None, **kw: Any) -> Reply:
        return cls(status=status, body=orjson.dumps(value),
                   headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}, **kw)

    @classmethod
    def text(cls, text: str, status: int = 200, headers: dict[str, str] | None = None, **kw: Any) -> Reply:
        return cls(status=status, body=text.encode(),
                   headers={"Content-Type": "text/plain; charset=utf-8", **(headers or {})}, **kw)

    @classmethod
    def sse(cls, text: str | bytes | list[bytes | str | float], **kw: Any) -> Reply:
        chunks = text if isinstance(text, list) else [text]
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache", **kw.pop("headers", {})}
        return cls(status=200, headers=headers, chunks=chunks, **kw)

    def encoded_body(self) -> tuple[bytes, str | None]:
        if isinstance(self.body, bytes):
            return self.body, None
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return orjson.dumps(self.body), "application/json; charset=utf-8"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    target: str

    def json(self) -> Any:
        return orjson.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode(), keep_blank_values=True)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


Responder = Reply | Callable[[Recorded], Reply | Awaitable[Reply]]
Handler = Responder | list[Responder]


class TestServer:
    """See the module docstring."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.connections = 0
        self._routes: dict[tuple[str, str], Handler] = {}
        self._writers: set[asyncio.StreamWriter] = set()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-http-server", daemon=True)
        self._server: asyncio.Server | None = None
        self._closing: asyncio.Event | None = None
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError("the test server did not start")
        assert self._server is not None
        self.port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> TestServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- set-up ------------------------------------------------------------------------------
    def route(self, method: str, path: str, reply: Handler) -> None:
        with self._lock:
            self._routes[(method.upper(), path)] = list(reply) if isinstance(reply, list) else reply

    def handler(self, method: str, path: str) -> Handler | None:
        """What a route serves now (to wrap it, or to put it back after a scripted fault)."""
        with self._lock:
            return self._routes.get((method.upper(), path))

    def requests_to(self, path: str, method: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path and (method is None or r.method == method)]

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        self._loop.call_soon_threadsafe(self._shutdown)
        self._thread.join(5)

    # -- the loop ----------------------------------------------------------------------------
    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve())
        self._loop.close()

    async def _serve(self) -> None:
        self._closing = asyncio.Event()
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self._ready.set()
        await self._closing.wait()
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _shutdown(self) -> None:
        if self._closing is not None:
            self._closing.set()

    def _pick(self, request: Recorded) -> Responder:
        with self._lock:
            self.requests.append(request)
            handler = self._routes.get((request.method, request.path))
            if isinstance(handler, list):
                return handler.pop(0) if len(handler) > 1 else handler[0]
        if handler is None:
            return Reply.json({"error": f"no route for {request.method} {request.path}"}, status=404)
        return handler

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        try:
            while True:
                request = await self._read_request(reader)
                if request is None:
                    return
                handler = self._pick(request)
                if isinstance(handler, Reply):
                    reply = handler
                else:
                    result = handler(request)
                    reply = await result if inspect.isawaitable(result) else result
                keep = await self._respond(reader, writer, reply, request)
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            return  # shutting down; ending quietly keeps asyncio from logging the cancellation
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> Recorded | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = b""
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        return Recorded(method=method.upper(), path=parts.path, query=query, headers=headers, body=body,
                        target=target)

    async def _respond(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, reply: Reply,
                       request: Recorded) -> bool:
        if reply.delay:
            await asyncio.sleep(reply.delay)
        try:
            phrase = HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = "Unknown"
        headers = {k.lower(): v for k, v in reply.headers.items()}
        head = [f"HTTP/1.1 {reply.status} {phrase}"]
        streaming = reply.chunks is not None
        if streaming:
            headers.setdefault("transfer-encoding", "chunked")
            body = b""
        else:
            body, kind = reply.encoded_body()
            if kind:
                headers.setdefault("content-type", kind)
            headers["content-length"] = str(len(body))
        for name, value in headers.items():
            head.append(f"{name.title()}: {value}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if not streaming:
            if request.method != "HEAD":
                writer.write(body)
            await writer.drain()
            return request.headers.get("connection", "").lower() != "close"
        await writer.drain()
        for chunk in reply.chunks or ():
            if isinstance(chunk, int | float) and not isinstance(chunk, bool):
                await asyncio.sleep(chunk)
                continue
            data = chunk.encode() if isinstance(chunk, str) else chunk
            if data:
                writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                await writer.drain()
        if reply.hold:
            # Keep the stream open; a client hanging up shows as EOF on the reader.
            timeout = None if math.isinf(reply.hold) else reply.hold
            with contextlib.suppress(TimeoutError, ConnectionError, asyncio.IncompleteReadError):
                await asyncio.wait_for(reader.read(1), timeout)
        if reply.drop:
            writer.transport.abort()
            return False
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return not reply.hold

