"""`R`: the report: response times, share within target, turnaround rate, trends, topics, champions."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.core.report import build_report
from tui.core.report_text import render_text, rows
from tui.services.session import Session
from tui.ui.widgets.footer import FittingFooter


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
        config = session.config
        self.report = build_report(session.store, None, session.clock(), config.targets,
                                   queue_targets=config.queue_targets, ours=session.ours,
                                   rules=session.lifecycle.rules, brand=config.brand)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-view"):
            yield Static(Text(render_text(self.report)), id="report-body")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#report-view").focus()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#report-view", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#report-view", VerticalScroll).scroll_up(animate=False)

    def action_export_csv(self) -> None:
        import csv
        from datetime import datetime

        from tui.storage import paths

        target = paths.data_dir() / f"report-{datetime.now():%Y%m%d-%H%M%S}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["metric", "group", "value"])
            writer.writerows(rows(self.report))
        self.notify(f"Saved {target}", timeout=6)
