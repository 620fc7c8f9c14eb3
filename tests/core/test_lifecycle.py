"""The thread lifecycle: every transition and its undo, persistence, snoozes, walk-away watches,
resurfacing, the walk-away suggestion and the history's wording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ManualClock, stored_mention
from tui.core.lifecycle import (
    IN_PLACE,
    TRANSITIONS,
    Change,
    Lifecycle,
    RulesError,
    TransitionError,
    WhenError,
    load_rules,
    parse_when,
    read_when,
    suggest_team,
)
from tui.core.queues import queue_of
from tui.services.pipeline import Pipeline
from tui.storage.store import Store

T0 = datetime(2024, 5, 3, 10, 42, tzinfo=UTC)  # a Friday


class Clock(ManualClock):
    """Starts at this file's T0."""

    def __init__(self, now: datetime = T0) -> None:
        super().__init__(now)


def stored(n: int | str, *, text: str = "It broke", at: datetime = T0 - timedelta(minutes=30),
           **fields: Any) -> dict[str, Any]:
    return stored_mention(n, at=at, text=text, priority=60, topics=["billing"], **fields)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make(store: Store, clock: Clock, **kwargs: Any) -> Lifecycle:
    return Lifecycle(store, clock=clock, tz=UTC, **kwargs)


def _present(mention: dict[str, Any]) -> dict[str, Any]:
    """A mention's fields that hold something (undo puts a field that did not exist back as None)."""
    return {k: v for k, v in mention.items() if v is not None}


# -- every transition and its undo ---------------------------------------------------------------
CASES: list[tuple[str, str, dict[str, Any], str, str]] = [
    # action, starting state, details, state after, queue after
    ("done", "open", {}, "done", "done"),
    ("reopen", "done", {}, "open", "needs-reply"),
    ("reply", "open", {"text": "Looking into it"}, "replied", "waiting"),
    ("resolve", "replied", {}, "resolved", "done"),
    ("request-feedback", "resolved", {}, "feedback-requested", "waiting"),
    ("close", "feedback-requested", {}, "closed", "done"),
    ("escalate", "open", {"team": "billing", "note": "double charge"}, "escalated", "escalated"),
    ("answer-escalation", "escalated", {"note": "refunded"}, "open", "needs-reply"),
    ("snooze", "open", {"until": (T0 + timedelta(hours=2)).isoformat()}, "snoozed", "snoozed"),
    ("wake", "snoozed", {}, "open", "needs-reply"),
    ("walk-away", "open", {"reason": "troll"}, "walked-away", "walked-away"),
    ("resurface", "walked-away", {}, "open", "priority"),
    ("expire-watch", "walked-away", {}, "closed", "done"),
    ("read", "open", {}, "open", "needs-reply"),
    ("unread", "open", {}, "open", "needs-reply"),
    ("tag", "open", {"tag": "refund"}, "open", "needs-reply"),
    ("untag", "open", {"tag": "refund"}, "open", "needs-reply"),
    ("thank", "open", {}, "replied", "waiting"),  # thanks are a reply: the praise is answered
    ("statement", "open", {"topic": "billing", "statement_id": "s1"}, "open", "needs-reply"),
    ("follow-up-done", "replied", {}, "replied", "waiting"),
    ("record-outcome", "feedback-requested", {"outcome": "turned-around"}, "feedback-requested", "waiting"),
    ("correct", "open", {"set": {"queue": "priority"}, "to": {"x:1": {"triage_queue": "priority"}}},
     "open", "priority"),
]


def test_every_action_has_a_case() -> None:
    assert {c[0] for c in CASES} == set(TRANSITIONS)


@pytest.mark.parametrize(("action", "start", "details", "state", "queue"), CASES,
                         ids=[c[0] for c in CASES])
def test_transition_and_undo(store: Store, clock: Clock, action: str, start: str,
                             details: dict[str, Any], state: str, queue: str) -> None:
    extra: dict[str, Any] = {"tags": ["refund"]} if action == "untag" else {}
    if action == "follow-up-done":
        extra["follow_up_at"] = (T0 + timedelta(hours=1)).isoformat()
    store.add_mention(stored(1, state=start, **extra))
    original = dict(store.mention("x:1") or {})
    life = make(store, clock)
    change = life.apply(action, ["x:1"], why="because", **details)
    after = store.mention("x:1") or {}
    assert change == Change(change.event_id, action, ("x:1",))
    assert after["state"] == state
    assert queue_of(after) == queue
    if action not in IN_PLACE:
        assert after["queue"] == queue
    event = store.event(change.event_id) or {}
    assert (event["who"], event["at"], event["why"]) == ("me", T0.isoformat(), "because")

    undo = life.undo(change.event_id)
    assert undo.action == "undo"
    assert _present(store.mention("x:1") or {}) == _present(original)
    assert (store.event(change.event_id) or {})["undone"] is True
    with pytest.raises(TransitionError):
        life.undo(change.event_id)


