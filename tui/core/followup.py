"""Follow through: time promises in our replies, the follow-ups they owe, feedback after a
resolution, and whether a negative thread turned around.

A reply that says "we'll get back to you by 5pm" is a promise; the lifecycle stores its time on the
mention as `follow_up_at` when the reply is recorded, and the inbox shows it due and then overdue until
the agent follows up. The patterns are data (`[promises]` in `tui/rules/data/lifecycle.toml`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from tui.core.lifecycle_rules import Rules, default_rules
from tui.core.lifecycle_signs import customer_of, is_negative
from tui.core.lifecycle_time import dateparse
from tui.core.model import Mention, maybe_time
from tui.storage.store import Store

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _matches(text: str, rules: Rules) -> list[tuple[re.Match[str], int]]:
    """Every promise in the text, left to right; where two overlap the longer wins."""
    found = [(m, i) for i, p in enumerate(rules.promise_patterns) for m in p.regex.finditer(text)]
    found.sort(key=lambda item: (item[0].start(), -(item[0].end() - item[0].start()), item[1]))
    chosen: list[tuple[re.Match[str], int]] = []
    end = -1
    for match, index in found:
        if match.start() >= end:
            chosen.append((match, index))
            end = match.end()
    return chosen


def promises(text: str, rules: Rules | None = None) -> list[str]:
    """The time promises in a reply, as written: ["by 5pm", "tomorrow"]."""
    return [" ".join(m.group(0).split()) for m, _ in _matches(text, rules or default_rules())]


def _resolve(match: re.Match[str], index: int, sent_at: datetime, rules: Rules) -> datetime | None:
    pattern = rules.promise_patterns[index]
    groups: dict[str, str] = {}
    for name, value in match.groupdict().items():
        if value:
            groups[name.rstrip("0123456789")] = " ".join(value.lower().split())
    if "n" in groups:
        groups["n"] = str(rules.numbers.get(groups["n"], groups["n"]))
    try:
        phrase = pattern.when.format(**groups)
    except (KeyError, IndexError):
        return None
    when = dateparse(phrase, sent_at)
    if when is None:
        return None
    if pattern.at is not None:
        at = rules.end_of_day if pattern.at == "end_of_day" else datetime.strptime(pattern.at, "%H:%M").time()
        when = when.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if phrase in WEEKDAYS and when - timedelta(days=7) > sent_at:
            # "by Friday" said on a Friday morning means today.
            when -= timedelta(days=7)
    if when <= sent_at:
        when = sent_at + rules.late_grace
    return when


def promise_times(text: str, sent_at: datetime, rules: Rules | None = None) -> list[tuple[str, datetime]]:
    """Each promise with the time it commits us to, read relative to when the reply was sent."""
    rules = rules or default_rules()
    out = []
    for match, index in _matches(text, rules):
        when = _resolve(match, index, sent_at, rules)
        if when is not None:
            out.append((" ".join(match.group(0).split()), when))
    return out


def follow_up_due(text: str, sent_at: datetime, rules: Rules | None = None) -> datetime | None:
    """When we owe the customer a follow-up: the earliest promise in the reply, or None."""
    times = [when for _, when in promise_times(text, sent_at, rules)]
    return min(times) if times else None




def follow_up_state(mention: Mention, now: datetime, rules: Rules | None = None) -> str | None:
    """`overdue` once the promised time has passed, `due-soon` shortly before, `pending` before
    that; None when nothing is owed."""
    rules = rules or default_rules()
    due = maybe_time(mention.get("follow_up_at"))
    if due is None:
        return None
    if due <= now:
        return "overdue"
    return "due-soon" if due - rules.due_soon <= now else "pending"


def overdue_follow_ups(store: Store, now: datetime) -> list[Mention]:
    """Every mention whose promised follow-up time has passed (a full scan: for reports)."""
    out = []
    for mention in store.mentions():
        due = maybe_time(mention.get("follow_up_at"))
        if due is not None and due <= now:
            out.append(mention)
    return sorted(out, key=lambda m: str(m.get("follow_up_at")))


# -- feedback and turnaround ---------------------------------------------------------------------
def _muted(store: Store, author: str | None, thread: list[Mention]) -> bool:
    if not author:
        return False
    return bool(store.author(author).get("muted")) or any(
        m.get("muted") for m in thread if m.get("author") == author)


def offer_feedback(store: Store, thread_uid: str, *, rules: Rules | None = None,
                   ours: frozenset[str] = frozenset()) -> str | None:
    """The template to offer after a resolution (`followup.feedback_template`, "feedback-after-fix"),
    or None: not resolved yet, already asked, or the author is muted."""
    rules = rules or default_rules()
    thread = store.thread(thread_uid)
    if not any(m.get("state") == "resolved" for m in thread):
        return None
    if any(m.get("feedback_requested_at") for m in thread):
        return None
    if _muted(store, customer_of(thread, ours), thread):
        return None
    return rules.feedback_template


def turnaround_outcome(store: Store, thread_uid: str, *, rules: Rules | None = None,
                       ours: frozenset[str] = frozenset()) -> str | None:
    """`turned-around` when the author's latest mention after their first negative one is positive
    and better than it; `not-yet` when it is not (or they have not written since); None when the
    author was never negative in this thread."""
    rules = rules or default_rules()
    thread = store.thread(thread_uid)
    customer = customer_of(thread, ours)
    theirs = [m for m in thread if m.get("author") == customer]
    first = next((i for i, m in enumerate(theirs) if is_negative(m, rules)), None)
    if first is None:
        return None
    later = theirs[first + 1:]
    if not later:
        return "not-yet"
    start = float(theirs[first].get("sentiment") or 0.0)
    end = float(later[-1].get("sentiment") or 0.0)
    return "turned-around" if end > start and end >= rules.ended_at_least else "not-yet"
