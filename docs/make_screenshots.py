"""Make the README screenshots: `python docs/make_screenshots.py` writes docs/screenshots/*.svg.

Each picture comes from the deterministic demo app of the snapshot tests (`tests/snapshot_app.py`):
the same mentions, the same fixed clock, a fresh store in a temporary directory, and no user config
or remembered theme (XDG config, data, state and cache dirs point to a temporary directory), so
running it twice gives the same files. Re-run it after a visible UI change; docs/SCREENSHOTS.md
lists what each file shows.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


@dataclass(frozen=True)
class Shot:
    name: str
    steps: str
    """A key of `SCREENS` in tests/snapshot_app.py, or of `EXTRA` below."""
    theme: str = "brightside-dark"
    size: tuple[int, int] = (120, 36)


SHOTS = [
    Shot("inbox", "inbox"),
    Shot("inbox-light", "inbox", theme="brightside-light"),
    Shot("inbox-high-contrast", "inbox", theme="high-contrast"),
    Shot("inbox-colour-blind-safe", "inbox", theme="colour-blind-safe"),
    Shot("inbox-80x24", "inbox", size=(80, 24)),
    Shot("thread", "thread"),
    Shot("reply-hints", "reply"),
    Shot("walk-away", "walk-away-troll"),
    Shot("report", "report"),
]


async def walk_away_from_a_troll(pilot: Any) -> None:
    """Filter to @grindhater (`/`), then `w`: the dialog over a troll's thread."""
    from tests.snapshot_app import no_blink, settle

    await settle(pilot)
    await pilot.press("slash", *"@grindhater", "enter")
    await pilot.pause(0.2)
    await pilot.press("w")
    await pilot.pause(0.2)
    no_blink(pilot.app)


EXTRA: dict[str, Callable[[Any], Awaitable[None]]] = {"walk-away-troll": walk_away_from_a_troll}


async def take(shot: Shot, work: Path) -> Path:
    from tests.snapshot_app import SCREENS, make_snapshot_app

    steps = {**SCREENS, **EXTRA}[shot.steps]
    app = make_snapshot_app(work / f"{shot.name}.json", shot.theme)
    async with app.run_test(size=shot.size) as pilot:
        await steps(pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.1)
        path = app.save_screenshot(filename=f"{shot.name}.svg", path=str(OUT))
    return Path(path)


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for shot in SHOTS:
            started = time.perf_counter()
            path = await take(shot, Path(work))
            print(
                f"{path.relative_to(ROOT)}  {shot.theme}  {shot.size[0]}x{shot.size[1]}  "
                f"{time.perf_counter() - started:.1f} s"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    home = Path(tempfile.mkdtemp(prefix="turnaround-shots-"))
    # State too: a theme remembered by an earlier session (T) would otherwise paint every shot.
    os.environ.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
                      XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"))
    os.environ.pop("NO_COLOR", None)
    asyncio.run(main())
