"""The store at 100k mentions: ingest cost per mention, open time, peak memory, first screen.

Run: python tests/benchmarks/bench_store.py [--quick] [--repeats R] [--stream N] [--stock-inserts K]

1. Ingest: stores pre-filled with 1k, 10k and 100k mentions (copied fresh for every repeat), then N
   (default 500) streamed mentions stored one by one through `Store.add_mention` (path=store),
   `Pipeline.ingest` with triage (path=pipeline), and a `Session`'s pipeline, whose arrival hook
   also files each mention in the inbox's queues (path=session). The first write after opening is
   timed apart (`first_write_ms`): TinyDB scans the ids once to find the next one. Beside it, stock
   TinyDB (`TinyDB(path)`, JSONStorage) inserting K (default 30) documents one by one at 20k stored.
2. Open: `Store(path)` on a compacted store (layout=snapshot) and on one whose data is only in the
   journal (layout=journal; read-write mode compacts it on open once it holds >= 50k lines), each
   open in a fresh process for its time and peak RSS; then the app run headless, timed from
   `make_app` until the inbox screen's mention list has rows.
0. First (issue 16): stores of 1k, 100k and 1M mentions as a year of use leaves them, 1k open and
   the rest settled history archived by `Store.archive_settled`: first screen, peak RSS and ingest
   cost per mention side by side, PASS/MISS against the targets (--history-only runs just this).

Every figure is a median of R repeats (default 5) taken in this one run, sizes interleaved; compare
the ratios, not the absolute times, on a shared machine. The first-screen ratio is judged on CPU
seconds (wall time beside it): on a shared machine wall time swung it by a third between runs.
--quick shrinks every size (a smoke run).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Pretriager,
    child_first_screen,
    copy_store,
    figure,
    fill_store,
    history_scale,
    isolate_env,
    median,
    peak_rss_mb,
    ratio_line,
    raw_mentions,
    remove_store,
    run_child,
    strip_private,
)

from tests.helpers import fixed_clock
from tui.rules.config import Config
from tui.services.pipeline import Pipeline
from tui.services.session import Session
from tui.storage.store import Store

SCRIPT = Path(__file__).resolve()
STREAM_START = 1_000_000
"""Streamed mentions are numbered from here, so they never collide with a pre-filled one."""


# -- children: one fresh process per open, so peak RSS belongs to that open alone --------------------


def child_open(path: str, mode: str) -> dict[str, Any]:
    store_path = Path(path)
    journal_only = not store_path.exists()
    base = peak_rss_mb()
    started = time.perf_counter()
    store = Store(store_path, readonly=mode == "ro")
    seconds = time.perf_counter() - started
    result = {"open_s": seconds, "peak_rss_mb": peak_rss_mb(), "base_rss_mb": base,
              "mentions": store.mention_count(),
              "compacted": int(journal_only and store_path.exists())}
    store.close(compact=False)
    return result


# -- 1. ingest ----------------------------------------------------------------------------------------


def time_stream(kind: str, pristine: Path, work: Path, stream: list[dict[str, Any]],
                pre: Pretriager) -> tuple[float, float]:
    """(seconds for the first write after opening, seconds per mention for the rest) on a fresh copy."""
    copy_store(pristine, work)
    session = None
    if kind == "session":
        session = Session.open(Config(), work, clock=fixed_clock, triager=pre.triager)
        store = session.store
        put = session.pipeline.ingest
        items = [strip_private(d) for d in stream]
    elif kind == "pipeline":
        store = Store(work)
        put = Pipeline(store, pre.triager, clock=fixed_clock).ingest
        items = [strip_private(d) for d in stream]
    else:
        store = Store(work)
        put = store.add_mention
        items = [pre.stored(d) for d in stream]
    gc.collect()
    started = time.perf_counter()
    put(items[0])
    first = time.perf_counter() - started
    started = time.perf_counter()
    for item in items[1:]:
        put(item)
    rest = (time.perf_counter() - started) / (len(items) - 1)
    if len(items) > 1 and store.mention_count() < len(items):
        raise RuntimeError(f"{kind}: only {store.mention_count()} stored")
    store.close(compact=False)
    remove_store(work)
    return first, rest


def bench_ingest(tmp: Path, pre: Pretriager, sizes: list[int], repeats: int, n_stream: int,
                 pristine: dict[int, Path]) -> dict[tuple[str, int], float]:
    stream = raw_mentions(n_stream + 1, start=STREAM_START)
    work = tmp / "work" / "store.json"
    work.parent.mkdir(exist_ok=True)
    kinds = ("store", "pipeline", "session")
    firsts: dict[tuple[str, int], list[float]] = {(k, n): [] for k in kinds for n in sizes}
    rests: dict[tuple[str, int], list[float]] = {(k, n): [] for k in kinds for n in sizes}
    for _ in range(repeats):
        for size in sizes:
            for kind in kinds:
                first, rest = time_stream(kind, pristine[size], work, stream, pre)
                firsts[kind, size].append(first)
                rests[kind, size].append(rest)
    medians = {}
    for kind in kinds:
        for size in sizes:
            us = [r * 1e6 for r in rests[kind, size]]
            medians[kind, size] = median(us)
            print(figure("ingest_us_per_mention", path=kind, stored=size, median=median(us), min=min(us),
                         max=max(us), mentions=n_stream, repeats=repeats), flush=True)
            print(figure("first_write_ms", path=kind, stored=size,
                         median=median(f * 1e3 for f in firsts[kind, size])), flush=True)
    return medians


def bench_stock(tmp: Path, pre: Pretriager, stored: int, inserts: int) -> float:
    """Stock TinyDB rewrites its whole JSON file on every insert."""
    from tinydb import TinyDB

    path = tmp / "stock.json"
    docs = [pre.stored(d) for d in raw_mentions(stored + inserts, start=2 * STREAM_START)]
    db = TinyDB(path)
    db.table("mentions").insert_multiple(docs[:stored])
    table = db.table("mentions")
    times = []
    for doc in docs[stored:]:
        started = time.perf_counter()
        table.insert(doc)
        times.append(time.perf_counter() - started)
    db.close()
    us = median(t * 1e6 for t in times)
    print(figure("stock_tinydb_us_per_insert", stored=stored, median=us, min=min(times) * 1e6,
                 inserts=inserts, file_mb=path.stat().st_size / 1e6), flush=True)
    path.unlink()
    return us


# -- 2. open and first screen -------------------------------------------------------------------------


def bench_open(tmp: Path, sizes: list[int], repeats: int, pristine: dict[tuple[str, int], Path]) -> None:
    work = tmp / "open" / "store.json"
    work.parent.mkdir(exist_ok=True)
    results: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for _ in range(repeats):
        for size in sizes:
            for layout in ("snapshot", "journal"):
                for mode in ("rw", "ro"):
                    copy_store(pristine[layout, size], work)
                    result = run_child(SCRIPT, "open", str(work), mode)
                    assert result["mentions"] == size, result
                    results.setdefault((layout, mode, size), []).append(result)
                    remove_store(work)
    for (layout, mode, size), runs in results.items():
        print(figure("open_s", layout=layout, mode=mode, stored=size,
                     median=median(r["open_s"] for r in runs),
                     peak_rss_mb=median(r["peak_rss_mb"] for r in runs),
                     rss_added_mb=median(r["peak_rss_mb"] - r["base_rss_mb"] for r in runs),
                     compacted_on_open=runs[0]["compacted"]), flush=True)
    small, big = sizes[0], sizes[-1]
    for layout in ("snapshot", "journal"):
        a = median(r["open_s"] for r in results[layout, "rw", small])
        b = median(r["open_s"] for r in results[layout, "rw", big])
        print(figure("open_ratio", layout=layout, mode="rw", stored=f"{big}/{small}", ratio=b / a),
              flush=True)


def bench_first_screen(tmp: Path, sizes: list[int], repeats: int, pristine: dict[int, Path]) -> None:
    work = tmp / "app" / "store.json"
    work.parent.mkdir(exist_ok=True)
    results: dict[int, list[dict[str, Any]]] = {size: [] for size in sizes}
    for _ in range(repeats):
        for size in sizes:
            copy_store(pristine[size], work)
            results[size].append(run_child(SCRIPT, "app", str(work)))
            remove_store(work)
    for size, runs in results.items():
        print(figure("app_first_screen_s", stored=size, median=median(r["first_screen_s"] for r in runs),
                     rows=runs[0]["rows"], peak_rss_mb=median(r["peak_rss_mb"] for r in runs)),
              flush=True)
    small, big = sizes[0], sizes[-1]
    a = median(r["first_screen_s"] for r in results[small])
    b = median(r["first_screen_s"] for r in results[big])
    print(figure("app_first_screen_ratio", stored=f"{big}/{small}", ratio=b / a), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves the script runs")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--stream", type=int, default=None, help="streamed mentions timed per repeat")
    parser.add_argument("--stock-inserts", type=int, default=None)
    parser.add_argument("--history-sizes", default=None, metavar="N,N,N",
                        help="stores with a year of archived history (default 1000,100000,1000000)")
    parser.add_argument("--history-dir", default=None, metavar="DIR",
                        help="keep the year-of-history stores in DIR and reuse them on the next run")
    parser.add_argument("--history-only", action="store_true",
                        help="run only the year-of-history section (issue 16's table)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        children = {"open": child_open, "app": child_first_screen, "first_screen": child_first_screen}
        result = children[kind](*rest)
        print(json.dumps(result))
        return 0

    history_sizes = [int(n) for n in (args.history_sizes or (
        "200,1000,3000" if args.quick else "1000,100000,1000000")).split(",")]
    if args.quick:
        sizes, open_sizes, stock_size = [100, 500, 2000], [100, 2000], 1000
        repeats, n_stream, inserts = args.repeats or 1, args.stream or 50, args.stock_inserts or 5
    else:
        sizes, open_sizes, stock_size = [1000, 10_000, 100_000], [1000, 100_000], 20_000
        repeats, n_stream, inserts = args.repeats or 5, args.stream or 500, args.stock_inserts or 30
    with tempfile.TemporaryDirectory(prefix="bench-store-") as name:
        tmp = Path(name)
        isolate_env(tmp / "home")
        pre = Pretriager()
        reuse = Path(args.history_dir) if args.history_dir else None
        history_scale(SCRIPT, tmp, pre, history_sizes, repeats, n_stream, reuse)
        if args.history_only:
            return 0
        snapshots: dict[int, Path] = {}
        pristine: dict[tuple[str, int], Path] = {}
        for size in sorted(set(sizes) | set(open_sizes)):
            snapshots[size] = tmp / f"snapshot-{size}" / "store.json"
            seconds = fill_store(snapshots[size], size, pre)
            pristine["snapshot", size] = snapshots[size]
            print(figure("prefill_s", stored=size, seconds=seconds,
                         snapshot_mb=snapshots[size].stat().st_size / 1e6), flush=True)
        for size in open_sizes:
            pristine["journal", size] = tmp / f"journal-{size}" / "store.json"
            fill_store(pristine["journal", size], size, pre, compact=False)

        ours = bench_ingest(tmp, pre, sizes, repeats, n_stream, snapshots)
        stock = bench_stock(tmp, pre, stock_size, inserts)
        bench_open(tmp, open_sizes, repeats, pristine)
        bench_first_screen(tmp, open_sizes, repeats, snapshots)

        small, big = sizes[0], sizes[-1]
        print("# summary")
        for kind in ("store", "pipeline", "session"):
            print(ratio_line("ingest_ratio", ours[kind, big] / ours[kind, small], target="<=1.5",
                             path=kind, stored=f"{big}/{small}"))
        print(ratio_line("stock_over_ours", stock / ours["store", big], target=">=50",
                         stock_stored=stock_size, ours_stored=big))
    return 0


if __name__ == "__main__":
    sys.exit(main())
