"""Settled history moves to monthly archives: what moves, what stays, and kill -9 mid-move."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from tui.cli import main
from tui.core.lifecycle_archive import load_policy
from tui.storage.archive import ArchiveError, ArchivePolicy, default_policy
from tui.storage.store import Store

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
POLICY = ArchivePolicy(timedelta(days=30), frozenset({"done", "closed", "resolved"}))


def mention(n: int, *, days_ago: float, state: str, thread: int | None = None,
            author: str | None = None) -> dict:
    uid = f"test:{n}"
    created = (NOW - timedelta(days=days_ago)).isoformat()
    doc = {"uid": uid, "id": str(n), "source": "test", "author": author or f"@a{n % 3}",
           "text": f"needle{n} hello", "created_at": created,
           "thread_uid": f"test:{thread}" if thread is not None else uid, "state": state}
    if state in POLICY.states:
        doc["closed_at"] = created
    return doc


def fill(path: Path) -> None:
    """Threads: 1+2 old and done (moves), 3 old but open, 4 recent and done, 5+6 old with 6 open."""
    with Store(path) as store:
        store.add_mention(mention(1, days_ago=90, state="done", author="@old"))
        store.add_mention(mention(2, days_ago=89, state="closed", thread=1, author="@old"))
        at = (NOW - timedelta(days=89)).isoformat()
        store.add_event({"thread_uid": "test:1", "action": "done", "at": at})
        store.add_mention(mention(3, days_ago=90, state="open"))
        store.add_mention(mention(4, days_ago=3, state="done", author="@old"))
        store.add_mention(mention(5, days_ago=60, state="done"))
        store.add_mention(mention(6, days_ago=60, state="escalated", thread=5))
        store.add_mention(mention(7, days_ago=45, state="resolved", author="@old"))


def uids(docs) -> list[str]:
    return sorted(d["uid"] for d in docs)


def test_only_whole_settled_old_threads_move_and_are_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    fill(path)
    with Store(path) as store:
        assert store.archive_settled(NOW, POLICY) == 3
        assert uids(store.mentions()) == ["test:3", "test:4", "test:5", "test:6"]
    with Store(path) as store:
        assert store.mention_count() == 4, "archived mentions are not loaded at start"
        assert store.mention("test:1") is None
        assert uids(store.all_mentions()) == [f"test:{n}" for n in range(1, 8)]
        assert [e["action"] for e in store.all_events()] == ["done"]
        assert list(store.events()) == [], "the thread's events moved with it"
    months = sorted(p.name for p in (tmp_path / "s.json.archive").glob("20*.json"))
    assert months == ["2026-09.json", "2026-10.json"]
    # The month files are TinyDB's own format.
    with TinyDB(tmp_path / "s.json.archive" / "2026-09.json", access_mode="r") as db:
        assert uids(db.table("mentions").all()) == ["test:1", "test:2"]


def test_author_history_counts_and_reads_archives(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    fill(path)
    with Store(path) as store:
        store.archive_settled(NOW, POLICY)
    with Store(path) as store:
        assert store.by_author("@old") == [store.mention("test:4")], "live callers see live rows"
        history = store.by_author("@old", archived=True)
        assert [d["uid"] for d in history] == ["test:1", "test:2", "test:7", "test:4"]
        assert [d["uid"] for d in store.by_author("@old", last=2, archived=True)] == ["test:7", "test:4"]
        assert store.author_count("@old") == 4
        assert store.archive.mention("test:2")["state"] == "closed"


def test_export_and_report_cover_archives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.core.report import build_report

    path = tmp_path / "s.json"
    fill(path)
    with Store(path) as store:
        before = build_report(store, None, NOW)
        store.archive_settled(NOW, POLICY)
        after = build_report(store, None, NOW)
    assert after == before, "the report counts archived mentions and events as before"
    assert main(["export", "--db", str(path)]) == 0
    exported = [orjson.loads(line)["uid"] for line in capsys.readouterr().out.splitlines()]
    assert sorted(exported) == [f"test:{n}" for n in range(1, 8)]


def test_archive_command_moves_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    fill(path)
    assert main(["archive", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Archived 3 mention(s) settled more than 30 days ago" in out and "4 stay" in out
    assert main(["archive", "--db", str(path)]) == 0
    assert "Archived 0 mention(s)" in capsys.readouterr().out


def test_archive_command_on_a_missing_store_says_so(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["archive", "--db", str(tmp_path / "none.json")]) == 2
    assert "no store here yet" in capsys.readouterr().err


def test_compaction_archives_when_the_store_has_a_policy(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    fill(path)
    store = Store(path, archive=POLICY, clock=lambda: NOW)
    assert store.mention_count() == 7
    store.close()  # compacts
    with Store(path) as again:
        assert again.mention_count() == 4


def test_policy_is_data_and_bad_values_are_named(tmp_path: Path) -> None:
    assert default_policy().after == timedelta(days=30)
    assert "done" in default_policy().states
    user = tmp_path / "lifecycle.toml"
    user.write_text("[archive]\nafter_days = 90\nstates = [\"closed\"]\n")
    assert load_policy(user) == ArchivePolicy(timedelta(days=90), frozenset({"closed"}), set_aside=True)
    user.write_text("[archive]\nset_aside = false\n")
    assert not load_policy(user).set_aside
    user.write_text("[archive]\nset_aside = \"yes\"\n")
    with pytest.raises(ArchiveError, match=r"archive\.set_aside must be true or false"):
        load_policy(user)
    user.write_text("[archive]\nstates = [\"open\"]\n")
    with pytest.raises(ArchiveError, match=r"lifecycle.toml: archive.states: 'open' is open work"):
        load_policy(user)
    user.write_text("[archive]\nafter_days = \"soon\"\n")
    with pytest.raises(ArchiveError, match="after_days must be a number"):
        load_policy(user)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from datetime import datetime, timedelta, timezone
    from tui.storage.archive import ArchivePolicy
    from tui.storage.archive_move import move_settled
    from tui.storage.store import Store

    path, step = sys.argv[1], sys.argv[2]
    policy = ArchivePolicy(timedelta(days=30), frozenset({"done", "closed", "resolved"}))
    now = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)

    def on_step(name):
        if name.startswith(step):
            os.kill(os.getpid(), signal.SIGKILL)

    store = Store(path)
    move_settled(store, policy, now, on_step)
    print("finished")
""")


