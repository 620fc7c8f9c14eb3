"""Which team an escalation goes to: the routing keywords (config `[routing]`) a mention hits most."""

from __future__ import annotations

import re

from tui.core.model import Mention


def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word.strip()).replace(r"\ ", r"\s+") + r"(?!\w)", re.IGNORECASE)


def suggest_team(mention: Mention, routing: dict[str, list[str]]) -> str | None:
    """The team whose routing keywords the mention hits most (text and topics); ties go to the team
    listed first; None when no keyword matches."""
    text = mention.get("text") or ""
    topics = {str(t).lower() for t in mention.get("topics") or ()}
    best, best_hits = None, 0
    for team, words in routing.items():
        hits = sum(1 for w in words if w.strip() and (w.lower() in topics or _word_pattern(w).search(text)))
        if hits > best_hits:
            best, best_hits = team, hits
    return best
