"""`turnaround export`: every stored mention with its queue and state, as JSON lines or CSV."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

import orjson

from tui.cli.common import EXIT_OK, NO_STORE, die, no_store_yet, store_path
from tui.core.model import Mention, canonical
from tui.core.sanitize import csv_cell
from tui.storage.store import Store

# A review's stars are a column of their own: the first thing a spreadsheet of reviews is sorted by.
# Where a mention went and why (the team, the note, the answer, the walk-away reason) is what a lead
# reviews a week by, so those are columns too.
EXPORT_FIELDS = ("uid", "id", "source", "author", "author_name", "followers", "created_at", "url",
                 "in_reply_to", "thread", "text", "lang", "rating", "label", "sentiment", "kind", "priority",
                 "queue", "state", "read", "tags", "escalated_to", "escalation_note", "escalation_answer",
                 "walk_reason", "snooze_until", "first_response_at", "closed_at")


def export_row(mention: Mention) -> dict[str, Any]:
    row = canonical(mention)
    fields: dict[str, Any] = {**mention}
    for field in EXPORT_FIELDS:
        if field in fields and field not in row:
            row[field] = fields[field]
    return row


def run(args: argparse.Namespace) -> int:
    path = store_path(args)
    if no_store_yet(path):
        return die(NO_STORE.format(path=path))
    store = Store(path, readonly=True)
    out = sys.stdout
    if args.format == "jsonl":
        for mention in store.all_mentions():
            out.write(orjson.dumps(export_row(mention)).decode() + "\n")
        return EXIT_OK
    # Mention text is a stranger's: a cell a spreadsheet would run as a formula gets a leading
    # quote, and every text cell is quoted (OWASP, CSV injection).
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore",
                            quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    for mention in store.all_mentions():
        row = export_row(mention)
        row["tags"] = " ".join(row.get("tags") or ())
        writer.writerow({field: csv_cell(row.get(field)) for field in EXPORT_FIELDS})
    return EXIT_OK
