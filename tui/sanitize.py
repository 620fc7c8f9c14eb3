"""Neutralise hostile text before it reaches a terminal.

Mention text comes from strangers. Rich `Text` keeps ESC and bidi controls, so a post could recolour the
screen, retitle the terminal or write the clipboard (OSC 52). Everything shown goes through `clean()`.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and C1 controls (which include CSI and OSC introducers).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates can make displayed text lie about its order.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# A whole escape sequence (CSI ... final byte, or OSC ... BEL/ST) is dropped, not just its ESC.
_ESCAPE_SEQ = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
# Half of a surrogate pair (a client cut an emoji in two) cannot be encoded to UTF-8 at all: it would
# crash the store or the terminal later, so it becomes the replacement character.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A spreadsheet treats a cell starting with one of these as a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MAX_TEXT = 10_000
"""Longest mention text we keep; a longer one is cut with a marker."""


def clean(text: str, *, limit: int = MAX_TEXT) -> str:
    """Return `text` with escape sequences, control characters and bidi controls removed, capped."""
    text = _ESCAPE_SEQ.sub("", text)
    text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BIDI.sub("", text)
    text = _LONE_SURROGATE.sub("\ufffd", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def one_line(text: str, limit: int = 200) -> str:
    """First line-ish of a text for a list row: whitespace folded, capped."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def csv_cell(value: object) -> object:
    """A value safe for a CSV cell a spreadsheet will open: text that would start a formula gets a
    leading single quote (OWASP's advice). Numbers we computed ourselves pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
