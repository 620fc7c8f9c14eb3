"""Tags as the agent types them: `urgent, vip`, `urgent vip` or `#urgent #vip`; `-vip` removes.

One parser for every place a tag is typed (the `#` prompt, the `/#tag` filter), so a comma never ends
up inside a tag and no tag after the first is dropped.
"""

from __future__ import annotations

import re

from tui.core.sanitize import clean, one_line

_SEPARATORS = re.compile(r"[\s,;]+")
_EDGE_PUNCTUATION = ".,;:!?'\"()[]{}"


def tag_name(word: str) -> str:
    """One tag, as stored: no leading `#`/`-`, no stray punctuation at its ends, one plain line."""
    return one_line(clean(word), 60).lstrip("-#").strip(_EDGE_PUNCTUATION)


def parse_tags(answer: str) -> tuple[list[str], list[str]]:
    """The tags to add and the tags to remove (`-tag`), each once, in the order typed."""
    add: list[str] = []
    remove: list[str] = []
    for word in _SEPARATORS.split(answer.strip()):
        name = tag_name(word)
        if not name:
            continue
        target = remove if word.startswith("-") else add
        if name not in target:
            target.append(name)
    return add, remove