@pytest.mark.parametrize(("action", "state"), [
    ("resolve", "snoozed"), ("request-feedback", "open"), ("answer-escalation", "open"),
    ("wake", "open"), ("expire-watch", "open"), ("resurface", "done"),
])
def test_actions_refused_from_the_wrong_state(store: Store, clock: Clock, action: str, state: str) -> None:
    store.add_mention(stored(1, state=state))
    with pytest.raises(TransitionError, match=f"cannot {action}"):
        make(store, clock).apply(action, ["x:1"])
    assert (store.mention("x:1") or {})["state"] == state
    assert list(store.events()) == []


def test_thanks_answer_the_praise_and_leave_a_settled_mention_settled(store: Store, clock: Clock) -> None:
    """Thanks are posted like a reply: the report counts the praise answered (first response), and
    an older praise mention already done is not reopened by thanking it from the champions list."""
    store.add_mention(stored(1, kind="praise"))
    store.add_mention(stored(2, kind="praise", state="done"))
    life = make(store, clock)
    life.apply("thank", ["x:1", "x:2"], template="thanks")
    fresh, settled = store.mention("x:1") or {}, store.mention("x:2") or {}
    assert (fresh["state"], fresh["queue"]) == ("replied", "waiting")
    assert fresh["first_response_at"] == fresh["replied_at"] == fresh["thanked_at"] == T0.isoformat()
    assert (settled["state"], settled["queue"]) == ("done", "done")
    assert settled["first_response_at"] == T0.isoformat()


def test_unknown_action_and_nothing_to_act_on(store: Store, clock: Clock) -> None:
    life = make(store, clock)
    with pytest.raises(TransitionError, match="unknown action"):
        life.apply("teleport", ["x:1"])
    with pytest.raises(TransitionError, match="nothing to done"):
        life.apply("done", ["x:missing"])


def test_the_whole_path_open_to_closed(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1))
    life = make(store, clock)
    path = [("reply", "replied", "waiting"), ("resolve", "resolved", "done"),
            ("request-feedback", "feedback-requested", "waiting"), ("close", "closed", "done")]
    for action, state, queue in path:
        clock.advance(minutes=5)
        life.apply(action, ["x:1"])
        mention = store.mention("x:1") or {}
        assert (mention["state"], mention["queue"]) == (state, queue)
    mention = store.mention("x:1") or {}
    assert mention["first_response_at"] == (T0 + timedelta(minutes=5)).isoformat()
    assert mention["closed_at"] == (T0 + timedelta(minutes=10)).isoformat()
    assert mention["feedback_template"] == "feedback-after-fix"
    assert [e["action"] for e in life.history("x:1")] == ["reply", "resolve", "request-feedback", "close"]


def test_escalation_returns_to_its_queue_with_the_note_kept(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, triage_queue="priority"))
    life = make(store, clock)
    life.escalate(["x:1"], "billing", "double charge")
    mention = store.mention("x:1") or {}
    assert (mention["state"], mention["queue"]) == ("escalated", "escalated")
    assert mention["escalated_to"] == "billing"
    life.apply("answer-escalation", ["x:1"], why="refund issued", note="refund issued")
    mention = store.mention("x:1") or {}
    assert (mention["state"], mention["queue"]) == ("open", "priority")
    assert mention["escalation_note"] == "double charge"
    assert mention["escalation_answer"] == "refund issued"


def test_one_event_for_many_mentions_and_listeners_hear_every_change(store: Store, clock: Clock) -> None:
    for n in (1, 2, 3):
        store.add_mention(stored(n, thread=1, at=T0 - timedelta(minutes=10 - n)))
    life = make(store, clock)
    heard: list[Change] = []
    life.listeners.append(heard.append)
    change = life.apply("done", ["x:1", "x:2", "x:3", "x:2"])
    assert change.uids == ("x:1", "x:2", "x:3")
    assert len(life.history("x:1")) == 1
    life.undo(change.event_id)
    assert [c.action for c in heard] == ["done", "undo"]
    assert all((store.mention(f"x:{n}") or {})["state"] == "open" for n in (1, 2, 3))


