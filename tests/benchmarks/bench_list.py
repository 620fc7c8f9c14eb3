"""The mention list at 100k rows: key presses, the work behind a key, and a streaming append.

Run: python tests/benchmarks/bench_list.py [--quick] [--presses N] [--steps N] [--rounds R] [--appends A]
                                          [--gc-freeze] [--history-sizes N,N,N] [--history-only]

First (issue 16), the inbox over a year of history: stores of 1k, 100k and 1M mentions, 1k of them
open work and the rest settled and archived (tests/benchmarks/_common.py `fill_history`): first
screen, peak RSS and ingest per mention side by side, PASS/MISS against the targets.

Two stores, one whose priority queue (the queue the inbox opens on) holds 1k mentions and one whose
queue holds 100k, written with `Store.add_mention` and opened in the app, headless (120x40), with a
source that yields nothing. Measured in each, sizes interleaved, medians of R rounds (default 3):

* (b) `repaint_ms`: `MentionList.action_cursor_down()`, then the screen's pending messages processed
  (the detail pane follows the cursor) and the compositor update forced, as one step; N steps
  (default 1,000). `render_screenful_us`: the cursor action plus `render_line` for every visible row,
  with the row cache as the widget keeps it (cache=warm) and emptied first (cache=cold).
* `append_ms`: one arrival as the app handles it: `Store.add_mention`, `Inbox.add` (the pipeline's
  hook), then what `InboxScreen._apply_arrivals` does: `Inbox.uids`, `MentionList.set_uids`, the
  queue counts; each part printed, and the repaint after it.
* (a) the issue's letter: Pilot pressing `j` N times (default 1,000; --presses). Pilot waits for the
  app to go idle twice per key (about 63 ms a key at any size, see PERF-NOTES), so this mostly
  times the waiting; (b) is the figure that shows the work.

In the 1k queue the cursor reaches the last row after 999 steps, so step 1,000 there is a no-op;
the figures are medians per step, which one such step does not move.

`gc_full_collections` counts CPython's full collections during the steps and the longest one: each
scans every live object, so with 100k mentions in memory one stalls the loop for most of a second.
--gc-freeze calls `gc.freeze()` once the first screen is up (a one-line change the app could make
after opening its session) and shows what that buys.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    GcWatch,
    Pretriager,
    child_first_screen,
    copy_store,
    figure,
    fill_store,
    history_scale,
    isolate_env,
    median,
    percentile,
    ratio_line,
    raw_mentions,
    remove_store,
)

from tests.helpers import FeedSource, fixed_clock
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.inbox import InboxScreen
from tui.ui.widgets.mention_list import MentionList

QUEUE = "priority"
SIZE = (120, 40)
STREAM_START = 1_000_000

Measure = Callable[[TurnaroundApp, Any, MentionList], Awaitable[dict[str, list[float]]]]


async def wait_rows(app: TurnaroundApp, rows: int) -> MentionList:
    started = time.perf_counter()
    while True:
        screen = app.screen
        if isinstance(screen, InboxScreen):
            lst = screen.query_one(MentionList)
            if len(lst.uids) >= rows and lst.size.height:
                return lst
        if time.perf_counter() - started > 300:
            raise TimeoutError("the inbox never showed its rows")
        await asyncio.sleep(0.01)


async def repaint(app: TurnaroundApp, pilot: Any) -> None:
    """Let the screen and its widgets handle what is pending, then paint now (as `Pilot.pause` does,
    without its idle wait). `_wait_for_screen` is private to Pilot; a benchmark may lean on it."""
    await pilot._wait_for_screen()
    await pilot._wait_for_screen()
    app.screen._on_timer_update()


def with_app(path: Path, rows: int, measure: Measure, *, freeze: bool = False) -> dict[str, list[float]]:
    """Open the app on `path`, wait for its rows, measure. `freeze` moves everything alive once the
    first screen is up into CPython's permanent GC generation, which full collections skip."""
    async def run() -> dict[str, list[float]]:
        app = make_app(Config(), path, sources=[FeedSource([])], clock=fixed_clock)
        async with app.run_test(size=SIZE) as pilot:
            lst = await wait_rows(app, rows)
            await pilot.pause()
            if freeze:
                gc.collect()
                gc.freeze()
            try:
                result = await measure(app, pilot, lst)
            finally:
                gc.unfreeze()
            await pilot.pause()
        return result

    return asyncio.run(run())


