"""The shared pipeline: dedupe, folding of repeats and boosts, threads, our own posts."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.helpers import QuietTriager, make_mention
from tui.services.pipeline import Pipeline
from tui.storage.store import Store


def pipeline(tmp_path: Path, ours: tuple[str, ...] = ()) -> Pipeline:
    return Pipeline(Store(tmp_path / "s.json"), QuietTriager(), ours=ours)  # type: ignore[arg-type]


def test_exact_repeats_are_kept_each_with_its_own_id(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    first = p.ingest(make_mention(1, "Where is my ORDER??", author="@a@x.social"))
    again = p.ingest(make_mention(2, "where is  my order??", author="@a@x.social", minutes_ago=5))
    third = p.ingest(make_mention(3, "Where is my order??", author="@a@x.social", minutes_ago=1))
    other = p.ingest(make_mention(4, "Where is my ORDER??", author="@b@x.social"))
    assert [o.status for o in (first, again, third, other)] == ["new"] * 4
    assert p.store.mention_count() == 4
    assert p.store.mention("mastodon:2")["repeat_of"] == "mastodon:1"
    assert p.store.mention("mastodon:3")["repeat_of"] == "mastodon:1", "a run folds under its first"
    assert "repeat_of" not in p.store.mention("mastodon:4"), "another author's words are not a repeat"
    assert "folded" not in p.store.mention("mastodon:1"), "no counter stands in for the record"


def test_a_repeat_outside_the_window_is_not_folded(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    p.ingest(make_mention(1, "Still broken", author="@a@x.social", minutes_ago=60 * 30))
    p.ingest(make_mention(2, "Still broken", author="@a@x.social", minutes_ago=1))
    assert "repeat_of" not in p.store.mention("mastodon:2")
    assert p.rules.repeat_window == timedelta(hours=24), "the window is data (lifecycle.toml)"


def test_collect_counts_repeats_as_new_and_export_has_every_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui import cli

    feed = tmp_path / "in.jsonl"
    rows = [make_mention(n, "Refund please", author="@a@x.social", minutes_ago=10 - n) for n in (1, 2, 3)]
    rows.append(make_mention(1, "Refund please", author="@a@x.social", minutes_ago=9))
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows))
    db = tmp_path / "s.json"
    assert cli.main(["collect", "--db", str(db), "--source", f"jsonl:{feed}", "--once"]) == 0
    assert capsys.readouterr().out.strip() == "3 new, 1 duplicate, 0 invalid"
    assert cli.main(["export", "--db", str(db)]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in exported] == ["1", "2", "3"]


def test_a_boost_of_a_stored_mention_folds_into_it(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    p.ingest(make_mention(1, "The app ate my points"))
    boost = p.ingest(make_mention(2, "The app ate my points", author="@fan@x.social", repost_of="1"))
    assert boost.status == "folded" and p.store.mention("mastodon:1")["folded"] == 1
    again = p.ingest(make_mention(2, "The app ate my points", author="@fan@x.social", repost_of="1"))
    assert again.status == "folded" and p.store.mention("mastodon:1")["folded"] == 1, \
        "the same boost delivered twice (a re-read spool, a replayed page) counts once"


def test_a_reply_joins_its_parents_thread(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    p.ingest(make_mention(1, "Cold coffee again"))
    p.ingest(make_mention(2, "Still cold", in_reply_to="1"))
    p.ingest(make_mention(3, "And now?", in_reply_to="2"))
    assert [m["uid"] for m in p.store.thread("mastodon:1")] == ["mastodon:1", "mastodon:2", "mastodon:3"]


def test_a_conversation_read_newest_first_is_one_thread(tmp_path: Path) -> None:
    """Each reply stored before the post it answers began a thread named after that post; when the
    post comes and answers another, they all join it (the AppleSupport corpus, imported in the
    order of its ids, came apart into one thread per message; session 60). Events move with them."""
    p = pipeline(tmp_path)
    moves: list[tuple[str, str, list[str]]] = []
    p.thread_hooks.append(lambda old, new, uids: moves.append((old, new, uids)))
    p.ingest(make_mention(4, "Here's a screenshot", in_reply_to="3", minutes_ago=1))
    p.store.add_event({"action": "tag", "uids": ["mastodon:4"], "thread_uid": "mastodon:3", "at": "x"})
    p.ingest(make_mention(3, "Which model is it?", in_reply_to="2", minutes_ago=2))
    p.ingest(make_mention(2, "Still broken", in_reply_to="1", minutes_ago=3))
    p.ingest(make_mention(1, "My screen flickers", minutes_ago=4))
    store = p.store
    assert [m["uid"] for m in store.thread("mastodon:1")] == [f"mastodon:{n}" for n in (1, 2, 3, 4)]
    assert {store.mention(f"mastodon:{n}")["thread_uid"] for n in (1, 2, 3, 4)} == {"mastodon:1"}
    assert store.thread("mastodon:3") == [] and store.events_for("mastodon:3") == []
    assert [e["action"] for e in store.events_for("mastodon:1")] == ["tag"]
    assert moves == [("mastodon:3", "mastodon:2", ["mastodon:4"]),
                     ("mastodon:2", "mastodon:1", ["mastodon:4", "mastodon:3"])]
    store.close()
    with Store(tmp_path / "s.json", readonly=True) as again:  # written through, not only indexed
        assert [m["uid"] for m in again.thread("mastodon:1")] == [f"mastodon:{n}" for n in (1, 2, 3, 4)]
        assert [e["action"] for e in again.events_for("mastodon:1")] == ["tag"]


def test_an_answer_to_our_posted_reply_joins_the_thread_we_answered(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    p.ingest(make_mention(1, "Cold coffee again", minutes_ago=9))
    item = p.store.outbox_add({"uid": "mastodon:1", "platform": "mastodon", "text": "So sorry!",
                               "status": "sending"})
    assert p.store.answered_by("mastodon", "900") is None
    p.store.outbox_update(item, {"status": "sent", "remote_id": "900"})
    answer = p.ingest(make_mention(2, "Thanks, still cold though", in_reply_to="900", minutes_ago=1))
    assert answer.mention is not None and answer.mention["thread_uid"] == "mastodon:1"
    other = p.ingest(make_mention(3, "Unrelated", in_reply_to="901", minutes_ago=1))
    assert other.mention is not None and other.mention["thread_uid"] == "mastodon:901"
    p.store.close()
    with Store(tmp_path / "s.json", readonly=True) as again:
        assert again.answered_by("mastodon", "900") == "mastodon:1", "read back from the outbox"


def test_our_own_posts_are_context_not_work(tmp_path: Path) -> None:
    p = pipeline(tmp_path, ours=("@Brand@brand.social",))
    p.ingest(make_mention(1, "Cold coffee again"))
    ours = p.ingest(make_mention(2, "So sorry! DM us?", author="@brand@brand.social", in_reply_to="1"))
    assert ours.mention is not None and ours.mention["state"] == "ours" and ours.mention["read"]
    assert ours.mention["queue"] == "ours"


@pytest.mark.parametrize("handle", ["British_Airways", "@british_airways", " @British_Airways "])
def test_our_handle_is_ours_with_or_without_its_at_sign(tmp_path: Path, handle: str) -> None:
    """A handle written "British_Airways" in the config named the brand for the lifecycle but not
    here, so the brand's own replies landed in `priority` as crises."""
    p = pipeline(tmp_path, ours=(handle,))
    ours = p.ingest(make_mention(1, "accept our apologies, we need to be fair to everyone",
                                 author="@British_Airways"))
    assert ours.mention is not None and ours.mention["queue"] == "ours"


