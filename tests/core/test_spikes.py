"""Spike detection: negative mentions on one topic well above their usual rate; public statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ManualClock
from tui.core.lifecycle import Lifecycle, default_rules
from tui.core.queues import queue_of
from tui.core.spikes import Spike, SpikeDetector, record_statement
from tui.storage.store import Store

T = datetime(2024, 5, 8, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


class Clock(ManualClock):
    """Starts at this file's T."""

    def __init__(self, now: datetime = T) -> None:
        super().__init__(now)


def mention(n: int, at: datetime, topics: list[str], *, label: str = "negative",
            thread: int | None = None) -> dict[str, Any]:
    m = {"uid": f"x:{n}", "id": str(n), "source": "x", "author": f"@u{n}", "text": "no refund",
         "created_at": at.isoformat(), "thread_uid": f"x:{thread or n}", "label": label,
         "sentiment": -0.5 if label == "negative" else 0.5, "kind": "complaint", "priority": 50,
         "topics": topics, "triage_queue": "needs-reply", "state": "open", "read": False, "tags": []}
    m["queue"] = queue_of(m)
    return m


def detector(clock: Clock) -> SpikeDetector:
    return SpikeDetector(HOUR, timedelta(hours=168), 3.0, 5, clock=clock)


def baseline(spikes: SpikeDetector, topic: str, every: timedelta, start: int = 1000) -> None:
    """A week of the topic's usual negative mentions, ending where the window starts."""
    n, at = start, T - HOUR
    while at > T - HOUR - timedelta(hours=168):
        spikes.observe(mention(n, at, [topic]))
        n, at = n + 1, at - every


def test_thresholds_come_from_the_data() -> None:
    spikes = SpikeDetector.from_rules()
    rules = default_rules()
    assert (spikes.window, spikes.baseline) == (rules.spike_window.total_seconds(),
                                                rules.spike_baseline.total_seconds())
    assert (spikes.window, spikes.baseline, spikes.ratio, spikes.min_count) == (3600, 168 * 3600, 3.0, 5)


def test_a_burst_well_above_the_usual_rate_is_a_spike() -> None:
    clock = Clock()
    spikes = detector(clock)
    baseline(spikes, "billing", 2 * HOUR)  # 84 in a week: 0.5 per hour
    for i in range(4):
        spikes.observe(mention(i, T - timedelta(minutes=50 - 10 * i), ["Billing", "refund"]))
    assert spikes.spikes() == []  # four is under min_count
    spikes.observe(mention(4, T - timedelta(minutes=5), ["billing"]))
    assert spikes.spikes() == [Spike("billing", 5, 0.5, ("x:0", "x:1", "x:2", "x:3", "x:4"))]
    # An hour on, the burst has slid into the baseline.
    assert spikes.spikes(T + HOUR) == []


def test_our_own_posts_never_make_a_spike() -> None:
    """Five public apologies from the brand about the app answer a problem; they are not one."""
    clock = Clock()
    spikes = detector(clock)
    baseline(spikes, "app", 2 * HOUR)
    for i in range(5):
        spikes.observe({**mention(i, T - timedelta(minutes=50 - 10 * i), ["app"]), "ours": True})
    assert spikes.spikes() == []
    for i in range(5, 10):
        spikes.observe(mention(i, T - timedelta(minutes=50 - 5 * (i - 5)), ["app"]))
    [spike] = spikes.spikes()
    assert spike.count == 5 and set(spike.uids) == {f"x:{i}" for i in range(5, 10)}


def test_a_busy_topic_needs_a_bigger_burst() -> None:
    clock = Clock()
    spikes = detector(clock)
    baseline(spikes, "delivery", timedelta(minutes=30))  # 2 per hour
    for i in range(5):
        spikes.observe(mention(i, T - timedelta(minutes=55 - i), ["delivery"]))
    assert spikes.spikes() == []  # 5 < 3 x 2
    spikes.observe(mention(5, T - timedelta(minutes=1), ["delivery"]))
    [spike] = spikes.spikes()
    assert (spike.topic, spike.count, spike.baseline_rate) == ("delivery", 6, 2.0)


