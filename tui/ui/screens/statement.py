"""`P` when a problem spreads: a public statement (a post, not a reply), written with the same live
hints, and linked to every thread it answers."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Static

from tui.core.sanitize import one_line
from tui.core.spikes import Spike, record_statement
from tui.services.session import Session
from tui.ui.screens.reply import ReplyScreen
from tui.ui.widgets.draft_area import DraftArea
from tui.ui.widgets.footer import FittingFooter


class StatementScreen(ReplyScreen):
    """The reply editor, aimed at the public: the spike's mentions above, no single recipient."""

    def __init__(self, session: Session, spike: Spike) -> None:
        super().__init__(session, spike.uids[0])
        self.spike = spike
        self.draft_key = f"statement:{spike.topic}"

    def compose(self) -> ComposeResult:
        self.set_class(self.app.size.width < 110, "-narrow")
        store = self.session.store
        header = Text(f"Public statement about “{self.spike.topic}”: {self.spike.count} negative "
                      f"mentions in the last hour (usually {self.spike.baseline_rate:.1f}). "
                      "It will be linked to each of their threads.\n", "bold")
        with VerticalScroll(id="reply-context"):
            yield Static(header)
            for uid in self.spike.uids[:8]:
                mention = store.mention(uid)
                if mention is None:
                    line = Text("  : ", "dim")
                else:
                    line = Text(f"  {mention['author']}: ", "dim")
                    line.append(one_line(mention["text"], 200))
                yield Static(line)
        with Horizontal(id="reply-main"):
            with Vertical(id="reply-editor"):
                yield DraftArea(store.draft(self.draft_key) or "", id="draft")
                yield Label(Text(""), id="reply-meter")
            yield Static(Text(""), id="hint-panel")
        yield FittingFooter()

    def save(self) -> None:
        self.session.store.save_draft(self.draft_key, self.draft.text, platform=self.platform)

    def action_send(self) -> None:
        text = self.draft.text.strip()
        if not text:
            self.notify("The statement is empty.", severity="warning")
            return
        if not self.ready(text):
            return
        changes = record_statement(self.session.lifecycle, text, self.spike.topic, self.spike.uids)
        self.session.store.drop_draft(self.draft_key)
        self.notify(f"Statement recorded and linked to {len(changes)} thread(s). Post it on your "
                    "brand accounts; replies to each thread can point to it.", timeout=6)
        self.dismiss(True)
