"""The Bluesky source and the outbox against the AT Protocol's reference PLC, PDS and AppView.

The network runs on 127.0.0.1 (tests/atproto/start_devnet.sh; .ci/run starts it and exports
ATPROTO_PDS_URL). A brand and a customer get accounts on the PDS; the customer mentions the brand
(once with a backdated `createdAt`); our source collects the mentions through the PDS, as it would
through bsky.social; the outbox replies, surviving a crash between the post and its record; and the
records are read back from the PDS. Without the network the test skips, except in CI, where it fails.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import QuietTriager
from tui.services.outbox import Outbox
from tui.services.pipeline import Pipeline
from tui.sources.bluesky import BlueskySource
from tui.storage.store import Store

START = "tests/atproto/start_devnet.sh run /tmp/devnet.env (then: set -a; . /tmp/devnet.env; set +a)"
PDS_URL = os.environ.get("ATPROTO_PDS_URL", "")
WAIT = 20.0
"""Seconds to wait for the AppView to index what the PDS just wrote (it takes well under one)."""

if not PDS_URL:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs the AT Protocol reference network: ATPROTO_PDS_URL is not set ({START})",
                    pytrace=False)
    pytest.skip(f"the AT Protocol reference network is not running; start it with {START}",
                allow_module_level=True)

pytestmark = pytest.mark.timeout(180)


DEV_JWT_SECRET = b"jwt-secret"
"""The PDS signing secret dev-env sets (@atproto/dev-env's const.js), to age a session by hand."""


def expired(token: str) -> str:
    """The same access token, expired a minute ago and signed again: the PDS says "Token has expired"."""
    header, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] = int(time.time()) - 60
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    signature = hmac.new(DEV_JWT_SECRET, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Account:
    handle: str
    did: str
    password: str
    access: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


class Pds:
    """Plain XRPC calls to the reference PDS, as a client other than ours would make them."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def xrpc(self, method: str, nsid: str, account: Account | None = None, **kw: Any) -> Any:
        headers = account.auth if account else {}
        response = await self.client.request(method, f"/xrpc/{nsid}", headers=headers, **kw)
        assert response.status_code == 200, f"{nsid}: {response.status_code} {response.text}"
        return response.json() if response.content else {}

    async def account(self, name: str) -> Account:
        handle = f"{name}-{secrets.token_hex(3)}.test"
        password = secrets.token_urlsafe(12)
        made = await self.xrpc("POST", "com.atproto.server.createAccount", json={
            "handle": handle, "email": f"{handle}@example.com", "password": password})
        return Account(made["handle"], made["did"], password, made["accessJwt"])

    async def mention(self, author: Account, brand: Account, text: str, *,
                      created: datetime) -> dict[str, Any]:
        """A post that mentions the brand with a facet, as the Bluesky app writes it."""
        body = f"@{brand.handle} {text}"
        at = f"@{brand.handle}".encode()
        record = {"$type": "app.bsky.feed.post", "text": body, "createdAt": stamp(created),
                  "facets": [{"index": {"byteStart": 0, "byteEnd": len(at)},
                              "features": [{"$type": "app.bsky.richtext.facet#mention", "did": brand.did}]}]}
        return await self.xrpc("POST", "com.atproto.repo.createRecord", author, json={
            "repo": author.did, "collection": "app.bsky.feed.post", "record": record})

    async def post(self, author: Account, text: str) -> dict[str, Any]:
        record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": stamp(datetime.now(UTC))}
        return await self.xrpc("POST", "com.atproto.repo.createRecord", author, json={
            "repo": author.did, "collection": "app.bsky.feed.post", "record": record})

    async def found(self, account: Account, term: str, uris: set[str]) -> bool:
        data = await self.xrpc("GET", "app.bsky.feed.searchPosts", account, params={"q": term})
        return uris <= {p["uri"] for p in data["posts"]}

    async def posts(self, account: Account) -> list[dict[str, Any]]:
        data = await self.xrpc("GET", "com.atproto.repo.listRecords", params={
            "repo": account.did, "collection": "app.bsky.feed.post", "limit": 100})
        return list(data["records"])

    async def until(self, what: str, check: Callable[[], Awaitable[bool]]) -> None:
        """Wait (bounded) for the AppView to catch up with the PDS."""
        deadline = asyncio.get_running_loop().time() + WAIT
        while not await check():
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"the AppView did not show {what} within {WAIT:.0f} s")
            await asyncio.sleep(0.2)

    async def notified(self, brand: Account, uris: set[str]) -> bool:
        data = await self.xrpc("GET", "app.bsky.notification.listNotifications", brand, params={"limit": 100})
        return uris <= {n["uri"] for n in data["notifications"]}


@pytest.fixture
async def pds() -> AsyncIterator[Pds]:
    async with httpx.AsyncClient(base_url=PDS_URL, timeout=30) as client:
        yield Pds(client)


def source_for(brand: Account, app_password: str, search: list[str] | None = None) -> BlueskySource:
    return BlueskySource(brand.handle, app_password, service=PDS_URL, name="bsky-ref", once=True,
                         search=search)


async def test_collect_reply_and_crash_window_against_the_reference_network(pds: Pds, tmp_path: Path) -> None:
    brand, customer = await pds.account("brand"), await pds.account("customer")
    app_password = (await pds.xrpc("POST", "com.atproto.server.createAppPassword", brand,
                                   json={"name": "turnaround"}))["password"]
    now = datetime.now(UTC)
    first = await pds.mention(customer, brand, "my order 1041 never arrived",
                              created=now - timedelta(seconds=5))
    second = await pds.mention(customer, brand, "still waiting on 1041, any news?", created=now)
    word = f"acme{secrets.token_hex(3)}"  # the brand's name, said without a mention
    said = await pds.post(customer, f"{word} lost my parcel again")
    await pds.until("the first two mentions", lambda: pds.notified(brand, {first["uri"], second["uri"]}))
    await pds.until("the search hit", lambda: pds.found(brand, word, {said["uri"]}))

    db = tmp_path / "store.json"
    store = Store(db)
    source = source_for(brand, app_password, search=[word])
    counts = await Pipeline(store, QuietTriager()).run(source)
    assert source.health.healthy, source.health.last_error
    assert (counts.new, counts.duplicate, counts.invalid) == (3, 0, 0)
    assert store.mention(f"bluesky:{said['uri']}") is not None
    mention = store.mention(f"bluesky:{first['uri']}")
    assert mention is not None and mention["author"] == customer.handle
    assert mention["text"].startswith(f"@{brand.handle} my order 1041")

    # A phone whose clock runs two hours slow: the AppView files the post behind the two we have.
    late = await pds.mention(customer, brand, "sent from a phone with a slow clock",
                             created=datetime.now(UTC) - timedelta(hours=2))
    await pds.until("the backdated mention", lambda: pds.notified(brand, {late["uri"]}))
    counts = await Pipeline(store, QuietTriager()).run(source)
    assert (counts.new, counts.duplicate) == (1, 0), source.health.last_error
    backdated = store.mention(f"bluesky:{late['uri']}")
    assert backdated is not None and backdated["created_at"] < mention["created_at"]
    counts = await Pipeline(store, QuietTriager()).run(source)
    assert (counts.new, counts.duplicate) == (0, 0)  # collected once

    # The reply: posted, then the process dies before the outbox records it; the restart resends.
    async def dies_after_posting(parent: dict[str, Any], text: str, key: str) -> dict[str, Any]:
        await source.post_reply(parent, text, key)
        raise asyncio.CancelledError

    outbox = Outbox(store, {"bluesky": dies_after_posting})
    item_id = outbox.enqueue(mention["uid"], "Sorry about that! DM us order 1041 and we will chase it.",
                             "bluesky")
    with pytest.raises(asyncio.CancelledError):
        await outbox.process_once()
    assert outbox.item(item_id)["status"] == "sending"  # type: ignore[index]
    store.close(compact=False)

    store = Store(db)
    restarted = source_for(brand, app_password)
    outbox = Outbox(store, {"bluesky": restarted.post_reply})
    assert await outbox.process_once() == 1
    row = outbox.item(item_id)
    assert row is not None and row["status"] == "sent", row
    replies = await pds.posts(brand)
    assert len(replies) == 1, replies  # one post on the PDS, not two
    reply = replies[0]
    assert (row["remote_id"], row["remote_cid"]) == (reply["uri"], reply["cid"])
    assert row.get("already_sent") is True
    assert reply["value"]["text"] == "Sorry about that! DM us order 1041 and we will chase it."
    assert reply["value"]["reply"]["parent"] == {"uri": first["uri"], "cid": first["cid"]}
    assert reply["value"]["reply"]["root"] == {"uri": first["uri"], "cid": first["cid"]}
    assert row["remote_url"].endswith(reply["uri"].rsplit("/", 1)[1])
    # The AppView indexes it as a reply in the customer's thread (its rkey is a valid TID).
    await pds.until("the reply in the thread", lambda: _in_thread(pds, brand, first["uri"], reply["uri"]))
    store.close()
    await source.aclose()
    await restarted.aclose()


async def _in_thread(pds: Pds, brand: Account, root: str, reply: str) -> bool:
    thread = await pds.xrpc("GET", "app.bsky.feed.getPostThread", brand, params={"uri": root})
    return reply in [r["post"]["uri"] for r in thread["thread"].get("replies") or []]


async def test_a_revoked_app_password_is_reported_as_refused(pds: Pds, tmp_path: Path) -> None:
    brand = await pds.account("brand")
    app_password = (await pds.xrpc("POST", "com.atproto.server.createAppPassword", brand,
                                   json={"name": "turnaround"}))["password"]
    source = source_for(brand, app_password)
    with Store(tmp_path / "store.json") as store:
        await Pipeline(store, QuietTriager()).run(source)
        assert source.health.healthy, source.health.last_error
        # The brand revokes the app password: the PDS deletes its refresh tokens at once; the access
        # token lives on until it expires (hours), so the test ages it by hand.
        await pds.xrpc("POST", "com.atproto.server.revokeAppPassword", brand, json={"name": "turnaround"})
        assert source._access is not None
        source._access = expired(source._access)
        await Pipeline(store, QuietTriager()).run(source)
    error = source.health.last_error or ""
    assert not source.health.healthy
    assert f"Bluesky refused the session of {brand.handle}: refreshSession answered 400 " \
           "(ExpiredToken: Token has been revoked)" in error, error
    assert "waiting" not in error and app_password not in error

    fresh = source_for(brand, app_password)  # the next start logs in with the revoked password
    with Store(tmp_path / "store2.json") as store:
        counts = await Pipeline(store, QuietTriager()).run(fresh)
    error = fresh.health.last_error or ""
    assert counts.new == 0 and not fresh.health.healthy
    assert f"Bluesky refused the login as {brand.handle}: createSession answered 401 " \
           "(AuthenticationRequired: Invalid identifier or password)" in error, error
    assert app_password not in error
    await source.aclose()
    await fresh.aclose()