# -- persistence ---------------------------------------------------------------------------------
def test_history_state_and_timers_survive_a_restart(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "db.json"
    store = Store(path)
    store.add_mention(stored(1))
    store.add_mention(stored(2, author="@bob"))
    life = make(store, clock)
    escalated = life.escalate(["x:1"], "billing", "double charge")
    life.snooze(["x:2"], "2h")
    store.close()

    clock.advance(hours=1)
    store = Store(path)
    life = make(store, clock)
    mention = store.mention("x:1") or {}
    assert (mention["state"], mention["escalation_note"]) == ("escalated", "double charge")
    history = life.history("x:1")
    assert [(e["action"], e["who"], e["why"], e["id"]) for e in history] == [
        ("escalate", "me", "double charge", escalated.event_id)]
    assert life.describe(history[0], now=clock()) == "10:42 me escalated to billing: 'double charge'"
    assert life.wake_due() == []
    clock.advance(hours=1)
    [woken] = life.wake_due()
    assert woken.uids == ("x:2",)
    life.undo(escalated.event_id)  # undo still works after the restart
    assert (store.mention("x:1") or {})["state"] == "open"
    store.close()

    store = Store(path)
    assert (store.mention("x:1") or {})["state"] == "open"
    assert (store.mention("x:2") or {})["state"] == "open"
    assert [e["action"] for e in store.events_for("x:1")] == ["escalate", "undo"]
    store.close()


# -- snooze --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("30m", T0 + timedelta(minutes=30)),
    ("2h", T0 + timedelta(hours=2)),
    ("2 h", T0 + timedelta(hours=2)),
    ("in 45 min", T0 + timedelta(minutes=45)),
    ("tomorrow 9am", datetime(2024, 5, 4, 9, 0, tzinfo=UTC)),
    ("Tomorrow  9AM", datetime(2024, 5, 4, 9, 0, tzinfo=UTC)),
    ("next monday", datetime(2024, 5, 6, 9, 0, tzinfo=UTC)),
    ("in 3 days", T0 + timedelta(days=3)),
    ("5pm", datetime(2024, 5, 3, 17, 0, tzinfo=UTC)),
])
def test_parse_when(text: str, expected: datetime) -> None:
    assert parse_when(text, T0) == expected


def test_parse_when_keeps_the_agents_zone() -> None:
    plus2 = timezone(timedelta(hours=2))
    now = T0.astimezone(plus2)  # 12:42 at +02:00
    assert parse_when("tomorrow 9am", now) == datetime(2024, 5, 4, 9, 0, tzinfo=plus2)
    assert parse_when("2h", now) == T0 + timedelta(hours=2)
    assert parse_when("5pm", now) == datetime(2024, 5, 3, 17, 0, tzinfo=plus2)


@pytest.mark.parametrize(("text", "message"), [
    ("blah", "could not read a time from 'blah'"),
    ("", "no time given"),
    ("yesterday", "has already passed"),
])
def test_nonsense_is_a_clear_error(text: str, message: str) -> None:
    assert parse_when(text, T0) is None
    with pytest.raises(WhenError, match=message):
        read_when(text, T0)


def test_snooze_wakes_by_itself(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, triage_queue="priority"))
    store.add_mention(stored(2, author="@bob", thread=2))
    life = make(store, clock)
    life.snooze(["x:1"], "30m")
    life.snooze(["x:2"], "tomorrow 9am")
    assert (store.mention("x:1") or {})["queue"] == "snoozed"
    with pytest.raises(WhenError):
        life.snooze(["x:1"], "whenever")
    clock.advance(minutes=29)
    assert life.wake_due() == []
    clock.advance(minutes=1)
    [change] = life.wake_due()
    assert change.uids == ("x:1",)
    mention = store.mention("x:1") or {}
    assert (mention["state"], mention["queue"]) == ("open", "priority")
    event = store.event(change.event_id) or {}
    assert (event["who"], event["why"]) == ("auto", "snooze ended")
    assert life.wake_due() == []  # once only
    assert [c.uids for c in life.tick(datetime(2024, 5, 4, 9, 0, tzinfo=UTC))] == [("x:2",)]


