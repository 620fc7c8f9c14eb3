"""Triage rules: loading tui/rules/data/triage.toml (and a user file merged over it), checking every
key, and compiling its word lists and patterns for the engine (tui/core/triage.py).

A bad rules file fails with a `TriageConfigError` naming the file and the key, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from tui.core.triage_guard import GUARDS_VERSION, Guarded, derive
from tui.rules import data_file
from tui.rules.datafile import UserFileError
from tui.rules.regexcache import RegexCache

LABELS = ("negative", "neutral", "positive")
KINDS = ("complaint", "question", "praise", "crisis", "other")
QUEUE_IDS = ("priority", "needs-reply", "champions", "waiting", "escalated", "walked-away", "done")
NEW_QUEUES = ("priority", "needs-reply", "champions")

PACKAGED = "triage.toml"
# Rule patterns run on lowercased text without re.IGNORECASE, which is several times slower.
_FLAGS = 0
# Regex syntax that is not text to match: escapes ("\\S") and named groups ("(?P<to>", "(?P=to)").
_SYNTAX = re.compile(r"\\.|\(\?P[<=]")
# A named fragment of `[fragments]` used in a pattern: "(?&grievance)" (PCRE's spelling of a call to
# a named group; Python's re has no such construct, so it cannot mean anything else).
_FRAGMENT = re.compile(r"\(\?&(\w+)\)")



class TriageConfigError(UserFileError):
    """A triage rules file that cannot be used: the one user-file error, built from (file, key, problem)."""

    def __init__(self, path: str, key: str, message: str) -> None:
        self.path = path
        self.key = key
        super().__init__(path, None, key, message)


# --- loading and merging ---------------------------------------------------------------------


def _packaged_text() -> str:
    return data_file(PACKAGED).read_text("utf-8")


def _parse(text: str) -> dict[str, Any]:
    import tomllib  # here: a warm `turnaround triage` never parses TOML (see packaged_config)

    return tomllib.loads(text)


@cache
def _packaged_config() -> dict[str, Any]:
    return _parse(_packaged_text())


def packaged_config(regexes: RegexCache | None) -> dict[str, Any]:
    """The packaged rules, parsed once and kept in `regexes`' file when given (tomllib takes ~15 ms).

    The memo is keyed by the file's whole text, so an edited or reinstalled rule file is parsed
    afresh. Callers must not change the result (it is shared, as `_packaged_config`'s is)."""
    if regexes is None:
        return _packaged_config()
    text = _packaged_text()
    config: dict[str, Any] = regexes.memo("toml", text, 0, lambda: _parse(text))
    return config


# Tables a user may add new keys to; anywhere else an unknown key is a typo.
OPEN_TABLES = frozenset({"lexicon", "emoji", "phrases", "topics.aliases", "topics.compounds", "fragments"})
PHRASE_KEYS = frozenset({"valence", "patterns", "problem", "topic", "stands"})
TRUE_OR_LABEL = frozenset({"stands"})  # keys that take true/false or a label


def merge(base: dict[str, Any], over: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """Merge `over` onto `base`: tables recurse, lists extend, scalars replace.

    An unknown key, or a value whose type differs from the packaged one, is refused with the key
    named, so a typo in a user file fails loudly instead of silently disabling a rule.
    """
    out = dict(base)
    for key, value in over.items():
        path = f"{prefix}{key}"
        if key not in base:
            if prefix.rstrip(".") not in OPEN_TABLES:
                raise TriageConfigError(where, path, "unknown key")
            out[key] = value
            continue
        old = base[key]
        if isinstance(old, dict):
            if not isinstance(value, dict):
                raise TriageConfigError(where, path, "must be a table")
            out[key] = merge(old, value, where, f"{path}.")
        elif isinstance(old, list):
            if not isinstance(value, list):
                raise TriageConfigError(where, path, "must be a list (it extends the packaged list)")
            out[key] = [*old, *value]
        elif key in TRUE_OR_LABEL and isinstance(value, bool | str):
            out[key] = value  # `stands = true` or `stands = "neutral"`: checked where it is read
        elif isinstance(old, bool) or isinstance(value, bool):
            if type(old) is not type(value):
                raise TriageConfigError(where, path, f"must be {type(old).__name__}")
            out[key] = value
        elif isinstance(old, int | float):
            if not isinstance(value, int | float):
                raise TriageConfigError(where, path, "must be a number")
            out[key] = value
        elif type(old) is not type(value):
            raise TriageConfigError(where, path, f"must be {type(old).__name__}")
        else:
            out[key] = value
    return out


class _Reader:
    """Typed access to the merged config; every error names the file and the dotted key."""

    def __init__(self, data: dict[str, Any], where: str, regexes: RegexCache | None = None) -> None:
        self.data = data
        self.where = where
        # Compiling ~300 rule patterns is most of triage's start; the cache keeps their code on disk.
        self.regexes = regexes if regexes is not None else RegexCache()

    def fail(self, key: str, message: str) -> TriageConfigError:
        return TriageConfigError(self.where, key, message)

    def get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise self.fail(key, "missing")
            node = node[part]
        return node

    def table(self, key: str) -> dict[str, Any]:
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def number(self, key: str, low: float | None = None, high: float | None = None) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "must be a number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(key, f"must be between {low} and {high}")
        return float(value)

    def flag(self, key: str, default: bool | None = None) -> bool:
        """A true/false setting; with a `default`, the key may be left out."""
        if default is None:
            value = self.get(key)
        else:
            parent, _, name = key.rpartition(".")
            value = self.table(parent).get(name, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def strings(self, key: str) -> list[str]:
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return value

    def string(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise self.fail(key, "must be a string")
        return value

    def expand(self, key: str, pattern: str) -> str:
        """`pattern` with each `(?&name)` replaced by `[fragments]` name as a group: a part several
        rules share (a greeting, the words of a grievance) is written once."""
        if "(?&" not in pattern:
            return pattern
        fragments = self.data.get("fragments", {})

        def fragment(match: re.Match[str]) -> str:
            body = fragments.get(match.group(1)) if isinstance(fragments, dict) else None
            if not isinstance(body, str):
                raise self.fail(key, f"{match.group()} names no string in [fragments]")
            if _FRAGMENT.search(body):
                raise self.fail(f"fragments.{match.group(1)}", "a fragment may not use another")
            return f"(?:{body})"

        return _FRAGMENT.sub(fragment, pattern)

    def patterns(self, key: str) -> list[str]:
        """The list of patterns at `key`, fragments expanded."""
        return [self.expand(f"{key}[{i}]", p) for i, p in enumerate(self.strings(key))]

    def regex(self, key: str, patterns: Iterable[str] | None = None) -> re.Pattern[str] | None:
        """Compile one pattern or a list of them into one alternation (one pass per mention)."""
        items = [self.expand(key, self.string(key))] if patterns is None else list(patterns)
        for index, pattern in enumerate(items):
            label = key if patterns is None else f"{key}[{index}]"
            try:
                self.regexes.compile(pattern)
            except re.error as error:
                raise self.fail(label, f"bad regular expression {pattern!r}: {error}") from None
            if _has_upper(_SYNTAX.sub("", pattern)):
                raise self.fail(label, f"{pattern!r}: patterns match lowercased text; "
                                "write them in lowercase")
        if not items:
            return None
        try:
            # the join scans every pattern in Python (~9 ms for the packaged rules): kept in the cache too
            joined = self.regexes.memo("join", repr(items), 0, lambda: _join(items))
            return self.regexes.compile(joined, _FLAGS)
        except re.error:  # a construct the splitter misread: the plain join is always valid
            return self.regexes.compile("|".join(f"(?:{p})" for p in items), _FLAGS)

    def regex_list(self, key: str) -> Guarded | None:
        """A list of patterns as one alternation that runs only the alternatives a text can match
        (see `tui.core.triage_guard`; the guards are derived once and kept in the cache file)."""
        items = self.patterns(key)
        pattern = self.regex(key, items)
        if pattern is None:
            return None
        key = repr(items)
        # splitting walks every pattern in Python (~10 ms for the packaged rules): cached like the join
        alternatives = self.regexes.memo("alternatives", key, 0,
                                         lambda: [a for p in items for a in _alternatives(p)])
        if pattern.pattern != self.regexes.memo("join", key, 0, lambda: _join(items)):
            return Guarded(pattern)  # compiled from the plain join: no alternatives to pick from
        guards = self.regexes.memo(f"guards-{GUARDS_VERSION}", repr(alternatives), 0,
                                   lambda: [derive(a) for a in alternatives])
        return Guarded(pattern, alternatives, guards)


def _has_upper(text: str) -> bool:
    """Whether any character is upper case; ASCII text (nearly every pattern) is checked in C."""
    if text.isascii():
        return text != text.lower()
    return any(ch.isupper() for ch in text)


def _alternatives(pattern: str) -> list[str]:
    """The top-level `|` alternatives of a pattern (not those inside groups or [classes])."""
    out: list[str] = []
    depth = start = 0
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":  # a leading ] is a literal
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _join(patterns: list[str]) -> str:
    """One alternation of `patterns` that matches exactly what `(?:p1)|(?:p2)|...` matches.

    Runs of alternatives that start with a word boundary share one: `\\b(?:a|b)` is the same
    ordered choice as `\\ba|\\bb`, but Python's engine then tests the boundary once per position
    and can skip each branch on its first letter, about three times faster on these rule lists.
    """
    parts: list[str] = []
    run: list[str] = []
    for alternative in (a for p in patterns for a in _alternatives(p)):
        if alternative.startswith(r"\b"):
            run.append(f"(?:{alternative[2:]})")
            continue
        if run:
            parts.append(r"\b(?:" + "|".join(run) + ")")
            run = []
        parts.append(f"(?:{alternative})")
    if run:
        parts.append(r"\b(?:" + "|".join(run) + ")")
    return "|".join(parts)


@dataclass(frozen=True, slots=True)
class _PhraseGroup:
    name: str
    pattern: Guarded
    valence: float
    problem: bool
    topic: str | None
    stands: bool = False  # the rules' reading stands over the model's (see `RuleSet.stands`)
    stands_as: str | None = None  # ... only when the rules read this label (`stands = "neutral"`)


class _QueueRules:
    """Kind -> starting queue, with negative mentions sent to one queue (bar listed kinds)."""

    def __init__(self, cfg: _Reader) -> None:
        self.by_kind: dict[str, str] = {}
        for kind in KINDS:
            self.by_kind[kind] = self._queue_id(cfg, f"queue.{kind}")
        self.negative = self._queue_id(cfg, "queue.negative")
        self.negative_except = frozenset(cfg.strings("queue.negative_except"))
        for kind in self.negative_except:
            if kind not in KINDS:
                raise cfg.fail("queue.negative_except", f"unknown kind {kind!r}")

    @staticmethod
    def _queue_id(cfg: _Reader, key: str) -> str:
        queue = cfg.string(key)
        if queue not in NEW_QUEUES:
            raise cfg.fail(key, f"must be one of {', '.join(NEW_QUEUES)}")
        return queue

    def queue(self, kind: str, label: str) -> str:
        if label == "negative" and kind not in self.negative_except:
            return self.negative
        return self.by_kind.get(kind, "needs-reply")


@cache
def _packaged_queues() -> _QueueRules:
    return _QueueRules(_Reader(_packaged_config(), PACKAGED))


def queue_for(kind: str, label: str) -> str:
    """The queue a new mention of this kind and label starts in, by the packaged rules.

    Crises, complaints and every negative mention go to `priority`; other questions and `other`
    to `needs-reply`; praise to `champions`.
    """
    return _packaged_queues().queue(kind, label)
