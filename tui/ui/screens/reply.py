"""The reply editor: the mention and its thread above, the draft below, live hints beside it."""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label, Static, TextArea

from tui.core.hints import Hint, HintEngine, apply_suggestion, changed_region, suggestion_span
from tui.core.hints_ignore import ignore_key
from tui.core.lifecycle import TransitionError
from tui.core.lifecycle_signs import our_handles
from tui.core.model import Mention
from tui.core.sanitize import one_line
from tui.services.session import Session
from tui.storage import paths
from tui.ui.screens.sending import Step, not_ready, saved_step, send
from tui.ui.widgets.draft_area import DraftArea
from tui.ui.widgets.footer import FittingFooter
from tui.ui.widgets.mention_detail import describe_mention, thread_line

_ENGINE: HintEngine | None = None


def hint_engine() -> HintEngine:
    """One engine per process: its rules are compiled once."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = HintEngine.load(paths.rules_dir() if paths.rules_dir().exists() else None)
    return _ENGINE


def _warm_learned() -> None:
    """Load the learned readings (~100 ms) off the UI thread, before a pause or a word asks."""
    hint_engine().warm()


def hanging(text: str, indent: int, width: int) -> str:
    """`text` wrapped to `width` with every line indented, so a long hint message stays under its
    name instead of running back to the panel's edge (width 0: not laid out yet, no wrapping)."""
    if width <= indent + 12:
        return " " * indent + text
    return textwrap.fill(text, width, initial_indent=" " * indent, subsequent_indent=" " * indent,
                         break_on_hyphens=False)


def review_banner(mention: Mention) -> Text | None:
    """A review reply is public and permanent: say so above the draft (None for other mentions)."""
    extra = mention.get("extra") or {}
    if not extra.get("review"):
        return None
    banner = Text("⚑ Public reply: visible to everyone who reads the review, and it stays.", "bold")
    if mention.get("source") == "yelp":
        banner.append(f" Yelp has no reply API: post it by hand at {mention.get('url') or 'the review'}.")
    return banner


