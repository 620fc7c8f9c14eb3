"""Follow through: promises in replies, follow-ups due and overdue, feedback after a resolution, the
turnaround outcome, and champions (thanks are never templated for muted authors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ManualClock, stored_mention
from tui.core.champions import can_thank, champions, mark_champion
from tui.core.followup import (
    follow_up_due,
    follow_up_state,
    offer_feedback,
    overdue_follow_ups,
    promise_times,
    promises,
    turnaround_outcome,
)
from tui.core.lifecycle import Change, Lifecycle, TransitionError
from tui.storage.store import Store

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)  # a Wednesday


def request_feedback(life: Lifecycle, thread_uid: str) -> Change:
    """What the inbox's feedback step does: the thread's resolved mentions, with the rules' template."""
    return life.apply("request-feedback", life.thread_uids(thread_uid, ["resolved"]),
                      template=life.rules.feedback_template)


def thank(life: Lifecycle, uid: str, *, template: str | None = "thanks", why: str = "") -> Change:
    """What the champions screen's thanks step does."""
    author = (life.store.mention(uid) or {}).get("author", "")
    details = {"author": author, **({"template": template} if template else {})}
    return life.apply("thank", [uid], why=why, **details)


class Clock(ManualClock):
    """Starts at this file's T0."""

    def __init__(self, now: datetime = T0) -> None:
        super().__init__(now)


def stored(n: int, *, thread: int | None = None, at: datetime = T0 - timedelta(hours=1),
           **fields: Any) -> dict[str, Any]:
    """This file's mention: thread 0 means the mention's own, as before."""
    return stored_mention(n, at=at, thread=thread or n, **fields)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def life(store: Store, clock: Clock) -> Lifecycle:
    return Lifecycle(store, clock=clock, tz=UTC, ours=["@acme"])


# -- promises ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "found"), [
    ("We'll have this fixed by 5pm.", ["by 5pm"]),
    ("I'll get back to you tomorrow.", ["tomorrow"]),
    ("Expect an update within the hour", ["within the hour"]),
    ("The refund lands in 2 days", ["in 2 days"]),
    ("We'll sort it by Friday, promise", ["by Friday"]),
    ("I'll check with the team later today", ["later today"]),
    ("Back to you in a couple of days", ["in a couple of days"]),
    ("Within 3 hours, then by end of day at the latest", ["Within 3 hours", "by end of day"]),
    ("I'll call tomorrow morning", ["tomorrow morning"]),
    ("We'll ship it by 5pm tomorrow", ["by 5pm tomorrow"]),
    ("Thanks for your patience!", []),
    ("We opened in 2019 and on Friday evenings we close early", []),
])
def test_promises(text: str, found: list[str]) -> None:
    assert promises(text) == found


@pytest.mark.parametrize(("text", "due"), [
    ("by 5pm", datetime(2024, 5, 1, 17, 0, tzinfo=UTC)),
    ("by 9am", datetime(2024, 5, 2, 9, 0, tzinfo=UTC)),  # 9am has passed: tomorrow's
    ("tomorrow", datetime(2024, 5, 2, 17, 0, tzinfo=UTC)),
    ("tomorrow morning", datetime(2024, 5, 2, 12, 0, tzinfo=UTC)),
    ("within the hour", T0 + timedelta(hours=1)),
    ("in 2 days", T0 + timedelta(days=2)),
    ("within 30 minutes", T0 + timedelta(minutes=30)),
    ("by Friday", datetime(2024, 5, 3, 17, 0, tzinfo=UTC)),
    ("by Wednesday", datetime(2024, 5, 1, 17, 0, tzinfo=UTC)),  # said on a Wednesday morning: today
    ("later today", datetime(2024, 5, 1, 17, 0, tzinfo=UTC)),
    ("by the end of the week", datetime(2024, 5, 3, 17, 0, tzinfo=UTC)),
    ("next week", datetime(2024, 5, 8, 17, 0, tzinfo=UTC)),
    ("by 5pm tomorrow", datetime(2024, 5, 2, 17, 0, tzinfo=UTC)),
    ("tomorrow, and within the hour we'll call", T0 + timedelta(hours=1)),  # the earliest
    ("nothing promised", None),
])
def test_follow_up_due(text: str, due: datetime | None) -> None:
    assert follow_up_due(text, T0) == due


