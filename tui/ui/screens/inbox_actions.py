"""The inbox's actions that open a dialog or another screen, or act on links: a mixin of
`InboxScreen`, kept apart so each module stays short. Every action applies to `_targets()` (the
open thread's mention, else the selection, else the cursor) through `InboxScreen.act`."""

from __future__ import annotations

import os
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from tui.core.rows import span
from tui.core.tags import parse_tags

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from tui.core.corrections import Correction
    from tui.core.inbox import Inbox
    from tui.core.model import Mention
    from tui.services.session import Session
    from tui.ui.screens.prompt import Choice
    from tui.ui.screens.walk_away import WalkAway
    from tui.ui.widgets.mention_list import MentionList


class InboxActions:
    """Dialog-driven and link actions; `InboxScreen` supplies the state and `act`."""

    if TYPE_CHECKING:  # provided by InboxScreen (a Textual Screen)
        session: Session
        inbox: Inbox
        queue: str
        app: App[Any]

        @property
        def mention_list(self) -> MentionList: ...

        def act(self, action: str, *, thread: bool = True, why: str = "", **details: Any) -> bool: ...
        def show_queue(self, queue: str, *, fallback: int | None = None,
                       keep: str | None = None) -> None: ...
        def _targets(self) -> list[str]: ...
        def _current(self) -> str | None: ...
        def _show_detail(self, uid: str | None) -> None: ...
        def notify(self, message: str, *, title: str = "", severity: Any = "information",
                   timeout: float | None = None, markup: bool = True) -> None: ...

    def action_statement(self) -> None:
        from tui.ui.screens.statement import StatementScreen

        spikes = self.session.spikes.spikes(self.session.clock())
        if not spikes:
            self.notify("No spike right now: a statement is for a problem that is spreading.", timeout=4)
            return
        self.app.push_screen(StatementScreen(self.session, spikes[0]))

    def ask(self, dialog: Screen[Any], then: Callable[[Any], None]) -> None:
        """Open `dialog` now, as its key is handled, and `then` gets its answer. Not from a worker
        (`push_screen_wait`): until a worker had pushed it, the keys typed right after ("s2h" in
        one burst over SSH) were still the inbox's, "h" thank and "m" mute; with the dialog up
        they are the dialog's (`TurnaroundApp.on_key`)."""
        self.app.push_screen(dialog, callback=then)

    def action_tag(self) -> None:
        from tui.ui.screens.prompt import PromptScreen

        if not self._targets():
            return

        def tag(answer: str | None) -> None:
            add, remove = parse_tags(answer or "")
            # Each of add and remove is one action (one undo); the tag names read "a #b #c".
            if add:
                self.act("tag", thread=False, tag=" #".join(add), tags=add)
            if remove:
                self.act("untag", thread=False, tag=" #".join(remove), tags=remove)

        self.ask(PromptScreen("Tag", placeholder="billing, urgent   (-billing removes it)",
                              help="Tags show in the list and the export; filter with /#tag"), tag)

    def action_escalate(self) -> None:
        from tui.ui.screens.prompt import ChoiceScreen

        targets = self._targets()
        if not targets:
            return
        mention = self.session.store.mention(targets[0])
        teams = list(self.session.config.routing) or ["support-lead", "billing", "tech", "legal", "pr"]
        suggested = (None if mention is None
                     else self.session.lifecycle.suggest_team(mention, self.session.config.routing))

        def escalate(choice: Choice | None) -> None:
            if choice is not None:
                self.act("escalate", why=choice.note, team=choice.value, note=choice.note)

        self.ask(ChoiceScreen("Escalate to", [(t, t) for t in teams], note_label="Note for the team",
                              default=suggested, help=f"Suggested: {suggested}" if suggested else ""),
                 escalate)

    def action_snooze(self) -> None:
        from tui.ui.screens.prompt import PromptScreen

        if not self._targets():
            return
        self.ask(PromptScreen("Snooze until", placeholder="2h, tomorrow 9am, next monday",
                              help="It comes back to its queue by itself.", read=self._snooze_time),
                 self._snooze)

    def _snooze(self, answer: str | None) -> None:
        if not answer:
            return
        from tui.core.lifecycle import WhenError

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

    def action_walk_away(self) -> None:
        from tui.ui.screens.walk_away import WalkAwayScreen

        targets = self._targets()
        if not targets:
            return
        mention = self.session.store.mention(targets[0])
        if mention is None:
            return

        def walk_away(result: WalkAway | None) -> None:
            if result is not None:
                until = self.session.clock() + result.window
                self.act("walk-away", why=result.note, reason=result.reason,
                         until=until.isoformat(timespec="minutes"))

        self.ask(WalkAwayScreen(mention, self.session.lifecycle.walk_away_signs(mention["thread_uid"]),
                                self.session.config.walk_away_days), walk_away)

    def action_resolve(self) -> None:
        if self.act("resolve"):
            self.notify("Resolved. Press f (in the done queue, 7) to ask for feedback.", timeout=4)

    def action_answered(self) -> None:
        """The team answered an escalation: ask what they said, so it sits beside the note."""
        from tui.ui.screens.prompt import PromptScreen

        targets = self._targets()
        if not targets:
            self.notify("No mention here.", severity="warning")
            return
        if not any((m := self.session.store.mention(u)) is not None and m.get("state") == "escalated"
                   for u in targets):
            self.notify("Not escalated: a is for an escalation the team has answered (e escalates).",
                        severity="warning", timeout=4)
            return

        def answered(answer: str | None) -> None:
            if answer is not None:
                answer = answer.strip()
                self.act("answer-escalation", why=answer or "answered by the team", note=answer)

        self.ask(PromptScreen("What did the team answer?",
                              placeholder="refund approved, reply with the apology",
                              help="It goes back to its queue with the answer beside the note. Enter "
                                   "confirms (an empty answer too), Esc cancels."), answered)

    def action_feedback(self) -> None:
        """After a resolution: open the reply editor with the feedback request filled in. Nothing is
        posted, and the thread does not wait for feedback, until the agent sends it."""
        from tui.core.followup import offer_feedback
        from tui.core.templates import fill, saved_replies
        from tui.ui.screens.reply import ReplyScreen
        from tui.ui.screens.sending import Step

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
        template = next((t for t in saved_replies() if t.id == template_id), None)
        config = self.session.config
        text = fill(template, mention, config.brand, config.agent) if template else ""
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
        authors = sorted({m["author"] if (m := self.session.store.mention(u)) is not None else ""
                          for u in targets})
        muted = all(self.session.store.author(a).get("muted") for a in authors)
        change = self.inbox.set_muted(authors, not muted)
        self.mention_list.selected.clear()
        self.show_queue(self.queue, fallback=self.mention_list.cursor)
        verb = "Unmuted" if muted else "Muted"
        self.notify(f"{verb} {', '.join(authors)} ({len(change.uids)} mentions) · u undoes", timeout=4)

    def action_thank(self) -> None:
        """Thank the current mention's author: the saved thanks opens in the editor (never for a muted
        author); it is posted and recorded only when sent."""
        from tui.ui.screens.champions import press_thank

        uid = self._current()
        if uid is None:
            self.notify("No mention here.", severity="warning")
            return
        press_thank(cast("Screen[Any]", self), self.session, uid, then=lambda _: self.show_queue(
            self.queue, fallback=self.mention_list.cursor))

    def action_champion(self) -> None:
        """Mark the current mention's author a champion, or unmark them."""
        from tui.ui.screens.champions import press_mark

        uid = self._current()
        mention = self.session.store.mention(uid) if uid else None
        if mention is not None:
            press_mark(cast("Screen[Any]", self), self.session, mention["author"])
            self._show_detail(uid)

    def action_correct(self) -> None:
        """Correct label, kind or queue of the targets: one undoable event; the store learns it."""
        from tui.ui.screens.correct import CorrectScreen

        targets = self._targets()
        mention = self.session.store.mention(targets[0]) if targets else None
        if mention is None:
            self.notify("No mention here.", severity="warning")
            return
        lessons = self.session.pipeline.lessons
        self.ask(CorrectScreen(mention, lessons.queue_for, count=len(targets),
                               others=[m for uid in targets[1:] if (m := self.session.store.mention(uid))]),
                 lambda correction: self._corrected(targets, mention, correction))

    def _corrected(self, targets: list[str], mention: Mention, correction: Correction | None) -> None:
        if correction is None:
            return
        lst = self.mention_list
        cursor_uid, index = lst.current_uid, lst.cursor
        kind_before = mention.get("kind")
        change = self.session.correct(targets, correction, cursor=cursor_uid)
        if change is None:
            self.notify("Triage already says that: nothing changed.", timeout=3)
            return
        lst.selected.clear()
        self.show_queue(self.queue, fallback=index, keep="" if cursor_uid not in
                        self.inbox.uids(self.queue) else cursor_uid)
        moved = self.session.store.mention(change.uids[0])
        n = len(change.uids)
        where = "" if correction.queue else f", now in {moved.get('queue', '?') if moved else '?'}"
        what = correction.summary()
        if moved is not None and correction.kind is None and moved.get("kind") != kind_before:
            what += f" (so kind {moved.get('kind')})"  # the label contradicted it: `agreeing_kind`
        self.notify(f"Corrected {n} mention{'s' if n != 1 else ''}: {what}{where} · "
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

    def action_report(self) -> None:
        from tui.ui.screens.report import ReportScreen

        self.app.push_screen(ReportScreen(self.session))

    def action_sources(self) -> None:
        from tui.ui.screens.sources import SourcesScreen

        app: Any = self.app
        self.app.push_screen(SourcesScreen(app.sources, delivered=app.delivered,
                                           problems=getattr(app, "file_problems", ())))

    def action_champions(self) -> None:
        from tui.ui.screens.champions import ChampionsScreen

        self.app.push_screen(ChampionsScreen(self.session))
