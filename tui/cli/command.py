"""The `turnaround` command: its argument parser and `main()`; each subcommand is a module of its
own (tui/cli/command/<command>.py), sharing the inbox's session.

Start-up matters (`lint` and `triage` run from editor hooks and scripts), so this module imports only
argparse at the top and imports a command's module only when it runs: `lint` never loads asyncio,
httpx, TinyDB, Textual or Rich. tests/test_import_hygiene.py holds us to it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from tui import __version__

TYPE_CHECKING = False  # not `from typing`: importing typing costs `lint` ~10 ms of start-up
if TYPE_CHECKING:
    from typing import Any

EXIT_USAGE = 2  # the others are in tui/cli/common.py, which this module does not import (start-up)
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


class _WrapsOneLiners(argparse.RawDescriptionHelpFormatter):
    """Wraps a one-line description to the terminal; keeps a laid-out text (the exit statuses) as
    written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return super()._fill_text(text, width, indent)
        return argparse.HelpFormatter._fill_text(self, text, width, indent)


def _die(message: str, code: int = EXIT_USAGE) -> int:
    print(f"turnaround: {message}", file=sys.stderr)
    return code


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
        # the one-line help opens the command's own --help too
        return sub.add_parser(name, help=help_text, description=help_text, epilog=EXIT_STATUS,
                              formatter_class=_WrapsOneLiners, **kw)

    collect = command("collect", "collect mentions headless (cron, systemd, tmux)")
    _add_store_args(collect)
    collect.add_argument("--source", action="append", default=[], metavar="SPEC",
                         help="jsonl:PATH, jsonl:-, jsonl:URL or sse:URL (repeatable); "
                         "default: the config's sources")
    collect.add_argument("--once", action="store_true", help="stop at the end of input")

    triage = command("triage", "triage mentions from a file or stdin: canonical JSON lines, or plain "
                     "lines of text (printed, never stored); the packaged rules and model: the "
                     "agents' corrections (L) apply when the inbox or collect files a mention")
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
    for module, name in (("tui.rules.datafile", "UserFileError"), ("tui.storage.store", "StoreError"),
                         ("tui.storage.archive", "ArchiveError")):
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(error, getattr(loaded, name)):
            return True
    return False


EXIT_BROKEN_PIPE = 141
"""What a shell reports for a command its pipe's reader stopped early (128 + SIGPIPE)."""

QUICK_EXIT = frozenset({"triage"})
"""Commands after which the process ends without the interpreter's teardown (see `run`)."""


def run() -> None:
    """The `turnaround` program (console script and `python -m tui`): `main`, then exit with its status.

    After `triage` the process ends with `os._exit`, skipping the interpreter's teardown: freeing the
    model's tables (~150k objects) took ~20 ms, a sixth of the command (issue 17). By then the caches
    are written and closed and only stdout/stderr may hold output, so they are flushed first; if that
    fails (a closed pipe), the ordinary exit reports it. In-process callers (tests) use `main`.
    """
    argv = sys.argv[1:]
    try:
        code = main(argv)
    except BrokenPipeError:
        # `turnaround lint draft.txt | head` closed our stdout early: that is the reader's choice,
        # not an error worth a traceback. Point stdout at /dev/null so the final flush is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
    at = _command_index(argv)
    if at is not None and argv[at] in QUICK_EXIT:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        else:
            os._exit(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    at = _command_index(argv)
    if at is not None and argv[at] == "lint":
        if argv[:at]:
            return _die(f"{' '.join(argv[:at])}: not an option of `lint` (see `turnaround lint --help`)")
        from tui.core.lint import main as lint_main

        return lint_main(argv[at + 1:])
    args = build_parser().parse_args(argv)
    try:
        _merge_globals(args)
        # Each command's module is imported only when it runs: `lint`, `triage` and --help start
        # from editor hooks and scripts, and must not pay for asyncio, TinyDB or Textual.
        if args.command == "collect":
            import asyncio

            from tui.cli import collect as cli_collect

            return asyncio.run(cli_collect.run(args))
        if args.command == "triage":
            from tui.cli import triage as cli_triage

            return cli_triage.run(args)
        if args.command == "export":
            from tui.cli import export as cli_export

            return cli_export.run(args)
        if args.command == "sources":
            from tui.cli import sources as cli_sources

            return cli_sources.run(args)
        if args.command == "archive":
            from tui.cli import archive as cli_archive

            return cli_archive.run(args)
        if args.command == "report":
            from tui.cli import report as cli_report

            return cli_report.run(args)
        from tui.cli import app as cli_app

        return cli_app.run(args)
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


if __name__ == "__main__":
    sys.exit(main())
