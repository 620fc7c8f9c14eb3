"""A store held by the inbox and headless `collect` working together through the spool: the holder
ingests it live, the next opener ingests what is left, and kill -9 on either side loses nothing and
doubles nothing."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.helpers import FeedSource, QuietTriager, fixed_clock, make_mention
from tui.cli.command import main
from tui.rules.config import Config
from tui.services.pipeline import Pipeline
from tui.services.session import Session
from tui.storage.store import SPOOL_OFFSET, Store

TEXTS = ("Order {n} arrived cold, refund please", "Where is parcel {n}?", "Love the new cup {n}!")


def feed(path: Path, first: int, count: int) -> Path:
    """A JSON-lines file of `count` distinct mentions numbered from `first`."""
    rows = [make_mention(n, TEXTS[n % 3].format(n=n)) for n in range(first, first + count)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def collect(db: Path, source: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["collect", "--db", str(db), "--source", f"jsonl:{source}", "--once"])
    out, err = capsys.readouterr()
    return code, out.strip(), err


def ids(store: Store) -> list[str]:
    return sorted((m["id"] for m in store.mentions()), key=int)


async def test_collect_hands_mentions_to_the_holder_which_ingests_them_live(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "store.json"
    source = feed(tmp_path / "in.jsonl", 1, 30)
    session = Session.open(Config(), db, clock=fixed_clock, triager=QuietTriager())  # type: ignore[arg-type]
    try:
        code, out, err = await asyncio.to_thread(collect, db, source, capsys)
        assert code == 0 and "handing new mentions to it through" in err
        assert out == "30 new, 0 duplicate, 0 invalid (30 handed to the turnaround that holds the store)"
        assert session.store.mention_count() == 0, "collect wrote nothing into the held store"
        assert await session.drain_spool() == 30
        assert ids(session.store) == [str(n) for n in range(1, 31)]
        assert session.inbox.count("needs-reply") == 30, "the arrivals went through the inbox's hooks"
        assert session.store.cursor(f"jsonl:{source}") is not None, "the source's cursor came along"
        assert session.store.spool_path.stat().st_size == 0, "an ingested spool is emptied"
        assert session.store.setting(SPOOL_OFFSET) == 0
        assert await session.drain_spool() == 0
        # The cursor the holder took over means a second run finds nothing new.
        code, out, _ = await asyncio.to_thread(collect, db, source, capsys)
        assert (code, out) == (0, "0 new, 0 duplicate, 0 invalid")
    finally:
        session.close()


def test_whoever_opens_the_store_next_ingests_what_is_left(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "store.json"
    with Store(db):
        collect(db, feed(tmp_path / "a.jsonl", 1, 5), capsys)
    # The holder quit before ingesting: the next collect ingests the spool, then its own input.
    code, out, _ = collect(db, feed(tmp_path / "b.jsonl", 6, 3), capsys)
    assert (code, out) == (0, "8 new, 0 duplicate, 0 invalid")
    with Store(db):
        collect(db, feed(tmp_path / "c.jsonl", 9, 2), capsys)
    session = Session.open(Config(), db, clock=fixed_clock, triager=QuietTriager())  # type: ignore[arg-type]
    try:
        assert ids(session.store) == [str(n) for n in range(1, 11)], "the inbox ingests it at open"
    finally:
        session.close()


def test_a_line_torn_by_a_killed_writer_is_skipped_and_the_next_batch_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "store.json"
    spool = Path(str(db) + ".spool")
    with Store(db):
        collect(db, feed(tmp_path / "a.jsonl", 1, 3), capsys)
        with open(spool, "ab") as handle:
            handle.write(b'{"k": "mention", "origin": "x", "d": {"id": "99", "sou')  # killed here
        collect(db, feed(tmp_path / "b.jsonl", 4, 2), capsys)
    with Store(db) as store:
        pipeline = Pipeline(store, QuietTriager())  # type: ignore[arg-type]
        warnings: list[str] = []
        pipeline.warning_hooks.append(warnings.append)
        counts = pipeline.drain_spool()
        assert ids(store) == ["1", "2", "3", "4", "5"]
        assert (counts.new, counts.invalid) == (5, 0)
        assert len(warnings) == 1 and "skipped a torn or unknown record" in warnings[0]


COLLECTOR = [sys.executable, "-m", "tui", "collect"]


def test_collect_killed_mid_way_then_run_again_loses_and_doubles_nothing(tmp_path: Path) -> None:
    """kill -9 a collector while it spools into a held store, at a moment that is not chosen,
    then run it again: the holder ends with every mention once."""
    db = tmp_path / "store.json"
    spool = Path(str(db) + ".spool")
    source = feed(tmp_path / "in.jsonl", 1, 3000)
    with Store(db) as held:
        # Follow mode: it would keep running; we kill it once it has handed some over.
        proc = subprocess.Popen([*COLLECTOR, "--db", str(db), "--source", f"jsonl:{source}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while (not spool.exists() or spool.stat().st_size < 20_000) and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        spooled = spool.stat().st_size
        assert spooled >= 20_000
        again = subprocess.run([*COLLECTOR, "--db", str(db), "--source", f"jsonl:{source}", "--once"],
                               capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert held.mention_count() == 0
        pipeline = Pipeline(held, QuietTriager())  # type: ignore[arg-type]
        counts = pipeline.drain_spool()
        assert ids(held) == [str(n) for n in range(1, 3001)]
        assert counts.new == 3000 and counts.invalid == 0
    with Store(db) as store:
        assert store.mention_count() == 3000


HOLDER = textwrap.dedent("""
    import os, signal, sys
    from tests.helpers import QuietTriager
    from tui.services.pipeline import Pipeline
    from tui.storage.store import Store

    store = Store(sys.argv[1])
    pipeline = Pipeline(store, QuietTriager())
    kill_after = int(sys.argv[2])
    if kill_after < 0:  # die between resetting the offset and emptying the spool
        os.ftruncate = lambda fd, size: os.kill(os.getpid(), signal.SIGKILL)
    arrived = 0

    def arrival(mention):
        global arrived
        arrived += 1
        if arrived == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    pipeline.arrival_hooks.append(arrival)
    pipeline.drain_spool()
    print("drained", flush=True)
