"""The reply text area, with every hint's span highlighted in place."""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widgets import TextArea

from tui.core.hints import Hint


class DraftArea(TextArea):
    """A TextArea that stylises the spans of the current hints (through the public `get_line`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "draft-area--hint-negative-language",
        "draft-area--hint-excuse",
        "draft-area--hint-blame",
        "draft-area--hint-shouting",
        "draft-area--hint-other",
        "draft-area--hint-current",
    }

    def __init__(self, text: str = "", **kwargs: object) -> None:
        # No cursor-line highlight: it is painted after `get_line` and would hide the hint colours.
        super().__init__(text, soft_wrap=True, tab_behavior="focus", highlight_cursor_line=False,
                         **kwargs)  # type: ignore[arg-type]
        self.hints: list[Hint] = []
        self.current: int | None = None
        self._line_starts: list[int] = [0]
        self._hint_styles: dict[tuple[str, bool], Style] = {}

    def set_hints(self, hints: list[Hint], current: int | None) -> None:
        """Highlight `hints` (the one at `current` marked); called after every keystroke.

        An edit already drops the rendered lines, so they are dropped here only when the spans or
        the marked hint changed: dropping them also drops every cached style of the widget."""
        spans = [h for h in hints if h.start is not None and h.end is not None]
        changed = current != self.current or [(h.start, h.end, h.category) for h in spans] != [
            (h.start, h.end, h.category) for h in self.hints]
        self.hints = spans
        self.current = current
        starts, offset = [0], 0
        for line in self.text.split("\n")[:-1]:
            offset += len(line) + 1
            starts.append(offset)
        self._line_starts = starts
        if changed:
            self.notify_style_update()
        self.refresh()

    def notify_style_update(self) -> None:
        self._hint_styles = {}
        super().notify_style_update()

    def _hint_style(self, category: str, current: bool) -> Style:
        """The Rich style of a hint's span, from the component classes (kept until the theme or
        the hints change)."""
        key = (category, current)
        style = self._hint_styles.get(key)
        if style is None:
            name = category if category in ("negative-language", "excuse", "blame", "shouting") else "other"
            style = self.get_component_rich_style(f"draft-area--hint-{name}", partial=True)
            if current:
                style = style + self.get_component_rich_style("draft-area--hint-current", partial=True)
            self._hint_styles[key] = style
        return style

    def location_of(self, offset: int) -> tuple[int, int]:
        """A character offset in the draft as (row, column)."""
        row = max(0, bisect_right(self._line_starts, offset) - 1)
        return row, offset - self._line_starts[row]

    def offset_of(self, location: tuple[int, int]) -> int:
        row, column = location
        starts = self._line_starts
        return (starts[row] if row < len(starts) else starts[-1]) + column

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        if not self.hints or line_index >= len(self._line_starts):
            return line
        start_of_line = self._line_starts[line_index]
        end_of_line = start_of_line + len(line.plain)
        for hint in self.hints:
            assert hint.start is not None and hint.end is not None
            if hint.end <= start_of_line or hint.start > end_of_line:
                continue
            current = self.current is not None and self.hints[self.current] is hint
            line.stylize(self._hint_style(hint.category, current), max(0, hint.start - start_of_line),
                         hint.end - start_of_line)
        return line
