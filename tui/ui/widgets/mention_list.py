"""The mention list: Textual's Line API, so only the visible rows are ever rendered.

At 100k mentions an OptionList or DataTable re-measures or rebuilds on every change; a ScrollView with
`render_line` stays flat (see PERF-NOTES). The list holds uids only and asks `lookup` for each
visible row, caching the rendered strips until the row changes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.followup import follow_up_state
from tui.core.inbox import Clock
from tui.core.model import Mention, parse_time
from tui.core.rows import (
    CLOCK_SYMBOL,
    KIND_SYMBOL,
    LABEL_SYMBOL,
    SOURCE_SHORT,
    age,
    clock_text,
    fold_handles,
    snoozed_left,
    stars,
)
from tui.core.sanitize import one_line

Lookup = Callable[[str], Mention | None]
Position = Callable[[str], int | None]
ClockOf = Callable[[Mention], Clock | None]


HEADER = f"{'':2}{'':2}{'left':>6} {'age':>3} {'from':<5}{'author':<18} mention"
"""The list's column names, aligned with `_render_row`: unread and selected marks, kind and label
symbols, the response clock (time left to the target), age, source, author, text. `?` explains
the symbols."""


class MentionList(ScrollView, can_focus=True):
    """One row per mention: unread dot, markers, response clock, age, source, author, text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("enter", "open", "Thread", id="list.open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "mention-list--cursor",
        "mention-list--unread",
        "mention-list--negative",
        "mention-list--positive",
        "mention-list--crisis",
        "mention-list--due-soon",
        "mention-list--breached",
        "mention-list--selected",
        "mention-list--dim",
        "mention-list--draft",
        "mention-list--empty",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved onto a mention (or off every mention: uid None)."""

        def __init__(self, uid: str | None) -> None:
            self.uid = uid
            super().__init__()

    class Opened(Message):
        def __init__(self, uid: str) -> None:
            self.uid = uid
            super().__init__()

    def __init__(self, lookup: Lookup, clock_of: ClockOf, now: Callable[[], datetime],
                 *, ours: Collection[str] = (), draft_of: Callable[[str], str] | None = None,
                 id: str | None = None) -> None:
        """`ours`: the brand's handles (`our_handles`), left out where a row's text opens with them;
        `draft_of`: a mention's unsent reply draft ("" for none), marked ✎ in its row."""
        super().__init__(id=id)
        self.ours = frozenset(ours)
        self.draft_of = draft_of
        self.lookup = lookup
        self.clock_of = clock_of
        self.now = now
        self.uids: Sequence[str] = []
        self._position: Position | None = None
        self._index: dict[str, int] | None = None
        self._cursor_uid: str | None = None
        self.selected: set[str] = set()
        self.empty_text = "Nothing here. New mentions appear as they arrive."
        self._cache: LRUCache[tuple[str, int, bool], Strip] = LRUCache(512)
        self._styles: dict[str, Style] = {}

    # -- data --------------------------------------------------------------------------------
    @property
    def current_uid(self) -> str | None:
        return self.uids[self.cursor] if 0 <= self.cursor < len(self.uids) else None

    def index_of(self, uid: str) -> int | None:
        if self._position is not None:
            return self._position(uid)
        if self._index is None:
            self._index = {u: i for i, u in enumerate(self.uids)}
        return self._index.get(uid)

    def set_uids(self, uids: Sequence[str], *, keep: str | None = None,
                 fallback: int | None = None, position: Position | None = None) -> None:
        """Show these rows. The cursor stays on `keep` (default: the mention it was on) and, when
        rows arrive above it, the view scrolls with it so nothing jumps under the reader's eyes.

        `uids` may be a list its owner keeps updating in place; `position` then finds a uid in it
        without a scan, so an arrival costs the same in a 100k queue as in a 1k one.
        """
        keep = keep if keep is not None else self._cursor_uid
        old_cursor, old_scroll = self.cursor, self.scroll_y
        self.uids = uids
        self._position = position
        self._index = None
        self._cache.clear()
        if self.selected:
            self.selected = {uid for uid in self.selected if self.index_of(uid) is not None}
        self.virtual_size = Size(self.size.width, len(uids))
        index = self.index_of(keep) if keep is not None else None
        if index is None:
            index = min(fallback if fallback is not None else old_cursor, max(0, len(uids) - 1))
        shift = index - old_cursor
        if keep is not None and shift and old_scroll + shift >= 0:
            self.scroll_to(y=old_scroll + shift, animate=False, immediate=True)
        self.set_reactive(MentionList.cursor, index)
        self._cursor_uid = self.current_uid
        self._scroll_cursor_visible()
        self.refresh()
        self.post_message(self.Highlighted(self.current_uid))

    def refresh_uid(self, uid: str) -> None:
        """A mention's fields changed (read, tags, clock): redraw its row."""
        index = self.index_of(uid)
        if index is not None:
            self._cache.clear()
            self.refresh_lines(index)

    def redraw(self) -> None:
        """Clocks and ages move on: redraw the visible rows."""
        self._cache.clear()
        self.refresh()

    # -- movement ----------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        if self.uids:
            clamped = max(0, min(new, len(self.uids) - 1))
            if clamped != new:
                self.set_reactive(MentionList.cursor, clamped)
        self._cursor_uid = self.current_uid
        self._scroll_cursor_visible()
        for y in {old, self.cursor}:
            if 0 <= y < len(self.uids):
                self.refresh_lines(y)
        self.post_message(self.Highlighted(self.current_uid))

    def _scroll_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        if self.cursor < len(self.uids) - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, len(self.uids) - 1)

    def action_page_down(self) -> None:
        self.cursor = min(len(self.uids) - 1, self.cursor + max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self.cursor = max(0, self.cursor - max(1, self.size.height - 1))

    def action_open(self) -> None:
        if self.current_uid is not None:
            self.post_message(self.Opened(self.current_uid))

    def toggle_selected(self) -> None:
        uid = self.current_uid
        if uid is None:
            return
        self.selected.symmetric_difference_update({uid})
        self.refresh_uid(uid)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.uids))
        self._cache.clear()
        self._scroll_cursor_visible()

    def on_click(self, event: Any) -> None:
        y = event.y + round(self.scroll_y)
        if 0 <= y < len(self.uids):
            self.cursor = y

    # -- rendering ---------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        # Not `size`, which counts the scrollbar's column: a long queue hid each row's last cell
        # under it, and with it the "…" that says the text goes on.
        width = self.scrollable_size.width
        index = round(self.scroll_y) + y
        base = self._base_style()
        if not self.uids:
            # Wrapped in whole words: what an empty queue is for is worth reading to the end.
            lines = textwrap.wrap(self.empty_text, max(8, width - 3))
            if 1 <= y <= len(lines):
                style = self.get_component_rich_style("mention-list--empty")
                return Strip([Segment(f"  {lines[y - 1]}"[:width], style)]).adjust_cell_length(
                    width, base)
            return Strip.blank(width, base)
        if index >= len(self.uids):
            return Strip.blank(width, base)
        uid = self.uids[index]
        key = (uid, width, index == self.cursor)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(uid, width, index == self.cursor)
            self._cache[key] = strip
        return strip

    def _style(self, name: str) -> Style:
        """A component style, resolved once per theme or CSS change rather than once per cell."""
        style = self._styles.get(name)
        if style is None:
            # The cursor's colours are whole (blended onto the list's background): a theme's blurred
            # cursor is translucent, and a partial style would drop its alpha and paint it solid.
            style = self._styles[name] = self.get_component_rich_style(
                f"mention-list--{name}", partial=name != "cursor")
        return style

    def _base_style(self) -> Style:
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._cache.clear()
        super().notify_style_update()

    def _render_row(self, uid: str, width: int, is_cursor: bool) -> Strip:
        mention = self.lookup(uid)
        base = self._base_style()
        if mention is None:
            return Strip.blank(width, base)
        now = self.now()
        row = Text(no_wrap=True, overflow="ellipsis", end="")
        unread = not mention.get("read")
        row.append("●" if unread else " ", self._style("unread"))
        row.append("✓" if uid in self.selected else " ", self._style("selected"))
        kind, label = mention.get("kind", "other"), mention.get("label", "neutral")
        kind_style = self._style("crisis") if kind == "crisis" else self._style(
            "negative" if label == "negative" else "positive" if label == "positive" else "dim")
        lang = str(mention.get("lang") or "en")
        if lang != "en":  # not triaged: its language, not a neutral "··" that reads as a verdict
            row.append(f"{lang[:2]:<2}", self._style("dim"))
        else:
            row.append(KIND_SYMBOL.get(kind, "·") + LABEL_SYMBOL.get(label, "·"), kind_style)
        clock = self.clock_of(mention)
        if clock is not None:
            mark = clock.mark
            style = self._style(mark) if mark != "ok" else self._style("dim")
            row.append(f" {CLOCK_SYMBOL[mark]}{clock_text(clock.left):>4}", style)
        elif (follow := follow_up_state(mention, now)) is not None:
            # A promised follow-up: ↻ while pending, ◔ when due soon, ⚠ once overdue.
            left = (parse_time(str(mention.get("follow_up_at"))) - now).total_seconds()
            symbol = {"pending": "↻", "due-soon": "◔", "overdue": "⚠"}[follow]
            style = self._style({"pending": "dim", "due-soon": "due-soon", "overdue": "breached"}[follow])
            row.append(f" {symbol}{clock_text(left):>4}", style)
        elif (wakes := snoozed_left(mention, now)) is not None:  # ◷ and the time left to wake
            row.append(f" ◷{clock_text(wakes):>4}", self._style("dim"))
        else:
            row.append("      ")
        row.append(f" {age(mention, now):>3} ", self._style("dim"))
        source = mention.get("source", "")
        row.append(_cells(SOURCE_SHORT.get(source, source), 4, mark="") + " ", self._style("dim"))
        row.append(_cells(mention.get("author", ""), 18) + " ", Style(bold=unread))
        if rating := stars(mention):  # a review: its stars before its words
            row.append(f"{rating} ", self._style("negative" if rating < "3" else "dim"))
        if mention.get("muted"):
            row.append("[muted] ", self._style("dim"))
        elif mention.get("off_topic") and mention.get("queue") == "muted":
            row.append("[not about us] ", self._style("dim"))
        if mention.get("folded"):
            row.append(f"×{mention['folded'] + 1} ", self._style("dim"))
        for tag in (mention.get("tags") or ())[:3]:
            row.append(f"#{tag} ", self._style("dim"))
        if self.draft_of is not None and self.draft_of(uid):
            row.append("✎ ", self._style("draft"))
        # Only what can show: shaping text past the right edge costs more than the rest of the row.
        lead, words = fold_handles(mention.get("text", ""), self.ours)
        if lead:
            row.append(one_line(lead, 40) + " ", self._style("dim"))
        row.append(one_line(words, max(1, width - row.cell_len)))
        if is_cursor:
            row.stylize(self._style("cursor"))
        if unread and not is_cursor:  # on the cursor row the dot reads in the cursor's colours
            row.stylize(self._style("unread"), 0, 1)
        # The widget's own style underneath, so rows take the theme's colours and background.
        segments = list(Segment.apply_style(row.render(self.app.console), base))
        return Strip(segments).adjust_cell_length(width, base).simplify()


def _cells(text: str, width: int, mark: str = "…") -> str:
    """`text` on one line in exactly `width` terminal cells: cut (ending in `mark`) when wider,
    padded when narrower. Counting cells, not characters, keeps the columns straight when a name
    is written in CJK (two cells a character)."""
    text = " ".join(text.split())
    if cell_len(text) > width:
        # a wide character cut in half leaves a space: the mark goes straight after the last letter
        text = set_cell_size(text, width - cell_len(mark)).rstrip() + mark
    return set_cell_size(text, width)
