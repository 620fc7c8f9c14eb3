"""Every theme the app offers is legible: the cursor row (focused and not), the markers, the selected
row's ✓, the editor's hint highlights and the footer keys reach WCAG AA (4.5:1).

The colours are not read from the theme files but from what the widgets render, so they pass through
the same chain as on screen: theme → CSS variables → TCSS component styles → Textual's line filters
(ANSI to truecolor, NO_COLOR's monochrome) → the console's colour system (16 colours on TERM=screen).
ANSI colours are mapped through the terminal palette Textual itself assumes (`App.ansi_theme_dark`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Footer

from tests.snapshot_app import DRAFT, make_snapshot_app, no_blink, settle
from tui.ui.themes import AA_CONTRAST, contrast_ratio
from tui.ui.widgets.draft_area import DraftArea
from tui.ui.widgets.mention_list import MentionList

MARKERS = "‼✗?♥◔⚠●✓"
SHIPPED = {"brightside-dark", "brightside-light", "high-contrast", "colour-blind-safe", "sixteen",
           "monochrome"}
SYSTEMS = {"standard": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT, "windows": ColorSystem.WINDOWS}


def _rgb(app: Any, color: RichColor | None, foreground: bool) -> tuple[int, int, int]:
    """The colour the terminal shows for `color`, after the console's downgrade to its colour system."""
    system = SYSTEMS.get(app.console.color_system or "")
    if color is None:
        color = RichColor.default()
    if system is not None:
        color = color.downgrade(system)
    palette = app.ansi_theme_dark if app.current_theme.dark else app.ansi_theme_light
    return tuple(color.get_truecolor(palette, foreground=foreground))


def lowest(app: Any, strips: list[Any], what: str,
           keep: Any = lambda segment: bool(segment.text.strip())) -> list[tuple[float, str, str]]:
    """(ratio, what, text) for every segment below AA among `strips` that `keep` selects."""
    failures = []
    for strip in strips:
        for segment in strip:
            if segment.style is None or not keep(segment):
                continue
            style = segment.style
            fg, bg = (style.bgcolor, style.color) if style.reverse else (style.color, style.bgcolor)
            ratio = contrast_ratio(_rgb(app, fg, True), _rgb(app, bg, False))
            if ratio < AA_CONTRAST:
                failures.append((round(ratio, 2), what, segment.text.strip()[:30]))
    return failures


def rendered(widget: Widget) -> list[Any]:
    """The widget's lines exactly as the compositor would get them (styles, tint, line filters)."""
    width, height = widget.size
    return widget.render_lines(Region(0, 0, width, height))


def summary(failures: dict[str, list[tuple[float, str, str]]]) -> str:
    """The lowest ratio per theme and element, one line each, for a readable failure."""
    lines = []
    for name, found in sorted(failures.items()):
        worst: dict[str, tuple[float, str, str]] = {}
        for failure in found:
            if failure[1] not in worst or failure < worst[failure[1]]:
                worst[failure[1]] = failure
        lines += [f"{name}: {what} {ratio}:1 ({text!r})" for ratio, what, text in sorted(worst.values())]
    return "\n".join(lines)


def has_marker(segment: Segment) -> bool:
    return any(mark in segment.text for mark in MARKERS)


def is_hint(segment: Segment) -> bool:
    return bool(segment.text.strip()) and bool(segment.style and segment.style.underline)


def inbox_failures(app: Any) -> list[tuple[float, str, str]]:
    mention_list = app.screen.query_one(MentionList)
    lines = rendered(mention_list)
    row = mention_list.cursor - round(mention_list.scroll_y)
    state = "focused" if mention_list.has_focus else "unfocused"
    failures = lowest(app, [lines[row]], f"cursor row ({state})")
    failures += lowest(app, [line for y, line in enumerate(lines) if y != row], "marker", has_marker)
    failures += lowest(app, rendered(app.screen.query_one(Footer)), "footer")
    return failures


async def all_failures(app: Any, pilot: Any, themes: list[str]) -> dict[str, list[tuple[float, str, str]]]:
    """Visit the inbox (list focused, then not) and the reply editor in each theme."""
    found: dict[str, list[tuple[float, str, str]]] = {name: [] for name in themes}
    await settle(pilot)
    await pilot.press("x")  # the first row is selected and the cursor moves on: a ✓ off the cursor
    await pilot.pause(0.1)
    mention_list = app.screen.query_one(MentionList)
    assert mention_list.selected
    for name in themes:
        app.theme = name
        await pilot.pause()
        mention_list.focus()
        await pilot.pause()
        found[name] += inbox_failures(app)
        app.set_focus(None)
        await pilot.pause()
        found[name] += inbox_failures(app)
    mention_list.focus()
    await pilot.press("r")
    await pilot.pause(0.1)
    draft = app.screen.query_one(DraftArea)
    draft.insert(DRAFT)
    await pilot.pause(0.4)
    no_blink(app)
    for name in themes:
        app.theme = name
        await pilot.pause()
        hints = lowest(app, rendered(draft), "hint", is_hint)
        assert any(is_hint(segment) for line in rendered(draft) for segment in line), "no hint drawn"
        found[name] += hints + lowest(app, rendered(app.screen.query_one(Footer)), "footer (editor)")
    return {name: failures for name, failures in found.items() if failures}


