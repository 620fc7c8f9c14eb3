"""`turnaround report`: how fast we answer, whether we keep our promises, whether threads turn around.

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
Mentions by our own handles are not counted as customers' mentions.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from wcwidth import wcswidth

from tui.core.champions import champions as list_champions
from tui.core.corrections import agreement, describe_agreement
from tui.core.followup import overdue_follow_ups, turnaround_outcome
from tui.core.lifecycle import Rules, RulesError, default_rules, load_user_rules, our_handles
from tui.core.model import effective_time, maybe_time, now_utc
from tui.core.reviews import review_figures
from tui.rules.config import DEFAULT_TARGETS
from tui.storage.store import Store

SPARKS = "▁▂▃▄▅▆▇█"
WAITING_STATES = frozenset({"open", "snoozed", "escalated"})
"""States in which a mention with no first response is still owed one."""


class SinceError(ValueError):
    """A --since that is not a date in the past."""


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
    for mention in store.all_mentions():  # archived history too, streamed a month at a time
        if (str(mention.get("author", "")).lstrip("@").lower() in mine
                or (mention.get("extra") or {}).get("owner_reply")):  # our reply to a review
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
        elif (mention.get("state", "open") in WAITING_STATES and not mention.get("muted")
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
                        if m.get("first_response_at") or str(m.get("author", "")).lstrip("@").lower() in mine}
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

    topics: Counter[str] = Counter()
    negative_topics: Counter[str] = Counter()
    for _, mention in mentions:
        for topic in dict.fromkeys(str(t).lower() for t in mention.get("topics") or ()):
            if not is_topic(topic):
                continue
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
            {k: row[k] for k in ("author", "praise", "first_seen", "last_seen", "thanked", "marked")}
            for row in [row for row in list_champions(store, since=since, now=now)
                        if str(row["author"]).lstrip("@").lower() not in mine][: rules.top_champions]
        ],
        "corrections": agreement(store, (m["uid"] for _, m in mentions)),
        "reviews": reviews,
    }


def rows(report: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The report as (metric, group, value) rows, for --csv."""
    out: list[tuple[str, str, Any]] = [("mentions", "", report["mentions"]),
                                       ("answered", "", report["answered"])]
    for by in ("by_queue", "by_kind"):
        prefix = by[3:]
        for name, stats in report["first_response"][by].items():
            out.append(("first_response_median_minutes", f"{prefix}:{name}", stats["median"]))
            out.append(("first_response_p90_minutes", f"{prefix}:{name}", stats["p90"]))
            out.append(("first_response_count", f"{prefix}:{name}", stats["count"]))
    for by in ("by_kind", "by_queue"):
        prefix = by[3:]
        for name, share in report["within_target"][by].items():
            out.append(("within_target_share", f"{prefix}:{name}", share["share"]))
    out.append(("within_target_share", "all", report["within_target"]["all"]["share"]))
    out.append(("follow_ups_owed", "", report["follow_ups"]["owed"]))
    out.append(("follow_ups_overdue", "", report["follow_ups"]["overdue"]))
    turnaround = report["turnaround"]
    out.append(("negative_threads", "", turnaround["negative_threads"]))
    out.append(("turned_around", "", turnaround["turned_around"]))
    out.append(("turnaround_rate", "", turnaround["rate"]))
    out.append(("negative_threads_unanswered", "", turnaround["unanswered_negative_threads"]))
    for key in ("threads", "resurfaced", "watching"):
        out.append((f"walked_away_{key}", "", report["walked_away"][key]))
    for day in report["sentiment_trend"]["days"]:
        out.append(("sentiment_mean", day["day"], day["mean"]))
    for topic in report["busiest_topics"]:
        out.append(("topic_mentions", topic["topic"], topic["count"]))
    for champion in report["champions"]:
        out.append(("champion_praise", champion["author"], champion["praise"]))
    reviews = report["reviews"]
    for day in reviews["days"]:
        out.append(("rating_mean", day["day"], day["mean"]))
    out.append(("low_star_reviews", "", reviews["low_star"]["reviews"]))
    out.append(("low_star_answered", "", reviews["low_star"]["answered"]))
    out.append(("low_star_median_minutes", "", reviews["low_star"]["median_minutes"]))
    corrections = report["corrections"]
    out.append(("triage_corrected", "", corrections["corrected"]))
    out.append(("triage_agreed_share", "", corrections["agreed"]))
    for name, count in corrections["fields"].items():
        out.append(("triage_corrected", f"field:{name}", count))
    out.append(("triage_by_lessons", "", corrections["learned"]))
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


