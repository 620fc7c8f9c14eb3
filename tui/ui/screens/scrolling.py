"""Pager keys (j/k, g/G, page up/down) for a screen that shows one scrollable view."""

from __future__ import annotations

from textual.containers import VerticalScroll


class ScrollKeys:
    """Mixin: the scroll actions, acting on the screen's `view` (help, thread)."""

    @property
    def view(self) -> VerticalScroll:
        raise NotImplementedError

    def action_scroll_down(self) -> None:
        self.view.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.view.scroll_up(animate=False)

    def action_scroll_top(self) -> None:
        self.view.scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        self.view.scroll_end(animate=False)

    def action_page_down(self) -> None:
        self.view.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.view.scroll_page_up(animate=False)
