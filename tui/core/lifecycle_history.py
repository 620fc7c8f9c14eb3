"""A thread's history as text: one plain line per event for the thread view, e.g. "10:42 me
escalated to billing: 'double charge'". The verbs are data (`[describe]` in lifecycle.toml)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from tui.core.model import Event, maybe_time
from tui.core.sanitize import clean, one_line


class Blank(dict[str, str]):
    """format_map that leaves an unknown field as a question mark rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def verb(event: Event, verbs: Mapping[str, str], zoned: Callable[[datetime], datetime]) -> str:
    """What an event did, in the history's words ("escalated to billing", "marked it done")."""
    action = str(event.get("action", ""))
    details = dict(event.get("details") or {})
    values = Blank({k: one_line(clean(str(v)), 60) for k, v in details.items() if v is not None})
    values.setdefault("team", one_line(clean(str(details.get("to") or "?")), 60))
    if event.get("undid"):
        values["undid"] = str(event["undid"])
    for key in ("until",):
        when = maybe_time(details.get(key))
        if when is not None:
            values[key] = zoned(when).strftime("%a %d %b %H:%M")
    return verbs.get(action, action.replace("-", " ")).format_map(values)


def describe(event: Event, verbs: Mapping[str, str], zoned: Callable[[datetime], datetime],
             today: date) -> str:
    """One plain-text line for an event (`zoned` puts a time in the agent's zone; `today` there
    decides whether the date is shown, and the year when it is not this one: a reply imported
    from 2017 is not "26 Nov" of this year). Plain text: show it as such, never as markup."""
    did = verb(event, verbs, zoned)
    at = maybe_time(event.get("at"))
    stamp = ""
    if at is not None:
        at = zoned(at)
        stamp = at.strftime("%H:%M") if at.date() == today else at.strftime(
            "%d %b %H:%M" if at.year == today.year else "%d %b %Y %H:%M")
    who = one_line(clean(str(event.get("who") or "?")), 40)
    line = f"{stamp} {who} {did}".strip()
    why = str(event.get("why") or "")
    if not why and event.get("action") == "reply":
        why = str((event.get("details") or {}).get("text") or "")
    if why:
        line += f": '{one_line(clean(why), 80)}'"
    if event.get("undone"):
        line += " (undone)"
    return line
