"""Google Business Profile reviews against a local server shaped like the documented API
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
from tui.services.pipeline import Pipeline
from tui.sources.google_reviews import GoogleReviewsSource
from tui.sources.http import HttpClient
from tui.sources.registry import SourceSpecError, from_config
from tui.storage.store import Store

DATA = Path(__file__).parents[1] / "data" / "reviews"
LIST = "/v4/accounts/1234567890/locations/9876543210/reviews"
NAME = "accounts/1234567890/locations/9876543210/reviews/AbFvOqnlq4m8aR1"


def recorded(name: str) -> Any:
    return orjson.loads((DATA / name).read_bytes())


async def no_wait(_seconds: float) -> None:
    return None


class FakeGoogle:
    """The reviews list (two pages, by pageToken), the token endpoint and PUT .../reply, with state:
    a PUT creates or replaces the review's one reply, as Google documents."""

    def __init__(self, server: TestServer) -> None:
        self.pages = [recorded("google_list_page1.json"), recorded("google_list_page2.json")]
        self.valid = {"ya29.a0AfB_byNEWfreshTOKENexample"}
        self.replies: dict[str, dict[str, Any]] = {}
        self.refreshes: list[Recorded] = []
        server.route("POST", "/token", self.token)
        server.route("GET", LIST, self.list)
        server.route("PUT", f"/v4/{NAME}/reply", self.put)

    def authorised(self, request: Recorded) -> bool:
        return request.headers.get("authorization", "").removeprefix("Bearer ") in self.valid

    def token(self, request: Recorded) -> Reply:
        self.refreshes.append(request)
        return Reply.json(recorded("google_token.json"))

    def list(self, request: Recorded) -> Reply:
        if not self.authorised(request):
            return Reply.json({"error": {"code": 401, "message": "Request had invalid authentication "
                                         "credentials.", "status": "UNAUTHENTICATED"}}, status=401)
        second = request.param("pageToken") == self.pages[0]["nextPageToken"]
        return Reply.json(self.pages[1] if second else self.pages[0])

    def put(self, request: Recorded) -> Reply:
        if not self.authorised(request):
            return Reply.json({"error": {"code": 401}}, status=401)
        reply = {"comment": request.json()["comment"], "updateTime": "2026-11-30T10:00:00Z"}
        self.replies[NAME] = reply
        return Reply.json(reply)


def source_for(server: TestServer, **kw: Any) -> GoogleReviewsSource:
    http = HttpClient(timeout=5, sleep=no_wait)
    return GoogleReviewsSource("1234567890", "9876543210", api_url=server.url,
                               token_url=f"{server.url}/token",
                               access_token="ya29.EXPIRED-old-token", refresh_token="1//refresh-secret",
                               client_id="cid.apps.googleusercontent.com", client_secret="client-secret-x",
                               once=True, http=http, sleep=no_wait, **kw)


async def test_collect_pages_refreshes_an_expired_token_and_triages_by_stars(server: TestServer,
                                                                            tmp_path: Path) -> None:
    google = FakeGoogle(server)
    source = source_for(server)
    with Store(tmp_path / "s.json") as store:
        counts = await Pipeline(store, Triager.load()).run(source)
        assert counts.new == 4 and counts.invalid == 0  # 3 reviews + our reply made in Google's tools
        lists = server.requests_to(LIST)
        # 401 on the expired token, one refresh, then both pages (the second by pageToken)
        assert lists[0].headers["authorization"] == "Bearer ya29.EXPIRED-old-token"
        assert len(google.refreshes) == 1
        assert google.refreshes[0].form()["grant_type"] == ["refresh_token"]
        assert lists[-1].param("pageToken") == "CiIKIDJkNDM3OWNjLTI5MDQtNGUxNi1hYzFlLTE2Mzk5MTk1"
        assert lists[1].param("orderBy") == "updateTime desc"
        one_star = store.mention("google:AbFvOqnlq4m8aR1")
        assert one_star is not None and one_star["extra"]["rating"] == 1
        assert one_star["label"] == "negative" and one_star["kind"] == "complaint"
        assert one_star["queue"] == "priority"
        reply = store.mention("google:AbFvOqm2Zx7Yp3Q/reply")
        assert reply is not None and reply["ours"] and reply["state"] == "ours"
        assert reply["thread_uid"] == store.mention("google:AbFvOqm2Zx7Yp3Q")["thread_uid"]  # type: ignore[index]
        assert store.cursor(source.name) == {"updated": "2026-11-28T09:14:03.512000+00:00"}
        assert source.health.healthy
    assert "refresh-secret" not in repr(source.health) and "client-secret-x" not in repr(source.health)
    await source.aclose()


