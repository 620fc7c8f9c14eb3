"""The inbox screen: queue bar, mention list, detail pane, filter, and every triage key."""

from __future__ import annotations

import asyncio
import os
import webbrowser
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from tui.corrections import learned_line
from tui.lifecycle import TransitionError
from tui.queues import ALL_VIEWS, QUEUES
from tui.rows import span
from tui.screens.inbox_search import ArchiveSearch
from tui.session import Session
from tui.tags import parse_tags, tag_name
from tui.widgets.mention_detail import MentionDetail
from tui.widgets.mention_list import MentionList
from tui.widgets.queue_bar import QueueBar

QUEUE_BINDINGS = [
    Binding(q.key, f"queue('{q.id}')", q.title, show=False, id=f"queue.{q.id}") for q in ALL_VIEWS
]
SORT_LABELS = {"priority": "priority", "time-left": "time left", "newest": "newest"}
EMPTY_QUEUE = {
    "priority": "Nothing urgent. Crises, upset customers with reach and replies near their target "
                "land here first.",
    "needs-reply": "Nobody is waiting on us. Questions and complaints that need an answer land here.",
    "champions": "No praise to answer. People who praise us land here: h thanks them, C lists them all.",
    "waiting": "Nothing waiting. Threads we replied to (r) or asked for feedback (f) wait here for "
               "the customer.",
    "escalated": "Nothing escalated. e hands a thread to a team with a note; a brings it back answered.",
    "walked-away": "Nothing walked away from. w sets a lose-lose thread aside here and watches it "
                   "for a while.",
    "done": "Nothing done yet. d marks a mention done and c resolves a thread; both land here.",
    "muted": "Nobody muted. m mutes an author: their mentions (crises aside) land here.",
    "snoozed": "Nothing snoozed. s snoozes a thread until a time; it comes back to its queue by itself.",
}
"""What an empty queue says: what the queue is for and how a mention gets there."""


