"""The learned half of triage scores at run time exactly what the fitting script fitted.

`named_features` is what `tests/benchmarks/fit_triage.py` hands to scikit-learn; `LinearModel.scores`
and `JointScorer.scores` are what triage runs. If they drifted apart (a scale applied in one and not
the other), the shipped weights would be read against features they were never fitted on.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tui.core.triage import Triager
from tui.core.triage_model import TABLES, LinearModel, named_features, text_features
from tui.core.triage_modelcache import packaged_model

DATA = Path(__file__).resolve().parents[1] / "data"


def texts() -> list[str]:
    rows = [json.loads(line) for name in ("customer_dev.jsonl", "triage_labelled.jsonl")
            for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows][:400]


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager.load()


def by_hand(model: LinearModel, named: dict[str, float]) -> list[float]:
    """The logits as the fitted regression defines them: bias + sum of weight * feature value."""
    z = list(model.bias)
    tables = dict(zip(TABLES, (model.words, model.bigrams, model.chars, model.rules), strict=True))
    for key, value in named.items():
        table = tables[key[0]]
        weights = table.get(key[2:])
        if weights is not None:
            z = [zi + w * value for zi, w in zip(z, weights, strict=True)]
    return z


def test_scores_equal_the_fitted_features_weighed_by_hand(triager: Triager) -> None:
    model = packaged_model()
    for text in texts()[:120]:
        feats, signals = triager.features(text)
        named = named_features(feats, signals)
        for linear in filter(None, (model.label, model.kind, model.crisis)):
            want = by_hand(linear, named)
            got = linear.scores(feats, signals)
            close = (math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) for a, b in zip(want, got, strict=True))
            assert all(close), text


def test_all_models_in_one_pass_are_bit_identical_to_each_alone(triager: Triager) -> None:
    model = packaged_model()
    assert model.crisis is not None
    for text in texts():
        feats, signals = triager.features(text)
        each = [m.scores(feats, signals) for m in (model.label, model.kind, model.crisis)]
        assert model.joint.scores(feats, signals) == each, text


def test_each_ngram_family_has_unit_length() -> None:
    """A long mention's many words do not outvote its few telling ones: each family's values
    (0/1 for words and word pairs) are scaled by 1/sqrt(how many)."""
    feats = text_features("the parcel never arrived and nobody answers the phone")
    named = named_features(feats, {})
    for prefix in ("w:", "b:"):
        values = [v for k, v in named.items() if k.startswith(prefix)]
        assert math.isclose(sum(v * v for v in values), 1.0)
    grams = [v for k, v in named.items() if k.startswith("c:")]
    assert math.isclose(sum(grams), math.sqrt(2 * sum(map(len, feats.spelled)) - len(feats.spelled)))


def test_character_ngrams_count_for_words_of_two_letters_or_more() -> None:
    feats = text_features("I can't see a 2nd ok 😩 café")
    assert feats.spelled == frozenset({"see", "ok", "caf"})  # not "i", "a", "0nd", "can't", "😩"
