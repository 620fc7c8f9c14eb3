"""The contract every source keeps.

A source is an async iterator of `Item`s. An item carries either a raw mention (a dict in, or converted
to, the canonical shape; the pipeline validates it), a problem with one input record, or a deletion;
and, optionally, the cursor to persist once the item is stored, so a restart resumes where it stopped.
Sources report their health (last success, last error, next try) through `SourceHealth`.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.storage.jsonio import SURROGATE_WARNING
from tui.storage.records import Mention

NO_CURSOR: Any = object()
"""Marks an item that does not move the cursor."""


@dataclass(slots=True)
class Item:
    data: dict[str, Any] | None = None
    problem: str | None = None
    line: int | None = None
    deleted_id: str | None = None
    cursor: Any = NO_CURSOR


@dataclass(slots=True)
class SourceHealth:
    """What `turnaround sources` and the source panel show."""

    last_success: str | None = None
    last_error: str | None = None
    next_try: str | None = None
    healthy: bool = True
    warnings: list[str] = field(default_factory=list)
    listeners: list[Callable[[str, str], None]] = field(default_factory=list, repr=False, compare=False)
    """Called with ("error", reason) on each failure and ("warning", text) on each new warning, so
    `turnaround collect` can print them as they happen."""
    _warned: set[str] = field(default_factory=set, repr=False, compare=False)

    def ok(self) -> None:
        self.last_success = datetime.now(UTC).isoformat(timespec="seconds")
        self.healthy = True
        self.next_try = None

    def fail(self, reason: str, retry_in: float | None = None) -> None:
        self.last_error = f"{datetime.now(UTC).isoformat(timespec='seconds')} {reason}"
        self.healthy = False
        if retry_in is not None:
            when = datetime.now(UTC) + timedelta(seconds=retry_in)
            self.next_try = when.isoformat(timespec="seconds")
        for listener in self.listeners:
            listener("error", reason)

    def warn_once(self, text: str) -> None:
        """A warning said once per source, however often it recurs (sources may reset `warnings`)."""
        if text in self._warned:
            return
        self._warned.add(text)
        self.warnings.append(text)
        for listener in self.listeners:
            listener("warning", text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "last_success": self.last_success,
            "last_error": self.last_error,
            "next_try": self.next_try,
            "healthy": self.healthy,
        }


class Source:
    """Base class: subclasses set `platform` and implement `items()`."""

    platform = "generic"
    can_reply = False

    def __init__(self, name: str) -> None:
        self.name = name
        self.health = SourceHealth()

    def items(self, cursor: Any) -> AsyncIterator[Item]:
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release connections; called once when the pipeline stops."""

    def reply_prefix(self, in_reply_to: Mention, text: str) -> str:
        """What `post_reply` will put before `text` (Mastodon: the author's @handle when the
        reply does not name them), so the editor counts the reply as the platform will."""
        return ""

    def note_lone_surrogate(self) -> None:
        """A record held a lone surrogate escape and was kept with U+FFFD: say so, once."""
        self.health.warn_once(SURROGATE_WARNING)


def backoff(attempt: int, *, base: float = 1.0, cap: float = 300.0) -> float:
    """Exponential backoff with full jitter: spreads reconnects so a fleet does not stampede."""
    return random.uniform(0, min(cap, base * 2**attempt))
