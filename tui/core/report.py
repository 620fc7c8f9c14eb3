"""The report (`turnaround report`, the report screen): how fast we answer, whether we keep our
promises, whether threads turn around.

Figures (all from the store, read-only):
* first response (minutes from `created_at` to `first_response_at`): count, median and p90 (nearest
  rank) by triage queue and by kind;
* share answered within target, by kind and queue: of the mentions that were due (answered, or still
  waiting past their target), those answered within it. Targets are minutes per kind (the config's
  `[targets]`), a queue target overriding its kind's as in the inbox;
* follow-ups owed and overdue; the turnaround rate (threads whose author was negative and whose
  latest word is positive); threads walked away from; the mean sentiment per day with a sparkline;
  the busiest topics; champions;
* how often triage stood: mentions an agent corrected (label, kind, queue) out of all.
Mentions by our own handles are not counted as customers' mentions. The text and CSV forms are in
tui/core/report_text.py; the command in tui/cli/report.py.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tui.core.champions import champions as list_champions
from tui.core.corrections import agreement
from tui.core.followup import overdue_follow_ups, turnaround_outcome
from tui.core.hints_ignore import SETTING as SET_ASIDE
from tui.core.hints_ignore import figure as set_aside_figure
from tui.core.lifecycle import Rules, by_us, default_rules, our_handles
from tui.core.model import effective_time, maybe_time
from tui.core.reviews import review_figures
from tui.rules.config import DEFAULT_TARGETS
from tui.storage.store import Store

SPARKS = "▁▂▃▄▅▆▇█"
WAITING_STATES = frozenset({"open", "snoozed", "escalated"})
"""States in which a mention with no first response is still owed one."""


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _stats(values: list[float]) -> dict[str, Any]:
    return {"count": len(values), "median": round(statistics.median(values), 2),
            "p90": round(_p90(values), 2)}


def sparkline(values: Iterable[float | None]) -> str:
    """One block per value, scaled between the smallest and largest; a gap is a space."""
    values = list(values)
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    out = []
    for value in values:
        if value is None:
            out.append(" ")
        elif high == low:
            out.append(SPARKS[3])
        else:
            out.append(SPARKS[round((value - low) / (high - low) * (len(SPARKS) - 1))])
    return "".join(out)



def binned_sparkline(days: list[dict[str, Any]], width: int) -> tuple[str, int]:
    """A sparkline of per-day means in at most `width` marks, and how many days each mark holds.

    A long history (an imported archive spans months) would make one mark per day wrap the line;
    a mark then stands for the mean of its days' mentions, weighted by how many each day had.
    """
    per_mark = max(1, -(-len(days) // max(1, width)))
    means: list[float | None] = []
    for start in range(0, len(days), per_mark):
        chunk = [d for d in days[start : start + per_mark] if d.get("mean") is not None]
        weight = sum(d.get("count") or 1 for d in chunk)
        means.append(sum(d["mean"] * (d.get("count") or 1) for d in chunk) / weight if chunk else None)
    return sparkline(means), per_mark


_NOT_A_TOPIC = re.compile(r"\d{3,}|['’]|^[\W\d_]+$")
"""Order and ticket numbers (three digits in a row: "orb2-11873"), contractions ("we'll", "y'all") and
tokens without a letter. "ps4" or "ww2" stay: measured on the customer-support corpus, short digit
runs were products and events, long ones references."""


def topic_filter(brand: str, handles: Iterable[str], ignore: Iterable[str]) -> Callable[[str], bool]:
    """Whether a triage topic may count as a busiest topic: not a word of the brand's name, not a
    part of one of our handles ("@BrightsideCoffee", "brightside.coffee"), not on the ignore list."""
    ours = {word.lower() for word in re.findall(r"[^\W_]+", brand)}
    for handle in handles:
        ours.add(handle.strip().lstrip("@").lower())
        ours.update(part.lower() for part in re.findall(r"[^\W_]+", handle))
    ignored = {word.lower() for word in ignore} | ours
    return lambda topic: not _NOT_A_TOPIC.search(topic) and topic.lower() not in ignored


def build_report(store: Store, since: datetime | None, now: datetime,
                 targets: dict[str, int] | None = None, *,
                 queue_targets: dict[str, int] | None = None, ours: Iterable[str] = (),
                 rules: Rules | None = None, brand: str = "") -> dict[str, Any]:
    """Every report figure as plain data (what --json prints). `brand` is the brand's name: its
    words, like our handles, are in nearly every mention and so are never its busiest topic."""
    rules = rules or default_rules()
    mine = our_handles(ours)
    is_topic = topic_filter(brand, ours, rules.ignore_topics)
    targets = {**DEFAULT_TARGETS, **(targets or {})}
    queue_targets = dict(queue_targets or {})
    mentions = []
    signed: set[str] = set()  # our agents' signatures
    for mention in store.all_mentions():  # archived history too, streamed a month at a time
        if (by_us(mention.get("author"), mine)
                or (mention.get("extra") or {}).get("owner_reply")):  # our reply to a review
            signature = rules.signature.search(str(mention.get("text") or ""))
            if signature:
                signed.add(signature.group(1).lower())
            continue
        created = effective_time(mention)
        if (since is None or created >= since) and created <= now:
            mentions.append((created, mention))

    by_queue: dict[str, list[float]] = defaultdict(list)
    by_kind: dict[str, list[float]] = defaultdict(list)
    due: dict[str, Counter[str]] = {"kind": Counter(), "queue": Counter()}
    within: dict[str, Counter[str]] = {"kind": Counter(), "queue": Counter()}
    answered = 0
    for created, mention in mentions:
        kind = mention.get("kind") or "other"
        queue = mention.get("triage_queue") or mention.get("queue") or "needs-reply"
        target = queue_targets.get(queue, targets.get(kind, targets["other"]))
        first = maybe_time(mention.get("first_response_at"))
        if first is not None:
            answered += 1
            minutes = (first - created).total_seconds() / 60
            by_queue[queue].append(minutes)
            by_kind[kind].append(minutes)
            made_it = minutes <= target
        elif (mention.get("state", "open") in WAITING_STATES
              and not (mention.get("muted") or mention.get("off_topic"))  # set aside: owed nothing
              and now > created + timedelta(minutes=target)):
            made_it = False
        else:
            continue  # not due yet, or closed without needing an answer
        for group, name in (("kind", kind), ("queue", queue)):
            due[group][name] += 1
            within[group][name] += int(made_it)

    def shares(group: str) -> dict[str, dict[str, Any]]:
        return {name: {"within": within[group][name], "due": count,
                       "share": round(within[group][name] / count, 4)}
                for name, count in sorted(due[group].items())}

    total_due = sum(due["kind"].values())
    total_within = sum(within["kind"].values())

    overdue = overdue_follow_ups(store, now)
    owed = sum(1 for m in store.mentions() if m.get("follow_up_at"))

    # A thread turns around because we answered it: one nobody answered is not ours to count, even if
    # its author cheered up by themselves. Answered: one of its mentions has a first response, or we
    # wrote in it.
    answered_threads = {m.get("thread_uid", m["uid"]) for m in store.mentions()
                        if m.get("first_response_at") or by_us(m.get("author"), mine)}
    threads = sorted({m.get("thread_uid", m["uid"]) for _, m in mentions})
    outcomes: Counter[str] = Counter()
    unanswered = 0
    for thread in threads:
        outcome = turnaround_outcome(store, thread, rules=rules, ours=mine)
        if outcome is None:
            continue
        if thread in answered_threads:
            outcomes[outcome] += 1
        else:
            unanswered += 1
    negative = outcomes["turned-around"] + outcomes["not-yet"]

    walked: set[str] = set()
    resurfaced: set[str] = set()
    for event in store.all_events():
        at = maybe_time(event.get("at"))
        if event.get("undone") or at is None or at > now or (since is not None and at < since):
            continue
        if event.get("action") == "walk-away":
            walked.add(event.get("thread_uid", ""))
        elif event.get("action") == "resurface":
            resurfaced.add(event.get("thread_uid", ""))
    watching = {m.get("thread_uid") for m in store.mentions() if m.get("state") == "walked-away"}

    per_day: dict[date, list[float]] = defaultdict(list)
    for created, mention in mentions:
        if mention.get("sentiment") is not None:
            per_day[created.astimezone(UTC).date()].append(float(mention["sentiment"]))
    days: list[dict[str, Any]] = []
    if per_day:
        day = since.astimezone(UTC).date() if since is not None else min(per_day)
        last = max(max(per_day), day)
        while day <= last:
            values = per_day.get(day)
            days.append({"day": day.isoformat(), "count": len(values or ()),
                         "mean": round(statistics.fmean(values), 4) if values else None})
            day += timedelta(days=1)

    named = [(mention, [t for t in dict.fromkeys(str(t).lower() for t in mention.get("topics") or ())
                        if is_topic(t) and t not in signed]) for _, mention in mentions]
    vocabulary = {t for _, found in named for t in found}

    def singular(topic: str) -> str:
        """A plural counts under its singular when both occur: to an agent, pies and pie are one topic."""
        return topic[:-1] if topic.endswith("s") and topic[:-1] in vocabulary else topic

    topics: Counter[str] = Counter()
    negative_topics: Counter[str] = Counter()
    for mention, found in named:
        for topic in dict.fromkeys(singular(t) for t in found):
            topics[topic] += 1
            if mention.get("label") == "negative":
                negative_topics[topic] += 1
    busiest = sorted(topics.items(), key=lambda item: (-item[1], item[0]))[: rules.busiest_topics]
    reviews = review_figures(store, mentions)  # rating trend; replies to 1-2 star reviews
    reviews["sparkline"] = sparkline(d["mean"] for d in reviews["days"])

    return {
        "since": since.isoformat() if since else None,
        "now": now.isoformat(),
        "mentions": len(mentions),
        "answered": answered,
        "first_response": {
            "by_queue": {q: _stats(v) for q, v in sorted(by_queue.items())},
            "by_kind": {k: _stats(v) for k, v in sorted(by_kind.items())},
            "all": _stats([m for v in by_kind.values() for m in v]) if answered else None,
        },
        "within_target": {
            "targets": targets,
            "queue_targets": queue_targets,
            "by_kind": shares("kind"),
            "by_queue": shares("queue"),
            "all": {"within": total_within, "due": total_due,
                    "share": round(total_within / total_due, 4) if total_due else None},
        },
        "follow_ups": {"owed": owed, "overdue": len(overdue), "overdue_uids": [m["uid"] for m in overdue]},
        "turnaround": {"negative_threads": negative, "turned_around": outcomes["turned-around"],
                       "rate": round(outcomes["turned-around"] / negative, 4) if negative else None,
                       "unanswered_negative_threads": unanswered},
        "walked_away": {"threads": len(walked), "resurfaced": len(resurfaced), "watching": len(watching)},
        "sentiment_trend": {"days": days, "sparkline": sparkline(d["mean"] for d in days)},
        "busiest_topics": [{"topic": t, "count": n, "negative": negative_topics[t]} for t, n in busiest],
        "champions": [
            {k: row[k] for k in ("author", "praise", "first_seen", "last_seen", "thanked", "answered",
                                 "marked")}
            for row in [row for row in list_champions(store, since=since, now=now)
                        if not by_us(row["author"], mine)][: rules.top_champions]
        ],
        "corrections": agreement(store, (m["uid"] for _, m in mentions)),
        "hints_set_aside": set_aside_figure(store.setting(SET_ASIDE, {}) or {}),
        "reviews": reviews,
    }
