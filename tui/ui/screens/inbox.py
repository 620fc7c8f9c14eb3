"""The inbox screen: queue bar, mention list, detail pane, filter, and every triage key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label

from tui.core.corrections import ACTION as CORRECT
from tui.core.corrections import learned_line
from tui.core.lifecycle import TransitionError
from tui.core.lifecycle_signs import our_handles
from tui.core.queues import ALL_VIEWS, QUEUES
from tui.core.tags import tag_name
from tui.core.triage_explain import explain
from tui.services.session import Session
from tui.ui.screens.inbox_actions import InboxActions
from tui.ui.screens.inbox_search import ArchiveSearch
from tui.ui.screens.inbox_status import (
    EMPTY_QUEUE,
    SORT_LABELS,
    filter_piece,
    fit_status,
    selection_piece,
    sort_piece,
    source_pieces,
    spike_piece,
)
from tui.ui.screens.prompt import once_typed
from tui.ui.widgets.footer import FittingFooter
from tui.ui.widgets.mention_detail import MentionDetail, why_lines
from tui.ui.widgets.mention_list import HEADER, MentionList
from tui.ui.widgets.queue_bar import QueueBar

QUEUE_BINDINGS = [
    Binding(q.key, f"queue('{q.id}')", q.title, show=False, id=f"queue.{q.id}") for q in ALL_VIEWS
]
DEMO_HINT = "Fictional brand · your own: add sources to ~/.config/turnaround/config.toml"


class InboxScreen(InboxActions, ArchiveSearch, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *QUEUE_BINDINGS,
        # priority: run as "/" arrives, so the words typed right after it (one burst over SSH) go
        # into the filter, not to the list's keys ("/refund" opened the reply editor with "efund")
        Binding("slash", "filter", "Filter", priority=True, id="inbox.filter"),
        Binding("r", "reply", "Reply", id="inbox.reply"),
        Binding("d", "done", "Done", id="inbox.done"),
        Binding("u", "undo", "Undo", id="inbox.undo"),
        Binding("e", "escalate", "Escalate", id="inbox.escalate"),
        Binding("s", "snooze", "Snooze", show=False, id="inbox.snooze"),
        Binding("w", "walk_away", "Walk away", show=False, id="inbox.walk_away"),
        Binding("t", "thread", "Thread", show=False, id="inbox.thread"),
        Binding("x,space", "select", "Select", show=False, id="inbox.select"),
        Binding("asterisk", "select_all", "Select all", show=False, id="inbox.select_all"),
        Binding("number_sign", "tag", "Tag", show=False, id="inbox.tag"),
        Binding("n", "toggle_read", "Read/unread", show=False, id="inbox.read"),
        Binding("m", "mute", "Mute", show=False, id="inbox.mute"),
        Binding("v", "open_url", "Open link", show=False, id="inbox.open_url"),
        Binding("y", "copy_url", "Copy link", show=False, id="inbox.copy_url"),
        Binding("o", "sort", "Sort", show=False, id="inbox.sort"),
        Binding("R", "report", "Report", show=False, id="inbox.report"),
        Binding("S", "sources", "Sources", show=False, id="inbox.sources"),
        Binding("P", "statement", "Public statement", show=False, id="inbox.statement"),
        Binding("c", "resolve", "Resolve", show=False, id="inbox.resolve"),
        Binding("f", "feedback", "Ask feedback", show=False, id="inbox.feedback"),
        Binding("a", "answered", "Escalation answered", show=False, id="inbox.answered"),
        Binding("C", "champions", "Champions", show=False, id="inbox.champions"),
        Binding("h", "thank", "Thank", show=False, id="inbox.thank"),
        Binding("H", "champion", "Mark champion", show=False, id="inbox.champion"),
        Binding("L", "correct", "Correct triage", show=False, id="inbox.correct"),
        Binding("escape", "clear", "Clear", show=False, id="inbox.clear"),
    ]

    def __init__(self, session: Session, *, demo: bool = False) -> None:
        super().__init__()
        self.session = session
        self.inbox = session.inbox
        self.demo = demo
        self.queue = "priority"
        self._pending = False
        self._read_timer: Any = None
        self._resting_on: str | None = None
        self.pinned_uid: str | None = None
        """Set while a thread is open on top: the actions then apply to that mention, not the cursor."""

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="topline"):
            if self.demo:
                yield Label(Text(" DEMO "), id="demo-badge")
            yield Label(Text(self._status_text()), id="status")
        if self.demo:  # stays on screen: a spike or a filter takes the line above, not this one
            yield Label(Text(DEMO_HINT), id="demo-hint")
        yield QueueBar(id="queues")
        with Horizontal(id="main"):
            with Vertical(id="list-pane"):
                yield Label(Text(HEADER), id="list-header")
                yield MentionList(self.inbox.row, self.inbox.response_clock,
                                  self.session.clock, ours=our_handles(self.session.ours),
                                  draft_of=self.session.draft_waiting, id="mentions")
            yield MentionDetail(ours=our_handles(self.session.ours), id="detail")
        yield Input(placeholder="filter: text, @author, #tag  (Enter keeps it, Esc clears)",
                    id="filter")
        yield FittingFooter()

    def _status_text(self) -> str:
        """A failing source leads the line, then a spike, the selection, the filter and the sort:
        all side by side, the least important dropped first when the terminal is narrow."""
        pieces = source_pieces(getattr(self.app, "sources", ()), demo=self.demo)
        spikes = self.session.spikes.spikes(self.session.clock())
        if spikes:
            top = spikes[0]
            pieces.append(spike_piece(top.topic, top.count, top.baseline_rate))
        lists = self.query(MentionList)
        if lists and lists.first().selected:
            pieces.append(selection_piece(len(lists.first().selected)))
        if self.inbox.filter_text or self.inbox.filter_tag:
            pieces.append(filter_piece(self.inbox.filter_text, self.inbox.filter_tag))
        pieces.append(sort_piece(self.inbox.sort))
        badge = 7 if self.demo else 0
        return fit_status(pieces, max(20, (self.size.width or 200) - badge - 1))

    def update_status(self) -> None:
        """Redraw the top line (the selection, filter or sort changed)."""
        if labels := self.query("#status"):
            labels.first(Label).update(Text(self._status_text()))

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.run_worker(self._watch_arrivals(), group="arrivals", exclusive=True)
        self.set_interval(30, self._tick)
        self.on_resize()
        self.show_queue("priority")
        self.query_one(MentionList).focus()

    def on_resize(self, event: Any = None) -> None:
        self.set_class(self.size.width < 110, "-narrow")
        self.update_status()

    # -- data flow ---------------------------------------------------------------------------
    @property
    def mention_list(self) -> MentionList:
        return self.query_one(MentionList)

    def show_queue(self, queue: str, *, fallback: int | None = None, keep: str | None = None) -> None:
        same = queue == self.queue
        self.queue = queue
        lst = self.mention_list
        lst.empty_text = (EMPTY_QUEUE.get(queue, f"Nothing in {queue}.")
                          if not (self.inbox.filter_text or self.inbox.filter_tag)
                          else "Nothing here matches yet; searching the archive…"
                          if self.inbox.archive_pending else "Nothing matches the filter (Esc clears it).")
        if not same:
            lst.selected.clear()
            lst.set_reactive(MentionList.cursor, 0)
            lst.scroll_to(y=0, animate=False, immediate=True)
        lst.set_uids(self.inbox.uids(queue), keep=keep if keep is not None else (
            None if same else ""), fallback=fallback, position=self._position(queue))
        self._update_counts()

    def _position(self, queue: str) -> Callable[[str], int | None]:
        return lambda uid: self.inbox.position(queue, uid)

    def _update_counts(self) -> None:
        bars = self.query(QueueBar)
        if not bars:
            return  # the screen is being torn down (app exit): an arrival or tick came too late
        bar = bars.first()
        bar.counts = {q.id: (self.inbox.count(q.id), self.inbox.unread(q.id)) for q in ALL_VIEWS}
        bar.active = self.queue
        self.update_status()

    async def _watch_arrivals(self) -> None:
        """Sleep until something arrives, then let a frame's worth gather: no polling when idle."""
        arrivals = self.app.arrivals  # type: ignore[attr-defined]
        while True:
            await arrivals.wait()
            await asyncio.sleep(1 / 10)
            if self.is_current:
                self._apply_arrivals()
            else:
                await asyncio.sleep(1 / 10)  # another screen is up; catch up when it closes

    def _apply_arrivals(self) -> None:
        """Batch everything that arrived since the last frame into one refresh."""
        arrivals = self.app.arrivals  # type: ignore[attr-defined]
        if arrivals.is_set() and self.query(MentionList):
            arrivals.clear()
            lst = self.mention_list
            lst.set_uids(self.inbox.uids(self.queue), position=self._position(self.queue))
            self._update_counts()

    def _tick(self) -> None:
        if not self.query(MentionList):
            return  # torn down between the timer firing and this call
        self.mention_list.redraw()
        self._update_counts()

    @on(MentionList.Highlighted)
    def _highlighted(self, event: MentionList.Highlighted) -> None:
        self._show_detail(event.uid)
        if event.uid == self._resting_on:
            return  # an arrival re-posted the same mention: keep its read timer running
        self._resting_on = event.uid
        if self._read_timer is not None:
            self._read_timer.stop()
        if event.uid is not None:
            self._read_timer = self.set_timer(1.5, lambda uid=event.uid: self._mark_read(uid))

    def _mark_read(self, uid: str) -> None:
        """A mention the cursor rests on is read, as in a mail client's preview pane."""
        if self.mention_list.current_uid == uid:
            self.inbox.set_read(uid, True)
            self.mention_list.refresh_uid(uid)
            self._update_counts()

    def _show_detail(self, uid: str | None) -> None:
        store = self.session.store
        mention = self.inbox.row(uid) if uid else None
        detail = self.query_one(MentionDetail)
        if mention is None:
            detail.show(None, [], [], [], self.session.clock())
            return
        stored = store.events_for(mention["thread_uid"])
        events = [self.session.lifecycle.describe(e) for e in stored]
        corrected = bool(mention.get("learned")) or any(
            e.get("action") == CORRECT and mention["uid"] in (e.get("before") or {}) for e in stored)
        if mention.get("learned"):
            events.insert(0, learned_line(mention["learned"]))
        signs = self.session.lifecycle.walk_away_signs(mention["thread_uid"])
        if signs and mention.get("state") not in ("walked-away", "done", "closed"):
            events.append("⚑ Consider walking away (w): " + "; ".join(signs))
        author = mention["author"]
        profile = store.author(author)
        if profile.get("muted"):
            profile["muted_count"] = sum(1 for m in store.by_author(author) if m.get("muted"))
        history = store.by_author(author, last=6, archived=True)  # archived: one small shard read
        triager = self.session.pipeline.triager  # the queue triage chose, not where it is now
        label, kind = mention.get("label", "neutral"), mention.get("kind", "other")
        queue = triager.queue(kind, label)
        if mention.get("queue") == "muted" and queue != "muted":
            queue += " were it not set aside"  # a muted author's, or not about us: triage's reading
        why = why_lines(explain(mention.get("text", ""), followers=mention.get("followers"),
                                triager=triager),
                        queue, shown=(label, kind), corrected=corrected, quiet=self.session.brand_words)
        detail.show(mention, store.thread(mention["thread_uid"]), history, events,
                    self.session.clock(), profile, history_total=store.author_count(author), why=why,
                    draft=self.session.draft_waiting(mention["uid"]))

    @on(MentionList.Opened)
    def _opened(self, event: MentionList.Opened) -> None:
        self.action_thread()

    # -- actions -----------------------------------------------------------------------------
    def _current(self) -> str | None:
        """The mention an action is about: the open thread's, else the one under the cursor."""
        return self.pinned_uid or self.mention_list.current_uid

    def _targets(self) -> list[str]:
        """The open thread's mention, else the selected mentions, else the one under the cursor."""
        if self.pinned_uid is not None:
            return [self.pinned_uid]
        lst = self.mention_list
        if lst.selected:
            return [u for u in lst.uids if u in lst.selected]
        return [lst.current_uid] if lst.current_uid else []

    def act(self, action: str, *, thread: bool = True, why: str = "", **details: Any) -> bool:
        """Apply a lifecycle action to the targets; the cursor moves on to the next mention."""
        targets = self._targets()
        if not targets:
            self.notify("No mention here.", severity="warning")
            return False
        lst = self.mention_list
        uids: list[str] = []
        for uid in targets:
            for item in (self.inbox.thread_open_uids(uid) if thread else [uid]):
                if item not in uids:
                    uids.append(item)
        cursor_uid, index = lst.current_uid, lst.cursor
        try:
            self.inbox.act(action, uids, cursor=cursor_uid, why=why, **details)
        except TransitionError as error:
            self.notify(str(error), severity="warning")
            return False
        if self.pinned_uid is None:
            lst.selected.clear()
        self.show_queue(self.queue, fallback=index, keep="" if cursor_uid not in
                        self.inbox.uids(self.queue) else cursor_uid)
        n = len(uids)
        self.notify(f"{action}: {n} mention{'s' if n != 1 else ''} · u undoes", timeout=3)
        return True

    def action_queue(self, queue: str) -> None:
        self.show_queue(queue)

    def action_done(self) -> None:
        self.act("done")

    def action_undo(self) -> None:
        undone = self.inbox.undo()
        if undone is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        change, cursor = undone
        self.show_queue(self.queue, keep=cursor or "")
        n = len(change.uids)
        self.notify(f"Undone: {self.inbox.did(change)} ({n} mention{'s' if n != 1 else ''})",
                    timeout=3)

    def action_select(self) -> None:
        self.mention_list.toggle_selected()
        self.mention_list.action_cursor_down()
        self.update_status()

    def action_select_all(self) -> None:
        lst = self.mention_list
        lst.selected = set(lst.uids) if len(lst.selected) < len(lst.uids) else set()
        lst.redraw()
        self.update_status()

    def action_clear(self) -> None:
        lst = self.mention_list
        if lst.selected:
            lst.selected.clear()
            lst.redraw()
            self.update_status()
        elif self.inbox.filter_text or self.inbox.filter_tag:
            self.inbox.set_filter()
            self.show_queue(self.queue)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if self.focused is box:  # the binding runs first (priority): a "/" typed in the filter is text
            once_typed(box, lambda: box.insert_text_at_cursor("/"))
            return
        box.display = True
        box.value = self.inbox.filter_text + (f" #{self.inbox.filter_tag}" if self.inbox.filter_tag else "")
        self.set_focus(box)  # now, not on the next frame: the keys already on their way are the filter's

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        words = event.value.split()
        tags = [w for w in words if w.startswith("#") and tag_name(w)]
        text = " ".join(w for w in words if w not in tags)
        self.inbox.set_filter(text, tag_name(tags[0]) if tags else "")
        self.show_queue(self.queue)
        self.search_archive()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.mention_list.focus()

    def on_key(self, event: Any) -> None:
        box = self.query_one("#filter", Input)
        if event.key == "escape" and box.has_focus:
            box.value = ""
            box.display = False
            self.inbox.set_filter()
            self.show_queue(self.queue)
            self.mention_list.focus()
            event.stop()

    def action_toggle_read(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()  # the agent's choice stands: the resting timer must not undo it
            self._read_timer = None
        for uid in self._targets():
            mention = self.session.store.mention(uid)
            self.inbox.set_read(uid, not (mention is not None and mention.get("read")))
            self.mention_list.refresh_uid(uid)
        self._update_counts()

    def action_sort(self) -> None:
        order = ["priority", "time-left", "newest"]
        self.inbox.set_sort(order[(order.index(self.inbox.sort) + 1) % len(order)])
        self.show_queue(self.queue)
        self.notify(f"Sorted by {SORT_LABELS[self.inbox.sort]}", timeout=2)

    def action_thread(self) -> None:
        from tui.ui.screens.thread import ThreadScreen

        uid = self.mention_list.current_uid
        if uid is None:
            return
        self.inbox.set_read(uid, True)
        self.mention_list.refresh_uid(uid)
        self._update_counts()
        self.app.push_screen(ThreadScreen(self.session, uid))

    def action_reply(self) -> None:
        from tui.ui.screens.reply import ReplyScreen

        uid = self.mention_list.current_uid
        if uid is None:
            return
        self.inbox.set_read(uid, True)
        self.app.push_screen(ReplyScreen(self.session, uid), callback=lambda _: self.show_queue(
            self.queue, fallback=self.mention_list.cursor))

    def on_screen_resume(self) -> None:
        if not self.is_mounted:
            return  # resumed before its widgets exist (keys racing a push or a quit)
        self.show_queue(self.queue)


__all__ = ["EMPTY_QUEUE", "QUEUES", "InboxScreen"]
