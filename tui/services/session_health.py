"""Source health, computed once for every reader: the `S` panel and `turnaround sources`.

A source's row comes from the live `SourceHealth` when this process runs it, else from what the
last process that ran it saved in the store (the pipeline saves it on every failure and at each
cursor), so a failure the inbox saw is what `turnaround sources` shows. Every configured
`[[sources]]` table gets a row, also one we could not start (an unset secret, a missing key): its
state is "not started" and its error says why, instead of the source silently missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.core.model import parse_time
from tui.sources.base import Source
from tui.sources.registry import SourceSpecError, from_config, source_name

STATES = ("ok", "failing", "never", "not started")


def parse_stamp(stamp: str | None) -> datetime | None:
    """A saved time, or None when there is none or it is unreadable (a panel never fails on it)."""
    if not stamp:
        return None
    try:
        return parse_time(stamp)
    except (TypeError, ValueError):
        return None


def split_error(last_error: str | None) -> tuple[datetime | None, str]:
    """`SourceHealth.fail` stores "TIMESTAMP reason": the time and the reason, apart."""
    if not last_error:
        return None, ""
    stamp, _, reason = last_error.partition(" ")
    when = parse_stamp(stamp)
    return (when, reason) if when is not None else (None, last_error)


def error_reason(last_error: str | None) -> str:
    """The reason alone, without the time it happened."""
    return split_error(last_error)[1]


@dataclass(frozen=True)
class SourceStatus:
    """One source's row: what it is and how it does. `last_error` is "TIMESTAMP reason" as
    `SourceHealth.fail` writes it, or the bare reason a source could not start."""

    name: str
    platform: str
    state: str
    healthy: bool = True
    last_success: str | None = None
    last_error: str | None = None
    next_try: str | None = None
    warnings: tuple[str, ...] = ()
    delivered: int = 0
    started: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def health_state(healthy: bool, last_success: str | None, delivered: int = 0) -> str:
    """ok / failing / never: "never" is a source that has neither worked nor failed yet."""
    if not healthy:
        return "failing"
    if last_success or delivered:
        return "ok"
    return "never"


def unset_secrets(table: Mapping[str, Any]) -> list[str]:
    """The `KEY_env` variables a table names that the environment does not set."""
    return [str(value) for key, value in table.items()
            if key.endswith("_env") and isinstance(value, str) and not os.environ.get(value)]


def _live(source: Source, delivered: int, warnings: Sequence[str] = ()) -> SourceStatus:
    health = source.health
    return SourceStatus(source.name, source.platform,
                        health_state(health.healthy, health.last_success, delivered),
                        health.healthy, health.last_success, health.last_error, health.next_try,
                        (*warnings, *health.warnings), delivered)


def _saved(name: str, platform: str, state: Mapping[str, Any], warnings: Sequence[str]) -> SourceStatus:
    healthy = bool(state.get("healthy", True))
    known = any(state.get(key) for key in ("last_success", "last_error"))
    shown = health_state(healthy, state.get("last_success")) if known else "never"
    return SourceStatus(name, platform, shown, healthy, state.get("last_success"),
                        state.get("last_error"), state.get("next_try"), tuple(warnings))


def source_statuses(tables: Sequence[Mapping[str, Any]], *, live: Sequence[Source] = (),
                    saved: Callable[[str], Mapping[str, Any]] | None = None,
                    delivered: Mapping[str, int] | None = None) -> list[SourceStatus]:
    """Every configured source, then every running one not in the config (the demo, `--source`).

    `live`: the sources this process runs; `saved`: a name's last saved state (`Store.source_state`);
    `delivered`: items each live source delivered this session."""
    delivered = delivered or {}
    running = {source.name: source for source in live}
    rows: list[SourceStatus] = []
    for index, table in enumerate(tables, 1):
        name = source_name(dict(table), index)
        platform = str(table.get("type") or "?")
        secrets = [f"{variable} is not set in the environment" for variable in unset_secrets(table)]
        source = running.pop(name, None)
        if source is not None:
            rows.append(_live(source, delivered.get(name, 0), secrets))
            continue
        try:
            from_config(dict(table), index)
        except SourceSpecError as error:  # says which secret is unset, or which key is wrong
            rows.append(SourceStatus(name, platform, "not started", False, last_error=str(error),
                                     started=False))
            continue
        rows.append(_saved(name, platform, saved(name) if saved else {}, secrets))
    rows += [_live(source, delivered.get(source.name, 0)) for source in running.values()]
    return rows
