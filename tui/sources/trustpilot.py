"""Trustpilot service reviews of one business unit (private Business API): collected by polling, answered
with one public company reply.

Config (`[[sources]]`): `type = "trustpilot"`, `business_unit_id`, `client_id` (the API key),
`client_secret_env` (the API secret), `refresh_token_env` (a business user's OAuth refresh token),
`author_business_user_id` (the business user the replies are posted as; needed to reply), optionally
`access_token_env`, `owner_name` (how our replies show in the thread, default "owner"), `lookback_days`
(how far back an edit to an older review is looked for, default 14), `poll_seconds` (default 300),
`api_url` and `token_url` (defaults: Trustpilot's; tests point them at a local server), `name`.

Listing: `GET {api}/v1/private/business-units/{id}/reviews?perPage=100&orderBy=createdat.desc`, following
the `next-page` link until the reviews were written before the cursor less `lookback_days`. Each review
becomes a mention (`source = "trustpilot"`) with `extra.rating` (`stars`) and `extra.update_time`; an edited
one (newer `updatedAt`) updates the stored mention in place (tui/core/reviews.py). A `companyReply` becomes
our own mention in the review's thread.

Replying: `POST {api}/v1/private/reviews/{reviewId}/reply {"message", "authorBusinessUserId"}` answers 201.
A POST is not idempotent, so before every send the review is read again: if it already carries our reply
(an earlier attempt got through before a crash) nothing is posted; a different reply already there is a
failure to look at, never overwritten in silence.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Self

from tui.core.model import MentionError, parse_time
from tui.sources.http import PayloadError, PermanentError
from tui.sources.review_base import CONFIG_KEYS as REVIEW_KEYS
from tui.sources.review_base import ReviewSource, number, utc
from tui.storage.records import Mention

API_URL = "https://api.trustpilot.com"
TOKEN_URL = f"{API_URL}/v1/oauth/oauth-business-users-for-applications/refresh"
CONFIG_KEYS = REVIEW_KEYS | {"business_unit_id", "author_business_user_id", "lookback_days"}
PER_PAGE = 100
MAX_PAGES = 40


class TrustpilotSource(ReviewSource):
    platform = "trustpilot"
    token_url = TOKEN_URL
    api_url = API_URL
    config_keys = CONFIG_KEYS
    client_id_hint = " (the API key)"

    def __init__(self, business_unit_id: str, *, author_business_user_id: str | None = None,
                 lookback_days: float = 14, per_page: int = PER_PAGE, **kw: Any) -> None:
        super().__init__(kw.pop("name", None) or f"trustpilot:{business_unit_id}", **kw)
        self.business_unit_id = business_unit_id
        self.author_business_user_id = author_business_user_id
        self.can_reply = self.can_reply and bool(author_business_user_id)
        self.lookback = timedelta(days=lookback_days)
        self.per_page = per_page
        self.where = f"Trustpilot reviews of business unit {business_unit_id}"

    @classmethod
    def platform_options(cls, table: dict[str, Any]) -> dict[str, Any]:
        """The business unit, the business user replies are posted as, and the look back for edits."""
        unit = table.get("business_unit_id")
        if not isinstance(unit, str) or not unit.strip():
            raise ValueError("'business_unit_id' is required (find it with GET /v1/business-units/find)")
        author = table.get("author_business_user_id")
        if author is not None and not isinstance(author, str):
            raise ValueError("'author_business_user_id' must be a string")
        return {"business_unit_id": unit.strip(), "author_business_user_id": author,
                "lookback_days": number(table, "lookback_days", 14, 0)}

    @classmethod
    def from_config(cls, table: dict[str, Any]) -> Self:
        """As every review source; without `author_business_user_id` it collects but cannot reply."""
        source = super().from_config(table)
        if not source.author_business_user_id:
            source.health.warnings.append("no 'author_business_user_id': replies cannot be posted")
        return source

    def refresh_form(self) -> tuple[dict[str, str], Mapping[str, str] | None]:
        """Trustpilot wants the API key and secret as Basic credentials, the refresh token in the form."""
        pair = f"{self.client_id or ''}:{self.client_secret or ''}".encode()
        basic = base64.b64encode(pair).decode()
        self.http.add_secret(basic)
        return ({"grant_type": "refresh_token", "refresh_token": self.refresh_token or ""},
                {"Authorization": f"Basic {basic}"})

    # -- conversion --------------------------------------------------------------------------
    def review_mentions(self, review: dict[str, Any]) -> list[dict[str, Any]]:
        """A review as a mention, and its company reply (if any) as our own mention in its thread."""
        review_id = str(review["id"])
        consumer = review.get("consumer") or {}
        name = consumer.get("displayName") if isinstance(consumer, dict) else None
        author = name if isinstance(name, str) and name.strip() else "A Trustpilot user"
        title, body = str(review.get("title") or "").strip(), str(review.get("text") or "").strip()
        stars = review.get("stars")
        mention: dict[str, Any] = {
            "id": review_id, "source": "trustpilot", "author": author, "author_name": author,
            "text": f"{title}\n\n{body}" if title and body and not body.startswith(title) else body or title,
            "created_at": review["createdAt"], "url": f"https://www.trustpilot.com/reviews/{review_id}",
            "rating": stars if isinstance(stars, int) and not isinstance(stars, bool) else None,
            "update_time": utc(review.get("updatedAt") or review["createdAt"]), "review": True,
        }
        out = [mention]
        reply = review.get("companyReply")
        if isinstance(reply, dict) and reply.get("text"):
            when = reply.get("updatedAt") or reply.get("createdAt") or review["createdAt"]
            out.append({"id": f"{review_id}/reply", "source": "trustpilot", "author": self.owner_name,
                        "text": str(reply["text"]), "created_at": when, "in_reply_to": review_id,
                        "owner_reply": True, "update_time": utc(when)})
        return out

    # -- collecting --------------------------------------------------------------------------
    async def fetch(self, since: str | None) -> list[tuple[str, dict[str, Any]]]:
        url: str | None = f"{self.api_url}/v1/private/business-units/{self.business_unit_id}/reviews"
        params: dict[str, Any] | None = {"perPage": self.per_page, "orderBy": "createdat.desc"}
        horizon = parse_time(since) - self.lookback if since else None
        found: list[tuple[str, dict[str, Any]]] = []
        for _page in range(MAX_PAGES):
            if url is None:
                break
            page = await self.call("GET", url, params=params)
            reviews = page.get("reviews") if isinstance(page, dict) else None
            if not isinstance(reviews, list):
                raise PayloadError(f"{self.where}: the reviews list is not shaped as documented")
            past_horizon = not reviews
            for review in reviews:
                try:
                    mentions = self.review_mentions(review)
                    if horizon is not None and parse_time(review["createdAt"]) < horizon:
                        past_horizon = True
                except (KeyError, TypeError, AttributeError, MentionError) as error:
                    raise PayloadError(f"{self.where}: a review lacks {error}") from None
                found += [(m["update_time"], m) for m in mentions
                          if since is None or m["update_time"] >= since]
            links = page.get("links") or []
            url = next((link.get("href") for link in links if isinstance(link, dict)
                        and link.get("rel") == "next-page" and isinstance(link.get("href"), str)), None)
            params = None  # the next-page link carries its own query
            if past_horizon:
                break
        found.sort(key=lambda pair: pair[0])
        return found

    # -- replies -----------------------------------------------------------------------------
    async def post_reply(self, in_reply_to: Mention, text: str,
                         idempotency_key: str) -> dict[str, Any]:
        """Reply once: read the review first, and post only if our reply is not already on it."""
        extra = in_reply_to.get("extra") or {}
        if extra.get("owner_reply") or not extra.get("review"):
            raise PermanentError("this is not a Trustpilot review (answer the review itself)")
        if not self.author_business_user_id:
            raise PermanentError("replying needs 'author_business_user_id' in the config")
        review_id = str(in_reply_to["id"])
        done = {"id": f"{review_id}/reply", "url": f"https://www.trustpilot.com/reviews/{review_id}"}
        review = await self.call("GET", f"{self.api_url}/v1/private/reviews/{review_id}")
        existing = (review.get("companyReply") or {}) if isinstance(review, dict) else {}
        if isinstance(existing, dict) and existing.get("text"):
            if " ".join(str(existing["text"]).split()) == " ".join(text.split()):
                return {**done, "already_sent": True}
            raise PermanentError("the review already has a company reply, not this one: read it on "
                                 "Trustpilot before answering again")
        await self.call("POST", f"{self.api_url}/v1/private/reviews/{review_id}/reply", retries=0,
                        json={"message": text, "authorBusinessUserId": self.author_business_user_id})
        return done
