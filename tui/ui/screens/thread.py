"""The thread: every message and every step we took, in time order, with the author's history.

A workspace like a mail client's pager: every inbox action works here on the thread's mention, with
the same keys. The actions are the inbox's own (`InboxScreen` pinned to this mention), not a copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.core.rows import age
from tui.services.session import Session
from tui.ui.screens.scrolling import ScrollKeys
from tui.ui.widgets.footer import FittingFooter
from tui.ui.widgets.mention_detail import DRAFT_TITLE, describe_mention, draft_text

if TYPE_CHECKING:
    from tui.ui.screens.inbox import InboxScreen

INBOX_ACTIONS = {
    # binding id suffix: (keys, footer label, shown in the footer) -- the keys are the inbox's.
    "done": ("d", "Done", True),
    "resolve": ("c", "Resolve", True),
    "escalate": ("e", "Escalate", True),
    "snooze": ("s", "Snooze", False),
    "walk_away": ("w", "Walk away", False),
    "tag": ("number_sign", "Tag", False),
    "mute": ("m", "Mute", False),
    "open_url": ("v", "Open link", False),
    "copy_url": ("y", "Copy link", False),
    "correct": ("L", "Correct triage", False),
    "feedback": ("f", "Ask feedback", False),
    "answered": ("a", "Escalation answered", False),
    "thank": ("h", "Thank", False),
    "champion": ("H", "Mark champion", False),
    "undo": ("u", "Undo", True),
}
"""Inbox actions the thread offers; each runs `InboxScreen.action_<name>` on the thread's mention."""


