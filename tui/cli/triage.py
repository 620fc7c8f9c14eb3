"""`turnaround triage PATH|-`: triage mentions from a file or stdin, one line or JSON object each.

Runs from editor hooks and scripts: imports nothing that starts slowly (no asyncio, TinyDB, Textual).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tui.cli.common import EXIT_INVALID, EXIT_OK
from tui.core.model import MentionError, parse_mention, parse_time
from tui.core.sanitize import one_line
from tui.core.triage import CACHE_FILE_NAME, Triager
from tui.rules.config import ConfigError
from tui.storage import paths
from tui.storage.jsonio import SURROGATE_WARNING, decode_line

NOW_ISO = datetime.now(UTC).isoformat(timespec="seconds")
"""A plain-text line's time: now, so its priority is that of a fresh mention."""


def _read_lines(path: str) -> tuple[str, IO[bytes]]:
    if path == "-":
        return "<stdin>", sys.stdin.buffer
    try:
        return Path(path).name, open(path, "rb")
    except OSError as error:
        raise ConfigError(path, problem=f"cannot read ({error.strerror})") from None


def run(args: argparse.Namespace) -> int:
    where, handle = _read_lines(args.path)
    triager = Triager.load(paths.triage_file() if paths.triage_file().exists() else None,
                           cache_file=paths.cache_dir() / CACHE_FILE_NAME)
    invalid = 0
    warned = False
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        if not line.lstrip().startswith((b"{", b"[")):
            # A line of plain text is a mention's text: `echo "my order never came" | turnaround
            # triage --explain` asks what triage makes of some wording. It is printed, never stored.
            text = line.decode("utf-8", errors="replace").strip()
            line = json.dumps({"id": str(number), "source": "text", "author": "-", "text": text,
                               "created_at": NOW_ISO}).encode()
        data, problem, repaired = decode_line(line, small=True)
        if repaired and not warned:
            warned = True
            print(f"{where}:{number}: warning: {SURROGATE_WARNING}", file=sys.stderr)
        try:
            if problem:
                raise MentionError(problem)
            mention = parse_mention(data)
        except MentionError as error:
            invalid += 1
            print(f"{where}:{number}: {error}", file=sys.stderr)
            continue
        result = triager.triage(mention["text"], followers=mention.get("followers"),
                                created_at=parse_time(mention["created_at"]), explain=args.explain)
        row = {"id": mention["id"], "label": result.label, "sentiment": result.sentiment,
               "kind": result.kind, "priority": result.priority, "queue": result.queue,
               "lang": result.lang}
        if args.explain:
            row["why"] = [result.describe(), *map(str, result.why)]
        if args.json:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        else:
            row["text"] = mention["text"]
            rows.append(row)
    if not args.json and rows:
        _print_table(rows)
    return EXIT_INVALID if invalid else EXIT_OK


def _print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'ID':<14} {'QUEUE':<12} {'KIND':<10} {'LABEL':<9} {'SENT':>6} {'PRI':>4}  TEXT")
    for row in rows:
        text = " ".join(row["text"].split())[:60]
        label = row["label"] if row["lang"] == "en" else f"?({row['lang']})"
        print(f"{row['id'][:14]:<14} {row['queue']:<12} {row['kind']:<10} {label:<9} "
              f"{row['sentiment']:>6.2f} {row['priority']:>4}  {text}")
        for line in row.get("why", ()):
            print(f"{'':<14}   {one_line(line, 200)}")
