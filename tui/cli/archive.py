"""`turnaround archive`: what compaction does on its own, by hand: settled threads past the age in
lifecycle.toml's `[archive]` move to the archive beside the store."""

from __future__ import annotations

import argparse

from tui.cli.common import EXIT_OK, NO_STORE, die, no_store_yet, store_path
from tui.core.lifecycle_archive import load_policy
from tui.storage.store import Store


def run(args: argparse.Namespace) -> int:
    path = store_path(args)
    if no_store_yet(path):
        return die(NO_STORE.format(path=path))
    policy = load_policy()
    with Store(path) as store:
        for warning in store.warnings:
            die(warning)
        if args.reindex:
            store.archive.reindex()
        moved = store.archive_settled(policy=policy)
        left = store.mention_count()
        where = store.archive.dir
    days = policy.after.total_seconds() / 86400
    print(f"Archived {moved} mention(s) settled more than {days:g} days ago to {where}; "
          f"{left} stay in the store.")
    return EXIT_OK
