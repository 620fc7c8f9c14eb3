"""`turnaround report` on a known data set (tests/data/report_set.jsonl): every figure checked exactly.

The set, as of 2024-05-08 12:00 UTC, since 2024-05-06: 15 customers' mentions (plus one of ours,
@acme, and two older ones). Answered first-response minutes: priority 10, 5, 50, 20; needs-reply 30, 90,
120, 300; so the priority median is 15 and its p90 (nearest rank) 50.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui.cli import main as cli_main
from tui.cli.command import build_parser
from tui.cli.report import parse_since
from tui.cli.report import run as main
from tui.core.queues import queue_of
from tui.core.report import build_report, sparkline
from tui.core.report_text import render_text, rows
from tui.storage.store import Store

DATA = Path(__file__).parents[1] / "data" / "report_set.jsonl"
NOW = datetime(2024, 5, 8, 12, 0, tzinfo=UTC)
SINCE = datetime(2024, 5, 6, tzinfo=UTC)


def load(store: Store) -> None:
    for line in DATA.read_text("utf-8").splitlines():
        record: dict[str, Any] = orjson.loads(line)
        kind = record.pop("type")
        if kind == "mention":
            record.setdefault("queue", queue_of(record))
            store.add_mention(record)
        elif kind == "event":
            store.add_event(record)
        else:
            store.update_author(record.pop("handle"), **record)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db.json"
    store = Store(path)
    load(store)
    store.close()
    return path


@pytest.fixture
def report(db: Path) -> dict[str, Any]:
    store = Store(db, readonly=True)
    result = build_report(store, SINCE, NOW, None, ours=["@acme"])
    store.close()
    return result


def test_first_response_times(report: dict[str, Any]) -> None:
    first = report["first_response"]
    assert (report["mentions"], report["answered"]) == (15, 8)
    assert first["by_queue"] == {
        "needs-reply": {"count": 4, "median": 105.0, "p90": 300.0},
        "priority": {"count": 4, "median": 15.0, "p90": 50.0},
    }
    assert first["by_kind"] == {
        "complaint": {"count": 4, "median": 40.0, "p90": 90.0},
        "crisis": {"count": 2, "median": 12.5, "p90": 20.0},
        "question": {"count": 2, "median": 210.0, "p90": 300.0},
    }
    assert first["all"] == {"count": 8, "median": 40.0, "p90": 300.0}


def test_share_within_target(report: dict[str, Any]) -> None:
    within = report["within_target"]
    # Unanswered and past target counts as a miss (@gus's complaint, @eve's praise); @jon's complaint
    # is not due yet, @kim is muted, and closed-without-reply mentions are not owed an answer.
    assert within["by_kind"] == {
        "complaint": {"within": 3, "due": 5, "share": 0.6},
        "crisis": {"within": 1, "due": 2, "share": 0.5},
        "praise": {"within": 0, "due": 1, "share": 0.0},
        "question": {"within": 1, "due": 2, "share": 0.5},
    }
    assert within["by_queue"] == {
        "champions": {"within": 0, "due": 1, "share": 0.0},
        "needs-reply": {"within": 2, "due": 5, "share": 0.4},
        "priority": {"within": 3, "due": 4, "share": 0.75},
    }
    assert within["all"] == {"within": 5, "due": 10, "share": 0.5}


def test_targets_and_queue_targets_change_the_share(db: Path) -> None:
    store = Store(db, readonly=True)
    result = build_report(store, SINCE, NOW, {"complaint": 30}, queue_targets={"priority": 60},
                          ours=["@acme"])
    store.close()
    # complaint in needs-reply now: 30 in, 90 out, @gus out; priority: 10, 5, 50, 20 all within 60.
    assert result["within_target"]["by_kind"]["complaint"] == {"within": 3, "due": 5, "share": 0.6}
    assert result["within_target"]["by_queue"]["priority"] == {"within": 4, "due": 4, "share": 1.0}
    assert result["within_target"]["by_queue"]["needs-reply"]["within"] == 2


def test_follow_ups_turnaround_and_walk_aways(report: dict[str, Any]) -> None:
    assert report["follow_ups"] == {"owed": 2, "overdue": 1, "overdue_uids": ["x:10"]}
    # Negative threads: ann (turned around), bob, dan (turned around), fay, gus, ivy, jon, kim. Only
    # those we answered count: gus's, jon's and kim's have no first response, so 2 of 5.
    assert report["turnaround"] == {"negative_threads": 5, "turned_around": 2, "rate": 0.4,
                                    "unanswered_negative_threads": 3}
    # Walk-aways in the period: bob's thread (later resurfaced) and fay's; gus's was undone.
    assert report["walked_away"] == {"threads": 2, "resurfaced": 1, "watching": 1}


def test_sentiment_trend_topics_and_champions(report: dict[str, Any]) -> None:
    assert report["sentiment_trend"] == {
        "days": [{"day": "2024-05-06", "count": 7, "mean": -0.1429},
                 {"day": "2024-05-07", "count": 7, "mean": -0.1571},
                 {"day": "2024-05-08", "count": 1, "mean": -0.2}],
        "sparkline": "█▆▁",
    }
    assert report["busiest_topics"] == [
        {"topic": "billing", "count": 5, "negative": 4},
        {"topic": "app", "count": 3, "negative": 1},
        {"topic": "coffee", "count": 3, "negative": 0},
        {"topic": "delivery", "count": 3, "negative": 3},
        {"topic": "outage", "count": 2, "negative": 2},
    ]
    assert report["champions"] == [
        {"author": "@eve", "praise": 2, "first_seen": "2024-05-06T14:00:00+00:00",
         "last_seen": "2024-05-07T11:00:00+00:00", "thanked": True, "answered": False, "marked": True},
        {"author": "@dan", "praise": 1, "first_seen": "2024-05-07T16:00:00+00:00",
         "last_seen": "2024-05-07T16:00:00+00:00", "thanked": False, "answered": False,
         "marked": False},
        {"author": "@zed", "praise": 0, "first_seen": None, "last_seen": None, "thanked": False,
         "answered": False, "marked": True},
    ]


def test_all_time_report(db: Path) -> None:
    store = Store(db, readonly=True)
    result = build_report(store, None, NOW, None, ours=["@acme"])
    store.close()
    assert result["mentions"] == 17
    assert result["first_response"]["by_queue"]["needs-reply"] == {"count": 5, "median": 100.0, "p90": 300.0}
    assert result["walked_away"]["threads"] == 3
    assert result["champions"][0]["praise"] == 3
    days = result["sentiment_trend"]["days"]
    assert (days[0]["day"], days[-1]["day"], len(days)) == ("2024-04-29", "2024-05-08", 10)
    assert [d["mean"] for d in days[:3]] == [0.7, -0.5, None]
    assert result["sentiment_trend"]["sparkline"] == "█▁     ▃▃▃"  # five quiet days are gaps


def test_our_own_mentions_count_unless_we_say_who_we_are(db: Path) -> None:
    store = Store(db, readonly=True)
    result = build_report(store, SINCE, NOW, None)
    store.close()
    assert result["mentions"] == 16
    assert result["sentiment_trend"]["days"][0]["count"] == 8


def test_sparkline() -> None:
    assert sparkline([-1.0, 0.0, 1.0]) == "▁▅█"
    assert sparkline([0.2, 0.2]) == "▄▄"
    assert sparkline([None, 0.5, None]) == " ▄ "
    assert sparkline([]) == ""


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-06", SINCE),
    ("2024-05-06T08:30:00+02:00", datetime(2024, 5, 6, 6, 30, tzinfo=UTC)),
    ("2 days ago", datetime(2024, 5, 6, 12, 0, tzinfo=UTC)),
])
def test_parse_since(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


# -- the command ---------------------------------------------------------------------------------
def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    namespace = build_parser().parse_args(["report", *args])
    code = main(namespace, clock=lambda: NOW)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[brand]\nname = "Acme"\nwatch = ["@acme", "acme"]\n')
    return path


def test_json(db: Path, config: Path, report: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--db", str(db), "--config", str(config), "--since", "2024-05-06", "--json"]
    code, out, err = run(args, capsys)
    assert (code, err) == (0, "")
    assert orjson.loads(out) == report


def test_csv(db: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--db", str(db), "--config", str(config), "--since", "2024-05-06", "--csv"], capsys)
    assert code == 0
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["metric", "group", "value"]
    assert ["first_response_median_minutes", "queue:priority", "15.0"] in table
    assert ["first_response_p90_minutes", "kind:question", "300.0"] in table
    assert ["within_target_share", "queue:needs-reply", "0.4"] in table
    assert ["within_target_share", "all", "0.5"] in table
    assert ["follow_ups_overdue", "", "1"] in table
    assert ["turnaround_rate", "", "0.4"] in table
    assert ["negative_threads_unanswered", "", "3"] in table
    assert ["walked_away_threads", "", "2"] in table
    assert ["sentiment_mean", "2024-05-08", "-0.2"] in table
    assert ["topic_mentions", "billing", "5"] in table
    assert ["champion_praise", "@eve", "2"] in table
    assert len(table) == 1 + len(rows(orjson.loads(run(
        ["--db", str(db), "--config", str(config), "--since", "2024-05-06", "--json"], capsys)[1])))


def test_text(db: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--db", str(db), "--config", str(config), "--since", "2024-05-06"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Turnaround report · 15 mentions since 2024-05-06 · 8 answered"
    assert "  queue priority                     4      15m      50m" in lines
    assert "  kind complaint                     4      40m   1h 30m" in lines, "durations, not sums"
    assert "  queue needs-reply                  5      40%" in lines
    assert "Follow-ups: 2 owed, 1 overdue" in lines
    assert "Turnaround: 2 of 5 answered negative threads turned around (40%)" in lines
    assert "  not counted: 3 negative threads nobody answered" in lines
    assert "Walked away: 2 threads (1 resurfaced, 1 still watched)" in lines
    assert "Sentiment 2024-05-06 → 2024-05-08: █▆▁  (daily mean -0.20 to -0.14)" in lines
    assert "  @eve                       2 praise  thanked" in lines
    assert "  @dan                       1 praise  not thanked yet" in lines


def test_praise_answered_with_a_reply_reads_answered() -> None:
    """A reply to praise (here or outside Turnaround) is not the saved thanks, but nobody waits for one."""
    from tui.core.report_text import thanks_state
    assert thanks_state({"thanked": True, "answered": True}) == "thanked"
    assert thanks_state({"thanked": False, "answered": True}) == "answered"
    assert thanks_state({"thanked": False, "answered": False}) == "not thanked yet"


def test_a_long_history_bins_its_days_and_fits_80_columns() -> None:
    """An imported archive spans months: its marks stand for several days, on a line of their own."""
    from wcwidth import wcswidth

    from tui.core.report import binned_sparkline
    from tui.core.report_text import _trend

    days = [{"day": f"d{i}", "count": 1 if i % 3 else 0, "mean": (i % 10) / 10 if i % 3 else None}
            for i in range(300)]
    marks, per_mark = binned_sparkline(days, 72)
    assert per_mark == 5 and len(marks) == 60
    lines = _trend("Sentiment", days, "daily mean -0.99 to +0.91")
    assert lines[0] == "Sentiment d0 → d299: daily mean -0.99 to +0.91; 5 days a mark"
    assert lines[1] == f"  {marks}"
    assert all(wcswidth(line) <= 80 for line in lines)
    week = [{"day": f"2026-12-0{i}", "count": 1, "mean": 0.5} for i in range(1, 7)]
    reviews = _trend("Reviews: 7, mean 3.4★", week, "1-2★: 1 of 2 answered, median 38h 28m to reply")
    assert reviews[:2] == ["Reviews: 7, mean 3.4★ 2026-12-01 → 2026-12-06:",
                           "  1-2★: 1 of 2 answered, median 38h 28m to reply"], "the screen cut it at 80"
    assert all(wcswidth(line) <= 80 for line in reviews)
    heavy = [{"day": "a", "count": 3, "mean": -1.0}, {"day": "b", "count": 1, "mean": 1.0}]
    assert binned_sparkline(heavy + heavy, 2) == (sparkline([-0.5, -0.5]), 2)  # weighted by count


def test_report_reads_a_store_another_process_holds(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    owner = Store(db)  # the app has it open (and locked)
    try:
        code, out, _ = run(["--db", str(db), "--json"], capsys)
    finally:
        owner.close()
    assert code == 0
    assert orjson.loads(out)["mentions"] == 18  # all time, no config: @acme counts too


@pytest.mark.parametrize(("since", "message"), [
    ("someday", "turnaround: --since 'someday': not a date (try 2024-05-01 or '7 days ago')\n"),
    ("2024-13-45", "turnaround: --since '2024-13-45': not a date (try 2024-05-01 or '7 days ago')\n"),
    ("2030-01-01", "turnaround: --since '2030-01-01': that is in the future\n"),
])
def test_a_bad_since_is_one_clear_line(db: Path, capsys: pytest.CaptureFixture[str], since: str,
                                       message: str) -> None:
    code, out, err = run(["--db", str(db), "--since", since], capsys)
    assert (code, out, err) == (2, "", message)


def test_through_the_cli(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["report", "--db", str(db), "--since", "nonsense"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert cli_main(["report", "--db", str(tmp_path / "none.json")]) == 2
    assert "no store here yet" in capsys.readouterr().err
    assert cli_main(["report", "--db", str(db), "--json"]) == 0
    assert orjson.loads(capsys.readouterr().out)["mentions"] == 18


def _store_with(tmp_path: Path, mentions: list[dict[str, Any]]) -> Store:
    store = Store(tmp_path / "t.json")
    for number, mention in enumerate(mentions):
        store.add_mention({"uid": f"t:{number}", "id": str(number), "source": "t", "queue": "needs-reply",
                           "created_at": "2024-05-07T10:00:00+00:00", **mention})
    return store


def test_a_thread_nobody_answered_is_not_turned_around_by_us(tmp_path: Path) -> None:
    store = _store_with(tmp_path, [
        {"author": "@sam", "thread_uid": "t:0", "text": "awful", "label": "negative", "sentiment": -0.6},
        {"author": "@sam", "thread_uid": "t:0", "text": "fixed itself, great", "label": "positive",
         "sentiment": 0.6, "created_at": "2024-05-07T11:00:00+00:00"},
    ])
    result = build_report(store, None, NOW)
    store.close()
    assert result["answered"] == 0
    assert result["turnaround"] == {"negative_threads": 0, "turned_around": 0, "rate": None,
                                    "unanswered_negative_threads": 1}


def test_busiest_topics_leave_out_brand_words_handles_and_junk(tmp_path: Path) -> None:
    topics = [["brightside", "app"], ["brightsidecoffee", "app", "dmed"], ["coffee", "app", "we'll"],
              ["orb2-11873", "refund", "ps4"], ["social", "refund", "backspace"]]
    store = _store_with(tmp_path, [{"author": f"@c{n}", "text": "x", "topics": t}
                                   for n, t in enumerate(topics)])
    result = build_report(store, None, NOW, brand="Brightside Coffee",
                          ours=["@BrightsideCoffee", "@brightside@brightside.social"])
    store.close()
    assert [(t["topic"], t["count"]) for t in result["busiest_topics"]] == [
        ("app", 3), ("refund", 2), ("backspace", 1), ("ps4", 1)]


def test_a_plural_topic_counts_under_its_singular(tmp_path: Path) -> None:
    """Real tweets about one bakery said "pie" and "pies": one topic, each mention counted once."""
    topics = [["pies"], ["pie", "pies"], ["pie"], ["news"], ["glasses", "glass"]]
    store = _store_with(tmp_path, [{"author": f"@c{n}", "text": "x", "topics": t, "label": "negative"}
                                   for n, t in enumerate(topics)])
    result = build_report(store, None, NOW)
    store.close()
    assert [(t["topic"], t["count"], t["negative"]) for t in result["busiest_topics"]] == [
        ("pie", 3, 3), ("glass", 1, 1), ("glasses", 1, 1), ("news", 1, 1)]


LONG = "@someone.with.a.very.long.handle@an-instance-with-a-long-name.example"


def test_columns_stay_aligned_with_long_and_wide_handles(tmp_path: Path) -> None:
    authors = ["@eve", "@oldmanjenkins@mastodon.social", LONG, "@珈琲好き@example.jp"]
    store = _store_with(tmp_path, [{"author": a, "text": "love it", "kind": "praise", "label": "positive",
                                    "sentiment": 0.8} for a in authors])
    report = build_report(store, None, NOW)
    store.close()
    from wcwidth import wcswidth

    lines = render_text(report).splitlines()
    champions = lines[lines.index("Champions") + 1:]
    assert len(champions) == 4
    columns = {wcswidth(line[: line.index(" praise")]) for line in champions}
    assert len(columns) == 1, champions  # the praise count ends in the same cell on every line
    assert any("…" in line for line in champions)  # the long one is cut, not wrapped
    assert max(wcswidth(line) for line in lines) <= 80


async def test_the_report_screen_keeps_columns_at_80_columns(tmp_path: Path) -> None:
    from textual.geometry import Region
    from textual.widgets import Static

    from tests.helpers import make_mention
    from tests.snapshot_app import make_snapshot_app, settle

    app = make_snapshot_app(tmp_path / "store.json")
    app.snapshot_source.queue.put_nowait(  # type: ignore[attr-defined]
        make_mention(9001, "Love the new roast, thank you!", author=LONG, minutes_ago=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        for _ in range(100):  # built in a thread
            await pilot.pause(0.05)
            if app.screen.report is not None:  # type: ignore[attr-defined]
                break
        await pilot.pause(0.1)
        body = app.screen.query_one("#report-body", Static)
        width, height = body.size
        lines = ["".join(segment.text for segment in strip).rstrip()
                 for strip in body.render_lines(Region(0, 0, width, height))]
        expected = render_text(app.screen.report).splitlines()  # type: ignore[attr-defined]
    champions = lines[lines.index("Champions") + 1:]
    champions = [line for line in champions if " praise" in line]
    assert len(champions) >= 3 and any("…" in line for line in champions), champions
    assert len({line.index(" praise") for line in champions}) == 1, champions
    assert "Busiest topics" in lines and not any(line.startswith("  brightside ") for line in lines)
    assert all(line.startswith("  ") for line in champions), "indented like the CLI's"
    assert [line for line in lines if line] == [line for line in expected if line], "no line wraps"


def test_the_report_screen_and_the_command_count_the_same_handles_as_ours(
        db: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14: the command took our handles from `watch`, the screen from `[brand] handles`: with a
    config that names them the old way, the screen counted our replies as customers'."""
    from tui.rules.config import load_config
    from tui.services.session import Session
    from tui.ui.screens.report import ReportScreen

    code, out, _ = run(["--db", str(db), "--config", str(config), "--json"], capsys)
    assert code == 0
    session = Session.open(load_config(config), db, clock=lambda: NOW)
    try:
        shown = ReportScreen(session).build(session.store.frozen(), NOW)
    finally:
        session.close()
    assert shown == orjson.loads(out)
    assert "@acme" not in {row["author"] for row in shown["champions"]}


