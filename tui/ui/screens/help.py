"""`?`: the keys of the screen you are on, read from its live bindings (so a `[keys]` remap shows as
remapped and a new binding can never be missing), grouped by task, then a legend of the symbols.

Groups, longer explanations and the legend are data (`tui/rules/data/help.toml`), not code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cache
from importlib import resources
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.ui.screens.scrolling import ScrollKeys


@dataclass(frozen=True)
class HelpData:
    groups: list[tuple[str, list[str]]]
    explain: dict[str, str]
    legend: list[tuple[str, str]]
    fold: dict[str, str] = field(default_factory=dict)
    hide: list[str] = field(default_factory=list)


@cache
def help_data() -> HelpData:
    """The shipped help.toml; a broken one is a bug in the package (a test reads it), so it raises."""
    data = tomllib.loads(resources.files("tui.rules.data").joinpath("help.toml").read_text("utf-8"))
    return HelpData(groups=[(g["name"], list(g["ids"])) for g in data["group"]],
                    explain=dict(data.get("explain", {})),
                    legend=[(row["symbol"], row["means"]) for row in data.get("legend", [])],
                    fold=dict(data.get("fold", {})), hide=list(data.get("hide", [])))


@dataclass
class KeyRow:
    keys: list[str]
    what: str
    binding_id: str
    folded: list[str] = field(default_factory=list)
    """The ids of the bindings folded into this row (the queues), this one's first."""


def _key_order(display: str) -> int:
    """Letters before arrows and names: `k / ↑`, `g / home`."""
    return 0 if len(display) == 1 and display.isascii() else 1


def key_rows(screen: Screen[Any]) -> dict[str, list[KeyRow]]:
    """The screen's active bindings (focused widget, screen, app; remaps applied), one row per
    binding id with all its keys, in groups. Folded ids (the queues) share one row."""
    app = screen.app
    data = help_data()
    rows: dict[str, KeyRow] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        ident = binding.id or f"{type(active.node).__name__.lower()}.{binding.action}"
        if any(fnmatch(ident, pattern) for pattern in data.hide):
            continue
        display = app.get_key_display(binding)
        what = data.explain.get(ident) or data.explain.get(binding.action) or binding.description
        row = rows.setdefault(ident, KeyRow([], what or binding.action, ident))
        if display not in row.keys:
            row.keys.append(display)
    for row in rows.values():
        row.keys.sort(key=_key_order)
    grouped: dict[str, list[KeyRow]] = {name: [] for name, _ in data.groups}
    grouped["Other"] = []
    folded: dict[str, KeyRow] = {}
    for row in rows.values():
        fold = next((label for pattern, label in data.fold.items() if fnmatch(row.binding_id, pattern)),
                    None)
        if fold is not None and fold in folded:
            folded[fold].keys += row.keys
            folded[fold].folded.append(row.binding_id)
            folded[fold].what += f", {row.what.lower()}"
            continue
        if fold is not None:
            row = folded[fold] = KeyRow(list(row.keys), f"{fold}: {row.what.lower()}", row.binding_id,
                                        [row.binding_id])
        group = next((name for name, patterns in data.groups
                      if any(fnmatch(row.binding_id, p) for p in patterns)), "Other")
        grouped[group].append(row)
    return {name: items for name, items in grouped.items() if items}


def keys_text(row: KeyRow) -> str:
    """`k / ↑` for one binding; a folded row's keys side by side, a run of digits as `1-9`."""
    if not row.folded:
        return " / ".join(row.keys)
    digits = [int(k) for k in row.keys if k.isdigit() and len(k) == 1]
    if len(digits) == len(row.keys) and digits == list(range(digits[0], digits[0] + len(digits))):
        return f"{digits[0]}-{digits[-1]}" if len(digits) > 1 else str(digits[0])
    return " ".join(row.keys)


def _grid(rows: list[tuple[str, str]], key_width: int) -> Table:
    """Two columns; a long explanation wraps under itself, not under the keys."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=key_width, style="bold")  # a long key list wraps, never cut
    grid.add_column(ratio=1)
    for keys, what in rows:
        grid.add_row(Text(keys), Text(what))
    return grid


def help_parts(screen: Screen[Any]) -> tuple[list[RenderableType], str]:
    """The help as renderables, and the same as plain text (for tests and the clipboard)."""
    title = getattr(screen, "HELP_TITLE", type(screen).__name__.removesuffix("Screen").lower())
    parts: list[RenderableType] = [Text(f"Keys on the {title} screen\n", "bold")]
    plain = [f"Keys on the {title} screen", ""]
    for group, rows in key_rows(screen).items():
        pairs = [(keys_text(row), row.what) for row in rows]
        parts += [Text(group, "bold underline"), _grid(pairs, 16), Text("")]
        plain += [group, *(f"  {keys:<16} {what}" for keys, what in pairs), ""]
    legend = help_data().legend
    parts += [Text("What the symbols mean", "bold underline"), _grid(legend, 7)]
    plain += ["What the symbols mean", *(f"  {symbol:<7} {means}" for symbol, means in legend)]
    note = ("Keys can be remapped in the config by binding id: [keys] \"inbox.done\" = \"D\"; "
            "the thread's keys have their own ids (\"thread.done\").")
    parts.append(Text(f"\n{note}", "dim"))
    plain += ["", note]
    return parts, "\n".join(plain)


class HelpScreen(ScrollKeys, ModalScreen[None]):
    """Modal over the screen it explains; j/k scroll it, esc/q/? close it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j,down", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="help.up"),
        Binding("g,home", "scroll_top", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll_bottom", "Bottom", show=False, id="help.bottom"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="help.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="help.page_up"),
    ]

    def __init__(self, of: Screen[Any]) -> None:
        super().__init__()
        self.of = of
        self.parts, self.plain = help_parts(of)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help", id="help-view"):
            yield Static(Group(*self.parts), id="help-body")

    def on_mount(self) -> None:
        # Nothing focused: the screen's own j/k bind, not the scroll view's.
        self.query_one("#help-view").can_focus = False
        self.set_focus(None)

    @property
    def view(self) -> VerticalScroll:
        return self.query_one("#help-view", VerticalScroll)

    def action_close(self) -> None:
        self.dismiss(None)

