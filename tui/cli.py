"""The `turnaround` command: the inbox, plus headless subcommands that share its pipeline.

The headless paths import nothing from Textual, so `collect`, `triage`, `lint` and `export` start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from tui import __version__, paths
from tui.config import Config, ConfigError, demo_config, load_config
from tui.model import MentionError, canonical, parse_mention, parse_time
from tui.sanitize import one_line
from tui.store import Store, StoreError

EXPORT_FIELDS = ("uid", "id", "source", "author", "author_name", "followers", "created_at", "url",
                 "in_reply_to", "thread", "text", "label", "sentiment", "kind", "priority", "queue",
                 "state", "read", "tags", "first_response_at", "closed_at")


def _die(message: str, code: int = 2) -> int:
    print(f"turnaround: {message}", file=sys.stderr)
    return code


def read_config(path: str | None) -> Config | None:
    """The config named on the command line, else the user's file if there is one, else None."""
    if path is not None:
        return load_config(Path(path))
    default = paths.config_file()
    return load_config(default) if default.exists() else None


def _add_store_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="the store (default: in the user data dir)")
    parser.add_argument("--config", metavar="PATH", help="the TOML config")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="turnaround",
        description="A keyboard-driven terminal inbox for a brand's public mentions. "
        "With no subcommand it opens the inbox (the demo when nothing is configured).",
    )
    parser.add_argument("--version", action="version", version=f"turnaround {__version__}")
    _add_store_args(parser)
    parser.add_argument("--demo", action="store_true", help="run the built-in demo")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    collect = sub.add_parser("collect", help="collect mentions headless (cron, systemd, tmux)")
    _add_store_args(collect)
    collect.add_argument("--source", action="append", default=[], metavar="SPEC",
                         help="jsonl:PATH, jsonl:-, jsonl:URL or sse:URL (repeatable); "
                         "default: the config's sources")
    collect.add_argument("--once", action="store_true", help="stop at the end of input")

    triage = sub.add_parser("triage", help="triage mentions from a file or stdin")
    triage.add_argument("path", nargs="?", default="-", metavar="PATH|-")
    triage.add_argument("--json", action="store_true", help="one JSON object per mention")
    triage.add_argument("--explain", action="store_true",
                        help="say why: the rules that fired and the words that weighed most")

    sub.add_parser("lint", help="lint a reply draft (see `turnaround lint --help`)", add_help=False)

    export = sub.add_parser("export", help="export every stored mention with its queue and state")
    _add_store_args(export)
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")

    sources = sub.add_parser("sources", help="list configured sources and their health")
    _add_store_args(sources)

    report = sub.add_parser("report", help="response times, turnaround rate, trends")
    _add_store_args(report)
    report.add_argument("--since", metavar="DATE")
    report.add_argument("--json", action="store_true")
    report.add_argument("--csv", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["lint"]:
        from tui.lint import main as lint_main

        return lint_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command == "collect":
            return asyncio.run(cmd_collect(args))
        if args.command == "triage":
            return cmd_triage(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "sources":
            return cmd_sources(args)
        if args.command == "report":
            from tui.report import main as report_main

            return report_main(args)
        return cmd_app(args)
    except (ConfigError, StoreError) as error:
        return _die(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def store_path(args: argparse.Namespace, *, demo: bool = False) -> Path:
    if getattr(args, "db", None):
        return Path(args.db)
    return paths.demo_store() if demo else paths.default_store()


def cmd_app(args: argparse.Namespace) -> int:
    config = read_config(args.config)
    demo = args.demo or config is None
    if demo and not args.db:
        # The demo replays into a fresh store of its own each time.
        for suffix in ("", ".log", ".log.old"):
            Path(str(paths.demo_store()) + suffix).unlink(missing_ok=True)
    from tui.app import make_app

    app = make_app(config=demo_config() if demo else config or Config(),
                   db=store_path(args, demo=demo), demo=demo)
    app.run()
    return app.return_code or 0


async def cmd_collect(args: argparse.Namespace) -> int:
    from tui.pipeline import Counts, Pipeline
    from tui.sources.registry import SourceSpecError, from_config, from_spec
    from tui.triage import Triager

    config = read_config(args.config)
    try:
        if args.source:
            sources = [from_spec(spec, once=args.once) for spec in args.source]
        else:
            sources = [from_config(t, i) for i, t in enumerate((config or Config()).sources, 1)]
            for source in sources:
                if hasattr(source, "once"):
                    source.once = args.once  # one pass and stop, for cron
    except SourceSpecError as error:
        return _die(str(error))
    if not sources:
        return _die("no sources: pass --source SPEC or configure [[sources]] in the config")
    triager = Triager.load(paths.triage_file() if paths.triage_file().exists() else None)
    store = Store(store_path(args))
    for warning in store.warnings:
        print(f"turnaround: {warning}", file=sys.stderr)
    pipeline = Pipeline(store, triager, ours=(config or Config()).handles)
    counts = Counts()

    def report(outcome: Any) -> None:
        if outcome.status == "invalid":
            print(counts.problems[-1], file=sys.stderr, flush=True)

    async def syncer() -> None:
        while True:
            await asyncio.sleep(0.1)
            await asyncio.to_thread(store.sync)

    sync_task = asyncio.create_task(syncer())
    # systemd stops with SIGTERM, a tmux pane with ctrl+c: either one ends the run cleanly, with
    # the store compacted and the counts printed.
    main_task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if main_task is not None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, main_task.cancel)
    failed = False
    try:
        results = await asyncio.gather(
            *(pipeline.run(source, on_outcome=report, counts=counts) for source in sources),
            return_exceptions=True,
        )
        for source, result in zip(sources, results, strict=True):
            if isinstance(result, BaseException):
                failed = True
                print(f"turnaround: {source.name}: {result}", file=sys.stderr)
    except asyncio.CancelledError:
        pass
    finally:
        sync_task.cancel()
        for source in sources:
            await source.aclose()
        store.close()
        print(counts)
    return 1 if counts.invalid or failed else 0


def _read_lines(path: str) -> tuple[str, Any]:
    if path == "-":
        return "<stdin>", sys.stdin.buffer
    try:
        return Path(path).name, open(path, "rb")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None


def cmd_triage(args: argparse.Namespace) -> int:
    from tui.sources.jsonl import decode_line
    from tui.triage import Triager

    where, handle = _read_lines(args.path)
    triager = Triager.load(paths.triage_file() if paths.triage_file().exists() else None)
    invalid = 0
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        data, problem = decode_line(line)
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
            sys.stdout.write(orjson.dumps(row).decode() + "\n")
        else:
            row["text"] = mention["text"]
            rows.append(row)
    if not args.json and rows:
        print(f"{'ID':<14} {'QUEUE':<12} {'KIND':<10} {'LABEL':<9} {'SENT':>6} {'PRI':>4}  TEXT")
        for row in rows:
            text = " ".join(row["text"].split())[:60]
            label = row["label"] if row["lang"] == "en" else f"?({row['lang']})"
            print(f"{row['id'][:14]:<14} {row['queue']:<12} {row['kind']:<10} {label:<9} "
                  f"{row['sentiment']:>6.2f} {row['priority']:>4}  {text}")
            for line in row.get("why", ()):
                print(f"{'':<14}   {one_line(line, 200)}")
    return 1 if invalid else 0


def export_row(mention: dict[str, Any]) -> dict[str, Any]:
    row = canonical(mention)
    for field in EXPORT_FIELDS:
        if field in mention and field not in row:
            row[field] = mention[field]
    return row


def cmd_export(args: argparse.Namespace) -> int:
    path = store_path(args)
    if not path.exists() and not Path(str(path) + ".log").exists():
        return _die(f"{path}: no store here yet (run the app or `turnaround collect` first)")
    store = Store(path, readonly=True)
    out = sys.stdout
    if args.format == "jsonl":
        for mention in store.mentions():
            out.write(orjson.dumps(export_row(mention)).decode() + "\n")
    else:
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for mention in store.mentions():
            row = export_row(mention)
            row["tags"] = " ".join(row.get("tags") or ())
            writer.writerow(row)
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from tui.sources.registry import source_name

    config = read_config(args.config)
    if config is None or not config.sources:
        print("No sources configured. Add [[sources]] tables to "
              f"{args.config or paths.config_file()} (see README: Configuration).")
        return 0
    path = store_path(args)
    store = Store(path, readonly=True) if path.exists() else None
    print(f"{'NAME':<28} {'TYPE':<10} {'HEALTH':<8} {'LAST SUCCESS':<26} {'NEXT TRY':<26} LAST ERROR")
    for index, table in enumerate(config.sources, 1):
        name = source_name(table, index)
        state = store.source_state(name) if store else {}
        health = "ok" if state.get("healthy", True) else "failing"
        if not state:
            health = "never"
        print(f"{name[:28]:<28} {table['type']:<10} {health:<8} {state.get('last_success') or '-':<26} "
              f"{state.get('next_try') or '-':<26} {state.get('last_error') or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
