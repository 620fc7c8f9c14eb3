"""What every `turnaround` subcommand shares: exit codes, the one-line error, the config and store it
reads. Kept light (no asyncio, TinyDB, Textual): `triage` imports it and starts from editor hooks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.core.sanitize import clean, one_line
from tui.rules.config import Config, load_config
from tui.storage import paths

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_SOURCE = 0, 1, 2, 3


def die(message: str, code: int = EXIT_USAGE) -> int:
    """Say what went wrong on one line, no traceback; returns the exit status to use."""
    print(f"turnaround: {message}", file=sys.stderr)
    return code


def read_config(path: str | None) -> Config | None:
    """The config named on the command line, else the user's file if there is one, else None."""
    if path is not None:
        return load_config(Path(path))
    default = paths.config_file()
    return load_config(default) if default.exists() else None


def store_path(args: argparse.Namespace, *, demo: bool = False) -> Path:
    """--db, else the demo's or the user's store."""
    if getattr(args, "db", None):
        return Path(args.db)
    return paths.demo_store() if demo else paths.default_store()


def no_store_yet(path: Path) -> bool:
    """Neither a snapshot nor a journal: nothing was ever collected into this store."""
    return not path.exists() and not Path(str(path) + ".log").exists()


NO_STORE = "{path}: no store here yet (run the app or `turnaround collect` first)"


def stranger_line(text: str) -> str:
    """A reason that may quote a stranger or a server, made safe for one terminal line."""
    return one_line(clean(text), 300)
