"""Trustpilot service reviews against a local server shaped like the documented private Business API
(tests/data/reviews/README.md names the origin of each recorded payload)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import crash_after_posting_then_resend
from tests.servers import Recorded, Reply, TestServer
from tui.core.triage import Triager
from tui.services.outbox import Outbox
from tui.services.pipeline import Pipeline
from tui.sources.http import HttpClient
from tui.sources.registry import SourceSpecError, from_config
from tui.sources.trustpilot import TrustpilotSource
from tui.storage.store import Store

DATA = Path(__file__).parents[1] / "data" / "reviews"
UNIT = "507f191e810c19729de860ea"
LIST = f"/v1/private/business-units/{UNIT}/reviews"
TOKEN = "/v1/oauth/oauth-business-users-for-applications/refresh"
LATE = "6552a1e8b4c0a1f2d3e4f501"


async def no_wait(_seconds: float) -> None:
    return None


class FakeTrustpilot:
    """Two pages linked by `next-page`, the refresh endpoint, GET one review and POST its reply (201),
    which, like a real POST, is not idempotent: each one stores a reply."""

    def __init__(self, server: TestServer) -> None:
        raw = (DATA / "trustpilot_reviews_page1.json").read_text().replace("{BASE}", server.url)
        self.pages = [orjson.loads(raw), orjson.loads((DATA / "trustpilot_reviews_page2.json").read_bytes())]
        self.valid = {"AccessTokenFRESHtrustpilotExample"}
        self.posted: list[dict[str, Any]] = []
        self.refreshes: list[Recorded] = []
        server.route("POST", TOKEN, self.token)
        server.route("GET", LIST, self.list)
        server.route("GET", f"/v1/private/reviews/{LATE}", self.review)
        server.route("POST", f"/v1/private/reviews/{LATE}/reply", self.reply)

    def authorised(self, request: Recorded) -> bool:
        return request.headers.get("authorization", "").removeprefix("Bearer ") in self.valid

    def token(self, request: Recorded) -> Reply:
        self.refreshes.append(request)
        return Reply.json(orjson.loads((DATA / "trustpilot_token.json").read_bytes()))

    def list(self, request: Recorded) -> Reply:
        if not self.authorised(request):
            return Reply.json({"message": "Unauthorized", "details": "Access token expired"}, status=401)
        return Reply.json(self.pages[1] if request.param("page") == "2" else self.pages[0])

    def review(self, request: Recorded) -> Reply:
        review = copy.deepcopy(self.pages[0]["reviews"][0])
        if self.posted:
            review["companyReply"] = {"text": self.posted[-1]["message"], "createdAt": "2026-11-30T10:00:00Z"}
        return Reply.json(review)

    def reply(self, request: Recorded) -> Reply:
        self.posted.append(request.json())
        return Reply(status=201)


def source_for(server: TestServer, **kw: Any) -> TrustpilotSource:
    return TrustpilotSource(UNIT, author_business_user_id="5a1b2c3d4e5f6a7b8c9d0e1f", api_url=server.url,
                            token_url=f"{server.url}{TOKEN}", access_token="AccessTokenEXPIRED",
                            refresh_token="RefreshTokenOLD", client_id="apikey-123",
                            client_secret="api-secret-xyz", once=True,
                            http=HttpClient(timeout=5, sleep=no_wait), sleep=no_wait, **kw)


async def test_collect_follows_next_page_refreshes_and_triages_by_stars(server: TestServer,
                                                                        tmp_path: Path) -> None:
    platform = FakeTrustpilot(server)
    source = source_for(server)
    with Store(tmp_path / "s.json") as store:
        counts = await Pipeline(store, Triager.load()).run(source)
        assert counts.new == 4 and counts.invalid == 0  # 3 reviews + the company reply
        assert len(platform.refreshes) == 1
        refresh = platform.refreshes[0]
        assert refresh.form() == {"grant_type": ["refresh_token"], "refresh_token": ["RefreshTokenOLD"]}
        assert refresh.headers["authorization"].startswith("Basic ")
        assert source.refresh_token == "RefreshTokenROTATEDtrustpilotExample"
        assert server.requests_to(LIST)[-1].param("page") == "2"
        late = store.mention(f"trustpilot:{LATE}")
        assert late is not None and late["extra"]["rating"] == 2 and late["label"] == "negative"
        assert late["text"].startswith("Subscription box arrived late\n\n")
        assert late["url"] == f"https://www.trustpilot.com/reviews/{LATE}"
        mixed = store.mention("trustpilot:6552a1e8b4c0a1f2d3e4f502")
        assert mixed is not None and mixed["extra"]["rating"] == 5
        assert mixed["kind"] == "complaint" and mixed["review_mixed"] and mixed["label"] != "positive"
        reply = store.mention("trustpilot:6552a1e8b4c0a1f2d3e4f503/reply")
        assert reply is not None and reply["ours"]
    await source.aclose()


async def test_an_edited_review_updates_in_place(server: TestServer, tmp_path: Path) -> None:
    platform = FakeTrustpilot(server)
    source = source_for(server)
    with Store(tmp_path / "s.json") as store:
        pipeline = Pipeline(store, Triager.load())
        await pipeline.run(source)
        platform.pages[0]["reviews"][0].update(stars=1, text="Still no box and still no answer.",
                                               updatedAt="2026-11-30T08:00:00Z")
        await pipeline.run(source)
        late = store.mention(f"trustpilot:{LATE}")
        assert late is not None and late["extra"]["rating"] == 1 and "Still no box" in late["text"]
        assert [e["rating"] for e in late["edits"]] == [2]
    await source.aclose()


async def test_a_crash_after_posting_never_posts_twice(server: TestServer, tmp_path: Path) -> None:
    platform = FakeTrustpilot(server)
    source = source_for(server)
    row = await crash_after_posting_then_resend(
        source, tmp_path / "s.json", "trustpilot", f"trustpilot:{LATE}",
        "Sorry Marta. Please write to hello@brightside.example with your order number and we will sort it "
        "today.")
    assert row is not None and row["status"] == "sent" and row.get("already_sent")
    assert len(platform.posted) == 1  # the resend found our reply there and posted nothing
    assert platform.posted[0] == {"message": row["text"], "authorBusinessUserId": "5a1b2c3d4e5f6a7b8c9d0e1f"}
    await source.aclose()


async def test_a_different_reply_already_there_is_not_overwritten(server: TestServer, tmp_path: Path) -> None:
    platform = FakeTrustpilot(server)
    platform.posted.append({"message": "A colleague answered on Trustpilot."})
    source = source_for(server)
    with Store(tmp_path / "s.json") as store:
        await Pipeline(store, Triager.load()).run(source)
        outbox = Outbox(store, {"trustpilot": source.post_reply})
        item_id = outbox.enqueue(f"trustpilot:{LATE}", "Sorry Marta.", "trustpilot")
        await outbox.process_once()
        row = outbox.item(item_id)
        assert row is not None and row["status"] == "failed"
        assert "already has a company reply" in row["last_error"]
    assert len(platform.posted) == 1
    await source.aclose()


def test_config_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {"type": "trustpilot", "business_unit_id": UNIT, "client_id": "k",
             "client_secret_env": "TP_SECRET", "refresh_token_env": "TP_REFRESH"}
    with pytest.raises(SourceSpecError, match="TP_REFRESH is not set"):
        from_config(table, 1)
    monkeypatch.setenv("TP_REFRESH", "r")
    monkeypatch.setenv("TP_SECRET", "s")
    source = from_config(table, 1)
    assert isinstance(source, TrustpilotSource) and not source.can_reply
    assert "author_business_user_id" in source.health.warnings[0]
    assert from_config({**table, "author_business_user_id": "u"}, 1).can_reply