def test_undoing_a_wake_puts_the_snooze_back(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1))
    life = make(store, clock)
    life.snooze(["x:1"], "2h")
    clock.advance(hours=3)
    [change] = life.wake_due()
    life.undo(change.event_id)
    assert (store.mention("x:1") or {})["state"] == "snoozed"
    assert [c.uids for c in life.wake_due()] == [("x:1",)]  # still due: the timer is back


# -- walk away -----------------------------------------------------------------------------------
def test_walk_away_uses_the_configured_window_and_closes_quietly(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, author="@troll"))
    life = make(store, clock, walk_away_days=3)
    life.walk_away(["x:1"], "troll", "baiting")
    mention = store.mention("x:1") or {}
    assert (mention["state"], mention["queue"]) == ("walked-away", "walked-away")
    assert mention["walk_reason"] == "troll"
    assert mention["watch_until"] == (T0 + timedelta(days=3)).isoformat()
    assert life.watched() == {"x:1": {"@troll"}}
    clock.advance(days=3, seconds=-1)
    assert life.expire_watches() == []
    clock.advance(seconds=1)
    [change] = life.tick()
    assert change.action == "expire-watch"
    mention = store.mention("x:1") or {}
    assert (mention["state"], mention["queue"]) == ("closed", "done")
    assert mention.get("banner") is None
    assert life.watched() == {}
    life.undo(change.event_id)
    assert (store.mention("x:1") or {})["state"] == "walked-away"
    assert life.watched() == {"x:1": {"@troll"}}


def test_walk_away_default_window_and_reasons(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1))
    life = make(store, clock)
    with pytest.raises(TransitionError, match="unknown walk-away reason 'bored'"):
        life.walk_away(["x:1"], "bored")
    life.walk_away(["x:1"], "no-resolution-possible")
    assert (store.mention("x:1") or {})["watch_until"] == (T0 + timedelta(days=7)).isoformat()


def _arrive(store: Store, life: Lifecycle, mention: dict[str, Any]) -> None:
    store.add_mention(mention)
    life.on_arrival(mention)


def test_the_author_writing_again_brings_the_thread_back(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, author="@ann"))
    life = make(store, clock)
    life.walk_away(["x:1"], "abusive", "slurs")
    clock.advance(hours=5)
    _arrive(store, life, stored(2, author="@ann", thread=1, at=clock(), text="hello??"))
    for uid in ("x:1", "x:2"):
        mention = store.mention(uid) or {}
        assert (mention["state"], mention["queue"]) == ("open", "priority")
        assert mention["banner"] == "@ann wrote again"
    [event] = [e for e in life.history("x:1") if e["action"] == "resurface"]
    assert (event["who"], event["why"]) == ("auto", "@ann wrote again")
    assert life.watched() == {}
    life.undo(event["id"])
    assert (store.mention("x:1") or {})["state"] == "walked-away"
    assert (store.mention("x:2") or {})["queue"] == "needs-reply"


def test_a_burst_of_public_attention_brings_it_back(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, author="@ann"))
    life = make(store, clock, ours=["@acme"])
    life.walk_away(["x:1"], "troll")
    base = clock.advance(hours=1)
    # Our own replies and replies spread over more than the window do not count...
    _arrive(store, life, stored(10, author="@acme", thread=1, at=base))
    for i in range(4):
        _arrive(store, life, stored(20 + i, author=f"@p{i}", thread=1, at=base + timedelta(minutes=50 * i)))
    assert (store.mention("x:1") or {})["state"] == "walked-away"
    # ...five from others within 60 minutes do.
    late = base + timedelta(minutes=150)
    for i in range(4):
        _arrive(store, life, stored(30 + i, author=f"@q{i}", thread=1, at=late + timedelta(minutes=10 * i)))
    mention = store.mention("x:1") or {}
    assert (mention["state"], mention["queue"]) == ("open", "priority")
    assert mention["banner"] == "5 replies or reposts from others within 60 minutes"


def test_reposts_counted_by_the_pipeline_fold_count_as_attention(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, author="@ann"))
    life = make(store, clock)
    life.walk_away(["x:1"], "troll")
    clock.advance(minutes=10)
    store.update_mention("x:1", {"folded": 4})
    assert life.tick() == []
    clock.advance(minutes=10)
    store.update_mention("x:1", {"folded": 5})
    [change] = life.tick()
    assert change.action == "resurface"
    assert (store.mention("x:1") or {})["queue"] == "priority"


