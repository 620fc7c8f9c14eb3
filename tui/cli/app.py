"""`turnaround` with no subcommand: the inbox (the demo when nothing is configured and nothing stored)."""

from __future__ import annotations

import argparse

from tui.cli.common import no_store_yet, read_config, store_path
from tui.rules.config import Config, demo_config
from tui.storage import paths
from tui.storage.store import Store


def run(args: argparse.Namespace) -> int:
    config = read_config(args.config)
    # Without a config the demo runs only on a first start: a store the user named with --db, or one
    # `turnaround collect --source ...` already filled, opens as it is (no demo mentions poured into it).
    demo = args.demo or (config is None and not args.db and no_store_yet(paths.default_store()))
    if demo and not args.db:
        # The demo replays into a fresh store of its own each time, unless another demo holds it.
        Store.reset(paths.demo_store())
    # Imported here, after the store is known to be ours: a second demo stops before Textual loads.
    from tui.ui.app import make_app

    app = make_app(config=demo_config() if demo else config or Config(),
                   db=store_path(args, demo=demo), demo=demo)
    app.run()
    return app.return_code or 0