def work_measure(steps: int, arrivals: list[dict[str, Any]]) -> Measure:
    async def measure(app: TurnaroundApp, pilot: Any, lst: MentionList) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {"repaint": [], "warm": [], "cold": [], "add": [], "uids": [],
                                       "set_uids": [], "counts": [], "append": [], "append_paint": []}
        height = lst.size.height
        gc.collect()
        with GcWatch() as watch:
            for _ in range(steps):
                started = time.perf_counter()
                lst.action_cursor_down()
                await repaint(app, pilot)
                out["repaint"].append(time.perf_counter() - started)
        out["gc_repaint"] = watch.pauses
        for cache in ("warm", "cold"):
            lst.action_first()
            await pilot.pause()
            for _ in range(steps):
                if cache == "cold":
                    lst._cache.clear()
                started = time.perf_counter()
                lst.action_cursor_down()
                for y in range(height):
                    lst.render_line(y)
                out[cache].append(time.perf_counter() - started)
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        session = screen.session
        for mention in arrivals:
            t0 = time.perf_counter()
            session.store.add_mention(mention)
            session.inbox.add(mention)
            t1 = time.perf_counter()
            uids = session.inbox.uids(QUEUE)
            t2 = time.perf_counter()
            lst.set_uids(uids, position=screen._position(QUEUE))
            t3 = time.perf_counter()
            screen._update_counts()
            t4 = time.perf_counter()
            await repaint(app, pilot)
            t5 = time.perf_counter()
            for key, value in (("add", t1 - t0), ("uids", t2 - t1), ("set_uids", t3 - t2),
                               ("counts", t4 - t3), ("append", t4 - t0), ("append_paint", t5 - t0)):
                out[key].append(value)
        assert mention["uid"] in lst.uids
        return out

    return measure


