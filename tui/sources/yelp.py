"""Yelp reviews from an export or a feed: Yelp has no reply API, so replies are posted by hand.

Config (`[[sources]]`): `type = "yelp"`, `path` (a JSON file) or `url` (fetched over HTTP, e.g. a bridge
that calls Yelp Fusion for you), `timezone` (the business's IANA zone: Yelp's `time_created` carries
none; default "UTC"), `poll_seconds` (for `url` and a changing `path`, default 900), `name`.

The content is shaped like Yelp Fusion's `GET /v3/businesses/{id}/reviews` answer:
`{"reviews": [{"id", "url", "text", "rating", "time_created", "user": {"id", "profile_url", "name"}}]}`.
Each review becomes a mention (`source = "yelp"`) with `extra.rating` and the review's `url`. The source
cannot reply, so a reply written in the editor is linted, recorded and marked "post by hand", with the
review's link to open (`v`) or copy (`y`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.sources.base import Item
from tui.sources.http import HttpClient, PayloadError
from tui.sources.relay import NetworkSource
from tui.sources.review_base import number
from tui.storage.jsonio import JSONDecodeError, loads

CONFIG_KEYS = {"type", "name", "path", "url", "timezone", "poll_seconds"}


class YelpSource(NetworkSource):
    platform = "yelp"
    can_reply = False

    def __init__(self, *, path: str | None = None, url: str | None = None, timezone: str = "UTC",
                 poll_seconds: float = 900.0, once: bool = False, name: str | None = None,
                 http: HttpClient | None = None, **kw: Any) -> None:
        super().__init__(name or f"yelp:{path or url}", http=http, **kw)
        self.path = path
        self.url = url
        self.zone = ZoneInfo(timezone)
        self.poll_seconds = poll_seconds
        self.once = once
        self.where = path or self.http.redact(url or "")

    @classmethod
    def from_config(cls, table: dict[str, Any]) -> YelpSource:
        """Build from a `[[sources]]` table; a wrong key or type is a ValueError naming it."""
        unknown = sorted(set(table) - CONFIG_KEYS)
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(CONFIG_KEYS))})")
        path, url = table.get("path"), table.get("url")
        if not isinstance(path, str) and not isinstance(url, str):
            raise ValueError("needs 'path' (a Yelp export) or 'url' (a feed shaped like Yelp Fusion's)")
        zone = table.get("timezone", "UTC")
        try:
            ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'timezone' {zone!r} is not an IANA zone, e.g. \"Europe/Berlin\"") from None
        return cls(path=path if isinstance(path, str) else None, url=url if isinstance(url, str) else None,
                   timezone=str(zone), poll_seconds=number(table, "poll_seconds", 900, 30))

    def review_mention(self, review: dict[str, Any]) -> dict[str, Any]:
        user = review.get("user") or {}
        name = user.get("name") if isinstance(user, dict) else None
        author = name if isinstance(name, str) and name.strip() else "A Yelp user"
        local = datetime.strptime(str(review["time_created"]), "%Y-%m-%d %H:%M:%S")
        created = local.replace(tzinfo=self.zone)
        rating = review.get("rating")
        mention = {"id": str(review["id"]), "source": "yelp", "author": author, "author_name": author,
                   "text": str(review.get("text") or ""), "created_at": created.isoformat(),
                   "rating": rating if isinstance(rating, int) and not isinstance(rating, bool) else None,
                   "review": True}
        if isinstance(review.get("url"), str):
            mention["url"] = review["url"]
        return mention

    async def _read(self) -> Any:
        if self.path:
            raw = await asyncio.to_thread(Path(self.path).read_bytes)
            try:
                value, _ = loads(raw)
            except JSONDecodeError as error:
                raise PayloadError(f"{self.path}: not valid JSON ({error.msg} at byte {error.pos})") from None
            return value
        return await self.http.get_json(self.url or "")

    async def items(self, cursor: Any) -> AsyncIterator[Item]:
        attempt = 0
        while True:
            try:
                data = await self._read()
                reviews = data.get("reviews") if isinstance(data, dict) else None
                if not isinstance(reviews, list):
                    raise PayloadError(f"{self.where}: expected {{\"reviews\": [...]}}, as Yelp Fusion sends")
                self.health.ok()
                attempt = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a source never dies: it says why, waits and tries again
                if isinstance(error, OSError):
                    error = PayloadError(f"{self.where}: cannot read ({error.strerror})")
                wait = self.note_failure(error, attempt)
                attempt += 1
                if self.once:
                    return
                await self.sleep(wait)
                continue
            for number_, review in enumerate(reviews, 1):
                try:
                    yield Item(data=self.review_mention(review), line=number_)
                except (KeyError, TypeError, ValueError, AttributeError) as error:
                    yield Item(problem=f"review {number_}: lacks or garbles {error}", line=number_)
            if self.once:
                return
            await self.sleep(self.poll_seconds)
