"""The user's TOML config, read and checked against its schema (tui/datafile_models.ConfigFile).

An unknown key or a wrong type is an error naming the file and the key, so a typo never silently
does nothing. Secrets may live here, so a config readable by others is refused.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.rules.datafile import UserFileError

DEFAULT_TARGETS = {"crisis": 15, "complaint": 60, "question": 240, "praise": 1440, "other": 1440}
SECRET_KEYS = ("token", "password", "app_password", "client_secret", "secret", "access_token")


ConfigError = UserFileError
"""A config the user must fix; the message names the file, the line and the key."""


@dataclass
class Config:
    path: Path | None = None
    brand: str = "our brand"
    agent: str = "the team"
    watch: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    """Phrases that name something else ("Mr Brightside"): tui/core/relevance.py."""
    sources: list[dict[str, Any]] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    queue_targets: dict[str, int] = field(default_factory=dict)
    routing: dict[str, list[str]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    walk_away_days: int = 7

    @property
    def has_sources(self) -> bool:
        return bool(self.sources)


SECTION_KEYS: dict[str, tuple[str, ...] | None] = {
    "brand": ("name", "agent", "watch", "handles", "exclude"),
    "sources": None,  # an array of tables; each source type checks its own keys (tui/sources/)
    "targets": (*DEFAULT_TARGETS, "queues"),
    "routing": None,  # free-form: team = [keywords]
    "keys": None,  # free-form: binding id = keys
    "ui": ("theme",),
    "lifecycle": ("walk_away_days",),
}
"""Every key the schema (tui/datafile_models.ConfigFile) accepts, per section: README's Configuration
documents each, and a test checks both against the schema."""


def _has_secret(data: Any) -> bool:
    if isinstance(data, dict):
        return any((k in SECRET_KEYS and v) or _has_secret(v) for k, v in data.items())
    if isinstance(data, list):
        return any(_has_secret(v) for v in data)
    return False


def load_config(path: Path) -> Config:
    """Read and check a config file. An empty file means: no sources, just the store."""
    # Imported here: most modules need `Config` only, and `turnaround triage` imports this module
    # without reading a config; msgspec (with typing_extensions) would add ~10-30 ms to its start.
    from tui.rules.datafile_models import ConfigFile
    from tui.rules.datafile_schema import check, read_toml

    data, text = read_toml(path)
    if _has_secret(data):
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            raise ConfigError(str(path), problem=f"holds secrets but others can read it; "
                              f"fix with: chmod 600 {path}")
    checked = check(data, ConfigFile, str(path), text)
    for index, source in enumerate(checked.sources, 1):
        if "type" not in source:
            raise ConfigError(str(path), None, "type", "missing", table=f"sources[{index}]",
                              line=_sources_line(text, index))
    targets = checked.targets
    return Config(
        path=path, brand=checked.brand.name, agent=checked.brand.agent, watch=checked.brand.watch,
        handles=checked.brand.handles, exclude=checked.brand.exclude,
        sources=[dict(s) for s in checked.sources],
        targets={kind: getattr(targets, kind) for kind in DEFAULT_TARGETS},
        queue_targets=dict(targets.queues), routing=checked.routing, keys=checked.keys,
        theme=checked.ui.theme, walk_away_days=checked.lifecycle.walk_away_days)


def _sources_line(text: str, index: int) -> int | None:
    """The line of the `index`-th `[[sources]]` header."""
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("[[sources]]"):
            seen += 1
            if seen == index:
                return number
    return None


def demo_config() -> Config:
    """The demo's brand: Brightside Coffee, with its own accounts so its replies are not queued."""
    return Config(brand="Brightside Coffee", agent="Sam",
                  watch=["Brightside", "Bean Club", "Orbit", "Cold Brew Cans"],
                  handles=["@brightside@brightside.social", "@BrightsideCoffee", "brightside.coffee",
                           "u/Brightside_Official"],
                  exclude=["Mr Brightside", "on the brightside"],
                  routing={"safety": ["burn", "overheat", "injury", "plastic", "poisoning"],
                           "security": ["leak", "breach", "phishing", "hacked", "password"],
                           "billing": ["refund", "charged", "billed", "payment"],
                           "app-team": ["app", "crash", "login", "points"],
                           "stores": ["staff", "rude", "cold", "order"]})


def secret(source: dict[str, Any], key: str) -> str | None:
    """A source's secret: `KEY_env` names an environment variable, else the config's own value."""
    env_name = source.get(f"{key}_env")
    if env_name:
        return os.environ.get(env_name)
    value = source.get(key)
    return value if isinstance(value, str) else None
