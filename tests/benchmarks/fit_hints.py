"""Fit the learned `no-empathy` reading (tui/core/hints_learned.py) on the labelled real replies.

Run (needs the `dev` and `encoder` extras, as fit_pieces.py does):
    python tests/benchmarks/fit_hints.py               # cross-validate, then fit and write the file
    python tests/benchmarks/fit_hints.py --cv-only     # measure, write nothing
    python tests/benchmarks/fit_hints.py --no-pieces   # n-grams alone (the reading of sessions 34-40)
    python tests/benchmarks/fit_hints.py --cv-only --by-brand   # folds hold out whole brands

Rows: every tests/data/replies_real_*.jsonl set of bench_hints.REAL_SETS but those marked unread,
which stay the checks the model never saw (none since blind6 was read, session 35). Label: whether
the reply's labels include `no-empathy`. Features: `hints_learned.features` (the same function the
engine runs). A logistic regression weighing both answers alike (the hint is rare), C 3 (1 and 10
read blind4 and the other sets alike, session 34); weights under 0.005 are not shipped. The
cross-validation scores each fold with the rules and the reading together, as the engine combines
them. `--by-brand` draws the folds by the replying account (GroupKFold), so every reply is read by
a reading that saw none of its brand's: what a brand new to the engine meets. Session 48: rules
alone 0.647 / 0.733, rules and reading 0.798 / 0.714 by brand (mixed folds: 0.830 / 0.797).

Word pieces (since session 41): beside the n-grams, the mean of the reply's word-piece vectors
(fit_pieces.py's step 2: a ridge regression from each text's piece shares to all-MiniLM-L6-v2's
embedding of it, fitted on the replies and on fit_triage.py's training texts) enters the same
regression as 384 more features. It is linear, so each piece ships as one weight (its vector times
the regression's coefficients). In the cross-validation each fold's texts are left out of the
ridge too. Replies by brands the reading never saw were read better with them: lab figures in
tests/data/REPLIES.md, session 41. The ridge takes 2-4 minutes a fit on two cores; the embeddings
are cached as fit_pieces.py caches them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import bench_hints as bh  # noqa: E402
import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.model_selection import GroupKFold, StratifiedKFold  # noqa: E402

from tui.core.hints import HintEngine  # noqa: E402
from tui.core.hints_learned import (  # noqa: E402
    LEARNED_FILE,
    LearnedReading,
    PieceTable,
    build_pieces,
    features,
    load_learned,
    pack,
)
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


class Encoded:
    """The replies' and triage's training texts as piece shares, and the encoder's embeddings."""

    def __init__(self, texts: list[str]) -> None:
        import fit_pieces as fp
        import fit_triage as ft

        real, base, _crisis_only, _ = ft.training_rows()
        seen = set(texts)
        others = list(dict.fromkeys(r["text"] for r in [*real, *base] if r["text"] not in seen))
        _, self.vocab = fp.encoder_vocab()
        ids = {piece: i for i, piece in enumerate(self.vocab)}
        self.shares = fp.shares(texts, ids)
        self.other_shares = fp.shares(others, ids)
        self.vectors = fp.embed(texts)
        self.other_vectors = fp.embed(others)

    def piece_vectors(self, rows: list[int]) -> np.ndarray:
        """fit_pieces.py's step 2 on these replies and every triage text: pieces x 384."""
        import fit_pieces as fp

        a = sp.vstack([self.shares[rows], self.other_shares]).tocsr()
        e = np.vstack([self.vectors[rows], self.other_vectors])
        return Ridge(alpha=fp.RIDGE_ALPHA, fit_intercept=False, solver="sparse_cg").fit(a, e).coef_.T


def fit(texts: list[str], labels: list[bool], encoded: Encoded | None = None, rows: list[int] | None = None,
        prune: float = PRUNE) -> tuple[dict[str, float], float, PieceTable | None]:
    """The n-gram weights, bias and (with `encoded`) piece weights, fitted on `rows` of `texts`;
    weights under `prune` are left out."""
    rows = list(range(len(texts))) if rows is None else rows
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([features(texts[i]) for i in rows])
    vectors = None
    if encoded is not None:
        vectors = encoded.piece_vectors(rows)
        matrix = sp.hstack([matrix, sp.csr_matrix(encoded.shares[rows] @ vectors)]).tocsr()
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(
        matrix, [labels[i] for i in rows])
    names = vectorizer.get_feature_names_out()
    coef = model.coef_[0]
    weights = {name: float(w) for name, w in zip(names, coef[:len(names)], strict=True) if abs(w) >= prune}
    table = None
    if encoded is not None and vectors is not None:
        per_piece = vectors @ coef[len(names):]
        table = (list(encoded.vocab), {int(i): round(float(per_piece[i]), 5)
                                       for i in np.flatnonzero(np.abs(per_piece) >= prune)})
    return weights, float(model.intercept_[0]), table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--no-pieces", action="store_true", help="n-grams alone, no word pieces")
    parser.add_argument("--by-brand", action="store_true", help="folds hold out whole brands")
    args = parser.parse_args()
    engine = HintEngine.load()
    options = engine.learned_options
    keep, add, max_chars = options["keep"], options["add"], options["max_chars"]
    data = rows()
    texts = [row["text"] for row in data]
    labels = [CATEGORY in row["expected"] for row in data]
    encoded = None if args.no_pieces else Encoded(texts)
    # The rules' own verdicts, without any learned reading, and whether they were certain.
    engine.learned = None
    said = [CATEGORY in {h.category for h in bh.hints_for(engine, row, bh.REAL_PLATFORM)} for row in data]
    tallies = {"rules alone": [0, 0, 0], "rules and reading": [0, 0, 0]}
    if args.by_brand:
        brands = [str(row.get("author_id") or "?") for row in data]
        split = GroupKFold(n_splits=5).split(texts, labels, brands)
    else:
        split = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED).split(texts, labels)
    for train, test in split:
        weights, bias, table = fit(texts, labels, encoded, list(train))
        reading = LearnedReading(CATEGORY, weights, bias, keep, add, max_chars, build_pieces(table))
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
        folds = "5-fold CV by brand" if args.by_brand else "5-fold CV"
        print(f"{name:18} {CATEGORY} {folds} on {len(data)} real replies: precision "
              f"{cv[name]['precision']:.3f}, recall {cv[name]['recall']:.3f} (tp {tp}, fp {fp}, fn {fn})")
    if args.cv_only:
        return
    weights, bias, table = fit(texts, labels, encoded)
    reading = LearnedReading(CATEGORY, weights, bias, pieces=build_pieces(table))
    meta = {"rows": len(data), "positive": sum(labels), "C": C, "prune": PRUNE, "cv": cv,
            "pieces": None if table is None else {
                "encoder": "sentence-transformers/all-MiniLM-L6-v2", "ridge_alpha": 0.01,
                "ridge_texts": "these replies and fit_triage.py's training texts", "kept": len(table[1])},
            "checks": [[text, round(reading.probability(text), 6)] for text in CHECKS]}
    blob = pack(CATEGORY, weights, bias, meta, table)
    out = data_file(LEARNED_FILE)
    out.write_bytes(blob)
    load_learned(keep, add, max_chars, blob)  # reads back
    pieces = 0 if table is None else len(table[1])
    print(f"wrote {out.relative_to(ROOT)}: {len(blob) / 1e3:.0f} kB, {len(weights)} weights, {pieces} pieces")


if __name__ == "__main__":
    main()
