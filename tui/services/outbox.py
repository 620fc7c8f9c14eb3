"""The durable outbox: a reply is stored before it is sent, and sent at most once.

Each reply is a row in the store's `outbox` table:
`{uid, text, platform, status, idempotency_key, attempts, last_error, created_at, next_try, ...}` with
status `queued` -> `sending` -> `sent` (plus `remote_id`, `remote_url`, `sent_at`, and `remote_cid` for
Bluesky), or `failed` (with the
reason), or `manual` for platforms without a reply API (RSS, Hacker News): the agent answers there by hand
and the row records that it was done.

The idempotency key is made once, at enqueue, and stored. `sending` is written (and fsynced) before the
network call, so after a crash between the platform's acknowledgement and ours, the next start finds the
row still `sending` and sends it again WITH THE SAME KEY: the platform (Mastodon keeps keys for an hour)
answers with the status it already made instead of posting a second one. A row interrupted longer ago than
that is not resent blindly: it fails with a reason asking the agent to check the thread first.

Senders are `async (mention: Mention, text: str, idempotency_key: str) -> {"id", "url"}` per platform (for
instance `MastodonSource.post_reply`; Bluesky answers `{"uri", "cid", "url"}`, see `sent_fields`).
A `TransientError` re-queues the row with backoff; a `PermanentError` fails it; after `MAX_ATTEMPTS`
transient failures it fails too.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from tui.core.model import Mention, now_utc, parse_time
from tui.sources.base import backoff
from tui.sources.http import HttpError, PermanentError
from tui.storage.store import Store

log = logging.getLogger(__name__)

Sender = Callable[[Mention, str, str], Awaitable[dict[str, Any]]]
Listener = Callable[[int, dict[str, Any]], None]

MAX_ATTEMPTS = 8
"""Transient failures in a row before a reply is given up on (about 4 minutes of backoff at the default)."""
IDEMPOTENCY_WINDOW = timedelta(minutes=50)
"""Mastodon remembers an Idempotency-Key for an hour; past this, a resend might post twice."""
IDLE_POLL = 5.0
"""`run()` looks at the queue at least this often even when nothing wakes it."""

STATUSES = ("queued", "sending", "sent", "failed", "manual")


def sent_fields(result: dict[str, Any], now: str) -> dict[str, Any]:
    """The row's fields once the platform took the reply: what identifies the post there.

    Senders answer `{"id", "url"}` (Mastodon, Reddit) or `{"uri", "cid", "url"}` (Bluesky, whose
    posts are named by an AT URI and pinned to a version by a CID): keep whichever came, and say
    so when nothing did instead of storing an empty id in silence.
    """
    remote_id = str(result.get("id") or result.get("uri") or "")
    fields: dict[str, Any] = {"status": "sent", "remote_id": remote_id, "remote_url": result.get("url"),
                              "sent_at": now, "last_error": None, "next_try": None}
    if result.get("cid"):
        fields["remote_cid"] = str(result["cid"])
    if result.get("already_sent"):
        fields["already_sent"] = True  # an earlier attempt had posted it; this one found it there
    if not remote_id:
        fields["last_error"] = "the platform took the reply but named no post id; check the thread"
    return fields


class Outbox:
    """See the module docstring. No UI: the app listens through `listeners`."""

    def __init__(self, store: Store, senders: dict[str, Sender], clock: Callable[[], datetime] = now_utc,
                 *, backoff_base: float = 2.0, backoff_cap: float = 600.0) -> None:
        self.store = store
        self.senders = dict(senders)
        # platform -> what its sender puts before a reply (`Source.reply_prefix`), for the editor's count
        self.prefixes: dict[str, Callable[[Mention, str], str]] = {}
        self.clock = clock
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.listeners: list[Listener] = []
        self._wake = asyncio.Event()
        self._recover()

    # -- reading -----------------------------------------------------------------------------
    def reply_prefix(self, mention: Mention, text: str) -> str:
        """What the platform's sender will put before `text` ("" when none is known)."""
        prefix = self.prefixes.get(str(mention.get("source")))
        return prefix(mention, text) if prefix is not None else ""

    def items(self) -> list[dict[str, Any]]:
        """Every row, each with its `item_id`."""
        return [{**doc, "item_id": doc.doc_id} for doc in self.store.outbox()]

    def item(self, item_id: int) -> dict[str, Any] | None:
        doc = self.store.outbox_item(item_id)
        return None if doc is None else {**doc, "item_id": doc.doc_id}

    # -- writing -----------------------------------------------------------------------------
    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def _update(self, item_id: int, fields: dict[str, Any], *, durable: bool = False) -> None:
        self.store.outbox_update(item_id, fields)
        if durable:
            self.store.sync()
        row = self.item(item_id)
        for listener in self.listeners:
            try:
                listener(item_id, row or fields)
            except Exception:  # a broken listener must not lose a reply
                log.exception("outbox listener failed")

    def _recover(self) -> None:
        """Rows left `sending` by a crash go back to the queue, keeping their key, if still safe."""
        for doc in self.store.outbox():
            if doc.get("status") != "sending":
                continue
            started = doc.get("sending_at") or doc.get("created_at")
            try:
                stale = started is not None and self.clock() - parse_time(started) > IDEMPOTENCY_WINDOW
            except ValueError:
                stale = False
            if stale:
                self._update(doc.doc_id, {
                    "status": "failed",
                    "last_error": "interrupted while sending, too long ago to resend safely: it may have "
                                  "been posted; check the thread, then retry",
                })
            else:
                self._update(doc.doc_id, {
                    "status": "queued", "next_try": None,
                    "last_error": "interrupted while sending; resending with the same idempotency key",
                })

    def enqueue(self, mention_uid: str, text: str, platform: str) -> int:
        """Store a reply before anything touches the network; returns its outbox id."""
        manual = platform not in self.senders
        row = {
            "uid": mention_uid,
            "text": text,
            "platform": platform,
            "status": "manual" if manual else "queued",
            "idempotency_key": uuid.uuid4().hex,
            "attempts": 0,
            "last_error": None,
            "created_at": self._now(),
            "next_try": None,
        }
        if manual:
            row["done_at"] = row["created_at"]
        item_id = self.store.outbox_add(row)
        self.store.sync()
        for listener in self.listeners:
            listener(item_id, {**row, "item_id": item_id})
        self._wake.set()
        return item_id

    def retry(self, item_id: int) -> None:
        """Put a failed row back in the queue (same text, same key)."""
        row = self.item(item_id)
        if row is not None and row.get("status") == "failed":
            self._update(item_id, {"status": "queued", "attempts": 0, "next_try": None})
            self._wake.set()

    def due(self) -> list[dict[str, Any]]:
        now = self.clock()
        rows = []
        for row in self.items():
            if row.get("status") != "queued":
                continue
            next_try = row.get("next_try")
            if next_try and parse_time(next_try) > now:
                continue
            rows.append(row)
        return rows

    def next_due_in(self, *, keep_unsendable: bool = False) -> float | None:
        """Seconds until the earliest queued row may be tried, or None when nothing is queued (that
        we can send, with `keep_unsendable`)."""
        now = self.clock()
        waits = [max(0.0, (parse_time(r["next_try"]) - now).total_seconds()) if r.get("next_try") else 0.0
                 for r in self.items() if r.get("status") == "queued"
                 and (not keep_unsendable or r.get("platform") in self.senders)]
        return min(waits) if waits else None

    # -- sending -----------------------------------------------------------------------------
    async def process_once(self, *, keep_unsendable: bool = False) -> int:
        """Try every due row once; returns how many were sent. `keep_unsendable` leaves a row whose
        platform has no sender here queued (a headless run that does not post there) instead of
        handing it to the agent to post by hand."""
        sent = 0
        for row in self.due():
            if keep_unsendable and row["platform"] not in self.senders:
                continue
            if await self._send(row):
                sent += 1
        return sent

    async def _send(self, row: dict[str, Any]) -> bool:
        item_id = row["item_id"]
        sender = self.senders.get(row["platform"])
        if sender is None:
            self._update(item_id, {"status": "manual", "done_at": self._now()})
            return False
        mention = self.store.mention(row["uid"])
        if mention is None:
            self._update(item_id, {"status": "failed",
                                   "last_error": f"the mention {row['uid']} is no longer in the store"})
            return False
        attempts = int(row.get("attempts", 0)) + 1
        self._update(item_id, {"status": "sending", "attempts": attempts, "sending_at": self._now()},
                     durable=True)
        try:
            result = await sender(mention.copy(), row["text"], row["idempotency_key"])
        except asyncio.CancelledError:
            raise  # stays `sending`: the next start resends with the same key
        except PermanentError as error:
            self._update(item_id, {"status": "failed", "last_error": error.reason}, durable=True)
            return False
        except Exception as error:  # transient, or a sender bug: retry later, give up eventually
            reason = error.reason if isinstance(error, HttpError) else f"unexpected {type(error).__name__}"
            if attempts >= MAX_ATTEMPTS:
                self._update(item_id, {"status": "failed",
                                       "last_error": f"gave up after {attempts} attempts: {reason}"},
                             durable=True)
                return False
            wait = getattr(error, "retry_in", None)
            if wait is None:
                wait = max(self.backoff_base, backoff(attempts, base=self.backoff_base, cap=self.backoff_cap))
            next_try = (self.clock() + timedelta(seconds=wait)).isoformat(timespec="seconds")
            self._update(item_id, {"status": "queued", "last_error": reason, "next_try": next_try},
                         durable=True)
            return False
        self._update(item_id, sent_fields(result, self._now()), durable=True)
        return True

    async def run(self, stop_event: asyncio.Event, *, keep_unsendable: bool = False) -> None:
        """Send whatever is due, then sleep until the next row is due, something is enqueued, or stop."""
        while not stop_event.is_set():
            self._wake.clear()
            await self.process_once(keep_unsendable=keep_unsendable)
            wait = self.next_due_in(keep_unsendable=keep_unsendable)
            wait = IDLE_POLL if wait is None else min(max(wait, 0.05), IDLE_POLL)
            stopper = asyncio.ensure_future(stop_event.wait())
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({stopper, waker}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopper.cancel()
                waker.cancel()
