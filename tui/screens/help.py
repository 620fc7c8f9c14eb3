"""`?`: every key, grouped by task, read from the live bindings so a remapped key shows as remapped."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GROUPS: dict[str, list[tuple[str, str]]] = {
    "Move": [("j / k, ↓ / ↑", "next / previous mention"), ("g / G", "first / last"),
             ("PgDn / PgUp", "page"), ("1-7", "queues: priority, needs-reply, champions, waiting, "
                                      "escalated, walked-away, done"), ("8 / 9", "muted / snoozed views"),
             ("/", "filter by text, @author or #tag"), ("o", "sort: priority, time left, newest")],
    "Triage": [("enter / t", "open the thread"), ("d", "done (the cursor moves on)"),
               ("x / space", "select; * selects all shown"), ("#", "tag: urgent, vip (-tag removes)"),
               ("n", "mark read / unread"), ("m", "mute / unmute the author"),
               ("L", "correct triage: label, kind, queue (this store learns it)"),
               ("u", "undo the last action (bulk actions too)")],
    "Reply": [("r", "reply (drafts are kept as you type)"), ("ctrl+s", "send"),
              ("ctrl+n / ctrl+b", "next / previous hint"), ("ctrl+r", "apply the suggested rewrite"),
              ("ctrl+t", "saved replies"), ("esc", "leave, keeping the draft"),
              ("p (in a thread)", "post a failed reply again (same idempotency key)")],
    "Lifecycle": [("c", "resolve; then f opens a feedback request (once)"),
                  ("a", "escalation answered: asks what the team said, then back to its queue"),
                  ("e", "escalate to a team with a note"), ("s", "snooze until 2h, tomorrow 9am..."),
                  ("w", "walk away (watched; comes back if it flares up)"),
                  ("P", "public statement when a problem spreads (a spike)"),
                  ("v / y", "open / copy the link"), ("R", "report")],
    "Champions": [("C", "champions: who praises us, with each one's history"),
                  ("h", "thank: the saved thanks opens in the editor"),
                  ("H", "mark / unmark the author a champion")],
    "App": [("ctrl+p", "command palette: every action, queue and theme"), ("?", "this help"),
            ("S", "sources: health, last error, next try"),
            ("q", "quit")],
}


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        text = Text()
        for group, rows in GROUPS.items():
            text.append(f"{group}\n", "bold underline")
            for keys, what in rows:
                text.append(f"  {keys:<18}", "bold")
                text.append(f"{what}\n")
            text.append("\n")
        text.append("Keys can be remapped in the config: [keys] inbox.done = \"D\" (see README).", "dim")
        with VerticalScroll(classes="dialog help"):
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)
