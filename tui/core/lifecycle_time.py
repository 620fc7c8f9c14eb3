"""When: snooze times from presets or free text ("2h", "tomorrow 9am"), read in the agent's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from tui.core.lifecycle_rules import Rules, default_rules


class WhenError(ValueError):
    """A snooze time that cannot be read, or that has already passed; the message says which."""


def _tz_of(now: datetime) -> tzinfo:
    return now.tzinfo or UTC


def dateparse(phrase: str, now: datetime) -> datetime | None:
    """dateparser, preferring the future, relative to `now` and in `now`'s zone."""
    import dateparser  # lazy: ~100 ms to import, and only a snooze or a promise needs it

    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    # dateparser reads wall-clock times in the zone of its base most reliably when the base is
    # naive: give it `now` as local wall time, then put `now`'s zone back on an unzoned answer
    # (a zone named in the text is kept, then converted).
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",
    }
    when = dateparser.parse(phrase, languages=["en"], settings=settings)
    if when is None:
        return None
    if when.utcoffset() == timedelta(0):
        return when.replace(tzinfo=_tz_of(now))
    return when.astimezone(_tz_of(now))


def read_when(text: str, now: datetime, rules: Rules | None = None) -> datetime:
    """A snooze time from a preset or free text ("2h", "tomorrow 9am", "in 3 days", "next monday"),
    read relative to `now` and in `now`'s time zone. Raises WhenError saying what was wrong."""
    rules = rules or default_rules()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    phrase = " ".join(text.strip().lower().split())
    if not phrase:
        raise WhenError("no time given: try 30m, 2h, tomorrow 9am, next monday or in 3 days")
    for preset in rules.presets:
        if phrase in (preset.get("key", "").lower(), preset.get("label", "").lower()):
            phrase = preset["when"]
            break
    short = re.fullmatch(r"(in\s+)?(\d+)\s*([a-z]+)", phrase)
    if short and short.group(3) in rules.short_units:
        phrase = f"in {short.group(2)} {rules.short_units[short.group(3)]}"
    when = dateparse(phrase, now)
    if when is None:
        raise WhenError(f"could not read a time from {text.strip()!r}: "
                        "try 30m, 2h, tomorrow 9am, next monday or in 3 days")
    if when <= now:
        raise WhenError(f"{text.strip()!r} is {when:%a %d %b %H:%M}, which has already passed")
    return when


def parse_when(text: str, now: datetime, rules: Rules | None = None) -> datetime | None:
    """`read_when`, or None when the text is not a future time."""
    try:
        return read_when(text, now, rules)
    except WhenError:
        return None


def iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")