def test_the_same_id_twice_is_a_duplicate(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    assert p.ingest(make_mention(1, "hi")).status == "new"
    assert p.ingest(make_mention(1, "hi")).status == "duplicate"


def test_a_future_dated_mention_is_kept_with_one_warning_per_source_and_aged_from_arrival(
        tmp_path: Path) -> None:
    from tests.helpers import NOW, fixed_clock
    from tui.core.inbox import Inbox
    from tui.core.lifecycle import Lifecycle
    from tui.core.rows import age
    from tui.core.triage import Triager
    from tui.ui.widgets.mention_detail import describe_mention

    store = Store(tmp_path / "s.json")
    p = Pipeline(store, Triager.load(), clock=fixed_clock)
    warnings: list[str] = []
    p.warning_hooks.append(warnings.append)
    text = "Charged twice for my order, I want my money back"
    future = {**make_mention(1, text), "created_at": "2030-01-01T10:00:00+00:00"}
    fresh = make_mention(2, text + "!", minutes_ago=0, author="@other@x.social")
    later = {**make_mention(3, "Hello?"), "created_at": "2031-05-05T10:00:00+00:00"}
    elsewhere = {**make_mention(4, "Hi", source="bluesky"), "created_at": "2030-01-01T10:00:00+00:00"}
    outcomes = [p.ingest(m) for m in (future, fresh, later, elsewhere)]
    assert [o.status for o in outcomes] == ["new"] * 4
    assert len(warnings) == 2, "one warning per source"
    assert "mastodon: mention 1 is dated 2030-01-01T10:00:00+00:00" in warnings[0]
    assert warnings[1].startswith("bluesky: mention 4")
    stored = store.mention("mastodon:1")
    assert stored["created_at"] == "2030-01-01T10:00:00+00:00", "the raw time is kept"
    assert stored["future_dated"] and not store.mention("mastodon:2").get("future_dated")
    assert stored["priority"] == store.mention("mastodon:2")["priority"], "priority as if just posted"
    assert age(stored, NOW) == "0s"
    shown = describe_mention(stored, NOW).plain
    assert "0s ago · dated 2030-01-01T10:00:00+00:00, ahead of our clock" in shown
    inbox = Inbox(store, Lifecycle(store, clock=fixed_clock), clock=fixed_clock)
    clock = inbox.response_clock(stored)
    assert clock is not None and clock.left == inbox.target_minutes(stored) * 60, \
        "the response clock runs from arrival"
    store.close()


def test_a_future_dated_mention_sorts_by_its_arrival(tmp_path: Path) -> None:
    from tests.helpers import ManualClock
    from tui.core.inbox import Inbox
    from tui.core.lifecycle import Lifecycle

    clock = ManualClock()
    store = Store(tmp_path / "s.json")
    p = Pipeline(store, QuietTriager(), clock=clock)  # type: ignore[arg-type]
    p.ingest({**make_mention(1, "first"), "created_at": "2030-01-01T10:00:00+00:00"})
    clock.advance(minutes=10)
    p.ingest(make_mention(2, "second", minutes_ago=-5))  # posted 5 minutes after the first arrived
    inbox = Inbox(store, Lifecycle(store, clock=clock), clock=clock)
    for sort in ("newest", "priority"):
        inbox.set_sort(sort)
        assert inbox.uids("needs-reply") == ["mastodon:2", "mastodon:1"], sort
    inbox.set_sort("time-left")
    assert inbox.uids("needs-reply") == ["mastodon:1", "mastodon:2"]
    store.close()


def test_a_repeat_neither_brings_back_a_walked_away_thread_nor_makes_a_spike(tmp_path: Path) -> None:
    from tests.helpers import ManualClock
    from tui.core.triage import Triager
    from tui.rules.config import Config
    from tui.services.session import Session

    clock = ManualClock()
    session = Session.open(Config(), tmp_path / "s.json", clock=clock, triager=Triager.load())
    try:
        ingest = session.pipeline.ingest
        troll = "@troll@x.social"
        rant = "Your coffee app is garbage and broken, worst app ever"
        ingest(make_mention(1, rant, author=troll, minutes_ago=30))
        session.lifecycle.walk_away(["mastodon:1"], "repeating")
        for n in range(2, 8):
            clock.advance(minutes=1)
            ingest(make_mention(n, rant, author=troll, minutes_ago=0, in_reply_to="1"))
        assert session.store.mention_count() == 7, "every repeat is kept"
        assert session.store.mention("mastodon:1")["state"] == "walked-away", "repeating is no news"
        assert session.spikes.spikes(clock()) == [], "one author saying it again is no spike"
        session.close()
        session = Session.open(Config(), tmp_path / "s.json", clock=clock, triager=Triager.load())
        assert session.spikes.spikes(clock()) == [], "nor when counted from the store at start"
        clock.advance(minutes=1)
        session.pipeline.ingest(make_mention(9, "Still broken, and now it charged me twice", author=troll,
                            minutes_ago=0, in_reply_to="1"))
        assert session.store.mention("mastodon:1")["state"] != "walked-away", "new words bring it back"
    finally:
        session.close()


def test_a_mention_not_about_us_is_kept_and_set_aside_and_filing_it_undoes(tmp_path: Path) -> None:
    from tui.core.corrections import Correction
    from tui.rules.config import Config
    from tui.services.session import Session

    config = Config(watch=["Brightside"], handles=["@BrightsideCoffee"], exclude=["Mr Brightside"])
    session = Session.open(config, tmp_path / "s.json")
    try:
        session.pipeline.ingest(make_mention(1, "Mr Brightside at karaoke, the bar staff hate us"))
        session.pipeline.ingest(make_mention(2, "@BrightsideCoffee stop playing Mr Brightside"))
        aside, ours = session.store.mention("mastodon:1"), session.store.mention("mastodon:2")
        assert aside["off_topic"] == "Mr Brightside" and aside["queue"] == "muted"
        assert "off_topic" not in ours and ours["queue"] != "muted"
        change = session.correct(["mastodon:1"], Correction(queue="needs-reply"))
        assert change is not None
        filed = session.store.mention("mastodon:1")
        assert filed["off_topic"] is None and filed["queue"] == "needs-reply"
        session.inbox.undo()
        assert session.store.mention("mastodon:1")["queue"] == "muted", "undo sets it aside again"
    finally:
        session.close()


def test_collect_says_how_many_it_set_aside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui import cli

    feed = tmp_path / "in.jsonl"
    feed.write_text(json.dumps(make_mention(1, "Mr Brightside, 3rd time tonight")) + "\n"
                    + json.dumps(make_mention(2, "Brightside app crashed")) + "\n")
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nwatch = ["Brightside"]\nexclude = ["Mr Brightside"]\n')
    assert cli.main(["collect", "--db", str(tmp_path / "s.json"), "--config", str(config),
                     "--source", f"jsonl:{feed}", "--once"]) == 0
    assert capsys.readouterr().out.strip() == (
        "2 new, 0 duplicate, 0 invalid (1 set aside as not about us: [brand] exclude)")


def test_the_demo_sets_aside_the_song_and_nothing_else(tmp_path: Path) -> None:
    from tui.rules.config import demo_config
    from tui.services.session import Session
    from tui.sources.demo import demo_lines

    session = Session.open(demo_config(), tmp_path / "s.json")
    try:
        for line in demo_lines():
            session.pipeline.ingest(dict(line))
        aside = [m["text"][:40] for m in session.store.mentions() if m.get("off_topic")]
        assert aside == ["coming out of my cage and I've been doin"]
    finally:
        session.close()


def test_collect_into_a_held_store_leaves_setting_aside_to_the_holder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui import cli

    feed = tmp_path / "in.jsonl"
    feed.write_text(json.dumps(make_mention(1, "Mr Brightside, 3rd time tonight")) + "\n")
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nwatch = ["Brightside"]\nexclude = ["Mr Brightside"]\n')
    holder = Store(tmp_path / "s.json")  # a running turnaround, with a config of its own
    try:
        assert cli.main(["collect", "--db", str(tmp_path / "s.json"), "--config", str(config),
                         "--source", f"jsonl:{feed}", "--once"]) == 0
        assert "set aside" not in capsys.readouterr().out
    finally:
        holder.close()


def test_a_walked_away_thread_stays_watched_when_its_first_post_comes_late(tmp_path: Path) -> None:
    from tui.rules.config import Config
    from tui.services.session import Session

    session = Session.open(Config(), tmp_path / "w.json")
    try:
        troll = "@troll@x.social"
        session.pipeline.ingest(make_mention(3, "You lot are useless", author=troll, in_reply_to="2",
                                             minutes_ago=5))
        session.lifecycle.walk_away(["mastodon:3"], "troll", "goading")
        assert "mastodon:2" in session.lifecycle.watched()
        session.pipeline.ingest(make_mention(2, "Sorry to hear that!", in_reply_to="1", minutes_ago=6))
        assert "mastodon:2" not in session.lifecycle.watched()
        assert troll in session.lifecycle.watched()["mastodon:1"]
        assert [e["action"] for e in session.store.events_for("mastodon:1")] == ["walk-away"]
        session.pipeline.ingest(make_mention(4, "Still useless", author=troll, in_reply_to="1",
                                             minutes_ago=0))
        back = session.store.mention("mastodon:3") or {}
        assert back["state"] == "open" and "wrote again" in back.get("banner", "")
        assert "mastodon:3" in session.inbox.uids("priority")
    finally:
        session.close()


def test_a_post_that_comes_after_our_answer_to_it_is_answered(tmp_path: Path) -> None:
    """Read newest first, a conversation stores our answer before the customer's earlier posts: they
    count as answered by it (as posts up to an answer do), not as open work nobody took."""
    from tui.rules.config import Config
    from tui.services.session import Session

    session = Session.open(Config(handles=["@brand@brand.social"]), tmp_path / "a.json")
    try:
        ann = "@ann@x.social"
        session.pipeline.ingest(make_mention(3, "So sorry! Which model is it?", author="@brand@brand.social",
                                             in_reply_to="2", minutes_ago=5))
        session.pipeline.ingest(make_mention(2, "Hello?? Anyone?", author=ann, in_reply_to="1",
                                             minutes_ago=6))
        session.pipeline.ingest(make_mention(1, "My screen flickers", author=ann, minutes_ago=9))
        for uid in ("mastodon:1", "mastodon:2"):
            mention = session.store.mention(uid) or {}
            assert mention["state"] == "replied" and mention["first_response_at"], uid
        later = session.pipeline.ingest(make_mention(4, "It's the 7 Plus", author=ann, in_reply_to="3",
                                                     minutes_ago=1))
        assert later.mention is not None
        assert (session.store.mention("mastodon:4") or {})["state"] == "open", "written after our answer"
    finally:
        session.close()
