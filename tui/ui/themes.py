"""Themes are data: TOML files whose fields are those of `textual.theme.Theme`.

The app ships its themes in `themes/` (packaged as `tui/ui/themes/`); users add or override themes by
dropping TOML files in their own theme folder, setting only what they change. A broken file must never
stop the app from starting, so `load_themes` collects one message per broken file and keeps going.

Only themes whose cursor row, markers and hints reach WCAG AA are offered (tests/test_contrast.py):
Textual's own themes are not, since our list and editor colours were never tuned against them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import BUILTIN_THEMES, Theme

DEFAULT_DARK = "brightside-dark"
DEFAULT_LIGHT = "brightside-light"
SIXTEEN = "sixteen"
"""For a terminal of 16 colours (TERM=screen, the Linux console): ANSI colours only."""
MONOCHROME = "monochrome"
"""For NO_COLOR: greys whose pairs stay legible once Textual drops every hue."""

# The app-specific variables our TCSS refers to as `$name`; a theme missing one would make the
# stylesheet fail to parse, so every theme must define them all, as colours.
REQUIRED_VARIABLES: tuple[str, ...] = (
    "sentiment-negative",
    "sentiment-neutral",
    "sentiment-positive",
    "kind-crisis",
    "queue-active",
    "unread",
    "due-soon",
    "breached",
    "hint-negative-language",
    "hint-excuse",
    "hint-blame",
    "hint-shouting",
    "hint-other",
    "badge-demo",
)

# Textual generates these itself except in ANSI mode, where its widgets' CSS still refers to them.
ANSI_VARIABLES: tuple[str, ...] = ("ansi-background", "ansi-foreground")

# The fields Textual's Theme accepts, read from the class so a Textual upgrade is followed.
THEME_FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(Theme)}
COLOUR_FIELDS: tuple[str, ...] = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
BOOL_FIELDS: tuple[str, ...] = ("dark", "ansi")
FLOAT_FIELDS: tuple[str, ...] = ("luminosity_spread", "text_alpha")

# Textual CSS accepts a colour followed by an alpha percentage, e.g. "#ff0000 40%".
_ALPHA_SUFFIX = re.compile(r"\s+\d{1,3}(\.\d+)?%$")


AA_CONTRAST = 4.5
"""WCAG 2 level AA for normal text: every cursor row, marker and hint must reach it in every theme."""


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2's relative luminance of an sRGB colour (0 black to 1 white)."""
    red, green, blue = (_linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def builtin_theme_dirs() -> list[Path]:
    """The shipped themes: `tui/themes` inside a wheel, else the repository's `themes/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "themes", here.parent.parent / "themes"):
        if candidate.is_dir():
            return [candidate]
    return []


def is_colour(value: str) -> bool:
    """True if Textual can parse `value` as a colour, allowing a trailing alpha percentage."""
    try:
        Color.parse(_ALPHA_SUFFIX.sub("", value.strip()))
    except ColorParseError:
        return False
    return True


def _check(data: dict[str, Any]) -> list[str]:
    """Every problem with the fields one file sets, as `field: message` strings.

    A file need not set every field: what it leaves out comes from its base theme (see `load_themes`),
    so only the types and values of the fields present are checked here.
    """
    problems: list[str] = []
    for key in data:
        if key not in THEME_FIELDS and key != "base":
            hint = " (a variable? those go under [variables])" if "-" in key else ""
            problems.append(f"unknown field {key!r}{hint}")
    for key in ("name", "base"):
        value = data.get(key)
        if key in data and (not isinstance(value, str) or not value.strip()):
            problems.append(f"field {key!r} must be a non-empty string")
    if "name" not in data:
        problems.append("missing required field 'name'")
    for key in COLOUR_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str):
            problems.append(f"field {key!r} must be a colour string")
        elif not is_colour(value):
            problems.append(f"field {key!r}: not a colour: {value!r}")
    for key in BOOL_FIELDS:
        if key in data and not isinstance(data[key], bool):
            problems.append(f"field {key!r} must be true or false")
    for key in FLOAT_FIELDS:
        value = data.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"field {key!r} must be a number")
    if "variables" in data:
        problems.extend(_check_variables(data["variables"]))
    return problems


def _check_variables(variables: Any) -> list[str]:
    """Variables are a table of strings; ours, where set, must be colours."""
    if not isinstance(variables, dict):
        return ["field 'variables' must be a table"]
    problems: list[str] = []
    for key, value in variables.items():
        if not isinstance(value, str):
            problems.append(f"variables.{key} must be a string")
        elif key in REQUIRED_VARIABLES and not is_colour(value):
            problems.append(f"variables.{key}: not a colour: {value!r}")
    return problems


def _check_complete(theme: Theme) -> list[str]:
    """What a theme still lacks once merged with its base."""
    problems = [f"missing required variable 'variables.{key}'"
                for key in REQUIRED_VARIABLES if key not in theme.variables]
    if theme.ansi:
        problems += [f"missing variable 'variables.{key}' (Textual needs it when ansi = true)"
                     for key in ANSI_VARIABLES if key not in theme.variables]
    return problems


def _read(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """A theme file's table, or None and why not."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return None, [f"cannot read: {error}"]
    except tomllib.TOMLDecodeError as error:
        return None, [f"invalid TOML: {error}"]
    problems = _check(data)
    return (None, problems) if problems else (data, [])


def _merge(data: dict[str, Any], base: Theme | None) -> Theme:
    """The file's fields over its base's; variables are merged one by one, the file's winning."""
    fields = {key: value for key, value in data.items() if key != "base"}
    if base is None:
        return Theme(**fields)
    variables = {**base.variables, **fields.pop("variables", {})}
    return dataclasses.replace(base, **fields, variables=variables)


_MINIMUM = ("primary", "background", "foreground", "variables")
"""What a theme with no base must set (with every one of our variables)."""


def _build(data: dict[str, Any], known: dict[str, Theme],
           starting: dict[str, Theme]) -> tuple[Theme | None, list[str]]:
    """One decoded file as a Theme, built on its base: `base = "name"` if set, else the theme of the
    same name it overrides, else our default of its darkness. A file with every field needs no base."""
    name = data["name"]
    wanted = data.get("base")
    if wanted is not None:
        base = known.get(wanted) or BUILTIN_THEMES.get(wanted)
        if base is None:
            return None, [f"field 'base': no theme named {wanted!r}"]
    elif all(key in data for key in _MINIMUM) and all(key in data["variables"] for key in REQUIRED_VARIABLES):
        base = None  # a complete theme stands on its own
    else:
        dark = data.get("dark", True)
        base = starting.get(name) or known.get(DEFAULT_DARK if dark else DEFAULT_LIGHT)
        if base is None:
            missing = ", ".join(repr(key) for key in _MINIMUM if key not in data) or "variables"
            return None, [f"missing required field(s) {missing} (or start from a theme: base = \"name\")"]
    theme = _merge(data, base)
    if base is not None:  # e.g. a base among Textual's own themes: our variables from our default
        fallback = variable_defaults(list(known.values()), theme.dark)
        theme = dataclasses.replace(theme, variables={**fallback, **theme.variables})
    problems = _check_complete(theme)
    if problems:
        return None, problems
    try:
        theme.to_color_system().generate()
    except Exception as error:  # Textual's own check is the last word on what it can render
        return None, [f"Textual rejected the theme: {error}"]
    return theme, []


def load_themes(dirs: list[Path]) -> tuple[list[Theme], list[str]]:
    """Every valid theme in `dirs` (each folder's `*.toml`, in name order) and one message per
    broken file, naming the file and every field at fault.

    A theme in a later folder replaces one of the same name from an earlier folder, so a user's
    folder placed after the built-in one overrides a shipped theme, and may set only the fields it
    changes. Two files with the same theme name in one folder are an error. Missing folders are
    skipped: the user's may not exist yet.
    """
    themes: dict[str, Theme] = {}
    errors: list[str] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        starting = dict(themes)  # what this folder's files override
        seen: dict[str, Path] = {}
        pending: list[tuple[Path, dict[str, Any]]] = []
        for path in sorted(folder.glob("*.toml")):
            data, problems = _read(path)
            if data is None:
                errors.append(f"{path}: {'; '.join(problems)}")
            elif data["name"] in seen:
                first = seen[data["name"]].name
                errors.append(f"{path}: theme name {data['name']!r} is already used by {first}")
            else:
                seen[data["name"]] = path
                pending.append((path, data))
        # A file may start from a theme another file in the same folder defines: build in rounds.
        while pending:
            waiting = []
            for path, data in pending:
                base = data.get("base")
                if base is not None and base not in themes and base not in BUILTIN_THEMES and any(
                        other["name"] == base for _, other in pending if other is not data):
                    waiting.append((path, data))
                    continue
                theme, problems = _build(data, themes, starting)
                if theme is None:
                    errors.append(f"{path}: {'; '.join(problems)}")
                else:
                    themes[theme.name] = theme
            if len(waiting) == len(pending):  # a cycle of bases: report each
                errors += [f"{path}: field 'base': {data['base']!r} starts from this theme in turn"
                           for path, data in waiting]
                break
            pending = waiting
    return list(themes.values()), errors


def variable_defaults(themes: list[Theme], dark: bool) -> dict[str, str]:
    """Fallback values for our variables, for `App.get_theme_variable_defaults`.

    Textual's own themes (nord, gruvbox, ...) stay selectable from the command palette but know
    nothing of `$sentiment-negative` and friends; without a fallback the stylesheet would fail to
    parse when one is picked. The fallback is our default theme of the same darkness, else any
    loaded theme of that darkness, else any loaded theme.
    """
    by_name = {theme.name: theme for theme in themes}
    preferred = by_name.get(DEFAULT_DARK if dark else DEFAULT_LIGHT)
    candidates = [preferred] if preferred else []
    candidates += [t for t in themes if t.dark == dark] + list(themes)
    for theme in candidates:
        if all(name in theme.variables for name in REQUIRED_VARIABLES):
            return {name: theme.variables[name] for name in REQUIRED_VARIABLES}
    return {}


def automatic_theme(color_system: str | None, no_color: bool) -> str:
    """The theme for a user who has not chosen one: legible on whatever the terminal can show.

    `color_system` is the console's ("truecolor", "256", "standard", "windows"): truecolor themes
    downgraded to 16 colours turn their cursor into white on white, so such a terminal gets ours made
    of ANSI colours. Under NO_COLOR Textual turns every colour into its grey: the grey theme is built
    for that.
    """
    if no_color:
        return MONOCHROME
    if color_system in ("standard", "windows"):
        return SIXTEEN
    return DEFAULT_DARK


def remembered_theme(path: Path) -> tuple[str | None, str | None]:
    """The theme the user last picked (kept in their own state folder, whatever store they open),
    and a message if the file is there but unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, f"{path}: ignored, cannot read it: {error}"
    theme = data.get("theme") if isinstance(data, dict) else None
    if theme is not None and not isinstance(theme, str):
        return None, f"{path}: field 'theme' must be a string, ignored"
    return theme, None


def remember_theme(path: Path, name: str) -> None:
    """Keep the user's pick for the next launch. Written whole then renamed: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    data["theme"] = name
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)


def textual_themes_to_hide(themes: list[Theme]) -> set[str]:
    """Textual's own themes the app should stop offering: every one we do not ship or load."""
    ours = {theme.name for theme in themes}
    return {name for name in BUILTIN_THEMES if name not in ours}