LABEL_MAX = 42
"""The widest a label or handle column grows (indent included): a longer handle is cut with "…", so
the columns after it stay put and a report line fits in 80 columns."""


def _cells(text: str) -> int:
    """Terminal cells `text` takes: a CJK character or an emoji takes two."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` cells, the cut marked with an ellipsis."""
    if _cells(text) <= width:
        return text
    kept, used = [], 1
    for char in text:
        used += max(0, _cells(char))
        if used > width:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _columns(rows: list[list[str]], minimum: list[int], right: list[bool], gaps: list[str]) -> list[str]:
    """Rows of cells as aligned lines: each column as wide as its widest cell (at least `minimum`),
    measured in terminal cells; the first column cut at LABEL_MAX."""
    rows = [[_fit(row[0], LABEL_MAX), *row[1:]] for row in rows]
    widths = [max([least, *(_cells(row[i]) for row in rows)]) for i, least in enumerate(minimum)]
    lines = []
    for row in rows:
        parts = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _cells(cell))
            parts.append(pad + cell if right[i] else cell + pad)
        rest = "".join(gap + part for gap, part in zip(gaps, parts[1:], strict=True))
        lines.append((parts[0] + rest).rstrip())
    return lines


def render_text(report: dict[str, Any]) -> str:
    """The report for a terminal: plain text, no markup, its columns aligned whatever the names."""
    lines = [f"Turnaround report · {report['mentions']} mentions"
             + (f" since {report['since'][:10]}" if report["since"] else "")
             + f" · {report['answered']} answered", ""]
    table = [["First response (minutes)", "count", "median", "p90"]]
    for by, label in (("by_queue", "queue"), ("by_kind", "kind")):
        for name, stats in report["first_response"][by].items():
            table.append([f"  {label} {name}", str(stats["count"]), f"{stats['median']:.1f}",
                          f"{stats['p90']:.1f}"])
    lines += _columns(table, [32, 5, 8, 8], [False, True, True, True], [" ", " ", " "])
    if not report["answered"]:
        lines.append("  (nothing answered yet)")
    table = [["Answered within target", "due", "within"]]
    for by, label in (("by_kind", "kind"), ("by_queue", "queue")):
        for name, share in report["within_target"][by].items():
            table.append([f"  {label} {name}", str(share["due"]), _pct(share["share"])])
    table.append(["  all", str(report["within_target"]["all"]["due"]),
                  _pct(report["within_target"]["all"]["share"])])
    lines += ["", *_columns(table, [32, 5, 6], [False, True, True], [" ", "   "])]
    follow = report["follow_ups"]
    turnaround = report["turnaround"]
    walked = report["walked_away"]
    unanswered = turnaround.get("unanswered_negative_threads", 0)
    lines += [
        "",
        f"Follow-ups: {follow['owed']} owed, {follow['overdue']} overdue",
        f"Turnaround: {turnaround['turned_around']} of {turnaround['negative_threads']} answered negative "
        f"threads turned around ({_pct(turnaround['rate'])})",
        *([f"  not counted: {unanswered} negative threads nobody answered"] if unanswered else []),
        f"Walked away: {walked['threads']} threads ({walked['resurfaced']} resurfaced, "
        f"{walked['watching']} still watched)",
        describe_agreement(report["corrections"]),
    ]
    trend = report["sentiment_trend"]
    if trend["days"]:
        first, last = trend["days"][0]["day"], trend["days"][-1]["day"]
        means = [d["mean"] for d in trend["days"] if d["mean"] is not None]
        lines.append(f"Sentiment {first} → {last}: {trend['sparkline']}  "
                     f"(daily mean {min(means):+.2f} to {max(means):+.2f})")
    reviews = report["reviews"]
    if reviews["reviews"]:
        low = reviews["low_star"]
        median = low["median_minutes"]
        fast = f", median {median:.0f} min to reply" if median is not None else ""
        lines.append(f"Reviews: {reviews['reviews']}, mean {reviews['mean_rating']:.1f}★ "
                     f"{reviews['days'][0]['day']} → {reviews['days'][-1]['day']}: {reviews['sparkline']}; "
                     f"1-2★: {low['answered']} of {low['reviews']} answered{fast}")
    if report["busiest_topics"]:
        lines += ["", "Busiest topics"]
        lines += _columns([[f"  {t['topic']}", str(t["count"]), f"({t['negative']} negative)"]
                           for t in report["busiest_topics"]], [26, 5, 0], [False, True, False], [" ", "  "])
    if report["champions"]:
        lines += ["", "Champions"]
        lines += _columns([[f"  {row['author']}", str(row["praise"]),
                            "praise  " + ("thanked" if row["thanked"] else "not thanked yet")]
                           for row in report["champions"]], [26, 3, 0], [False, True, False], [" ", " "])
    return "\n".join(lines)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_since(text: str, now: datetime) -> datetime:
    """An ISO date or time (a date is midnight UTC), or a phrase like "7 days ago", "last monday";
    SinceError when it is not a date or lies in the future."""
    text = text.strip()
    when: datetime | None = None
    if _ISO_DATE.fullmatch(text):
        try:
            when = datetime.fromisoformat(text).replace(tzinfo=UTC)
        except ValueError:
            when = None
    elif text:
        when = maybe_time(text)
        if when is None:
            import dateparser

            when = dateparser.parse(text, languages=["en"], settings={
                "PREFER_DATES_FROM": "past", "RELATIVE_BASE": now.astimezone(UTC).replace(tzinfo=None),
                "RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"})
    if when is None:
        raise SinceError(f"--since {text!r}: not a date (try 2024-05-01 or '7 days ago')")
    if when > now:
        raise SinceError(f"--since {text!r}: that is in the future")
    return when


