"""Reddit posts that match a search, and replies to them when OAuth with a user is configured.

Search: `/search` or `/r/SUB/search` sorted by new, on oauth.reddit.com with a bearer token when a
`client_id` is configured (app-only, password or refresh-token grant), else on www.reddit.com's
public `.json` listing. Reddit's `x-ratelimit-remaining/reset` budget is kept by the shared
`HttpClient`, which waits out an exhausted budget instead of earning a 429.

Cursor: `{"queries": {QUERY: {"newest": created_utc, "seen": [names]}}}`. Reddit's search index
lags, so a post up to `SLACK` seconds older than the newest one seen still counts if it is unseen.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlsplit

from tui.rules.config import secret
from tui.sources.base import Item
from tui.sources.feed import (
    PolledSource,
    SeenIds,
    Sleep,
    check_keys,
    iso_from_epoch,
    poll_seconds_of,
    str_list,
)
from tui.sources.http import USER_AGENT, AuthError, HttpClient, HttpError, PermanentError, RateLimitError
from tui.storage.records import Mention

WWW = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"
PAGE = 100
MAX_PAGES = 3
SLACK = 3600.0
"""Seconds behind the newest post in which a late-indexed, unseen post is still taken."""

_AGAIN = re.compile(r"try again in (\d+) (second|minute|hour)", re.I)


class RedditReplyError(PermanentError):
    """Reddit refused the comment; `code` is Reddit's own (THREAD_LOCKED, DELETED_COMMENT, ...)."""

    def __init__(self, reason: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(reason, status=status)
        self.code = code


def link_to_mention(data: dict[str, Any]) -> dict[str, Any]:
    """One `t3` link from a listing as a canonical mention (source "reddit")."""
    title = str(data.get("title") or "")
    selftext = str(data.get("selftext") or "")
    permalink = str(data.get("permalink") or "")
    path = urlsplit(permalink).path if permalink else ""
    mention: dict[str, Any] = {
        "id": str(data["name"]),
        "source": "reddit",
        "author": "u/" + str(data.get("author") or "[deleted]"),
        "text": f"{title}\n\n{selftext}" if selftext.strip() else title,
        "created_at": iso_from_epoch(float(data["created_utc"])),
    }
    if path:
        mention["url"] = WWW + path if path.startswith("/") else permalink
    if data.get("subreddit"):
        mention["subreddit"] = "r/" + str(data["subreddit"])
    if not data.get("is_self") and data.get("url"):
        mention["link_url"] = str(data["url"])
    for key in ("score", "num_comments"):
        if isinstance(data.get(key), int):
            mention[key] = data[key]
    return mention


def reply_errors(payload: Any) -> list[list[str]]:
    """The `errors` of an `api_type=json` answer: `[[CODE, message, field], ...]`."""
    if not isinstance(payload, dict):
        return [["BAD_RESPONSE", "Reddit sent an unexpected answer", ""]]
    inner = payload.get("json")
    body: dict[str, Any] = inner if isinstance(inner, dict) else payload
    errors = body.get("errors") or []
    return [[str(part) for part in error] for error in errors if isinstance(error, list) and error]


class RedditSource(PolledSource):
    """Reddit search; `can_reply` is True only when OAuth with a user is configured."""

    platform = "reddit"
    can_reply = False
    default_poll = 300.0

    def __init__(self, queries: list[str], *, subreddit: str | None = None, client_id: str | None = None,
                 client_secret: str | None = None, username: str | None = None, password: str | None = None,
                 refresh_token: str | None = None, user_agent: str | None = None, name: str | None = None,
                 base: str = WWW, oauth_base: str = OAUTH, poll_seconds: float | None = None,
                 once: bool = False, http: HttpClient | None = None, sleep: Sleep = asyncio.sleep,
                 clock: Any = time.monotonic) -> None:
        if not queries:
            raise ValueError("'query' needs at least one search term")
        agent = user_agent or f"{USER_AGENT} (terminal inbox{f'; by u/{username}' if username else ''})"
        http = http or HttpClient(headers={"User-Agent": agent})
        super().__init__(name or f"reddit:{','.join(queries)}", poll_seconds=poll_seconds, once=once,
                         http=http, sleep=sleep, secrets=(client_secret, password, refresh_token))
        self.queries = queries
        self.subreddit = subreddit.removeprefix("r/").strip("/") if subreddit else None
        self.client_id = client_id
        self.client_secret = client_secret or ""
        self.username = username
        self.password = password
        self.refresh_token = refresh_token
        self.base = base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self.clock = clock
        self.can_reply = bool(client_id and (refresh_token or (username and password)))
        self.marks: dict[str, dict[str, Any]] = {}
        self._token: str | None = None
        self._token_expires = 0.0
        self._auth_lock = asyncio.Lock()
        self._me: str | None = username

    @classmethod
    def from_config(cls, table: dict[str, Any], *, once: bool = False) -> RedditSource:
        check_keys(table, ("query", "subreddit", "client_id", "client_secret", "client_secret_env",
                           "username", "password", "password_env", "refresh_token", "refresh_token_env",
                           "user_agent", "base", "oauth_base", "poll_seconds"), "reddit")
        for key in ("subreddit", "client_id", "username", "user_agent", "base", "oauth_base"):
            if key in table and not isinstance(table[key], str):
                raise TypeError(f"'{key}' must be a string")
        password, refresh = secret(table, "password"), secret(table, "refresh_token")
        if table.get("client_id") and table.get("username") and not (password or refresh):
            raise ValueError("'username' needs 'password'/'password_env' (or use 'refresh_token')")
        return cls(str_list(table.get("query"), "query"), subreddit=table.get("subreddit"),
                   client_id=table.get("client_id"), client_secret=secret(table, "client_secret"),
                   username=table.get("username"), password=password, refresh_token=refresh,
                   user_agent=table.get("user_agent"), name=table.get("name"),
                   base=table.get("base", WWW), oauth_base=table.get("oauth_base", OAUTH),
                   poll_seconds=poll_seconds_of(table, cls.default_poll), once=once)

    # -- auth --------------------------------------------------------------------------------
    async def token(self) -> str | None:
        """A bearer token when OAuth is configured (fetched once, renewed before it expires)."""
        if not self.client_id:
            return None
        async with self._auth_lock:
            if self._token and self.clock() < self._token_expires - 60:
                return self._token
            if self.refresh_token:
                form = {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
            elif self.username and self.password:
                form = {"grant_type": "password", "username": self.username, "password": self.password}
            else:
                form = {"grant_type": "client_credentials"}
            basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            try:
                response = await self.http.request("POST", f"{self.base}/api/v1/access_token", data=form,
                                                   headers={"Authorization": f"Basic {basic}"}, retries=1)
            except AuthError as error:
                raise AuthError(f"Reddit refused the app's client_id/client_secret ({error.reason})",
                                status=error.status) from None
            payload = self.http.decode_json(response)
            access = payload.get("access_token") if isinstance(payload, dict) else None
            if not isinstance(access, str) or not access:
                said = payload.get("error") if isinstance(payload, dict) else None
                raise AuthError(f"Reddit login failed ({said or 'no access_token in the answer'}); "
                                "check the username, password or refresh_token")
            self.http.add_secret(access)
            self._token = access
            self._token_expires = self.clock() + float(payload.get("expires_in") or 3600)
            return access

    async def api(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                  data: dict[str, Any] | None = None, retries: int | None = None) -> Any:
        """A JSON call: on oauth.reddit.com with the token when configured, else www with `.json`."""
        for attempt in range(2):
            access = await self.token()
            if access:
                url, headers = self.oauth_base + path, {"Authorization": f"Bearer {access}"}
            else:
                url, headers = self.base + path + ".json", {}
            try:
                response = await self.http.request(method, url, params=params, data=data, headers=headers,
                                                   retries=retries)
            except AuthError:
                if not access or attempt:
                    raise
                self._token = None  # revoked or expired early: log in again, once
                continue
            return self.http.decode_json(response)
        raise AssertionError("unreachable")

    # -- search ------------------------------------------------------------------------------
    def load_cursor(self, cursor: Any) -> None:
        queries = cursor.get("queries") if isinstance(cursor, dict) else None
        queries = queries if isinstance(queries, dict) else {}
        self.marks = {}
        for query in self.queries:
            found = queries.get(query)
            stored: dict[str, Any] = found if isinstance(found, dict) else {}
            self.marks[query] = {"newest": stored.get("newest"), "seen": SeenIds(stored.get("seen") or ())}

    def cursor(self) -> dict[str, Any]:
        return {"queries": {q: {"newest": m["newest"], "seen": m["seen"].as_list()}
                            for q, m in self.marks.items()}}

    def _is_new(self, mark: dict[str, Any], data: dict[str, Any]) -> bool:
        if str(data.get("name")) in mark["seen"]:
            return False
        newest = mark["newest"]
        return newest is None or float(data.get("created_utc") or 0) > newest - SLACK

    async def _fetch(self, query: str, mark: dict[str, Any]) -> list[dict[str, Any]]:
        path = f"/r/{quote(self.subreddit)}/search" if self.subreddit else "/search"
        found: dict[str, dict[str, Any]] = {}
        after: str | None = None
        for _page in range(MAX_PAGES):
            params: dict[str, Any] = {"q": query, "sort": "new", "limit": PAGE, "type": "link", "raw_json": 1}
            if self.subreddit:
                params["restrict_sr"] = "on"
            if after:
                params["after"] = after
            listing = await self.api("GET", path, params=params)
            self.health.ok()
            children = (listing.get("data") or {}).get("children") or []
            links = [c["data"] for c in children if c.get("kind") == "t3" and isinstance(c.get("data"), dict)]
            fresh = [d for d in links if self._is_new(mark, d)]
            for data in fresh:
                found[str(data["name"])] = data
            after = (listing.get("data") or {}).get("after")
            if mark["newest"] is None or not after or len(fresh) < len(links) or not links:
                break
        return sorted(found.values(), key=lambda d: (float(d.get("created_utc") or 0), str(d["name"])))

    async def poll(self) -> AsyncIterator[Item]:
        for query in self.queries:
            mark = self.marks.setdefault(query, {"newest": None, "seen": SeenIds()})
            for data in await self._fetch(query, mark):
                created = float(data.get("created_utc") or 0)
                mark["seen"].add(str(data["name"]))
                if mark["newest"] is None or created > mark["newest"]:
                    mark["newest"] = created
                try:
                    mention = link_to_mention(data)
                except (KeyError, TypeError, ValueError) as error:
                    yield Item(problem=f"reddit link {data.get('name')}: unusable ({error!r})",
                               cursor=self.cursor())
                    continue
                yield Item(data=mention, cursor=self.cursor())

    # -- replies -----------------------------------------------------------------------------
    async def _me_name(self) -> str | None:
        if self._me is None:
            me = await self.api("GET", "/api/v1/me")
            self._me = str(me.get("name")) if isinstance(me, dict) and me.get("name") else None
        return self._me

    async def find_reply(self, thing_id: str, text: str) -> dict[str, Any] | None:
        """Our own recent comment on `thing_id` with this text: a retry must not comment twice."""
        try:
            name = await self._me_name()
            if not name:
                return None
            listing = await self.api("GET", f"/user/{quote(name)}/comments",
                                     params={"limit": 25, "sort": "new", "raw_json": 1})
        except HttpError:
            return None  # cannot check: posting is still the right call
        wanted = " ".join(text.split())
        for child in (listing.get("data") or {}).get("children") or []:
            data = child.get("data") or {}
            if data.get("parent_id") == thing_id and " ".join(str(data.get("body") or "").split()) == wanted:
                return data
        return None

    async def post_reply(self, in_reply_to: Mention, text: str,
                         idempotency_key: str) -> dict[str, Any]:
        """Comment on the stored mention; a re-send finds the earlier comment instead of posting again.

        Reddit has no idempotency key, so `idempotency_key` is only echoed back; safety comes from
        looking for our own comment with the same parent and text first.
        """
        if not self.can_reply:
            raise PermanentError("Reddit replies need OAuth with a user: set client_id, client_secret and "
                                 "username/password or refresh_token")
        if not text.strip():
            raise PermanentError("the reply is empty")
        thing_id = str(in_reply_to["id"])
        existing = await self.find_reply(thing_id, text)
        if existing is not None:
            return self._sent(existing, idempotency_key, already_sent=True)
        payload = await self.api("POST", "/api/comment", retries=0,
                                 data={"api_type": "json", "thing_id": thing_id, "text": text})
        errors = reply_errors(payload)
        if errors:
            code, message = errors[0][0], errors[0][1] if len(errors[0]) > 1 else ""
            if code == "RATELIMIT":
                match = _AGAIN.search(message)
                unit = {"second": 1, "minute": 60, "hour": 3600}
                wait = int(match.group(1)) * unit[match.group(2).lower()] if match else 600
                raise RateLimitError(f"Reddit: {message or 'rate limited'}", retry_in=float(wait))
            raise RedditReplyError(f"Reddit refused the comment: {code}: {message}".strip(), code=code)
        things = (((payload.get("json") or {}).get("data") or {}).get("things")) or []
        if not things:
            raise PermanentError("Reddit accepted the comment but sent nothing back to confirm it")
        return self._sent(things[0].get("data") or {}, idempotency_key, already_sent=False)

    @staticmethod
    def _sent(data: dict[str, Any], key: str, *, already_sent: bool) -> dict[str, Any]:
        name = str(data.get("name") or f"t1_{data.get('id', '')}")
        link = str(data.get("link_id") or "").removeprefix("t3_")
        permalink = data.get("permalink")
        if permalink:
            url = WWW + str(permalink)
        elif link:
            url = f"{WWW}/comments/{link}/_/{name.removeprefix('t1_')}/"
        else:
            url = ""
        return {"id": name, "url": url, "already_sent": already_sent, "idempotency_key": key}
