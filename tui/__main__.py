from tui.cli.command import run

run()
