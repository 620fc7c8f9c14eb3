"""The packaged triage model kept ready-to-use on disk, so `turnaround triage` does not re-parse it per run.

Reading ``triage_model.json.gz`` (gunzip, JSON, base64, one dict and one column list per feature
table) costs ~50 ms, a third of the command's start-up, and ``triage_pieces.json.gz`` ~55 ms more.
The ready tables (feature names or word pieces joined by newlines, weights as bytes) load with
`marshal` in a few milliseconds and rebuild in ~40 ms, most of it the dicts of 116k feature names
and 30k word pieces (`bench_startup.py`'s `model_load`, session 22).

The shipped files stay the one source of truth: the cache is keyed by each shipped file's length
and CRC-32, the model format, this module's layout version, the Python version and the byte order. Any
mismatch, an unreadable or damaged cache, or a payload of the wrong shape falls back to the json.gz
(and rewrites the cache); a failure to write only costs speed next time. Nothing is required of it.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from array import array
from functools import cache
from pathlib import Path
from typing import Any

from tui.core.triage_model import FORMAT, MODEL_FILE, TABLES, LinearModel, TriageModel, _Table, load_model
from tui.core.triage_pieces import FORMAT as PIECES_FORMAT
from tui.core.triage_pieces import PIECES_FILE, DenseWeights, Pieces, load_pieces
from tui.rules import data_file

LAYOUT = 3
"""Bump when the cached payload's shape changes: older caches are then ignored."""


def _key(shipped: bytes, pieces: bytes | None) -> tuple[Any, ...]:
    """What the cache must match: the shipped files' bytes (length + CRC), formats and the interpreter."""
    extra = () if pieces is None else (PIECES_FORMAT, len(pieces), zlib.crc32(pieces))
    return (LAYOUT, FORMAT, len(shipped), zlib.crc32(shipped), *extra, tuple(sys.version_info[:2]),
            sys.byteorder)


def _pack_table(table: _Table) -> tuple[str, bytes, int]:
    names = sorted(table.index, key=table.index.__getitem__)  # row order
    return "\n".join(names), table.flat.tobytes(), table.n


def _unpack_table(packed: Any) -> _Table:
    names, weights, n = packed
    flat = array("f")
    flat.frombytes(weights)
    return _Table(names.split("\n") if names else [], flat, n)


def _pack(model: TriageModel) -> dict[str, Any]:
    def linear(m: LinearModel) -> tuple[Any, ...]:
        tables = (m.words, m.bigrams, m.chars, m.rules)
        return list(m.classes), list(m.bias), [_pack_table(t) for t in tables]

    return {"label": linear(model.label), "kind": linear(model.kind), "meta": dict(model.meta),
            "crisis": None if model.crisis is None else linear(model.crisis),
            "pieces": None if model.pieces is None else _pack_pieces(model.pieces)}


def _pack_pieces(pieces: Pieces) -> tuple[Any, ...]:
    vocab = sorted(pieces.vocab, key=pieces.vocab.__getitem__)  # id order
    n = len(pieces.classes)
    weights = pieces.weights
    dense = weights if isinstance(weights, DenseWeights) else DenseWeights.of(weights, len(vocab), n)
    return list(pieces.classes), list(pieces.bias), "\n".join(vocab), dense.flat_bytes(), dict(pieces.meta)


def _unpack_pieces(packed: Any) -> Pieces:
    classes, bias, vocab, weight_bytes, meta = packed
    names = vocab.split("\n")
    flat = array("d")
    flat.frombytes(weight_bytes)
    if len(bias) != len(classes) or len(flat) != len(classes) * len(names):
        raise ValueError("cached pieces of the wrong shape")
    return Pieces(tuple(classes), tuple(bias), dict(zip(names, range(len(names)), strict=True)),
                  DenseWeights(flat, len(classes)), meta)


def _unpack(payload: Any) -> TriageModel:
    """The model from a cache payload; any shape problem raises (the caller falls back)."""
    def linear(packed: Any) -> LinearModel:
        classes, bias, tables = packed
        if len(tables) != len(TABLES) or len(bias) != len(classes):
            raise ValueError("cached model of the wrong shape")
        return LinearModel(classes, bias, dict(zip(TABLES, map(_unpack_table, tables), strict=True)))

    if not isinstance(payload["meta"], dict):
        raise ValueError("cached model of the wrong shape")
    crisis, pieces = payload["crisis"], payload["pieces"]
    return TriageModel(linear(payload["label"]), linear(payload["kind"]), payload["meta"],
                       None if crisis is None else linear(crisis),
                       None if pieces is None else _unpack_pieces(pieces))


def read_cached(shipped: bytes, cache_file: Path, pieces: bytes | None = None) -> TriageModel | None:
    """The model from `cache_file` if it was made from exactly `shipped` (and the word-piece file
    `pieces`); None if not (or damaged)."""
    with contextlib.suppress(Exception):  # unreadable, damaged or stale: the json.gz decides
        entry = marshal.loads(cache_file.read_bytes())
        if isinstance(entry, dict) and entry.get("key") == _key(shipped, pieces):
            return _unpack(entry["model"])
    return None


def write_cached(shipped: bytes, model: TriageModel, cache_file: Path, pieces: bytes | None = None) -> None:
    """Store the ready tables; atomic (a parallel run reads the old file or the new), failures ignored."""
    try:
        data = marshal.dumps({"key": _key(shipped, pieces), "model": _pack(model)})
    except ValueError:  # meta holding something marshal cannot store: still correct, just not cached
        return
    temporary = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, cache_file)
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)


def load_with_cache(shipped: bytes, cache_file: Path | None, where: str,
                    pieces: bytes | None = None) -> TriageModel:
    """`load_model(shipped)` with the word-piece table `pieces` (the file's bytes) when given,
    through `cache_file` when given: the same model either way."""
    if cache_file is not None:
        cached = read_cached(shipped, cache_file, pieces)
        if cached is not None:
            return cached
    model = load_model(shipped, where, None if pieces is None else load_pieces(pieces))
    if cache_file is not None:
        write_cached(shipped, model, cache_file, pieces)
    return model


@cache
def packaged_model(cache_file: Path | None = None) -> TriageModel:
    """The shipped model, loaded once per process (every Triager shares it, read-only); through
    `cache_file` when given (`turnaround triage` and the inbox pass one in the user's cache dir)."""
    shipped = data_file(MODEL_FILE).read_bytes()
    pieces_file = data_file(PIECES_FILE)
    pieces = pieces_file.read_bytes() if pieces_file.exists() else None
    return load_with_cache(shipped, cache_file, MODEL_FILE, pieces)
