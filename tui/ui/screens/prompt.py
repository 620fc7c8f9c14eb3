"""Small modal dialogs: a one-line prompt, and a choice with an optional note."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.ui.widgets.footer import FittingFooter


def once_typed(field: Widget, then: Callable[[], None]) -> None:
    """Run `then` once `field` has taken every key typed before the one that calls this.

    Enter is a priority binding of these dialogs (so the footer shows their own keys), and Textual
    runs a priority binding as soon as the key arrives, while the letters typed just before it
    still wait in the field's own queue: a paste or a fast typist's note followed by Enter was
    kept as "Customer w". A callback posted to the field runs after those letters."""
    field.call_later(then)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; Enter returns it, Escape returns None.

    With `read`, the answer is read as it is typed and what was understood shows under it; an
    answer `read` refuses (ValueError) keeps the dialog open with the reason, so nothing is lost.
    Enter is a priority binding of the dialog so that its footer shows the dialog's own keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Confirm", priority=True, id="prompt.confirm"),
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, title: str, *, placeholder: str = "", value: str = "", help: str = "",
                 read: Callable[[str], str] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.help_text = help
        self.read = read
        self._early: list[str] | None = []

    def on_mount(self) -> None:
        box = self.query_one("#prompt-input", Input)
        self.set_focus(box)
        early, self._early = self._early, None
        if early:
            box.insert_text_at_cursor("".join(early))

    def type_ahead(self, text: str) -> None:
        """Keys typed right after the key that opened the dialog, before its field had focus: they
        were on their way to the inbox, and reach the app (`TurnaroundApp.on_key`)."""
        if self._early is not None:  # not mounted yet: on_mount puts them in
            self._early.append(text)
        else:
            self.query_one("#prompt-input", Input).insert_text_at_cursor(text)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            if self.help_text:
                yield Label(Text(self.help_text), classes="dialog-help")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            if self.read is not None:
                yield Label(Text("Enter confirms, Esc cancels."), id="prompt-preview",
                            classes="dialog-help")
        yield FittingFooter()

    def _understood(self, value: str) -> bool:
        """Show what `read` makes of `value` (or why it cannot); True if it can be used."""
        if self.read is None:
            return True
        label = self.query_one("#prompt-preview", Label)
        try:
            label.update(Text(f"→ {self.read(value)}   (Enter confirms, Esc cancels)"))
        except ValueError as error:
            label.update(Text(f"✗ {error}"))
            return False
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.read is not None and event.value.strip():
            self._understood(event.value)

    def action_confirm(self) -> None:
        """Enter: return the answer, unless `read` refuses it (then the reason shows)."""
        once_typed(self.query_one("#prompt-input", Input), self._confirm)

    def _confirm(self) -> None:
        value = self.query_one("#prompt-input", Input).value
        if self.is_active and self._understood(value):
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    note: str


class ChoiceScreen(ModalScreen[Choice | None]):
    """Pick one option (j/k or arrows), then write an optional note; Enter confirms."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Next · Confirm", priority=True, id="choice.confirm"),
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
        Binding("j", "move(1)", "Down", show=False, id="choice.down"),
        Binding("k", "move(-1)", "Up", show=False, id="choice.up"),
    ]

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.focused is options:
            options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def __init__(self, title: str, options: list[tuple[str, str]], *, note_label: str = "Note",
                 help: str = "", default: str | None = None, note: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.options = options
        self.note_label = note_label
        self.help_text = help
        self.default = default
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            if self.help_text:
                yield Label(Text(self.help_text), classes="dialog-help")
            yield OptionList(*(Option(Text(label), id=value) for value, label in self.options),
                             id="choice-options")
            yield Label(Text(f"{self.note_label} (Enter to confirm, Esc to cancel)"), classes="dialog-help")
            yield Input(value=self.note, id="choice-note")
        yield FittingFooter()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [value for value, _ in self.options]
        options.highlighted = ids.index(self.default) if self.default in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#choice-note", Input).focus()  # a click on an option

    def action_confirm(self) -> None:
        """Enter on the options moves to the note; Enter in the note confirms."""
        options = self.query_one(OptionList)
        if self.focused is options:  # (`has_focus` follows a frame later)
            # now, not on the next frame (`focus()`): the keys after Enter are the note's
            self.set_focus(self.query_one("#choice-note", Input))
            return
        once_typed(self.query_one("#choice-note", Input), self._confirm)

    def _confirm(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.is_active:
            return
        value = self.options[options.highlighted][0]
        self.dismiss(Choice(value, self.query_one("#choice-note", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
