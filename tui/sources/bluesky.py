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

Post conversion, record keys, link facets and `Seen` live in `tui.sources.bluesky_posts` (pure data
code); this module keeps the session, the polling and the replies, and re-exports those names.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import grapheme

from tui.core.model import MentionError, parse_time
from tui.rules.config import secret
from tui.sources.base import Item
from tui.sources.bluesky_posts import (
    LOOKBACK,
    MENTION_REASONS,
    SEEN_LIMIT,
    Seen,
    is_mention_notification,
    iso,
    link_facets,
    post_to_mention,
    post_url,
    rkey_of,
    stored_field,
    tid_rkey,
)
from tui.sources.feed import PolledSource, Sleep, check_keys, poll_seconds_of, str_list
from tui.sources.http import AuthError, HttpClient, HttpError, PermanentError, RateLimitError
from tui.storage.records import Mention

__all__ = [
    "LOGIN_HINTS", "LOGIN_INTERVAL", "LOOKBACK", "MAX_GRAPHEMES", "MAX_PAGES", "MENTION_REASONS", "PAGE",
    "PROFILE_BATCH", "PROFILE_CACHE", "PROFILE_TTL", "SEEN_LIMIT", "SERVICE", "BlueskySource", "ReplyTooLong",
    "Seen", "is_mention_notification", "iso", "link_facets", "post_to_mention", "post_url", "rkey_of",
    "tid_rkey",
]

SERVICE = "https://bsky.social"
MAX_GRAPHEMES = 300
PAGE = 50
MAX_PAGES = 8
"""Pages one poll of one listing may read: bounds the look back on a busy account."""
PROFILE_BATCH = 25
PROFILE_TTL = 6 * 3600.0
PROFILE_CACHE = 5000
LOGIN_INTERVAL = 600.0
"""Least seconds between two createSession calls: the server allows only a few a day."""

LOGIN_HINTS = {
    "AuthenticationRequired": "check the handle and app password (a revoked one is refused like this)",
    "AccountTakedown": "the account has been taken down by its server",
    "AccountDeactivated": "the account is deactivated: reactivate it, then log in again",
}
"""What to do about a refused createSession, by the server's error name; other names get the first hint."""


class ReplyTooLong(PermanentError):
    """The reply has more graphemes than Bluesky allows; the agent must shorten it."""


def _expired(error: HttpError) -> bool:
    """ExpiredToken comes as 400 ("Token has expired", "Token has been revoked"); a bad token as 401."""
    if isinstance(error, AuthError) or error.code in ("ExpiredToken", "InvalidToken"):
        return True
    return error.status == 400 and "expired" in error.reason.lower()


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

    async def post_reply(self, in_reply_to: Mention, text: str,
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
        parent = await self._strong_ref(parent_uri, stored_field(in_reply_to, "cid"))
        root_uri = in_reply_to.get("thread")
        root = (await self._strong_ref(str(root_uri), stored_field(in_reply_to, "root_cid")) if root_uri
                else parent)
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
