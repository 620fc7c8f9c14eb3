"""The on-disk caches behind `turnaround triage` (issue 17) change how fast it starts, never its verdicts.

Triager.load(cache_file=...) keeps three things in the user's cache dir: the compiled rule patterns
and parsed rule/VADER files (one RegexCache file) and the packaged model's ready tables (beside it).
A warm cache, a cold one and a damaged one must give the same verdicts; a cache made from another
model file must not be used.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from tui.core.triage import CACHE_FILE_NAME, MODEL_CACHE_NAME, Triager
from tui.core.triage_model import MODEL_FILE, LinearModel, TriageModel, dump_model, load_model
from tui.core.triage_modelcache import load_with_cache, packaged_model, read_cached
from tui.core.triage_pieces import PIECES_FILE, load_pieces, pack

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TEXTS = [
    "@Telvio still no signal since Monday, this is ridiculous",
    "is water damage covered by the warranty?",
    "Love the new app update, checkout is so much quicker now!",
    "Oh great, another 'delivery window' that came and went. Thanks so much 🙄",
    "Mi pedido llegó roto otra vez y nadie responde en el chat",  # routed "untriaged (language: es)"
    "注文した商品がまだ届きません。いつ届きますか？",
]


def verdicts(triager: Triager) -> list[tuple[object, ...]]:
    out = []
    for text in TEXTS:
        r = triager.triage(text, followers=250, now=NOW, explain=True)
        out.append((r.label, r.sentiment, r.kind, r.priority, r.queue, r.lang, r.topics, r.describe(),
                    tuple(map(str, r.why))))
    return out


def fresh(cache_file: Path | None) -> list[tuple[object, ...]]:
    """Verdicts from a Triager loaded as a new process would (no model kept in memory)."""
    packaged_model.cache_clear()
    try:
        return verdicts(Triager.load(None, cache_file=cache_file))
    finally:
        packaged_model.cache_clear()


@pytest.fixture(scope="module")
def uncached() -> list[tuple[object, ...]]:
    return fresh(None)


Verdicts = list[tuple[object, ...]]


def test_cold_warm_and_damaged_caches_give_the_same_verdicts(tmp_path: Path, uncached: Verdicts) -> None:
    cache_file = tmp_path / "cache" / CACHE_FILE_NAME
    model_file = cache_file.with_name(MODEL_CACHE_NAME)
    assert fresh(cache_file) == uncached  # cold: builds and writes both files
    assert cache_file.stat().st_size > 0 and model_file.stat().st_size > 0
    assert fresh(cache_file) == uncached  # warm: read back
    assert uncached[4][5] == "es" and uncached[5][5] == "ja"  # language routing survives the caches
    for damage in (b"", b"\x00garbage", model_file.read_bytes()[:5000]):
        model_file.write_bytes(damage)
        cache_file.write_bytes(damage[:100])
        assert fresh(cache_file) == uncached
        assert read_cached(_shipped(), model_file, _pieces()) is not None  # the damaged file was replaced


def _shipped() -> bytes:
    return resources.files("tui.rules.data").joinpath(MODEL_FILE).read_bytes()


def _pieces() -> bytes:
    return resources.files("tui.rules.data").joinpath(PIECES_FILE).read_bytes()


def _refit(model: TriageModel) -> TriageModel:
    """The same model with other biases, as a refit would ship (a different json.gz)."""
    def shifted(m: LinearModel) -> LinearModel:
        tables = dict(zip("wbcr", (m.words, m.bigrams, m.chars, m.rules), strict=True))
        return LinearModel(m.classes, [b + 1.5 * i for i, b in enumerate(m.bias)], tables)

    crisis = None if model.crisis is None else shifted(model.crisis)
    return TriageModel(shifted(model.label), shifted(model.kind), {**model.meta, "refit": True}, crisis)


def test_a_cache_made_from_another_model_file_is_not_used(tmp_path: Path) -> None:
    cache_file = tmp_path / MODEL_CACHE_NAME
    shipped = _shipped()
    original = load_with_cache(shipped, cache_file, MODEL_FILE)
    assert read_cached(shipped, cache_file) is not None
    replaced = dump_model(_refit(original))  # the lead refits and replaces triage_model.json.gz
    assert read_cached(replaced, cache_file) is None  # stale: keyed by the shipped bytes
    loaded = load_with_cache(replaced, cache_file, MODEL_FILE)
    assert loaded.meta.get("refit") is True
    assert loaded.label.bias == load_model(replaced).label.bias != original.label.bias
    cached = read_cached(replaced, cache_file)  # rewritten for the new file
    assert cached is not None and cached.label.bias == loaded.label.bias
    assert read_cached(shipped, cache_file) is None


def test_cached_model_scores_exactly_as_the_shipped_file(tmp_path: Path) -> None:
    from tui.core.triage_model import text_features

    shipped = _shipped()
    cache_file = tmp_path / MODEL_CACHE_NAME
    load_with_cache(shipped, cache_file, MODEL_FILE)
    cached = read_cached(shipped, cache_file)
    plain = load_model(shipped)
    assert cached is not None and cached.meta == plain.meta
    for text in TEXTS:
        features = text_features(text)
        for a, b in ((cached.label, plain.label), (cached.kind, plain.kind)):
            assert a.classes == b.classes
            assert a.scores(features, {"vader": 0.5}) == b.scores(features, {"vader": 0.5})


def test_cached_word_pieces_score_exactly_as_the_shipped_file(tmp_path: Path) -> None:
    """The encoder's word-piece table rides in the same cache (its json.gz costs ~55 ms to read),
    keyed by its own bytes: another table is never read from a cache made with this one."""
    shipped, pieces = _shipped(), _pieces()
    cache_file = tmp_path / MODEL_CACHE_NAME
    load_with_cache(shipped, cache_file, MODEL_FILE, pieces)
    cached = read_cached(shipped, cache_file, pieces)
    plain = load_pieces(pieces)
    assert cached is not None and cached.pieces is not None
    assert cached.pieces.vocab == plain.vocab and cached.pieces.meta == plain.meta
    for text in TEXTS:
        assert cached.pieces.scores(text) == plain.scores(text)
        assert cached.pieces.tokenize(text) == plain.tokenize(text)
    assert read_cached(shipped, cache_file) is None  # made with a table: not a cache for none
    vocab = sorted(plain.vocab, key=plain.vocab.__getitem__)
    other = pack(plain.classes, [b + 1.0 for b in plain.bias], vocab, plain.weights, plain.meta)
    assert read_cached(shipped, cache_file, other) is None
    reloaded = load_with_cache(shipped, cache_file, MODEL_FILE, other)
    assert reloaded.pieces is not None and reloaded.pieces.bias == tuple(b + 1.0 for b in plain.bias)


def test_english_with_emoji_or_symbols_does_not_load_the_language_model() -> None:
    """The cheap English check covers texts whose letters are all ASCII: a "£" or an emoji no longer
    costs the ~20 ms detector load, while other languages are still detected (issue 17)."""
    from tui.core.triage_lang import LanguageDetector

    class Refuse:
        def predict(self, text: str, k: int = 1) -> object:
            raise AssertionError(f"the detector ran on {text!r}")

    detector = LanguageDetector()
    detector._model = Refuse()
    for text in ("Sorry for the wait! I've refunded the £12 to your card.",
                 "thanks so much for the help today 🙏✨ you are the best",
                 "“Please” can you check my order — it’s late"):
        assert detector.detect(text) == "en"
    assert LanguageDetector().detect("Mi pedido llegó roto otra vez y nadie responde en el chat") == "es"
