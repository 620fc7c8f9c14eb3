"""The archive policy a user gets: the packaged `[archive]` table with their lifecycle.toml over it.

Merging a user's rules file is the lifecycle rules' job, so it lives here rather than in storage;
the session (and `turnaround archive`) pass the result to the store.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tui.core.lifecycle import RulesError, _merge, _read_toml, user_rules_file
from tui.storage.archive_policy import (
    ArchiveError,
    ArchivePolicy,
    default_policy,
    packaged_rules_text,
    policy_from,
)


def load_policy(user: Path | None = None) -> ArchivePolicy:
    """The packaged `[archive]` table with the user's lifecycle.toml merged over it."""
    user = user if user is not None else user_rules_file()
    if not user.exists():
        return default_policy()
    try:
        mine = _read_toml(user)
    except RulesError as error:
        raise ArchiveError(str(error)) from None
    merged = _merge(tomllib.loads(packaged_rules_text()), mine)
    # States replace rather than extend: a user narrowing the list must be able to.
    over = mine.get("archive", {})
    if isinstance(over, dict) and "states" in over:
        merged["archive"]["states"] = over["states"]
    return policy_from(merged, str(user))
