"""One JSON decoder for every source, so a lone surrogate escape never loses a mention.

Clients that cut a string mid-emoji send `"\\ud83d"` alone. That is valid JSON (RFC 8259 allows any
`\\uXXXX`), but orjson refuses it and Python cannot encode it to UTF-8 later. `loads()` keeps orjson's
speed for the normal case and, only when orjson refuses, retries with the standard library and puts
U+FFFD in place of each lone half. Anything the standard library accepts but orjson does not for another
reason (NaN, Infinity) is still refused, with orjson's message. orjson is imported on first use: its
import pulls in uuid and platform, which `turnaround triage` on a few lines does not need
(`loads_small` decodes those with the standard library alone).
"""

from __future__ import annotations

import json
import re
from typing import Any

JSONDecodeError = json.JSONDecodeError
"""What a refused text raises (orjson's own error is a subclass of it)."""

MAX_LINE = 1_000_000
"""A longer line is refused rather than held in memory."""

SURROGATE_WARNING = ("a text held half of an emoji (a lone surrogate, as when a client cuts a string); "
                     "kept it with U+FFFD in its place")
"""What a source says, once, when it repaired such a text."""

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]", re.ASCII)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _repair(value: Any) -> tuple[Any, bool]:
    """`value` with lone surrogates replaced in every string (keys too); whether any was found."""
    if isinstance(value, str):
        fixed = _LONE_SURROGATE.sub("\ufffd", value)
        return fixed, fixed != value
    if isinstance(value, list):
        pairs = [_repair(v) for v in value]
        return [v for v, _ in pairs], any(c for _, c in pairs)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        changed = False
        for key, item in value.items():
            new_key, key_changed = _repair(key)
            new_item, item_changed = _repair(item)
            out[new_key] = new_item
            changed = changed or key_changed or item_changed
        return out, changed
    return value, False


def loads(raw: bytes | str) -> tuple[Any, bool]:
    """Decode JSON; returns the value and whether a lone surrogate was replaced by U+FFFD.

    Raises `JSONDecodeError` (a ValueError) with orjson's message for anything else that is not JSON.
    """
    import orjson  # imported on first use: see the module docstring

    try:
        return orjson.loads(raw), False
    except orjson.JSONDecodeError as error:
        refused: ValueError = error
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if not _ESCAPE.search(data):
        raise refused
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise refused from None
    value, repaired = _repair(value)
    if not repaired:
        raise refused
    return value, True


def loads_small(raw: bytes | str) -> tuple[Any, bool]:
    """`loads` with the standard library alone, for a command that reads a few lines and must start fast.

    Refuses what `loads` refuses (NaN and Infinity too); the error message is the standard library's.
    """
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except JSONDecodeError:
        raise
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise JSONDecodeError(str(error), raw if isinstance(raw, str) else "", 0) from None
    return _repair(value)


def decode_line(raw: bytes, *, small: bool = False) -> tuple[dict[str, Any] | None, str | None, bool]:
    """One JSON-lines record to a dict, or a problem saying what is wrong with it; and whether a lone
    surrogate was repaired. `small` decodes with the standard library (see `loads_small`)."""
    if len(raw) > MAX_LINE:
        return None, f"line longer than {MAX_LINE} bytes", False
    try:
        value, repaired = (loads_small if small else loads)(raw)
    except JSONDecodeError:
        return None, "not valid JSON", False
    if not isinstance(value, dict):
        return None, f"not a JSON object (got {type(value).__name__})", False
    return value, None, repaired
