"""The rules layer (see README, Design)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).with_name("data")
"""The packaged data files. Read by path, not `importlib.resources`: `turnaround triage` starts ~5 ms
sooner without it, and the package is always installed as plain files (wheel or editable)."""


def data_file(name: str) -> Path:
    """A packaged data file, e.g. ``data_file("triage.toml")``."""
    return DATA / name
