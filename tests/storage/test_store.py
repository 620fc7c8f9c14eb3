"""The journaled store: flat writes, durability across kill -9, torn records, one writer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tui.storage.store import Store, StoreLocked


def mention(n: int, thread: str | None = None) -> dict:
    uid = f"test:{n}"
    return {"uid": uid, "id": str(n), "source": "test", "author": f"@a{n % 7}", "text": f"hello {n}",
            "created_at": "2026-11-20T10:00:00+00:00", "thread_uid": thread or uid}


def test_insert_update_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with Store(path) as store:
        assert store.add_mention(mention(1))
        assert not store.add_mention(mention(1)), "a repeated uid is a duplicate"
        store.add_mention(mention(2, thread="test:1"))
        store.update_mention("test:1", {"state": "done"})
        store.save_draft("test:1", "Thanks for")
        store.set_cursor("src", {"offset": 10})
    with Store(path) as store:
        assert store.mention("test:1")["state"] == "done"
        assert [m["uid"] for m in store.thread("test:1")] == ["test:1", "test:2"]
        assert store.draft("test:1") == "Thanks for"
        assert store.cursor("src") == {"offset": 10}
        assert store.mention_count() == 2


def test_journal_is_replayed_without_compaction(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = Store(path)
    for n in range(50):
        store.add_mention(mention(n))
    store.update_mention("test:3", {"read": True})
    store.close(compact=False)
    assert not path.exists(), "nothing but the journal was written"
    with Store(path) as again:
        assert again.mention_count() == 50
        assert again.mention("test:3")["read"] is True


def test_torn_last_record_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = Store(path)
    store.add_mention(mention(1))
    store.add_mention(mention(2))
    store.close(compact=False)
    log = Path(str(path) + ".log")
    data = log.read_bytes()
    log.write_bytes(data[:-25])  # cut the last record in half, as a crash mid-write would
    with Store(path) as again:
        assert again.has_mention("test:1")
        assert not again.has_mention("test:2")
        assert any("torn" in w for w in again.warnings)


def test_compaction_crash_between_snapshot_and_journal_drop(tmp_path: Path) -> None:
    """A snapshot written but the old journal still there: every write applies exactly once."""
    path = tmp_path / "s.json"
    store = Store(path)
    for n in range(10):
        store.add_mention(mention(n))
    data = store._rotate_and_dump()
    store.add_mention(mention(99))  # arrives while the snapshot is being written
    store.update_mention("test:1", {"tags": ["x"]})
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # ...and the process dies before dropping the old journal
    store.journal.close()
    store._lock_file.close()
    with Store(path) as again:
        uids = [m["uid"] for m in again.mentions()]
        assert len(uids) == len(set(uids)) == 11
        assert again.mention("test:1")["tags"] == ["x"]


def test_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with Store(path):
        with pytest.raises(StoreLocked, match="in use by another turnaround"):
            Store(path)
        readonly = Store(path, readonly=True)
        assert readonly.mention_count() == 0


def test_mentions_survive_kill_9(tmp_path: Path) -> None:
    """A writer killed without warning loses nothing it had written a moment before."""
    path = tmp_path / "s.json"
    script = textwrap.dedent(f"""
        import sys, time
        from tui.storage.store import Store
        store = Store({str(path)!r})
        for n in range(200):
            store.add_mention({{"uid": f"k:{{n}}", "author": "a", "thread_uid": f"k:{{n}}",
                               "created_at": "2026-11-20T10:00:00+00:00"}})
        store.update_mention("k:5", {{"state": "done"}})
        print("written", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "written"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.05)
    with Store(path) as store:
        assert store.mention_count() == 200
        assert store.mention("k:5")["state"] == "done"


def test_events_and_outbox(tmp_path: Path) -> None:
    with Store(tmp_path / "s.json") as store:
        store.add_mention(mention(1))
        event_id = store.add_event({"action": "done", "thread_uid": "test:1"})
        assert store.events_for("test:1")[0]["id"] == event_id
        item = store.outbox_add({"uid": "test:1", "status": "queued"})
        store.outbox_update(item, {"status": "sent"})
        assert store.outbox()[0]["status"] == "sent"


HOLDER = textwrap.dedent("""
    import sys
    from tui.storage.store import Store
    store = Store(sys.argv[1])
    for n in range(20):
        store.add_mention({"uid": f"demo:{n}", "author": "a", "thread_uid": f"demo:{n}",
                           "created_at": "2026-11-20T10:00:00+00:00"})
    print("held", flush=True)
    sys.stdin.readline()
    store.close()
    print("closed", flush=True)
""")


def test_a_second_demo_leaves_the_running_demos_store_alone(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Another process holds the demo store: a second `turnaround --demo` says "in use" and
    touches no file; the first one then quits cleanly with all its data."""
    import tui.ui.app
    from tui import cli
    from tui.storage import paths

    demo = paths.demo_store()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(demo)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        log = Path(str(demo) + ".log")
        before = log.read_bytes()

        def no_app(*args: object, **kwargs: object) -> None:
            raise AssertionError("the second demo must stop before its app starts")

        monkeypatch.setattr(tui.ui.app, "make_app", no_app)
        assert cli.main(["--demo"]) == 2
        assert "in use by another turnaround" in capsys.readouterr().err
        assert log.read_bytes() == before, "the running demo's journal is untouched"
        holder.stdin.write("quit\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "closed"
        assert holder.wait(10) == 0, "the first demo quits without a FileNotFoundError"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    with Store(demo) as store:
        assert store.mention_count() == 20


def test_closing_saves_everything_even_if_the_journal_was_removed(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = Store(path)
    for n in range(5):
        store.add_mention(mention(n))
    Path(str(path) + ".log").unlink()  # what the old demo reset did to a running demo
    store.close()
    with Store(path) as again:
        assert again.mention_count() == 5


def test_a_reader_beside_a_writer_mid_line_sees_no_torn_record(tmp_path: Path) -> None:
    """`collect` reads a held store read-only: the line its holder is writing is not a fault."""
    path = tmp_path / "s.json"
    with Store(path) as store:
        store.add_mention(mention(1))
        with open(str(path) + ".log", "ab") as log:
            log.write(b'{"s": 99, "t": "mentions", "o": "put", "i": 2, "d": {"uid": "te')
        reader = Store(path, readonly=True)
        assert reader.mention_count() == 1 and reader.warnings == []
