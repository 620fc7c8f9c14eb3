"""The lifecycle's rules (reasons, presets, thresholds, word lists, the history's verbs) as data:
`tui/rules/data/lifecycle.toml`, merged with the user's own `lifecycle.toml`, read once and checked."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from tui.rules.datafile import UserFileError, line_of
from tui.rules.datafile_models import LifecycleFile
from tui.rules.datafile_schema import check, merge, read_toml
from tui.storage import paths

RulesError = UserFileError
"""A lifecycle rules file that is broken; the message names the file, the line and the key."""


@dataclass(frozen=True, slots=True)
class PromisePattern:
    regex: re.Pattern[str]
    when: str
    at: str | None


@dataclass(frozen=True)
class Rules:
    """The lifecycle's tunables, read once from TOML and checked."""

    positive: float
    negative: float
    reasons: tuple[str, ...]
    default_days: int
    burst_count: int
    burst_window: timedelta
    min_replies: int
    improve_margin: float
    repeat_similarity: float
    ignore_words: frozenset[str]
    abusive: re.Pattern[str] | None
    sign_text: dict[str, str]
    sign_reason: dict[str, str]
    presets: tuple[dict[str, str], ...]
    short_units: dict[str, str]
    end_of_day: time
    late_grace: timedelta
    numbers: dict[str, int]
    promise_patterns: tuple[PromisePattern, ...]
    due_soon: timedelta
    feedback_template: str
    thanks_template: str
    ended_at_least: float
    spike_window: timedelta
    spike_baseline: timedelta
    spike_ratio: float
    spike_min_count: int
    busiest_topics: int
    ignore_topics: frozenset[str]
    signature: re.Pattern[str]
    top_champions: int
    verbs: dict[str, str]
    repeat_window: timedelta = timedelta(hours=24)
    future_tolerance: timedelta = timedelta(minutes=5)


_merge = merge
"""The one merge policy (tui.rules.datafile.merge): tables merge key by key, lists extend, others replace."""


def _abusive_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for word in words:
        pieces = [re.escape(p) for p in word.lower().split("*")]
        parts.append(r"[a-z*]{0,2}".join(pieces).replace(r"\ ", r"\s+"))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?!\w)",
                      re.IGNORECASE)


def _clock_time(value: str, where: str, table: str, key: str, text: str | None = None) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise RulesError(where, None, key, f"expected a time of day like 17:00, got {value!r}",
                         table=table, line=line_of(text, table, key)) from None


def _build_rules(data: dict[str, Any], where: str, text: str | None = None) -> Rules:
    """The merged tables checked against the schema (tui.rules.datafile_models.LifecycleFile): an unknown
    or missing key, or a wrong type, is an error naming `where`, the line in `text` and the key."""
    check(data, LifecycleFile, where, text)

    def get(path: str) -> Any:
        node: Any = data
        for part in path.split("."):
            node = node[part]
        return node

    try:
        promises = []
        for index, entry in enumerate(get("promises.pattern"), 1):
            try:
                regex = re.compile(entry["regex"], re.IGNORECASE)
            except re.error as error:
                raise RulesError(where, None, "regex", str(error),
                                 table=f"promises.pattern[{index}]") from None
            at = entry.get("at")
            if at not in (None, "end_of_day"):
                _clock_time(at, where, f"promises.pattern[{index}]", "at")
            promises.append(PromisePattern(regex, str(entry["when"]), at))
        signs = get("walk_away.signs")
        return Rules(
            positive=float(get("sentiment.positive")),
            negative=float(get("sentiment.negative")),
            reasons=tuple(dict.fromkeys(get("walk_away.reasons"))),
            default_days=int(get("walk_away.default_days")),
            burst_count=int(get("walk_away.resurface.burst_count")),
            burst_window=timedelta(minutes=float(get("walk_away.resurface.burst_minutes"))),
            min_replies=int(signs["min_replies"]),
            improve_margin=float(signs["improve_margin"]),
            repeat_similarity=float(signs["repeat_similarity"]),
            ignore_words=frozenset(w.lower() for w in signs["ignore_words"]),
            abusive=_abusive_pattern(signs["abusive_words"]),
            sign_text=dict(get("walk_away.sign_text")),
            sign_reason=dict(get("walk_away.sign_reason")),
            presets=tuple(dict(p) for p in get("snooze.presets")),
            short_units={k.lower(): v for k, v in get("snooze.short_units").items()},
            end_of_day=_clock_time(get("promises.end_of_day"), where, "promises", "end_of_day", text),
            late_grace=timedelta(minutes=float(get("promises.late_grace_minutes"))),
            numbers={k.lower(): int(v) for k, v in get("promises.numbers").items()},
            promise_patterns=tuple(promises),
            due_soon=timedelta(minutes=float(get("followup.due_soon_minutes"))),
            feedback_template=str(get("followup.feedback_template")),
            thanks_template=str(get("followup.thanks_template")),
            ended_at_least=float(get("turnaround.ended_at_least")),
            spike_window=timedelta(minutes=float(get("spikes.window_minutes"))),
            spike_baseline=timedelta(hours=float(get("spikes.baseline_hours"))),
            spike_ratio=float(get("spikes.ratio")),
            spike_min_count=int(get("spikes.min_count")),
            busiest_topics=int(get("report.busiest_topics")),
            ignore_topics=frozenset(str(w).lower() for w in get("report.ignore_topics")),
            signature=_signature_pattern(get("report.signature"), where),
            top_champions=int(get("report.top_champions")),
            verbs={k: str(v) for k, v in get("describe").items()},
            repeat_window=timedelta(hours=float(get("arrivals.repeat_fold_hours"))),
            future_tolerance=timedelta(minutes=float(get("arrivals.future_tolerance_minutes"))),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, RulesError):
            raise
        raise RulesError(where, problem=repr(error)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path)[0]


@functools.cache
def default_rules() -> Rules:
    """The packaged rules alone (what tests and a user with no rules file get)."""
    text = resources.files("tui.rules").joinpath("data/lifecycle.toml").read_text("utf-8")
    return _build_rules(tomllib.loads(text), "tui/rules/data/lifecycle.toml")


def user_rules_file() -> Path:
    return paths.config_dir() / "lifecycle.toml"


def load_rules(user: Path | None = None) -> Rules:
    """The packaged rules with a user file merged over them (tables merge, lists extend); a problem
    in the user file is a `RulesError` naming it, the line and the key."""
    if user is None:
        return default_rules()
    text = resources.files("tui.rules").joinpath("data/lifecycle.toml").read_text("utf-8")
    mine, user_text = read_toml(user)
    return _build_rules(_merge(tomllib.loads(text), mine), str(user), user_text)


def load_user_rules() -> Rules:
    """What the app uses: the user's `lifecycle.toml` over the packaged one, when there is one."""
    user = user_rules_file()
    return load_rules(user if user.exists() else None)


def _signature_pattern(regex: str, where: str) -> re.Pattern[str]:
    """How our agents sign a reply, compiled; its first group is the name a signature gives."""
    try:
        pattern = re.compile(regex)
    except re.error as error:
        raise RulesError(where, None, "signature", str(error), table="report") from None
    if pattern.groups < 1:
        raise RulesError(where, None, "signature", "needs a group: the name the signature gives",
                         table="report")
    return pattern
