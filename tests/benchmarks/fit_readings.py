"""Fit the models of the kind = "learned" hint rules (hints.toml), e.g. `blame-reading`.

Run (needs the `dev` extra):
    python tests/benchmarks/fit_readings.py            # measure, then fit and write each model
    python tests/benchmarks/fit_readings.py --cv-only  # measure, write nothing

Phrase rules find the blame they list; writers told to avoid the brief's phrases blamed in words no
list holds ("Sounds like you brought them in with you"): on session 47's never-read writers d-f,
`blame` recall was 0.08. A learned reading adds the category's hint (before sending) where no
pattern found it and the reading gives the draft at least the rule's `add`.

Rows: every labelled real reply of bench_hints.REAL_SETS but those marked unread, and the written
probes that were read (session 43; session 47's writers a-c). Session 47's writers d-f stay out:
they are the check, counted, never read. Label: whether the row's labels include the rule's
category. Features: `hints_learned.features` (the engine's own), n-grams alone (no word pieces, so
the file stays small); a logistic regression weighing both answers alike, C 3; weights under
`PRUNE` are not shipped (0.005 -> 0.05 kept the figures and cut the file from 700 to 220 kB).

Measured: a 5-fold cross-validation over the real replies held out by brand (the written probes
always in training), rules alone vs rules and reading, and the writers d-f counts. The figures are
the reading's alone, before the rule's `min_words` and `unless` (which only take hints away);
bench_hints.py prints the engine's own.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import bench_hints as bh  # noqa: E402
import fit_hints as fh  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from tui.core.hints import HintEngine  # noqa: E402
from tui.core.hints_learned import LearnedReading, pack, read_weights  # noqa: E402
from tui.rules import data_file  # noqa: E402

PRUNE = 0.05
READ_WRITERS = ("s47a", "s47b", "s47c")
UNREAD_WRITERS = ("s47d", "s47e", "s47f")


def learned_rules(engine: HintEngine) -> list:
    return [rule for rule in engine.rules if rule.kind == "learned"]


def rules_alone(names: list[str]) -> HintEngine:
    """The engine with the learned rules switched off: the phrase rules' own verdicts."""
    with tempfile.TemporaryDirectory() as folder:
        text = "".join(f"[rules.{name}]\nenabled = false\n" for name in names)
        Path(folder, "off.toml").write_text(text, encoding="utf-8")
        return HintEngine.load(Path(folder))


def tally(verdicts: list[bool], labels: list[bool]) -> tuple[int, int, int]:
    tp = sum(v and y for v, y in zip(verdicts, labels, strict=True))
    fp = sum(v and not y for v, y in zip(verdicts, labels, strict=True))
    fn = sum(y and not v for v, y in zip(verdicts, labels, strict=True))
    return tp, fp, fn


def line(name: str, counts: tuple[int, int, int]) -> str:
    tp, fp, fn = counts
    return (f"{name:34} precision {tp / max(1, tp + fp):.3f}, recall {tp / max(1, tp + fn):.3f} "
            f"(tp {tp}, fp {fp}, fn {fn})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--cv-only", action="store_true")
    args = parser.parse_args()
    engine = HintEngine.load()
    rules = learned_rules(engine)
    plain = rules_alone([rule.id for rule in rules])
    real = fh.rows()
    probes = bh.load("drafts_probes_s47.jsonl")
    written = bh.load("drafts_probes_s43.jsonl") + [r for r in probes if r["writer"] in READ_WRITERS]
    unread = [r for r in probes if r["writer"] in UNREAD_WRITERS]
    max_chars = engine.learned_options["max_chars"]

    def said(rows: list[dict], category: str) -> list[bool]:
        return [category in {h.category for h in bh.hints_for(plain, r, bh.REAL_PLATFORM)} for r in rows]

    for rule in rules:
        category = rule.category
        label = [category in r["expected"] for r in real]
        said_real = said(real, category)
        texts = [r["text"] for r in real]
        extra = [r["text"] for r in written]
        extra_labels = [category in r["expected"] for r in written]
        added = [False] * len(real)
        brands = [str(r.get("author_id") or "?") for r in real]
        for train, test in GroupKFold(n_splits=5).split(texts, label, brands):
            weights, bias, _ = fh.fit([*[texts[i] for i in train], *extra],
                                      [*[label[i] for i in train], *extra_labels], prune=PRUNE)
            reading = LearnedReading(category, weights, bias, add=rule.add, max_chars=max_chars)
            for i in test:
                added[i] = reading.decide(texts[i], False, certain=False)
        both = [s or a for s, a in zip(said_real, added, strict=True)]
        print(f"{rule.id} ({category}, add {rule.add}): {len(real)} real replies, 5-fold by brand")
        print("  " + line("rules alone", tally(said_real, label)))
        print("  " + line("rules and reading", tally(both, label)))
        weights, bias, _ = fh.fit([*texts, *extra], [*label, *extra_labels], prune=PRUNE)
        reading = LearnedReading(category, weights, bias, add=rule.add, max_chars=max_chars)
        unread_label = [category in r["expected"] for r in unread]
        said_unread = said(unread, category)
        fires = [s or reading.decide(r["text"], False, certain=False)
                 for s, r in zip(said_unread, unread, strict=True)]
        clean = sum(f and not r["expected"] for f, r in zip(fires, unread, strict=True))
        good = sum(not r["expected"] for r in unread)
        print(f"  writers d-f, never read ({len(unread)} replies; counts only):")
        print("  " + line("rules alone", tally(said_unread, unread_label)))
        print("  " + line("rules and reading", tally(fires, unread_label)))
        print(f"  replies needing no hint that get this one: {clean} of {good}")
        if args.cv_only:
            continue
        meta = {"rows": len(real) + len(written), "positive": sum(label) + sum(extra_labels), "C": fh.C,
                "prune": PRUNE, "features": "n-grams (hints_learned.features)",
                "rows_from": "real replies (bench_hints.REAL_SETS but unread sets), read written probes"}
        blob = pack(category, weights, bias, meta)
        out = data_file(rule.model)
        out.write_bytes(blob)
        read_weights(blob, rule.model, category)  # reads back
        print(f"  wrote {out.relative_to(ROOT)}: {len(blob) / 1e3:.0f} kB, {len(weights)} weights")
    if not rules:
        print("no kind = \"learned\" rule in hints.toml")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
