"""Shipped themes load, register and style our TCSS; broken theme files are reported, not fatal."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import Theme
from textual.widgets import Static

from tui.ui.themes import (
    DEFAULT_DARK,
    DEFAULT_LIGHT,
    REQUIRED_VARIABLES,
    builtin_theme_dirs,
    is_colour,
    load_themes,
    variable_defaults,
)

SHIPPED = {"brightside-dark", "brightside-light", "high-contrast", "colour-blind-safe", "sixteen",
           "monochrome"}
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
    _write(folder, "missing-base.toml", 'name = "m"\nbase = "espresso-noir"\nprimary = "#123456"\n')
    _write(
        folder,
        "bad-var.toml",
        good.replace('name = "brightside-dark"', 'name = "v"').replace('"#D46A9F"', '"pinkish"'),
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
    assert any("missing-base.toml" in e and "'base'" in e and "espresso-noir" in e for e in errors)
    assert any("bad-var.toml" in e and "hint-blame" in e and "pinkish" in e for e in errors)
    assert any("bad-colour.toml" in e and "'background'" in e and "espresso" in e for e in errors)


def test_every_problem_in_one_file_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "many.toml", 'name = ""\ndark = "yes"\nwobble = 1\nprimary = 7\n')
    themes, errors = load_themes([tmp_path])
    assert themes == []
    assert len(errors) == 1, "one message per broken file, with every problem in it"
    assert errors[0].startswith(f"{tmp_path / 'many.toml'}: ")
    for fragment in ("'wobble'", "'name'", "'dark'", "'primary'"):
        assert fragment in errors[0]


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


# -- partial user themes ---------------------------------------------------------------------------
def test_a_user_file_may_override_a_few_variables_of_a_shipped_theme(tmp_path: Path) -> None:
    _write(tmp_path, "mine.toml", 'name = "brightside-dark"\n[variables]\nunread = "#FFFFFF"\n')
    themes, errors = load_themes([*builtin_theme_dirs(), tmp_path])
    assert errors == []
    theme = {t.name: t for t in themes}["brightside-dark"]
    assert theme.variables["unread"] == "#FFFFFF"
    assert theme.variables["hint-blame"] == "#D46A9F" and theme.primary == "#E0A458"


def test_a_new_theme_may_start_from_a_base(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", 'name = "late-shift"\nbase = "high-contrast"\nprimary = "#00FF00"\n')
    _write(tmp_path, "b.toml", 'name = "espresso"\nbackground = "#100C0A"\n')  # no base: our default
    _write(tmp_path, "c.toml", 'name = "arctic"\nbase = "nord"\n')  # one of Textual's own
    _write(tmp_path, "0.toml", 'name = "later-shift"\nbase = "late-shift"\naccent = "#FF00FF"\n')
    themes, errors = load_themes([*builtin_theme_dirs(), tmp_path])
    assert errors == []
    by_name = {t.name: t for t in themes}
    assert by_name["late-shift"].primary == "#00FF00"
    assert by_name["late-shift"].background == "#000000"
    assert by_name["later-shift"].primary == "#00FF00" and by_name["later-shift"].accent == "#FF00FF"
    assert by_name["espresso"].background == "#100C0A" and by_name["espresso"].primary == "#E0A458"
    assert all(var in by_name["arctic"].variables for var in REQUIRED_VARIABLES)


def test_bases_that_go_round_in_a_circle_are_reported(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", 'name = "a"\nbase = "b"\n')
    _write(tmp_path, "b.toml", 'name = "b"\nbase = "a"\n')
    _, errors = load_themes([*builtin_theme_dirs(), tmp_path])
    assert len(errors) == 2 and all("'base'" in e for e in errors)


# -- in the app: one notice per broken file; the pick is the user's, not the store's -----------------
async def _started(app: Any) -> Any:
    from tests.snapshot_app import settle

    notices: list[tuple[str, str]] = []
    original = app.notify

    def record(message: str, **kw: Any) -> None:
        notices.append((kw.get("title", ""), message))
        original(message, **kw)

    app.notify = record
    return notices, settle


async def test_a_broken_user_theme_gives_one_notice_naming_file_and_fields(tmp_path: Path) -> None:
    from tests.snapshot_app import make_snapshot_app
    from tui.storage import paths

    folder = paths.user_themes_dir()
    folder.mkdir(parents=True)
    _write(folder, "partial.toml", 'name = "brightside-dark"\n[variables]\nunread = "#FFFFFF"\n')
    broken = _write(folder, "broken.toml", 'name = "x"\nprimary = "teal-ish"\nsparkle = 1\ndark = "no"\n')
    app = make_snapshot_app(tmp_path / "store.json")
    notices, settle = await _started(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_theme.variables["unread"] == "#FFFFFF"
    theme_notices = [n for n in notices if "in your files" in n[0]]
    assert len(theme_notices) == 1, notices
    message = theme_notices[0][1]
    assert str(broken) in message
    for field in ("'primary'", "teal-ish", "'sparkle'", "'dark'"):
        assert field in message


async def test_the_chosen_theme_is_remembered_per_user_across_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.snapshot_app import make_snapshot_app, settle
    from tui.storage import paths

    monkeypatch.setenv("COLORTERM", "truecolor")  # else TERM=xterm picks the 16-colour theme
    app = make_snapshot_app(tmp_path / "one.json", theme="")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == DEFAULT_DARK
        app.theme = "high-contrast"
        for _ in range(40):
            await pilot.pause(0.05)
            if paths.ui_state_file().is_file():
                break
    assert paths.ui_state_file().is_file()
    app = make_snapshot_app(tmp_path / "two.json", theme="")  # another store, as the demo's is
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.theme == "high-contrast"


async def test_an_unwritable_state_folder_is_said_not_fatal(tmp_path: Path) -> None:
    from tests.snapshot_app import make_snapshot_app
    from tui.storage import paths

    paths.state_dir().parent.mkdir(parents=True, exist_ok=True)
    paths.state_dir().write_text("not a folder", encoding="utf-8")
    app = make_snapshot_app(tmp_path / "store.json")
    notices, settle = await _started(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "high-contrast"
        await pilot.pause(0.3)
        assert app.is_running
    assert any("cannot remember the theme" in message for _, message in notices), notices


async def test_a_theme_chosen_by_itself_is_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.snapshot_app import make_snapshot_app, settle
    from tui.storage import paths

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_snapshot_app(tmp_path / "one.json", theme="")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "monochrome"
        await pilot.pause(0.3)
    assert not paths.ui_state_file().exists(), "NO_COLOR's grey theme would stick once colours are back"


def test_a_variable_set_at_the_top_level_is_pointed_to_variables(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", 'name = "a"\nblock-cursor-background = "#00C8FF"\n')
    _, errors = load_themes([*builtin_theme_dirs(), tmp_path])
    assert len(errors) == 1 and "'block-cursor-background'" in errors[0] and "[variables]" in errors[0]


async def test_a_configured_theme_that_is_not_offered_is_said(tmp_path: Path) -> None:
    from tests.snapshot_app import make_snapshot_app

    app = make_snapshot_app(tmp_path / "store.json", theme="nord")
    notices, settle = await _started(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme != "nord"
    assert any("'nord'" in message and "ui.theme" in message for _, message in notices), notices
