"""The shape of each user-editable file, as msgspec structs checked by `tui.rules.datafile.check`.

Every struct forbids unknown fields: a key the schema does not name is a typo, and the error names
the file, the line and the key. Tables whose keys are the user's own words (routing teams, key
bindings, sign texts, number words) are `dict`s. Defaults here are only for the config, which has no
shipped twin; a rules file's defaults are its shipped file, merged under the user's (datafile.merge).
"""

from __future__ import annotations

from typing import Any

import msgspec


class _Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A table whose keys are all known."""


# -- config.toml (the user's own; no shipped twin) -------------------------------------------------
class BrandTable(_Strict):
    name: str = "our brand"
    agent: str = "the team"
    watch: list[str] = []
    handles: list[str] = []
    exclude: list[str] = []


class TargetsTable(_Strict):
    crisis: int = 15
    complaint: int = 60
    question: int = 240
    praise: int = 1440
    other: int = 1440
    queues: dict[str, int] = {}


class UiTable(_Strict):
    theme: str | None = None


class ConfigLifecycleTable(_Strict):
    walk_away_days: int = 7


class ConfigFile(_Strict):
    brand: BrandTable = msgspec.field(default_factory=BrandTable)
    # An array of tables; each source type checks its own keys (tui/sources/registry.py).
    sources: list[dict[str, Any]] = []
    targets: TargetsTable = msgspec.field(default_factory=TargetsTable)
    routing: dict[str, list[str]] = {}
    keys: dict[str, str] = {}
    ui: UiTable = msgspec.field(default_factory=UiTable)
    lifecycle: ConfigLifecycleTable = msgspec.field(default_factory=ConfigLifecycleTable)


# -- lifecycle.toml (shipped in tui/data, the user's merged over it) -------------------------------
class Sentiment(_Strict):
    positive: float
    negative: float


class Resurface(_Strict):
    burst_count: int
    burst_minutes: float


class Signs(_Strict):
    min_replies: int
    improve_margin: float
    repeat_similarity: float
    ignore_words: list[str]
    abusive_words: list[str]


class WalkAway(_Strict):
    reasons: list[str]
    default_days: int
    resurface: Resurface
    signs: Signs
    sign_text: dict[str, str]
    sign_reason: dict[str, str]


class SnoozePreset(_Strict):
    key: str
    label: str
    when: str


class Snooze(_Strict):
    presets: list[SnoozePreset]
    short_units: dict[str, str]


class Promise(_Strict):
    regex: str
    when: str
    at: str | None = None


class Promises(_Strict):
    end_of_day: str
    late_grace_minutes: float
    numbers: dict[str, int]
    pattern: list[Promise]


class Arrivals(_Strict):
    repeat_fold_hours: float
    future_tolerance_minutes: float


class FollowUp(_Strict):
    due_soon_minutes: float
    feedback_template: str
    thanks_template: str


class TurnaroundTable(_Strict):
    ended_at_least: float


class Spikes(_Strict):
    window_minutes: float
    baseline_hours: float
    ratio: float
    min_count: int


class Report(_Strict):
    busiest_topics: int
    top_champions: int
    ignore_topics: list[str]
    signature: str


class Archive(_Strict):
    after_days: float
    states: list[str]
    set_aside: bool = False


class LifecycleFile(_Strict):
    sentiment: Sentiment
    walk_away: WalkAway
    snooze: Snooze
    promises: Promises
    arrivals: Arrivals
    followup: FollowUp
    turnaround: TurnaroundTable
    spikes: Spikes
    report: Report
    describe: dict[str, str]
    archive: Archive
    version: int = 1


# -- templates.toml ------------------------------------------------------------------------------
class TemplateEntry(_Strict):
    """One saved reply after merging; a disabled one need not have a title or a body."""

    title: str | None = None
    kinds: list[str] = []
    body: str | None = None
    enabled: bool = True


class TemplatesFile(_Strict):
    templates: dict[str, Any] = {}
    """Checked entry by entry (TemplateEntry), so one bad template does not hide the others."""


# -- corrections.toml, reviews.toml (shipped only) -------------------------------------------------
class SameWording(_Strict):
    min_words: int = 3
    near_similarity: float = 0.8
    near_min_words: int = 5


class Phrases(_Strict):
    phrase_words: list[int] = msgspec.field(default_factory=lambda: [2, 3])
    phrase_min_support: int = 4
    phrase_min_precision: float = 0.8
    background_size: int = 2000
    demote_crisis: bool = False
    stopwords: list[str] = []


class CorrectionsFile(_Strict):
    same_wording: SameWording = msgspec.field(default_factory=SameWording)
    phrases: Phrases = msgspec.field(default_factory=Phrases)


class ReviewsFile(_Strict):
    negative_at_most: int
    mixed_at_least: int
    contrast: list[str]
    priority: dict[str, int]
