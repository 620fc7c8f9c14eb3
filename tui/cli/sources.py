"""`turnaround sources`: each configured source and its health, as the `S` panel shows it (both read
tui/services/session_health.py), from what the last process that ran it saved in the store."""

from __future__ import annotations

import argparse

from tui.cli.common import EXIT_OK, read_config, store_path, stranger_line
from tui.services.session_health import error_reason, source_statuses
from tui.storage import paths
from tui.storage.store import Store


def run(args: argparse.Namespace) -> int:
    config = read_config(args.config)
    if config is None or not config.sources:
        print("No sources configured. Add [[sources]] tables to "
              f"{args.config or paths.config_file()} (see README: Configuration).")
        return EXIT_OK
    path = store_path(args)
    store = Store(path, readonly=True) if path.exists() else None
    statuses = source_statuses(config.sources, saved=store.source_state if store else None)
    print(f"{'NAME':<28} {'TYPE':<10} {'HEALTH':<11} {'LAST SUCCESS':<26} {'NEXT TRY':<26} LAST ERROR")
    for status in statuses:
        problems = [error_reason(status.last_error), *status.warnings]
        error = stranger_line("; ".join(problem for problem in problems if problem)) or "-"
        print(f"{status.name[:28]:<28} {status.platform:<10} {status.state:<11} "
              f"{status.last_success or '-':<26} {status.next_try or '-':<26} {error}")
    return EXIT_OK
