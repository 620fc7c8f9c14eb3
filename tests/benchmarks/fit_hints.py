"""Fit the learned `no-empathy` reading (tui/core/hints_learned.py) on the labelled real replies.

Run (needs the `dev` extra for scikit-learn):
    python tests/benchmarks/fit_hints.py            # cross-validate, then fit and write the file
    python tests/benchmarks/fit_hints.py --cv-only  # measure, write nothing

Rows: every tests/data/replies_real_*.jsonl set of bench_hints.REAL_SETS but those marked unread
(blind6 since session 35), which stay the checks the model never saw. Label: whether the reply's labels
include `no-empathy`. Features:
`hints_learned.features` (the same function the engine runs). A logistic regression weighing both
answers alike (the hint is rare), C 3 (1 and 10 read blind4 and the other sets alike, session 34);
weights under 0.005 are not shipped. The cross-validation scores each fold with the rules and the
reading together, as the engine combines them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import bench_hints as bh  # noqa: E402
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from tui.core.hints import HintEngine  # noqa: E402
from tui.core.hints_learned import LEARNED_FILE, LearnedReading, features, load_learned, pack  # noqa: E402
from tui.rules import data_file  # noqa: E402

CATEGORY = "no-empathy"
C = 3.0
PRUNE = 0.005
SEED = 20261205
CHECKS = ("Please send us a DM with your account details.",
          "So sorry about this! Please send us a DM with your account details and we'll sort it.")


def rows() -> list[dict]:
    """Every labelled real reply but the held-back sets, told what it answers as the bench does."""
    return [row for name, note in bh.REAL_SETS if "unread" not in note for row in bh.load_real(name) or []]


def fit(texts: list[str], labels: list[bool]) -> tuple[dict[str, float], float]:
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([features(t) for t in texts])
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(matrix, labels)
    weights = {name: float(w) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0],
                                                 strict=True) if abs(w) >= PRUNE}
    return weights, float(model.intercept_[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--cv-only", action="store_true")
    args = parser.parse_args()
    engine = HintEngine.load()
    options = engine.learned_options
    keep, add, max_chars = options["keep"], options["add"], options["max_chars"]
    data = rows()
    texts = [row["text"] for row in data]
    labels = [CATEGORY in row["expected"] for row in data]
    # The rules' own verdicts, without any learned reading, and whether they were certain.
    engine.learned = None
    said = [CATEGORY in {h.category for h in bh.hints_for(engine, row, bh.REAL_PLATFORM)} for row in data]
    tallies = {"rules alone": [0, 0, 0], "rules and reading": [0, 0, 0]}
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train, test in folds.split(texts, labels):
        weights, bias = fit([texts[i] for i in train], [labels[i] for i in train])
        reading = LearnedReading(CATEGORY, weights, bias, keep, add, max_chars)
        for i in test:
            both = reading.decide(texts[i], said[i], certain=False)
            for name, verdict in (("rules alone", said[i]), ("rules and reading", both)):
                tally = tallies[name]
                tally[0] += verdict and labels[i]
                tally[1] += verdict and not labels[i]
                tally[2] += labels[i] and not verdict
    cv = {}
    for name, (tp, fp, fn) in tallies.items():
        cv[name] = {"precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, tp + fn), 3)}
        print(f"{name:18} {CATEGORY} 5-fold CV on {len(data)} real replies: precision "
              f"{cv[name]['precision']:.3f}, recall {cv[name]['recall']:.3f} (tp {tp}, fp {fp}, fn {fn})")
    if args.cv_only:
        return
    weights, bias = fit(texts, labels)
    reading = LearnedReading(CATEGORY, weights, bias)
    meta = {"rows": len(data), "positive": sum(labels), "C": C, "prune": PRUNE, "cv": cv,
            "checks": [[text, round(reading.probability(text), 6)] for text in CHECKS]}
    blob = pack(CATEGORY, weights, bias, meta)
    out = data_file(LEARNED_FILE)
    out.write_bytes(blob)
    load_learned(keep, add, max_chars, blob)  # reads back
    print(f"wrote {out.relative_to(ROOT)}: {len(blob) / 1e3:.0f} kB, {len(weights)} weights")


if __name__ == "__main__":
    main()
