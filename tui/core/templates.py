"""Saved replies with placeholders, shipped in `tui/rules/data/templates.toml` and merged with the user's.

Rendering is one regex pass over the template: values are inserted literally and never scanned
again, so a name like "{agent}" or "}{" in a value cannot expand or break anything, and a
placeholder with no value stays visible as `{x}` for the agent to fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from tui.core.model import Mention
from tui.core.sanitize import clean
from tui.rules.datafile import DataFileError, UserFileError, line_of
from tui.rules.datafile_models import TemplateEntry
from tui.rules.datafile_schema import as_user_error, merge, parse_toml, read_toml
from tui.storage import paths

PLACEHOLDERS = ("name", "handle", "brand", "agent")
FIELDS = frozenset(TemplateEntry.__struct_fields__)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class TemplateError(DataFileError):
    """A saved reply that cannot be used; the message names the file, the template and the field."""

    entry_kind = "template"

    @property
    def template(self) -> str | None:
        return self.entry


@dataclass(frozen=True, slots=True)
class Template:
    """One saved reply. `kinds` are the mention kinds it suits (empty: any)."""

    id: str
    title: str
    kinds: tuple[str, ...]
    body: str
    source: str = "builtin"

    def render(self, **values: object) -> str:
        """The body with known placeholders filled; unknown or None ones stay visible."""

        def fill(match: re.Match[str]) -> str:
            value = values.get(match.group(1))
            return match.group(0) if value is None else str(value)

        return _PLACEHOLDER.sub(fill, self.body)

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder names in the body, in order of first use."""
        return tuple(dict.fromkeys(_PLACEHOLDER.findall(self.body)))

    def suits(self, kind: str | None) -> bool:
        return not self.kinds or (kind is not None and kind in self.kinds)


def unfilled(text: str) -> tuple[str, ...]:
    """Placeholders still in a draft, in order: a reply with one of these must not be sent."""
    return tuple(dict.fromkeys(_PLACEHOLDER.findall(text)))


def for_kind(templates: list[Template], kind: str | None) -> list[Template]:
    """Templates that suit `kind` first, then the rest, each group in its original order."""
    return sorted(templates, key=lambda t: not (kind is not None and kind in t.kinds))


def values_for(mention: Mention, brand: str, agent: str) -> dict[str, str]:
    """What the placeholders mean for one mention: the one fill every key (f, h, ctrl+t) uses.

    `{name}` is the author's display name, else the user part of their handle (see `_handle_name`);
    mention fields come from strangers, so control and bidi characters are stripped and lines folded.
    """
    handle = _folded(str(mention.get("author") or ""))
    name = _folded(str(mention.get("author_name") or "")) or _handle_name(handle)
    return {"name": name, "handle": handle, "brand": brand, "agent": agent}


def _folded(value: str, limit: int = 120) -> str:
    """A stranger's name on one line, cleaned, emoji kept as written: it is posted, not drawn (a
    terminal's `one_line` drops the skin tones and variation selectors Rich and tmux measure apart)."""
    text = " ".join(clean(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _handle_name(handle: str) -> str:
    """What to greet someone by who shows no display name: "Hi bo", not "Hi bo@x.social".

    A Mastodon handle's user part ("@bo@x.social" -> "bo"), a handle on Bluesky's own host without
    the host ("ana.bsky.social" -> "ana"); a custom-domain handle ("ana.dev") is who they chose to be.
    """
    user = handle.lstrip("@").partition("@")[0]
    return user.removesuffix(".bsky.social") or user


def fill(template: Template, mention: Mention, brand: str, agent: str) -> str:
    """`template`'s body filled for `mention` (see `values_for`)."""
    return template.render(**values_for(mention, brand, agent))


def _validate(template_id: str, fields: Any, earlier: dict[str, Any] | None, source: str,
              text: str | None) -> dict[str, Any]:
    """One template merged over the earlier one of that id (one merge policy: tui.rules.datafile.merge,
    so `kinds` extends the shipped list) and checked against `TemplateEntry`."""
    if not isinstance(fields, dict):
        raise TemplateError(source, template_id, None, "must be a table")
    merged = merge(earlier or {}, fields)
    try:
        entry = msgspec.convert(merged, TemplateEntry, strict=True)
    except msgspec.ValidationError as error:
        found = as_user_error(error, source, text, prefix=f"templates.{template_id}")
        raise TemplateError(source, template_id, found.field, found.problem, line=found.line) from None
    if not entry.enabled:
        return merged
    for name in ("title", "body"):
        value = getattr(entry, name)
        if value is None or not value.strip():
            raise TemplateError(source, template_id, name, "must be a non-empty string",
                                line=line_of(text, f"templates.{template_id}", name))
    if not all(entry.kinds):
        raise TemplateError(source, template_id, "kinds", "must be a list of non-empty strings",
                            line=line_of(text, f"templates.{template_id}", "kinds"))
    return merged


def _merge(
    table: dict[str, dict[str, Any]],
    sources: dict[str, str],
    data: dict[str, Any],
    source: str,
    errors: list[str] | None,
    text: str | None = None,
) -> None:
    templates = data.get("templates", {})
    problems: list[UserFileError] = []
    if not isinstance(templates, dict):
        problems.append(TemplateError(source, None, "templates", "must be a table of templates"))
        templates = {}
    for key in data:
        if key != "templates":
            problems.append(UserFileError(source, None, key, "unknown key", line=line_of(text, "", key)))
    for template_id, fields in templates.items():
        try:
            table[template_id] = _validate(template_id, fields, table.get(template_id), source, text)
            sources[template_id] = source
        except TemplateError as error:
            problems.append(error)
    for problem in problems:
        if errors is None:
            raise problem
        errors.append(str(problem))


def load_templates(user_file: Path | None = None, errors: list[str] | None = None) -> list[Template]:
    """Shipped templates merged with `user_file` (missing file: shipped ones only).

    With an `errors` list, problems in the user file are appended there and every valid template
    still loads; without one, the first problem raises a `UserFileError` (`TemplateError`).
    """
    table: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    text = resources.files("tui.rules").joinpath("data/templates.toml").read_text(encoding="utf-8")
    _merge(table, sources, parse_toml(text, "tui/rules/data/templates.toml"), "builtin", None)
    if user_file is not None and Path(user_file).is_file():
        try:
            data, user_text = read_toml(Path(user_file))
        except UserFileError as problem:
            if errors is None:
                raise
            errors.append(str(problem))
            data, user_text = {}, None
        _merge(table, sources, data, str(user_file), errors, user_text)
    return [
        Template(
            id=template_id,
            title=fields["title"],
            kinds=tuple(fields.get("kinds", ())),
            body=fields["body"],
            source=sources[template_id],
        )
        for template_id, fields in table.items()
        if fields.get("enabled", True) is not False and "body" in fields
    ]


def saved_replies(errors: list[str] | None = None) -> list[Template]:
    """What `f`, `h` and `ctrl+t` offer: the shipped templates with the user's templates.toml merged
    over them. Never raises: a problem in the user's file goes to `errors` (the app lists those once
    at start) and every valid template still loads."""
    user = paths.templates_file()
    return load_templates(user if user.exists() else None, errors if errors is not None else [])
