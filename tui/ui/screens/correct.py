"""`L`: correct triage (label, kind and/or queue), keyboard only. The choice goes back to the inbox,
which records it as an undoable `correct` event (tui/core/corrections.py) that also teaches this store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.core.corrections import CHOICES, FIELDS, MENTION_FIELD, Correction, agreeing_kind
from tui.core.model import Mention
from tui.core.sanitize import clean, one_line
from tui.ui.widgets.footer import FittingFooter

TITLES = {"label": "Label", "kind": "Kind", "queue": "Queue"}


MIXED = "mixed"
"""A field's value when the selected mentions differ in it."""


def _field(mention: Mention, name: str) -> str:
    return str(mention.get(MENTION_FIELD[name]) or CHOICES[name][0])


class CorrectScreen(ModalScreen[Correction | None]):
    """Three rows, one per field, each showing every value with the current one marked. Only the
    rows the agent changes are corrected; until the kind is changed by hand it follows a label that
    contradicts it (praise is positive; a complaint or a crisis is not), and until the queue is, it
    follows the label and kind, as triage would route them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "row(-1)", "Field", key_display="↑↓", show=False, id="correct.up"),
        Binding("down,j,tab", "row(1)", "Field", key_display="↑↓", id="correct.down"),
        Binding("left,h", "value(-1)", "Value", key_display="←→", show=False, id="correct.left"),
        Binding("right,l", "value(1)", "Value", key_display="←→", id="correct.right"),
        Binding("enter", "apply", "Apply", id="correct.apply"),
        Binding("escape", "cancel", "Cancel", id="correct.cancel"),
    ]

    def __init__(self, mention: Mention, queue_for: Callable[[str, str], str], *,
                 count: int = 1, others: Sequence[Mention] = ()) -> None:
        super().__init__(classes="dialog-screen")
        self.queue_for = queue_for
        self.count = count
        self.author = one_line(clean(str(mention.get("author") or "this")), 40)
        self.original = {name: _field(mention, name) for name in FIELDS}
        for name in FIELDS:
            # a bulk selection whose mentions differ: no value is shown as theirs (session 57: the
            # dialog said "Now: negative · complaint" of a selection holding a crisis)
            if any(_field(other, name) != self.original[name] for other in others):
                self.original[name] = MIXED
        self.aside = bool(mention.get("off_topic")) and mention.get("queue") == "muted"
        """Not about us (tui/core/relevance.py): in no queue until the agent picks one."""
        if self.aside:
            self.original["queue"] = "set aside"
        self.values = dict(self.original)
        self.touched: set[str] = set()
        self.row = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="correct"):
            what = f"{self.author}'s mention" if self.count == 1 else f"{self.count} selected mentions"
            yield Label(Text(f"Correct triage of {what}"), classes="dialog-title")
            said = " · ".join(value if value != MIXED else f"{TITLES[name].lower()}s differ"
                              for name, value in self.original.items())
            follows = ("a queue picked files it (it names only a [brand] exclude phrase)" if self.aside
                       else "kind and queue follow the label unless you change them (praise is "
                            "positive; a complaint or a crisis is not)")
            yield Label(Text(f"Now: {said} (underlined). Only the rows you change are corrected; "
                             f"{follows}. This store learns from it; u undoes."), classes="dialog-help")
            for name in FIELDS:
                yield Static(id=f"correct-{name}", classes="correct-row")
        yield FittingFooter()

    def on_mount(self) -> None:
        self._render_rows()

    def _implied_queue(self) -> str:
        if self.aside or (self.values["label"], self.values["kind"]) == (self.original["label"],
                                                                         self.original["kind"]):
            return self.original["queue"]
        if MIXED in (self.values["label"], self.values["kind"]):
            return MIXED  # each mention's queue follows its own label and kind
        return self.queue_for(self.values["kind"], self.values["label"])

    def _render_rows(self) -> None:
        if "kind" not in self.touched and not self.aside:
            # as the store will set it: praise is positive, a complaint or a crisis is not
            self.values["kind"] = MIXED if MIXED in (self.original["kind"], self.values["label"]) \
                else agreeing_kind(self.original["kind"], self.values["label"])
        if "queue" not in self.touched:
            self.values["queue"] = self._implied_queue()
        for index, name in enumerate(FIELDS):
            line = Text("▸ " if index == self.row else "  ", style="bold")
            line.append(f"{TITLES[name]:<6}", style="bold" if index == self.row else "")
            for value in CHOICES[name]:
                line.append(" ")
                style = "reverse bold" if value == self.values[name] else "dim"
                if value == self.original[name]:
                    style += " underline"
                line.append(f" {value} ", style=style)
            if self.values[name] == MIXED:
                line.append(" (mixed)", style="dim")
            elif self.values[name] != self.original[name]:
                line.append(" *", style="bold")
            self.query_one(f"#correct-{name}", Static).update(line)

    def action_row(self, step: int) -> None:
        self.row = (self.row + step) % len(FIELDS)
        self._render_rows()

    def action_value(self, step: int) -> None:
        name = FIELDS[self.row]
        options = CHOICES[name]
        # A value triage no longer offers (an older store) starts the cycle at either end.
        at = options.index(self.values[name]) if self.values[name] in options else (-1 if step > 0 else 0)
        self.values[name] = options[(at + step) % len(options)]
        self.touched.add(name)
        self._render_rows()

    def result(self) -> Correction | None:
        """The rows the agent changed, or None when nothing was."""
        chosen = {name: self.values[name] for name in FIELDS if name in self.touched}
        if self.count == 1:
            chosen = {name: value for name, value in chosen.items() if value != self.original[name]}
        return Correction(**chosen) if chosen else None

    def action_apply(self) -> None:
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        self.dismiss(None)
