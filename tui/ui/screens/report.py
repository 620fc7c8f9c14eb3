"""`R`: the report: response times, share within target, turnaround rate, trends, topics, champions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from tui.core.report import build_report
from tui.core.report_text import render_text, rows
from tui.services.session import Session
from tui.ui.widgets.footer import FittingFooter

if TYPE_CHECKING:
    from tui.storage.store import Store


class ReportReady(Message):
    """The report, built in a thread (or why it could not be)."""

    def __init__(self, report: dict[str, Any] | None, error: str = "") -> None:
        super().__init__()
        self.report = report
        self.error = error


class ReportScreen(Screen[None]):
    # Never wrapped: a wrapped line would break the columns (the report's lines fit in 80 cells).
    DEFAULT_CSS = """
    #report-body { text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="report.back"),
        Binding("c", "export_csv", "Export CSV", id="report.csv"),
        Binding("j,down", "scroll_down", "Down", show=False, id="report.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="report.up"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.report: dict[str, Any] | None = None
        """None until built: the report reads all archived history, in a thread."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-view"):
            yield Static(Text("Building the report over all history, archived months included…", "dim"),
                         id="report-body")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#report-view").focus()
        store, now = self.session.store.frozen(), self.session.clock()
        self.run_worker(lambda: self._build(store, now), thread=True, exit_on_error=False,
                        name="report")

    def build(self, store: Store, now: datetime) -> dict[str, Any]:
        """The report this screen shows: the session's handles and rules, as `turnaround report`."""
        config = self.session.config
        return build_report(store, None, now, config.targets, queue_targets=config.queue_targets,
                            ours=self.session.ours, rules=self.session.lifecycle.rules, brand=config.brand)

    def _build(self, store: Store, now: datetime) -> None:
        try:
            report = self.build(store, now)
        except ValueError as error:  # an unreadable archive month: named, never a traceback
            self.post_message(ReportReady(None, str(error)))
            return
        self.post_message(ReportReady(report))

    def on_report_ready(self, message: ReportReady) -> None:
        body = self.query_one("#report-body", Static)
        if message.report is None:
            body.update(Text(f"No report: {message.error}", "red"))
            return
        self.report = message.report
        body.update(Text(render_text(message.report)))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#report-view", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#report-view", VerticalScroll).scroll_up(animate=False)

    def action_export_csv(self) -> None:
        import csv

        from tui.storage import paths

        if self.report is None:
            self.notify("The report is still being built.", severity="warning", timeout=3)
            return

        target = paths.data_dir() / f"report-{datetime.now():%Y%m%d-%H%M%S}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["metric", "group", "value"])
            writer.writerows(rows(self.report))
        self.notify(f"Saved {target}", timeout=6)
