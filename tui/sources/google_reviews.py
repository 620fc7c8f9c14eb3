"""Google Business Profile reviews of one location: collected by polling, answered with one public reply.

Config (`[[sources]]`): `type = "google"`, `account` and `location` (the numeric ids in
`accounts/{account}/locations/{location}`), `client_id`, `client_secret_env`, `refresh_token_env` (an
OAuth refresh token with the `https://www.googleapis.com/auth/business.manage` scope), optionally
`access_token_env`, `owner_name` (how our replies show in the thread, default "owner"), `poll_seconds`
(default 300), `api_url` and `token_url` (defaults: Google's; tests point them at a local server), `name`.

Listing: `GET {api}/v4/accounts/{a}/locations/{l}/reviews?pageSize=50&orderBy=updateTime desc`, following
`nextPageToken` until the reviews are older than the cursor (the newest `updateTime` stored). Each review
becomes a mention (`source = "google"`, id = `reviewId`) with `extra.rating` (1..5 from `starRating`),
`extra.update_time` and `extra.review_name`. An edited review comes back with a newer `updateTime` and
updates the stored mention in place (tui/core/reviews.py keeps the earlier text). A `reviewReply` (ours, made
here or in Google's own tools) becomes a mention of its own in the review's thread, marked as ours.

Replying: `PUT {api}/v4/{review name}/reply {"comment": text}` creates or replaces the location's one reply
to the review, so a resend after a crash replaces the reply with the same text: never a second post.
"""

from __future__ import annotations

from typing import Any

from tui.core.model import MentionError
from tui.sources.http import PayloadError, PermanentError
from tui.sources.review_base import CONFIG_KEYS as REVIEW_KEYS
from tui.sources.review_base import ReviewSource, utc
from tui.storage.records import Mention

__all__ = ["API_URL", "CONFIG_KEYS", "MAX_PAGES", "PAGE_SIZE", "REPLY_LIMIT", "STARS", "TOKEN_URL",
           "GoogleReviewsSource", "utc"]

API_URL = "https://mybusiness.googleapis.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"
CONFIG_KEYS = REVIEW_KEYS | {"account", "location"}
PAGE_SIZE = 50
"""The largest page the reviews list serves."""
MAX_PAGES = 40
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
REPLY_LIMIT = 4096
"""Google takes at most 4,096 bytes (UTF-8) in a review reply."""


class GoogleReviewsSource(ReviewSource):
    platform = "google"
    token_url = TOKEN_URL
    api_url = API_URL
    config_keys = CONFIG_KEYS
    reply_limit = REPLY_LIMIT

    def __init__(self, account: str, location: str, *, page_size: int = PAGE_SIZE, **kw: Any) -> None:
        super().__init__(kw.pop("name", None) or f"google:{location}", **kw)
        self.account = account
        self.location = location
        self.page_size = page_size
        self.where = f"Google reviews of location {location}"

    @classmethod
    def platform_options(cls, table: dict[str, Any]) -> dict[str, Any]:
        """`account` and `location`, the numeric ids (TOML may give them as integers)."""
        ids = {}
        for key in ("account", "location"):
            value = table.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str) or not value.strip() or "/" in value:
                raise ValueError(f"{key!r} must be the numeric id from accounts/{{account}}/locations/"
                                 "{location}")
            ids[key] = value.strip()
        return ids

    # -- conversion --------------------------------------------------------------------------
    def review_mentions(self, review: dict[str, Any]) -> list[dict[str, Any]]:
        """A review as a mention, and its reply (if any) as our own mention in the same thread."""
        review_id = str(review["reviewId"])
        reviewer = review.get("reviewer") or {}
        name = reviewer.get("displayName") if isinstance(reviewer, dict) else None
        author = name if isinstance(name, str) and name.strip() else "A Google user"
        mention: dict[str, Any] = {
            "id": review_id, "source": "google", "author": author, "author_name": author,
            "text": str(review.get("comment") or ""), "created_at": review["createTime"],
            "rating": STARS.get(str(review.get("starRating"))),
            "update_time": utc(review.get("updateTime") or review["createTime"]),
            "review_name": str(review.get("name") or
                               f"accounts/{self.account}/locations/{self.location}/reviews/{review_id}"),
            "review": True,
        }
        if not mention["text"]:
            mention["text"] = f"({mention['rating'] or '?'}★, no written review)"
        out = [mention]
        reply = review.get("reviewReply")
        if isinstance(reply, dict) and reply.get("comment"):
            when = reply.get("updateTime") or mention["update_time"]
            out.append({"id": f"{review_id}/reply", "source": "google", "author": self.owner_name,
                        "text": str(reply["comment"]), "created_at": when, "in_reply_to": review_id,
                        "owner_reply": True, "update_time": utc(when)})
        return out

    # -- collecting --------------------------------------------------------------------------
    async def fetch(self, since: str | None) -> list[tuple[str, dict[str, Any]]]:
        url = f"{self.api_url}/v4/accounts/{self.account}/locations/{self.location}/reviews"
        found: list[tuple[str, dict[str, Any]]] = []
        token: str | None = None
        for _page in range(MAX_PAGES):
            params = {"pageSize": self.page_size, "orderBy": "updateTime desc"}
            if token:
                params["pageToken"] = token
            page = await self.call("GET", url, params=params)
            if not isinstance(page, dict) or not isinstance(page.get("reviews", []), list):
                raise PayloadError(f"{self.where}: the reviews list is not shaped as documented")
            older = False
            for review in page.get("reviews", []):
                try:
                    mentions = self.review_mentions(review)
                except (KeyError, TypeError, AttributeError, MentionError) as error:
                    raise PayloadError(f"{self.where}: a review lacks {error}") from None
                updated = max(m["update_time"] for m in mentions)
                if since is not None and updated < since:
                    older = True
                    continue
                found += [(updated, m) for m in mentions]
            token = page.get("nextPageToken")
            if older or not token:
                break
        found.sort(key=lambda pair: pair[0])
        return found

    # -- replies -----------------------------------------------------------------------------
    async def post_reply(self, in_reply_to: Mention, text: str,
                         idempotency_key: str) -> dict[str, Any]:
        """PUT the one reply to the review: creating or replacing it, so a resend never posts twice."""
        extra = in_reply_to.get("extra") or {}
        name = extra.get("review_name")
        if extra.get("owner_reply") or not isinstance(name, str) or "/reviews/" not in name:
            raise PermanentError("this is not a Google review (answer the review itself)")
        if len(text.encode()) > REPLY_LIMIT:
            raise PermanentError(f"Google takes at most {REPLY_LIMIT} bytes in a review reply")
        reply = await self.call("PUT", f"{self.api_url}/v4/{name}/reply", json={"comment": text}, retries=1)
        if not isinstance(reply, dict) or reply.get("comment") is None:
            raise PayloadError(f"{self.where}: the reply was sent but the answer is not a review reply")
        return {"id": f"{name}/reply", "url": None}
