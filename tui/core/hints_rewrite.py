"""Rewrites: a hint's suggestion filled from the draft as typed and fitted to where it goes."""

from __future__ import annotations

import re

from tui.core.hints_types import Hint, Rule

_GROUP_REF = re.compile(r"\\g<([^>]*)>|\\(\d+)")
_TEMPLATE_REF = re.compile(r"\\g<([^>]*)>|\\(\d+)|\\(.)")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n\s*)([^\W\d_])")
_WORD = re.compile(r"[^\W\d_][\w'&]*")
_LONE_I = re.compile(r"\bi\b(?=$|[\s,.!?;:']|'[a-z])")
# The @handles a reply opens with, and the white space after them.
_LEADING_HANDLES = re.compile(r"\s*(?:[@\uff20][\w.@-]+\s+)+")


def _sentence_starts_at(text: str, start: int) -> bool:
    """Whether only white space lies between `start` and the end of the previous sentence, or
    only the @handles a reply opens with ("@tim PLEASE READ ..." -> "@tim Please read ...")."""
    index = start - 1
    while index >= 0 and text[index].isspace() and text[index] != "\n":
        index -= 1
    return index < 0 or text[index] in ".!?\n" or _LEADING_HANDLES.fullmatch(text, 0, start) is not None



def _expand(template: str, match: re.Match[str], text: str) -> str:
    """Fill group references from the draft as typed (the match ran on the folded copy)."""

    def fill(ref: re.Match[str]) -> str:
        if ref.group(3) is not None:
            return {"n": "\n", "t": "\t"}.get(ref.group(3), ref.group(3))
        group = ref.group(1) if ref.group(1) is not None else ref.group(2)
        key: int | str = int(group) if group.isdigit() else group
        a, b = match.span(key)
        return text[a:b] if a >= 0 else ""

    return _TEMPLATE_REF.sub(fill, template)


def _shape(suggestion: str, rule: Rule, text: str, start: int, end: int) -> str:
    """Fit the suggestion's capitals to where it goes."""
    if rule.case == "keep" or not suggestion:
        return suggestion
    at_sentence_start = _sentence_starts_at(text, start)
    if rule.case == "sentence":
        lowered = _WORD.sub(
            lambda m: m.group(0) if m.group(0).upper() in rule.keep_upper else m.group(0).lower(),
            suggestion,
        )
        lowered = _LONE_I.sub("I", lowered)
        lowered = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), lowered)
        first = _WORD.match(lowered)
        keep_first = first is not None and (
            first.group(0).split("'")[0] == "I" or first.group(0).upper() in rule.keep_upper
        )
        if not at_sentence_start and not keep_first:
            lowered = lowered[:1].lower() + lowered[1:]
        return lowered
    if text[start:end][:1].isupper() and suggestion[:1].islower():
        return suggestion[0].upper() + suggestion[1:]
    return suggestion


# A clause is read at most this far either side of a refusal: a longer one gets no rewrite (and a
# 50,000-character draft with a thousand hints costs no more per hint).
_CLAUSE_REACH = 300
# Where a clause starts, reading back: the end of a sentence, a comma, a colon, a dash.
_CLAUSE_BACK = re.compile(r"[.!?;,:\n\u2013\u2014]|\s-\s")
# @handles and white space a reply opens with: never part of a rewrite.
_LEADING = re.compile(r"(?:\s|[@\uff20][\w.@-]+)*")
# Words that may open a refusal's clause and go with it: "Unfortunately,", "I'm afraid", "Please
# note that", "At the moment". Anything else before the refusal ("We're sorry we can't help",
# "While we cannot guarantee that") keeps its words, so there is no rewrite.
_OPENERS = re.compile(
    r"(?:[\s,]|unfortunately|sadly|regrettably|(?:i'm|i\s+am|we're|we\s+are)\s+afraid(?:\s+that)?"
    r"|please\s+(?:note|be\s+informed|be\s+advised|understand)(?:\s+that)?|however|but|and|so|also"
    r"|ok|okay|well|oh|currently|at\s+(?:this|the)\s+(?:time|moment|minute)|atm|right\s+now"
    r"|at\s+present|for\s+now|as\s+of\s+(?:now|today|yet)|just\s+to\s+let\s+you\s+know(?:\s+that)?)*",
    re.IGNORECASE,
)
# Where a clause ends, reading on: a sentence end, a comma, a turn ("but", "however"), a link, a
# "1/2" marker or a signature ("^MM", "*AMC", "- Jason").
_CLAUSE_END = re.compile(
    r"[.!?;,:\n\u2026]|\s+(?:but|however|though|although)\b|\s+https?://|\s+\(?\d+/\d+\)?(?=\s|$)"
    r"|\s+[\^*~]\S|\s+[-\u2013\u2014=]+\s*[A-Z]\w*\W*$",
    re.IGNORECASE,
)
_SENTENCE_BEFORE = re.compile(r"(?:^|[.!?\n])(?:\s|[@\uff20][\w.@-]+)*$")


