"""The `turnaround` command: the parser and dispatch in `command`, one module per subcommand beside it.
With no subcommand it starts the inbox."""

from tui.cli.command import main, run

__all__ = ["main", "run"]