class ReplyScreen(Screen[bool]):
    """Escape keeps the draft (saved as you type); ctrl+s sends it through the outbox."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back (keeps draft)", id="reply.leave"),
        Binding("ctrl+s", "send", "Send", id="reply.send"),
        Binding("ctrl+n", "next_hint", "Next hint", id="reply.next_hint"),
        Binding("ctrl+b", "previous_hint", "Prev hint", id="reply.previous_hint"),
        Binding("ctrl+r", "apply", "Apply fix", id="reply.apply"),
        Binding("ctrl+g", "ignore_hint", "Ignore hint", id="reply.ignore_hint"),
        Binding("ctrl+o", "bring_back", "Unignore", id="reply.bring_back"),
        Binding("ctrl+t", "templates", "Templates", id="reply.templates"),
        Binding("f1", "app.help", "Help", id="reply.help"),  # `?` is typed into the draft here
    ]
    DEBOUNCE = 0.05
    """Seconds after a keystroke before hints are recomputed: typing never waits for them."""
    PAUSE = 1.5
    """Seconds without typing before the whole-draft checks (no-empathy, no-next-step) show, under
    "Before you send": they judge a finished draft, so they wait for the agent to stop instead of
    flagging a reply from its first word. ctrl+s runs them at once."""

    def __init__(self, session: Session, uid: str, *, hints_enabled: bool = True,
                 prefill: str = "", step: Step | None = None) -> None:
        """`prefill` starts an empty draft (a saved reply); `step` is what sending it also records
        (thanked, feedback requested): nothing of it happens unless the agent sends."""
        super().__init__()
        self.session = session
        self.uid = uid
        self.prefill = prefill
        self.step = step or saved_step(session, uid)
        self._early: list[str] | None = []
        """Keys typed before the editor was mounted; None once it is."""
        mention = session.store.mention(uid)
        if mention is None:  # the screen shows a stored mention; it could not draw a missing one
            raise KeyError(f"no stored mention {uid}")
        self.mention: Mention = mention
        self.platform = self.mention.get("source")
        self.hints: list[Hint] = []
        self.current: int | None = None
        self.hints_enabled = hints_enabled
        self._timer: Timer | None = None
        self._pause_timer: Timer | None = None
        self.checks: list[Hint] = []
        """Whole-draft hints for `_checked`, shown under "Before you send"."""
        self._checked: str | None = None
        self._panel: Text | None = None
        self.aside = session.hints_set_aside(uid, hint_engine().ignore_after)
        """Hints left out: set aside by the agent in this draft, or no longer flagged in this inbox."""
        self.unflagged: set[str] = set()
        """Keys of hints in this draft that the inbox no longer flags (shown as a count)."""
        self.earlier = session.our_replies(mention.get("thread_uid", uid))
        """What we already said in this thread: warmth said there is not asked for again."""

    def compose(self) -> ComposeResult:
        # Chosen once, before layout: the text area wraps to the width it is first given.
        self.set_class(self.app.size.width < 110, "-narrow")
        store = self.session.store
        now = self.session.clock()
        # The thread in time order with the mention answered in full where it falls, so what was
        # said just before it sits right above it (a long thread opens scrolled to it, not to its
        # first post).
        # Our replies sent from here are in it too (a post of ours that a source collected is
        # a message of the thread already): what we said is what the follow-up builds on.
        thread_uid = self.mention.get("thread_uid", self.uid)
        thread = store.thread(thread_uid)
        if all(item["uid"] != self.uid for item in thread):
            thread = [self.mention, *thread]
        told: list[tuple[str, Text | None]] = []  # (when, the line; None for the mention answered)
        for item in thread:
            line = None
            if item["uid"] != self.uid:
                line = Text(f"  {item.get('author', '')}: ", "dim")
                line.append_text(thread_line(item.get("text", ""), 240, our_handles(self.session.ours)))
            told.append((item["created_at"], line))
        for event in self.session.replies_recorded(thread_uid):
            details = event.get("details") or {}
            if not details.get("elsewhere"):  # our post made elsewhere is a message of the thread
                line = Text(f"  {event.get('who', '')} (sent from here): ", "dim")
                line.append(one_line(str(details.get("text")), 240))
                told.append((str(event.get("at", "")), line))
        told.sort(key=lambda pair: pair[0])
        with VerticalScroll(id="reply-context"):
            for _, line in told:
                if line is None:
                    yield Static(describe_mention(self.mention, now), id="reply-target")
                else:
                    yield Static(line)
        if banner := review_banner(self.mention):
            yield Static(banner, id="reply-banner")
        with Horizontal(id="reply-main"):
            with Vertical(id="reply-editor"):
                yield DraftArea(store.draft(self.uid) or self.prefill, id="draft")
                yield Label(Text(""), id="reply-meter")
            yield Static(Text(""), id="hint-panel")
        yield FittingFooter()

    def on_mount(self) -> None:
        draft = self.query_one(DraftArea)
        if not draft.text.strip():
            self.run_worker(_warm_learned, thread=True, group="warm-hints")
        draft.focus()
        draft.move_cursor(draft.document.end)
        self.recompute()
        if draft.text.strip():
            self.check_before_send()  # a draft kept from earlier is a paused draft
        self.call_later(self._take_early_keys)
        self.call_after_refresh(self._render_hints)  # once laid out, messages wrap to the panel
        self.call_after_refresh(self._show_target)
        if self.prefill and draft.text != self.prefill:
            self.notify("Your earlier draft here is kept; the saved reply was not put in. "
                        "Clear the draft and press ctrl+t to use a saved reply.", timeout=6)
        if self.prefill:
            self.save()  # the step waits with the draft from the start: Escape keeps both

    def _show_target(self) -> None:
        """Scroll the thread above the editor to the mention being answered (with what came just
        before it above, or after it below), not to the thread's first post."""
        targets = self.query("#reply-target")
        if targets:  # a public statement (`P`) answers no one mention
            # as far down as the mention's first line allows: what came after it (our reply, say)
            # shows too when it fits
            context = self.query_one("#reply-context", VerticalScroll)
            top = targets.first().virtual_region.y
            context.scroll_to(y=min(top, context.max_scroll_y), animate=False, immediate=True)

    def on_key(self, event: events.Key) -> None:
        """Keys typed in a burst right after `r` can reach the screen before the editor has focus:
        they belong in the draft, not the void."""
        if event.is_printable and event.character and not self.draft.has_focus:
            event.stop()
            event.prevent_default()
            self.type_ahead(event.character)

    def _take_early_keys(self) -> None:
        """Once the editor is up and showing, the keys typed before it go in, in order."""
        early, self._early = self._early, None
        if early:
            self.type_ahead("".join(early))

    def type_ahead(self, text: str) -> None:
        """Text typed before the editor could take it (the screen that opened us passes it on)."""
        if self._early is not None:  # not mounted yet: on_mount puts it in
            self._early.append(text)
            return
        self.draft.insert(text)
        self.draft.focus()

    @property
    def draft(self) -> DraftArea:
        return self.query_one(DraftArea)

    def save(self) -> None:
        """Drafts are saved as you type: a crash loses nothing."""
        extra = {"step": self.step.as_dict()} if self.step is not None else {}
        self.session.store.save_draft(self.uid, self.draft.text, platform=self.platform, **extra)

    @on(TextArea.Changed, "#draft")
    def _changed(self, event: TextArea.Changed) -> None:
        self.save()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.DEBOUNCE, self.recompute)
        if self._pause_timer is not None:
            self._pause_timer.stop()
        self._pause_timer = self.set_timer(self.PAUSE, self.check_before_send)

    @on(TextArea.SelectionChanged, "#draft")
    def _moved(self, event: TextArea.SelectionChanged) -> None:
        index = self._hint_at_cursor()
        if index is not None and index != self.current:
            self.current = index
            self._render_hints()

    def _hint_at_cursor(self) -> int | None:
        offset = self.draft.offset_of(self.draft.cursor_location)
        for index, hint in enumerate(self.hints):
            if hint.start is not None and hint.end is not None and hint.start <= offset <= hint.end:
                return index
        return None

    def _before(self, text: str) -> str:
        """What the platform's sender will put before the reply (Mastodon: the author's @handle
        when the reply does not name them): it counts toward the platform's limit."""
        return self.session.outbox.reply_prefix(self.mention, text)

    def recompute(self) -> None:
        """Lint the draft as typed and repaint highlights, the hint panel and the meter.

        Only the hints with a place in the text run here; the whole-draft checks wait for a pause
        (`check_before_send`) and are dropped as soon as the draft changes again."""
        engine = hint_engine()
        text = self.draft.text
        found = (engine.check(text, self.platform, whole_draft=False, before=self._before(text))
                 if self.hints_enabled else [])
        self.hints = self.aside.keep(found, text)
        # A keystroke computes the hints' keys only when the inbox has learned any.
        self.unflagged = ({key for key in (ignore_key(h, text) for h in found) if key in self.aside.inbox}
                          if self.aside.inbox else set())
        if self._checked != text:
            self.checks, self._checked = [], None
        if self.current is not None and self.current >= len(self.hints):
            self.current = None
        self._render_meter()
        self._render_hints()

    def check_before_send(self) -> None:
        """Run the whole-draft checks on the draft as it is now and show them."""
        text = self.draft.text
        if self.hints_enabled and text.strip():
            hints = hint_engine().check(text, self.platform, replying_to=self.mention.get("kind"),
                                        before=self._before(text), earlier=self.earlier)
            self.checks = self.aside.keep((h for h in hints if h.start is None), text)
        else:
            self.checks = []
        self._checked = text
        self._render_meter()
        self._render_hints()

    def _render_meter(self) -> None:
        engine = hint_engine()
        text = self.draft.text
        shown = self.hints + self.checks
        score = engine.score(text, shown)
        count, limit = engine.length(text, self.platform, self._before(text))
        meter = Text()
        meter.append(f"tone {score}/100", "bold")
        meter.append(f"   length {count}" + (f"/{limit}" if limit else ""))
        if limit and count > limit:
            meter.append(f"  ({count - limit} over)", "bold")
        meter.append(f"   {len(shown)} hint{'s' if len(shown) != 1 else ''}")
        self.query_one("#reply-meter", Label).update(meter)

    def _render_hints(self) -> None:
        self.draft.set_hints(self.hints, self.current)
        text = self.draft.text
        panel = Text()
        english = not (self.hints_enabled and text.strip()) or hint_engine().is_english(text)
        if not english:
            panel.append("Hints check English only: this draft does not look like English.\n", "italic")
        if not self.hints and not self.checks and english:
            if not text.strip():
                panel.append("Write your reply. Hints appear as you type.", "dim")
            elif self._checked == text:
                panel.append("No hints left: this reads well." if self.aside.draft
                             else "No hints: this reads well.", "dim")
            else:
                panel.append("No hints so far. Pause to check the whole reply.", "dim")
        width = self.query_one("#hint-panel", Static).content_region.width
        for index, hint in enumerate(self.hints):
            marker = "▶ " if index == self.current else "  "
            panel.append(marker)
            panel.append(hint.category, "bold")
            panel.append(f" “{text[hint.start:hint.end]}”", "italic")
            panel.append(f"\n{hanging(hint.message, 4, width)}\n")
            if hint.suggestion is not None:
                rewrite = "→ " + (hint.suggestion or "(remove it)")  # as `turnaround lint` says
                if hint.replaces is not None:  # the rewrite takes a whole clause: say which
                    start, end = hint.replaces
                    rewrite += f"  (in place of “{text[start:end]}”)"
                panel.append(f"{hanging(rewrite, 4, width)}\n", "dim")
        if self.checks:
            # every name on the first line: in a short panel (80x24) the messages may scroll away
            panel.append("Before you send: ", "bold")
            panel.append(" · ".join(hint.category for hint in self.checks) + "\n", "italic")
            for hint in self.checks:
                panel.append(f"{hanging(hint.message, 2, width)}\n", "dim")
        quiet = []
        if self.aside.draft:
            quiet.append(f"{len(self.aside.draft)} ignored in this draft")
        if self.unflagged:
            quiet.append(f"{len(self.unflagged)} no longer flagged in this inbox")
        if quiet:
            panel.append(f"\n{', '.join(quiet)} (ctrl+o brings them back)", "dim italic")
        if panel != self._panel:  # an update re-lays the screen out (~2 ms a keystroke): skip it if unchanged
            self._panel = panel
            self.query_one("#hint-panel", Static).update(panel)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._render_hints)  # the panel's width changed: wrap again

    def _selects(self, index: int) -> bool:
        """Whether the editor's selection is exactly the hint's span."""
        hint = self.hints[index]
        selection = self.draft.selection
        return (hint.start is not None and hint.end is not None
                and {selection.start, selection.end} == {self.draft.location_of(hint.start),
                                                          self.draft.location_of(hint.end)})

    def _spans(self) -> list[int]:
        return [i for i, h in enumerate(self.hints) if h.start is not None]

    def _go(self, step: int) -> None:
        spans = self._spans()
        if not spans:
            self.notify("No hint with a place in the text.", timeout=2)
            return
        if self.current in spans and self._selects(self.current):  # on a hint ctrl+n/ctrl+b chose
            self.current = spans[(spans.index(self.current) + step) % len(spans)]
        else:
            # from the cursor: the hint it is in or before (after a rewrite the next hint often
            # starts right at the cursor; it is the next one, not the one after it)
            offset = self.draft.offset_of(self.draft.cursor_location)
            ahead = [i for i in spans if (self.hints[i].end or 0) > offset]
            behind = [i for i in spans if (self.hints[i].start or 0) < offset]
            if step > 0:
                self.current = ahead[0] if ahead else spans[0]
            else:
                self.current = behind[-1] if behind else spans[-1]
        hint = self.hints[self.current]
        assert hint.start is not None and hint.end is not None
        self.draft.selection = type(self.draft.selection)(
            self.draft.location_of(hint.start), self.draft.location_of(hint.end))
        self._render_hints()

    def action_next_hint(self) -> None:
        self._go(1)

    def action_previous_hint(self) -> None:
        self._go(-1)

    def action_apply(self) -> None:
        """Apply the suggested rewrite of the hint at the cursor (or the current one)."""
        self.recompute()  # offsets must match the text as it is now, not as of the last debounce
        if self.current is None:
            self.current = self._hint_at_cursor()
        if self.current is None:
            self.notify("No rewrite to apply here: move to a hint with ctrl+n.", timeout=3)
            return
        if self.hints[self.current].suggestion is None:
            self.notify("This hint has no ready rewrite: reword it yourself.", timeout=3)
            return
        hint = self.hints[self.current]
        span = suggestion_span(hint)
        assert span is not None and hint.suggestion is not None
        before = self.draft.text
        expected = apply_suggestion(before, hint)
        # One edit over what changed, not a reload: ctrl+z in the editor takes the rewrite back
        # (a removal may also capitalise the word after it, so the edit can reach past the span).
        first, last = changed_region(before, expected)
        self.draft.history.checkpoint()  # its own undo step: not merged with typing or another rewrite
        self.draft.replace(expected[first:len(expected) - last], self.draft.location_of(first),
                           self.draft.location_of(len(before) - last), maintain_selection_offset=False)
        self.draft.history.checkpoint()
        if self.draft.text != expected:
            self.draft.load_text(expected)
        # the rewrite's gap is selected, so what the agent types next fills it ("What we can do
        # is …" -> "What we can do is a refund"); with no gap, the cursor goes after the rewrite
        gap = hint.suggestion.find("…")
        at = span[0] + (gap if gap >= 0 else len(hint.suggestion))
        self.draft.selection = type(self.draft.selection)(
            self.draft.location_of(at), self.draft.location_of(at + 1 if gap >= 0 else at))
        self.current = None
        self.save()
        self.recompute()

    def action_ignore_hint(self) -> None:
        """Set aside the hint at the cursor (or the current one) for this draft; with none there,
        the "Before you send" checks. The inbox counts it: a wording its agents set aside
        `ignore_after` times is no longer flagged here (hints.toml [learned])."""
        self.recompute()
        if self.current is None:
            self.current = self._hint_at_cursor()
        text = self.draft.text
        if self.current is not None:
            hints = [self.hints[self.current]]
        elif self.checks and self._checked == text:
            hints = list(self.checks)
        else:
            self.notify("No hint here to ignore: move to one with ctrl+n.", timeout=3)
            return
        self.save()  # the draft record the set-aside is kept beside
        keys = [ignore_key(hint, text) for hint in hints]
        counts = self.session.set_hints_aside(self.uid, keys)
        self.aside = self.session.hints_set_aside(self.uid, hint_engine().ignore_after)
        first = hints[0]
        if first.start is None:
            line = f"Ignored for this draft: {', '.join(h.category for h in hints)}."
        else:
            line = f"Ignored {first.category} on “{one_line(text[first.start:first.end], 40)}” in this draft."
            if keys[0] in self.aside.inbox:
                line += f" Ignored in {counts.get(keys[0], 0)} drafts here: this inbox no longer flags it."
        self.notify(line, timeout=4)
        self.current = None
        self.checks = self.aside.keep(self.checks, text)
        self.recompute()

    def action_bring_back(self) -> None:
        """Undo ctrl+g for this draft: what was ignored in it shows again, and the wordings in it
        that this inbox had stopped flagging are flagged again."""
        self.recompute()
        if not self.aside.draft and not self.unflagged:
            self.notify("Nothing ignored in this draft.", timeout=3)
            return
        self.save()
        unlearned = len(self.unflagged)
        self.session.bring_hints_back(self.uid, sorted(self.unflagged))
        self.aside = self.session.hints_set_aside(self.uid, hint_engine().ignore_after)
        line = "Ignored hints are back for this draft."
        if unlearned:
            line += f" This inbox flags {unlearned} wording{'s' if unlearned != 1 else ''} again."
        self.notify(line, timeout=4)
        had_checks = self._checked == self.draft.text
        self.recompute()
        if had_checks:
            self.check_before_send()

    @work
    async def action_templates(self) -> None:
        from tui.core.templates import values_for
        from tui.ui.screens.templates import TemplatePicker

        values = values_for(self.mention, self.session.config.brand, self.session.config.agent)
        review = bool(review_banner(self.mention))  # review replies first for a review, last otherwise
        text = await self.app.push_screen_wait(
            TemplatePicker(values, self.mention.get("kind"), review=review))
        if text:
            before = self.draft.text[:self.draft.offset_of(self.draft.cursor_location)]
            self.draft.insert(text if not before or before[-1].isspace() else f" {text}")

    def action_leave(self) -> None:
        self.save()
        self.dismiss(False)

    def action_send(self) -> None:
        text = self.draft.text.strip()
        if not text:
            self.notify("The reply is empty.", severity="warning")
            return
        count, limit = hint_engine().length(text, self.platform, self._before(text))
        if limit and count > limit:
            self.notify(f"Too long for {self.platform}: {count}/{limit}.", severity="error")
            return
        if not self.ready(text):
            return
        if self._checked != self.draft.text:  # the checks for this draft were never shown: show them first
            self.check_before_send()
            if self.checks:
                names = ", ".join(h.category for h in self.checks)
                self.notify(f"Before you send: {names}. ctrl+s again to send as it is.", timeout=5)
                return
        try:
            line, by_hand = send(self.session, self.uid, text, self.step)
        except TransitionError as error:
            self.notify(f"Not sent: {error}. The draft is kept.", severity="error", timeout=6)
            return
        if by_hand:  # the agent pastes it on the platform: the text they just wrote is ready to paste
            self.app.copy_to_clipboard(text)
            line += " The reply is on your clipboard."
        self.notify(line, timeout=6 if by_hand else 4)
        self.dismiss(True)

    def ready(self, text: str) -> bool:
        """Refuse, saying why, a draft with a placeholder or a rewrite's gap left in it."""
        problem = not_ready(text, (rule.suggestion for rule in hint_engine().rules))
        if problem is not None:
            self.notify(problem, title="Not sent", severity="error", timeout=6)
        return problem is None
