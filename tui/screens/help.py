"""`?`: the keys of the screen you are on, read from its live bindings (so a `[keys]` remap shows as
remapped and a new binding can never be missing), grouped by task, then a legend of the symbols.

Groups, longer explanations and the legend are data (`tui/data/help.toml`), not code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache
from importlib import resources
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


@dataclass(frozen=True)
class HelpData:
    groups: list[tuple[str, list[str]]]
    explain: dict[str, str]
    legend: list[tuple[str, str]]


@cache
def help_data() -> HelpData:
    """The shipped help.toml; a broken one is a bug in the package, so it raises."""
    data = tomllib.loads(resources.files("tui.data").joinpath("help.toml").read_text("utf-8"))
    return HelpData(groups=[(g["name"], list(g["ids"])) for g in data["group"]],
                    explain=dict(data.get("explain", {})),
                    legend=[(row["symbol"], row["means"]) for row in data.get("legend", [])])


@dataclass
class KeyRow:
    keys: list[str]
    what: str
    binding_id: str


def key_rows(screen: Screen[Any]) -> dict[str, list[KeyRow]]:
    """The screen's active bindings (focused widget, screen, app; remaps applied), one row per
    binding id with all its keys, in groups."""
    app = screen.app
    data = help_data()
    rows: dict[str, KeyRow] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        ident = binding.id or f"{type(active.node).__name__.lower()}.{binding.action}"
        display = app.get_key_display(binding)
        if ident in rows:
            if display not in rows[ident].keys:
                rows[ident].keys.append(display)
            continue
        what = data.explain.get(ident) or data.explain.get(binding.action) or binding.description
        rows[ident] = KeyRow([display], what or binding.action, ident)
    grouped: dict[str, list[KeyRow]] = {name: [] for name, _ in data.groups}
    grouped["Other"] = []
    for row in rows.values():
        group = next((name for name, patterns in data.groups
                      if any(fnmatch(row.binding_id, p) for p in patterns)), "Other")
        grouped[group].append(row)
    return {name: items for name, items in grouped.items() if items}


def help_text(screen: Screen[Any]) -> Text:
    """The whole help: grouped keys, then the legend. Descriptions are ours, never markup."""
    text = Text()
    title = getattr(screen, "HELP_TITLE", type(screen).__name__.removesuffix("Screen").lower())
    text.append(f"Keys on the {title} screen\n\n", "bold")
    for group, rows in key_rows(screen).items():
        text.append(f"{group}\n", "bold underline")
        for row in rows:
            text.append(f"  {' / '.join(row.keys):<16}", "bold")
            text.append(f" {row.what}\n")
        text.append("\n")
    text.append("What the symbols mean\n", "bold underline")
    for symbol, means in help_data().legend:
        text.append(f"  {symbol:<8}", "bold")
        text.append(f"{means}\n")
    text.append("\nKeys can be remapped in the config by binding id: [keys] \"inbox.done\" = \"D\"; "
                "thread keys have their own ids (\"thread.done\").", "dim")
    return text


class HelpScreen(ModalScreen[None]):
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

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help", id="help-view"):
            yield Static(help_text(self.of), id="help-body")

    def on_mount(self) -> None:
        # Nothing focused: the screen's own j/k bind, not the scroll view's.
        self.query_one("#help-view").can_focus = False
        self.set_focus(None)

    @property
    def view(self) -> VerticalScroll:
        return self.query_one("#help-view", VerticalScroll)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.view.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.view.scroll_up(animate=False)

    def action_scroll_top(self) -> None:
        self.view.scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        self.view.scroll_end(animate=False)

    def action_page_down(self) -> None:
        self.view.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.view.scroll_page_up(animate=False)