class ThreadScreen(ScrollKeys, Screen[None]):
    HELP_TITLE = "thread"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="thread.back"),
        Binding("r", "reply", "Reply", id="thread.reply"),
        *[Binding(keys, f"inbox('{name}')", label, show=shown, id=f"thread.{name}")
          for name, (keys, label, shown) in INBOX_ACTIONS.items()],
        Binding("p", "retry", "Post failed again", show=False, id="thread.retry"),
        Binding("j,down", "scroll_down", "Down", show=False, id="thread.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="thread.up"),
        Binding("g,home", "scroll_top", "Top", show=False, id="thread.top"),
        Binding("G,end", "scroll_bottom", "Bottom", show=False, id="thread.bottom"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="thread.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="thread.page_up"),
    ]

    def __init__(self, session: Session, uid: str) -> None:
        super().__init__()
        self.session = session
        self.uid = uid
        self._before_selected: list[Text] = []
        """What the thread shows above the mention it was opened on, as last drawn."""
        self._selected: Text | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="thread-view"):
            yield Static(id="thread-body")
        yield FittingFooter()

    def on_mount(self) -> None:
        # Nothing focused: the screen's keys are the live ones (help lists them, not the view's).
        self.query_one("#thread-view").can_focus = False
        self.set_focus(None)
        if (inbox := self.inbox) is not None:
            inbox.pinned_uid = self.uid
        self.render_thread()
        self.call_after_refresh(self._show_selected)

    def on_unmount(self) -> None:
        inbox = self.inbox
        if inbox is not None and inbox.pinned_uid == self.uid:
            inbox.pinned_uid = None

    @property
    def inbox(self) -> InboxScreen | None:
        """The inbox under this thread (opened from it or from the champions list)."""
        # Found by what the thread uses of it (pinning), not by class: the inbox opens threads, so
        # importing it here would make the two screens import each other.
        found = next((s for s in self.app.screen_stack if hasattr(s, "pinned_uid")), None)
        return cast("InboxScreen | None", found)

    def action_inbox(self, name: str) -> None:
        """Run the inbox's own action on this thread's mention, then show what it changed."""
        inbox = self.inbox
        if inbox is None:
            self.notify("The inbox is not open.", severity="warning")
            return
        inbox.pinned_uid = self.uid
        getattr(inbox, f"action_{name}")()
        self.render_thread()  # and again when a dialog it opened closes (`on_screen_resume`)

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
        selected: Text | None = None
        for item in store.thread(thread_uid):
            block = describe_mention(item, now)
            if item["uid"] == self.uid:
                block = selected = Text("▶ ", "bold") + block
            items.append((item["created_at"], block))
        for event in store.events_for(thread_uid):
            line = Text(f"  ⟲ {self.session.lifecycle.describe(event)}", "italic")
            details = event.get("details") or {}
            # An answer posted outside Turnaround is in the thread already, as our own post.
            text = None if details.get("elsewhere") else details.get("text")
            if event.get("action") in ("reply", "request-feedback", "thank") and text:
                line.append("\n    ")
                line.append(text)
                line.append_text(self._delivery(details.get("outbox_id")))
            items.append((event.get("at", ""), line))
        items.sort(key=lambda pair: pair[0])
        items = _fold_repeats(items)
        public = sum(1 for m in store.thread(thread_uid) if m.get("author") != mention.get("author"))
        count = len(store.thread(thread_uid))
        header = Text(f"Thread · {count} message{'s' if count != 1 else ''} · "
                      f"{public} from others (how public it is) · started "
                      f"{age(store.thread(thread_uid)[0], now)} ago\n", "bold")
        parts = [header]
        for _, block in items:
            parts += [block, Text("")]
        if draft := self.session.draft_waiting(self.uid):  # where our reply will go: last
            parts += [Text(DRAFT_TITLE, "bold"), draft_text(draft)]
        self._before_selected = parts[:next((i for i, p in enumerate(parts) if p is selected), 0)]
        self._selected = selected
        for body in self.query("#thread-body").results(Static):
            body.update(Group(*parts))

    def _show_selected(self) -> None:
        """Open a long thread at the mention it was opened on (▶), with what came before it above,
        not at its first post: at 80x24 that was all an agent saw of a ten-message thread."""
        view = self.query_one("#thread-view", VerticalScroll)
        width, height = view.scrollable_content_region.width, view.scrollable_content_region.height
        if self._selected is None or width <= 0:
            return
        console = self.app.console
        start = sum(len(part.wrap(console, width)) for part in self._before_selected)
        end = start + len(self._selected.wrap(console, width))
        view.scroll_to(y=min(start, max(0, end - height)), animate=False, immediate=True)

    def _delivery(self, item_id: int | None) -> Text:
        """Where a reply is in the outbox: queued, sent, failed (and why) or left to post by hand."""
        item = self.session.outbox.item(item_id) if item_id is not None else None
        if item is None:
            return Text("")
        status = item.get("status", "")
        label = {"queued": "⧗ queued", "sending": "⧗ sending", "sent": "✓ sent",
                 "manual": "✎ post it by hand", "failed": "✗ failed"}.get(status, status)
        if status == "failed" and item.get("last_error"):
            label += f": {item['last_error']} (p posts again)"
        elif status == "queued" and item.get("last_error"):
            label += f", retrying after: {item['last_error']}"
        return Text(f"\n    [{label}]", "bold" if status == "failed" else "dim")

    def action_retry(self) -> None:
        """Post this thread's failed replies again, with the same idempotency key."""
        mention = self.session.store.mention(self.uid)
        if mention is None:
            return
        uids = {m["uid"] for m in self.session.store.thread(mention["thread_uid"])}
        failed = [row for row in self.session.outbox.items()
                  if row.get("uid") in uids and row.get("status") == "failed"]
        for row in failed:
            self.session.outbox.retry(row["item_id"])
        self.notify(f"Posting {len(failed)} failed repl{'y' if len(failed) == 1 else 'ies'} again."
                    if failed else "No failed reply in this thread.", timeout=3)
        self.render_thread()

    def action_back(self) -> None:
        if (inbox := self.inbox) is not None and inbox.pinned_uid == self.uid:
            inbox.pinned_uid = None
        self.dismiss(None)

    @property
    def view(self) -> VerticalScroll:
        return self.query_one("#thread-view", VerticalScroll)

    def action_reply(self) -> None:
        from tui.ui.screens.reply import ReplyScreen

        self.app.push_screen(ReplyScreen(self.session, self.uid),
                             callback=lambda _: self.render_thread())


def _fold_repeats(items: list[tuple[str, Text]]) -> list[tuple[str, Text]]:
    """One line for the same step told again at once ("replied: 'answered outside Turnaround'" for
    each of a customer's posts our one answer covered, when a conversation came in out of order),
    with how many times: "(×3)"."""
    out: list[tuple[str, Text]] = []
    count = 1
    for at, block in items:
        if out and block.plain.startswith("  ⟲") and block.plain == out[-1][1].plain.split(" (×")[0]:
            count += 1
            out[-1] = (out[-1][0], block.copy().append(f" (×{count})", "dim"))
            continue
        count = 1
        out.append((at, block))
    return out