def test_a_promise_already_past_gets_a_grace_period() -> None:
    evening = datetime(2024, 5, 1, 19, 30, tzinfo=UTC)
    assert promise_times("I'll look later today", evening) == [("later today", evening + timedelta(hours=2))]


# -- follow-ups ----------------------------------------------------------------------------------
def test_a_reply_with_a_promise_owes_a_follow_up(store: Store, clock: Clock, life: Lifecycle) -> None:
    store.add_mention(stored(1))
    store.add_mention(stored(2, author="@bob"))
    change = life.reply(["x:1"], "Sorry! We'll have an answer by 5pm.")
    life.reply(["x:2"], "Thanks, noted.")
    mention = store.mention("x:1") or {}
    assert mention["follow_up_at"] == "2024-05-01T17:00:00+00:00"
    assert mention["promise"] == ["by 5pm"]
    assert "follow_up_at" not in (store.mention("x:2") or {})
    assert follow_up_state(mention, clock()) == "pending"
    assert follow_up_state(mention, datetime(2024, 5, 1, 16, 40, tzinfo=UTC)) == "due-soon"
    assert follow_up_state(mention, datetime(2024, 5, 1, 17, 0, tzinfo=UTC)) == "overdue"
    assert follow_up_state(store.mention("x:2") or {}, clock()) is None
    assert [m["uid"] for m in store.mentions() if m.get("follow_up_at")] == ["x:1"]
    assert overdue_follow_ups(store, clock()) == []
    clock.now = datetime(2024, 5, 1, 17, 1, tzinfo=UTC)
    assert [m["uid"] for m in overdue_follow_ups(store, clock())] == ["x:1"]
    assert [m["uid"] for m in overdue_follow_ups(store, clock())] == ["x:1"]
    life.undo(change.event_id)
    assert overdue_follow_ups(store, clock()) == []
    assert (store.mention("x:1") or {}).get("follow_up_at") is None


def test_following_up_or_replying_again_settles_the_promise(store: Store, clock: Clock,
                                                            life: Lifecycle) -> None:
    store.add_mention(stored(1))
    store.add_mention(stored(2, author="@bob"))
    life.reply(["x:1"], "Back to you within the hour")
    life.reply(["x:2"], "Back to you within the hour")
    clock.advance(hours=2)
    assert len(overdue_follow_ups(store, clock())) == 2
    done = life.apply("follow-up-done", ["x:1"])
    assert (store.mention("x:1") or {})["follow_up_kept_at"] == clock().isoformat()
    life.reply(["x:2"], "Here is the answer.")
    assert overdue_follow_ups(store, clock()) == []
    life.reply(["x:2"], "One more thing: the invoice follows tomorrow")
    assert (store.mention("x:2") or {})["follow_up_at"] == "2024-05-02T17:00:00+00:00"
    life.undo(done.event_id)
    assert [m["uid"] for m in overdue_follow_ups(store, clock())] == ["x:1"]


def test_resolving_ends_the_follow_up_and_the_timer_survives_restarts(tmp_path: Path, clock: Clock) -> None:
    store = Store(tmp_path / "db.json")
    store.add_mention(stored(1))
    store.add_mention(stored(2, author="@bob"))
    life = Lifecycle(store, clock=clock, tz=UTC)
    life.reply(["x:1", "x:2"], "We'll fix it in 2 days")
    life.apply("resolve", ["x:2"])
    store.close()
    store = Store(tmp_path / "db.json")
    life = Lifecycle(store, clock=clock, tz=UTC)
    assert [m["uid"] for m in overdue_follow_ups(store, T0 + timedelta(days=3))] == ["x:1"]
    store.close()


# -- feedback and turnaround ---------------------------------------------------------------------
def test_feedback_is_offered_after_resolution_but_never_to_the_muted(store: Store, life: Lifecycle) -> None:
    store.add_mention(stored(1))
    assert offer_feedback(store, "x:1") is None
    life.apply("resolve", ["x:1"])
    assert offer_feedback(store, "x:1") == "feedback-after-fix"
    change = request_feedback(life, "x:1")
    mention = store.mention("x:1") or {}
    assert (mention["state"], mention["queue"]) == ("feedback-requested", "waiting")
    assert (store.event(change.event_id) or {})["details"] == {"template": "feedback-after-fix"}
    assert offer_feedback(store, "x:1") is None  # asked once

    store.add_mention(stored(2, author="@kim"))
    life.apply("resolve", ["x:2"])
    store.update_author("@kim", muted=True)
    assert offer_feedback(store, "x:2") is None
    with pytest.raises(TransitionError, match="@kim is muted: no feedback requests"):
        request_feedback(life, "x:2")
    with pytest.raises(TransitionError, match="nothing to request-feedback"):
        request_feedback(life, "x:1")


