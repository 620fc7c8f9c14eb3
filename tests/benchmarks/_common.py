"""Shared by the store and list benchmarks: realistic mentions from a fixed seed, stores built fast,
peak RSS, medians and child processes.

The mention texts are the labelled triage sets and the demo data (about 400 real-looking posts), each
given a unique tail (an order or ticket number) so the pipeline never folds two of them as repeats.
Pre-filling 100k mentions through the pipeline would spend ~26 s in triage alone (~260 us each), so
`Pretriager` triages each template text once and fills in the stored fields the way `Pipeline.ingest`
does; the streamed mentions a benchmark times still go through the real path.
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers import NOW  # noqa: E402
from tui.model import parse_mention, uid_of  # noqa: E402
from tui.queues import queue_of  # noqa: E402
from tui.store import Store  # noqa: E402
from tui.triage import Triager, TriageResult  # noqa: E402

SEED = 20261124
SOURCES = ("mastodon", "bluesky", "mastodon", "reddit", "bluesky", "hn", "rss", "mastodon")
"""Source by index (mastodon and bluesky most common); a reply's parent shares its source."""
AUTHORS = 30_000
"""Distinct authors: at 100k mentions each has about three, as a busy brand's regulars do."""
SPACING = timedelta(seconds=1.5)
"""Time between two generated mentions: 100k of them span about 1.7 days before NOW."""
TAILS = (" (order {n})", " Ref #{n}.", " Ticket {n}.", " #{n}", " - {n}")


def isolate_env(home: Path) -> None:
    """Point config and data dirs at `home`, so no benchmark reads or writes the developer's files."""
    for name, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("HOME", "")):
        os.environ[name] = str(home / sub) if sub else str(home)
    os.environ.pop("NO_COLOR", None)


def _corpus() -> list[tuple[str, int | None]]:
    texts: list[tuple[str, int | None]] = []
    data = ROOT / "tests" / "data"
    files = [data / "triage_labelled.jsonl", data / "triage_heldout.jsonl",
             ROOT / "tui" / "data" / "demo" / "mentions.jsonl"]
    for path in files:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append((row["text"], row.get("followers")))
    return texts


CORPUS = _corpus()


def _author(source: str, k: int) -> str:
    if source == "mastodon":
        return f"@user{k}@example.social"
    if source == "bluesky":
        return f"@user{k}.bsky.social"
    if source == "reddit":
        return f"u/user{k}"
    return f"user{k}"


def raw_mention(i: int, rng: random.Random, template: int | None = None) -> dict[str, Any]:
    """The canonical record a source would yield for mention number `i`."""
    source = SOURCES[i % len(SOURCES)]
    tpl = rng.randrange(len(CORPUS)) if template is None else template
    text, followers = CORPUS[tpl]
    k = rng.randrange(AUTHORS)
    created = min(NOW, NOW - timedelta(days=2) + SPACING * i + timedelta(seconds=rng.random()))
    data: dict[str, Any] = {
        "id": str(i), "source": source, "author": _author(source, k), "author_name": f"User {k}",
        "text": text + rng.choice(TAILS).format(n=100_000 + i),
        "followers": followers if followers is not None else int(rng.lognormvariate(5.5, 1.8)),
        "created_at": created.isoformat(), "url": f"https://example.social/@user{k}/{i}",
        "_template": tpl,
    }
    if i > 8 * 60 and rng.random() < 0.1:
        data["in_reply_to"] = str(i - len(SOURCES) * rng.randint(1, 60))
    return data