def press_measure(presses: int) -> Measure:
    async def measure(app: TurnaroundApp, pilot: Any, lst: MentionList) -> dict[str, list[float]]:
        times = []
        start = lst.cursor
        gc.collect()
        with GcWatch() as watch:
            for _ in range(presses):
                started = time.perf_counter()
                await pilot.press("j")
                times.append(time.perf_counter() - started)
        assert lst.cursor == min(start + presses, len(lst.uids) - 1), lst.cursor
        return {"press": times, "gc_press": watch.pauses}

    return measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves the script runs")
    parser.add_argument("--presses", type=int, default=None, help="Pilot presses of j per queue")
    parser.add_argument("--steps", type=int, default=None, help="cursor steps per measurement")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--appends", type=int, default=None, help="streamed arrivals per round")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() once the first screen is up (what the app could do)")
    parser.add_argument("--history-sizes", default=None, metavar="N,N,N",
                        help="stores with a year of archived history (default 1000,100000,1000000)")
    parser.add_argument("--history-only", action="store_true",
                        help="run only the year-of-history section (issue 16's table)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        import json

        print(json.dumps(child_first_screen(*args.child[1:])))
        return 0
    history_sizes = [int(n) for n in (args.history_sizes or (
        "200,1000,3000" if args.quick else "1000,100000,1000000")).split(",")]
    if args.quick:
        sizes, presses, steps, rounds, appends = [200, 2000], 10, 50, 1, 10
    else:
        sizes, presses, steps, rounds, appends = [1000, 100_000], 1000, 1000, 3, 50
    presses = args.presses if args.presses is not None else presses
    steps = args.steps or steps
    rounds = args.rounds or rounds
    appends = args.appends or appends

    with tempfile.TemporaryDirectory(prefix="bench-list-") as name:
        tmp = Path(name)
        isolate_env(tmp / "home")
        pre = Pretriager()
        history_scale(Path(__file__).resolve(), tmp, pre, history_sizes, rounds, appends)
        if args.history_only:
            return 0
        templates = pre.templates_for(QUEUE)
        pristine = {}
        for size in sizes:
            pristine[size] = tmp / f"queue-{size}" / "store.json"
            seconds = fill_store(pristine[size], size, pre, queue=QUEUE)
            print(figure("prefill_s", queue_rows=size, seconds=seconds), flush=True)
        arrivals = [pre.stored(d) for d in raw_mentions(appends, start=STREAM_START, templates=templates)]
        assert all(m["queue"] == QUEUE for m in arrivals)
        work = tmp / "work" / "store.json"
        work.parent.mkdir()
        print(f"# gc: {'gc.freeze() once the first screen is up' if args.gc_freeze else 'default'}",
              flush=True)

        runs: dict[int, list[dict[str, list[float]]]] = {size: [] for size in sizes}
        for _ in range(rounds):
            for size in sizes:
                copy_store(pristine[size], work)
                runs[size].append(with_app(work, size, work_measure(steps, arrivals), freeze=args.gc_freeze))
                remove_store(work)
        # Per round the median of its steps, then the median over rounds; pauses and the slowest
        # steps are pooled over every round.
        rs = {size: {key: median(median(run[key]) for run in runs[size]) for key in runs[size][0]
                     if not key.startswith("gc_")} for size in sizes}
        for size in sizes:
            r = rs[size]
            steps_all = [t for run in runs[size] for t in run["repaint"]]
            pauses = [t for run in runs[size] for t in run["gc_repaint"]]
            print(figure("repaint_ms", queue_rows=size, median=r["repaint"] * 1e3,
                         p99=percentile(steps_all, 0.99) * 1e3, max=max(steps_all) * 1e3, steps=steps,
                         rounds=rounds), flush=True)
            print(figure("gc_full_collections", during="repaint", queue_rows=size, count=len(pauses),
                         max_ms=max(pauses, default=0) * 1e3), flush=True)
            for cache in ("warm", "cold"):
                print(figure("render_screenful_us", cache=cache, queue_rows=size, median=r[cache] * 1e6,
                             steps=steps), flush=True)
            print(figure("append_ms", queue_rows=size, median=r["append"] * 1e3,
                         with_repaint=r["append_paint"] * 1e3, add=r["add"] * 1e3, uids=r["uids"] * 1e3,
                         set_uids=r["set_uids"] * 1e3, counts=r["counts"] * 1e3, appends=appends),
                  flush=True)

        pressed: dict[int, list[float]] = {}
        if presses:
            for size in sizes:
                copy_store(pristine[size], work)
                got = with_app(work, size, press_measure(presses), freeze=args.gc_freeze)
                remove_store(work)
                pressed[size] = got["press"]
                print(figure("pilot_press_ms", queue_rows=size, median=median(pressed[size]) * 1e3,
                             p99=percentile(pressed[size], 0.99) * 1e3, max=max(pressed[size]) * 1e3,
                             total_s=sum(pressed[size]), presses=presses), flush=True)
                print(figure("gc_full_collections", during="presses", queue_rows=size,
                             count=len(got["gc_press"]), max_ms=max(got["gc_press"], default=0) * 1e3),
                      flush=True)

        small, big = sizes
        label = f"{big}/{small}"
        print("# summary")
        if presses:
            print(ratio_line("pilot_press_ratio", median(pressed[big]) / median(pressed[small]),
                             target="<=1.5", queue_rows=label, presses=presses))
            print(ratio_line("pilot_press_total_ratio", sum(pressed[big]) / sum(pressed[small]),
                             target="<=1.5", queue_rows=label, presses=presses))
        print(ratio_line("repaint_ratio", rs[big]["repaint"] / rs[small]["repaint"], target="<=1.5",
                         queue_rows=label, steps=steps))
        for cache in ("warm", "cold"):
            print(ratio_line("render_screenful_ratio", rs[big][cache] / rs[small][cache], target="<=1.5",
                             cache=cache, queue_rows=label))
        print(ratio_line("append_ratio", rs[big]["append"] / rs[small]["append"], target="<=1.5",
                         queue_rows=label))
        print(ratio_line("append_with_repaint_ratio", rs[big]["append_paint"] / rs[small]["append_paint"],
                         target="<=1.5", queue_rows=label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
