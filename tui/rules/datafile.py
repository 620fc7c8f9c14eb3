"""The one error for every user-editable file (config, rules, templates, themes): `UserFileError`
names the file, the line when known, the table or entry and the key:
`lifecycle.toml:12: [snooze] defualt_days: unknown key`.

Light on purpose (only `re`): `turnaround lint` imports it on its cached path. The schema itself
(msgspec structs, the loader and the one merge policy) is in tui/rules/datafile_schema.py.
"""

from __future__ import annotations

import re


class UserFileError(ValueError):
    """A problem with a user-editable file: names the file, the line if known, the table or entry,
    and the key. The one error class for every data file and the config."""

    entry_kind = "entry"
    """What `entry` names in the message ("rule", "template"): set by the labelled subclasses."""

    def __init__(self, source: str, entry: str | None = None, field_name: str | None = None,
                 problem: str = "", *, line: int | None = None, table: str | None = None) -> None:
        self.source, self.entry, self.field, self.line, self.table = source, entry, field_name, line, table
        self.problem = problem
        where = f"{source}:{line}" if line else source
        if table:
            where += f": [{table}]"
        if entry:
            where += f": {self.entry_kind} {entry!r}"
        if field_name:
            where += f" {field_name}" if table and not entry else f": {field_name}"
        super().__init__(f"{where}: {problem}" if problem else where)


DataFileError = UserFileError
"""The older name (rules and templates)."""


def line_of(text: str | None, table: str, key: str | None) -> int | None:
    """The line that sets `key` in `[table]`: a best effort (tomllib keeps no positions)."""
    if not text or not key:
        return None
    plain = re.sub(r"\[\d+\]", "", table)
    current = ""
    key_line = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
    for number, line in enumerate(text.splitlines(), 1):
        found = header.match(line)
        if found:
            current = found.group(1).replace('"', "").replace("'", "")
            if current == (f"{plain}.{key}" if plain else key):
                return number  # the key is a table of its own
            continue
        if current == plain and key_line.match(line):
            return number
    return None




def located(error: UserFileError, text: str | None, entries: str = "") -> UserFileError:
    """`error` with its line found in `text` (the file it names), when it has none yet. `entries`
    is the table that holds named entries (`rules` in a tone-rule file, so rule 'x' is [rules.x])."""
    if error.line or not text or not error.field:
        return error
    table, key, field_name = error.table or "", error.field, error.field
    if error.entry:
        table = f"{entries}.{error.entry}" if entries else error.entry
    elif not table and "." in key:  # "shouting.loud_words": found as loud_words in [shouting]
        table, key = key.rsplit(".", 1)
    line = line_of(text, table, key)
    if line is None:
        return error
    found = type(error).__new__(type(error))  # the same class (a labelled one keeps its label)
    found.__dict__.update(error.__dict__)
    UserFileError.__init__(found, error.source, error.entry, field_name, error.problem, line=line,
                           table=error.table)
    return found
