"""Which settled threads move to the archive: the `[archive]` table of lifecycle.toml, parsed.

Storage reads only the packaged table (`default_policy`); a user's lifecycle.toml merged over it is
the lifecycle rules' business (`tui/core/lifecycle_archive.py`), which hands the result to the store.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import Any

OPEN_WORK_STATES = ("open", "replied", "escalated", "snoozed", "walked-away", "feedback-requested")
"""States that are open work: never archived, whatever a rules file says."""


class ArchiveError(ValueError):
    """A bad `[archive]` table or an unreadable archive file; the message names which."""


@dataclass(frozen=True, slots=True)
class ArchivePolicy:
    """Which threads move: all their mentions in `states`, settled longer ago than `after`."""

    after: timedelta
    states: frozenset[str]


def policy_from(data: dict[str, Any], where: str) -> ArchivePolicy:
    """The policy in a parsed lifecycle.toml; a missing or bad value raises naming `where` and the key."""
    table = data.get("archive")
    if not isinstance(table, dict):
        raise ArchiveError(f"{where}: missing table [archive]")
    try:
        days = float(table["after_days"])
        states = frozenset(str(s) for s in table["states"])
    except KeyError as error:
        raise ArchiveError(f"{where}: archive.{error.args[0]} is missing") from None
    except (TypeError, ValueError):
        raise ArchiveError(f"{where}: archive.after_days must be a number of days and "
                           "archive.states a list of states") from None
    if days < 0:
        raise ArchiveError(f"{where}: archive.after_days must not be negative, got {days:g}")
    for live in OPEN_WORK_STATES:
        if live in states:
            raise ArchiveError(f"{where}: archive.states: {live!r} is open work, it cannot be archived")
    return ArchivePolicy(timedelta(days=days), states)


def packaged_rules_text() -> str:
    return resources.files("tui.rules").joinpath("data/lifecycle.toml").read_text("utf-8")


@functools.cache
def default_policy() -> ArchivePolicy:
    """The packaged policy alone (tests, benchmarks, and a user with no lifecycle.toml)."""
    return policy_from(tomllib.loads(packaged_rules_text()), "tui/rules/data/lifecycle.toml")