class InboxScreen(ArchiveSearch, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *QUEUE_BINDINGS,
        Binding("slash", "filter", "Filter", id="inbox.filter"),
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
        yield QueueBar(id="queues")
        with Horizontal(id="main"):
            yield MentionList(self.inbox.row, self.inbox.response_clock,
                              self.session.clock, id="mentions")
            yield MentionDetail(id="detail")
        yield Input(placeholder="filter: text, @author, #tag  (Enter keeps it, Esc clears)",
                    id="filter")
        yield Footer()

    def _status_text(self) -> str:
        """A failing source leads the line (symbol and words), so it shows even beside a spike."""
        failing = sum(not source.health.healthy for source in getattr(self.app, "sources", ()))
        rest = self._main_status_text()
        if not failing:
            return rest
        return f"⚠ {failing} source{'' if failing == 1 else 's'} failing (S) · {rest}"

    def _main_status_text(self) -> str:
        spikes = self.session.spikes.spikes(self.session.clock())
        if spikes:
            top = spikes[0]
            return (f"⚠ spike: “{top.topic}” {top.count} negative in the last hour "
                    f"(usually {top.baseline_rate:.1f}) · P public statement")
        if self.demo:
            return "fictional brand · add sources in ~/.config/turnaround/config.toml"
        sort = SORT_LABELS[self.inbox.sort]
        parts = [f"sorted by {sort}"]
        if self.inbox.filter_text or self.inbox.filter_tag:
            parts.append(f"filter: {self.inbox.filter_text or ''}"
                         f"{' #' + self.inbox.filter_tag if self.inbox.filter_tag else ''}")
        return " · ".join(parts)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.run_worker(self._watch_arrivals(), group="arrivals", exclusive=True)
        self.set_interval(30, self._tick)
        self.on_resize()
        self.show_queue("priority")
        self.query_one(MentionList).focus()

    def on_resize(self, event: Any = None) -> None:
        self.set_class(self.size.width < 110, "-narrow")

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
        self.query_one("#status", Label).update(Text(self._status_text()))

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

    def action_statement(self) -> None:
        from tui.screens.statement import StatementScreen

        spikes = self.session.spikes.spikes(self.session.clock())
        if not spikes:
            self.notify("No spike right now: a statement is for a problem that is spreading.", timeout=4)
            return
        self.app.push_screen(StatementScreen(self.session, spikes[0]))

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
        events = [self.session.lifecycle.describe(e) for e in store.events_for(mention["thread_uid"])]
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
        detail.show(mention, store.thread(mention["thread_uid"]), history, events,
                    self.session.clock(), profile, history_total=store.author_count(author))

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
        self.notify(f"Undid {change.action}.", timeout=3)

    def action_select(self) -> None:
        self.mention_list.toggle_selected()
        self.mention_list.action_cursor_down()

    def action_select_all(self) -> None:
        lst = self.mention_list
        lst.selected = set(lst.uids) if len(lst.selected) < len(lst.uids) else set()
        lst.redraw()
        self.notify(f"{len(lst.selected)} selected", timeout=2)

    def action_clear(self) -> None:
        lst = self.mention_list
        if lst.selected:
            lst.selected.clear()
            lst.redraw()
        elif self.inbox.filter_text or self.inbox.filter_tag:
            self.inbox.set_filter()
            self.show_queue(self.queue)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = self.inbox.filter_text + (f" #{self.inbox.filter_tag}" if self.inbox.filter_tag else "")
        box.focus()

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
            mention = self.session.store.mention(uid) or {}
            self.inbox.set_read(uid, not mention.get("read"))
            self.mention_list.refresh_uid(uid)
        self._update_counts()

    def action_sort(self) -> None:
        order = ["priority", "time-left", "newest"]
        self.inbox.set_sort(order[(order.index(self.inbox.sort) + 1) % len(order)])
        self.show_queue(self.queue)
        self.notify(f"Sorted by {SORT_LABELS[self.inbox.sort]}", timeout=2)

    @work
    async def action_tag(self) -> None:
        from tui.screens.prompt import PromptScreen

        if not self._targets():
            return
        answer = await self.app.push_screen_wait(PromptScreen(
            "Tag", placeholder="billing, urgent   (-billing removes it)",
            help="Tags show in the list and the export; filter with /#tag"))
        add, remove = parse_tags(answer or "")
        # Each of add and remove is one action (one undo); the tag names read "a #b #c".
        if add:
            self.act("tag", thread=False, tag=" #".join(add), tags=add)
        if remove:
            self.act("untag", thread=False, tag=" #".join(remove), tags=remove)

    @work
    async def action_escalate(self) -> None:
        from tui.screens.prompt import ChoiceScreen

        targets = self._targets()
        if not targets:
            return
        mention = self.session.store.mention(targets[0]) or {}
        teams = list(self.session.config.routing) or ["support-lead", "billing", "tech", "legal", "pr"]
        suggested = self.session.lifecycle.suggest_team(mention, self.session.config.routing)
        choice = await self.app.push_screen_wait(ChoiceScreen(
            "Escalate to", [(t, t) for t in teams], note_label="Note for the team",
            default=suggested, help=f"Suggested: {suggested}" if suggested else ""))
        if choice is not None:
            self.act("escalate", why=choice.note, team=choice.value, note=choice.note)

    @work
    async def action_snooze(self) -> None:
        from tui.screens.prompt import PromptScreen

        if not self._targets():
            return
        answer = await self.app.push_screen_wait(PromptScreen(
            "Snooze until", placeholder="2h, tomorrow 9am, next monday",
            help="It comes back to its queue by itself.", read=self._snooze_time))
        if not answer:
            return
        from tui.lifecycle import WhenError

        try:
            when = self.session.lifecycle.read_when(answer, self.session.clock())
        except WhenError as error:
            self.notify(str(error), severity="error")
            return
        self.act("snooze", why=answer, until=when.isoformat(timespec="minutes"))

    def _snooze_time(self, answer: str) -> str:
        """What the snooze dialog understood, as the agent types: "Tue 25 Nov 11:00 (in 2h)"."""
        now = self.session.clock()
        when = self.session.lifecycle.read_when(answer, now)
        return f"{when:%a %d %b %H:%M} (in {span((when - now).total_seconds())})"

    @work
    async def action_walk_away(self) -> None:
        from tui.screens.walk_away import WalkAwayScreen

        targets = self._targets()
        if not targets:
            return
        mention = self.session.store.mention(targets[0]) or {}
        result = await self.app.push_screen_wait(WalkAwayScreen(
            mention, self.session.lifecycle.walk_away_signs(mention["thread_uid"]),
            self.session.config.walk_away_days))
        if result is not None:
            until = self.session.clock() + result.window
            self.act("walk-away", why=result.note, reason=result.reason,
                     until=until.isoformat(timespec="minutes"))

    def action_resolve(self) -> None:
        if self.act("resolve"):
            self.notify("Resolved. Press f (in the done queue, 7) to ask for feedback.", timeout=4)

    @work
    async def action_answered(self) -> None:
        """The team answered an escalation: ask what they said, so it sits beside the note."""
        from tui.screens.prompt import PromptScreen

        targets = self._targets()
        if not targets:
            self.notify("No mention here.", severity="warning")
            return
        if not any((self.session.store.mention(u) or {}).get("state") == "escalated" for u in targets):
            self.notify("Not escalated: a is for an escalation the team has answered (e escalates).",
                        severity="warning", timeout=4)
            return
        answer = await self.app.push_screen_wait(PromptScreen(
            "What did the team answer?", placeholder="refund approved, reply with the apology",
            help="It goes back to its queue with the answer beside the note. Enter confirms (an "
                 "empty answer too), Esc cancels."))
        if answer is None:
            return
        answer = answer.strip()
        self.act("answer-escalation", why=answer or "answered by the team", note=answer)

    def action_feedback(self) -> None:
        """After a resolution: open the reply editor with the feedback request filled in. Nothing is
        posted, and the thread does not wait for feedback, until the agent sends it."""
        from tui.followup import offer_feedback
        from tui.screens.reply import ReplyScreen
        from tui.screens.sending import Step
        from tui.templates import load_templates

        uid = self._current()
        mention = self.session.store.mention(uid) if uid else None
        if uid is None or mention is None:
            self.notify("No mention here.", severity="warning")
            return
        template_id = offer_feedback(self.session.store, mention["thread_uid"],
                                     rules=self.session.lifecycle.rules)
        if template_id is None:
            self.notify("Feedback is asked once, after a resolution, and never of a muted author.",
                        severity="warning", timeout=4)
            return
        template = next((t for t in load_templates() if t.id == template_id), None)
        text = template.render(name=mention.get("author_name") or mention.get("author", ""),
                               handle=mention.get("author", ""), brand=self.session.config.brand,
                               agent=self.session.config.agent) if template else ""
        uids = tuple(m["uid"] for m in self.session.store.thread(mention["thread_uid"])
                     if m.get("state") == "resolved")
        step = Step("request-feedback", uids, {"template": template_id},
                    done="Feedback requested; the thread waits for the answer")
        self.app.push_screen(ReplyScreen(self.session, uid, prefill=text, step=step), callback=lambda _:
                             self.show_queue(self.queue, fallback=self.mention_list.cursor))

    def action_mute(self) -> None:
        targets = self._targets()
        if not targets:
            return
        authors = sorted({(self.session.store.mention(u) or {}).get("author", "") for u in targets})
        muted = all(self.session.store.author(a).get("muted") for a in authors)
        change = self.inbox.set_muted(authors, not muted)
        self.mention_list.selected.clear()
        self.show_queue(self.queue, fallback=self.mention_list.cursor)
        verb = "Unmuted" if muted else "Muted"
        self.notify(f"{verb} {', '.join(authors)} ({len(change.uids)} mentions) · u undoes", timeout=4)

    def action_thread(self) -> None:
        from tui.screens.thread import ThreadScreen

        uid = self.mention_list.current_uid
        if uid is None:
            return
        self.inbox.set_read(uid, True)
        self.mention_list.refresh_uid(uid)
        self._update_counts()
        self.app.push_screen(ThreadScreen(self.session, uid))

    def action_reply(self) -> None:
        from tui.screens.reply import ReplyScreen

        uid = self.mention_list.current_uid
        if uid is None:
            return
        self.inbox.set_read(uid, True)
        self.app.push_screen(ReplyScreen(self.session, uid), callback=lambda _: self.show_queue(
            self.queue, fallback=self.mention_list.cursor))

    def action_report(self) -> None:
        from tui.screens.report import ReportScreen

        self.app.push_screen(ReportScreen(self.session))

    def action_sources(self) -> None:
        from tui.screens.sources import SourcesScreen

        app: Any = self.app
        self.app.push_screen(SourcesScreen(app.sources, delivered=app.delivered))

    def action_champions(self) -> None:
        from tui.screens.champions import ChampionsScreen

        self.app.push_screen(ChampionsScreen(self.session))

    def action_thank(self) -> None:
        """Thank the current mention's author: the saved thanks opens in the editor (never for a muted
        author); it is posted and recorded only when sent."""
        from tui.screens.champions import press_thank

        uid = self._current()
        if uid is None:
            self.notify("No mention here.", severity="warning")
            return
        press_thank(self, self.session, uid, then=lambda _: self.show_queue(
            self.queue, fallback=self.mention_list.cursor))

    def action_champion(self) -> None:
        """Mark the current mention's author a champion, or unmark them."""
        from tui.screens.champions import press_mark

        uid = self._current()
        mention = self.session.store.mention(uid) if uid else None
        if mention is not None:
            press_mark(self, self.session, mention["author"])
            self._show_detail(uid)

    @work
    async def action_correct(self) -> None:
        """Correct label, kind or queue of the targets: one undoable event; the store learns it."""
        from tui.screens.correct import CorrectScreen

        targets = self._targets()
        mention = self.session.store.mention(targets[0]) if targets else None
        if mention is None:
            self.notify("No mention here.", severity="warning")
            return
        lessons = self.session.pipeline.lessons
        correction = await self.app.push_screen_wait(
            CorrectScreen(mention, lessons.queue_for, count=len(targets)))
        if correction is None:
            return
        lst = self.mention_list
        cursor_uid, index = lst.current_uid, lst.cursor
        change = self.session.correct(targets, correction, cursor=cursor_uid)
        if change is None:
            self.notify("Triage already says that: nothing changed.", timeout=3)
            return
        lst.selected.clear()
        self.show_queue(self.queue, fallback=index, keep="" if cursor_uid not in
                        self.inbox.uids(self.queue) else cursor_uid)
        moved = self.session.store.mention(change.uids[0]) or {}
        n = len(change.uids)
        where = "" if correction.queue else f", now in {moved.get('queue', '?')}"
        self.notify(f"Corrected {n} mention{'s' if n != 1 else ''}: {correction.summary()}{where} · "
                    "u undoes · this store learns it", timeout=4)

    def _url(self) -> str | None:
        uid = self._current()
        mention = self.session.store.mention(uid) if uid else None
        if mention is None:
            self.notify("No mention here.", severity="warning")
            return None
        if not mention.get("url"):
            self.notify("This mention has no link.", severity="warning")
            return None
        return str(mention["url"])

    def action_open_url(self) -> None:
        url = self._url()
        if url is None:
            return
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or os.environ.get(
                "SSH_CONNECTION"):
            self.app.copy_to_clipboard(url)
            self.notify(f"No display here (SSH?): copied the link instead.\n{url}", timeout=6)
            return
        opened = webbrowser.open(url)
        self.notify(f"Opened {url}" if opened else f"Could not open a browser; link: {url}")

    def action_copy_url(self) -> None:
        url = self._url()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", timeout=3)

    def on_screen_resume(self) -> None:
        if not self.is_mounted:
            return  # resumed before its widgets exist (keys racing a push or a quit)
        self.show_queue(self.queue)


__all__ = ["QUEUES", "InboxScreen"]