@pytest.mark.parametrize(("thread", "outcome"), [
    ([("negative", -0.6)], "not-yet"),
    ([("negative", -0.6), ("positive", 0.5)], "turned-around"),
    ([("negative", -0.6), ("neutral", 0.0)], "not-yet"),
    ([("negative", -0.6), ("positive", 0.4), ("negative", -0.3)], "not-yet"),
    ([("neutral", 0.0), ("negative", -0.4), ("positive", 0.3)], "turned-around"),
    ([("positive", 0.6), ("neutral", 0.0)], None),
])
def test_turnaround_outcome(store: Store, thread: list[tuple[str, float]], outcome: str | None) -> None:
    for i, (label, sentiment) in enumerate(thread, 1):
        store.add_mention(stored(i, thread=1, label=label, sentiment=sentiment, at=T0 + timedelta(minutes=i)))
    store.add_mention(stored(99, thread=1, author="@acme", label="positive", sentiment=0.9,
                             at=T0 + timedelta(minutes=30)))
    assert turnaround_outcome(store, "x:1", ours=frozenset({"acme"})) == outcome


def test_the_outcome_is_recorded_when_the_author_answers_the_feedback_request(
        store: Store, clock: Clock, life: Lifecycle) -> None:
    store.add_mention(stored(1))
    life.reply(["x:1"], "Refund sent")
    life.apply("resolve", ["x:1"])
    request_feedback(life, "x:1")
    clock.advance(hours=3)
    reply = stored(2, thread=1, at=clock(), label="positive", sentiment=0.7)
    store.add_mention(reply)
    life.on_arrival(reply)
    assert (store.mention("x:1") or {})["outcome"] == "turned-around"
    assert life.turnaround_outcome("x:1") == "turned-around"
    last = life.history("x:1")[-1]
    assert (last["action"], last["who"], last["details"]) == ("record-outcome", "auto",
                                                              {"outcome": "turned-around"})
    assert life.describe(last) == "13:00 auto recorded the outcome: turned-around: " \
                                  "'@ann wrote after the feedback request'"


# -- champions -----------------------------------------------------------------------------------
def test_champions_history_and_thanks(store: Store, clock: Clock, life: Lifecycle) -> None:
    praise = {"label": "positive", "sentiment": 0.8, "kind": "praise", "triage_queue": "champions"}
    store.add_mention(stored(1, author="@eve", at=T0 - timedelta(days=2), **praise))
    store.add_mention(stored(2, author="@eve", at=T0 - timedelta(days=1), **praise))
    store.add_mention(stored(3, author="@dan", at=T0 - timedelta(hours=3), **praise))
    store.add_mention(stored(4, author="@dan", at=T0 - timedelta(hours=2)))  # a complaint
    mark_champion(store, "@zed", clock=clock)
    assert store.author("@zed")["champion_since"] == T0.isoformat()

    change = thank(life, "x:2")
    assert (store.event(change.event_id) or {})["details"] == {"author": "@eve", "template": "thanks"}
    rows = champions(store)
    assert [(r["author"], r["praise"], r["thanked"], r["marked"]) for r in rows] == [
        ("@eve", 2, True, False), ("@dan", 1, False, False), ("@zed", 0, False, True)]
    assert rows[0]["first_seen"] == (T0 - timedelta(days=2)).isoformat()
    assert rows[0]["last_seen"] == (T0 - timedelta(days=1)).isoformat()
    assert rows[0]["last_thanked"] == T0.isoformat()
    assert [r["author"] for r in champions(store, since=T0 - timedelta(hours=12))] == ["@dan", "@zed"]
    life.undo(change.event_id)
    assert champions(store)[0]["thanked"] is False


def test_no_templated_thanks_for_the_muted(store: Store, life: Lifecycle) -> None:
    store.add_mention(stored(1, author="@kim", kind="praise", triage_queue="champions"))
    store.update_author("@kim", muted=True)
    assert can_thank(store, "@kim") is False
    with pytest.raises(TransitionError, match="@kim is muted: no templated thanks"):
        thank(life, "x:1")
    thank(life, "x:1", template=None, why="thanked in person")  # a personal note is the agent's call
    assert (store.mention("x:1") or {})["thanked_at"]
