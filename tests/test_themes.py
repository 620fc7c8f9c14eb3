"""Shipped themes load, register and style our TCSS; broken theme files are reported, not fatal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import Theme
from textual.widgets import Static

from tui.themes import (
    DEFAULT_DARK,
    DEFAULT_LIGHT,
    REQUIRED_VARIABLES,
    builtin_theme_dirs,
    is_colour,
    load_themes,
    variable_defaults,
)

SHIPPED = {"brightside-dark", "brightside-light", "high-contrast", "colour-blind-safe", "sixteen"}
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


def _css_using_every_variable() -> str:
    """A stylesheet that references each app variable, as the real TCSS will."""
    rules = [
        f"#v{i} {{ color: ${name}; background: $surface; }}" for i, name in enumerate(REQUIRED_VARIABLES)
    ]
    return "\n".join(rules)


class ThemeProbe(App[None]):
    """Registers the themes and picks one before the stylesheet is parsed, as the real app must."""

    CSS = _css_using_every_variable()

    def __init__(self, themes: list[Theme], start: str) -> None:
        self._themes = themes  # read by get_theme_variable_defaults during App.__init__
        super().__init__()
        for theme in themes:
            self.register_theme(theme)
        self.theme = start

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self._themes, self.current_theme.dark)

    def compose(self) -> ComposeResult:
        for i, _name in enumerate(REQUIRED_VARIABLES):
            yield Static("x", id=f"v{i}")


@pytest.fixture(scope="module")
def shipped() -> dict:
    themes, errors = load_themes(builtin_theme_dirs())
    assert errors == []
    return {theme.name: theme for theme in themes}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_dir_is_found() -> None:
    dirs = builtin_theme_dirs()
    assert len(dirs) == 1 and dirs[0].is_dir()
    assert {p.stem for p in dirs[0].glob("*.toml")} >= SHIPPED


def test_all_shipped_themes_load_without_errors(shipped: dict) -> None:
    assert set(shipped) >= SHIPPED
    assert shipped[DEFAULT_DARK].dark is True
    assert shipped[DEFAULT_LIGHT].dark is False


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_required_variables_present_and_colours(shipped: dict, name: str) -> None:
    variables = shipped[name].variables
    for var in REQUIRED_VARIABLES:
        assert var in variables, f"{name} lacks {var}"
        assert is_colour(variables[var])


def test_sixteen_uses_only_ansi_colours(shipped: dict) -> None:
    theme = shipped["sixteen"]
    assert theme.ansi is True
    colours = [
        getattr(theme, f)
        for f in (
            "primary",
            "secondary",
            "accent",
            "foreground",
            "background",
            "surface",
            "panel",
            "boost",
            "success",
            "warning",
            "error",
        )
    ]
    colours += [theme.variables[v] for v in REQUIRED_VARIABLES]
    for value in colours:
        assert value.startswith("ansi_"), value
        assert Color.parse(value).ansi is not None


def test_colour_blind_safe_is_okabe_ito_and_not_red_green(shipped: dict) -> None:
    theme = shipped["colour-blind-safe"]
    for var in REQUIRED_VARIABLES:
        value = theme.variables[var].upper()
        assert value in OKABE_ITO or value in {"#BBBBBB"}, (var, value)
    negative = theme.variables["sentiment-negative"].upper()
    positive = theme.variables["sentiment-positive"].upper()
    assert negative == "#D55E00"  # vermillion
    assert positive in {"#56B4E9", "#0072B2"}  # blue, never green
    assert theme.success.upper() != "#009E73"


async def test_shipped_themes_register_and_style_the_app(shipped: dict) -> None:
    app = ThemeProbe(list(shipped.values()), DEFAULT_DARK)
    async with app.run_test() as pilot:
        for name in sorted(SHIPPED):
            app.theme = name
            await pilot.pause()
            assert app.current_theme.name == name
            variables = app.get_css_variables()
            for var in REQUIRED_VARIABLES:
                assert var in variables
            expected = Color.parse(shipped[name].variables["sentiment-negative"])
            shown = app.query_one("#v0", Static).styles.color
            if expected.ansi is None:
                assert shown.rgb == expected.rgb
            else:
                assert shown.ansi == expected.ansi


def test_broken_files_are_reported_and_valid_ones_still_load(tmp_path: Path) -> None:
    folder = tmp_path / "themes"
    shutil.copytree(builtin_theme_dirs()[0], folder)
    good = (folder / "brightside-dark.toml").read_text(encoding="utf-8")
    _write(folder, "bad-toml.toml", 'name = "oops"\nprimary = \n')
    _write(
        folder,
        "unknown-field.toml",
        good.replace('name = "brightside-dark"', 'name = "u"\nsparkle = "yes"'),
    )
    _write(
        folder,
        "missing-field.toml",
        good.replace('name = "brightside-dark"', 'name = "m"').replace('primary = "#E0A458"\n', ""),
    )
    _write(
        folder,
        "missing-var.toml",
        good.replace('name = "brightside-dark"', 'name = "v"').replace('hint-blame = "#D46A9F"\n', ""),
    )
    _write(
        folder,
        "bad-colour.toml",
        good.replace('name = "brightside-dark"', 'name = "c"').replace('"#1C1714"', '"espresso"', 1),
    )
    themes, errors = load_themes([folder])
    names = {t.name for t in themes}
    assert names == SHIPPED
    joined = "\n".join(errors)
    assert len(errors) == 5, joined
    assert any("bad-toml.toml" in e and "invalid TOML" in e for e in errors)
    assert any("unknown-field.toml" in e and "'sparkle'" in e for e in errors)
    assert any("missing-field.toml" in e and "'primary'" in e for e in errors)
    assert any("missing-var.toml" in e and "hint-blame" in e for e in errors)
    assert any("bad-colour.toml" in e and "'background'" in e and "espresso" in e for e in errors)


def test_every_problem_in_one_file_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "many.toml", 'name = ""\ndark = "yes"\nwobble = 1\nprimary = 7\n')
    themes, errors = load_themes([tmp_path])
    assert themes == []
    assert all(e.startswith(f"{tmp_path / 'many.toml'}: ") for e in errors)
    text = "\n".join(errors)
    for fragment in ("'wobble'", "'name'", "'dark'", "'primary'", "'background'", "'variables'"):
        assert fragment in text


def test_later_folder_overrides_and_duplicates_in_one_folder_are_errors(tmp_path: Path) -> None:
    builtin = builtin_theme_dirs()[0]
    user = tmp_path / "user"
    user.mkdir()
    text = (builtin / "brightside-dark.toml").read_text(encoding="utf-8")
    _write(user, "a.toml", text.replace('primary = "#E0A458"', 'primary = "#123456"'))
    _write(user, "b.toml", text)
    themes, errors = load_themes([builtin, user, tmp_path / "absent"])
    by_name = {t.name: t for t in themes}
    assert by_name["brightside-dark"].primary == "#123456"
    assert len(errors) == 1 and "b.toml" in errors[0] and "already used" in errors[0]


def test_is_colour_accepts_textual_forms() -> None:
    for ok in ("#abc", "#FFFFFF0A", "ansi_bright_white", "ansi_default", "red", "#ff0000 40%"):
        assert is_colour(ok), ok
    for bad in ("espresso", "ansi_purple", "#12", ""):
        assert not is_colour(bad), bad


async def test_textual_builtin_theme_falls_back_to_our_variables(shipped: dict) -> None:
    themes = list(shipped.values())
    app = ThemeProbe(themes, DEFAULT_DARK)
    async with app.run_test() as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        light = Color.parse(shipped[DEFAULT_LIGHT].variables["sentiment-negative"])
        assert app.query_one("#v0", Static).styles.color.rgb == light.rgb
        app.theme = "nord"
        await pilot.pause()
        dark = Color.parse(shipped[DEFAULT_DARK].variables["sentiment-negative"])
        assert app.query_one("#v0", Static).styles.color.rgb == dark.rgb


def test_variable_defaults_without_our_defaults(shipped: dict) -> None:
    only_hc = [shipped["high-contrast"]]
    assert variable_defaults(only_hc, dark=False) == {
        k: shipped["high-contrast"].variables[k] for k in REQUIRED_VARIABLES
    }
    assert variable_defaults([], dark=True) == {}


def test_ansi_theme_must_set_textual_ansi_variables(tmp_path: Path) -> None:
    text = (builtin_theme_dirs()[0] / "sixteen.toml").read_text(encoding="utf-8")
    _write(tmp_path, "ansi.toml", text.replace('ansi-background = "ansi_black"\n', ""))
    themes, errors = load_themes([tmp_path])
    assert themes == []
    assert len(errors) == 1 and "ansi-background" in errors[0] and "ansi.toml" in errors[0]
