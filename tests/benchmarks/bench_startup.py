"""Issue 17: how fast the command-line tools start, against a bare interpreter, measured in one run.

`turnaround lint` runs from editor hooks and pre-commit over a whole library of saved replies, and
`turnaround triage` from scripts, so each must start within 150 ms of `python -c pass` on the same
machine. Every command runs in a fresh interpreter, in interleaved rounds (so a busy neighbour slows all of
them alike), with the user's config and data dirs pointed at an empty temporary home.

    python tests/benchmarks/bench_startup.py [--rounds N] [--quick]

Prints, per command, `startup_ms command=NAME median=MS`, then for lint and triage the difference from
the bare interpreter (`startup_over_bare_ms ... target<=150 PASS|MISS`) and the ratio
(`startup_ratio ... ratio=R`). `--help` is measured too (no target: it should not pay for the commands).
`startup_phase_ms` splits lint and triage into imports, building their rules, and one check, timed
inside one interpreter, to show where the time goes. lint keeps its compiled patterns in a cache file
(tui/rules/regexcache.py), filled by the warm-up run: `lint` is that warm start, `lint_cold` starts with an
empty cache every time (the first run after an install or a rule edit), and the lint phases show
`rules_load` (warm) beside `rules_load_cold`. triage keeps its compiled patterns, parsed rule file and
VADER lexicons in one cache file and the model's ready tables beside it (tui/core/triage_modelcache.py),
loaded as `turnaround triage` loads them: its phases are `imports`, `rules_load` (Triager.load, warm),
`model_load` (the model, warm) and `check` (one mention). The triage command also skips the interpreter's
teardown (tui/cli/command.py `run`), which no phase shows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MS = 150.0
"""lint and triage must start within this of `python -c pass`."""

DRAFT = "Sorry for the wait! I've refunded the £12 to your card.\n"
MENTION = ('{"id": "1", "source": "mastodon", "author": "@ann@x.social", '
           '"text": "My order arrived cold again, not happy", "created_at": "2026-11-20T10:00:00Z"}\n')


def commands(work: Path) -> dict[str, list[str]]:
    draft = work / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    mention = work / "mention.jsonl"
    mention.write_text(MENTION, encoding="utf-8")
    python = sys.executable
    return {
        "bare": [python, "-c", "pass"],
        "lint": [python, "-m", "tui", "lint", str(draft)],
        "lint_cold": [python, "-m", "tui", "lint", str(draft)],
        "triage": [python, "-m", "tui", "triage", str(mention)],
        "help": [python, "-m", "tui", "--help"],
    }


PHASES = """
import sys, time
t0 = time.perf_counter()
import tui.cli.command, tui.core.lint
from tui.core.hints import HintEngine
t1 = time.perf_counter()
from tui.storage import paths
engine = HintEngine.load(None, cache_file=paths.cache_dir() / "bench-phases.marshal")
t2 = time.perf_counter()
engine.check(sys.argv[1])
t3 = time.perf_counter()
HintEngine.load(None)
t3a = time.perf_counter()
from tui.core.triage import CACHE_FILE_NAME, Triager
t4 = time.perf_counter()
triager = Triager.load(None, cache_file=paths.cache_dir() / CACHE_FILE_NAME)
t5 = time.perf_counter()
triager._learned()
t5a = time.perf_counter()
triager.triage(sys.argv[1])
t6 = time.perf_counter()
ms = lambda a, b: f"{(b - a) * 1000:.1f}"
print(ms(t0, t1), ms(t1, t2), ms(t3, t3a), ms(t2, t3), ms(t3a, t4), ms(t4, t5), ms(t5, t5a), ms(t5a, t6))
"""
"""Where a command's time goes, timed inside one fresh interpreter: imports, building the rules, one check."""
PHASE_NAMES = (("lint", "imports"), ("lint", "rules_load"), ("lint", "rules_load_cold"), ("lint", "check"),
               ("triage", "imports"), ("triage", "rules_load"), ("triage", "model_load"), ("triage", "check"))


def phases(env: dict[str, str], rounds: int) -> dict[tuple[str, str], float]:
    samples: list[list[float]] = []
    subprocess.run([sys.executable, "-c", PHASES, DRAFT], env=env, cwd=ROOT, capture_output=True,
                   timeout=120, check=True)  # fills the caches the warm `rules_load`/`model_load` read
    for _ in range(rounds):
        done = subprocess.run([sys.executable, "-c", PHASES, DRAFT], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=120, check=True)
        samples.append([float(v) for v in done.stdout.split()])
    return {name: statistics.median(s[i] for s in samples) for i, name in enumerate(PHASE_NAMES)}


def time_once(argv: list[str], env: dict[str, str], cold_cache: Path | None = None) -> float:
    """Wall time of one run, in milliseconds; the command's exit status must be one it documents."""
    if cold_cache is not None:  # an empty cache dir, made before the clock starts
        shutil.rmtree(cold_cache, ignore_errors=True)
        env = {**env, "XDG_CACHE_HOME": str(cold_cache)}
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=120)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=21, help="runs of each command (default 21)")
    parser.add_argument("--quick", action="store_true", help="3 rounds: checks the script, not the figures")
    args = parser.parse_args()
    rounds = 3 if args.quick else args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home),
               "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        runs = commands(home)
        cold = home / "cold-cache"
        for argv in runs.values():  # warm the bytecode caches, the OS file cache and lint's pattern cache
            time_once(argv, env)
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(rounds):
            for name, argv in runs.items():
                times[name].append(time_once(argv, env, cold if name == "lint_cold" else None))
        breakdown = phases(env, max(3, rounds // 3))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"# {rounds} rounds, interleaved; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    for name, median in medians.items():
        spread = f"{min(times[name]):.1f}-{max(times[name]):.1f}"
        print(f"startup_ms command={name} median={median:.1f} range={spread} runs={rounds}")
    bare = medians["bare"]
    missed = False
    for name in ("lint", "lint_cold", "triage", "help"):
        over = medians[name] - bare
        ratio = medians[name] / bare if bare else float("inf")
        if name in ("help", "lint_cold"):
            print(f"startup_over_bare_ms command={name} median={over:.1f}")
        else:
            verdict = "PASS" if over <= TARGET_MS else "MISS"
            missed = missed or verdict == "MISS"
            print(f"startup_over_bare_ms command={name} median={over:.1f} target<={TARGET_MS:.0f} {verdict}")
        print(f"startup_ratio command={name} ratio={ratio:.2f}")
    for (command, phase), median in breakdown.items():
        print(f"startup_phase_ms command={command} phase={phase} median={median:.1f}")
    if missed:
        print("# MISS: see `python -X importtime -m tui lint|triage FILE` for where the time goes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
