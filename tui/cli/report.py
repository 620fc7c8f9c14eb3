"""`turnaround report [--since DATE] [--json] [--csv]`: the report of tui/core/report.py, from the store."""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime

import orjson

from tui.cli.common import EXIT_OK, EXIT_USAGE, NO_STORE, die, no_store_yet, read_config, store_path
from tui.core.lifecycle import RulesError, brand_handles, load_user_rules
from tui.core.model import maybe_time, now_utc
from tui.core.report import build_report
from tui.core.report_text import render_text, rows
from tui.rules.config import demo_config
from tui.storage.store import Store


class SinceError(ValueError):
    """A --since that is not a date in the past."""


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
            import dateparser  # ~100 ms to import: only for a phrase, never for an ISO date

            when = dateparser.parse(text, languages=["en"], settings={
                "PREFER_DATES_FROM": "past", "RELATIVE_BASE": now.astimezone(UTC).replace(tzinfo=None),
                "RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"})
    if when is None:
        raise SinceError(f"--since {text!r}: not a date (try 2024-05-01 or '7 days ago')")
    if when > now:
        raise SinceError(f"--since {text!r}: that is in the future")
    return when


def run(args: argparse.Namespace, *, clock: Callable[[], datetime] = now_utc) -> int:
    """`turnaround report [--since DATE] [--json] [--csv] [--db PATH] [--config PATH]`."""
    now = clock()
    since = None
    if getattr(args, "since", None):
        try:
            since = parse_since(args.since, now)
        except SinceError as error:
            return die(str(error))
    config = read_config(getattr(args, "config", None))
    demo = bool(getattr(args, "demo", False))
    if demo and config is None:  # `turnaround --demo report`: the demo's store, brand and handles
        config = demo_config()
    try:
        rules = load_user_rules()
    except RulesError as error:
        return die(str(error), EXIT_USAGE)
    path = store_path(args, demo=demo)
    if no_store_yet(path):
        return die(NO_STORE.format(path=path))
    store = Store(path, readonly=True)
    try:
        report = build_report(
            store, since, now, config.targets if config else None,
            queue_targets=config.queue_targets if config else None,
            ours=brand_handles(config.handles, config.watch) if config else [],
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
    return EXIT_OK
