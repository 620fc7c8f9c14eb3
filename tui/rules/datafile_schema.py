"""One schema and one loader for every user-editable file (config, rules, templates, themes).

Each file's shape is a msgspec `Struct` with `forbid_unknown_fields` (see tui/rules/datafile_models.py), so a
typo is always an error naming the file, the line (when we can find it) and the key:
`lifecycle.toml:12: [snooze] defualt_days: unknown key`. Every problem is a `UserFileError`.

Merge policy (one for every file that has a shipped twin): the user's file is merged over the
shipped one with `merge`: tables merge key by key, lists EXTEND the shipped list, any other value
REPLACES the shipped one. The merged result is then checked against the schema, so a user file may
set only the few keys it changes, and a key the schema does not know is refused. (One exception,
kept by tui/storage/archive.py: `[archive] states` replaces the shipped list, so a user can narrow it.)

Why msgspec and not pydantic: measured on this machine (2 cores, Python 3.11), what each adds to
`turnaround lint`'s imports (`import tui.cli.command, tui.core.lint, tui.core.hints`, median of 9 fresh
interpreters, two rounds): msgspec +10 ms and +7 ms (138 -> 149, 121 -> 129 ms); pydantic +197 ms and +134 ms
(-> 336, 255 ms). A fresh interpreter that imports the library, defines one strict model and
validates one dict (median of 7): bare 24 ms, msgspec 88 ms, pydantic 291 ms. msgspec's own import
is mostly `typing`/`inspect`, which the app imports anyway; it also
pulls in typing_extensions and decimal (10-30 ms under load), so neither `turnaround lint` on a draft
nor `turnaround triage` imports this module: tui/rules/datafile.py (the error class, which hints.py and
triage.py import) is light, and config, reviews and corrections import the schema where they read a
file.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from tui.rules.datafile import UserFileError, line_of

T = TypeVar("T")


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """`text` decoded; bad TOML is a `UserFileError` with the parser's line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise UserFileError(source, problem=f"not valid TOML: {problem}",
                            line=int(match.group(1)) if match else None) from None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """A user file's table and its text (the text is kept to find a bad key's line)."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as error:
        raise UserFileError(str(path), problem=f"cannot read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise UserFileError(str(path), problem=f"not UTF-8 text ({error.reason})") from None
    return parse_toml(text, str(path)), text


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """The one merge policy: tables merge key by key, lists extend, other values replace."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = [*out[key], *value]
        else:
            out[key] = value
    return out


_AT = re.compile(r"^(?P<problem>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<key>[^`]*)`")
_MISSING = re.compile(r"Object missing required field `(?P<key>[^`]*)`")


def _split(path: str) -> tuple[str, str | None]:
    """msgspec's `.a.b[2].c` as a TOML table and key: ("a.b[2]", "c")."""
    parts = path.lstrip(".").split(".") if path else []
    if not parts:
        return "", None
    return ".".join(parts[:-1]), parts[-1]


def check(data: Any, model: type[T], source: str, text: str | None = None, *,
          prefix: str = "") -> T:
    """`data` as `model`, or a `UserFileError` naming the file, line, table and key at fault.

    `prefix` is the table `data` came from (for a file checked piece by piece).
    """
    try:
        return msgspec.convert(data, model, strict=True)
    except msgspec.ValidationError as error:
        raise as_user_error(error, source, text, prefix=prefix) from None


def as_user_error(error: msgspec.ValidationError, source: str, text: str | None = None, *,
                  prefix: str = "") -> UserFileError:
    """msgspec's message ("Object contains unknown field `x` - at `$.a`") in our words."""
    found = _AT.match(str(error))
    assert found is not None  # the pattern matches any text
    problem, path = found.group("problem"), found.group("path") or ""
    if prefix:
        path = f".{prefix}{path}"
    table, key = _split(path)
    if (unknown := _UNKNOWN.match(problem)) or (missing := _MISSING.match(problem)):
        table = ".".join(part for part in (table, key) if part) if path else ""
        key = (unknown or missing).group("key")  # type: ignore[union-attr]
        problem = "unknown key" if unknown else "missing"
    problem = problem.replace("Expected", "expected")
    return UserFileError(source, None, key, problem, line=line_of(text, table, key), table=table or None)


def forbid(data: dict[str, Any], known: set[str] | frozenset[str], source: str, text: str | None = None,
           table: str = "") -> None:
    """Refuse keys outside `known` in a table checked by hand (a free-form table's neighbours)."""
    for key in data:
        if key not in known:
            raise UserFileError(source, None, key, "unknown key", line=line_of(text, table, key),
                                table=table or None)
