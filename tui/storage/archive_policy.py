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
"""States that are open work: never archived, whatever a rules file says (an open mention set
aside in the `muted` view is no one's work: `ArchivePolicy.set_aside` says whether it moves)."""

SET_ASIDE_QUEUE = "muted"
"""The queue of an open mention no one will answer: a muted author's, or one not about us."""


class ArchiveError(ValueError):
    """A bad `[archive]` table or an unreadable archive file; the message names which."""


@dataclass(frozen=True, slots=True)
class ArchivePolicy:
    """Which threads move: all their mentions in `states`, settled longer ago than `after`.

    With `set_aside`, an open mention in the `muted` view (a muted author's, or one that names
    only a `[brand] exclude` phrase; never a crisis) counts as settled when it arrived: no one
    will answer it, and a song that shares our name would otherwise fill the store for ever."""

    after: timedelta
    states: frozenset[str]
    set_aside: bool = False


def policy_from(data: dict[str, Any], where: str) -> ArchivePolicy:
    """The policy in a parsed lifecycle.toml; a missing or bad value raises naming `where` and the key."""
    table = data.get("archive")
    if not isinstance(table, dict):
        raise ArchiveError(f"{where}: missing table [archive]")
    set_aside = table.get("set_aside", False)
    if not isinstance(set_aside, bool):
        raise ArchiveError(f"{where}: archive.set_aside must be true or false, got {set_aside!r}")
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
    return ArchivePolicy(timedelta(days=days), states, set_aside)


def packaged_rules_text() -> str:
    return resources.files("tui.rules").joinpath("data/lifecycle.toml").read_text("utf-8")


@functools.cache
def default_policy() -> ArchivePolicy:
    """The packaged policy alone (tests, benchmarks, and a user with no lifecycle.toml)."""
    return policy_from(tomllib.loads(packaged_rules_text()), "tui/rules/data/lifecycle.toml")
