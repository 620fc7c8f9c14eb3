"""The report's figure: how often the agents left triage as it was. Apart from `corrections.py`
because the report reads the events directly and needs none of the lessons.

Only a mention an agent acted on counts: one nobody opened was not agreed with, it was not looked
at. A store of 207 imported tweets and no corrections read "100.0% agreed" before anyone had worked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tui.core.corrections_fields import ACTION, FIELDS, MENTION_FIELD

if TYPE_CHECKING:
    from tui.storage.store import Store

HANDLED = frozenset({"reply", "done", "resolve", "close", "escalate", "answer-escalation", "snooze",
                     "walk-away", "thank", "request-feedback", "tag", ACTION})
"""Actions that show an agent weighed the mention (what collect or a clock does is not one)."""


def agreement(store: Store, uids: Iterable[str]) -> dict[str, Any]:
    """How often triage stood: of these mentions, how many an agent handled and how many of those
    the agent corrected (standing corrections only), and which fields the agent chose; a mention
    corrected twice counts once. `learned`: how many of them arrived triaged by this store's
    lessons rather than the rules alone."""
    scope = set(uids)
    fields_by_uid: dict[str, set[str]] = defaultdict(set)
    handled: set[str] = set()
    for event in store.events():
        if event.get("action") not in HANDLED or event.get("undone"):
            continue
        if (event.get("details") or {}).get("elsewhere"):
            continue  # our account answered on the platform: nobody here saw triage's verdict
        handled.update(uid for uid in event.get("uids") or () if uid in scope)
        if event.get("action") != ACTION:
            continue
        chosen = (event.get("details") or {}).get("set") or {}
        for uid, before in (event.get("before") or {}).items():
            if uid in scope:
                # A queue that moved because the label or kind did is not a queue correction.
                fields_by_uid[uid] |= {name for name in chosen if MENTION_FIELD.get(name) in before}
    total = len(scope)
    corrected = len(fields_by_uid)
    seen = len(handled | set(fields_by_uid))
    per_field = {name: sum(name in f for f in fields_by_uid.values()) for name in FIELDS}
    learned = sum(1 for uid in scope
                  if (mention := store.mention(uid)) is not None and mention.get("learned"))
    return {"mentions": total, "handled": seen, "corrected": corrected,
            "agreed": round(1 - corrected / seen, 4) if seen else None, "fields": per_field,
            "learned": learned}


def describe_agreement(figure: Mapping[str, Any]) -> str:
    """One line for the report, e.g. "Triage corrections: 12 of 340 handled mentions corrected
    (96.5% agreed); label 7, kind 4, queue 1"."""
    agreed = figure.get("agreed")
    if agreed is None:
        line = "Triage corrections: none yet (no mention handled by an agent)"
    else:
        line = (f"Triage corrections: {figure['corrected']} of {figure['handled']} handled mentions "
                f"corrected ({agreed * 100:.1f}% agreed)")
    if figure["corrected"]:
        line += "; " + ", ".join(f"{name} {figure['fields'][name]}" for name in FIELDS)
    if figure.get("learned"):
        line += f"; {figure['learned']} triaged by this store's lessons"
    return line
