"""`S`: the source panel: each running source with its health, as `turnaround sources` prints it.

Rows are read from the live `SourceHealth` objects every second, so a source that starts failing, or
recovers, shows it while the panel is open. Error text comes from servers: it is shown as plain `Text`
after `clean()`, never as markup. Only what a source reports is shown; config values (tokens) never are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from tui.core.model import parse_time
from tui.core.rows import span
from tui.core.sanitize import clean, one_line
from tui.sources.base import Source, SourceHealth
from tui.ui.widgets.footer import FittingFooter

COLUMNS = [("name", "Source"), ("platform", "Type"), ("health", "Health"), ("success", "Success"),
           ("next", "Next try"), ("warnings", "Warn"), ("error", "Last error")]
HEALTH_SYMBOL = {"ok": "✓", "failing": "✗", "never": "○"}
ERROR_CELL = 60
"""The table shows the start of an error; the detail below the table shows all of it, wrapped."""


def _time(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return parse_time(stamp)
    except (TypeError, ValueError):
        return None


def split_error(last_error: str | None) -> tuple[datetime | None, str]:
    """`SourceHealth.fail` stores "TIMESTAMP reason": the time and the reason, apart."""
    if not last_error:
        return None, ""
    stamp, _, reason = last_error.partition(" ")
    when = _time(stamp)
    return (when, reason) if when is not None else (None, last_error)


def error_reason(health: SourceHealth) -> str:
    """The last error without its timestamp, safe for a terminal (one line)."""
    return one_line(clean(split_error(health.last_error)[1]), 300)


def health_state(health: SourceHealth, delivered: int = 0) -> str:
    """ok / failing / never: "never" is a source that has neither worked nor failed yet."""
    if not health.healthy:
        return "failing"
    if health.last_success or delivered:
        return "ok"
    return "never"


def ago(stamp: str | datetime | None, now: datetime, *, none: str = "never") -> str:
    when = stamp if isinstance(stamp, datetime) or stamp is None else _time(stamp)
    if when is None:
        return none
    seconds = (now - when).total_seconds()
    if 0 <= seconds < 1:
        return "just now"
    return f"{span(seconds)} ago" if seconds > 0 else f"in {span(seconds)}"


def until(stamp: str | None, now: datetime, *, healthy: bool) -> str:
    """When the source tries again: only a failing source is waiting for a next try."""
    when = _time(stamp)
    if when is None or healthy:
        return "-"
    seconds = (when - now).total_seconds()
    return f"in {span(seconds)}" if seconds >= 1 else "now"


def row_cells(source: Source, now: datetime, delivered: int = 0, *,
              error_width: int = ERROR_CELL) -> dict[str, Text]:
    """One table row as plain `Text` cells, keyed by column."""
    health = source.health
    state = health_state(health, delivered)
    reason = error_reason(health)
    return {
        "name": Text(one_line(clean(source.name), 24)),
        "platform": Text(one_line(clean(source.platform), 12)),
        "health": Text(f"{HEALTH_SYMBOL[state]} {state}", style="bold" if state == "failing" else ""),
        "success": Text(ago(health.last_success, now)),
        "next": Text(until(health.next_try, now, healthy=health.healthy)),
        "warnings": Text(f"⚠ {len(health.warnings)}" if health.warnings else "-"),
        "error": Text(one_line(reason, max(error_width, 8)) if reason else "-"),
    }


def detail_text(source: Source, now: datetime, delivered: int = 0) -> Text:
    """Everything the panel knows about one source, wrapped: the full error and each warning."""
    health = source.health
    state = health_state(health, delivered)
    text = Text()
    text.append(clean(source.name), "bold")
    text.append(f" ({clean(source.platform)}) · {HEALTH_SYMBOL[state]} {state}\n")
    text.append(f"last success {ago(health.last_success, now)} · "
                f"next try {until(health.next_try, now, healthy=health.healthy)} · "
                f"{delivered} item{'' if delivered == 1 else 's'} this session\n")
    when, reason = split_error(health.last_error)
    if reason:
        text.append(f"last error ({ago(when, now, none='time unknown')}): ", "bold")
        text.append(clean(reason, limit=2000))
        text.append("\n")
    for warning in health.warnings:
        text.append("⚠ ", "bold")
        text.append(clean(warning, limit=500))
        text.append("\n")
    return text


def problems_text(problems: Sequence[str]) -> Text:
    """The problems with the user's files, one per line, as plain text (a path may hold `[`)."""
    if not problems:
        return Text()
    count = len(problems)
    text = Text(f"{count} problem{'' if count == 1 else 's'} in your files:\n", "bold")
    for problem in problems:
        text.append("✗ ", "bold")
        text.append(clean(problem, limit=1000))
        text.append("\n")
    return text


class SourcesScreen(Screen[None]):
    """Which sources are feeding the inbox, and why one is not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,S", "back", "Back", id="sources.back"),
        Binding("j", "cursor_down", "Down", show=False, id="sources.down"),
        Binding("k", "cursor_up", "Up", show=False, id="sources.up"),
    ]

    def __init__(self, sources: Sequence[Source], *, delivered: Mapping[str, int] | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 problems: Sequence[str] = ()) -> None:
        super().__init__()
        self.sources = list(sources)
        self.problems = list(problems)
        """Problems with the user's files (config, rules, templates, themes), as the start notice."""
        self.delivered = delivered if delivered is not None else {}
        self.now = now

    def compose(self) -> ComposeResult:
        yield Label(id="sources-title")
        yield DataTable(id="sources-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="source-detail")
        yield Static(problems_text(self.problems), id="file-problems")
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        now = self.now()
        for index, source in enumerate(self.sources):
            cells = row_cells(source, now, self.delivered.get(source.name, 0))
            table.add_row(*(cells[key] for key, _ in COLUMNS), key=str(index))
        self.refresh_rows()
        self.set_interval(1, self.refresh_rows)
        table.focus()

    def refresh_rows(self) -> None:
        """Re-read every source's health: cheap (a handful of rows) and always current."""
        table = self.query_one(DataTable)
        now = self.now()
        width = self._error_width(table)
        for index, source in enumerate(self.sources):
            cells = row_cells(source, now, self.delivered.get(source.name, 0), error_width=width)
            for key, _ in COLUMNS:
                table.update_cell(str(index), key, cells[key], update_width=True)
        failing = sum(not source.health.healthy for source in self.sources)
        title = (f"Sources · {len(self.sources)} running" if self.sources
                 else "No sources running: add [[sources]] tables to the config (see README)")
        if failing:
            title += f" · ⚠ {failing} failing"
        self.query_one("#sources-title", Label).update(Text(title))
        self._show_detail()

    def _error_width(self, table: DataTable[Text]) -> int:
        """What is left of the width for the error, so the table never scrolls sideways."""
        if not table.size.width:
            return ERROR_CELL
        used = sum(column.get_render_width(table) for key, column in table.columns.items()
                   if key.value != "error")
        return min(ERROR_CELL, table.size.width - used - 2 * table.cell_padding - 1)

    def on_resize(self) -> None:
        if self.is_mounted:
            self.refresh_rows()

    def _show_detail(self) -> None:
        table = self.query_one(DataTable)
        detail = self.query_one("#source-detail", Static)
        if not self.sources:
            detail.update(Text())
            return
        source = self.sources[min(max(table.cursor_row, 0), len(self.sources) - 1)]
        detail.update(detail_text(source, self.now(), self.delivered.get(source.name, 0)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_back(self) -> None:
        self.dismiss(None)
