"""`w`: walk away from a lose-lose thread. It leaves the queues but stays watched for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.core.model import Mention
from tui.ui.screens.prompt import once_typed
from tui.ui.widgets.footer import FittingFooter

REASONS = [
    ("abusive", "Abusive: insults or threats aimed at staff"),
    ("troll", "Troll: provoking, not seeking help"),
    ("no-resolution-possible", "No resolution possible: we have offered all we can"),
    ("repeating", "Repeating: the same complaint after a fix was offered"),
    ("other", "Other (say why in the note)"),
]


@dataclass(frozen=True, slots=True)
class WalkAway:
    reason: str
    note: str
    window: timedelta


class WalkAwayScreen(ModalScreen[WalkAway | None]):
    """Reason, note and watch window; Enter in the last field confirms, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next field", priority=True, id="walk.next"),
        Binding("ctrl+s", "confirm", "Walk away", id="walk.confirm"),
        Binding("escape", "cancel", "Cancel", id="walk.cancel"),
        Binding("j", "move(1)", "Down", show=False, id="walk.down"),
        Binding("k", "move(-1)", "Up", show=False, id="walk.up"),
    ]

    def __init__(self, mention: Mention, signs: list[str], days: int = 7) -> None:
        super().__init__(classes="dialog-screen")
        self.mention = mention
        self.signs = signs
        self.days = days

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="walk-away"):
            yield Label(Text(f"Walk away from {self.mention.get('author', '')}'s thread?"),
                        classes="dialog-title")
            help_text = Text("It leaves the active queues for walked-away, stays watched, and comes "
                             "back to priority if the author writes again or it draws a crowd.")
            yield Label(help_text, classes="dialog-help")
            if self.signs:
                yield Label(Text("Signs seen: " + "; ".join(self.signs)), classes="dialog-help")
            yield OptionList(*(Option(Text(label), id=value) for value, label in REASONS),
                             id="walk-reason")
            yield Label(Text("Note"), classes="dialog-help")
            yield Input(placeholder="what happened, for whoever picks this up", id="walk-note", compact=True)
            # How to confirm, on a line the dialog has anyway (at 80x24 it has no room for another).
            yield Label(Text("Watch for (days) · Enter here walks away · Esc cancels"), id="walk-how",
                        classes="dialog-help")
            yield Input(str(self.days), id="walk-days", type="integer", compact=True)
        yield FittingFooter()

    def _days(self) -> int:
        try:
            return max(1, int(self.query_one("#walk-days", Input).value or self.days))
        except ValueError:
            return self.days

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.focused is options:
            options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_next(self) -> None:
        """Enter walks reason → note → days, and on the days confirms (Enter is the dialog's own
        priority binding, so the footer shows it)."""
        # `set_focus`, not `focus()` (the next frame): keys typed right after Enter belong to the
        # next field, not to the one just left; and `focused`, as `has_focus` follows a frame later
        if self.focused is self.query_one(OptionList):
            self.set_focus(self.query_one("#walk-note", Input))
        elif self.focused is self.query_one("#walk-note", Input):
            self.set_focus(self.query_one("#walk-days", Input))
        else:
            once_typed(self.query_one("#walk-days", Input), self.action_confirm)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#walk-note", Input).focus()

    def action_confirm(self) -> None:
        if not self.is_active:
            return  # a second Enter while the first was waiting for the field
        options = self.query_one(OptionList)
        reason = REASONS[options.highlighted or 0][0]
        note = self.query_one("#walk-note", Input).value.strip()
        self.dismiss(WalkAway(reason, note, timedelta(days=self._days())))

    def action_cancel(self) -> None:
        self.dismiss(None)
