"""The user's TOML config, read with tomllib and checked into typed settings.

An unknown key or a wrong type is an error naming the file and the key, so a typo never silently
does nothing. Secrets may live here, so a config readable by others is refused.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TARGETS = {"crisis": 15, "complaint": 60, "question": 240, "praise": 1440, "other": 1440}
SECRET_KEYS = ("token", "password", "app_password", "client_secret", "secret", "access_token")


class ConfigError(Exception):
    """A config the user must fix; the message names the file and the key."""


@dataclass
class Config:
    path: Path | None = None
    brand: str = "our brand"
    agent: str = "the team"
    watch: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
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
    "brand": ("name", "agent", "watch", "handles"),
    "sources": None,  # an array of tables; each source type checks its own keys (tui/sources/)
    "targets": (*DEFAULT_TARGETS, "queues"),
    "routing": None,  # free-form: team = [keywords]
    "keys": None,  # free-form: binding id = keys
    "ui": ("theme",),
    "lifecycle": ("walk_away_days",),
}
"""Every key the reader accepts, per section (README's Configuration documents each; a test checks)."""
_SECTIONS = set(SECTION_KEYS)


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}: expected {name}, got {type(value).__name__}")
    return value


def _has_secret(data: Any) -> bool:
    if isinstance(data, dict):
        return any((k in SECRET_KEYS and v) or _has_secret(v) for k, v in data.items())
    if isinstance(data, list):
        return any(_has_secret(v) for v in data)
    return False


def load_config(path: Path) -> Config:
    """Read and check a config file. An empty file means: no sources, just the store."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config ({error.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if _has_secret(data):
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            raise ConfigError(
                f"{path}: holds secrets but others can read it; fix with: chmod 600 {path}"
            )
    config = Config(path=path)
    for key in data:
        if key not in _SECTIONS:
            known = ", ".join(sorted(_SECTIONS))
            raise ConfigError(f"{path}: unknown section or key {key!r} (known: {known})")
    brand = _expect(data.get("brand", {}), dict, f"{path}: [brand]")
    for key, value in brand.items():
        where = f"{path}: brand.{key}"
        if key in ("name", "agent"):
            setattr(config, "brand" if key == "name" else "agent", _expect(value, str, where))
        elif key in ("watch", "handles"):
            setattr(config, key, [_expect(v, str, where) for v in _expect(value, list, where)])
        else:
            raise ConfigError(f"{where}: unknown key (known: {', '.join(SECTION_KEYS['brand'] or ())})")
    sources = _expect(data.get("sources", []), list, f"{path}: sources")
    for index, source in enumerate(sources, 1):
        where = f"{path}: sources[{index}]"
        _expect(source, dict, where)
        if "type" not in source:
            raise ConfigError(f"{where}: missing key 'type'")
        config.sources.append(dict(source))
    targets = _expect(data.get("targets", {}), dict, f"{path}: [targets]")
    for key, value in targets.items():
        where = f"{path}: targets.{key}"
        if key == "queues":
            for queue, minutes in _expect(value, dict, where).items():
                config.queue_targets[queue] = _expect(minutes, int, f"{where}.{queue}")
        elif key in DEFAULT_TARGETS:
            config.targets[key] = _expect(value, int, where)
        else:
            raise ConfigError(f"{where}: unknown kind (known: {', '.join(DEFAULT_TARGETS)})")
    routing = _expect(data.get("routing", {}), dict, f"{path}: [routing]")
    for team, words in routing.items():
        where = f"{path}: routing.{team}"
        config.routing[team] = [_expect(w, str, where) for w in _expect(words, list, where)]
    keys = _expect(data.get("keys", {}), dict, f"{path}: [keys]")
    config.keys = {k: _expect(v, str, f"{path}: keys.{k}") for k, v in keys.items()}
    ui = _expect(data.get("ui", {}), dict, f"{path}: [ui]")
    for key, value in ui.items():
        if key != "theme":
            raise ConfigError(f"{path}: ui.{key}: unknown key")
        config.theme = _expect(value, str, f"{path}: ui.theme")
    lifecycle = _expect(data.get("lifecycle", {}), dict, f"{path}: [lifecycle]")
    for key, value in lifecycle.items():
        if key != "walk_away_days":
            raise ConfigError(f"{path}: lifecycle.{key}: unknown key")
        config.walk_away_days = _expect(value, int, f"{path}: lifecycle.walk_away_days")
    return config


def demo_config() -> Config:
    """The demo's brand: Brightside Coffee, with its own accounts so its replies are not queued."""
    return Config(brand="Brightside Coffee", agent="Sam",
                  watch=["Brightside", "Bean Club", "Orbit", "Cold Brew Cans"],
                  handles=["@brightside@brightside.social", "@BrightsideCoffee", "brightside.coffee",
                           "u/Brightside_Official"],
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
