"""Clearing a queue from the keyboard (issue 9): key presses per mention handled, and the wall time.

Run: python tests/benchmarks/bench_flow.py [--quick] [--mentions N] [--rounds R]

A fresh store per pass; N mentions (default 50) stream in through the real pipeline from a test
source, every one of them filed in the priority queue (the queue the inbox opens on), each its own
thread. The app runs headless (120x40) with a fixed clock; Pilot sends every key and each one is
counted, including every character typed into a dialog.

* done-only pass: `d` until the queue is empty. `d` moves the cursor on by itself, so the expected
  figure is 1.0 key per mention (target <= 1.2).
* mixed pass: the same queue, handled as an agent would: mostly `d`; one mention in ten escalated
  (`e`, sometimes `down` to pick another team than the suggested one, `enter`, a note or none,
  `enter`); one in ten tagged then done (`#`, the tag, `enter`, `d`). Printed: all keys per mention,
  and the command keys alone (without the characters typed into the note and tag boxes).

Before every action the script checks that the cursor sits on a mention not handled yet and the
inbox is the screen in front, and after the pass that the queue is empty and every mention is where
the plan sent it (done, escalated with its team and note, tagged): no key is hidden or wasted.

Wall time: Pilot waits for the app to go idle after every key (about 63 ms a key on any widget, see
PERF-NOTES), so most of the wall time is that wait. `pilot_idle_ms` is the same wait for a key no
binding handles (f12). `done_work_ms` is what `d` costs the app itself: `action_done()` and the
repaint after it, timed without Pilot, once per mention of a fresh queue.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Pretriager, figure, isolate_env, median, ratio_line, raw_mentions, strip_private

from tests.helpers import NOW, FeedSource, fixed_clock
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.inbox import InboxScreen
from tui.ui.widgets.mention_list import MentionList

QUEUE = "priority"
SIZE = (120, 40)
NOTES = ("charged twice", "")
TAGS = ("billing", "late")


@dataclass
class Pass:
    """One pass over the queue: keys sent, by kind, and what each mention should end up as."""

    keys: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    handled: list[str] = field(default_factory=list)
    plan: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.keys.values())


def records(count: int, pre: Pretriager) -> list[dict[str, Any]]:
    """`count` raw records whose text triage files in the priority queue, an hour old or less."""
    templates = pre.templates_for(QUEUE)
    out = []
    for i, data in enumerate(raw_mentions(count, templates=templates)):
        data = strip_private(data)
        data["created_at"] = (NOW - timedelta(minutes=60) + timedelta(seconds=30 * i)).isoformat()
        data.pop("in_reply_to", None)
        out.append(data)
    return out


async def open_inbox(app: TurnaroundApp, pilot: Any, count: int) -> MentionList:
    started = time.perf_counter()
    while True:
        await pilot.pause(0.05)
        screen = app.screen
        if app.session is not None and isinstance(screen, InboxScreen):
            lst = screen.query_one(MentionList)
            if app.session.inbox.count(QUEUE) >= count and len(lst.uids) >= count:
                break
        if time.perf_counter() - started > 60:
            raise TimeoutError("the mentions never reached the priority queue")
    await pilot.pause(0.2)
    assert app.session is not None
    if app.session.store.mention_count() != count or app.session.inbox.count(QUEUE) != count:
        raise RuntimeError(f"expected {count} mentions, all in {QUEUE}; got "
                           f"{app.session.inbox.count(QUEUE)} of {app.session.store.mention_count()}")
    return lst


async def press(pilot: Any, run: Pass, kind: str, *keys: str) -> None:
    """Send keys one Pilot call each, counting them under `kind`."""
    for key in keys:
        await pilot.press(key)
        run.keys[kind] += 1


def escalation_keys(step: int) -> tuple[list[str], str]:
    """Which keys pick the team, and the note: alternately the suggested team with a note, and the
    next team down with none."""
    if step % 2 == 0:
        return [], NOTES[0]
    return ["down"], NOTES[1]


async def one_pass(data: list[dict[str, Any]], tmp: Path, mixed: bool) -> Pass:
    run = Pass()
    app = make_app(Config(), tmp / "store.json", sources=[FeedSource(data)], clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        lst = await open_inbox(app, pilot, len(data))
        session = app.session
        assert session is not None
        started = time.perf_counter()
        k = 0
        while lst.uids:
            screen = app.screen
            uid = lst.current_uid
            if not isinstance(screen, InboxScreen) or uid is None or uid in run.handled:
                raise RuntimeError(f"key {run.total}: cursor on {uid!r}, screen {type(screen).__name__}")
            run.handled.append(uid)
            if mixed and k % 10 == 3:
                pick, note = escalation_keys(k // 10)
                teams = list(session.config.routing) or ["support-lead", "billing", "tech", "legal", "pr"]
                await press(pilot, run, "command", "e", *pick, "enter")
                chosen = app.screen.query_one("#choice-options").highlighted  # type: ignore[attr-defined]
                await press(pilot, run, "text", *note)
                await press(pilot, run, "command", "enter")
                run.plan[uid] = ("escalated", {"team": teams[chosen], "note": note})
            elif mixed and k % 10 == 7:
                tag = TAGS[(k // 10) % len(TAGS)]
                await press(pilot, run, "command", "number_sign")
                await press(pilot, run, "text", *tag)
                await press(pilot, run, "command", "enter", "d")
                run.plan[uid] = ("done", {"tag": tag})
            else:
                await press(pilot, run, "command", "d")
                run.plan[uid] = ("done", {})
            k += 1
        run.seconds = time.perf_counter() - started
        check(app, run)
    return run


def check(app: TurnaroundApp, run: Pass) -> None:
    """Every mention ended where the plan sent it: the key count hides nothing."""
    assert app.session is not None
    store = app.session.store
    if app.session.inbox.count(QUEUE):
        raise RuntimeError("the queue is not empty")
    escalations = {e["uids"][0]: e for e in store.events() if e.get("action") == "escalate"}
    for uid, (state, expect) in run.plan.items():
        mention = store.mention(uid) or {}
        if mention.get("state") != state:
            raise RuntimeError(f"{uid}: state {mention.get('state')!r}, planned {state!r}")
        if "tag" in expect and expect["tag"] not in (mention.get("tags") or []):
            raise RuntimeError(f"{uid}: tags {mention.get('tags')}, planned {expect['tag']!r}")
        if state == "escalated":
            details = (escalations.get(uid) or {}).get("details") or {}
            if details.get("team") != expect["team"] or details.get("note", "") != expect["note"]:
                raise RuntimeError(f"{uid}: escalated with {details}, planned {expect}")


async def repaint(app: TurnaroundApp, pilot: Any) -> None:
    """Let the screen handle what is pending, then paint now (as `Pilot.pause` does, without its
    idle wait). `_wait_for_screen` is private to Pilot; a benchmark may lean on it."""
    await pilot._wait_for_screen()
    await pilot._wait_for_screen()
    app.screen._on_timer_update()


async def done_work(data: list[dict[str, Any]], tmp: Path) -> list[float]:
    """What `d` costs the app without Pilot's idle wait: the action, then the repaint, per mention."""
    app = make_app(Config(), tmp / "store.json", sources=[FeedSource(data)], clock=fixed_clock)
    times = []
    async with app.run_test(size=SIZE) as pilot:
        lst = await open_inbox(app, pilot, len(data))
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        while lst.uids:
            started = time.perf_counter()
            screen.action_done()
            await repaint(app, pilot)
            times.append(time.perf_counter() - started)
        if len(times) != len(data):
            raise RuntimeError(f"{len(times)} actions for {len(data)} mentions")
    return times


