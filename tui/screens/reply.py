"""The reply editor: the mention and its thread above, the draft below, live hints beside it."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label, Static, TextArea

from tui import paths
from tui.hints import Hint, HintEngine, apply_suggestion
from tui.session import Session
from tui.widgets.draft_area import DraftArea
from tui.widgets.mention_detail import describe_mention

_ENGINE: HintEngine | None = None


def hint_engine() -> HintEngine:
    """One engine per process: its rules are compiled once."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = HintEngine.load(paths.rules_dir() if paths.rules_dir().exists() else None)
    return _ENGINE


def review_banner(mention: dict[str, Any]) -> Text | None:
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
        Binding("ctrl+t", "templates", "Templates", id="reply.templates"),
    ]
    DEBOUNCE = 0.05
    """Seconds after a keystroke before hints are recomputed: typing never waits for them."""

    def __init__(self, session: Session, uid: str, *, hints_enabled: bool = True) -> None:
        super().__init__()
        self.session = session
        self.uid = uid
        self.mention: dict[str, Any] = session.store.mention(uid) or {}
        self.platform = self.mention.get("source")
        self.hints: list[Hint] = []
        self.current: int | None = None
        self.hints_enabled = hints_enabled
        self._timer: Timer | None = None
        self._panel: Text | None = None

    def compose(self) -> ComposeResult:
        # Chosen once, before layout: the text area wraps to the width it is first given.
        self.set_class(self.app.size.width < 110, "-narrow")
        store = self.session.store
        now = self.session.clock()
        context = [describe_mention(self.mention, now)]
        thread = store.thread(self.mention.get("thread_uid", self.uid))
        for item in thread:
            if item["uid"] != self.uid:
                line = Text(f"  {item.get('author', '')}: ", "dim")
                line.append(" ".join(item.get("text", "").split())[:240])
                context.append(line)
        with VerticalScroll(id="reply-context"):
            for part in context:
                yield Static(part)
        if banner := review_banner(self.mention):
            yield Static(banner, id="reply-banner")
        with Horizontal(id="reply-main"):
            with Vertical(id="reply-editor"):
                yield DraftArea(store.draft(self.uid) or "", id="draft")
                yield Label(Text(""), id="reply-meter")
            yield Static(Text(""), id="hint-panel")
        yield Footer()

    def on_mount(self) -> None:
        draft = self.query_one(DraftArea)
        draft.focus()
        draft.move_cursor(draft.document.end)
        self.recompute()

    @property
    def draft(self) -> DraftArea:
        return self.query_one(DraftArea)

    def save(self) -> None:
        """Drafts are saved as you type: a crash loses nothing."""
        self.session.store.save_draft(self.uid, self.draft.text, platform=self.platform)

    @on(TextArea.Changed, "#draft")
    def _changed(self, event: TextArea.Changed) -> None:
        self.save()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.DEBOUNCE, self.recompute)

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

    def recompute(self) -> None:
        """Lint the draft and repaint highlights, the hint panel and the meter."""
        engine = hint_engine()
        text = self.draft.text
        self.hints = engine.check(text, self.platform) if self.hints_enabled else []
        if self.current is not None and self.current >= len(self.hints):
            self.current = None
        score = engine.score(text, self.hints)
        count, limit = engine.length(text, self.platform)
        meter = Text()
        meter.append(f"tone {score}/100", "bold")
        meter.append(f"   length {count}" + (f"/{limit}" if limit else ""))
        if limit and count > limit:
            meter.append(f"  ({count - limit} over)", "bold")
        meter.append(f"   {len(self.hints)} hint{'s' if len(self.hints) != 1 else ''}")
        self.query_one("#reply-meter", Label).update(meter)
        self._render_hints()

    def _render_hints(self) -> None:
        self.draft.set_hints(self.hints, self.current)
        panel = Text()
        if not self.hints:
            panel.append("No hints: this reads well." if self.draft.text.strip() else
                         "Write your reply. Hints appear as you type.", "dim")
        for index, hint in enumerate(self.hints):
            marker = "▶ " if index == self.current else "  "
            panel.append(marker)
            panel.append(hint.category, "bold")
            if hint.start is not None:
                panel.append(f" “{self.draft.text[hint.start:hint.end]}”", "italic")
            panel.append(f"\n    {hint.message}\n")
            if hint.suggestion is not None:
                panel.append(f"    → {hint.suggestion}\n", "dim")
        if panel != self._panel:  # an update re-lays the screen out (~2 ms a keystroke): skip it if unchanged
            self._panel = panel
            self.query_one("#hint-panel", Static).update(panel)

    def _spans(self) -> list[int]:
        return [i for i, h in enumerate(self.hints) if h.start is not None]

    def _go(self, step: int) -> None:
        spans = self._spans()
        if not spans:
            self.notify("No hint with a place in the text.", timeout=2)
            return
        if self.current not in spans:
            self.current = spans[0] if step > 0 else spans[-1]
        else:
            self.current = spans[(spans.index(self.current) + step) % len(spans)]
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
        if self.current is None or self.hints[self.current].suggestion is None:
            self.notify("No rewrite to apply here: move to a hint with ctrl+n.", timeout=3)
            return
        hint = self.hints[self.current]
        assert hint.start is not None and hint.end is not None and hint.suggestion is not None
        expected = apply_suggestion(self.draft.text, hint)
        # An edit, not a reload: ctrl+z in the editor takes the rewrite back.
        self.draft.replace(hint.suggestion, self.draft.location_of(hint.start),
                           self.draft.location_of(hint.end))
        if self.draft.text != expected:
            self.draft.load_text(expected)
        self.current = None
        self.save()
        self.recompute()

    @work
    async def action_templates(self) -> None:
        from tui.screens.templates import TemplatePicker

        values = {
            "name": self.mention.get("author_name") or self.mention.get("author", "").lstrip("@"),
            "handle": self.mention.get("author", ""),
            "brand": self.session.config.brand,
            "agent": self.session.config.agent,
        }
        kind = "review" if review_banner(self.mention) else self.mention.get("kind")  # review replies first
        text = await self.app.push_screen_wait(TemplatePicker(values, kind))
        if text:
            self.draft.insert(text)

    def action_leave(self) -> None:
        self.save()
        self.dismiss(False)

    def action_send(self) -> None:
        text = self.draft.text.strip()
        if not text:
            self.notify("The reply is empty.", severity="warning")
            return
        count, limit = hint_engine().length(text, self.platform)
        if limit and count > limit:
            self.notify(f"Too long for {self.platform}: {count}/{limit}.", severity="error")
            return
        self.notify(self.session.send_reply(self.uid, text), timeout=4)
        self.dismiss(True)