def _opening(text: str, stop: int, reach: int) -> int | None:
    """Where the clause ending at `stop` starts, past its leading @handles and white space; None
    when no clause break lies within `reach` (too far back to tell)."""
    low = max(0, stop - reach)
    begin = low
    for match in _CLAUSE_BACK.finditer(text, low, stop):
        begin = match.end()
    if low and begin == low:
        return None
    lead = _LEADING.match(text, begin, stop)
    return lead.end() if lead else begin


def _only_openers(text: str, start: int, stop: int) -> bool:
    """Whether `text[start:stop]` holds nothing but openers ("Unfortunately,", "I'm afraid")."""
    return "@" not in text[start:stop] and _OPENERS.fullmatch(text, start, stop) is not None


def _closing(text: str, end: int) -> int | None:
    """Where the clause going on from `end` ends (a comma inside brackets does not end it); None
    when it runs on too far to tell."""
    stop = end
    while True:
        found = _CLAUSE_END.search(text, stop, min(len(text), stop + _CLAUSE_REACH))
        if found is None:
            return None if len(text) - end > _CLAUSE_REACH else max(end, len(text.rstrip()))
        close = found.start()
        if text.count("(", end, close) <= text.count(")", end, close):
            return max(end, close)
        after = text.find(")", close)
        if after < 0:
            return None
        stop = after + 1


def clause_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The clause that `text[start:end]` opens, with an opener before it ("Unfortunately, we
    cannot change the plan from here"): what a rewrite standing for a whole refusal replaces.

    None when other words come before the match in its clause ("We're sorry we can't help"), or
    the clause runs on too far to tell: replacing only the match would leave its object dangling
    ("what we can do is … the plan from here"), so such a hint offers no rewrite.
    """
    begin = _opening(text, start, _CLAUSE_REACH)
    if begin is None or not _only_openers(text, begin, start):
        return None
    # a clause of openers alone before it goes too: "Unfortunately, we ..."
    while True:
        comma = begin - 1
        while comma >= 0 and text[comma].isspace():
            comma -= 1
        if comma < 0 or text[comma] != ",":
            break
        opening = _opening(text, comma, 40)
        if opening is None or opening >= comma or not _only_openers(text, opening, comma):
            break
        begin = opening
    close = _closing(text, end)
    return None if close is None else (begin, close)


def ends_clause(text: str, end: int) -> bool:
    """Whether nothing but white space lies between `end` and the end of its clause."""
    found = _CLAUSE_END.search(text, end, min(len(text), end + _CLAUSE_REACH))
    stop = found.start() if found is not None else len(text)
    return not text[end:stop].strip()


_ASIDE_END = re.compile(r"\s*[,:]")


def is_aside(text: str, end: int) -> bool:
    """Whether a comma or colon follows `end`: the match is an aside before what it introduces."""
    return _ASIDE_END.match(text, end) is not None


def shape_clause(suggestion: str, text: str, start: int) -> str:
    """A whole-clause rewrite's first letter: a capital at a sentence start, else lower case."""
    if not suggestion or suggestion.startswith(("I ", "I'")):
        return suggestion
    if _SENTENCE_BEFORE.search(text, max(0, start - _CLAUSE_REACH), start):
        return suggestion[0].upper() + suggestion[1:]
    return suggestion[0].lower() + suggestion[1:]


def suggestion_span(hint: Hint) -> tuple[int, int] | None:
    """The span a hint's suggestion takes the place of: its `replaces`, else its own."""
    if hint.replaces is not None:
        return hint.replaces
    if hint.start is None or hint.end is None:
        return None
    return (hint.start, hint.end)


def changed_region(before: str, after: str) -> tuple[int, int]:
    """How many characters `before` and `after` share at the start and at the end (not
    overlapping): the editor replaces only what lies between, as one undoable edit."""
    limit = min(len(before), len(after))
    first = 0
    while first < limit and before[first] == after[first]:
        first += 1
    last = 0
    while last < limit - first and before[-1 - last] == after[-1 - last]:
        last += 1
    return first, last


def apply_suggestion(text: str, hint: Hint) -> str:
    """`text` with the span the hint's suggestion replaces put in its place (unchanged when there
    is no suggestion)."""
    span = suggestion_span(hint)
    if hint.suggestion is None or span is None:
        return text
    start, end = span
    if not 0 <= start <= end <= len(text):
        return text
    rest = text[end:]
    if not hint.suggestion and rest[:1].islower() and _sentence_starts_at(text, start):
        rest = rest[0].upper() + rest[1:]  # "Relax, it's on its way." -> "It's on its way."
    return text[:start] + hint.suggestion + rest
