"""Bluesky: posts that match search terms, mentions of the account, and replies to them.

One session per source, made with an app password (`com.atproto.server.createSession`, which the
server limits to a handful a day) and kept alive with `refreshSession` when the access token
expires. Tokens live in memory only; nothing secret goes to the store. When the server refuses the
session (a revoked app password: refreshSession says "Token has been revoked", createSession
"AuthenticationRequired"), the source's error names the call and the server's error and message, and
no login is tried again before LOGIN_INTERVAL.

Cursor: `{"search": {TERM: SEEN}, "mentions": SEEN}`, SEEN being `{"newest", "seen"}`: the newest
`indexedAt` seen and the URIs collected lately (see `Seen`). A post is new when its URI was not seen,
not when it sorts after the newest one: the AppView sorts and stamps a post at min(indexedAt,
createdAt), so a post from a phone whose clock runs slow, or a backdated one, lands behind posts
already collected. Each poll therefore pages back to LOOKBACK before the newest post seen (at most
MAX_PAGES pages) and keeps the URIs it has not seen.

Replies: `post_reply` writes an `app.bsky.feed.post` with a record key derived from the outbox's
idempotency key, so a re-send after a crash or a timeout targets the same record and cannot post twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import grapheme

from tui.core.model import MentionError, parse_time
from tui.rules.config import secret
from tui.sources.base import Item
from tui.sources.feed import PolledSource, SeenIds, Sleep, check_keys, poll_seconds_of, str_list
from tui.sources.http import AuthError, HttpClient, HttpError, PermanentError, RateLimitError

SERVICE = "https://bsky.social"
MAX_GRAPHEMES = 300
PAGE = 50
MAX_PAGES = 8
"""Pages one poll of one listing may read: bounds the look back on a busy account."""
LOOKBACK = timedelta(hours=24)
"""How far behind the newest post seen a poll pages back for late (slow-clock, backdated) posts."""
SEEN_LIMIT = 2000
"""URIs a listing remembers: more than MAX_PAGES pages hold, so a page re-read is recognised whole."""
PROFILE_BATCH = 25
PROFILE_TTL = 6 * 3600.0
PROFILE_CACHE = 5000
MENTION_REASONS = ("mention", "reply", "quote")
LOGIN_INTERVAL = 600.0
"""Least seconds between two createSession calls: the server allows only a few a day."""

LOGIN_HINTS = {
    "AuthenticationRequired": "check the handle and app password (a revoked one is refused like this)",
    "AccountTakedown": "the account has been taken down by its server",
    "AccountDeactivated": "the account is deactivated: reactivate it, then log in again",
}
"""What to do about a refused createSession, by the server's error name; other names get the first hint."""

_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_URL = re.compile(r"https?://[^\s<>\"')\]]+")


class ReplyTooLong(PermanentError):
    """The reply has more graphemes than Bluesky allows; the agent must shorten it."""