def main(args: argparse.Namespace, *, clock: Callable[[], datetime] = now_utc) -> int:
    """`turnaround report [--since DATE] [--json] [--csv] [--db PATH] [--config PATH]`."""
    from tui.cli.command import read_config, store_path

    now = clock()
    since = None
    if getattr(args, "since", None):
        try:
            since = parse_since(args.since, now)
        except SinceError as error:
            print(f"turnaround: {error}", file=sys.stderr)
            return 2
    config = read_config(getattr(args, "config", None))
    demo = bool(getattr(args, "demo", False))
    if demo and config is None:  # `turnaround --demo report`: the demo's store, brand and handles
        from tui.rules.config import demo_config

        config = demo_config()
    try:
        rules = load_user_rules()
    except RulesError as error:
        print(f"turnaround: {error}", file=sys.stderr)
        return 2
    path = store_path(args, demo=demo)
    if not path.exists() and not Path(str(path) + ".log").exists():
        print(f"turnaround: {path}: no store here yet (run the app or `turnaround collect` first)",
              file=sys.stderr)
        return 2
    store = Store(path, readonly=True)
    try:
        report = build_report(
            store, since, now, config.targets if config else None,
            queue_targets=config.queue_targets if config else None,
            ours=[*(config.handles if config else []),
                  *(w for w in (config.watch if config else []) if w.startswith("@"))],
            rules=rules, brand=config.brand if config else "",
        )
    finally:
        store.close()
    if getattr(args, "json", False):
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif getattr(args, "csv", False):
        writer = csv.writer(sys.stdout)
        writer.writerow(("metric", "group", "value"))
        for row in rows(report):
            writer.writerow("" if v is None else v for v in row)
    else:
        print(render_text(report))
    return 0