@pytest.mark.parametrize("step", ["journal", "month:2026-09", "month:2026-10", "index", "live", "done"])
def test_kill_9_mid_move_neither_loses_nor_doubles(tmp_path: Path, step: str) -> None:
    path = tmp_path / "s.json"
    fill(path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run([sys.executable, "-c", KILLER, str(path), step], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == -9, run.stderr
    with Store(path) as store:  # finishes the interrupted move before anything reads it
        everything = [d["uid"] for d in store.all_mentions()]
        assert sorted(everything) == [f"test:{n}" for n in range(1, 8)], "nothing lost, nothing doubled"
        assert uids(store.mentions()) == ["test:3", "test:4", "test:5", "test:6"]
        assert [e["action"] for e in store.all_events()] == ["done"]
        assert store.author_count("@old") == 4
        assert not store.archive.move_path.exists()
        assert store.archive_settled(NOW, POLICY) == 0


def test_read_only_reader_during_an_unfinished_move_counts_each_once(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    fill(path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run([sys.executable, "-c", KILLER, str(path), "index"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == -9
    reader = Store(path, readonly=True)
    assert sorted(d["uid"] for d in reader.all_mentions()) == [f"test:{n}" for n in range(1, 8)]
    reader.close()


def test_an_archived_mention_sent_again_is_a_duplicate(tmp_path: Path) -> None:
    from tui.core.triage import Triager
    from tui.services.pipeline import Pipeline

    path = tmp_path / "s.json"
    fill(path)
    with Store(path) as store:
        store.archive_settled(NOW, POLICY)
    with Store(path) as store:
        again = mention(1, days_ago=90, state="open")
        assert not store.add_mention(again), "already in the archive"
        pipeline = Pipeline(store, Triager.load(), clock=lambda: NOW)
        record = {k: again[k] for k in ("id", "source", "author", "text", "created_at")}
        assert pipeline.ingest(record).status == "duplicate"
        assert store.mention_count() == 4


def test_reindex_rebuilds_the_index_and_history(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    fill(path)
    with Store(path) as store:
        store.archive_settled(NOW, POLICY)
    archive_dir = tmp_path / "s.json.archive"
    for index in ("authors", "uids", "history"):
        for shard in (archive_dir / index).iterdir():
            shard.write_text("{}")
    assert main(["archive", "--reindex", "--db", str(path)]) == 0
    with Store(path) as store:
        assert store.author_count("@old") == 4
        newest = store.by_author("@old", last=3, archived=True)
        assert [d["uid"] for d in newest] == ["test:2", "test:7", "test:4"]


def test_an_unreadable_month_is_named_and_search_goes_on(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    fill(path)
    with Store(path) as store:
        store.archive_settled(NOW, POLICY)
    bad = tmp_path / "s.json.archive" / "2026-09.json"
    bad.write_text("{not json")
    with Store(path) as store:
        found = store.archive.search(lambda m: "needle" in m["text"])
        assert [d["uid"] for d in found] == ["test:7"], "the readable month is still searched"
        assert store.archive.warnings and str(bad) in store.archive.warnings[0]
    assert main(["export", "--db", str(path)]) == 2, "an export never skips history silently"
    err = capsys.readouterr().err
    assert "2026-09.json: not valid JSON" in err and "Traceback" not in err


def test_champions_count_archived_praise(tmp_path: Path) -> None:
    """Praise that moved to the archive still makes a champion, whether the archive is streamed
    (report, CLI) or counted once in a thread (the champions screen)."""
    from tui.core.champions import archived_praise, champions, praise_history

    path = tmp_path / "s.json"
    with Store(path) as store:
        old = {**mention(1, days_ago=90, state="done", author="@fan"), "kind": "praise",
               "thanked_at": (NOW - timedelta(days=89)).isoformat()}
        store.add_mention(old)
        store.add_mention({**mention(2, days_ago=1, state="open", author="@fan"), "kind": "praise"})
        assert store.archive_settled(NOW, POLICY) == 1
    with Store(path) as store:
        assert store.mention_count() == 1
        for rows in (champions(store), champions(store, archived=archived_praise(store))):
            assert [(r["author"], r["praise"], r["thanked"]) for r in rows] == [("@fan", 2, True)]
            assert rows[0]["first_seen"] == old["created_at"]
        assert [m["uid"] for m in praise_history(store, "@fan")] == ["test:2", "test:1"]


def test_index_is_read_a_shard_at_a_time_and_the_old_whole_index_still_reads(tmp_path: Path) -> None:
    """Memory follows open work: an author lookup reads one small shard of the index, never the
    whole map. An archive indexed the first way (whole authors.json, uids.json) still answers, and
    the next move rewrites it as shards."""
    import shutil

    from tui.storage.archive_index import CACHED_SHARDS

    path = tmp_path / "s.json"
    fill(path)
    with Store(path) as store:
        store.archive_settled(NOW, POLICY)
    archive_dir = tmp_path / "s.json.archive"
    with Store(path) as store:
        assert store.author_count("@old") == 4
        assert store.archive.author_index._cache and len(store.archive.author_index._cache) <= CACHED_SHARDS
        assert not store.archive._legacy
        authors = {"@old": store.archive.author_months("@old"), "@a2": store.archive.author_months("@a2")}
        uids = {u: store.archive.month_of_uid(u) for u in ("test:1", "test:2", "test:5")}
    (archive_dir / "authors.json").write_bytes(orjson.dumps(authors))
    (archive_dir / "uids.json").write_bytes(orjson.dumps(uids))
    for index in ("authors", "uids"):
        shutil.rmtree(archive_dir / index)
    with Store(path) as store:
        assert store.author_count("@old") == 4, "read from the old whole index"
        assert not store.add_mention(mention(1, days_ago=90, state="open")), "still a duplicate"
        store.update_mention("test:4", {"created_at": (NOW - timedelta(days=40)).isoformat(),
                                        "closed_at": (NOW - timedelta(days=40)).isoformat()})
        assert store.archive_settled(NOW, POLICY) == 1
    assert not (archive_dir / "authors.json").exists() and (archive_dir / "authors").is_dir()
    with Store(path) as store:
        assert store.author_count("@old") == 4 and store.mention_count() == 3
        assert store.archive.author_months("@old") == {"2026-09": 2, "2026-10": 2}
        assert store.archive.month_of_uid("test:1") == "2026-09"


def test_an_old_mention_set_aside_moves_when_the_policy_says_so(tmp_path: Path) -> None:
    """Muted or not about us, open and old: no one will answer it (a crisis is never set aside)."""
    path = tmp_path / "s.json"
    with Store(path) as store:
        for n, days, queue in ((1, 60, "muted"), (2, 3, "muted"), (3, 60, "priority")):
            store.add_mention({**mention(n, days_ago=days, state="open"), "queue": queue})
        # A thread with a set-aside mention and one still open work stays whole.
        store.add_mention({**mention(4, days_ago=60, state="open"), "queue": "muted"})
        store.add_mention({**mention(5, days_ago=60, state="open", thread=4), "queue": "needs-reply"})
        # Posted long ago but just arrived: the agent gets its time to look through the view.
        store.add_mention({**mention(6, days_ago=60, state="open"), "queue": "muted",
                           "received_at": (NOW - timedelta(days=1)).isoformat()})
    with Store(path) as store:
        assert store.archive_settled(NOW, POLICY) == 0, "without set_aside, open is open"
        aside = ArchivePolicy(POLICY.after, POLICY.states, set_aside=True)
        assert store.archive_settled(NOW, aside) == 1
        assert uids(store.mentions()) == ["test:2", "test:3", "test:4", "test:5", "test:6"]
        assert "test:1" in uids(store.all_mentions()), "archived, not lost"
    assert default_policy().set_aside, "the shipped rules move them"
