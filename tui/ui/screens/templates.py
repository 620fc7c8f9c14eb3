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

from tui.core.templates import Template, saved_replies


def fit_rank(template: Template, kind: str | None, review: bool) -> int:
    """How well a saved reply fits the mention (0 best). A review gets review replies, the ones for
    its kind first; any other mention gets replies for its kind, then replies for any kind, then
    the rest, and review replies last: they point to a review site's profile, not a DM."""
    for_kind = kind is not None and kind in template.kinds
    if review:
        return (0 if "review" in template.kinds else 2) + (0 if for_kind else 1)
    if "review" in template.kinds:
        return 3
    return 0 if for_kind else 1 if not template.kinds else 2


def fit_order(templates: list[Template], kind: str | None, review: bool = False) -> list[Template]:
    """The templates, those that fit the mention first; the data file's order within a rank."""
    return sorted(templates, key=lambda t: fit_rank(t, kind, review))


class TemplatePicker(ModalScreen[str | None]):
    """Saved replies that fit the mention first (its kind; review replies first for a review, last
    otherwise), the others dimmed; Enter inserts the filled text, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="templates.cancel")]

    def __init__(self, values: dict[str, str], kind: str | None = None, *, review: bool = False) -> None:
        """`values` from `tui.core.templates.values_for`: the one fill `f` and `h` use too."""
        super().__init__(classes="dialog-screen")
        self.values = values
        self.kind, self.review = kind, review
        # a bad user file was listed at start; its good templates load
        self.templates: list[Template] = fit_order(saved_replies(), kind, review)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Saved replies"), classes="dialog-title")
            yield OptionList(*(Option(self._title(t), id=t.id) for t in self.templates), id="templates")
            yield Static(id="template-preview")

    def _title(self, template: Template) -> Text:
        """A reply that does not fit this mention is listed dimmed, after the ones that do."""
        fits = fit_rank(template, self.kind, self.review) <= 1
        return Text(template.title, "" if fits else "dim")

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
