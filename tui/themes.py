"""Themes are data: TOML files whose fields are those of `textual.theme.Theme`.

The app ships five themes in `themes/` (packaged as `tui/themes/`); users add or override
themes by dropping TOML files in their own theme folder. A broken file must never stop the app
from starting, so `load_themes` collects one clear message per problem and keeps going.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_DARK = "brightside-dark"
DEFAULT_LIGHT = "brightside-light"

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
# Our variables are tuned against a background and foreground, so a theme must state them.
REQUIRED_FIELDS: tuple[str, ...] = (
    "name",
    "primary",
    "background",
    "foreground",
    "dark",
    "variables",
)
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


def builtin_theme_dirs() -> list[Path]:
    """The shipped themes: `tui/themes` inside a wheel, else the repository's `themes/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "themes", here.parent / "themes"):
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
    """Every problem with one decoded theme table, as `field: message` strings."""
    problems: list[str] = []
    for key in data:
        if key not in THEME_FIELDS:
            problems.append(f"unknown field {key!r}")
    for key in REQUIRED_FIELDS:
        if key not in data:
            problems.append(f"missing required field {key!r}")
    name = data.get("name")
    if "name" in data and (not isinstance(name, str) or not name.strip()):
        problems.append("field 'name' must be a non-empty string")
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
        if data.get("ansi") is True and isinstance(data["variables"], dict):
            problems.extend(
                f"missing variable 'variables.{key}' (Textual needs it when ansi = true)"
                for key in ANSI_VARIABLES
                if key not in data["variables"]
            )
    return problems


def _check_variables(variables: Any) -> list[str]:
    """Variables are a table of strings; ours must all be present and be colours."""
    if not isinstance(variables, dict):
        return ["field 'variables' must be a table"]
    problems: list[str] = []
    for key, value in variables.items():
        if not isinstance(value, str):
            problems.append(f"variables.{key} must be a string")
    for key in REQUIRED_VARIABLES:
        if key not in variables:
            problems.append(f"missing required variable 'variables.{key}'")
        elif isinstance(variables[key], str) and not is_colour(variables[key]):
            problems.append(f"variables.{key}: not a colour: {variables[key]!r}")
    return problems


def load_theme_file(path: Path) -> tuple[Theme | None, list[str]]:
    """One theme file: the Theme, or None and the reasons, each prefixed with the file's path."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return None, [f"{path}: cannot read: {error}"]
    except tomllib.TOMLDecodeError as error:
        return None, [f"{path}: invalid TOML: {error}"]
    problems = _check(data)
    if problems:
        return None, [f"{path}: {problem}" for problem in problems]
    theme = Theme(**data)
    try:
        theme.to_color_system().generate()
    except Exception as error:  # Textual's own check is the last word on what it can render
        return None, [f"{path}: Textual rejected the theme: {error}"]
    return theme, []


def load_themes(dirs: list[Path]) -> tuple[list[Theme], list[str]]:
    """Every valid theme in `dirs` (each folder's `*.toml`, in name order) and every error.

    A theme in a later folder replaces one of the same name from an earlier folder, so a user's
    folder placed after the built-in one overrides a shipped theme. Two files with the same theme
    name in one folder are an error. Missing folders are skipped: the user's may not exist yet.
    """
    themes: dict[str, Theme] = {}
    errors: list[str] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        seen: dict[str, Path] = {}
        for path in sorted(folder.glob("*.toml")):
            theme, problems = load_theme_file(path)
            errors.extend(problems)
            if theme is None:
                continue
            if theme.name in seen:
                errors.append(f"{path}: theme name {theme.name!r} is already used by {seen[theme.name].name}")
                continue
            seen[theme.name] = path
            themes[theme.name] = theme
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
