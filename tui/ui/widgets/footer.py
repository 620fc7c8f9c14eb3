"""A footer that shows what fits: when the screen is too narrow for every key, it drops the least
important ones instead of cutting a label mid-word ("^r App▏", "? ▏"). `?` always shows."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from functools import cache
from importlib import resources
from typing import Any

from textual.widget import Widget
from textual.widgets import Footer


@cache
def footer_rules() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`always` and `drop_first` id patterns from help.toml's [footer] (shipped data)."""
    data = tomllib.loads(resources.files("tui.rules.data").joinpath("help.toml").read_text("utf-8"))
    rules = data.get("footer", {})
    return tuple(rules.get("always", ())), tuple(rules.get("drop_first", ()))


def drop_order(ids: list[str], always: tuple[str, ...], drop_first: tuple[str, ...]) -> list[int]:
    """Indexes of `ids` in the order they are dropped: `drop_first` patterns first (in their order),
    then the rest from the right. An `always` id is never in the list."""
    def rank(index: int) -> tuple[int, int]:
        key = ids[index]
        for position, pattern in enumerate(drop_first):
            if fnmatch(key, pattern):
                return (position, 0)
        return (len(drop_first), -index)

    droppable = [i for i, key in enumerate(ids) if not any(fnmatch(key, p) for p in always)]
    return sorted(droppable, key=rank)


def fit(widths: list[int], ids: list[str], room: int) -> set[int]:
    """Which keys to hide so that the rest fit in `room` cells."""
    always, drop_first = footer_rules()
    hidden: set[int] = set()
    total = sum(widths)
    for index in drop_order(ids, always, drop_first):
        if total <= room:
            break
        hidden.add(index)
        total -= widths[index]
    return hidden


class FittingFooter(Footer):
    """Textual's Footer, refitted after every recompose (bindings changed) and every resize."""

    def keys(self) -> list[Widget]:
        """The footer's keys (Textual's FooterKey, matched by its CSS type name: it has no public
        import path)."""
        return list(self.query("FooterKey"))

    async def recompose(self) -> None:
        await super().recompose()
        self._fit()

    def on_resize(self, event: Any = None) -> None:
        self._fit()

    def _binding_id(self, key: Any) -> str:
        """The binding's id; Textual's own bindings (no id) read as `<class>.<action>`."""
        found = self.screen.active_bindings.get(key.key)
        if found is None:
            return key.action
        node, binding, *_ = found
        return binding.id or f"{type(node).__name__.lower()}.{binding.action}"

    def _fit(self) -> None:
        keys: list[Any] = list(self.keys())
        if not keys or not self.size.width:
            return
        widths = [key.render().cell_len + key.styles.gutter.width + key.styles.margin.width
                  for key in keys]
        hidden = fit(widths, [self._binding_id(key) for key in keys], self.size.width)
        for index, key in enumerate(keys):
            key.display = index not in hidden
