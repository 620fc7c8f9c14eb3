"""What the review sources (Google Business Profile, Trustpilot) share: OAuth refresh and a poll loop.

Both platforms hand out short-lived access tokens made from a long-lived refresh token. The source keeps
the access token in memory only (masked in every error), gets a fresh one before the first call, and when
a call answers 401 (the token expired) refreshes once and repeats the call. A second 401 is a real
credentials problem and is reported as such.

Reviews are collected by polling: every `poll_seconds` the source fetches what changed since its cursor
(an update time), hands the reviews over oldest first, each carrying the cursor up to itself, so a
restart resumes without a gap and an edited review (a newer update time) comes back as an update.

Configuration: `ReviewSource.from_config` reads what every platform shares (unknown keys, the OAuth
secrets, `owner_name`, `api_url`, `token_url`, `poll_seconds`), so each platform only names its own keys
in `config_keys` and reads them in `platform_options`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import UTC
from typing import Any, Self

from tui.core.model import parse_time
from tui.rules.config import secret
from tui.sources.base import NO_CURSOR, Item
from tui.sources.http import AuthError, HttpClient, PayloadError
from tui.sources.relay import NetworkSource

CONFIG_KEYS = frozenset({
    "type", "name", "poll_seconds", "client_id", "client_secret", "client_secret_env", "refresh_token",
    "refresh_token_env", "access_token", "access_token_env", "token_url", "api_url", "owner_name",
})
"""Keys every review source accepts; each platform adds its own."""


def utc(value: str) -> str:
    """A platform time as ISO UTC seconds, so cursors compare as text; MentionError if unreadable."""
    return parse_time(value).astimezone(UTC).isoformat(timespec="microseconds")


def number(table: Mapping[str, Any], key: str, default: float, least: float) -> float:
    """A number from the config, at least `least`; a ValueError naming the key otherwise."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
        raise ValueError(f"{key!r} must be a number, at least {least:g}")
    return float(value)


class ReviewSource(NetworkSource):
    """A polled review platform with OAuth. Subclasses implement `fetch(since)` and `post_reply`."""

    token_url = ""
    api_url = ""
    config_keys: frozenset[str] = CONFIG_KEYS
    """Every key the platform's `[[sources]]` table may hold: CONFIG_KEYS and its own."""
    client_id_hint = ""
    """What the platform calls its client id, for the message when it is missing."""

    def __init__(self, name: str, *, access_token: str | None = None, refresh_token: str | None = None,
                 client_id: str | None = None, client_secret: str | None = None,
                 token_url: str | None = None, api_url: str | None = None, owner_name: str = "owner",
                 poll_seconds: float = 300.0, once: bool = False, http: HttpClient | None = None,
                 **kw: Any) -> None:
        super().__init__(name, http=http or HttpClient(), **kw)
        self.api_url = (api_url or self.api_url).rstrip("/")
        self.owner_name = owner_name
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_url = token_url or self.token_url
        self.poll_seconds = poll_seconds
        self.once = once
        self.can_reply = bool(access_token or refresh_token)
        for value in (access_token, refresh_token, client_secret):
            self.http.add_secret(value)

    # -- configuration -----------------------------------------------------------------------
    @classmethod
    def from_config(cls, table: dict[str, Any]) -> Self:
        """Build from a `[[sources]]` table; a wrong key or type, a missing secret: a ValueError naming it."""
        unknown = sorted(set(table) - cls.config_keys)
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(cls.config_keys))})")
        options = cls.platform_options(table)
        refresh = secret(table, "refresh_token")
        access = secret(table, "access_token")
        if not refresh and not access:
            hint = (f"the environment variable {table['refresh_token_env']} is not set"
                    if table.get("refresh_token_env") else "set 'refresh_token_env'")
            raise ValueError(f"no OAuth refresh token: {hint}")
        client_secret = secret(table, "client_secret")
        if refresh and not (isinstance(table.get("client_id"), str) and client_secret):
            raise ValueError(f"refreshing the token needs 'client_id'{cls.client_id_hint} and "
                             "'client_secret_env'")
        owner = table.get("owner_name", "owner")
        if not isinstance(owner, str) or not owner.strip():
            raise ValueError("'owner_name' must be a non-empty string")
        return cls(**options, owner_name=owner.strip(), api_url=str(table.get("api_url") or cls.api_url),
                   token_url=table.get("token_url"), access_token=access, refresh_token=refresh,
                   client_id=table.get("client_id"), client_secret=client_secret,
                   poll_seconds=number(table, "poll_seconds", 300, 30))

    @classmethod
    def platform_options(cls, table: dict[str, Any]) -> dict[str, Any]:
        """The platform's own keyword arguments, read from its own keys; a ValueError names a bad one."""
        raise NotImplementedError

    # -- OAuth -------------------------------------------------------------------------------
    def refresh_form(self) -> tuple[dict[str, str], Mapping[str, str] | None]:
        """The token request's form and extra headers (Google: client id and secret in the form)."""
        return ({"grant_type": "refresh_token", "refresh_token": self.refresh_token or "",
                 "client_id": self.client_id or "", "client_secret": self.client_secret or ""}, None)

    async def refresh(self) -> None:
        """Trade the refresh token for a new access token; an AuthError says what to fix."""
        if not self.refresh_token:
            raise AuthError(f"{self.name}: the access token was refused and no refresh token is configured")
        form, headers = self.refresh_form()
        response = await self.http.request("POST", self.token_url, data=form, headers=headers, retries=1)
        body = self.http.decode_json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise PayloadError(f"{self.name}: the token endpoint answered without an access_token")
        self.http.add_secret(token)
        self.access_token = token
        if isinstance(body.get("refresh_token"), str) and body["refresh_token"]:
            self.refresh_token = body["refresh_token"]  # Trustpilot rotates it
            self.http.add_secret(self.refresh_token)

    async def call(self, method: str, url: str, **kw: Any) -> Any:
        """One authorised call, decoded; a 401 refreshes the token once and tries again."""
        if not self.access_token:
            await self.refresh()
        for attempt in (0, 1):
            headers = {**kw.pop("headers", {}), "Authorization": f"Bearer {self.access_token}"}
            try:
                response = await self.http.request(method, url, headers=headers, **kw)
            except AuthError:
                if attempt or not self.refresh_token:
                    raise
                await self.refresh()
                kw["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
                continue
            return self.http.decode_json(response) if response.content else {}
        raise AssertionError("unreachable")

    # -- collecting --------------------------------------------------------------------------
    async def fetch(self, since: str | None) -> list[tuple[str, dict[str, Any]]]:
        """(update time, raw mention) of every review changed at or after `since`, oldest first."""
        raise NotImplementedError

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        since = cursor.get("updated") if isinstance(cursor, dict) else None
        attempt = 0
        while True:
            try:
                batch = await self.fetch(since)
                self.health.ok()
                attempt = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a source never dies: it says why, waits and tries again
                wait = self.note_failure(error, attempt)
                attempt += 1
                if self.once:
                    return
                await self.sleep(wait)
                continue
            for updated, data in batch:
                if since is None or updated > since:
                    since = updated
                yield Item(data=data, cursor={"updated": since} if since else NO_CURSOR)
            if self.once:
                return
            await self.sleep(self.poll_seconds)
