"""Typing a reply with live hints on and off (issue 3): does linting as you type slow the editor?

Run: python tests/benchmarks/bench_typing.py [--quick] [--repeats R] [--chars N]

One app, headless (120x40), one mention in the store; the reply editor (`ReplyScreen`) is pushed
with `hints_enabled=True` ("on") or `False` ("off": the meter is still recomputed, no rule runs).
The same 300-character reply (three hints in it) is typed in every run; on and off alternate,
R repeats each (default 5), all in the same process.

* `pilot_type_s`: Pilot presses the 300 keys, one `pilot.press` each. Pilot waits for the app to go
  idle after every key (about 63 ms a key on any widget, see PERF-NOTES), and the hints are
  recomputed 50 ms after a keystroke, so this mostly times Pilot's waiting: the ratio on/off is
  printed, but it says little about the work.
* `keystroke_us`: the work itself, per keystroke-equivalent: `DraftArea.insert` of one character,
  the screen handling the `Changed` message (the draft is saved), `ReplyScreen.recompute()` run
  right away (the debounce is set out of the way, so every keystroke pays one recompute: the
  worst case, and the usual one for a person typing slower than one key per 50 ms), then the
  screen's pending messages processed and the compositor update forced (the repaint with the
  highlighted spans). Median over the 300 keystrokes, then over the repeats.
* `recompute_us`: `ReplyScreen.recompute()` alone, per keystroke-equivalent (off still scores the
  draft and updates the meter). `hints_add_us`: keystroke on minus keystroke off.
* `check_us`: `HintEngine.check(prefix, platform, whole_draft=False)` alone, for every prefix of
  the text (1..300 characters): what the hints add per keystroke, with no widget work. (The
  whole-draft checks run once per pause, not per keystroke.)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import figure, isolate_env, median, ratio_line

from tests.helpers import FeedSource, fixed_clock, make_mention
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.inbox import InboxScreen
from tui.ui.screens.reply import ReplyScreen, hint_engine
from tui.ui.widgets.mention_list import MentionList

SIZE = (120, 40)
UID = "mastodon:1"
PLATFORM = "mastodon"
TEXT = ("Hi Sam, I'm sorry your order arrived cold again. Unfortunately we can't refund it "
        "automatically, and it's not our fault the courier was late, but that is our policy. "
        "I've asked the kitchen to check order 4417 and I will email you a replacement voucher "
        "today. Thanks for telling us, it helps us. -- Jo")
assert len(TEXT) == 300
MODES = {"on": True, "off": False}


async def repaint(app: TurnaroundApp, pilot: Any) -> None:
    """Let the screen handle what is pending, then paint now (as `Pilot.pause` does, without its
    idle wait). `_wait_for_screen` is private to Pilot; a benchmark may lean on it."""
    await pilot._wait_for_screen()
    await pilot._wait_for_screen()
    app.screen._on_timer_update()


async def open_editor(app: TurnaroundApp, pilot: Any, hints: bool) -> ReplyScreen:
    """A fresh reply editor on the mention, with an empty draft."""
    assert app.session is not None
    app.session.store.drop_draft(UID)
    screen = ReplyScreen(app.session, UID, hints_enabled=hints)
    await app.push_screen(screen)
    await pilot.pause()
    assert app.screen is screen and screen.draft.text == ""
    return screen


async def close_editor(app: TurnaroundApp, pilot: Any, screen: ReplyScreen, hints: bool,
                       text: str) -> None:
    """Check what was typed arrived whole and hinted (or not), then leave the editor."""
    await pilot.pause(ReplyScreen.DEBOUNCE * 4)
    if screen.draft.text != text:
        raise RuntimeError(f"typed {text!r}, the editor holds {screen.draft.text!r}")
    if bool(screen.hints) != (hints and bool(hint_engine().check(text, PLATFORM, whole_draft=False))):
        raise RuntimeError(f"hints {'on' if hints else 'off'}, editor shows {len(screen.hints)}")
    screen.dismiss(False)
    await pilot.pause()
    assert app.session is not None
    app.session.store.drop_draft(UID)


async def pilot_run(app: TurnaroundApp, pilot: Any, hints: bool, text: str) -> list[float]:
    screen = await open_editor(app, pilot, hints)
    times = []
    for char in text:
        started = time.perf_counter()
        await pilot.press(char)
        times.append(time.perf_counter() - started)
    await close_editor(app, pilot, screen, hints, text)
    return times


async def work_run(app: TurnaroundApp, pilot: Any, hints: bool, text: str) -> dict[str, list[float]]:
    screen = await open_editor(app, pilot, hints)
    screen.DEBOUNCE = 3600.0  # the timer never fires: the loop runs recompute itself, once a key
    screen.PAUSE = 3600.0  # nor the pause check: a typist who pauses is not typing
    out: dict[str, list[float]] = {"keystroke": [], "recompute": []}
    draft = screen.draft
    for char in text:
        t0 = time.perf_counter()
        draft.insert(char)
        await pilot._wait_for_screen()
        t1 = time.perf_counter()
        screen.recompute()
        t2 = time.perf_counter()
        await repaint(app, pilot)
        t3 = time.perf_counter()
        out["keystroke"].append(t3 - t0)
        out["recompute"].append(t2 - t1)
    if screen._timer is not None:
        screen._timer.stop()
    if screen._pause_timer is not None:
        screen._pause_timer.stop()
    screen.DEBOUNCE = ReplyScreen.DEBOUNCE
    screen.PAUSE = ReplyScreen.PAUSE
    screen.recompute()
    await close_editor(app, pilot, screen, hints, text)
    return out


def check_times(text: str, repeats: int) -> list[float]:
    """Per prefix, the median over repeats of `HintEngine.check` on it."""
    engine = hint_engine()
    per_prefix: list[list[float]] = [[] for _ in text]
    for _ in range(repeats):
        for n in range(1, len(text) + 1):
            prefix = text[:n]
            started = time.perf_counter()
            engine.check(prefix, PLATFORM, whole_draft=False)  # what the editor runs per keystroke
            per_prefix[n - 1].append(time.perf_counter() - started)
    return [median(times) for times in per_prefix]


async def run_all(text: str, repeats: int, pilot_repeats: int) -> dict[str, Any]:
    mention = make_mention(1, "My order arrived cold and late again. Third time this month. Refund please.",
                           minutes_ago=20)
    app = make_app(Config(), Path(tempfile.mkdtemp(prefix="bench-typing-")) / "store.json",
                   sources=[FeedSource([mention])], clock=fixed_clock)
    work: dict[str, list[dict[str, list[float]]]] = {mode: [] for mode in MODES}
    typed: dict[str, list[list[float]]] = {mode: [] for mode in MODES}
    async with app.run_test(size=SIZE) as pilot:
        started = time.perf_counter()
        while not (isinstance(app.screen, InboxScreen)
                   and app.screen.query_one(MentionList).current_uid == UID):
            await pilot.pause(0.05)
            if time.perf_counter() - started > 30:
                raise TimeoutError("the mention never showed")
        hint_engine()  # compiled once per process, before anything is timed
        await work_run(app, pilot, True, text[:20])  # warm-up, not counted
        for repeat in range(repeats):
            order = list(MODES) if repeat % 2 == 0 else list(reversed(MODES))
            for mode in order:
                work[mode].append(await work_run(app, pilot, MODES[mode], text))
        for repeat in range(pilot_repeats):
            order = list(MODES) if repeat % 2 == 0 else list(reversed(MODES))
            for mode in order:
                typed[mode].append(await pilot_run(app, pilot, MODES[mode], text))
    return {"work": work, "typed": typed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves the script runs")
    parser.add_argument("--repeats", type=int, default=None, help="runs of each mode (default 5)")
    parser.add_argument("--pilot-repeats", type=int, default=None,
                        help="Pilot runs of each mode (default 3; each takes ~20 s)")
    parser.add_argument("--chars", type=int, default=None, help="type only the first N characters")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    pilot_repeats = args.pilot_repeats if args.pilot_repeats is not None else (1 if args.quick else 3)
    text = TEXT[: args.chars or (40 if args.quick else len(TEXT))]

    with tempfile.TemporaryDirectory(prefix="bench-typing-home-") as name:
        isolate_env(Path(name))
        results = asyncio.run(run_all(text, repeats, pilot_repeats))
    work, typed = results["work"], results["typed"]
    checks = check_times(text, max(repeats, 5))
    hints = hint_engine().check(text, PLATFORM)

    print(f"# {len(text)} characters typed into the reply editor ({PLATFORM}), {len(hints)} hints in "
          f"the full text; on/off alternate; headless {SIZE}")
    per: dict[str, dict[str, float]] = {}
    for mode in MODES:
        per[mode] = {key: median(median(run[key]) for run in work[mode])
                     for key in ("keystroke", "recompute")}
        every = [t for run in work[mode] for t in run["keystroke"]]
        print(figure("keystroke_us", hints=mode, median=per[mode]["keystroke"] * 1e6,
                     p90=sorted(every)[int(0.9 * len(every))] * 1e6, max=max(every) * 1e6,
                     keys=len(text), repeats=repeats))
        print(figure("recompute_us", hints=mode, median=per[mode]["recompute"] * 1e6, keys=len(text),
                     repeats=repeats))
    print(figure("check_us", median=median(checks) * 1e6, at_300_chars=checks[-1] * 1e6,
                 max=max(checks) * 1e6, prefixes=len(text)))
    totals: dict[str, float] = {}
    for mode in MODES:
        if not typed[mode]:
            continue
        totals[mode] = median(sum(run) for run in typed[mode])
        keys = [t for run in typed[mode] for t in run]
        print(figure("pilot_type_s", hints=mode, median=totals[mode], per_key_ms=median(keys) * 1e3,
                     max_key_ms=max(keys) * 1e3, keys=len(text), repeats=len(typed[mode])))
    print("# summary")
    print(ratio_line("keystroke_ratio", per["on"]["keystroke"] / per["off"]["keystroke"], target="<=1.2",
                     hints="on/off", measure="work"))
    added = per["on"]["keystroke"] - per["off"]["keystroke"]
    print(figure("hints_add_us", median=added * 1e6, recompute_on_minus_off=(
        per["on"]["recompute"] - per["off"]["recompute"]) * 1e6,
        share_of_keystroke=added / per["on"]["keystroke"]))
    if totals:
        print(ratio_line("pilot_type_ratio", totals["on"] / totals["off"], target="<=1.2",
                         hints="on/off", measure="pilot"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
