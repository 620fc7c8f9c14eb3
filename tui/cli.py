"""The `turnaround` command: the inbox, plus headless subcommands that share its pipeline.

Start-up matters (`lint` and `triage` run from editor hooks and scripts), so this module imports only
argparse at the top and each command imports what it needs when it runs: `lint` never loads asyncio,
httpx, TinyDB, Textual or Rich. tests/test_import_hygiene.py holds us to it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tui import __version__

TYPE_CHECKING = False  # not `from typing`: importing typing costs `lint` ~10 ms of start-up
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from tui.config import Config

EXPORT_FIELDS = ("uid", "id", "source", "author", "author_name", "followers", "created_at", "url",
                 "in_reply_to", "thread", "text", "label", "sentiment", "kind", "priority", "queue",
                 "state", "read", "tags", "first_response_at", "closed_at")

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_SOURCE = 0, 1, 2, 3
EXIT_STATUS = """\
exit status:
  0    success
  1    some input lines were invalid (each is named on stderr; the valid ones were kept)
  2    usage error, unreadable config or store, or the store is in use
  3    a source failed: could not connect, was refused (401/403) or is unreachable
       (each failure is one line on stderr naming the source; takes precedence over 1)
  130  interrupted
`turnaround lint` has its own: 0 clean, 1 hints, 2 usage error or unreadable file."""

COMMANDS = ("collect", "triage", "lint", "export", "sources", "report", "archive")
STORE_COMMANDS = {None, "collect", "export", "sources", "report", "archive"}
"""The commands that read --db and --config; the others refuse them rather than ignore them."""


class UsageError(Exception):
    """A command line we will not run; the message says what is allowed."""


def _die(message: str, code: int = EXIT_USAGE) -> int:
    print(f"turnaround: {message}", file=sys.stderr)
    return code


def read_config(path: str | None) -> Config | None:
    """The config named on the command line, else the user's file if there is one, else None."""
    from pathlib import Path

    from tui import paths
    from tui.config import load_config

    if path is not None:
        return load_config(Path(path))
    default = paths.config_file()
    return load_config(default) if default.exists() else None


def _add_store_args(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # The top-level copies use their own dests: argparse would otherwise let the subcommand's
    # default (None) overwrite a value given before the subcommand.
    prefix = "top_" if top else ""
    parser.add_argument("--db", dest=f"{prefix}db", metavar="PATH",
                        help="the store (default: in the user data dir)")
    parser.add_argument("--config", dest=f"{prefix}config", metavar="PATH", help="the TOML config")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="turnaround",
        description="A keyboard-driven terminal inbox for a brand's public mentions. "
        "With no subcommand it opens the inbox (the demo when nothing is configured). "
        "--db and --config may come before or after the subcommand.",
        epilog=EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"turnaround {__version__}")
    _add_store_args(parser, top=True)
    parser.add_argument("--demo", action="store_true", help="run the built-in demo")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, **kw: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, epilog=EXIT_STATUS,
                              formatter_class=argparse.RawDescriptionHelpFormatter, **kw)

    collect = command("collect", "collect mentions headless (cron, systemd, tmux)")
    _add_store_args(collect)
    collect.add_argument("--source", action="append", default=[], metavar="SPEC",
                         help="jsonl:PATH, jsonl:-, jsonl:URL or sse:URL (repeatable); "
                         "default: the config's sources")
    collect.add_argument("--once", action="store_true", help="stop at the end of input")

    triage = command("triage", "triage mentions from a file or stdin")
    triage.add_argument("path", nargs="?", default="-", metavar="PATH|-")
    triage.add_argument("--json", action="store_true", help="one JSON object per mention")
    triage.add_argument("--explain", action="store_true",
                        help="say why: the rules that fired and the words that weighed most")

    sub.add_parser("lint", help="lint reply drafts (see `turnaround lint --help`)", add_help=False)

    export = command("export", "export every stored mention with its queue and state")
    _add_store_args(export)
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")

    sources = command("sources", "list configured sources and their health")
    _add_store_args(sources)

    archive = command("archive", "move settled old threads out of memory, into monthly archive files")
    _add_store_args(archive)
    archive.add_argument("--reindex", action="store_true", help="rebuild the archive's index too")

    report = command("report", "response times, turnaround rate, trends")
    _add_store_args(report)
    report.add_argument("--since", metavar="DATE")
    formats = report.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true")
    formats.add_argument("--csv", action="store_true")
    return parser