async def idle_cost(data: list[dict[str, Any]], tmp: Path, presses: int) -> list[float]:
    """Pilot's own wait for a key that nothing handles."""
    app = make_app(Config(), tmp / "store.json", sources=[FeedSource(data)], clock=fixed_clock)
    times = []
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(app, pilot, len(data))
        for _ in range(presses):
            started = time.perf_counter()
            await pilot.press("f12")
            times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves the script runs")
    parser.add_argument("--mentions", type=int, default=None, help="mentions in the queue (default 50)")
    parser.add_argument("--rounds", type=int, default=None, help="passes of each kind (default 3)")
    args = parser.parse_args(argv)
    count = args.mentions or (10 if args.quick else 50)
    rounds = args.rounds or (1 if args.quick else 3)

    with tempfile.TemporaryDirectory(prefix="bench-flow-") as name:
        tmp = Path(name)
        isolate_env(tmp / "home")
        data = records(count, Pretriager())
        runs: dict[str, list[Pass]] = {"done-only": [], "mixed": []}
        for round_no in range(rounds):
            for kind in runs:
                work = tmp / f"{kind}-{round_no}"
                work.mkdir()
                runs[kind].append(asyncio.run(one_pass(data, work, kind == "mixed")))
        idle_dir = tmp / "idle"
        idle_dir.mkdir()
        idle = asyncio.run(idle_cost(data, idle_dir, 20 if args.quick else 100))
        work_dir = tmp / "work"
        work_dir.mkdir()
        work = asyncio.run(done_work(data, work_dir))

        print(f"# {count} mentions in {QUEUE}, {rounds} round(s) of each pass, Pilot, headless {SIZE}")
        for kind, passes in runs.items():
            first = passes[0]
            if any(p.keys != first.keys for p in passes):
                raise RuntimeError(f"{kind}: the key counts differ between rounds")
            escalated = sum(1 for state, _ in first.plan.values() if state == "escalated")
            tagged = sum(1 for _, expect in first.plan.values() if "tag" in expect)
            seconds = median(p.seconds for p in passes)
            print(figure("keys_per_mention", **{"pass": kind}, ratio=first.total / count, keys=first.total,
                         command_keys=first.keys["command"], text_keys=first.keys["text"],
                         mentions=count, escalated=escalated, tagged=tagged))
            print(figure("command_keys_per_mention", **{"pass": kind}, ratio=first.keys["command"] / count,
                         mentions=count))
            print(figure("wall_s", **{"pass": kind}, median=seconds, min=min(p.seconds for p in passes),
                         max=max(p.seconds for p in passes), per_mention_ms=seconds / count * 1e3,
                         per_key_ms=seconds / first.total * 1e3, rounds=rounds))
        print(figure("pilot_idle_ms", key="f12", median=median(idle) * 1e3, presses=len(idle)))
        print(figure("done_work_ms", median=median(work) * 1e3, max=max(work) * 1e3, mentions=len(work)))
        print("# summary")
        done = runs["done-only"][0]
        print(ratio_line("done_keys_per_mention", done.total / count, target="<=1.2", mentions=count))
        mixed = runs["mixed"][0]
        print(figure("mixed_keys_per_mention", ratio=mixed.total / count,
                     command_only=mixed.keys["command"] / count, mentions=count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
