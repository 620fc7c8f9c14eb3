"""Every verdict triage gives on our sets and the real corpora, one line per text, for proving that a
speed-up changes no judgement: dump before, dump after, compare the files byte for byte.

    python tests/benchmarks/dump_triage.py OUT.tsv [--quick]

Each text is triaged by the packaged rules + model (with and without `explain`, with reach and age so
the priority moves) and by the rules alone, through a fresh `Triager.load()` and through one that
reads a warm pattern cache file (the path `turnaround triage` and the inbox take). A line holds the
set, the row, and per engine the label, sentiment, kind, priority, queue, topics, lang and the full
explanation (`why`, weights in full precision). Texts: tests/data/customer_*.jsonl and triage_*.jsonl,
the demo's mentions (their verdicts are what the snapshot tests show), and, when present,
/work/shared/corpora (customer-support-twitter, every row; tweeteval-sentiment). --quick reads our
sets and the demo only.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tui.core.triage import Triager, TriageResult, _packaged_config, merge  # noqa: E402

DATA = ROOT / "tests" / "data"
CORPORA = Path("/work/shared/corpora")
DEMO = ROOT / "tui" / "rules" / "data" / "demo" / "mentions.jsonl"
NOW = datetime(2025, 1, 1, 12, tzinfo=UTC)
CREATED = NOW - timedelta(hours=3)


def texts(quick: bool) -> Iterator[tuple[str, int, str]]:
    """(set name, row number, text) for every row of every set."""
    # the demo's mentions too: their verdicts are what the snapshot tests show
    names = sorted(DATA.glob("customer_*.jsonl")) + sorted(DATA.glob("triage_*.jsonl")) + [DEMO]
    if not quick:
        names.append(CORPORA / "customer-support-twitter.jsonl")
    for path in names:
        if path.exists():
            for i, line in enumerate(path.read_text("utf-8").splitlines()):
                if line.strip():
                    yield path.name, i, json.loads(line)["text"]
    if not quick:
        for split in ("test_text.txt", "val_text.txt"):
            path = CORPORA / "tweeteval-sentiment" / split
            if path.exists():
                for i, line in enumerate(path.read_text("utf-8").splitlines()):
                    yield split, i, line


def shown(result: TriageResult) -> str:
    why = [(r.source, r.text, repr(r.weight)) for r in result.why]
    return json.dumps([result.label, repr(result.sentiment), result.kind, result.priority,
                       result.queue, list(result.topics), result.lang, why], ensure_ascii=False)


def main() -> None:
    out = Path(sys.argv[1])
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "triage-patterns.marshal"
        Triager.load(cache_file=cache)  # fills the cache file
        engines = {
            "fresh": Triager.load(),
            "cached": Triager.load(cache_file=cache),
            "rules": Triager(merge(_packaged_config(), {"model": {"enabled": False}}, "dump")),
        }
        with out.open("w", encoding="utf-8") as f:
            for name, row, text in texts(quick):
                fields = [name, str(row)]
                for engine_name, engine in engines.items():
                    for explain in (False, True):
                        if engine_name == "cached" and not explain:
                            continue
                        result = engine.triage(text, followers=row * 37 % 5000, created_at=CREATED,
                                               now=NOW, explain=explain)
                        fields.append(shown(result))
                sentiment = engines["rules"].sentiment(text)
                fields.append(json.dumps([sentiment[0], repr(sentiment[1])]))
                f.write("\t".join(fields) + "\n")


if __name__ == "__main__":
    main()
