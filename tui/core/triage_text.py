"""What the triage engine reads off one mention: the cleaned text, VADER-scale scores and the
rules' reading (label, problem, question form, news cues, sarcasm, phrases, topics).
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from dataclasses import dataclass

from tui.core.triage_guard import Guarded

_QUOTE_PAIRS = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("“", '"'), ("”", '"'))
_LEADING_HANDLES = re.compile(r"^(?:\s*[@#]\w+[:,]?)+\s*")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE_CHARS = ".@-"


class Handles:
    r"""`re.sub` for handles and tags (@user@host.social, @user.bsky.social, #tag), in linear time.

    As `[@#][\w.@-]*\w` would match, but that regex tries every "@" of a run again and scans the
    run to its end each time: a hostile "@@@@..." of 10,000 characters took 2.3 s to triage. Here
    each run is read once (possessively) and its trailing dots, dashes and "@"s are given back.
    """

    def __init__(self, starts: str) -> None:
        self._run = re.compile(f"[{starts}][\\w{_HANDLE_CHARS}]*+")

    def sub(self, repl: str, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            run = match.group()
            name = run.rstrip(_HANDLE_CHARS)
            return repl + run[len(name):] if len(name) > 1 else run

        return self._run.sub(one, text)


_HANDLE = Handles("@#")
_HANDLE_ONLY = re.compile(r"@\w+")
_WORD = re.compile(r"[a-z][a-z0-9'&-]*[a-z0-9]|[a-z]")
_NEUTRAL_TOKEN = "xxneutral"
_VADER_ALPHA = 15.0  # vaderSentiment.normalize's default
# VADER looks up to three words back for a negation, across sentence ends too ("no water.
# Unacceptable." reads as "not unacceptable"); three neutral tokens after each sentence stop it.
# A run of stops is tried from its first character only (the lookbehind): tried from each, a hostile
# 10,000-character "!!!..." took 0.4 s, every start scanning the run to its end.
_SENTENCE_END = re.compile(r"(?<![.!?])([.!?]+)\s+")
_SENTENCE_BREAK = r"\1 xxbreak xxbreak xxbreak "
_MORE_SENTENCES = re.compile(r"(?<![.!?])[.!?]+\s+\S")


# Twitter's API (and datasets taken from it) leave `&amp;`, `&lt;` and `&gt;` in tweet text; "&lt;3"
# is VADER's "<3". Only whole references are decoded: html.unescape alone would read "&not" as "¬".
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
# Characters that print as nothing but split a word in two ("lea\u200bked"): zero-width space, word
# joiner, byte-order mark, soft hyphen. (Joiners stay: they build emoji sequences.)
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
# Letters styled for emphasis: mathematical bold, italic, script... (𝗯𝗼𝗹𝗱) and fullwidth (ｆｕｌｌ).
# Only these are folded (NFKC); "…", "™" and the like stay as the model learned them.
_STYLED = re.compile("[\U0001d400-\U0001d7ff\uff01-\uff5e]+")


def _unstyled(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def plain_text(text: str) -> str:
    """The text as its author meant it, for reading (never for showing: that goes through clean()).

    Entities are decoded, invisible characters dropped, and styled letters folded: posts written in
    𝗯𝗼𝗹𝗱 or ｆｕｌｌｗｉｄｔｈ for emphasis would otherwise have no words at all, and a leak
    written in bold would not be a crisis.
    """
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    if not text.isascii():
        text = _STYLED.sub(_unstyled, _INVISIBLE.sub("", text))
    return text


def straight_quotes(text: str) -> str:
    """Curly quotes (and ` and ʼ) as straight ones, as the rules and the model read them.

    A few `str.replace` calls, each a C-level scan that returns the same string when the quote is
    absent, and none at all for ASCII text: `str.translate` with a table looked every character up
    (~7 us a mention, and triage straightens each mention three times).
    """
    if "`" in text:
        text = text.replace("`", "'")
    if text.isascii():
        return text
    for curly, straight in _QUOTE_PAIRS:
        text = text.replace(curly, straight)
    return text


def without_links(low: str, placeholder: str = " ") -> str:
    """`low` (lowercased) with each link replaced by `placeholder`; a substring test first, since
    most mentions hold no link."""
    if "http" in low or "www." in low:
        return _URL.sub(placeholder, low)
    return low


def _normalize(total: float) -> float:
    """VADER's squashing of a raw valence sum into [-1, 1]."""
    return total / math.sqrt(total * total + _VADER_ALPHA)


def _unnormalize(compound: float) -> float:
    """The raw valence sum behind a VADER compound score (the inverse of `_normalize`)."""
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(_VADER_ALPHA / (1 - c * c))


def _found(pattern: re.Pattern[str] | Guarded | None, low: str) -> bool:
    return pattern is not None and pattern.search(low) is not None


@dataclass(frozen=True, slots=True)
class _Text:
    """Text in its own case (VADER reads CAPITALS as emphasis) and lowercased (rules match that)."""

    cased: str
    low: str

    @classmethod
    def of(cls, text: str) -> _Text:
        low = text.lower()
        # Lowercasing a few characters changes the length; then spans would not line up.
        return cls(text if len(low) == len(text) else low, low)

    def replace(self, pattern: Guarded, token: str) -> tuple[_Text, int]:
        """Replace every match (found in the lowercase text) by ` token ` in both versions."""
        cased: list[str] = []
        low: list[str] = []
        last = 0
        for match in pattern.finditer(self.low):
            start, end = match.span()
            cased.append(self.cased[last:start])
            low.append(self.low[last:start])
            cased.append(f" {token} ")
            low.append(f" {token} ")
            last = end
        if not cased:
            return self, 0
        cased.append(self.cased[last:])
        low.append(self.low[last:])
        return _Text("".join(cased), "".join(low)), len(cased) // 2


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the sentiment pass learnt about a mention, for the kind rules."""

    low: str  # lowercased, quotes normalised
    compound: float
    label: str
    is_question: bool
    problem: bool  # a problem phrase matched
    personal: bool  # first person, or addressed to someone
    news: bool  # a news / jobs / events cue matched
    topics: tuple[str, ...]  # from phrase rules
    sarcastic: bool  # praise words read as irony
    plain_question: bool  # one sentence that opens as a question
    phrases: tuple[str, ...]  # names of the phrase groups that matched
    pos: float  # VADER's share of positive words in what the phrase rules left
    neg: float


@dataclass(frozen=True, slots=True)
class _Score:
    compound: float
    problem: bool
    topics: list[str]
    phrases: tuple[str, ...]
    pos: float
    neg: float


@dataclass(frozen=True, slots=True)
class _Scan:
    """The phrase rules' valences (in rule order) and VADER's reading of what they left."""

    valences: tuple[float, ...]
    vader: float  # VADER's compound score of the text with the phrases cut out
    problem: bool
    topics: list[str]
    phrases: tuple[str, ...]
    pos: float
    neg: float

    def score(self, fixed: float = 0.0) -> _Score:
        """The compound score with `fixed` (valence the caller cut out) and the phrases' valences
        added to VADER's raw sum, in the order the rules matched (the same float sums every time)."""
        total = fixed
        for valence in self.valences:
            total += valence
        compound = self.vader
        if total:
            compound = _normalize(_unnormalize(compound) + total)
        return _Score(compound, self.problem, self.topics, self.phrases, self.pos, self.neg)
