"""A dict that works a missing value out on first use and forgets everything past a bound."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")
LIMIT = 50_000  # entries kept by default: word-keyed tables of a few MB at most


class Memo(dict[K, V]):
    """key -> make(key), made on first sight (so start-up builds nothing) and emptied when it grows
    past `limit`: the words of mentions repeat, but a stream of new ones must not grow it forever."""

    __slots__ = ("_limit", "_make")

    def __init__(self, make: Callable[[K], V], limit: int = LIMIT) -> None:
        super().__init__()
        self._make = make
        self._limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._make(key)
        return value
