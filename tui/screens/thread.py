"""The thread: every message and every step we took, in time order, with the author's history."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.rows import age
from tui.session import Session
from tui.widgets.mention_detail import describe_mention


class ThreadScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="thread.back"),
        Binding("r", "reply", "Reply", id="thread.reply"),
        Binding("j,down", "scroll_down", "Down", show=False, id="thread.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="thread.up"),
    ]

    def __init__(self, session: Session, uid: str) -> None:
        super().__init__()
        self.session = session
        self.uid = uid

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="thread-view"):
            yield Static(id="thread-body")
        yield Footer()

    def on_mount(self) -> None:
        self.render_thread()
        self.query_one("#thread-view").focus()

    def on_screen_resume(self) -> None:
        if not self.is_mounted:
            return  # resumed before its widgets exist (keys racing a push or a quit)
        self.render_thread()

    def render_thread(self) -> None:
        store, now = self.session.store, self.session.clock()
        mention = store.mention(self.uid)
        if mention is None:
            return
        thread_uid = mention["thread_uid"]
        items: list[tuple[str, Text]] = []
        for item in store.thread(thread_uid):
            block = describe_mention(item, now)
            if item["uid"] == self.uid:
                block = Text("▶ ", "bold") + block
            items.append((item["created_at"], block))
        for event in store.events_for(thread_uid):
            line = Text(f"  ⟲ {self.session.lifecycle.describe(event)}", "italic")
            text = (event.get("details") or {}).get("text")
            if event.get("action") == "reply" and text:
                line.append("\n    ")
                line.append(text)
            items.append((event.get("at", ""), line))
        items.sort(key=lambda pair: pair[0])
        public = sum(1 for m in store.thread(thread_uid) if m.get("author") != mention.get("author"))
        count = len(store.thread(thread_uid))
        header = Text(f"Thread · {count} message{'s' if count != 1 else ''} · "
                      f"{public} from others (how public it is) · started "
                      f"{age(store.thread(thread_uid)[0], now)} ago\n", "bold")
        parts = [header]
        for _, block in items:
            parts += [block, Text("")]
        for body in self.query("#thread-body").results(Static):
            body.update(Group(*parts))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#thread-view", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#thread-view", VerticalScroll).scroll_up(animate=False)

    def action_reply(self) -> None:
        from tui.screens.reply import ReplyScreen

        self.app.push_screen(ReplyScreen(self.session, self.uid),
                             callback=lambda _: self.render_thread())
