"""Every file location in one place, built on platformdirs (XDG on Linux)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path, user_state_path

APP = "turnaround"


def config_dir() -> Path:
    return user_config_path(APP)


def data_dir() -> Path:
    return user_data_path(APP)


def state_dir() -> Path:
    return user_state_path(APP)


def ui_state_file() -> Path:
    """What the user last chose in the UI (the theme): theirs across every store, demo included."""
    return state_dir() / "ui.json"


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_store() -> Path:
    return data_dir() / "turnaround.json"


def demo_store() -> Path:
    """The demo never writes into a real store."""
    return data_dir() / "demo.json"


def rules_dir() -> Path:
    return config_dir() / "rules"


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def templates_file() -> Path:
    return config_dir() / "templates.toml"


def triage_file() -> Path:
    return config_dir() / "triage.toml"


def cache_dir() -> Path:
    """Only what can be rebuilt (compiled hint rules): deleting it costs speed, never data."""
    return user_cache_path(APP)