def test_resurfacing_through_the_pipeline(store: Store, clock: Clock) -> None:
    @dataclass
    class Result:
        queue: str = "needs-reply"

        def as_dict(self) -> dict[str, Any]:
            return {"label": "negative", "sentiment": -0.4, "kind": "complaint", "priority": 50,
                    "topics": ["billing"], "queue": self.queue}

    class StubTriager:
        def triage(self, text: str, **_: Any) -> Result:
            return Result()

    pipeline = Pipeline(store, StubTriager(), clock=clock)  # type: ignore[arg-type]
    life = make(store, clock)
    pipeline.arrival_hooks.append(life.on_arrival)
    raw = {"id": "1", "source": "x", "author": "@ann", "text": "you lot are idiots",
           "created_at": T0.isoformat()}
    assert pipeline.ingest(raw).status == "new"
    life.walk_away(["x:1"], "abusive")
    clock.advance(days=1)
    reply = {**raw, "id": "2", "in_reply_to": "1", "text": "still waiting", "created_at": clock().isoformat()}
    assert pipeline.ingest(reply).status == "new"
    assert (store.mention("x:1") or {})["queue"] == "priority"
    assert (store.mention("x:2") or {})["banner"] == "@ann wrote again"


# -- answers posted outside Turnaround ------------------------------------------------------------
def _pipeline(store: Store, clock: Clock) -> tuple[Pipeline, Lifecycle]:
    """The pipeline with a stub triager and the lifecycle's arrival hook, our account @acme."""

    @dataclass
    class Result:
        def as_dict(self) -> dict[str, Any]:
            return {"label": "negative", "sentiment": -0.4, "kind": "complaint", "priority": 50,
                    "topics": [], "queue": "priority"}

    class StubTriager:
        def triage(self, text: str, **_: Any) -> Result:
            return Result()

    pipeline = Pipeline(store, StubTriager(), clock=clock, ours=["@acme"])  # type: ignore[arg-type]
    life = make(store, clock, ours=["@acme"])
    pipeline.arrival_hooks.append(life.on_arrival)
    return pipeline, life


def _raw(n: int, author: str, at: datetime, **fields: Any) -> dict[str, Any]:
    return {"id": str(n), "source": "x", "author": author, "text": f"post {n}", "created_at": at.isoformat(),
            **fields}


def test_our_answer_from_the_platforms_app_stops_the_clock(store: Store, clock: Clock) -> None:
    """A colleague answered in the platform's own app: the customer's mentions up to that answer
    count as replied then (first response, `waiting`), once, as an undoable event by our account."""
    pipeline, life = _pipeline(store, clock)
    for raw in (_raw(1, "@ann", T0), _raw(2, "@ann", T0 + timedelta(minutes=1), in_reply_to="1"),
                _raw(3, "@bob", T0 + timedelta(minutes=2), in_reply_to="1"),
                _raw(4, "@acme", T0 + timedelta(minutes=9), in_reply_to="2"),
                _raw(5, "@ann", T0 + timedelta(minutes=12), in_reply_to="4")):
        pipeline.ingest(raw)
    answered = {uid: store.mention(uid) or {} for uid in ("x:1", "x:2", "x:3", "x:5")}
    assert [answered[uid]["state"] for uid in answered] == ["replied", "replied", "open", "open"]
    assert answered["x:1"]["first_response_at"] == (T0 + timedelta(minutes=9)).isoformat()
    assert answered["x:1"]["queue"] == "waiting"
    # answered is read: a store of real threads opened on "waiting 71•71", nothing to do in any
    assert [answered[uid].get("read") for uid in answered] == [True, True, False, False]
    [event] = [e for e in store.all_events() if e["action"] == "reply"]
    assert (event["who"], event["why"], event["details"]["elsewhere"]) == (
        "@acme", "answered outside Turnaround", "x:4")
    assert event["at"] == (T0 + timedelta(minutes=9)).isoformat()  # when it was answered, not found
    pipeline.ingest(_raw(6, "@acme", T0 + timedelta(minutes=20), in_reply_to="2"))  # a second answer
    assert len([e for e in store.all_events() if e["action"] == "reply"]) == 1
    life.undo(event["id"])
    assert (store.mention("x:1") or {})["state"] == "open"
    assert not (store.mention("x:1") or {}).get("read")


