"""Rewrites: a hint's suggestion filled from the draft as typed and fitted to where it goes."""

from __future__ import annotations

import re

from tui.core.hints_types import Hint, Rule

_GROUP_REF = re.compile(r"\\g<([^>]*)>|\\(\d+)")
_TEMPLATE_REF = re.compile(r"\\g<([^>]*)>|\\(\d+)|\\(.)")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n\s*)([^\W\d_])")
_WORD = re.compile(r"[^\W\d_][\w'&]*")
_LONE_I = re.compile(r"\bi\b(?=$|[\s,.!?;:']|'[a-z])")


def _sentence_starts_at(text: str, start: int) -> bool:
    """Whether only white space lies between `start` and the end of the previous sentence."""
    index = start - 1
    while index >= 0 and text[index].isspace() and text[index] != "\n":
        index -= 1
    return index < 0 or text[index] in ".!?\n"



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


def apply_suggestion(text: str, hint: Hint) -> str:
    """`text` with the hint's span replaced by its suggestion (unchanged when there is none)."""
    if hint.suggestion is None or hint.start is None or hint.end is None:
        return text
    if not 0 <= hint.start <= hint.end <= len(text):
        return text
    return text[: hint.start] + hint.suggestion + text[hint.end :]
