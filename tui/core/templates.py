"""Saved replies with placeholders, shipped in `tui/rules/data/templates.toml` and merged with the user's.

Rendering is one regex pass over the template: values are inserted literally and never scanned
again, so a name like "{agent}" or "}{" in a value cannot expand or break anything, and a
placeholder with no value stays visible as `{x}` for the agent to fill in.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tui.rules.datafile import DataFileError

PLACEHOLDERS = ("name", "handle", "brand", "agent")
FIELDS = frozenset({"title", "kinds", "body", "enabled"})
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


def _validate(template_id: str, fields: Any, earlier: dict[str, Any] | None, source: str) -> dict[str, Any]:
    if not isinstance(fields, dict):
        raise TemplateError(source, template_id, None, "must be a table")
    unknown = sorted(set(fields) - FIELDS)
    if unknown:
        raise TemplateError(source, template_id, unknown[0], "unknown field")
    merged = {**(earlier or {}), **fields}
    if "enabled" in merged and not isinstance(merged["enabled"], bool):
        raise TemplateError(source, template_id, "enabled", "must be true or false")
    if merged.get("enabled", True) is False:
        return merged
    for name in ("title", "body"):
        value = merged.get(name)
        if not isinstance(value, str) or not value.strip():
            raise TemplateError(source, template_id, name, "must be a non-empty string")
    kinds = merged.get("kinds", [])
    if not isinstance(kinds, list) or not all(isinstance(k, str) and k for k in kinds):
        raise TemplateError(source, template_id, "kinds", "must be a list of strings")
    return merged


def _merge(
    table: dict[str, dict[str, Any]],
    sources: dict[str, str],
    data: dict[str, Any],
    source: str,
    errors: list[str] | None,
) -> None:
    templates = data.get("templates", {})
    problems: list[TemplateError] = []
    if not isinstance(templates, dict):
        problems.append(TemplateError(source, None, "templates", "must be a table of templates"))
        templates = {}
    for key in data:
        if key != "templates":
            problems.append(TemplateError(source, None, key, "unknown section"))
    for template_id, fields in templates.items():
        try:
            table[template_id] = _validate(template_id, fields, table.get(template_id), source)
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
    still loads; without one, the first problem raises `TemplateError`.
    """
    table: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    text = resources.files("tui.rules").joinpath("data/templates.toml").read_text(encoding="utf-8")
    _merge(table, sources, tomllib.loads(text), "builtin", None)
    if user_file is not None and Path(user_file).is_file():
        try:
            with Path(user_file).open("rb") as handle:
                data = tomllib.load(handle)
        except (tomllib.TOMLDecodeError, OSError) as error:
            problem = TemplateError(str(user_file), None, None, f"cannot load: {error}")
            if errors is None:
                raise problem from None
            errors.append(str(problem))
            data = {}
        _merge(table, sources, data, str(user_file), errors)
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