def raw_mentions(count: int, *, start: int = 0, seed: int = SEED,
                 templates: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """`count` records numbered from `start`; the same arguments always give the same records.

    `templates` restricts the texts (e.g. to those triage sends to one queue)."""
    rng = random.Random(f"{seed}:{start}")
    out = []
    for i in range(start, start + count):
        tpl = rng.choice(templates) if templates else None
        data = raw_mention(i, rng, tpl)
        out.append(data)
    return out


def strip_private(data: dict[str, Any]) -> dict[str, Any]:
    """The record as a source yields it (without our `_template` marker)."""
    return {k: v for k, v in data.items() if k != "_template"}


class Pretriager:
    """Stored mentions without running triage per mention: each template is triaged once."""

    def __init__(self, triager: Triager | None = None) -> None:
        self.triager = triager or Triager.load()
        self.results: list[TriageResult] = [
            self.triager.triage(text, followers=followers, created_at=NOW - timedelta(hours=1), now=NOW)
            for text, followers in CORPUS
        ]
        self._threads: dict[str, str] = {}

    def templates_for(self, queue: str) -> list[int]:
        """Templates whose mentions triage files in `queue`, whichever unique tail they get (the
        learned half of triage reads every word, so a tail can tip a borderline text)."""
        out = []
        for i, result in enumerate(self.results):
            if result.queue != queue:
                continue
            text, followers = CORPUS[i]
            if all(self.triager.triage(text + tail.format(n=123456), followers=followers, now=NOW).queue
                   == queue for tail in TAILS):
                out.append(i)
        return out

    def stored(self, data: dict[str, Any]) -> dict[str, Any]:
        """The dict `Pipeline.ingest` would store for this record (fields filled in the same way)."""
        mention = parse_mention(strip_private(data))
        if mention.get("in_reply_to"):
            parent = self._threads.get(uid_of(mention["source"], mention["in_reply_to"]))
            if parent is not None and not mention.get("thread"):
                mention["thread_uid"] = parent
        result = self.results[data["_template"]]
        mention.update(result.as_dict())
        mention.pop("queue", None)
        mention["triage_queue"] = result.queue
        mention["received_at"] = NOW.isoformat(timespec="seconds")
        mention["state"] = "open"
        mention["read"] = False
        mention["tags"] = []
        mention["queue"] = queue_of(mention)
        self._threads[mention["uid"]] = mention["thread_uid"]
        return mention


def fill_store(path: Path, count: int, pre: Pretriager, *, queue: str | None = None,
               compact: bool = True, seed: int = SEED) -> float:
    """Write `count` pre-triaged mentions with `Store.add_mention` and close; returns seconds taken.

    `compact=False` leaves everything in the journal (no snapshot), as after a crash."""
    templates = pre.templates_for(queue) if queue else None
    started = time.perf_counter()
    store = Store(path)
    for data in raw_mentions(count, seed=seed, templates=templates):
        store.add_mention(pre.stored(data))
    store.close(compact=compact)
    return time.perf_counter() - started


def copy_store(src: Path, dst: Path) -> None:
    """Copy a closed store (snapshot and journal, whichever exist) to `dst`, replacing what was there."""
    for suffix in ("", ".log", ".log.old"):
        target = dst.with_name(dst.name + suffix)
        target.unlink(missing_ok=True)
        source = src.with_name(src.name + suffix)
        if source.exists():
            shutil.copyfile(source, target)


def remove_store(path: Path) -> None:
    for suffix in ("", ".log", ".log.old", ".lock", ".tmp"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


# -- measuring ---------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def time_each(fn: Callable[[Any], object], items: Iterable[Any]) -> float:
    """Seconds for calling `fn` on every item, one by one."""
    items = list(items)
    started = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - started


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class GcWatch:
    """Counts CPython's full (generation 2) collections while active, and how long each took: with
    100k mentions in memory one can stall the event loop for the better part of a second."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started: float | None = None

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.pauses.append(time.perf_counter() - self._started)
            self._started = None

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def ratio_line(name: str, ratio: float, *, target: str, **labels: Any) -> str:
    """`name k=v ... ratio=R target<=T PASS|MISS`, the one line a reader greps for."""
    op, limit = (target[:2], float(target[2:]))
    ok = ratio <= limit if op == "<=" else ratio >= limit
    parts = " ".join(f"{k}={v}" for k, v in labels.items())
    return f"{name} {parts} ratio={ratio:.2f} target{target} {'PASS' if ok else 'MISS'}".replace("  ", " ")


def figure(name: str, **fields: Any) -> str:
    """`name k=v ...` with floats kept short."""
    def show(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
        return str(value)
    return " ".join([name, *(f"{k}={show(v)}" for k, v in fields.items())])


def run_child(script: Path, *args: str, timeout: float = 600) -> dict[str, Any]:
    """Run `python script --child ARGS` in a fresh process; return the JSON object it printed last."""
    proc = subprocess.run([sys.executable, str(script), "--child", *args], capture_output=True,
                          text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"child {args} printed no result:\n{proc.stdout[-2000:]}")
