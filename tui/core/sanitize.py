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
    # Printable ASCII holds none of them: ids, handles and most names skip four regex passes.
    if not (text.isascii() and text.isprintable()):
        text = _ESCAPE_SEQ.sub("", text)
        text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        text = _BIDI.sub("", text)
        text = _LONE_SURROGATE.sub("\ufffd", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


# Where Rich and tmux (3.3, where an agent on SSH reads us) disagree on a width:
# - skin-tone modifiers (U+1F3FB-U+1F3FF): Rich counts one as part of the emoji before it, 0 cells;
#   tmux draws it as a second emoji, 2 cells. A row holding "👌🏼" pushed the rest of its line two
#   cells right, over the detail pane's border and text;
# - the emoji variation selector (U+FE0F): Rich counts "❤️" 2 cells, tmux draws it at the width of
#   "❤" alone, 1. A row holding "❤️❤️❤️" pulled the detail pane three cells left, leaving stray
#   characters of the line drawn there before.
_WIDTH_DISAGREES = re.compile("[\U0001F3FB-\U0001F3FF\ufe0f]")


def on_screen(text: str) -> str:
    """`text` as a terminal shows it: skin tones and emoji variation selectors dropped, so every
    terminal and Rich agree on its width. Only what is drawn: the store, replies and exports keep
    the text as written."""
    return _WIDTH_DISAGREES.sub("", text)


def one_line(text: str, limit: int = 200) -> str:
    """First line-ish of a text for a list row: whitespace folded, capped, as a terminal shows it."""
    text = " ".join(on_screen(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SURROGATE_REF = re.compile(rb"&#(?:[xX]0*([dD][89a-fA-F][0-9a-fA-F]{2})|0*(5[5-7][0-9]{3}));")
_SURROGATE_PAIR_REF = re.compile(
    rb"&#(?:[xX]0*([dD][89abAB][0-9a-fA-F]{2})|0*(5[5-6][0-9]{3}));"
    rb"&#(?:[xX]0*([dD][c-fC-F][0-9a-fA-F]{2})|0*(5[6-7][0-9]{3}));")


def _ref_value(hex_part: bytes | None, dec_part: bytes | None) -> int:
    return int(hex_part, 16) if hex_part else int(dec_part or b"0")


def repair_surrogate_refs(markup: bytes) -> tuple[bytes, bool]:
    """XML/HTML with character references to surrogates made safe; and whether any was found.

    A pair (`&#55357;&#56832;`) becomes the character it encodes; a lone half becomes U+FFFD. feedparser
    raises on a lone one (it cannot encode it), which would lose every entry of the feed.
    """
    if b"&#" not in markup:
        return markup, False

    def pair(match: re.Match[bytes]) -> bytes:
        high = _ref_value(match.group(1), match.group(2))
        low = _ref_value(match.group(3), match.group(4))
        if not (0xD800 <= high <= 0xDBFF and 0xDC00 <= low <= 0xDFFF):
            return match.group(0)
        return b"&#x%X;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))

    def lone(match: re.Match[bytes]) -> bytes:
        value = _ref_value(match.group(1), match.group(2))
        return b"&#xFFFD;" if 0xD800 <= value <= 0xDFFF else match.group(0)

    fixed = _SURROGATE_REF.sub(lone, _SURROGATE_PAIR_REF.sub(pair, markup))
    return fixed, fixed != markup


def csv_cell(value: object) -> object:
    """A value safe for a CSV cell a spreadsheet will open: text that would start a formula gets a
    leading single quote (OWASP's advice). Numbers we computed ourselves pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