def iso(value: str) -> str:
    """A Bluesky datetime (`...Z`, any fraction) in offset form; naive times are taken as UTC."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat()


def rkey_of(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def post_url(handle: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{rkey_of(uri)}"


def post_to_mention(post: dict[str, Any], *, reason: str | None = None) -> dict[str, Any]:
    """A post view (search hit) or a notification as a canonical mention (source "bluesky")."""
    author = post.get("author") or {}
    record = post.get("record") or {}
    handle = str(author.get("handle") or author.get("did") or "")
    created = record.get("createdAt") or post.get("indexedAt")
    try:
        created_at = iso(str(created))
        parse_time(created_at)
    except (ValueError, MentionError):
        created_at = iso(str(post["indexedAt"]))  # a client wrote a bogus createdAt: trust the server
    mention: dict[str, Any] = {
        "id": str(post["uri"]),
        "source": "bluesky",
        "author": handle,
        "text": str(record.get("text") or ""),
        "created_at": created_at,
        "url": post_url(handle, str(post["uri"])),
        "cid": str(post.get("cid") or ""),
        "author_did": str(author.get("did") or ""),
    }
    if author.get("displayName"):
        mention["author_name"] = str(author["displayName"])
    reply = record.get("reply") or {}
    parent, root = reply.get("parent") or {}, reply.get("root") or {}
    if parent.get("uri"):
        mention["in_reply_to"] = str(parent["uri"])
        mention["parent_cid"] = str(parent.get("cid") or "")
    if root.get("uri"):
        mention["thread"] = str(root["uri"])
        mention["root_cid"] = str(root.get("cid") or "")
    if reason:
        mention["reason"] = reason
    if post.get("indexedAt"):
        mention["indexed_at"] = str(post["indexedAt"])
    return mention


def is_mention_notification(notification: dict[str, Any]) -> bool:
    """Only notifications that carry a post for us to answer: likes, follows, reposts are not."""
    return notification.get("reason") in MENTION_REASONS


def tid_rkey(idempotency_key: str, *, after: datetime | None = None) -> str:
    """A record key in TID form, a pure function of the idempotency key (and the parent's time).

    The App View ignores posts whose key is not a TID, so the key looks like one: its timestamp is
    the parent's creation time plus up to a minute, its clock id and offset come from a hash.
    """
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    base_us = int((after or datetime(2023, 1, 1, tzinfo=UTC)).timestamp() * 1_000_000)
    micros = base_us + 1_000_000 + (digest >> 10) % 60_000_000
    value = ((micros & ((1 << 53) - 1)) << 10) | (digest & 0x3FF)
    return "".join(_B32[(value >> (60 - 5 * i)) & 31] for i in range(13))


def link_facets(text: str) -> list[dict[str, Any]]:
    """Facets that make the URLs in a reply clickable (offsets are UTF-8 bytes)."""
    facets = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        start = len(text[: match.start()].encode())
        facets.append({"index": {"byteStart": start, "byteEnd": start + len(url.encode())},
                       "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}]})
    return facets


def _field(mention: dict[str, Any], key: str) -> Any:
    """A field of a stored mention: converted extras live under `extra`."""
    if mention.get(key):
        return mention[key]
    return (mention.get("extra") or {}).get(key)


def _expired(error: HttpError) -> bool:
    """ExpiredToken comes as 400 ("Token has expired", "Token has been revoked"); a bad token as 401."""
    if isinstance(error, AuthError) or error.code in ("ExpiredToken", "InvalidToken"):
        return True
    return error.status == 400 and "expired" in error.reason.lower()


class Seen:
    """One listing's state: the newest sort key seen (where the look back starts) and the URIs seen."""

    def __init__(self, newest: str | None = None, uris: Any = ()) -> None:
        self.newest = newest
        self.uris = SeenIds(uris, limit=SEEN_LIMIT)

    @classmethod
    def load(cls, data: Any) -> Seen:
        """From a cursor; an older `{"newest", "ids"}` watermark keeps its ids as seen."""
        if not isinstance(data, dict):
            return cls()
        newest = data.get("newest") if isinstance(data.get("newest"), str) else None
        uris = data.get("seen") if isinstance(data.get("seen"), list) else data.get("ids")
        return cls(newest, uris if isinstance(uris, list) else ())

    def is_new(self, uri: str) -> bool:
        return uri not in self.uris

    def advance(self, key: str, uri: str) -> None:
        if self.newest is None or key > self.newest:
            self.newest = key
        self.uris.add(uri)

    def floor(self) -> str | None:
        """The oldest sort key a poll pages back to; None before anything was seen."""
        if self.newest is None:
            return None
        return (datetime.fromisoformat(self.newest) - LOOKBACK).isoformat(timespec="microseconds")

    def dump(self) -> dict[str, Any]:
        return {"newest": self.newest, "seen": self.uris.as_list()}


class BlueskySource(PolledSource):
    """Search terms and mentions for one account; replies through the same session."""

    platform = "bluesky"
    can_reply = True
    default_poll = 60.0

    def __init__(self, handle: str, app_password: str | None, *, service: str = SERVICE,
                 search: list[str] | None = None, mentions: bool = True, name: str | None = None,
                 poll_seconds: float | None = None, once: bool = False, http: HttpClient | None = None,
                 sleep: Sleep = asyncio.sleep, clock: Any = time.monotonic) -> None:
        super().__init__(name or f"bluesky:{handle}", poll_seconds=poll_seconds, once=once, http=http,
                         sleep=sleep, secrets=(app_password,))
        self.handle = handle
        self.app_password = app_password
        self.service = service.rstrip("/")
        self.search = list(search or [])
        self.mentions = mentions
        self.clock = clock
        self.marks: dict[str, Seen] = {}
        self.mention_mark = Seen()
        self.did: str | None = None
        self._access: str | None = None
        self._refresh: str | None = None
        self._last_login: float | None = None
        self._login_error: AuthError | None = None
        self._refusal: str | None = None
        """Why the server last refused our session (refreshSession), until a login succeeds."""
        self._session_lock = asyncio.Lock()
        self._profiles: dict[str, tuple[int, float]] = {}

    @classmethod
    def from_config(cls, table: dict[str, Any], *, once: bool = False) -> BlueskySource:
        check_keys(table, ("service", "handle", "app_password", "app_password_env", "search", "mentions",
                           "poll_seconds"), "bluesky")
        handle = table.get("handle")
        if not isinstance(handle, str) or not handle.strip():
            raise ValueError("'handle' is required (e.g. brand.bsky.social)")
        password = secret(table, "app_password")
        if not password:
            where = f"${table['app_password_env']}" if table.get("app_password_env") else "'app_password'"
            raise ValueError(f"needs an app password ({where} is empty); create one under "
                             "Settings > Privacy and security > App passwords")
        service = table.get("service", SERVICE)
        if not isinstance(service, str) or not service.startswith(("http://", "https://")):
            raise ValueError("'service' must be an http(s) URL")
        mentions = table.get("mentions", True)
        if not isinstance(mentions, bool):
            raise TypeError("'mentions' must be true or false")
        return cls(handle.strip().removeprefix("@"), password, service=service,
                   search=str_list(table.get("search"), "search"), mentions=mentions, name=table.get("name"),
                   poll_seconds=poll_seconds_of(table, cls.default_poll), once=once)

    # -- session -----------------------------------------------------------------------------
    def _xrpc(self, nsid: str) -> str:
        return f"{self.service}/xrpc/{nsid}"

    def _adopt(self, payload: Any) -> None:
        if not isinstance(payload, dict) or not isinstance(payload.get("accessJwt"), str):
            raise PermanentError("Bluesky sent a session without tokens")
        self._access, self._refresh = payload["accessJwt"], payload.get("refreshJwt") or None
        self.did = str(payload.get("did") or self.did or "") or None
        self.http.add_secret(self._access)
        self.http.add_secret(self._refresh)

    def _refused(self, call: str, error: HttpError) -> str:
        """What the server said when it refused a session call: its error name and message, no secret."""
        said = ": ".join(part for part in (error.code, error.server_message) if part) or error.reason
        return f"{call} answered {error.status or 'an error'} ({said})"

    async def _login(self) -> None:
        """createSession, at most once per LOGIN_INTERVAL; a refused login is reported, not retried soon."""
        now = self.clock()
        if self._last_login is not None and now - self._last_login < LOGIN_INTERVAL:
            wait = LOGIN_INTERVAL - (now - self._last_login)
            if self._login_error is not None:
                raise AuthError(self._login_error.reason, status=self._login_error.status, retry_in=wait)
            if self._refusal is not None:
                raise AuthError(f"Bluesky refused the session of {self.handle}: {self._refusal}; "
                                f"not logging in again for {wait:.0f} s (the server allows only a few "
                                "logins a day)", retry_in=wait)
            raise RateLimitError(f"waiting {wait:.0f} s before logging in to Bluesky again", retry_in=wait)
        self._last_login = now
        self._login_error = None
        try:
            response = await self.http.request(
                "POST", self._xrpc("com.atproto.server.createSession"), retries=0,
                json={"identifier": self.handle, "password": self.app_password})
        except PermanentError as error:  # 401 AuthenticationRequired, 400 AccountTakedown, ...
            before = f"{self._refusal}, then " if self._refusal else ""
            hint = LOGIN_HINTS.get(error.code, "check the handle and app password")
            self._login_error = AuthError(
                f"Bluesky refused the login as {self.handle}: {before}"
                f"{self._refused('createSession', error)}; {hint}",
                status=error.status, retry_in=LOGIN_INTERVAL)
            raise self._login_error from None
        self._adopt(self.http.decode_json(response))
        self._refusal = None

    async def _renew(self, stale: str | None) -> None:
        """refreshSession (or, when the refresh token is refused, a new login); one at a time."""
        async with self._session_lock:
            if self._access != stale:
                return  # another task renewed it while we waited
            if self._refresh:
                try:
                    response = await self.http.request(
                        "POST", self._xrpc("com.atproto.server.refreshSession"), retries=1,
                        headers={"Authorization": f"Bearer {self._refresh}"})
                    self._adopt(self.http.decode_json(response))
                    return
                except PermanentError as error:  # "Token has been revoked", an expired refresh token
                    self._access = self._refresh = None
                    self._refusal = self._refused("refreshSession", error)
            await self._login()

    async def session(self) -> str:
        """The access token, logging in first if there is none."""
        if self._access is None:
            await self._renew(None)
        assert self._access is not None
        return self._access

    async def call(self, method: str, nsid: str, *, params: Any = None, body: Any = None,
                   retries: int | None = None) -> Any:
        """An authenticated XRPC call; an expired token is refreshed and the call made once more."""
        for attempt in range(2):
            access = await self.session()
            try:
                response = await self.http.request(method, self._xrpc(nsid), params=params, json=body,
                                                   headers={"Authorization": f"Bearer {access}"},
                                                   retries=retries)
            except HttpError as error:
                if attempt or not _expired(error):
                    raise
                await self._renew(access)
                continue
            return self.http.decode_json(response)
        raise AssertionError("unreachable")

    # -- reading -----------------------------------------------------------------------------
    def load_cursor(self, cursor: Any) -> None:
        cursor = cursor if isinstance(cursor, dict) else {}
        searches = cursor.get("search") if isinstance(cursor.get("search"), dict) else {}
        self.marks = {term: Seen.load(searches.get(term)) for term in self.search}
        self.mention_mark = Seen.load(cursor.get("mentions"))

    def cursor(self) -> dict[str, Any]:
        return {"search": {t: m.dump() for t, m in self.marks.items()}, "mentions": self.mention_mark.dump()}

    @staticmethod
    def _key(post: dict[str, Any]) -> str:
        """The watermark key: indexedAt in one fixed-width form, so strings sort as times do."""
        value = str(post.get("indexedAt") or post["record"]["createdAt"])
        return datetime.fromisoformat(iso(value)).astimezone(UTC).isoformat(timespec="microseconds")

    async def _pages(self, nsid: str, field: str, params: dict[str, Any],
                     mark: Seen) -> list[dict[str, Any]]:
        """Unseen entries of a paged listing, oldest first.

        The first run reads one page; later ones page back until a page reaches LOOKBACK before the
        newest entry seen, the listing ends, or MAX_PAGES pages were read.
        """
        found: dict[str, dict[str, Any]] = {}
        floor = mark.floor()
        cursor: str | None = None
        for _page in range(MAX_PAGES):
            page_params = {**params, "limit": PAGE, **({"cursor": cursor} if cursor else {})}
            data = await self.call("GET", nsid, params=page_params)
            self.health.ok()
            entries = [e for e in data.get(field) or [] if isinstance(e, dict) and e.get("uri")]
            for entry in entries:
                if mark.is_new(str(entry["uri"])):
                    found[str(entry["uri"])] = entry
            following = data.get("cursor")
            if floor is None or not entries or not following or following == cursor:
                break
            if min(self._key(e) for e in entries) < floor:
                break
            cursor = str(following)
        return sorted(found.values(), key=lambda e: (self._key(e), str(e["uri"])))

    async def followers(self, actors: list[str]) -> dict[str, int]:
        """Follower counts by DID, from a cache refreshed in batches of 25 (best effort)."""
        now = self.clock()
        wanted = [a for a in dict.fromkeys(actors) if a and (a not in self._profiles
                                                            or now - self._profiles[a][1] > PROFILE_TTL)]
        try:
            for start in range(0, len(wanted), PROFILE_BATCH):
                data = await self.call("GET", "app.bsky.actor.getProfiles",
                                       params={"actors": wanted[start:start + PROFILE_BATCH]})
                for profile in data.get("profiles") or []:
                    if isinstance(profile.get("followersCount"), int):
                        self._profiles[str(profile["did"])] = (profile["followersCount"], now)
        except HttpError as error:
            self.health.warnings = [f"follower counts unavailable: {error.reason}"]
        while len(self._profiles) > PROFILE_CACHE:
            del self._profiles[next(iter(self._profiles))]
        return {a: self._profiles[a][0] for a in actors if a in self._profiles}

    async def _emit(self, entries: list[dict[str, Any]], mark: Seen,
                    reason_of: Any = None) -> AsyncIterator[Item]:
        counts = await self.followers([str((e.get("author") or {}).get("did") or "") for e in entries])
        for entry in entries:
            mark.advance(self._key(entry), str(entry["uri"]))
            try:
                mention = post_to_mention(entry, reason=reason_of(entry) if reason_of else None)
            except (KeyError, TypeError, ValueError) as error:
                yield Item(problem=f"bluesky post {entry.get('uri')}: unusable ({error!r})",
                           cursor=self.cursor())
                continue
            did = mention.get("author_did")
            if did in counts:
                mention["followers"] = counts[did]
            yield Item(data=mention, cursor=self.cursor())

    async def poll(self) -> AsyncIterator[Item]:
        self.health.warnings = []
        for term in self.search:
            mark = self.marks.setdefault(term, Seen())
            posts = await self._pages("app.bsky.feed.searchPosts", "posts", {"q": term, "sort": "latest"},
                                      mark)
            async for item in self._emit(posts, mark):
                yield item
        if self.mentions:
            notes = await self._pages("app.bsky.notification.listNotifications", "notifications", {},
                                      self.mention_mark)
            before = self.mention_mark.dump()
            for note in notes:
                if not is_mention_notification(note):
                    self.mention_mark.advance(self._key(note), str(note["uri"]))
            notes = [n for n in notes if is_mention_notification(n)]
            async for item in self._emit(notes, self.mention_mark, lambda n: n.get("reason")):
                yield item
            if not notes and self.mention_mark.dump() != before:
                yield Item(cursor=self.cursor())  # likes and follows moved the watermark

    # -- replies -----------------------------------------------------------------------------
    async def _strong_ref(self, uri: str, cid: Any) -> dict[str, str]:
        """`{uri, cid}`; a stored mention without its cid has it looked up."""
        if cid:
            return {"uri": uri, "cid": str(cid)}
        data = await self.call("GET", "app.bsky.feed.getPosts", params={"uris": [uri]})
        for post in data.get("posts") or []:
            if post.get("uri") == uri and post.get("cid"):
                return {"uri": uri, "cid": str(post["cid"])}
        raise PermanentError(f"cannot reply: the post {uri} is gone")

    async def _existing(self, rkey: str) -> dict[str, Any] | None:
        """Our post at this record key, if an earlier attempt made it."""
        try:
            params = {"repo": self.did, "collection": "app.bsky.feed.post", "rkey": rkey}
            data = await self.call("GET", "com.atproto.repo.getRecord", params=params, retries=1)
        except HttpError:
            return None
        return data if isinstance(data, dict) and data.get("uri") else None

    async def post_reply(self, in_reply_to: dict[str, Any], text: str,
                         idempotency_key: str) -> dict[str, Any]:
        """Reply to a stored mention; the same idempotency key never makes a second post.

        Returns `{"id", "uri", "cid", "url", "already_sent"}` (`id` repeats the uri, for the outbox).
        Raises `ReplyTooLong` past 300 graphemes,
        `PermanentError` when Bluesky refuses the post, `TransientError` when it may work later.
        """
        length = grapheme.length(text)
        if length > MAX_GRAPHEMES:
            raise ReplyTooLong(f"the reply is {length} characters; Bluesky allows {MAX_GRAPHEMES} "
                               f"(cut {length - MAX_GRAPHEMES})")
        if not text.strip():
            raise PermanentError("the reply is empty")
        parent_uri = str(in_reply_to["id"])
        parent = await self._strong_ref(parent_uri, _field(in_reply_to, "cid"))
        root_uri = in_reply_to.get("thread")
        root = await self._strong_ref(str(root_uri), _field(in_reply_to, "root_cid")) if root_uri else parent
        try:
            after = parse_time(str(in_reply_to.get("created_at")))
        except MentionError:
            after = None
        await self.session()
        rkey = tid_rkey(idempotency_key, after=after)
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "reply": {"root": root, "parent": parent},
        }
        facets = link_facets(text)
        if facets:
            record["facets"] = facets
        body = {"repo": self.did, "collection": "app.bsky.feed.post", "rkey": rkey, "record": record}
        try:
            made = await self.call("POST", "com.atproto.repo.createRecord", body=body, retries=0)
        except HttpError:
            # A duplicate key fails (today as a 500), and so may a post that did land before a
            # timeout: if our record is there, the reply was sent.
            existing = await self._existing(rkey)
            if existing is None:
                raise
            return self._sent(existing, already_sent=True)
        return self._sent(made, already_sent=False)

    def _sent(self, data: dict[str, Any], *, already_sent: bool) -> dict[str, Any]:
        uri = str(data.get("uri") or "")
        return {"id": uri, "uri": uri, "cid": str(data.get("cid") or ""), "url": post_url(self.handle, uri),
                "already_sent": already_sent}