async def test_an_edited_review_updates_the_same_mention_and_keeps_its_history(server: TestServer,
                                                                               tmp_path: Path) -> None:
    google = FakeGoogle(server)
    source = source_for(server)
    with Store(tmp_path / "s.json") as store:
        pipeline = Pipeline(store, Triager.load())
        await pipeline.run(source)
        edited = copy.deepcopy(google.pages[0])
        edited["reviews"][0].update(starRating="FOUR", comment="Update: the manager called me and made it "
                                    "right. Coffee was great this time.", updateTime="2026-11-29T12:00:00Z")
        google.pages[0] = edited
        updated: list[str] = []
        pipeline.update_hooks.append(lambda m: updated.append(m["uid"]))
        counts = await pipeline.run(source)
        assert counts.new == 0
        assert updated == ["google:AbFvOqnlq4m8aR1"]
        mention = store.mention("google:AbFvOqnlq4m8aR1")
        assert mention is not None
        assert mention["extra"]["rating"] == 4 and mention["text"].startswith("Update:")
        assert mention["edits"] == [{"text": "Waited 25 minutes for a flat white and it was lukewarm when "
                                             "it came.", "rating": 1,
                                     "update_time": "2026-11-28T09:14:03.512000+00:00"}]
        assert mention["label"] != "negative" and mention["read"] is False
        assert sum(1 for m in store.mentions() if m["id"] == "AbFvOqnlq4m8aR1") == 1
    await source.aclose()


async def test_a_429_waits_for_retry_after_then_collects(server: TestServer, tmp_path: Path) -> None:
    google = FakeGoogle(server)
    google.valid.add("ya29.EXPIRED-old-token")
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    limited = Reply.json({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}, status=429,
                         headers={"Retry-After": "7"})
    server.route("GET", LIST, [limited, google.list])
    source = source_for(server)
    source.http.sleep = sleep
    with Store(tmp_path / "s.json") as store:
        counts = await Pipeline(store, Triager.load()).run(source)
    assert waits == [7.0] and counts.new == 4
    await source.aclose()


async def test_reply_puts_the_one_reply_and_a_crash_before_recording_never_posts_twice(
        server: TestServer, tmp_path: Path) -> None:
    google = FakeGoogle(server)
    source = source_for(server)
    row = await crash_after_posting_then_resend(
        source, tmp_path / "s.json", "google", "google:AbFvOqnlq4m8aR1",
        "Sorry about the wait, Priya. Email hello@brightside.example and we will make it right.")
    assert row is not None and row["status"] == "sent" and row["remote_id"] == f"{NAME}/reply"
    puts = server.requests_to(f"/v4/{NAME}/reply", "PUT")
    assert len(puts) == 2 and puts[0].json() == puts[1].json()
    assert len(google.replies) == 1  # PUT replaces: one reply on the review, not two
    await source.aclose()


def test_config_builds_from_the_registry_and_names_a_missing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {"type": "google", "account": "1234567890", "location": "9876543210", "client_id": "cid",
             "client_secret_env": "GBP_SECRET", "refresh_token_env": "GBP_REFRESH"}
    with pytest.raises(SourceSpecError, match="GBP_REFRESH is not set"):
        from_config(table, 1)
    monkeypatch.setenv("GBP_REFRESH", "1//r")
    monkeypatch.setenv("GBP_SECRET", "s")
    source = from_config(table, 2)
    assert isinstance(source, GoogleReviewsSource) and source.name == "google-2" and source.can_reply
    with pytest.raises(SourceSpecError, match="unknown key 'locaton'"):
        from_config({**table, "locaton": "1"}, 1)


async def test_a_refused_refresh_token_is_reported_without_its_secrets(server: TestServer,
                                                                      tmp_path: Path) -> None:
    FakeGoogle(server)
    server.route("POST", "/token", Reply.json({"error": "invalid_grant",
                                               "error_description": "Token has been expired or revoked."},
                                              status=400))
    source = source_for(server)
    with Store(tmp_path / "s.json") as store:
        counts = await Pipeline(store, Triager.load()).run(source)
    assert counts.new == 0 and not source.health.healthy
    error = source.health.last_error or ""
    assert "Token has been expired or revoked" in error
    for secret in ("1//refresh-secret", "client-secret-x", "ya29.EXPIRED-old-token"):
        assert secret not in error
    await source.aclose()