""")


@pytest.mark.parametrize("kill_after", [1, 700, 1299, -1])
def test_holder_killed_while_ingesting_loses_and_doubles_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], kill_after: int) -> None:
    db = tmp_path / "store.json"
    with Store(db):
        collect(db, feed(tmp_path / "in.jsonl", 1, 1300), capsys)
    holder = subprocess.run([sys.executable, "-c", HOLDER, str(db), str(kill_after)],
                            capture_output=True, text=True, timeout=120)
    assert holder.returncode == -signal.SIGKILL, holder.stderr
    with Store(db) as store:
        before = store.mention_count()
        assert before == (1300 if kill_after < 0 else kill_after), "what it stored before dying stays"
        counts = Pipeline(store, QuietTriager()).drain_spool()  # type: ignore[arg-type]
        assert ids(store) == [str(n) for n in range(1, 1301)]
        assert counts.new == 1300 - before, "each mention stored once: re-read ones are duplicates"
        assert store.spool_path.stat().st_size == 0
    with Store(db) as store:
        assert store.mention_count() == 1300, "and it stays so across a reopen"


async def test_the_app_shows_what_collect_hands_over_while_it_runs(tmp_path: Path) -> None:
    """The inbox holds the store; a collect in another process hands it two mentions, which show
    in the list within a few checks, with nothing blocked."""
    from tests.helpers import settle
    from tui.ui.app import make_app
    from tui.ui.widgets.mention_list import MentionList

    db = tmp_path / "store.json"
    source = feed(tmp_path / "in.jsonl", 1, 2)
    app = make_app(Config(), db, sources=[FeedSource([make_mention(50, "Hello there")])],
                   clock=fixed_clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app, 1)
        proc = await asyncio.create_subprocess_exec(
            *COLLECTOR, "--db", str(db), "--source", f"jsonl:{source}", "--once",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await proc.communicate()
        assert proc.returncode == 0, err
        assert b"handed to the turnaround that holds the store" in out
        await settle(pilot, app, 3)
        assert app.session is not None
        inbox = app.session.inbox
        assert all(inbox.queue_of_uid(f"mastodon:{n}") for n in (1, 2, 50)), "filed in the queues"
        queue = inbox.queue_of_uid("mastodon:1")
        app.screen.show_queue(queue)  # type: ignore[attr-defined]
        await pilot.pause()
        assert "mastodon:1" in app.screen.query_one(MentionList).uids


async def test_a_spool_ingested_while_a_writer_held_its_lock_is_emptied_at_a_later_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import fcntl

    db = tmp_path / "store.json"
    session = Session.open(Config(), db, clock=fixed_clock, triager=QuietTriager())  # type: ignore[arg-type]
    try:
        await asyncio.to_thread(collect, db, feed(tmp_path / "in.jsonl", 1, 3), capsys)
        spool = session.store.spool_path
        writer = os.open(spool, os.O_RDWR)
        fcntl.flock(writer, fcntl.LOCK_EX)  # another collector, mid-batch
        try:
            assert await session.drain_spool() == 3
            assert spool.stat().st_size > 0, "not emptied under a writer's lock"
        finally:
            os.close(writer)
        assert await session.drain_spool() == 0
        assert spool.stat().st_size == 0, "emptied at the next check"
        assert session.store.mention_count() == 3
    finally:
        session.close()
