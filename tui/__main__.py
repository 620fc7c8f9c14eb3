import sys

from tui.cli.command import main

sys.exit(main())
