"""Mastodon's data, apart from the source's connections: the watched feeds, their requests, status conversion.

Pure functions and a dataclass (no HTTP, no state across calls), so they read and test on their own;
`tui.sources.mastodon` wires them to REST and streaming and re-exports every public name here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from tui.sources.html import html_to_text


def id_key(value: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings of growing length: compare by length, then text."""
    return len(value), value


def newer(a: str | None, b: str | None) -> str | None:
    """The later of two ids, either of which may be missing."""
    if a is None:
        return b
    if b is None:
        return a
    return a if id_key(a) >= id_key(b) else b


Query = list[tuple[str, str | int]]
"""Query parameters as pairs: Mastodon repeats `types[]`."""


@dataclass
class Feed:
    """One thing we watch: its cursor key, how it is fetched, and whether it is streamed."""

    kind: str  # notifications | tag | search
    value: str = ""
    streamed: bool = False

    @property
    def key(self) -> str:
        return "notifications" if self.kind == "notifications" else f"{self.kind}:{self.value}"

    @property
    def label(self) -> str:
        return {"notifications": "mentions", "tag": f"#{self.value}", "search": f"search {self.value!r}"}[
            self.kind]

    def request(self, instance: str, limit: int, since: str | None) -> tuple[str, Query]:
        """The REST URL and query of one page newer than `since` (the first page when None)."""
        params: Query = [("limit", limit)]
        if since is not None:
            params.append(("min_id", since))
        if self.kind == "notifications":
            params.append(("types[]", "mention"))
            return f"{instance}/api/v1/notifications", params
        if self.kind == "tag":
            return f"{instance}/api/v1/timelines/tag/{quote(self.value, safe='')}", params
        params += [("q", self.value), ("type", "statuses"), ("resolve", "false")]
        return f"{instance}/api/v2/search", params

    def entries(self, data: Any) -> list[dict[str, Any]] | None:
        """The entries with an id in a page's JSON; None when the page is not the expected list."""
        if self.kind == "search":
            data = data.get("statuses") if isinstance(data, dict) else None
        if not isinstance(data, list):
            return None
        return [e for e in data if isinstance(e, dict) and isinstance(e.get("id"), str) and e["id"]]


def qualify(acct: str, domain: str) -> str:
    """`@user@host` for any acct; local accounts get the instance's domain."""
    acct = acct.strip().lstrip("@")
    return f"@{acct}" if "@" in acct else f"@{acct}@{domain}"


def status_to_mention(status: dict[str, Any], domain: str) -> dict[str, Any]:
    """A Mastodon status as a canonical mention (see `tui.sources.mastodon`'s docstring)."""
    account = status["account"]
    original = status.get("reblog") or status
    text = html_to_text(original.get("content") or "")
    spoiler = html_to_text(original.get("spoiler_text") or "")
    if spoiler:
        text = f"CW: {spoiler}\n\n{text}" if text else f"CW: {spoiler}"
    if not text and original.get("media_attachments"):
        text = f"({len(original['media_attachments'])} attachment(s), no text)"
    mention: dict[str, Any] = {
        "id": str(status["id"]),
        "source": "mastodon",
        "author": qualify(str(account["acct"]), domain),
        "author_name": account.get("display_name") or account.get("username") or account["acct"],
        "text": text,
        "created_at": status["created_at"],
    }
    followers = account.get("followers_count")
    if isinstance(followers, int) and not isinstance(followers, bool):
        mention["followers"] = followers
    url = status.get("url") or original.get("url") or status.get("uri")
    if isinstance(url, str) and url:
        mention["url"] = url
    if status.get("in_reply_to_id"):
        mention["in_reply_to"] = str(status["in_reply_to_id"])
    if status.get("reblog"):
        mention["repost_of"] = str(original["id"])
    for field in ("visibility", "language"):
        if isinstance(status.get(field), str):
            mention[field] = status[field]
    if original.get("spoiler_text"):
        mention["spoiler_text"] = original["spoiler_text"]
    return mention

def with_mention(author: str, text: str, domain: str) -> str:
    """The reply text, starting with the author's @acct unless it already names them."""
    user, _, host = author.lstrip("@").partition("@")
    forms = [re.escape(f"@{user}@{host}")] if host else []
    if not host or host.lower() == domain.lower():
        forms.append(re.escape(f"@{user}") + r"(?![\w@.-])")
    if any(re.search(rf"(?<![\w@]){form}", text, re.IGNORECASE) for form in forms):
        return text
    return f"{author} {text}"
