"""One correction and what it sets on one mention: the fields an agent may correct, their values,
and how priority and sentiment follow. Apart from `corrections.py` (the lessons) because the store
and the UI use these without learning anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.model import Mention, MentionUpdate
from tui.core.triage import KINDS, LABELS, NEW_QUEUES

ACTION = "correct"
FIELDS = ("label", "kind", "queue")
CHOICES: dict[str, tuple[str, ...]] = {"label": LABELS, "kind": KINDS, "queue": NEW_QUEUES}
"""The values an agent may pick for each field."""
MENTION_FIELD = {"label": "label", "kind": "kind", "queue": "triage_queue"}
"""Where each corrected field lives on a stored mention."""

QueueFor = Callable[[str, str], str]
"""(kind, label) -> the queue a new mention starts in, by the triage rules."""
Bands = Mapping[str, tuple[float, float]]
"""kind -> (low, high) of its priority band."""


@dataclass(frozen=True, slots=True)
class Correction:
    """What the agent chose; None leaves that field as triage (or an earlier correction) set it."""

    label: str | None = None
    kind: str | None = None
    queue: str | None = None

    def __post_init__(self) -> None:
        for name in FIELDS:
            value = getattr(self, name)
            if value is not None and value not in CHOICES[name]:
                raise ValueError(f"unknown {name} {value!r} (known: {', '.join(CHOICES[name])})")

    def as_dict(self) -> dict[str, str]:
        return {name: value for name in FIELDS if (value := getattr(self, name)) is not None}

    def summary(self) -> str:
        """e.g. "label negative, kind complaint", for the history line and the notice."""
        return ", ".join(f"{name} {value}" for name, value in self.as_dict().items())


def agreeing_kind(kind: str, label: str) -> str:
    """The kind a new label leaves standing when the agent corrects the label alone: praise is
    positive (a neutral or negative "praise" would stay in `champions`, where `h` thanks it), and
    neither a complaint nor a crisis is positive (triage reads harm as negative only: a crisis the
    agent calls positive stayed "crisis + positive" in `priority`, session 57). A crisis called
    neutral stays a crisis: a calm news report of a breach is both. Other kinds stay as they were."""
    if kind == "praise" and label != "positive":
        return "complaint" if label == "negative" else "other"
    if kind in ("complaint", "crisis") and label == "positive":
        return "praise"
    return kind


def rebanded(priority: float, old_kind: str, new_kind: str, bands: Bands) -> int:
    """The priority at the same place in the new kind's band as it had in the old kind's, so a
    mention corrected to crisis sorts among crises and one corrected to praise leaves them."""
    if old_kind == new_kind or old_kind not in bands or new_kind not in bands:
        return round(priority)
    (low, high), (new_low, new_high) = bands[old_kind], bands[new_kind]
    share = (priority - low) / (high - low) if high > low else 0.5
    return round(new_low + max(0.0, min(1.0, share)) * (new_high - new_low))


def bands_of(triager: Any) -> dict[str, tuple[float, float]]:
    """The priority bands from a triager's (public) merged rules; {} when it has none."""
    try:
        raw = triager.config["priority"]["bands"]
        return {kind: (float(band["low"]), float(band["high"])) for kind, band in raw.items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        return {}


def corrected_fields(mention: Mention, correction: Correction | Mapping[str, str],
                     queue_for: QueueFor, bands: Bands) -> MentionUpdate:
    """The stored fields a correction changes on one mention (empty: nothing to change).

    Label and kind are the agent's where given (a kind the new label contradicts follows it,
    `agreeing_kind`); the queue is the agent's if given, else the one the
    new label and kind imply; priority moves into the new kind's band; the sentiment score takes the
    new label's sign (0 for neutral)."""
    wanted = correction.as_dict() if isinstance(correction, Correction) else dict(correction)
    old_label = mention.get("label") or "neutral"
    old_kind = mention.get("kind") or "other"
    label = wanted.get("label", old_label)
    kind = wanted.get("kind", agreeing_kind(old_kind, label))
    queue = wanted.get("queue")
    if queue is None:
        queue = queue_for(kind, label) if (label, kind) != (old_label, old_kind) else \
            mention.get("triage_queue") or queue_for(kind, label)
    fields: MentionUpdate = {}
    if label != old_label:
        fields["label"] = label
        score = mention.get("sentiment")
        if isinstance(score, int | float):
            # The score keeps its strength but takes the agent's side, so the pane never reads
            # "negative (+0.77)" and the report's sentiment trend follows the correction.
            fields["sentiment"] = {"negative": -abs(score), "positive": abs(score)}.get(label, 0.0)
    if kind != old_kind:
        fields["kind"] = kind
        fields["priority"] = rebanded(float(mention.get("priority") or 0), old_kind, kind, bands)
    if queue != mention.get("triage_queue"):
        fields["triage_queue"] = queue
    if "queue" in wanted and mention.get("off_topic"):
        fields["off_topic"] = None  # filed by hand: about us after all (tui/core/relevance.py)
    return fields
