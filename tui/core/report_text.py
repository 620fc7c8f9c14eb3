"""The report as text: aligned plain lines for a terminal (`turnaround report`, the report screen) and
(metric, group, value) rows for --csv. No markup: handles and topics are strangers' words."""

from __future__ import annotations

from typing import Any

from wcwidth import wcswidth

from tui.core.corrections import describe_agreement
from tui.core.hints_ignore import describe as describe_set_aside
from tui.core.report import binned_sparkline

SPARK_MARKS = 72
"""Most marks a trend sparkline takes; a longer history bins its days."""
LINE_CELLS = 80


def _trend(title: str, days: list[dict[str, Any]], about: str) -> list[str]:
    """`title first → last: marks  (about)` on one line, or the marks on a line of their own when
    a long history would wrap that at 80 columns (then a mark may stand for several days)."""
    marks, per_mark = binned_sparkline(days, SPARK_MARKS)
    span = f"{title} {days[0]['day']} → {days[-1]['day']}"
    line = f"{span}: {marks}  ({about})"
    if _cells(line) <= LINE_CELLS:
        return [line]
    about += f"; {per_mark} days a mark" if per_mark > 1 else ""
    if _cells(f"{span}: {about}") <= LINE_CELLS:
        return [f"{span}: {about}", f"  {marks}"]
    return [f"{span}:", f"  {about}", f"  {marks}"]  # the reviews' line: "1-2★: 1 of 2 answered, median ..."


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
    out.append(("triage_handled", "", corrections["handled"]))
    out.append(("triage_corrected", "", corrections["corrected"]))
    out.append(("triage_agreed_share", "", corrections["agreed"]))
    for name, count in corrections["fields"].items():
        out.append(("triage_corrected", f"field:{name}", count))
    out.append(("triage_by_lessons", "", corrections["learned"]))
    aside = report["hints_set_aside"]
    out.append(("hints_set_aside", "", aside["total"]))
    for rule, count in aside["rules"].items():
        out.append(("hints_set_aside", f"rule:{rule}", count))
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


def _wrapped(line: str) -> list[str]:
    """A "headline; detail; detail" line as the headline and one indented line per detail: the
    report is read at 80 columns, where one long line would be cut."""
    headline, *details = line.split("; ")
    return [headline, *(f"  {detail}" for detail in details)]


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


def duration(minutes: float) -> str:
    """A response time as an agent reads it: "45s", "12m", "2h 05m", "3d 4h" (the CSV and JSON
    keep exact minutes; "2308.2" minutes made the reader do the sum)."""
    if minutes < 1:
        return f"{round(minutes * 60)}s"
    if minutes < 10:
        return f"{minutes:.1f}m"
    whole = round(minutes)
    if whole < 60:
        return f"{whole}m"
    hours, rest = divmod(whole, 60)
    if hours < 48:
        return f"{hours}h {rest:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def render_text(report: dict[str, Any]) -> str:
    """The report for a terminal: plain text, no markup, its columns aligned whatever the names."""
    lines = [f"Turnaround report · {report['mentions']} mentions"
             + (f" since {report['since'][:10]}" if report["since"] else "")
             + f" · {report['answered']} answered", ""]
    table = [["First response", "count", "median", "p90"]]
    for by, label in (("by_queue", "queue"), ("by_kind", "kind")):
        for name, stats in report["first_response"][by].items():
            table.append([f"  {label} {name}", str(stats["count"]), duration(stats["median"]),
                          duration(stats["p90"])])
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
        *_wrapped(describe_agreement(report["corrections"])),
        *_wrapped(describe_set_aside(report["hints_set_aside"])),
    ]
    trend = report["sentiment_trend"]
    if trend["days"]:
        means = [d["mean"] for d in trend["days"] if d["mean"] is not None]
        lines += _trend("Sentiment", trend["days"], f"daily mean {min(means):+.2f} to {max(means):+.2f}")
    reviews = report["reviews"]
    if reviews["reviews"]:
        low = reviews["low_star"]
        median = low["median_minutes"]
        fast = f", median {duration(median)} to reply" if median is not None else ""
        lines += _trend(f"Reviews: {reviews['reviews']}, mean {reviews['mean_rating']:.1f}★", reviews["days"],
                        f"1-2★: {low['answered']} of {low['reviews']} answered{fast}")
    if report["busiest_topics"]:
        lines += ["", "Busiest topics"]
        lines += _columns([[f"  {t['topic']}", str(t["count"]), f"({t['negative']} negative)"]
                           for t in report["busiest_topics"]], [26, 5, 0], [False, True, False], [" ", "  "])
    if report["champions"]:
        lines += ["", "Champions"]
        lines += _columns([[f"  {row['author']}", str(row["praise"]),
                            "praise  " + thanks_state(row)]
                           for row in report["champions"]], [26, 3, 0], [False, True, False], [" ", " "])
    return "\n".join(lines)


def thanks_state(row: dict[str, Any]) -> str:
    """Thanked with the saved thanks, answered with a reply (here or outside Turnaround), or neither."""
    if row.get("thanked"):
        return "thanked"
    return "answered" if row.get("answered") else "not thanked yet"
