"""The triage model's weight tables: feature name -> one row of per-class weights, packed flat.

Kept apart from `triage_model` (features and scoring) because it is only storage: how ~70k
weights load in milliseconds and are summed with C-level calls.
"""

from __future__ import annotations

import itertools
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence


class _Table:
    """Weights of one feature family: name -> offset into one flat float32 array (n per name).

    Packed this way the file loads in a few milliseconds (no JSON number parsing per weight) and
    holds ~50k features in a few hundred kB.
    """

    __slots__ = ("_columns", "flat", "index", "n", "zero")

    def __init__(self, names: Sequence[str], flat: array[float], n: int) -> None:
        if len(flat) != len(names) * n:
            raise ValueError(f"{len(names)} names but {len(flat)} weights for {n} classes")
        self.index = dict(zip(names, range(len(names)), strict=True))  # ~2x a comprehension
        self.flat = flat
        self.n = n
        self.zero = len(names)
        self._columns: list[list[float]] | None = None

    @property
    def columns(self) -> list[list[float]]:
        """One plain list per class with a zero row at the end: scoring is then a C-level
        sum(map(column.__getitem__, rows)) per class, ~5x faster than a Python loop. Built on
        first use: the joint scorer reads rows, so only the character n-grams' are ever needed
        on the way to a verdict (~5 ms of every start-up saved; session 27)."""
        if self._columns is None:
            n, flat = self.n, self.flat
            columns = [flat[i::n].tolist() for i in range(n)]  # tolist: C-level
            for column in columns:
                column.append(0.0)
            self._columns = columns
        return self._columns

    @classmethod
    def from_rows(cls, rows: Mapping[str, Sequence[float]], n: int) -> _Table:
        names = list(rows)
        return cls(names, array("f", [float(v) for name in names for v in rows[name]]), n)

    @classmethod
    def unpack(cls, data: Mapping[str, str], n: int) -> _Table:
        import base64  # here: with the model cache warm, start-up never decodes the shipped file

        names = data["names"].split("\n") if data["names"] else []
        flat = array("f")
        flat.frombytes(base64.b64decode(data["weights"]))
        if sys.byteorder != "little":
            flat.byteswap()
        return cls(names, flat, n)

    def pack(self) -> dict[str, str]:
        import base64

        names = sorted(self.index, key=self.index.__getitem__)  # row order
        if any("\n" in name for name in names):
            raise ValueError("a feature name holds a newline")
        flat = array("f", self.flat)
        if sys.byteorder != "little":
            flat.byteswap()
        return {"names": "\n".join(names), "weights": base64.b64encode(flat.tobytes()).decode()}

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def get(self, name: str) -> tuple[float, ...] | None:
        row = self.index.get(name)
        return None if row is None else tuple(self.flat[row * self.n:(row + 1) * self.n])

    def add_to(self, z: list[float], keys: Iterable[str]) -> None:
        """Add the weights of every key present to the class scores `z`."""
        rows = list(map(self.index.get, keys, itertools.repeat(self.zero)))
        for i, column in enumerate(self.columns):
            z[i] += sum(map(column.__getitem__, rows))


TABLES = ("w", "b", "c", "r")  # words, word pairs, character n-grams, rule signals