def test_an_answer_leaves_a_decided_mention_alone(store: Store, clock: Clock) -> None:
    pipeline, life = _pipeline(store, clock)
    pipeline.ingest(_raw(1, "@ann", T0))
    life.apply("done", ["x:1"])
    pipeline.ingest(_raw(2, "@acme", T0 + timedelta(minutes=5), in_reply_to="1"))
    assert (store.mention("x:1") or {})["state"] == "done"
    assert not [e for e in store.all_events() if e["action"] == "reply"]


def test_an_answer_stored_before_its_question_still_counts(store: Store, clock: Clock) -> None:
    """A file collected out of order: our answer first, then what it answered."""
    pipeline, _ = _pipeline(store, clock)
    pipeline.ingest(_raw(2, "@acme", T0 + timedelta(minutes=5), in_reply_to="1"))
    pipeline.ingest(_raw(1, "@ann", T0))
    mention = store.mention("x:1") or {}
    answered_at = (T0 + timedelta(minutes=5)).isoformat()
    assert (mention["state"], mention["first_response_at"]) == ("replied", answered_at)


def test_watches_are_rebuilt_after_a_restart(tmp_path: Path, clock: Clock) -> None:
    store = Store(tmp_path / "db.json")
    store.add_mention(stored(1, author="@ann"))
    make(store, clock).walk_away(["x:1"], "repeating")
    store.close()
    store = Store(tmp_path / "db.json")
    life = make(store, clock)
    assert life.watched() == {"x:1": {"@ann"}}
    _arrive(store, life, stored(2, author="@ann", thread=1, at=clock()))
    assert (store.mention("x:1") or {})["state"] == "open"
    store.close()


# -- suggesting a walk away ----------------------------------------------------------------------
def test_no_signs_on_a_fresh_thread(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1))
    life = make(store, clock)
    assert life.walk_away_signs("x:1") == []
    assert life.lose_lose("x:1") == []


def test_three_replies_without_improvement(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, sentiment=-0.5))
    store.add_mention(stored(2, thread=1, sentiment=-0.6, at=T0))
    life = make(store, clock)
    for _ in range(2):
        life.reply(["x:1"], "We are on it")
    assert life.walk_away_signs("x:1") == []
    life.reply(["x:1"], "Still on it")
    [sign] = life.lose_lose("x:1")
    assert (sign.id, sign.reason) == ("replies-without-improvement", "no-resolution-possible")
    assert sign.text == "3 replies from us and their tone has not improved (-0.50 → -0.60)"
    assert (store.mention("x:1") or {})["state"] == "replied"  # a suggestion, never an action


def test_replies_with_improvement_are_no_sign(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, sentiment=-0.5))
    store.add_mention(stored(2, thread=1, sentiment=0.2, at=T0))
    for n in (3, 4, 5):  # our replies collected from the platform count too
        store.add_mention(stored(n, thread=1, author="@Acme", at=T0 - timedelta(minutes=20 - n)))
    life = make(store, clock, ours=["acme"])
    assert life.walk_away_signs("x:1") == []
    store.update_mention("x:2", {"sentiment": -0.45})  # within the margin: not an improvement
    assert [s.id for s in life.lose_lose("x:1")] == ["replies-without-improvement"]


@pytest.mark.parametrize(("text", "abusive"), [
    ("You are all idiots", True),
    ("F*ck you and your refunds", True),
    ("fuck you", True),
    ("go to   hell", True),
    ("this update is shit", False),
    ("Idiotic pricing", False),
    ("The folk singer was great", False),
])
def test_abusive_language(store: Store, clock: Clock, text: str, abusive: bool) -> None:
    store.add_mention(stored(1, text=text))
    signs = make(store, clock).lose_lose("x:1")
    assert [s.id for s in signs] == (["abusive-language"] if abusive else [])
    if abusive:
        assert signs[0].reason == "abusive"


def test_only_the_customer_language_counts(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, text="My card was declined"))
    store.add_mention(stored(2, thread=1, author="@bystander", text="what idiots", at=T0))
    assert make(store, clock).walk_away_signs("x:1") == []


def test_same_complaint_after_a_resolution(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, text="My parcel never arrived and tracking shows nothing"))
    life = make(store, clock)
    life.reply(["x:1"], "Refund sent")
    life.apply("resolve", ["x:1"])
    clock.advance(hours=2)
    again = "Hello? My parcel never arrived, tracking nothing"
    store.add_mention(stored(2, thread=1, at=clock(), text=again))
    [sign] = life.lose_lose("x:1")
    assert (sign.id, sign.reason, sign.text) == (
        "repeated-after-resolution", "repeating", "the same complaint again after a resolution was offered")


