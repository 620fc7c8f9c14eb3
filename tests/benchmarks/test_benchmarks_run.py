"""The benchmark scripts keep working: each runs at its --quick size, in a subprocess, and prints every
figure line it promises. The figures themselves are not checked here (tiny sizes on a shared machine
say nothing); the full runs are in the issue notes."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent
FIGURES = {
    "bench_store.py": ["history_prefill_s", "history_first_screen_s", "prefill_s", "ingest_us_per_mention",
                       "first_write_ms", "stock_tinydb_us_per_insert", "open_s", "open_ratio",
                       "app_first_screen_s", "app_first_screen_ratio"],
    "bench_list.py": ["history_prefill_s", "history_first_screen_s", "prefill_s", "repaint_ms",
                      "gc_full_collections", "render_screenful_us", "append_ms", "pilot_press_ms"],
    "bench_flow.py": ["keys_per_mention", "wall_s"],
    "bench_typing.py": ["keystroke_us", "check_us"],
}
RATIOS = {
    "bench_store.py": ["history_first_screen_ratio", "history_ingest_ratio", "ingest_ratio",
                       "stock_over_ours"],
    "bench_list.py": ["history_first_screen_ratio", "pilot_press_ratio", "pilot_press_total_ratio",
                      "repaint_ratio", "render_screenful_ratio", "append_ratio", "append_with_repaint_ratio"],
    "bench_flow.py": ["done_keys_per_mention"],
    "bench_typing.py": ["keystroke_ratio"],
}
FIELD = r"[\w-]+=[\w./<>=-]+"
NUMBER = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, subprocess.Popen[str]]]:
    """Both scripts start at once (they are mostly waiting on each other's core otherwise)."""
    procs = {name: subprocess.Popen([sys.executable, str(BENCHMARKS / name), "--quick"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in FIGURES}
    yield procs
    for proc in procs.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("script", sorted(FIGURES))
def test_benchmark_runs_and_prints_its_figures(script: str, runs: dict[str, subprocess.Popen[str]]) -> None:
    out, err = runs[script].communicate(timeout=170)
    assert runs[script].returncode == 0, err[-3000:]
    lines = out.splitlines()
    for name in FIGURES[script]:
        found = [line for line in lines if line.startswith(name + " ")]
        assert found, f"{script} printed no {name} line:\n{out}"
        for line in found:
            assert re.fullmatch(rf"{name}( {FIELD})+", line), line
            assert re.search(rf" (median|ratio|seconds|count)=({NUMBER}|inf)( |$)", line), line
    for name in RATIOS[script]:
        found = [line for line in lines if line.startswith(name + " ")]
        assert found, f"{script} printed no {name} line:\n{out}"
        for line in found:
            assert re.search(rf" ratio={NUMBER} target(<=|>=){NUMBER} (PASS|MISS)$", line), line
