"""Issue 14: every user-editable file has one schema; in the app every problem with one is shown once
(one notice at start, and the S panel), never a crash and never silence; `f`, `h` and `ctrl+t` load
the same saved replies and fill them the same way; the CLI says one line and exits 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import MIXED, FeedSource, fixed_clock, make_mention, settle
from tui.cli import main
from tui.core.lifecycle import load_rules
from tui.core.templates import Template, fill, values_for
from tui.rules.config import Config, load_config
from tui.rules.datafile import UserFileError
from tui.storage import paths
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.inbox import InboxScreen
from tui.ui.screens.reply import ReplyScreen
from tui.ui.screens.sources import SourcesScreen
from tui.ui.screens.templates import TemplatePicker
from tui.ui.widgets.draft_area import DraftArea

LIFECYCLE_TYPO = "[walk_away]\ndefault_days = 5\n\n[snooze]\ndefualt_days = 3\n"


def user_file(name: str, text: str) -> Path:
    path = paths.config_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def app_with(tmp_path: Path, mentions: list[dict[str, Any]] = MIXED, **config: Any) -> TurnaroundApp:
    return make_app(Config(brand="Brightside Coffee", agent="Sam", **config), tmp_path / "store.json",
                    sources=[FeedSource(mentions)], clock=fixed_clock)


def file_notices(app: TurnaroundApp) -> list[str]:
    return [str(n.message) for n in app._notifications if "in your files" in (n.title or "")]


async def started(pilot: Any, app: TurnaroundApp, count: int = len(MIXED)) -> None:
    await settle(pilot, app, count)
    for _ in range(40):  # the templates and rules are checked by a worker after the inbox shows
        if not any(w.name == "user-files" for w in app.workers):
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def sources_panel_text(pilot: Any, app: TurnaroundApp) -> str:
    await pilot.press("S")
    await pilot.pause()
    assert isinstance(app.screen, SourcesScreen)
    return str(app.screen.query_one("#file-problems").render())


# -- the schema ----------------------------------------------------------------------------------
def test_a_lifecycle_typo_is_an_error_naming_file_line_table_and_key(tmp_path: Path) -> None:
    path = tmp_path / "lifecycle.toml"
    path.write_text(LIFECYCLE_TYPO)
    with pytest.raises(UserFileError) as caught:
        load_rules(path)
    assert str(caught.value) == f"{path}:5: [snooze] defualt_days: unknown key"
    path.write_text("[walk_away]\ndefault_days = 'soon'\n")
    with pytest.raises(UserFileError, match=r"lifecycle\.toml:2: \[walk_away\] default_days: expected `int`"):
        load_rules(path)
    path.write_text("[walk_away]\ndefault_days = 5\n")
    assert load_rules(path).default_days == 5, "a user file sets only the keys it changes"


def test_the_documented_config_keys_are_the_schemas() -> None:
    from tui.rules.config import SECTION_KEYS
    from tui.rules.datafile_models import ConfigFile

    assert set(SECTION_KEYS) == set(ConfigFile.__struct_fields__)
    for name, keys in SECTION_KEYS.items():
        kind = ConfigFile.__annotations__[name]
        model = getattr(__import__("tui.rules.datafile_models", fromlist=[kind]), kind, None)
        fields = getattr(model, "__struct_fields__", None)
        assert keys == fields, name


def test_the_config_schema_names_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[brand]\nname = "x"\n\n[ui]\ntheme = "nord"\ncolour = "red"\n')
    with pytest.raises(UserFileError, match=r"config\.toml:6: \[ui\] colour: unknown key$"):
        load_config(path)
    path.write_text('[[sources]]\nname = "a"\n')
    with pytest.raises(UserFileError, match=r"config\.toml:1: \[sources\[1\]\] type: missing"):
        load_config(path)
    path.write_text('[targets]\ncrisis = "soon"\n')
    with pytest.raises(UserFileError, match=r"config\.toml:2: \[targets\] crisis: expected `int`, got `str`"):
        load_config(path)
    path.write_text("[brand\n")
    with pytest.raises(UserFileError, match=r"config\.toml:1: not valid TOML"):
        load_config(path)


def test_the_cli_says_one_line_with_file_line_and_key_and_exits_2(tmp_path: Path, capsys: Any) -> None:
    user_file("lifecycle.toml", LIFECYCLE_TYPO)
    assert main(["report", "--db", str(tmp_path / "store.json")]) == 2
    err = capsys.readouterr().err
    lifecycle = paths.config_dir() / "lifecycle.toml"
    assert err.strip() == f"turnaround: {lifecycle}:5: [snooze] defualt_days: unknown key"
    triage = user_file("triage.toml", "[lexicon]\nfoo = 1.0\n\n[phrases]\nbar = 2\n")
    mentions = tmp_path / "m.jsonl"
    mentions.write_text('{"id": "1", "source": "x", "author": "@a", "text": "hi", '
                        '"created_at": "2026-11-20T10:00:00Z"}\n')
    assert main(["triage", str(mentions)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"turnaround: {triage}:5: phrases.bar: must be a table"
    config = tmp_path / "config.toml"
    config.write_text("[lifecycle]\nwalk_away_dayz = 3\n")
    assert main(["sources", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"turnaround: {config}:2: [lifecycle] walk_away_dayz: unknown key"


# -- the app: one notice, the S panel, never a crash ---------------------------------------------
async def test_a_lifecycle_typo_is_shown_once_and_in_the_sources_panel(tmp_path: Path) -> None:
    path = user_file("lifecycle.toml", LIFECYCLE_TYPO)
    app = app_with(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot, app)
        assert isinstance(app.screen, InboxScreen), "a typo in a rules file never stops the inbox"
        expected = f"{path}:5: [snooze] defualt_days: unknown key"
        [notice] = file_notices(app)
        assert expected in notice
        assert sum(expected in str(n.message) for n in app._notifications) == 1, "said once"
        assert expected in await sources_panel_text(pilot, app)
        assert app.session is not None and app.session.lifecycle.rules.default_days == 7, \
            "the shipped rules stand in for the broken file"


async def test_an_unknown_theme_in_the_config_is_said(tmp_path: Path) -> None:
    app = app_with(tmp_path, theme="nonexistent", path=tmp_path / "config.toml")
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot, app)
        [notice] = file_notices(app)
        assert "[ui] theme" in notice and "'nonexistent'" in notice
        assert "'nonexistent'" in await sources_panel_text(pilot, app)


async def test_a_bad_tone_rules_file_is_listed_not_dropped(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.ui.screens.reply

    monkeypatch.setattr(tui.ui.screens.reply, "_ENGINE", None)  # the editor's engine is per process
    rules = paths.rules_dir()
    rules.mkdir(parents=True)
    (rules / "mine.toml").write_text('[rules.sorry]\ncategory = "excuse"\nmessage = "x"\npatern = "a"\n')
    app = app_with(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot, app)
        [notice] = file_notices(app)
        assert f"{rules / 'mine.toml'}:4: rule 'sorry': patern: unknown field" in notice
        assert "patern" in await sources_panel_text(pilot, app)


async def test_no_notice_and_an_empty_list_when_every_file_is_fine(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot, app)
        assert file_notices(app) == [] and app.file_problems == []
        assert await sources_panel_text(pilot, app) == ""


# -- saved replies: one loader, one fill, three keys -----------------------------------------------
USER_TEMPLATES = """
[templates.praise-thanks]
body = "THANKS-MINE {name} from {agent}"

