"""Hints an agent set aside: for one draft, and, once agents have set the same wording aside
`ignore_after` times, for the whole inbox.

On real replies by brands the rules were not tuned on, about a third of the hints are wrong
(tests/data/REPLIES.md). An agent who cannot silence a wrong hint learns to ignore them all, the
right ones too. Setting one aside is the agent's call, so it is remembered: the draft keeps it,
and the inbox stops flagging a wording its agents keep setting aside, as triage learns from
corrections. Whole-draft checks (no-empathy, no-next-step) are judged per draft, never learned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tui.core.hints_types import Hint
from tui.core.sanitize import clean

SETTING = "hints.set_aside"
"""The store setting that counts, per key, how often agents set a hint aside (all time)."""
RESET = "hints.set_aside.reset"
"""The count each key had when an agent brought it back (ctrl+o): learning starts over from there,
while the report keeps counting from the start."""


def ignore_key(hint: Hint, text: str) -> str:
    """What setting `hint` aside in `text` refers to: its rule and wording ("dead-end:is not a
    feature"), or the rule alone for a whole-draft check."""
    if hint.start is None or hint.end is None:
        return hint.rule
    # The words end up in the store and the report: no control or escape sequence rides along.
    words = " ".join(clean(text[hint.start:hint.end], limit=120).lower().split())
    return f"{hint.rule}:{words}"


def learned(counts: Mapping[str, int], ignore_after: int,
            reset: Mapping[str, int] | None = None) -> frozenset[str]:
    """The wordings this inbox no longer flags: set aside at least `ignore_after` times (0: none)
    since an agent last brought them back (`reset`)."""
    if ignore_after <= 0:
        return frozenset()
    reset = reset or {}
    return frozenset(key for key, count in counts.items()
                     if ":" in key and count - reset.get(key, 0) >= ignore_after)


class SetAside:
    """What one draft shows: the hints minus those its agent set aside and those the inbox learned."""

    __slots__ = ("draft", "inbox")

    def __init__(self, draft: Iterable[str] = (), inbox: Iterable[str] = ()) -> None:
        self.draft = frozenset(draft)
        self.inbox = frozenset(inbox)

    def keep(self, hints: Iterable[Hint], text: str) -> list[Hint]:
        """`hints` without the ones set aside (keys are read from `text`, the draft they came from)."""
        gone = self.draft | self.inbox
        if not gone:
            return list(hints)
        return [hint for hint in hints if ignore_key(hint, text) not in gone]


def figure(counts: Mapping[str, int], top: int = 3) -> dict[str, Any]:
    """The report's figure (all time): how many hints agents set aside, per rule, and the wordings
    set aside most: where the rules are most often wrong for this team."""
    per_rule: dict[str, int] = {}
    for key, count in counts.items():
        rule = key.split(":", 1)[0]
        per_rule[rule] = per_rule.get(rule, 0) + count
    wordings = sorted(((count, key) for key, count in counts.items() if ":" in key),
                      key=lambda item: (-item[0], item[1]))
    return {"total": sum(per_rule.values()),
            "rules": dict(sorted(per_rule.items(), key=lambda item: (-item[1], item[0]))),
            "top": [{"rule": key.split(":", 1)[0], "words": key.split(":", 1)[1], "count": count}
                    for count, key in wordings[:top]]}


def describe(fig: Mapping[str, Any]) -> str:
    """One line for the report, e.g. "Hints ignored by agents (all time): 7 (dead-end 4, no-empathy
    3); most: dead-end "is not a feature" 4". All time: the store counts them, not the mentions."""
    if not fig["total"]:
        return "Hints ignored by agents (all time): none"
    line = f"Hints ignored by agents (all time): {fig['total']} ("
    line += ", ".join(f"{rule} {count}" for rule, count in fig["rules"].items()) + ")"
    if fig["top"]:
        line += "; most: " + ", ".join(f"{t['rule']} \u201c{t['words']}\u201d {t['count']}"
                                       for t in fig["top"])
    return line
