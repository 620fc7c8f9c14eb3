"""The inbox shows its state side by side (issue 15): a spike no longer hides the selection, the
filter or the sort; the demo's line on real sources stays; the list names its columns."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from tests.snapshot_app import make_snapshot_app, settle
from tui.ui.screens.inbox import DEMO_HINT
from tui.ui.screens.inbox_status import Piece, fit_status, selection_piece, sort_piece, spike_piece
from tui.ui.widgets.mention_list import HEADER

SPIKE_LINES = 120
"""Enough of the demo to be in its crisis: a spike is on."""


def status(app: object) -> str:
    return str(app.screen.query_one("#status").content)  # type: ignore[attr-defined]


def test_pieces_drop_whole_least_important_first() -> None:
    pieces = [spike_piece("app", 7, 0.0), selection_piece(2), sort_piece("newest")]
    wide = fit_status(pieces, 200)
    assert wide == ("⚠ spike: “app” 7 negative in the last hour (usually 0.0) · P public statement"
                    " · 2 selected: d applies to 2 (Esc clears) · sorted by newest")
    narrow = fit_status(pieces, 72)
    assert narrow == "⚠ spike “app”: 7 negative/h · P statement · 2 selected · by newest"
    assert fit_status(pieces, 50) == "⚠ spike “app”: 7 negative/h · P statement"
    assert fit_status([Piece("a long first piece")], 5) == "a long first piece", "never empty"


async def test_a_spike_shows_beside_selection_filter_and_sort(tmp_path: Path) -> None:
    app = make_snapshot_app(tmp_path / "store.json", lines=SPIKE_LINES)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.session.spikes.spikes(app.session.clock()), "the demo's crisis is on"
        assert "spike" in status(app) and "by priority" in status(app)
        await pilot.press("x", "x")
        await pilot.pause()
        assert "spike" in status(app) and "2 selected" in status(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "selected" not in status(app)
        await pilot.press("slash", *"orbit", "enter")
        await pilot.pause()
        assert "spike" in status(app) and "filter: orbit" in status(app)
        assert str(app.screen.query_one("#demo-hint").content) == DEMO_HINT
        assert len(DEMO_HINT) + 2 <= 80, "the demo's line fits at 80 columns"
    app = make_snapshot_app(tmp_path / "wide.json", lines=SPIKE_LINES)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert "1 selected: d applies to 1 (Esc clears)" in status(app)
        assert "P public statement" in status(app)


async def test_the_header_names_the_columns_above_them(tmp_path: Path) -> None:
    app = make_snapshot_app(tmp_path / "store.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        header = app.screen.query_one("#list-header")
        lst = app.screen.mention_list
        assert str(header.content) == HEADER
        [drawn] = header.render_lines(Region(0, 0, header.size.width, 1))
        assert "".join(segment.text for segment in drawn).rstrip() == HEADER, "drawn as aligned"
        assert header.region.x == lst.region.x and header.region.bottom == lst.region.y
        row = "".join(segment.text for segment in lst.render_line(0))
        mention = app.session.store.mention(lst.uids[0])
        author = mention["author"][:10]
        assert row.index(author) == HEADER.index("author"), "the author column sits under its name"
        assert row.index(mention["text"][:10]) >= HEADER.index("mention")


async def test_a_store_opened_without_sources_says_where_mentions_come_from(tmp_path: Path) -> None:
    """`collect --source` filled the store and no config names a source: the line says so, not the
    demo's hint (nothing would otherwise tell the agent why nothing new arrives)."""
    from tui.rules.config import Config
    from tui.ui.app import make_app

    app = make_app(Config(), tmp_path / "store.json", sources=[])
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        assert "no sources configured" in status(app)
        assert not app.screen.query("#demo-hint")
    async with make_app(Config(), tmp_path / "store.json", sources=[]).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "no sources (S)" in status(pilot.app)
