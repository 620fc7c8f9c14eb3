"""Hint engine benchmark: accuracy on the labelled drafts and speed beside proselint.

Run: python tests/benchmarks/bench_hints.py

Accuracy: precision and recall per category and overall (micro-averaged over draft x category
decisions) on tests/data/drafts_labelled.jsonl (the tuning set) and drafts_heldout.jsonl (never
tuned against). Speed: median time of one `HintEngine.check` on drafts of 280, 1,000 and 5,000
characters built from the labelled drafts, next to proselint linting the same text in this run.
Targets: >= 0.9 overall precision and recall; < 1 ms for 1,000 characters.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tui.hints import CATEGORIES, HintEngine  # noqa: E402

DATA = ROOT / "tests" / "data"


def load(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def accuracy(engine: HintEngine, rows: list[dict]) -> tuple[dict[str, tuple[int, int, int]], list]:
    """(tp, fp, fn) per category, and the drafts where the engine disagreed with the label."""
    counts = {c: [0, 0, 0] for c in CATEGORIES}
    misses = []
    for row in rows:
        got = {h.category for h in engine.check(row["text"], row.get("platform"))}
        expected = set(row["expected"])
        for category in CATEGORIES:
            hit, want = category in got, category in expected
            if hit and want:
                counts[category][0] += 1
            elif hit:
                counts[category][1] += 1
            elif want:
                counts[category][2] += 1
        if got != expected:
            misses.append((row["text"], sorted(expected), sorted(got)))
    return {c: (tp, fp, fn) for c, (tp, fp, fn) in counts.items()}, misses


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def print_accuracy(title: str, engine: HintEngine, rows: list[dict]) -> tuple[float, float]:
    counts, misses = accuracy(engine, rows)
    print(f"\n{title}: {len(rows)} drafts")
    print(f"  {'category':<18} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>3} {'fn':>3}")
    total = [0, 0, 0]
    for category, (tp, fp, fn) in counts.items():
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
        print(f"  {category:<18} {p:>9} {r:>7} {tp:>4} {fp:>3} {fn:>3}")
    tp, fp, fn = total
    print(f"  {'overall':<18} {ratio(tp, tp + fp):>9} {ratio(tp, tp + fn):>7} {tp:>4} {fp:>3} {fn:>3}")
    for text, expected, got in misses:
        shown = text if len(text) <= 90 else text[:87] + "..."
        print(f"    miss: {shown!r}\n          expected {expected}, got {got}")
    return tp / (tp + fp), tp / (tp + fn)


def median_seconds(work: Callable[[], object], budget: float = 0.6) -> float:
    """Median per-call time over rounds that together take about `budget` seconds."""
    work()
    start = time.perf_counter()
    work()
    once = max(time.perf_counter() - start, 1e-7)
    per_round = max(1, int(budget / 7 / once))
    rounds = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(per_round):
            work()
        rounds.append((time.perf_counter() - start) / per_round)
    return statistics.median(rounds)


def proselint_linter() -> tuple[Callable[[str], int], str] | None:
    """proselint's own lint path (0.16: `LintFile(...).lint()` over the registered checks)."""
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
        from proselint.version import __version__
    except ImportError:
        return None
    CheckRegistry().register_many(__register__)
    return (lambda text: len(LintFile("<bench>", text).lint())), __version__


def drafts(rows: list[dict], size: int) -> str:
    text = " ".join(r["text"] for r in rows if not r.get("platform"))
    while len(text) < size:
        text += " " + text
    return text[:size]


def main() -> int:
    start = time.perf_counter()
    engine = HintEngine.load()
    load_ms = (time.perf_counter() - start) * 1e3
    labelled, heldout = load("drafts_labelled.jsonl"), load("drafts_heldout.jsonl")
    print(f"Hint engine: {len(engine.rules)} rules, loaded in {load_ms:.0f} ms")
    p1, r1 = print_accuracy("Labelled (tuning) set", engine, labelled)
    p2, r2 = print_accuracy("Held-out set", engine, heldout)

    proselint = proselint_linter()
    print("\nSpeed, median per check (same text for both; proselint runs its own check set):")
    header = "proselint " + proselint[1] if proselint else "proselint (not installed)"
    print(f"  {'draft':<34} {'hint engine':>12} {header:>20}")
    cases = [(f"{n:,} chars, labelled mix", drafts(labelled, n)) for n in (280, 1000, 5000)]
    no_step = ("Thanks for your patience. " * 200)[:1000]  # no next step: the longest absence scan
    cases.append(("1,000 chars, ASCII, no next step", no_step))
    cases.append(("1,000 chars, curly quotes + emoji", drafts(labelled, 990).replace("'", "’") + " 👍🏽" * 5))
    for label, text in cases:
        ours = median_seconds(lambda text=text: engine.check(text, "mastodon"))
        theirs = median_seconds(lambda text=text: proselint[0](text)) if proselint else None
        shown = f"{theirs * 1e3:>17.3f} ms" if theirs is not None else f"{'-':>20}"
        print(f"  {label:<34} {ours * 1e3:>9.3f} ms {shown}")

    env_code = "import time; t=time.perf_counter(); import tui.lint; print(time.perf_counter()-t)"
    done = subprocess.run(
        [sys.executable, "-c", env_code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode == 0:
        print(f"\n`import tui.lint` in a fresh interpreter: {float(done.stdout) * 1e3:.0f} ms")
    ok = min(p1, r1, p2, r2) >= 0.9
    print(f"\nTargets: precision and recall >= 0.9 on both sets: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