def _command_index(argv: list[str]) -> int | None:
    """Where the subcommand is in `argv` (global options may come first), or None if there is none."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in ("--db", "--config"):
            index += 2
            continue
        if token.startswith("-"):
            index += 1
            continue
        return index if token in COMMANDS else None
    return None


def _merge_globals(args: argparse.Namespace) -> None:
    """Honour --db/--config wherever they were given; refuse two different values or a command that
    would ignore them."""
    for key in ("db", "config"):
        top = getattr(args, f"top_{key}", None)
        own = getattr(args, key, None)
        if top is not None and own is not None and top != own:
            raise UsageError(f"--{key} given twice with different values ({top!r} and {own!r}); "
                             "give it once")
        if args.command not in STORE_COMMANDS and top is not None:
            raise UsageError(f"--{key} does not apply to `{args.command}` (it applies to the inbox, "
                             "collect, export, sources and report)")
        setattr(args, key, own if own is not None else top)
    if args.demo and args.command is not None:
        raise UsageError(f"--demo applies only to the inbox, not to `{args.command}`")


def _users_to_fix(error: Exception) -> bool:
    """A bad config or an unusable store: one line, no traceback. Checked against the modules only if
    they were loaded (if not, the error cannot be theirs), so a fast command never imports them."""
    for module, name in (("tui.config", "ConfigError"), ("tui.store", "StoreError"),
                         ("tui.archive", "ArchiveError")):
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(error, getattr(loaded, name)):
            return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    at = _command_index(argv)
    if at is not None and argv[at] == "lint":
        if argv[:at]:
            return _die(f"{' '.join(argv[:at])}: not an option of `lint` (see `turnaround lint --help`)")
        from tui.lint import main as lint_main

        return lint_main(argv[at + 1:])
    args = build_parser().parse_args(argv)
    try:
        _merge_globals(args)
        if args.command == "collect":
            import asyncio

            return asyncio.run(cmd_collect(args))
        if args.command == "triage":
            return cmd_triage(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "sources":
            return cmd_sources(args)
        if args.command == "archive":
            return cmd_archive(args)
        if args.command == "report":
            from tui.report import main as report_main

            return report_main(args)
        return cmd_app(args)
    except UsageError as error:
        return _die(str(error))
    except Exception as error:
        if _users_to_fix(error):
            return _die(str(error))
        raise
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def store_path(args: argparse.Namespace, *, demo: bool = False) -> Path:
    from pathlib import Path

    from tui import paths

    if getattr(args, "db", None):
        return Path(args.db)
    return paths.demo_store() if demo else paths.default_store()


def cmd_app(args: argparse.Namespace) -> int:
    from tui import paths
    from tui.config import Config, demo_config
    from tui.store import Store

    config = read_config(args.config)
    demo = args.demo or config is None
    if demo and not args.db:
        # The demo replays into a fresh store of its own each time, unless another demo holds it.
        Store.reset(paths.demo_store())
    from tui.app import make_app

    app = make_app(config=demo_config() if demo else config or Config(),
                   db=store_path(args, demo=demo), demo=demo)
    app.run()
    return app.return_code or 0


def _one_line(text: str) -> str:
    from tui.sanitize import clean, one_line

    return one_line(clean(text), 300)


async def cmd_collect(args: argparse.Namespace) -> int:
    import asyncio
    import contextlib
    import signal

    from tui import paths
    from tui.config import Config
    from tui.pipeline import Pipeline
    from tui.sources.http import redact
    from tui.sources.registry import SourceSpecError, from_config, from_spec
    from tui.store import Store
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
    # Each source's errors and warnings go to stderr as they happen (its SourceHealth tells us), one
    # line naming the source; names can hold a URL, so they are redacted like the reasons are.
    failed: set[str] = set()
    for source in sources:
        label = redact(source.name)

        def tell(level: str, text: str, label: str = label) -> None:
            if level == "error":
                failed.add(label)
            prefix = "warning: " if level == "warning" else ""
            print(f"turnaround: {label}: {prefix}{_one_line(text)}", file=sys.stderr, flush=True)

        source.health.listeners.append(tell)
    triager = Triager.load(paths.triage_file() if paths.triage_file().exists() else None)
    store = Store.open_or_spool(store_path(args))  # held by the inbox: hand mentions to it
    for warning in store.warnings:
        print(f"turnaround: {warning}", file=sys.stderr)
    pipeline = Pipeline(store, triager, ours=(config or Config()).handles)
    pipeline.warning_hooks.append(lambda line: print(f"turnaround: {line}", file=sys.stderr, flush=True))
    counts = pipeline.drain_spool()  # what an earlier collect handed to an inbox since closed

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
    try:
        results = await asyncio.gather(
            *(pipeline.run(source, on_outcome=report, counts=counts) for source in sources),
            return_exceptions=True,
        )
        for source, result in zip(sources, results, strict=True):
            label = redact(source.name)
            if isinstance(result, BaseException) and label not in failed:
                # Not reported through its health: say what, never the details (they may hold secrets).
                reason = getattr(result, "strerror", None) or type(result).__name__
                failed.add(label)
                print(f"turnaround: {label}: {_one_line(str(reason))}", file=sys.stderr)
    except asyncio.CancelledError:
        pass
    finally:
        sync_task.cancel()
        for source in sources:
            await source.aclose()
        store.close()
        print(counts)
    unhealthy = {redact(s.name) for s in sources if not s.health.healthy}
    if unhealthy or (failed and args.once):
        return EXIT_SOURCE
    return EXIT_INVALID if counts.invalid else EXIT_OK


def _read_lines(path: str) -> tuple[str, Any]:
    from pathlib import Path

    from tui.config import ConfigError

    if path == "-":
        return "<stdin>", sys.stdin.buffer
    try:
        return Path(path).name, open(path, "rb")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None


def cmd_triage(args: argparse.Namespace) -> int:
    import orjson

    from tui import paths
    from tui.jsonio import SURROGATE_WARNING, decode_line
    from tui.model import MentionError, parse_mention, parse_time
    from tui.sanitize import one_line
    from tui.triage import Triager

    where, handle = _read_lines(args.path)
    triager = Triager.load(paths.triage_file() if paths.triage_file().exists() else None)
    invalid = 0
    warned = False
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        data, problem, repaired = decode_line(line)
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
    return EXIT_INVALID if invalid else EXIT_OK


def export_row(mention: dict[str, Any]) -> dict[str, Any]:
    from tui.model import canonical

    row = canonical(mention)
    for field in EXPORT_FIELDS:
        if field in mention and field not in row:
            row[field] = mention[field]
    return row


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    import orjson

    from tui.store import Store

    path = store_path(args)
    if not path.exists() and not Path(str(path) + ".log").exists():
        return _die(f"{path}: no store here yet (run the app or `turnaround collect` first)")
    store = Store(path, readonly=True)
    out = sys.stdout
    if args.format == "jsonl":
        for mention in store.all_mentions():
            out.write(orjson.dumps(export_row(mention)).decode() + "\n")
    else:
        import csv

        from tui.sanitize import csv_cell

        # Mention text is a stranger's: a cell a spreadsheet would run as a formula gets a leading
        # quote, and every text cell is quoted (OWASP, CSV injection).
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore",
                                quoting=csv.QUOTE_NONNUMERIC)
        writer.writeheader()
        for mention in store.all_mentions():
            row = export_row(mention)
            row["tags"] = " ".join(row.get("tags") or ())
            writer.writerow({field: csv_cell(row.get(field)) for field in EXPORT_FIELDS})
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    """What compaction does on its own, by hand: settled threads past the age in lifecycle.toml's
    `[archive]` move to the archive beside the store."""
    from pathlib import Path

    from tui.lifecycle_archive import load_policy
    from tui.store import Store

    path = store_path(args)
    if not path.exists() and not Path(str(path) + ".log").exists():
        return _die(f"{path}: no store here yet (run the app or `turnaround collect` first)")
    policy = load_policy()
    with Store(path) as store:
        for warning in store.warnings:
            print(f"turnaround: {warning}", file=sys.stderr)
        if args.reindex:
            store.archive.reindex()
        moved = store.archive_settled(policy=policy)
        left = store.mention_count()
        where = store.archive.dir
    days = policy.after.total_seconds() / 86400
    print(f"Archived {moved} mention(s) settled more than {days:g} days ago to {where}; "
          f"{left} stay in the store.")
    return EXIT_OK


def cmd_sources(args: argparse.Namespace) -> int:
    from tui import paths
    from tui.sources.registry import source_name
    from tui.store import Store

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
