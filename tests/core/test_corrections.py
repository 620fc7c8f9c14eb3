"""Triage corrections: an undoable event that moves the mention, and lessons this store applies to
new mentions (same wording, near wording, phrases backed by the store), gone again with the undo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import NOW, fixed_clock, make_mention
from tui.core.champions import is_praise
from tui.core.corrections import (
    Correction,
    CorrectionsConfigError,
    agreement,
    describe_agreement,
    load_settings,
    normalise,
    rebanded,
)
from tui.core.report import build_report
from tui.core.report_text import render_text, rows
from tui.rules.config import Config
from tui.services.session import Session

# A hazard that triage misses (the issue's own example, "...so hot the side panel warped", is now
# caught by triage itself, and so, since session 14, is this one opening "PSA:"; as a tip it is not).
WARPED = "Tip: do not leave your Orbit on standby overnight. The side panel on mine bent out of shape"


@pytest.fixture
def session(tmp_path: Path) -> Any:
    s = Session.open(Config(), tmp_path / "s.json", clock=fixed_clock)
    yield s
    s.close()


_next = iter(range(1000, 100_000))


def arrive(session: Session, text: str, **extra: Any) -> dict[str, Any]:
    n = next(_next)
    outcome = session.pipeline.ingest(make_mention(n, text, author=f"@someone{n}@x.social", **extra))
    assert outcome.status == "new" and outcome.mention is not None
    return outcome.mention


def test_normalised_text_ignores_handles_urls_numbers_case_and_spacing() -> None:
    a = normalise("@Brand order #12345 STILL   not here!! https://t.co/xyz 😡")
    b = normalise("@brand@brand.social order 99 still not here. www.example.com/a 😡")
    assert a == b == "order still not here 😡"


def test_a_correction_moves_the_mention_at_once_and_undo_puts_it_back(session: Session) -> None:
    mention = arrive(session, WARPED)
    first = (mention["label"], mention["kind"], mention["queue"])
    assert first[1] != "crisis", "triage misses this hazard: the agent corrects it"
    change = session.correct([mention["uid"]], Correction(label="negative", kind="crisis"))
    assert change is not None
    stored = session.store.mention(mention["uid"])
    assert (stored["label"], stored["kind"], stored["triage_queue"], stored["queue"]) == (
        "negative", "crisis", "priority", "priority")
    assert stored["priority"] >= 75, "a corrected crisis sorts among the crises"
    assert stored["sentiment"] <= 0, "the score no longer contradicts the label"
    assert session.inbox.queue_of_uid(mention["uid"]) == "priority"
    event = session.store.event(change.event_id)
    assert event["who"] == session.config.agent and event["at"] == NOW.isoformat(timespec="seconds")
    assert event["before"][mention["uid"]]["kind"] == first[1]
    assert event["details"]["set"] == {"label": "negative", "kind": "crisis"}
    history = [session.lifecycle.describe(e, NOW) for e in session.store.events_for(mention["thread_uid"])]
    assert history[-1].endswith("corrected triage: label negative, kind crisis")

    session.inbox.undo()
    back = session.store.mention(mention["uid"])
    assert (back["label"], back["kind"], back["queue"], back["priority"], back["sentiment"]) == (
        *first, mention["priority"], mention["sentiment"])
    assert session.inbox.queue_of_uid(mention["uid"]) == first[2]


def test_a_queue_alone_can_be_corrected_and_nothing_changed_is_no_event(session: Session) -> None:
    mention = arrive(session, "I love my Orbit, best purchase this year")
    assert session.correct([mention["uid"]], Correction(label=mention["label"])) is None
    session.correct([mention["uid"]], Correction(queue="needs-reply"))
    stored = session.store.mention(mention["uid"])
    assert (stored["kind"], stored["queue"]) == ("praise", "needs-reply")


def test_the_same_wording_is_triaged_the_agents_way_next_time(session: Session) -> None:
    first = arrive(session, WARPED)
    session.correct([first["uid"]], Correction(label="negative", kind="crisis"))
    again = arrive(session, "@orbit tip do not leave your orbit on standby overnight!! the side panel on "
                            "mine bent out of shape https://pic.example/1")
    assert (again["label"], again["kind"], again["queue"]) == ("negative", "crisis", "priority")
    assert again["learned"]["how"] == "same wording"
    assert again["learned"]["was"]["kind"] != "crisis"
    near = arrive(session, "Tip: do not leave the Orbit on standby overnight. The side panel on mine bent "
                           "out of shape")
    assert (near["kind"], near["learned"]["how"]) == ("crisis", "nearly the same wording")


def test_an_unrelated_mention_is_not_affected(session: Session) -> None:
    first = arrive(session, WARPED)
    session.correct([first["uid"]], Correction(label="negative", kind="crisis"))
    fan = arrive(session, "I love my Orbit, best purchase this year")
    assert (fan["label"], fan["kind"], fan["queue"]) == ("positive", "praise", "champions")
    assert "learned" not in fan
    one_phrase = arrive(session, "the side panel warped on mine too, wow")
    assert one_phrase["kind"] == "praise", "one correction alone makes no phrase lesson"


def test_undo_removes_the_lesson(session: Session) -> None:
    first = arrive(session, WARPED)
    session.correct([first["uid"]], Correction(label="negative", kind="crisis"))
    session.inbox.undo()
    again = arrive(session, WARPED + " today")
    assert again["kind"] == first["kind"] != "crisis" and "learned" not in again


def test_the_lesson_survives_a_restart(tmp_path: Path) -> None:
    session = Session.open(Config(), tmp_path / "s.json", clock=fixed_clock)
    first = arrive(session, WARPED)
    session.correct([first["uid"]], Correction(kind="crisis"))
    session.close()
    session = Session.open(Config(), tmp_path / "s.json", clock=fixed_clock)
    try:
        assert arrive(session, WARPED)["kind"] == "crisis"
    finally:
        session.close()


def test_a_phrase_the_agents_corrected_four_times_nudges_new_mentions(session: Session) -> None:
    texts = ["my orbit side panel warped after a week on standby lol",
             "the side panel warped on mine too, wow",
             "woke up to a side panel warped, amazing quality",
             "lovely, another side panel warped. great job"]
    for text in texts[:3]:
        mention = arrive(session, text)
        session.correct([mention["uid"]], Correction(label="negative", kind="crisis"))
    assert session.pipeline.lessons.lesson_for("hot take: the side panel warped design is cool") is None
    fourth = arrive(session, texts[3])
    session.correct([fourth["uid"]], Correction(label="negative", kind="crisis"))
    nudged = arrive(session, "so my side panel warped overnight, fantastic")
    assert (nudged["kind"], nudged["queue"]) == ("crisis", "priority")
    assert nudged["learned"]["how"] == "phrases" and "side panel warped" in nudged["learned"]["evidence"]
    assert arrive(session, "I love my Orbit, best purchase this year")["kind"] == "praise"


def test_a_phrase_common_in_uncorrected_mentions_teaches_nothing(session: Session) -> None:
    """Four corrections share "orbit app", but most mentions with it were left as triaged."""
    for n in range(8):
        arrive(session, f"the orbit app is lovely, great update number {n}")
    for text in ("the orbit app froze and ate my order", "orbit app keeps crashing on login",
                 "since the update the orbit app logs me out", "orbit app says my card is invalid"):
        mention = arrive(session, text)
        session.correct([mention["uid"]], Correction(label="negative", kind="complaint"))
    assert not [r for r in session.pipeline.lessons.rules if r.phrase == "orbit app"]
    fan = arrive(session, "the orbit app is a joy to use, thank you")
    assert fan["kind"] == "praise"


def test_bulk_correction_is_one_event_and_one_undo(session: Session) -> None:
    a = arrive(session, "ok so the new update is here")
    b = arrive(session, "the update is out today")
    session.correct([a["uid"], b["uid"]], Correction(label="neutral", kind="other"))
    assert {session.store.mention(u)["queue"] for u in (a["uid"], b["uid"])} == {"needs-reply"}
    session.inbox.undo()
    assert session.store.mention(a["uid"])["queue"] == a["queue"]


def test_the_report_says_how_often_triage_stood(session: Session) -> None:
    mentions = [arrive(session, f"plain mention number {n} about coffee") for n in range(8)]
    warped = arrive(session, WARPED)
    fan = arrive(session, "I love my Orbit, best purchase this year")
    everyone = [m["uid"] for m in [*mentions, warped, fan]]
    figure = agreement(session.store, everyone)
    assert figure["handled"] == 0 and figure["agreed"] is None
    assert describe_agreement(figure) == "Triage corrections: none yet (no mention handled by an agent)"
    session.inbox.act("done", [mentions[1]["uid"], mentions[2]["uid"]])
    session.inbox.act("escalate", [mentions[3]["uid"]])
    session.inbox.act("done", [mentions[4]["uid"]])
    session.inbox.undo()  # undone: not handled
    session.correct([warped["uid"]], Correction(kind="crisis"))
    session.correct([fan["uid"]], Correction(label="neutral", queue="needs-reply"))
    session.correct([mentions[0]["uid"]], Correction(label="negative"))
    session.inbox.undo()  # the last one does not count
    figure = agreement(session.store, everyone)
    assert figure == {"mentions": 10, "handled": 5, "corrected": 2, "agreed": 0.6,
                      "fields": {"label": 1, "kind": 1, "queue": 1}, "learned": 0}
    assert describe_agreement(figure) == ("Triage corrections: 2 of 5 handled mentions corrected (60.0% "
                                          "agreed); label 1, kind 1, queue 1")
    report = build_report(session.store, None, NOW)
    assert report["corrections"]["corrected"] == 2
    text = render_text(report)
    assert "Triage corrections: 2 of 5 handled mentions corrected (60.0% agreed)\n  label 1, kind 1" in text
    assert max(len(line) for line in text.splitlines() if "corrections" in line) <= 80  # read at 80 columns
    assert ("triage_agreed_share", "", 0.6) in rows(report)
    assert ("triage_handled", "", 5) in rows(report)
    again = arrive(session, WARPED)
    figure = agreement(session.store, [*everyone, again["uid"]])
    assert figure["learned"] == 1
    assert describe_agreement(figure).endswith("; 1 triaged by this store's lessons")


def test_a_reply_made_outside_turnaround_is_not_an_agent_agreeing(session: Session) -> None:
    """A store of real threads said "0 of 76 handled mentions corrected (100.0% agreed)": every one
    was answered on the platform (collect records our account's post), where nobody saw triage."""
    mentions = [arrive(session, f"plain mention number {n} about coffee") for n in range(3)]
    session.inbox.act("reply", [mentions[0]["uid"]], why="answered outside Turnaround",
                      text="@x we're on it", elsewhere="demo:ours-1")
    session.inbox.act("reply", [mentions[1]["uid"]], text="@x we're on it")
    figure = agreement(session.store, [m["uid"] for m in mentions])
    assert figure["handled"] == 1 and figure["agreed"] == 1.0


def test_rebanded_keeps_the_place_within_the_band() -> None:
    bands = {"other": (0.0, 25.0), "crisis": (75.0, 100.0)}
    assert rebanded(0, "other", "crisis", bands) == 75
    assert rebanded(25, "other", "crisis", bands) == 100
    assert rebanded(40, "other", "unknown", bands) == 40


def test_a_bad_settings_file_names_the_key() -> None:
    with pytest.raises(CorrectionsConfigError, match="phrase_min_support"):
        load_settings("[phrases]\nphrase_min_support = 1\n", "corrections.toml")
    typo = r"corrections\.toml:2: \[same_wording\] near_similiarity: unknown key"
    with pytest.raises(CorrectionsConfigError, match=typo):
        load_settings("[same_wording]\nnear_similiarity = 0.9\n", "corrections.toml")
    with pytest.raises(ValueError, match="unknown kind"):
        Correction(kind="rant")


def test_the_index_of_corrections_agrees_with_a_full_pass(tmp_path: Path) -> None:
    """The store keeps the ids of its corrections so a start reads only the events added since; a
    missing or stale index (a store reset under it) falls back to one full pass."""
    from tui.core.corrections import INDEX, correction_ids

    session = Session.open(Config(), tmp_path / "s.json", clock=fixed_clock)
    first = arrive(session, WARPED)
    change = session.correct([first["uid"]], Correction(kind="crisis"))
    assert change is not None
    later = session.store.add_event({"action": "correct", "uids": [first["uid"]], "before": {},
                                     "details": {"set": {"label": "negative"}}, "thread_uid": ""})
    assert correction_ids(session.store) == [change.event_id, later], "events after the index are read"
    session.store.set_setting(INDEX, {"ids": [], "upto": 10_000})  # stale: points past the last event
    assert correction_ids(session.store) == [change.event_id, later]
    session.store.set_setting(INDEX, None)
    assert correction_ids(session.store) == [change.event_id, later]
    session.close()


def test_lessons_kept_up_to_date_match_lessons_read_afresh(session: Session) -> None:
    """Each correction and undo re-checks only the phrases it touched; the result is the same as
    reading every correction again."""
    from tui.core.corrections import Lessons

    texts = ["my orbit side panel warped after a week on standby lol",
             "the side panel warped on mine too, wow",
             "woke up to a side panel warped, amazing quality",
             "lovely, another side panel warped. great job",
             "side panel warped again, the orbit is toast"]
    for text in texts:
        mention = arrive(session, text)
        session.correct([mention["uid"]], Correction(label="negative", kind="crisis"))
    live = session.pipeline.lessons
    fresh = Lessons.from_store(session.store, session.pipeline.triager)
    assert sorted(map(repr, live.rules)) == sorted(map(repr, fresh.rules)) and live.rules
    for _ in range(2):
        session.inbox.undo()
    fresh = Lessons.from_store(session.store, session.pipeline.triager)
    assert sorted(map(repr, live.rules)) == sorted(map(repr, fresh.rules))
    assert live.corrections == fresh.corrections
    assert not live.rules, "three corrections are not enough for a phrase"


def test_a_label_corrected_alone_takes_the_kind_with_it_where_they_must_agree(session: Session) -> None:
    """Session 45: a "praise" the agent calls neutral stayed in `champions`, where `h` would thank it."""
    fan = arrive(session, "I love my Orbit, best purchase this year")
    assert (fan["kind"], fan["queue"]) == ("praise", "champions")
    session.correct([fan["uid"]], Correction(label="neutral"))
    stored = session.store.mention(fan["uid"])
    assert (stored["label"], stored["kind"], stored["queue"]) == ("neutral", "other", "needs-reply")
    assert not is_praise(stored)
    session.correct([fan["uid"]], Correction(label="negative"))
    assert session.store.mention(fan["uid"])["kind"] == "other", "only a contradiction moves the kind"
    moan = arrive(session, "my order is late again and nobody answers the phone")
    assert moan["kind"] == "complaint"
    session.correct([moan["uid"]], Correction(label="positive"))
    assert session.store.mention(moan["uid"])["kind"] == "praise"
    session.correct([moan["uid"]], Correction(label="neutral", kind="complaint"))
    assert session.store.mention(moan["uid"])["kind"] == "complaint", "a kind the agent chose stands"
    figure = agreement(session.store, [fan["uid"], moan["uid"]])
    assert figure["fields"] == {"label": 2, "kind": 1, "queue": 0}, "a kind that followed is not corrected"


def test_a_crisis_the_agent_calls_positive_leaves_priority(session: Session) -> None:
    """Session 57, imported airline tweets: "So just got info on security issue ... We've been
    cleared!" read as a crisis; corrected to positive it stayed "crisis + positive" in `priority`."""
    cleared = arrive(session, "So just got info on security issue. It's like @Brightside is listening. "
                              "We've been cleared! Hopefully all goes well from here on out.")
    assert (cleared["kind"], cleared["queue"]) == ("crisis", "priority")
    session.correct([cleared["uid"]], Correction(label="positive"))
    stored = session.store.mention(cleared["uid"])
    assert (stored["label"], stored["kind"], stored["queue"]) == ("positive", "praise", "champions")
    news = arrive(session, "Brightside Coffee investigates possible data breach affecting app users")
    assert news["kind"] == "crisis"
    session.correct([news["uid"]], Correction(label="neutral"))
    assert session.store.mention(news["uid"])["kind"] == "crisis", "a calm report of harm is still harm"