[templates.feedback-after-fix]
body = "FEEDBACK-MINE {name} from {agent}"

[templates.mine]
title = "AAA my own reply"
body = "CTRL-T-MINE {name} from {agent}"

[templates.broken]
title = "Broken"
bdy = "typo"
"""


def test_fill_is_one_function_and_names_strangers_safely() -> None:
    template = Template("t", "T", (), "Hi {name} ({handle}), {agent} at {brand}. {order}")
    mention = {"author": "@ann@x.social", "author_name": "Ann\x1b[31m\u202e Lee"}
    assert fill(template, mention, "Brightside", "Sam") == \
        "Hi Ann Lee (@ann@x.social), Sam at Brightside. {order}"
    greeted = {handle: values_for({"author": handle}, "B", "S")["name"]
               for handle in ("@bo@x.social", "ana.bsky.social", "ana.dev", "@sam")}
    assert greeted == {"@bo@x.social": "bo", "ana.bsky.social": "ana", "ana.dev": "ana.dev", "@sam": "sam"}, \
        "no display name: the user part of the handle, without Bluesky's own host"


async def test_ctrl_t_with_a_broken_user_file_offers_the_good_templates_filled(tmp_path: Path) -> None:
    path = user_file("templates.toml", USER_TEMPLATES)
    app = app_with(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot, app)
        [notice] = file_notices(app)
        assert f"{path}:14: template 'broken': bdy: unknown key" in notice
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReplyScreen)
        mention = app.screen.mention
        await pilot.press("ctrl+t")
        await pilot.pause(0.2)
        assert app._exception is None, app._exception
        picker = app.screen
        assert isinstance(picker, TemplatePicker)
        index = [t.id for t in picker.templates].index("mine")
        assert picker.filled(index) == f"CTRL-T-MINE {values_for(mention, 'B', 'S')['name']} from Sam"


async def test_f_loads_the_users_feedback_template_and_fills_it_the_same_way(tmp_path: Path) -> None:
    user_file("templates.toml", USER_TEMPLATES)
    app = app_with(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        assert app.session is not None
        uid = lst.uids[0]
        await pilot.press("c")
        await pilot.press("7")
        while lst.current_uid != uid:
            await pilot.press("j")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ReplyScreen)
        name = values_for(app.session.store.mention(uid) or {}, "B", "S")["name"]
        assert app.screen.query_one(DraftArea).text == f"FEEDBACK-MINE {name} from Sam"


async def test_h_loads_the_users_thanks_template_and_fills_it_the_same_way(tmp_path: Path) -> None:
    user_file("templates.toml", USER_TEMPLATES)
    praise = [make_mention(1, "Absolutely love the new oat latte, best coffee in town!",
                           author="@fan@x.social", author_name=None)]
    app = app_with(tmp_path, praise)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app, 1)
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, ReplyScreen)
        assert app.screen.query_one(DraftArea).text == "THANKS-MINE fan from Sam", \
            "no display name: the user part of the handle, as ctrl+t and f do"
