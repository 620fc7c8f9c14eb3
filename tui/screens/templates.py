"""ctrl+t in the reply editor: pick a saved reply; placeholders are filled for this mention."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.templates import Template, saved_replies


class TemplatePicker(ModalScreen[str | None]):
    """Templates for the mention's kind first; Enter inserts the filled text, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="templates.cancel")]

    def __init__(self, values: dict[str, str], kind: str | None = None) -> None:
        """`values` from `tui.templates.values_for`: the one fill `f` and `h` use too."""
        super().__init__(classes="dialog-screen")
        self.values = values
        templates = saved_replies()  # a bad user file was listed at start; its good templates load
        self.templates: list[Template] = sorted(
            templates, key=lambda t: (kind not in (getattr(t, "kinds", ()) or ()), t.title))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Saved replies"), classes="dialog-title")
            yield OptionList(*(Option(Text(t.title), id=t.id) for t in self.templates), id="templates")
            yield Static(id="template-preview")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.templates:
            options.highlighted = 0
        options.focus()

    def filled(self, index: int) -> str:
        """The template at `index` with this mention's values (not `_render`: Textual draws with that)."""
        return self.templates[index].render(**self.values)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#template-preview", Static).update(Text(self.filled(event.option_index)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.filled(event.option_index))

    def action_cancel(self) -> None:
        self.dismiss(None)
