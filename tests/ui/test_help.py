"""`?` is built from the live bindings of the screen it is pressed on: a remap shows, no binding is
missing; the legend explains every symbol; the README's key table lists every inbox key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.binding import Binding

from tests.helpers import MIXED, FeedSource, fixed_clock, settle
from tui.core.rows import CLOCK_SYMBOL, KIND_SYMBOL
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.help import HelpScreen, help_data, key_rows
from tui.ui.screens.inbox import InboxScreen
from tui.ui.screens.thread import ThreadScreen
from tui.ui.widgets.mention_list import MentionList

README = Path(__file__).resolve().parents[2] / "README.md"


def app_with(tmp_path: Path, **config: Any) -> TurnaroundApp:
    return make_app(Config(**config), tmp_path / "store.json", sources=[FeedSource(MIXED)],
                    clock=fixed_clock)


def help_shown(app: TurnaroundApp) -> str:
    assert isinstance(app.screen, HelpScreen)
    return app.screen.plain


def rows_by_id(screen: Any) -> dict[str, list[str]]:
    return {ident: row.keys for rows in key_rows(screen).values() for row in rows
            for ident in (row.folded or [row.binding_id])}


def missing_from_help(app: TurnaroundApp, screen: Any, bindings: list[Any], *,
                      shadowed_ok: bool = False) -> list[str]:
    """Every key of every binding (after the app's keymap) that the screen's help does not list.
    With `shadowed_ok`, a key the focused widget binds first may show under that widget's row."""
    shown = rows_by_id(screen)
    anywhere = {key for keys in shown.values() for key in keys}
    missing = []
    for binding in bindings:
        keys = app._keymap.get(binding.id, binding.key)
        for key in keys.split(","):
            display = app.get_key_display(Binding(key.strip(), binding.action))
            if display not in shown.get(binding.id, []) and not (shadowed_ok and display in anywhere):
                missing.append(f"{binding.id}: {display}")
    return missing


async def test_remapped_key_shows_in_help(tmp_path: Path) -> None:
    app = app_with(tmp_path, keys={"inbox.done": "D", "list.down": "n,down"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app, len(MIXED))
        await pilot.press("question_mark")
        await pilot.pause(0.05)
        text = help_shown(app)
        assert re.search(r"^  D\s+done", text, re.MULTILINE), text
        assert not re.search(r"^  d\s+done", text, re.MULTILINE)
        assert rows_by_id(app.screen_stack[-2])["list.down"] == ["n", "↓"]


async def test_every_binding_of_inbox_and_thread_is_in_their_help(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app, len(MIXED))
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        assert missing_from_help(app, inbox, [*InboxScreen.BINDINGS, *MentionList.BINDINGS]) == []
        await pilot.press("question_mark")
        await pilot.pause(0.05)
        assert "Keys on the inbox screen" in help_shown(app)
        await pilot.press("escape")
        await pilot.press("enter")
        await pilot.pause(0.05)
        thread = app.screen
        assert isinstance(thread, ThreadScreen)
        assert missing_from_help(app, thread, list(ThreadScreen.BINDINGS)) == []
        await pilot.press("question_mark")
        await pilot.pause(0.05)
        text = help_shown(app)
        assert "Keys on the thread screen" in text
        assert "post a failed reply again" in text
        assert "Other" not in text, "every thread binding has a group in help.toml"
        await pilot.press("escape")
        assert app.screen is thread


async def test_every_binding_of_the_other_screens_is_in_their_help(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app, len(MIXED))
        for key in ("R", "C", "S"):
            await pilot.press(key)
            await pilot.pause(0.1)
            screen = app.screen
            own = [b for b in type(screen).BINDINGS if isinstance(b, Binding)]
            # The report's scroll view binds ↓/↑ itself; they show as its rows, which scroll the same.
            assert missing_from_help(app, screen, own, shadowed_ok=True) == [], type(screen).__name__
            await pilot.press("escape")
            await pilot.pause(0.05)
            assert isinstance(app.screen, InboxScreen)


async def test_help_scrolls_with_j_and_k(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, len(MIXED))
        await pilot.press("question_mark")
        await pilot.pause(0.05)
        view = app.screen.query_one("#help-view")
        assert view.max_scroll_y > 0
        await pilot.press("j", "j")
        await pilot.pause(0.05)
        assert view.scroll_y == 2
        await pilot.press("k")
        await pilot.pause(0.05)
        assert view.scroll_y == 1
        await pilot.press("G")
        await pilot.pause(0.05)
        assert view.scroll_y == view.max_scroll_y
        assert "What the symbols mean" in help_shown(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, InboxScreen)


def test_legend_explains_every_row_symbol() -> None:
    legend = " ".join(symbol for symbol, _ in help_data().legend)
    symbols = {*KIND_SYMBOL.values(), *(s for s in CLOCK_SYMBOL.values() if s.strip()),
               "●", "✓", "×N", "★", "↻", "59•58", "left", "age", "Why"}
    assert [s for s in symbols if s not in legend] == []


README_KEYS = {"slash": "/", "number_sign": "#", "asterisk": "*", "escape": "esc", "question_mark": "?",
               "down": "↓", "up": "↑", "pagedown": "PgDn", "pageup": "PgUp", "home": "Home", "end": "End"}


def readme_keys() -> set[str]:
    """The backticked keys in the first column of the README's key table (`1`-`7` spans too)."""
    section = README.read_text("utf-8").split("## Keys", 1)[1].split("\n## ", 1)[0]
    keys: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| ---"):
            continue
        first = line.split("|")[1]
        keys.update(re.findall(r"`([^`]+)`", first))
        for low, high in re.findall(r"`(\d)`-`(\d)`", first):
            keys.update(str(n) for n in range(int(low), int(high) + 1))
    return keys


def test_readme_key_table_lists_every_inbox_binding() -> None:
    from tui.ui.app import TurnaroundApp

    listed = readme_keys()
    bindings = [*InboxScreen.BINDINGS, *MentionList.BINDINGS, *TurnaroundApp.BINDINGS]
    missing = [f"{b.id}: {key}" for b in bindings for key in b.key.split(",")
               if README_KEYS.get(key, key) not in listed]
    assert missing == []
