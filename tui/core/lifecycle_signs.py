"""Who a thread is with, and the signs that it cannot be won (lose-lose): replies that change
nothing, abuse, the same complaint again after a resolution. Signs are shown, never acted on: the agent
decides whether to walk away."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tui.core.lifecycle_history import Blank
from tui.core.lifecycle_rules import Rules
from tui.core.model import Mention, maybe_time, parse_time
from tui.storage.store import Store


@dataclass(frozen=True, slots=True)
class Sign:
    """One lose-lose sign seen in a thread: a stable id, the line to show, the reason it suggests."""

    id: str
    text: str
    reason: str


def brand_handles(handles: Iterable[str], watch: Iterable[str] = ()) -> list[str]:
    """The brand's own handles, from one place for every reader (inbox, report screen, `report`,
    `collect`): the config's `[brand] handles`; when those are not set, the "@"-words of `watch`
    (how older configs named them)."""
    listed = [handle for handle in handles if handle.strip()]
    return listed or [word for word in watch if word.startswith("@")]


def our_handles(handles: Iterable[str]) -> frozenset[str]:
    return frozenset(h.strip().lstrip("@").lower() for h in handles if h.strip())


def by_us(author: object, ours: frozenset[str]) -> bool:
    """Whether `author` is one of `ours` (from `our_handles`): "@Delta", "delta" name one account."""
    return str(author or "").lstrip("@").lower() in ours


def is_negative(mention: Mention, rules: Rules) -> bool:
    label = mention.get("label")
    if label:
        return label == "negative"
    return float(mention.get("sentiment") or 0.0) <= rules.negative


def customer_of(thread: list[Mention], ours: frozenset[str]) -> str | None:
    """The person a thread is with: the author of its oldest mention that is not ours."""
    for mention in thread:
        if not by_us(mention.get("author"), ours):
            return mention.get("author")
    return None


_WORD = re.compile(r"[a-z0-9']{3,}")


def _words(text: str, ignore: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in ignore)


def _similar(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def lose_lose(store: Store, thread_uid: str, rules: Rules, ours: frozenset[str]) -> list[Sign]:
    """The signs that a thread cannot be won, in the order the rules list them."""
    thread = store.thread(thread_uid)
    customer = customer_of(thread, ours)
    if customer is None:
        return []
    theirs = [m for m in thread if m.get("author") == customer]
    events = [e for e in store.events_for(thread_uid) if not e.get("undone")]
    signs: list[Sign] = []

    def sign(sign_id: str, **values: Any) -> Sign:
        text = rules.sign_text.get(sign_id, sign_id).format_map(Blank(values))
        return Sign(sign_id, text, rules.sign_reason.get(sign_id, "other"))

    replies = max(sum(1 for e in events if e.get("action") == "reply"),
                  sum(1 for m in thread if by_us(m.get("author"), ours)))
    if replies >= rules.min_replies and theirs:
        first = float(theirs[0].get("sentiment") or 0.0)
        last = float(theirs[-1].get("sentiment") or 0.0)
        if last <= first + rules.improve_margin:
            signs.append(sign("replies-without-improvement", n=replies, first=first, last=last))
    if rules.abusive is not None and any(rules.abusive.search(m.get("text") or "") for m in theirs):
        signs.append(sign("abusive-language"))
    offered = [t for e in events if e.get("action") in ("resolve", "request-feedback")
               and (t := maybe_time(e.get("at"))) is not None]
    if offered:
        since = min(offered)
        everything = store.by_author(customer)
        earlier = [_words(m.get("text") or "", rules.ignore_words) for m in everything
                   if parse_time(m["created_at"]) <= since]
        later = [_words(m.get("text") or "", rules.ignore_words) for m in everything
                 if parse_time(m["created_at"]) > since]
        if any(_similar(a, b) >= rules.repeat_similarity for a in later for b in earlier):
            signs.append(sign("repeated-after-resolution"))
    return signs