def test_a_different_message_after_resolution_is_no_sign(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1, text="My parcel never arrived and tracking shows nothing"))
    life = make(store, clock)
    life.apply("resolve", ["x:1"])
    clock.advance(hours=2)
    store.add_mention(stored(2, thread=1, at=clock(), text="Got it today, thanks a lot"))
    assert life.walk_away_signs("x:1") == []


# -- the history's words and routing -------------------------------------------------------------
def test_describe(store: Store, clock: Clock) -> None:
    store.add_mention(stored(1))
    life = make(store, clock, agent="sam")
    life.escalate(["x:1"], "billing", "double charge")
    clock.advance(days=1)
    life.apply("answer-escalation", ["x:1"], note="")
    change = life.walk_away(["x:1"], "troll", "\x1b[31mbait\x1b[0m  again\nand again")
    life.undo(change.event_id)
    lines = [life.describe(e) for e in life.history("x:1")]
    assert lines == [
        "03 May 10:42 sam escalated to billing: 'double charge'",
        "10:42 sam marked the escalation answered",
        "10:42 sam walked away (troll), watching until Sat 11 May 10:42: 'bait again and again' (undone)",
        "10:42 sam undid 'walk-away'",
    ]
    assert life.describe({"action": "mystery-step", "who": "x", "at": "nonsense"}) == "x mystery step"
    # an event from another year (a reply imported from 2017) says which year
    old = {"action": "reply", "who": "Uber_Support", "at": "2017-11-26T00:16:00+00:00"}
    assert life.describe(old).startswith("26 Nov 2017 00:16 Uber_Support replied")


def test_suggest_team() -> None:
    routing = {"billing": ["refund", "charge", "invoice"], "tech": ["app", "login", "crash"],
               "legal": ["lawyer"]}
    assert suggest_team({"text": "Double CHARGE and no refund"}, routing) == "billing"
    assert suggest_team({"text": "the app crashed at login", "topics": ["crash"]}, routing) == "tech"
    assert suggest_team({"text": "I will call my lawyer about this charge"}, routing) == "billing"
    assert suggest_team({"text": "chargeback apps"}, routing) is None  # whole words only
    assert suggest_team({"text": "hello"}, {}) is None


def test_user_rules_merge_over_the_packaged_ones(tmp_path: Path, store: Store, clock: Clock) -> None:
    user = tmp_path / "lifecycle.toml"
    user.write_text('[walk_away]\nreasons = ["spam"]\n[walk_away.signs]\nabusive_words = ["numpty"]\n'
                    '[walk_away.resurface]\nburst_count = 2\n')
    rules = load_rules(user)
    assert rules.reasons[-1] == "spam" and "troll" in rules.reasons
    assert rules.burst_count == 2
    store.add_mention(stored(1, text="what a numpty"))
    assert make(store, clock, rules=rules).walk_away_signs("x:1") == ["abusive language"]
    user.write_text("[promises]\nend_of_day = 'late'\n")
    with pytest.raises(RulesError, match=r"lifecycle\.toml:2: \[promises\] end_of_day"):
        load_rules(user)
    user.write_text("[[promises.pattern]]\nregex = '('\nwhen = 'x'\n")
    with pytest.raises(RulesError, match=r"\[promises.pattern\[\d+\]\] regex"):
        load_rules(user)


def test_a_signature_pattern_is_data_and_checked(tmp_path: Path) -> None:
    """The report leaves out the names our agents sign with; a team with its own style says so in
    its lifecycle.toml, and a pattern that cannot give a name is refused with the file named."""
    assert load_rules().signature.search("Sorry about that! -Becky").group(1) == "Becky"
    user = tmp_path / "lifecycle.toml"
    user.write_text("[report]\nsignature = '\\s\\|\\s?(\\w+)$'\n")
    assert load_rules(user).signature.search("On it | Sam").group(1) == "Sam"
    user.write_text("[report]\nsignature = '-\\w+$'\n")
    with pytest.raises(RulesError, match=r"\[report\] signature: needs a group"):
        load_rules(user)
    user.write_text("[report]\nsignature = '('\n")
    with pytest.raises(RulesError, match=r"\[report\] signature"):
        load_rules(user)
