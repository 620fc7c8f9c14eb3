"""The error a user's data file (rules, templates) gets: it names the file, the entry and the field."""

from __future__ import annotations


class DataFileError(ValueError):
    """One unusable entry in a data file; `entry_kind` says what the entries are ("rule", ...)."""

    entry_kind = "entry"

    def __init__(self, source: str, entry: str | None, field_name: str | None, problem: str):
        self.source, self.entry, self.field = source, entry, field_name
        where = source
        if entry:
            where += f": {self.entry_kind} {entry!r}"
        if field_name:
            where += f": {field_name}"
        super().__init__(f"{where}: {problem}")
