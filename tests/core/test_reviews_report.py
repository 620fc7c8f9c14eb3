"""The report's review figures: the rating trend, and how many 1-2 star reviews got a reply and how fast."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tui.core.report import build_report
from tui.core.report_text import render_text, rows
from tui.core.triage import Triager
from tui.services.pipeline import Pipeline
from tui.storage.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def review(n: int, stars: int, when: str, source: str = "google", **extra: object) -> dict[str, object]:
    return {"id": f"r{n}", "source": source, "author": f"Reviewer {n}", "text": "Coffee.",
            "created_at": when, "rating": stars, "review": True, **extra}


def test_rating_trend_and_low_star_replies(tmp_path: Path) -> None:
    with Store(tmp_path / "s.json") as store:
        pipeline = Pipeline(store, Triager.load(), clock=lambda: NOW)
        for data in (review(1, 1, "2026-11-23T08:00:00+00:00"),
                     review(2, 5, "2026-11-23T09:00:00+00:00"),
                     review(3, 2, "2026-11-24T10:00:00+00:00", "trustpilot"),
                     {"id": "r3/reply", "source": "trustpilot", "author": "owner", "text": "Sorry, email us.",
                      "created_at": "2026-11-24T11:30:00+00:00", "in_reply_to": "r3", "owner_reply": True},
                     review(4, 2, "2026-11-24T11:00:00+00:00", "yelp")):
            assert pipeline.ingest(data).status == "new"
        store.update_mention("google:r1", {"first_response_at": "2026-11-23T08:30:00+00:00"})
        report = build_report(store, None, NOW)
    figures = report["reviews"]
    assert report["mentions"] == 4  # our reply made on Trustpilot is not a customer's mention
    assert figures["reviews"] == 4 and figures["mean_rating"] == 2.5
    assert [(d["day"], d["mean"]) for d in figures["days"]] == [("2026-11-23", 3.0), ("2026-11-24", 2.0)]
    assert figures["low_star"] == {"reviews": 3, "answered": 2, "median_minutes": 60.0}
    assert "1-2★: 2 of 3 answered, median 1h 00m to reply" in render_text(report)
    assert ("low_star_answered", "", 2) in rows(report)


def test_response_times_read_as_durations_not_sums() -> None:
    from tui.core.report_text import duration
    assert [duration(m) for m in (0.4, 2.25, 12.4, 59.6, 125, 2308.2, 4000)] == \
        ["24s", "2.2m", "12m", "1h 00m", "2h 05m", "38h 28m", "2d 18h"]
