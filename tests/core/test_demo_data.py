"""The bundled demo set is well formed: the replayer reads it in order and trusts its links."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from importlib import resources
from typing import Any

import pytest

from tui.core.model import OPTIONAL, REQUIRED  # the fields a mention may carry, as the parser checks them

REVIEW: dict[str, type] = {"rating": int, "review": bool, "update_time": str, "review_name": str,
                           "owner_reply": bool}
"""What a review source adds (tui/sources/google_reviews.py, trustpilot.py, yelp.py)."""
SOURCES = {"mastodon", "bluesky", "reddit", "hn", "rss", "x", "google", "trustpilot", "yelp"}
END = datetime.fromisoformat("2026-11-24T09:00:00+00:00")


@pytest.fixture(scope="module")
def raw_lines() -> list[str]:
    text = resources.files("tui.rules").joinpath("data/demo/mentions.jsonl").read_text("utf-8")
    return text.splitlines()


@pytest.fixture(scope="module")
def mentions(raw_lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in raw_lines]


def test_every_line_is_one_json_object(raw_lines: list[str]) -> None:
    assert len(raw_lines) >= 180
    for number, line in enumerate(raw_lines, 1):
        assert line.strip(), f"blank line {number}"
        assert isinstance(json.loads(line), dict), f"line {number} is not an object"


def test_fields_present_and_typed(mentions: list[dict[str, Any]]) -> None:
    for number, mention in enumerate(mentions, 1):
        for field, kind in REQUIRED.items():
            assert isinstance(mention.get(field), kind), f"line {number}: {field}"
            assert field == "text" or mention[field].strip(), f"line {number}: empty {field}"
        for field, kind in OPTIONAL.items():
            if field in mention:
                value = mention[field]
                assert isinstance(value, kind) and not isinstance(value, bool), (number, field)
        review_fields = set(REVIEW) if mention["source"] in ("google", "trustpilot", "yelp") else set()
        assert set(mention) <= set(REQUIRED) | set(OPTIONAL) | review_fields, f"line {number}: unknown field"
        for field, kind in REVIEW.items():
            if field in mention and field in review_fields:
                assert isinstance(mention[field], kind), (number, field)
        assert mention["source"] in SOURCES, f"line {number}: source {mention['source']!r}"


def test_times_have_offsets_and_run_in_order(mentions: list[dict[str, Any]]) -> None:
    times = []
    for number, mention in enumerate(mentions, 1):
        when = datetime.fromisoformat(mention["created_at"])
        assert when.utcoffset() is not None, f"line {number}: no UTC offset"
        times.append(when)
    assert times == sorted(times), "the replayer reads the file in order"
    assert times[-1] < END
    assert (END - times[0]).total_seconds() <= 2 * 24 * 3600


def test_ids_unique_per_source(mentions: list[dict[str, Any]]) -> None:
    keys = Counter((m["source"], m["id"]) for m in mentions)
    assert [key for key, count in keys.items() if count > 1] == []


def test_replies_point_to_earlier_messages_of_the_same_source(
    mentions: list[dict[str, Any]],
) -> None:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for number, mention in enumerate(mentions, 1):
        source = mention["source"]
        for field in ("in_reply_to", "thread"):
            if field in mention:
                assert (source, mention[field]) in seen, f"line {number}: {field} not earlier"
        if "thread" in mention:
            root = seen[(source, mention["thread"])]
            assert "thread" not in root, f"line {number}: thread must name the root"
            parent = seen[(source, mention["in_reply_to"])]
            assert parent.get("thread", parent["id"]) == mention["thread"], f"line {number}"
        seen[(source, mention["id"])] = mention


def test_shape_of_the_set(mentions: list[dict[str, Any]]) -> None:
    sources = Counter(m["source"] for m in mentions)
    assert len(sources) >= 5
    threads = Counter((m["source"], m.get("thread", m["id"])) for m in mentions)
    assert sum(1 for size in threads.values() if size >= 3) >= 12
    followers = [m["followers"] for m in mentions if "followers" in m]
    assert sum(1 for f in followers if 50_000 <= f <= 500_000) >= 3
    assert sum(1 for f in followers if f < 500) >= 10


def test_hostile_texts_are_present(mentions: list[dict[str, Any]], raw_lines: list[str]) -> None:
    texts = [m["text"] for m in mentions]
    assert any("[link=https://evil.example]" in t and "[@click=app.quit]" in t for t in texts)
    assert any("\x1b[31m" in t for t in texts)
    assert any("\u202e" in t for t in texts)
    assert max(len(t) for t in texts) >= 3000
    assert any("\\u001b[31m" in line for line in raw_lines), "ANSI escape written as a JSON escape"
