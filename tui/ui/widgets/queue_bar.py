"""The queue bar: every queue with its key, stable id, count and unread count."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.queues import ALL_VIEWS, QUEUES


class QueueBar(Widget):
    """Renders `1 priority 12•3` for each queue; the active one is highlighted. Pure display."""

    DEFAULT_CSS = """
    QueueBar { height: auto; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"queue-bar--active", "queue-bar--key", "queue-bar--unread"}

    active: reactive[str] = reactive("priority")
    counts: reactive[dict[str, tuple[int, int]]] = reactive(dict, always_update=True)

    def render(self) -> Text:
        """Queues laid out by hand: a narrow terminal breaks the line between queues, never
        inside one (Rich would break at any space)."""
        width = max(20, self.content_size.width or 80)
        text = Text(end="")
        used = 0
        views = list(QUEUES)
        if self.active not in {q.id for q in QUEUES}:
            views += [q for q in ALL_VIEWS if q.id == self.active]
        for queue in views:
            total, unread = self.counts.get(queue.id, (0, 0))
            part = Text(end="")
            part.append(queue.key, self.get_component_rich_style("queue-bar--key", partial=True))
            part.append(f" {queue.id} {total}")
            if unread:
                part.append(f"•{unread}", self.get_component_rich_style("queue-bar--unread", partial=True))
            if queue.id == self.active:
                part.stylize(self.get_component_rich_style("queue-bar--active", partial=True))
                part = Text("▸", end="") + part
            else:
                part = Text(" ", end="") + part
            if used and used + part.cell_len > width:
                text.append("\n")
                used = 0
            text.append_text(part)
            text.append("  ")
            used += part.cell_len + 2
        return text
