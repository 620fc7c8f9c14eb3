"""`S`: the source panel: each source with its health, as `turnaround sources` prints it (both read
`source_statuses` in tui/services/session_health.py): every configured source, also one that could not start
(an unset secret, an incomplete table: "not started", with why), then any other running one.

Rows are read from the live `SourceHealth` objects every second, so a source that starts failing, or
recovers, shows it while the panel is open. Error text comes from servers: it is shown as plain `Text`
after `clean()`, never as markup. Only what a source reports is shown; config values (tokens) never are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from tui.core.rows import span
from tui.core.sanitize import clean, one_line
from tui.services.session_health import SourceStatus, parse_stamp, source_statuses, split_error
from tui.sources.base import Source, SourceHealth
from tui.ui.widgets.footer import FittingFooter

COLUMNS = [("name", "Source"), ("platform", "Type"), ("health", "Health"), ("success", "Success"),
           ("next", "Next try"), ("warnings", "Warn"), ("error", "Last error")]
HEALTH_SYMBOL = {"ok": "✓", "failing": "✗", "never": "○", "not started": "⊘"}
ERROR_CELL = 60
"""The table shows the start of an error; the detail below the table shows all of it, wrapped."""


def error_reason(health: SourceHealth) -> str:
    """The last error without its timestamp, safe for a terminal (one line)."""
    return one_line(clean(split_error(health.last_error)[1]), 300)


def ago(stamp: str | datetime | None, now: datetime, *, none: str = "never") -> str:
    when = stamp if isinstance(stamp, datetime) or stamp is None else parse_stamp(stamp)
    if when is None:
        return none
    seconds = (now - when).total_seconds()
    if 0 <= seconds < 1:
        return "just now"
    return f"{span(seconds)} ago" if seconds > 0 else f"in {span(seconds)}"


def until(stamp: str | None, now: datetime, *, healthy: bool) -> str:
    """When the source tries again: only a failing source is waiting for a next try."""
    when = parse_stamp(stamp)
    if when is None or healthy:
        return "-"
    seconds = (when - now).total_seconds()
    return f"in {span(seconds)}" if seconds >= 1 else "now"


def _reason(status: SourceStatus) -> str:
    """The last error without its timestamp (or why the source did not start), one safe line."""
    return one_line(clean(split_error(status.last_error)[1]), 300)


def row_cells(status: SourceStatus, now: datetime, *, error_width: int = ERROR_CELL) -> dict[str, Text]:
    """One table row as plain `Text` cells, keyed by column."""
    state = status.state
    reason = _reason(status)
    return {
        "name": Text(one_line(clean(status.name), 24)),
        "platform": Text(one_line(clean(status.platform), 12)),
        "health": Text(f"{HEALTH_SYMBOL[state]} {state}", style="" if status.healthy else "bold"),
        "success": Text(ago(status.last_success, now) if status.started else "-"),
        "next": Text(until(status.next_try, now, healthy=status.healthy)),
        "warnings": Text(f"⚠ {len(status.warnings)}" if status.warnings else "-"),
        "error": Text(one_line(reason, max(error_width, 8)) if reason else "-"),
    }


def detail_text(status: SourceStatus, now: datetime) -> Text:
    """Everything the panel knows about one source, wrapped: the full error and each warning."""
    state = status.state
    text = Text()
    text.append(clean(status.name), "bold")
    text.append(f" ({clean(status.platform)}) · {HEALTH_SYMBOL[state]} {state}\n")
    if status.started:
        text.append(f"last success {ago(status.last_success, now)} · "
                    f"next try {until(status.next_try, now, healthy=status.healthy)} · "
                    f"{status.delivered} item{'' if status.delivered == 1 else 's'} this session\n")
    when, reason = split_error(status.last_error)
    if reason:
        label = (f"last error ({ago(when, now, none='time unknown')}): " if status.started
                 else "not started: ")
        text.append(label, "bold")
        text.append(clean(reason, limit=2000))
        text.append("\n")
    for warning in status.warnings:
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
                 problems: Sequence[str] = (),
                 tables: Sequence[Mapping[str, Any]] | None = None,
                 saved: Callable[[str], Mapping[str, Any]] | None = None) -> None:
        """`problems`: with the user's files, as the start notice listed them; `tables`: the config's
        `[[sources]]` (default: the app's); `saved`: a source's last saved health (default: the app's
        store)."""
        super().__init__()
        self.sources = list(sources)
        self.problems = list(problems)
        """Problems with the user's files (config, rules, templates, themes), as the start notice."""
        self.delivered = delivered if delivered is not None else {}
        self.now = now
        self.tables = tables
        self.saved = saved
        self.statuses: list[SourceStatus] = []

    def _read(self) -> list[SourceStatus]:
        if self.tables is None:
            config = None if getattr(self.app, "demo", False) else getattr(self.app, "config", None)
            self.tables = list(getattr(config, "sources", None) or ())
        if self.saved is None:
            session = getattr(self.app, "session", None)
            if session is not None:
                self.saved = session.store.source_state
        self.statuses = source_statuses(self.tables, live=self.sources, saved=self.saved,
                                        delivered=self.delivered)
        return self.statuses

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
        for index, status in enumerate(self._read()):
            cells = row_cells(status, now)
            table.add_row(*(cells[key] for key, _ in COLUMNS), key=str(index))
        self.refresh_rows()
        self.set_interval(1, self.refresh_rows)
        table.focus()

    def refresh_rows(self) -> None:
        """Re-read every source's health: cheap (a handful of rows) and always current."""
        table = self.query_one(DataTable)
        now = self.now()
        width = self._error_width(table)
        statuses = self._read()
        for index, status in enumerate(statuses):
            cells = row_cells(status, now, error_width=width)
            for key, _ in COLUMNS:
                table.update_cell(str(index), key, cells[key], update_width=True)
        running = sum(status.started for status in statuses)
        failing = sum(status.state == "failing" for status in statuses)
        stopped = len(statuses) - running
        title = (f"Sources · {running} running" if statuses
                 else "No sources running: add [[sources]] tables to the config (see README)")
        if failing:
            title += f" · ⚠ {failing} failing"
        if stopped:
            title += f" · ⊘ {stopped} not started"
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
        if not self.statuses:
            detail.update(Text())
            return
        status = self.statuses[min(max(table.cursor_row, 0), len(self.statuses) - 1)]
        detail.update(detail_text(status, self.now()))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_back(self) -> None:
        self.dismiss(None)