@pytest.mark.parametrize("colours", ["truecolor", "256"])
async def test_every_offered_theme_reaches_aa(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, colours: str
) -> None:
    """In a truecolor terminal and in a 256-colour one (tmux's default), where every colour is
    rounded to the nearest of the 256."""
    if colours == "truecolor":
        monkeypatch.setenv("COLORTERM", "truecolor")
    else:
        monkeypatch.setenv("TERM", "xterm-256color")
        monkeypatch.delenv("COLORTERM", raising=False)
    app = make_snapshot_app(tmp_path / "store.json")
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.console.color_system == colours
        offered = sorted(app.available_themes)
        assert "nord" not in offered and "textual-dark" not in offered, offered
        assert SHIPPED <= set(offered)
        failures = await all_failures(app, pilot, offered)
    assert failures == {}, summary(failures)


@pytest.mark.parametrize(("env", "expected"), [
    ({"TERM": "screen", "COLORTERM": ""}, "sixteen"),
    ({"NO_COLOR": "1", "COLORTERM": "truecolor"}, "monochrome"),
])
async def test_limited_terminals_get_a_legible_theme_by_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if not env.get("COLORTERM"):
        monkeypatch.delenv("COLORTERM")
    app = make_snapshot_app(tmp_path / "store.json", theme="")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.theme == expected
        failures = await all_failures(app, pilot, [expected])
    assert failures == {}, summary(failures)


async def test_a_theme_the_user_chose_wins_on_a_limited_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_snapshot_app(tmp_path / "store.json", theme="high-contrast")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "high-contrast"


HINT_CATEGORIES = ["negative-language", "excuse", "blame", "shouting", "other"]
DISTINCT = 10.0
"""The least CIE76 colour difference (ΔE*ab) between two hint categories: about 2.3 is the smallest
difference an eye can see side by side; 10 reads as another colour at a glance."""


def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """sRGB (D65) to CIELAB."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def colour_difference(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(one), _lab(other), strict=True)) ** 0.5


Shown = tuple[int, int, int] | int
"""A colour as the terminal shows it: RGB, or one of the 8 ANSI hues (the terminal's own palette
decides its RGB, and a bright variant is not another hue: Monokai draws both reds alike)."""


def hint_colours(app: Any, draft: DraftArea) -> dict[str, Shown]:
    """Each hint category's colour as the terminal shows it (after the colour system's downgrade)."""
    shown: dict[str, Shown] = {}
    for name in HINT_CATEGORIES:
        color = draft.get_component_rich_style(f"draft-area--hint-{name}").color
        if color is not None and color.number is not None and color.number < 16 and (
                app.console.color_system == "standard" or color.type.name == "STANDARD"):
            shown[name] = color.number % 8
        else:
            shown[name] = _rgb(app, color, True)
    return shown


def difference(one: Shown, other: Shown) -> float:
    if isinstance(one, int) or isinstance(other, int):
        return 0.0 if one == other else 100.0
    return colour_difference(one, other)


def too_close(colours: dict[str, Shown]) -> list[tuple[float, str, str]]:
    return [(round(difference(colours[a], colours[b]), 1), a, b)
            for i, a in enumerate(HINT_CATEGORIES) for b in HINT_CATEGORIES[i + 1:]
            if difference(colours[a], colours[b]) < DISTINCT]


@pytest.mark.parametrize("colours", ["truecolor", "256", "standard"])
async def test_every_hint_category_has_a_colour_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, colours: str
) -> None:
    """brightside-light at 256 colours drew shouting and excuse in the same colour (issue 15). On a
    16-colour terminal the app picks `sixteen` by itself, so that depth is checked in that theme."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    if colours == "truecolor":
        monkeypatch.setenv("COLORTERM", "truecolor")
    else:
        monkeypatch.setenv("TERM", "xterm-256color" if colours == "256" else "screen")
        monkeypatch.delenv("COLORTERM", raising=False)
    app = make_snapshot_app(tmp_path / "store.json")
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.console.color_system == colours
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause(0.1)
        draft = app.screen.query_one(DraftArea)
        themes = ["sixteen"] if colours == "standard" else sorted(SHIPPED)
        found = {}
        for name in themes:
            app.theme = name
            await pilot.pause()
            if close := too_close(hint_colours(app, draft)):
                found[name] = close
    assert found == {}, found
