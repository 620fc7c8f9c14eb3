"""What every review source reads from its `[[sources]]` table the same way (review_base.from_config)."""

from __future__ import annotations

from typing import Any

import pytest

from tui.sources.google_reviews import GoogleReviewsSource
from tui.sources.registry import SourceSpecError, from_config
from tui.sources.trustpilot import TrustpilotSource

TABLES: dict[str, dict[str, Any]] = {
    "google": {"type": "google", "account": "1234567890", "location": "9876543210"},
    "trustpilot": {"type": "trustpilot", "business_unit_id": "507f191e810c19729de860ea",
                   "author_business_user_id": "u1"},
}
CLASSES = {"google": GoogleReviewsSource, "trustpilot": TrustpilotSource}
OAUTH = {"client_id": "cid", "client_secret_env": "REVIEW_SECRET", "refresh_token_env": "REVIEW_REFRESH"}


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_SECRET", "s3cret-value")
    monkeypatch.setenv("REVIEW_REFRESH", "r3fresh-value")


@pytest.mark.parametrize("kind", TABLES)
async def test_the_shared_keys_reach_the_source(kind: str, secrets: None) -> None:
    table = {**TABLES[kind], **OAUTH, "owner_name": " Café Owner ", "api_url": "http://127.0.0.1:9/",
             "token_url": "http://127.0.0.1:9/token", "poll_seconds": 45}
    source = from_config(table, 3)
    assert isinstance(source, CLASSES[kind])
    assert source.owner_name == "Café Owner" and source.api_url == "http://127.0.0.1:9"
    assert source.token_url == "http://127.0.0.1:9/token" and source.poll_seconds == 45.0
    assert source.refresh_token == "r3fresh-value" and source.client_secret == "s3cret-value"
    assert source.can_reply and source.name == f"{kind}-3"
    await source.aclose()


@pytest.mark.parametrize("kind", TABLES)
async def test_the_platform_defaults_apply(kind: str, secrets: None) -> None:
    source = from_config({**TABLES[kind], **OAUTH}, 1)
    assert isinstance(source, CLASSES[kind])
    assert source.api_url == CLASSES[kind].api_url and source.api_url.startswith("https://")
    assert source.owner_name == "owner" and source.poll_seconds == 300.0
    await source.aclose()


@pytest.mark.parametrize("kind", TABLES)
@pytest.mark.parametrize(("change", "message"), [
    ({"owner_name": "  "}, "'owner_name' must be a non-empty string"),
    ({"poll_seconds": 5}, "'poll_seconds' must be a number, at least 30"),
    ({"client_secret_env": "REVIEW_UNSET"}, "refreshing the token needs 'client_id'"),
    ({"refresh_token_env": "REVIEW_UNSET"}, "no OAuth refresh token: the environment variable REVIEW_UNSET"),
    ({"owner": "x"}, "unknown key 'owner'"),
])
def test_a_bad_shared_key_is_named(kind: str, change: dict[str, Any], message: str, secrets: None) -> None:
    with pytest.raises(SourceSpecError, match=message):
        from_config({**TABLES[kind], **OAUTH, **change}, 1)


def test_each_platform_keeps_its_own_keys_to_itself(secrets: None) -> None:
    with pytest.raises(SourceSpecError, match="unknown key 'business_unit_id'"):
        from_config({**TABLES["google"], **OAUTH, "business_unit_id": "x"}, 1)
    with pytest.raises(SourceSpecError, match="unknown key 'location'"):
        from_config({**TABLES["trustpilot"], **OAUTH, "location": "1"}, 1)
    with pytest.raises(SourceSpecError, match=r"'client_id' \(the API key\)"):
        from_config({**TABLES["trustpilot"], **OAUTH, "client_secret_env": "REVIEW_UNSET"}, 1)
