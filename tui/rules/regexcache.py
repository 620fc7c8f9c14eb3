"""Compiled regular expressions kept on disk, so `turnaround lint` does not re-compile its rules per run.

Compiling the hint rules (a few big alternations) costs about 50 ms of CPU in Python's pure-Python
regex parser, more than the rest of a lint run. A compiled pattern cannot be pickled (unpickling
compiles again), but what the parser produces can: CPython's `re` turns a pattern into a list of
integers and hands it to `_sre.compile`. This module stores those lists, keyed by the pattern text,
its flags and the regex engine's version, and rebuilds patterns from them in microseconds.

This leans on CPython internals (`re._compiler`, `re._parser`, `_sre`), so it is guarded at every
step: another interpreter, another `_sre.MAGIC`, an unreadable or corrupt file, or a rebuilt pattern
that does not match its key all fall back to `re.compile`. `_sre.compile` checks the code it is
given, so a damaged entry raises instead of misbehaving. Nothing is ever required of the cache.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import sys
from array import array
from collections.abc import Callable
from pathlib import Path

TYPE_CHECKING = False  # typing is for the type checker: importing it slows `lint` start-up
if TYPE_CHECKING:
    from typing import Any

    Rewrite = tuple[str, Callable[[Any], Any]]  # a parse-tree rewrite: (name for the cache key, function)


MAX_ENTRIES = 400
"""Past this many entries, a save keeps only what this process used (rules edited away drop out)."""

try:  # pragma: no branch - the guard is for other Python implementations
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _ENGINE = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-{_sre.MAGIC}"
    _USABLE = (sys.implementation.name == "cpython" and hasattr(_compiler, "_code")
               and array("I").itemsize == _sre.CODESIZE)
except ImportError:  # pragma: no cover
    _ENGINE, _USABLE = "", False


class RegexCache:
    """Compiles patterns through an on-disk cache of their compiled code (memory only without a path).

    `memo` keeps other pure results derived from the rule text (start guards, the parsed built-in
    rule file) in the same file. Call `save` once the patterns are built: it writes only when
    something was new.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._entries: dict[Any, Any] = {}
        self._used: set[Any] = set()
        self._dirty = False
        if path is not None and _USABLE:
            with contextlib.suppress(Exception):  # any unreadable cache is an empty one
                entries = marshal.loads(path.read_bytes())
                if isinstance(entries, dict) and entries.get("engine") == _ENGINE:
                    self._entries = entries

    def compile(self, pattern: str, flags: int = 0, rewrite: Rewrite | None = None) -> re.Pattern[str]:
        """`re.compile(pattern, flags)`, from the cache when it holds this pattern.

        `rewrite` is a name and a function that turns the parse tree into one that matches the
        same (a faster form); the name keys the cache, so a new version of the function gets a new name.
        Without the CPython internals the pattern is compiled as written.
        """
        flags = int(flags)
        if not _USABLE:
            return re.compile(pattern, flags)
        key: tuple[Any, ...] = ("re", pattern, flags)
        if rewrite is not None:
            key += (rewrite[0],)
        entry = self._entries.get(key)
        if entry is not None:
            with contextlib.suppress(Exception):
                final_flags, stored, groups, groupindex, stored_index = entry
                code = array("I", stored).tolist()  # stored as bytes: loads far faster than a list
                compiled = _sre.compile(pattern, final_flags, code, groups, groupindex, stored_index)
                self._used.add(key)
                return compiled
            del self._entries[key]  # damaged: compile afresh and store the good code
        try:
            tree = _parser.parse(pattern, flags)
            if rewrite is not None:
                tree = rewrite[1](tree)
            code = [int(op) for op in _compiler._code(tree, flags)]
            state = tree.state
            indexgroup: list[str | None] = [None] * state.groups
            for name, index in state.groupdict.items():
                indexgroup[index] = name
            compiled = _sre.compile(pattern, flags | state.flags, code, state.groups - 1, state.groupdict,
                                    tuple(indexgroup))
        except re.error:
            raise  # a bad pattern, reported as re.compile reports it
        except Exception:  # internals of another CPython than the one this was written for
            return re.compile(pattern, flags)
        entry = (flags | state.flags, array("I", code).tobytes(), state.groups - 1, dict(state.groupdict),
                 tuple(indexgroup))
        self._entries[key] = entry
        self._used.add(key)
        self._dirty = True
        return compiled

    def memo(self, kind: str, text: str, flags: int, work: Callable[[], Any]) -> Any:
        """`work()`, remembered under (kind, text, flags); its result must be marshal-able."""
        key = (kind, text, int(flags))
        if key in self._entries:
            self._used.add(key)
            return self._entries[key]
        value = work()
        try:
            marshal.dumps(value)
        except ValueError:  # not storable (a TOML date, say): still correct, just not cached
            return value
        self._entries[key] = value
        self._used.add(key)
        self._dirty = True
        return value

    def save(self) -> None:
        """Write the cache if anything was added; a failure to write only costs speed next time."""
        if self.path is None or not self._dirty or not _USABLE:
            return
        entries = self._entries
        if len(entries) > MAX_ENTRIES:
            entries = {key: entries[key] for key in self._used}
        entries["engine"] = _ENGINE
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError, ValueError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps(entries))
            os.replace(temporary, self.path)  # atomic: a parallel run reads the old file or the new
            self._dirty = False
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