def test_only_negative_mentions_with_topics_count() -> None:
    clock = Clock()
    spikes = detector(clock)
    for i in range(10):
        spikes.observe(mention(i, T - timedelta(minutes=i), ["app"], label="positive"))
        spikes.observe(mention(100 + i, T - timedelta(minutes=i), []))
    for i in range(5):
        spikes.observe(mention(200 + i, T - timedelta(minutes=i), ["outage"]))
    assert [(s.topic, s.count, s.baseline_rate) for s in spikes.spikes()] == [("outage", 5, 0.0)]


def test_topics_are_counted_apart_and_the_biggest_comes_first() -> None:
    clock = Clock()
    spikes = detector(clock)
    for i in range(7):
        spikes.observe(mention(i, T - timedelta(minutes=i), ["outage", "app"] if i < 5 else ["outage"]))
    assert [(s.topic, s.count) for s in spikes.spikes()] == [("outage", 7), ("app", 5)]


def test_late_arrivals_are_slotted_in_order() -> None:
    clock = Clock()
    spikes = detector(clock)
    times = [5, 1, 50, 30, 59, 70, 20]  # minutes ago, out of order; 70 is before the window
    for i, minutes in enumerate(times):
        spikes.observe(mention(i, T - timedelta(minutes=minutes), ["billing"]))
    [spike] = spikes.spikes()
    assert spike.count == 6
    assert spike.uids == ("x:4", "x:2", "x:3", "x:6", "x:0", "x:1")  # oldest first
    assert spike.baseline_rate == pytest.approx(1 / 168)


def test_old_history_is_forgotten() -> None:
    clock = Clock()
    spikes = detector(clock)
    for i in range(24 * 30):  # a month, one an hour
        spikes.observe(mention(i, T - timedelta(days=30) + i * HOUR, ["billing"]))
    topic = spikes._topics["billing"]
    assert len(topic.recent) + len(topic.older) <= 169
    assert spikes.spikes(T + timedelta(days=30)) == []
    assert spikes._topics == {}


def test_seed_counts_stored_history(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")
    for i in range(6):
        store.add_mention(mention(i, T - timedelta(minutes=10 * i), ["billing"]))
    spikes = SpikeDetector.from_rules(clock=Clock())
    spikes.seed(store.mentions())
    assert [(s.topic, s.count) for s in spikes.spikes()] == [("billing", 6)]
    store.close()


def test_a_public_statement_is_linked_to_every_thread_it_answers(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")
    store.add_mention(mention(1, T - HOUR, ["outage"]))
    store.add_mention(mention(2, T - HOUR / 2, ["outage"], thread=1))
    store.add_mention(mention(3, T - HOUR / 3, ["outage"]))
    life = Lifecycle(store, clock=Clock(), tz=UTC, agent="sam")
    text = "We know payments are failing and are on it; updates every 30 minutes."
    changes = record_statement(life, text, "outage", ["x:1", "x:2", "x:3"])
    assert [c.uids for c in changes] == [("x:1", "x:2"), ("x:3",)]
    for thread in ("x:1", "x:3"):
        [event] = life.history(thread)
        assert event["details"]["text"] == text
        assert event["details"]["statement_id"] == "statement-20240508T120000-outage"
        assert life.describe(event) == (
            "12:00 sam linked the public statement on outage: 'We know payments are failing and are "
            "on it; updates every 30 minutes.'")
    assert (store.mention("x:2") or {})["statement_id"] == "statement-20240508T120000-outage"
    assert (store.mention("x:2") or {})["state"] == "open"  # a post, not a reply
    life.undo(changes[0].event_id)
    assert (store.mention("x:2") or {}).get("statement_id") is None
    store.close()
