"""Status HTML (Mastodon content, feed summaries, HN comments) to plain, safe text.

API (kept stable; other sources import it):

    html_to_text(markup: str, *, limit: int = MAX_TEXT) -> str
        Tags dropped (script/style/head/template contents too), entities decoded, line breaks kept for
        <br>, <p>, <div>, <li>, headings and the like, runs of blank lines folded, then
        `tui.core.sanitize.clean` strips escape sequences, control characters and bidi overrides. Rich
        markup such as `[bold]` stays literal text: we never render markup from mention text.
    unwrap_google_redirect(url: str) -> str
        `https://www.google.com/url?...&q=TARGET` (or `url=TARGET`) -> TARGET; anything else unchanged.

Decoding comes before neutralising on purpose: `&#27;[31m` is an ESC only once decoded, so cleaning first
would let it through.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from tui.core.sanitize import MAX_TEXT, clean

_BLOCK = {
    "p", "div", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "dd", "dt", "dl", "figure", "figcaption", "hr",
}
_DROP = {"script", "style", "head", "template", "noscript", "iframe", "object", "svg", "math", "title"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "embed", "source",
         "track", "param"}
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_GOOGLE = re.compile(r"^(www\.)?google(\.[a-z]{2,3}){1,2}$")


class _TextParser(HTMLParser):
    """Collects text, turning block boundaries into newlines and skipping the contents of `_DROP`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self.skip += 1
        elif self.skip:
            return
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            return  # a self-closed <script/> holds nothing to skip
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.skip = max(0, self.skip - 1)
        elif not self.skip and tag in _BLOCK:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    def handle_charref(self, name: str) -> None:
        """Decode `&#27;` to a real ESC (html.unescape would drop it and leave `[31m` behind) so that
        `clean` removes the whole escape sequence it starts."""
        if self.skip:
            return
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        except ValueError:
            self.parts.append(f"&#{name};")
            return
        valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
        self.parts.append(chr(code) if valid else "\ufffd")

    def handle_entityref(self, name: str) -> None:
        if not self.skip:
            self.parts.append(html.unescape(f"&{name};"))


def html_to_text(markup: str, *, limit: int = MAX_TEXT) -> str:
    """Plain text of an HTML fragment, safe to show: see the module docstring."""
    if not markup:
        return ""
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # very malformed markup: keep what was parsed
        pass
    text = "".join(parser.parts)
    text = clean(text, limit=max(limit * 2, limit))  # controls out before we measure and fold
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    folded: list[str] = []
    for line in lines:
        if not line and (not folded or not folded[-1]):
            continue  # no leading blank lines, no runs of them
        folded.append(line)
    while folded and not folded[-1]:
        folded.pop()
    return clean("\n".join(folded), limit=limit)


def unwrap_google_redirect(url: str) -> str:
    """The target of a google.com/url redirect (Google Alerts links), else `url` unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not _GOOGLE.match((parts.hostname or "").lower()):
        return url
    if parts.path != "/url":
        return url
    query = parse_qs(parts.query)
    for key in ("q", "url"):
        for target in query.get(key, ()):
            if target.startswith(("http://", "https://")):
                return target
    return url