def test_a_mention_set_aside_as_not_about_us_is_owed_no_answer(db: Path) -> None:
    store = Store(db)
    before = build_report(store, SINCE, NOW, None, ours=["@acme"])["within_target"]["all"]
    store.add_mention({"uid": "x:song", "id": "song", "source": "x", "author": "@karl",
                       "text": "Mr Brightside at karaoke again", "created_at": "2024-05-07T09:00:00+00:00",
                       "thread_uid": "x:song", "kind": "complaint", "label": "negative",
                       "triage_queue": "priority", "state": "open", "off_topic": "Mr Brightside",
                       "queue": "muted"})
    after = build_report(store, SINCE, NOW, None, ours=["@acme"])["within_target"]["all"]
    store.close()
    assert after == before, "a song post past its target is no missed answer"


def test_an_agents_signature_is_no_topic(tmp_path: Path) -> None:
    """Session 59, the Chipotle corpus: customers answer "-Becky" by name, and "becky" was among the
    busiest topics. A name that signs our replies is left out; the same word from nobody of ours stays."""
    store = _store_with(tmp_path, [
        {"author": "@acme", "text": "So glad you enjoyed it! -Becky", "topics": []},
        {"author": "@acme", "text": "Please DM us your order number. ^JL", "topics": []},
        {"author": "@c1", "text": "Thanks Becky!", "topics": ["becky", "burrito"]},
        {"author": "@c2", "text": "becky is the best", "topics": ["becky", "burrito"]},
        {"author": "@c3", "text": "jl and jen", "topics": ["jl", "jen"]},
    ])
    result = build_report(store, None, NOW, ours=["@acme"])
    store.close()
    assert [t["topic"] for t in result["busiest_topics"]] == ["burrito", "jen"]
