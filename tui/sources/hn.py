"""Hacker News stories and comments that match a query, via the Algolia HN Search API.

`search_by_date` with `numericFilters=created_at_i>=N` moves a time window forward. Cursor:
`{"queries": {QUERY: {"newest": created_at_i, "ids": [objectIDs at that second]}}}`; the ids at the
boundary second stop repeats after a restart without dropping a hit that shares that second.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from tui.sources.base import Item
from tui.sources.feed import (
    PolledSource,
    Sleep,
    Watermark,
    check_keys,
    iso_from_epoch,
    poll_seconds_of,
    str_list,
)
from tui.sources.html import html_to_text
from tui.sources.http import HttpClient

ITEM_URL = "https://news.ycombinator.com/item?id={}"
HITS_PER_PAGE = 100
MAX_PAGES = 5
"""Pages read in one pass when a burst outruns one page; older hits wait for the next pass."""


def hit_to_mention(hit: dict[str, Any]) -> dict[str, Any]:
    """One Algolia hit (story or comment) as a canonical mention (source "hn")."""
    object_id = str(hit["objectID"])
    created = hit.get("created_at_i")
    created_at = iso_from_epoch(float(created)) if created is not None else str(hit["created_at"])
    item_url = ITEM_URL.format(object_id)
    mention: dict[str, Any] = {
        "id": object_id,
        "source": "hn",
        "author": str(hit.get("author") or "[deleted]"),
        "created_at": created_at,
    }
    tags = hit.get("_tags") or []
    if hit.get("comment_text") is not None or "comment" in tags:
        mention["text"] = html_to_text(str(hit.get("comment_text") or ""))
        mention["url"] = item_url
        if hit.get("parent_id") is not None:
            mention["in_reply_to"] = str(hit["parent_id"])
        if hit.get("story_id") is not None:
            mention["thread"] = str(hit["story_id"])
        if hit.get("story_title"):
            mention["story_title"] = str(hit["story_title"])
        mention["hn_type"] = "comment"
    else:
        title = html_to_text(str(hit.get("title") or ""), limit=500)
        body = html_to_text(str(hit.get("story_text") or ""))
        mention["text"] = f"{title}\n\n{body}" if body else title
        mention["url"] = str(hit.get("url") or "") or item_url
        mention["discussion_url"] = item_url
        mention["hn_type"] = "story"
    for key in ("points", "num_comments"):
        if isinstance(hit.get(key), int):
            mention[key] = hit[key]
    return mention


class HackerNewsSource(PolledSource):
    """Stories and comments matching `query` (one string or several), newest first from Algolia."""

    platform = "hn"
    can_reply = False
    default_poll = 300.0

    def __init__(self, queries: list[str], *, base: str = "https://hn.algolia.com", name: str | None = None,
                 tags: str = "(story,comment)", poll_seconds: float | None = None, once: bool = False,
                 http: HttpClient | None = None, sleep: Sleep = asyncio.sleep) -> None:
        if not queries:
            raise ValueError("'query' needs at least one search term")
        super().__init__(name or f"hn:{','.join(queries)}", poll_seconds=poll_seconds, once=once,
                         http=http, sleep=sleep)
        self.queries = queries
        self.base = base.rstrip("/")
        self.tags = tags
        self.marks: dict[str, Watermark] = {}

    @classmethod
    def from_config(cls, table: dict[str, Any], *, once: bool = False) -> HackerNewsSource:
        check_keys(table, ("query", "base", "poll_seconds"), "hn")
        base = table.get("base", "https://hn.algolia.com")
        if not isinstance(base, str) or not base.startswith(("http://", "https://")):
            raise ValueError("'base' must be an http(s) URL")
        return cls(str_list(table.get("query"), "query"), base=base, name=table.get("name"),
                   poll_seconds=poll_seconds_of(table, cls.default_poll), once=once)

    def load_cursor(self, cursor: Any) -> None:
        queries = cursor.get("queries") if isinstance(cursor, dict) else None
        queries = queries if isinstance(queries, dict) else {}
        self.marks = {q: Watermark.load(queries.get(q)) for q in self.queries}

    def cursor(self) -> dict[str, Any]:
        return {"queries": {q: mark.dump() for q, mark in self.marks.items()}}

    async def _fetch(self, query: str, mark: Watermark) -> list[dict[str, Any]]:
        """New hits for one query, oldest first; pages on while a page is all new (a burst)."""
        hits: dict[str, dict[str, Any]] = {}
        for page in range(MAX_PAGES):
            params: dict[str, Any] = {"query": query, "tags": self.tags, "hitsPerPage": HITS_PER_PAGE,
                                      "page": page}
            if mark.newest is not None:
                params["numericFilters"] = f"created_at_i>={int(mark.newest)}"
            data = await self.http.get_json(f"{self.base}/api/v1/search_by_date", params=params)
            self.health.ok()
            page_hits = data.get("hits") or []
            for hit in page_hits:
                key = int(hit.get("created_at_i") or 0)
                object_id = str(hit["objectID"])
                if mark.is_new(key, object_id):
                    hits[object_id] = hit
            if mark.newest is None:  # first run: the latest page is enough, no backfill
                break
            if page + 1 >= int(data.get("nbPages") or 0) or len(page_hits) < HITS_PER_PAGE:
                break
        return sorted(hits.values(), key=lambda h: (int(h.get("created_at_i") or 0), str(h["objectID"])))

    async def poll(self) -> AsyncIterator[Item]:
        for query in self.queries:
            mark = self.marks.setdefault(query, Watermark())
            for hit in await self._fetch(query, mark):
                mark.advance(int(hit.get("created_at_i") or 0), str(hit["objectID"]))
                try:
                    mention = hit_to_mention(hit)
                except (KeyError, TypeError, ValueError) as error:
                    yield Item(problem=f"hn hit {hit.get('objectID')}: unusable ({error!r})",
                               cursor=self.cursor())
                    continue
                yield Item(data=mention, cursor=self.cursor())
