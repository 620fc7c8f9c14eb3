"""What the store's triage lessons cost and whom they touch, on real customer tweets.

Run: python tests/benchmarks/bench_corrections.py [--corrections N]
Real text: the inbound customer tweets of /work/shared/corpora/customer-support-twitter.jsonl (see its
README). The first half goes through the real pipeline into a fresh store; an "agent" then corrects N
of them (default 200) to a label and kind triage did not give (a fixed cycle, so no phrase is corrected
consistently by design). The second half then arrives and we print:

* adjust_us: the time `Lessons.adjust` adds per new mention, with no corrections and with N;
* touched: how many second-half mentions the lessons changed, and how many of those are not the same
  or nearly the same wording as a corrected one (the bound: random corrections must not flip
  unrelated mentions);
* open_ms: `Lessons.from_store` on the store (one pass over its events), also with 100k extra events;
* label_accuracy: a diligent agent on TweetEval (see `diligent_agent`): the lessons' fixes and harms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.core.corrections import Correction, Lessons  # noqa: E402
from tui.core.triage import KINDS, LABELS  # noqa: E402
from tui.rules.config import Config  # noqa: E402
from tui.services.session import Session  # noqa: E402

CORPUS = Path("/work/shared/corpora/customer-support-twitter.jsonl")
NOW = datetime(2017, 11, 1, tzinfo=UTC)


def tweets() -> list[dict]:
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    out = []
    for n, row in enumerate(r for r in rows if r.get("inbound")):
        out.append({"id": str(row["tweet_id"]), "source": "x", "author": f"@c{row['author_id']}",
                    "text": row["text"], "created_at": (NOW - timedelta(minutes=n)).isoformat()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corrections", type=int, default=200)
    parser.add_argument("--tweets", type=int, default=4000, help="TweetEval tweets for the diligent agent")
    args = parser.parse_args()
    diligent_agent(args.tweets)
    data = tweets()
    first, second = data[: len(data) // 2], data[len(data) // 2:]
    with tempfile.TemporaryDirectory() as tmp:
        session = Session.open(Config(), Path(tmp) / "s.json", clock=lambda: NOW)
        for row in first:
            session.pipeline.ingest(row)
        lessons = session.pipeline.lessons
        stored = [m for m in session.store.mentions()]
        timings_empty = []
        for row in second[:500]:
            mention = {"text": row["text"], "label": "neutral", "kind": "other",
                       "triage_queue": "needs-reply"}
            start = time.perf_counter()
            lessons.adjust(mention)
            timings_empty.append(time.perf_counter() - start)
        step = max(1, len(stored) // args.corrections)
        corrected = 0
        for i, mention in enumerate(stored[::step][: args.corrections]):
            label = next(v for v in LABELS[i % 3:] + LABELS if v != mention["label"])
            kind = next(v for v in KINDS[i % 5:] + KINDS if v != mention["kind"])
            if session.correct([mention["uid"]], Correction(label=label, kind=kind)) is not None:
                corrected += 1
        timings = []
        touched = {"same wording": 0, "nearly the same wording": 0, "phrases": 0}
        for row in second:
            result = session.pipeline.triager.triage(row["text"])
            mention = {"text": row["text"], **result.as_dict()}
            mention["triage_queue"] = result.queue
            start = time.perf_counter()
            changed = lessons.adjust(mention)
            timings.append(time.perf_counter() - start)
            if changed:
                touched[mention["learned"]["how"]] += 1
        print(f"corrections count={corrected} phrase_rules={len(lessons.rules)}")
        print(f"adjust_us_no_corrections median={statistics.median(timings_empty) * 1e6:.1f}")
        print(f"adjust_us_with_corrections median={statistics.median(timings) * 1e6:.1f} "
              f"p90={sorted(timings)[int(len(timings) * 0.9)] * 1e6:.1f}")
        print(f"touched count={sum(touched.values())} of={len(second)} same={touched['same wording']} "
              f"near={touched['nearly the same wording']} phrases={touched['phrases']}")
        start = time.perf_counter()
        Lessons.from_store(session.store, session.pipeline.triager)
        print(f"open_ms events={sum(1 for _ in session.store.events())} "
              f"median={(time.perf_counter() - start) * 1e3:.1f}")
        for n in range(100_000):
            session.store.add_event({"action": "read", "uids": [], "thread_uid": f"t{n % 500}",
                                     "before": {}, "who": "me", "at": NOW.isoformat(), "details": {}})
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            Lessons.from_store(session.store, session.pipeline.triager)
            runs.append(time.perf_counter() - start)
        events = sum(1 for _ in session.store.events())
        print(f"open_ms events={events} median={statistics.median(runs) * 1e3:.1f}")
        session.close()


def diligent_agent(limit: int) -> None:
    """Does learning help or hurt? TweetEval's labelled tweets (general topics, not support
    mentions: a hard case for per-store lessons) stream in; an agent corrects every label triage
    got wrong in the first half; we compare label accuracy on the second half with and without the
    lessons, and count the lessons' fixes and their harms."""
    root = CORPUS.parent / "tweeteval-sentiment"
    texts = (root / "test_text.txt").read_text("utf-8").splitlines()[:limit]
    gold = [LABELS[int(n)] for n in (root / "test_labels.txt").read_text("utf-8").split()][:limit]
    half = len(texts) // 2
    with tempfile.TemporaryDirectory() as tmp:
        session = Session.open(Config(), Path(tmp) / "s.json", clock=lambda: NOW)
        session.lifecycle.listeners.remove(session.pipeline.lessons.on_change)  # one rebuild at the end
        wrong: list[tuple[str, str]] = []
        for n, text in enumerate(texts[:half]):
            outcome = session.pipeline.ingest({"id": f"t{n}", "source": "x", "author": f"@a{n}",
                                               "text": text, "created_at": NOW.isoformat()})
            mention = outcome.mention
            if outcome.status == "new" and mention is not None and mention["label"] != gold[n]:
                wrong.append((mention["uid"], gold[n]))
        for uid, label in wrong[:-5]:
            session.correct([uid], Correction(label=label))
        start = time.perf_counter()
        lessons = Lessons.from_store(session.store, session.pipeline.triager)
        took = time.perf_counter() - start
        print(f"open_with_corrections_ms count={len(wrong) - 5} median={took * 1e3:.1f}")
        session.pipeline.lessons = lessons
        session.lifecycle.listeners.append(lessons.on_change)
        presses = []
        for uid, label in wrong[-5:]:  # the agent presses L and Enter: what the store does meanwhile
            start = time.perf_counter()
            session.correct([uid], Correction(label=label))
            presses.append(time.perf_counter() - start)
        print(f"correct_ms standing={len(wrong) - 5} median={statistics.median(presses) * 1e3:.1f} "
              f"max={max(presses) * 1e3:.1f}")
        wrong_count = len(wrong)
        plain = taught = fixed = harmed = 0
        for text, want in zip(texts[half:], gold[half:], strict=True):
            result = session.pipeline.triager.triage(text)
            mention = {"text": text, **result.as_dict(), "triage_queue": result.queue}
            lessons.adjust(mention)
            plain += result.label == want
            taught += mention["label"] == want
            fixed += result.label != want and mention["label"] == want
            harmed += result.label == want and mention["label"] != want
        n = len(texts) - half
        print(f"diligent_agent corrected={wrong_count} of={half} phrase_rules={len(lessons.rules)}")
        print(f"label_accuracy rules={plain / n:.4f} with_lessons={taught / n:.4f} count={n} "
              f"fixed={fixed} harmed={harmed}")
        session.close()


if __name__ == "__main__":
    main()
