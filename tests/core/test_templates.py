"""Saved replies: shipped ones lint cleanly, placeholders render safely, user files merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.hints import HintEngine
from tui.core.templates import PLACEHOLDERS, Template, TemplateError, for_kind, load_templates
from tui.rules.config import Config
from tui.rules.datafile import UserFileError

SAMPLE = {"name": "Priya", "handle": "@priya", "brand": "Brightside", "agent": "Sam"}
SHIPPED = load_templates()


@pytest.fixture(scope="module")
def engine() -> HintEngine:
    return HintEngine.load()


def test_about_a_dozen_shipped_templates_with_unique_ids() -> None:
    assert 12 <= len(SHIPPED) <= 20
    assert len({t.id for t in SHIPPED}) == len(SHIPPED)
    assert all(t.title and t.body and t.source == "builtin" for t in SHIPPED)


def test_shipped_templates_cover_every_kind_of_mention() -> None:
    kinds = {k for t in SHIPPED for k in t.kinds}
    wanted = {"complaint", "praise", "question", "feedback-request", "thanks", "public-statement"}
    assert wanted <= kinds


def test_shipped_templates_read_well_with_no_brand_configured() -> None:
    """With no `[brand]` in the config the brand is "our brand": a reply must not say "the whole
    our brand team" or "some our brand customers" (it did, for real imports with no config)."""
    defaults = Config()
    for template in SHIPPED:
        text = template.render(name="Priya", handle="@priya", brand=defaults.brand, agent=defaults.agent)
        assert "our brand" not in text.replace(f"– {defaults.agent}, {defaults.brand}", ""), template.id


def test_shipped_templates_use_only_known_placeholders() -> None:
    for template in SHIPPED:
        assert set(template.placeholders) <= set(PLACEHOLDERS), template.id
        rendered = template.render(**SAMPLE)
        assert "{" not in rendered and "}" not in rendered, template.id


@pytest.mark.parametrize("template", SHIPPED, ids=lambda t: t.id)
def test_every_shipped_template_lints_cleanly(engine: HintEngine, template: Template) -> None:
    assert engine.check(template.body) == []
    rendered = template.render(**SAMPLE)
    for platform in ("x", "bluesky", "mastodon", None):
        assert engine.check(rendered, platform) == [], (template.id, platform)
    assert engine.score(rendered) == 100


def test_render_fills_known_and_keeps_unknown_visible() -> None:
    template = Template("t", "T", (), "Hi {name}, {agent} here about {order}.")
    assert template.render(name="Jo", agent="Sam") == "Hi Jo, Sam here about {order}."
    assert template.render() == "Hi {name}, {agent} here about {order}."
    assert template.render(name=None, agent="Sam") == "Hi {name}, Sam here about {order}."
    assert template.placeholders == ("name", "agent", "order")


@pytest.mark.parametrize(
    "value",
    ["{agent}", "}{", "{", "{0}", "{name!r}", "\\1", "\\g<0>", "%s", "$name", "{{brand}}"],
)
def test_values_are_inserted_literally(value: str) -> None:
    template = Template("t", "T", (), "Hi {name}, from {agent} at {brand}.")
    assert template.render(name=value, agent="Sam", brand="B") == f"Hi {value}, from Sam at B."


def test_stray_braces_in_the_body_never_crash() -> None:
    template = Template("t", "T", (), "Use {curly} or { spaced } or {} or {1} or {name")
    assert template.render(name="x", curly="c") == "Use c or { spaced } or {} or {1} or {name"


def test_non_string_values_are_rendered() -> None:
    template = Template("t", "T", (), "Order {order}: {count} items")
    assert template.render(order=1234, count=2) == "Order 1234: 2 items"


def test_for_kind_puts_matching_templates_first() -> None:
    ordered = for_kind(SHIPPED, "praise")
    matching = [t for t in SHIPPED if "praise" in t.kinds]
    assert ordered[: len(matching)] == matching
    assert len(ordered) == len(SHIPPED)
    assert for_kind(SHIPPED, None) == SHIPPED
    assert Template("t", "T", (), "b").suits("praise")
    assert not Template("t", "T", ("complaint",), "b").suits("praise")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_user_templates_add_override_and_disable(tmp_path: Path) -> None:
    user = write(
        tmp_path / "templates.toml",
        """
[templates.house-hello]
title = "House hello"
kinds = ["question"]
body = "Hey {name}! {agent} from {brand} here, how can I help?"

[templates.praise-thanks]
title = "Our own thank-you"

[templates.complaint-refunded]
enabled = false
""",
    )
    templates = {t.id: t for t in load_templates(user)}
    assert templates["house-hello"].source == str(user)
    assert templates["house-hello"].render(name="Jo", agent="Sam", brand="B") == (
        "Hey Jo! Sam from B here, how can I help?"
    )
    assert templates["praise-thanks"].title == "Our own thank-you"
    shipped = {t.id: t for t in SHIPPED}
    assert templates["praise-thanks"].body == shipped["praise-thanks"].body
    assert "complaint-refunded" not in templates
    assert len(templates) == len(SHIPPED)


def test_missing_user_file_gives_shipped_templates(tmp_path: Path) -> None:
    assert load_templates(tmp_path / "none.toml") == SHIPPED
    assert load_templates(None) == SHIPPED


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[templates.x]\ntitle = "T"\n', "body"),
        ('[templates.x]\nbody = "B"\n', "title"),
        ('[templates.x]\ntitle = "T"\nbody = "B"\nkinds = "praise"\n', "kinds"),
        ('[templates.x]\ntitle = "T"\nbody = "B"\nbdy = "oops"\n', "bdy"),
        ('[templates.x]\ntitle = "T"\nbody = ""\n', "body"),
    ],
)
def test_broken_user_templates_name_file_template_and_field(tmp_path: Path, text: str, field: str) -> None:
    user = write(tmp_path / "templates.toml", text)
    with pytest.raises(TemplateError) as caught:
        load_templates(user)
    message = str(caught.value)
    assert str(user) in message and "'x'" in message and field in message
    errors: list[str] = []
    assert load_templates(user, errors) == SHIPPED
    assert len(errors) == 1 and field in errors[0]


def test_broken_toml_is_reported_and_good_templates_survive(tmp_path: Path) -> None:
    user = write(tmp_path / "templates.toml", "[templates.x\n")
    with pytest.raises(UserFileError, match=r"templates\.toml:1: not valid TOML"):
        load_templates(user)
    errors: list[str] = []
    assert load_templates(user, errors) == SHIPPED and errors
    mixed = write(
        tmp_path / "mixed.toml",
        '[templates.bad]\ntitle = "T"\n\n[templates.good]\ntitle = "G"\nbody = "Thanks {name}!"\n',
    )
    errors = []
    ids = [t.id for t in load_templates(mixed, errors)]
    assert "good" in ids and "bad" not in ids and len(errors) == 1


def test_a_name_is_posted_as_written_emoji_and_all() -> None:
    """The thanks greet a name as its owner wrote it: skin tones and variation selectors, which the
    screen drops so Rich and tmux agree on widths, stay in what is posted; controls never do."""
    from tui.core.templates import values_for
    name = "Anna ❤️ 👋🏽\x1b[31m\u202e"
    assert values_for({"author": "@anna", "author_name": name}, "B", "S")["name"] == "Anna ❤️ 👋🏽"
