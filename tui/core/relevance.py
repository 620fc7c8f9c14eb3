"""Whether a mention is about us at all: the `[brand] exclude` phrases.

A watch word also names other things ("Mr Brightside" is a song, "the bright side" a saying), and a
search for the brand brings them in. Real listening tools let the user list such phrases; a
mention that names one, and nothing of ours once it is taken out, is set aside: kept, triaged and
searchable, listed with the muted, never in a queue (unless it reports harm: crises always list).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

from tui.core.model import Mention, MentionUpdate
from tui.core.queues import queue_of


def _phrase(words: str) -> str:
    """A phrase as a pattern: whole words, any run of spaces or punctuation between them.

    The first word comes before its look-behind so that the search skips ahead on a literal:
    twice as fast as the look-behind first, over every stored mention at start (`restate`)."""
    parts = [re.escape(part) for part in re.findall(r"[^\W_]+", words)]
    if not parts:
        return ""
    return parts[0] + rf"(?<![^\W_]{parts[0]})" + "".join(r"[\W_]+" + part for part in parts[1:]) \
        + r"(?![^\W_])"


class Relevance:
    """The exclude phrases, and what still names us once they are taken out (watch words, handles)."""

    def __init__(self, exclude: Iterable[str] = (), watch: Iterable[str] = (),
                 handles: Iterable[str] = ()) -> None:
        # Matched against the lowered text, case-sensitively: faster than IGNORECASE.
        self._exclude = [(phrase.strip(), re.compile(_phrase(phrase.lower())))
                         for phrase in exclude if _phrase(phrase)]
        # One pass finds whether any phrase is there at all: most mentions name none.
        self._any = re.compile("|".join(p.pattern for _, p in self._exclude))
        ours = [_phrase(word.lstrip("@").split("@")[0].lower()) for word in (*watch, *handles)]
        ours = [pattern for pattern in ours if pattern]
        self._ours = re.compile("|".join(ours)) if ours else None

    def __bool__(self) -> bool:
        return bool(self._exclude)

    def set_aside(self, text: str) -> str | None:
        """The exclude phrase `text` names when nothing else in it names us; None: it is about us."""
        text = text.lower()
        if not self._exclude or self._any.search(text) is None:
            return None
        found = None
        for phrase, pattern in self._exclude:
            if pattern.search(text):
                found = found or phrase
                text = pattern.sub(" ", text)
        if found is None or (self._ours is not None and self._ours.search(text)):
            return None
        return found


def restate(mentions: Iterable[Mention], relevance: Relevance,
            filed_by_hand: Container[str]) -> dict[str, MentionUpdate]:
    """What the exclude phrases as they stand now change on stored mentions, by uid.

    A phrase added later sets aside what was already stored, and one taken out files its mentions
    back: the agent who lists "Delta Force" expects the film's mentions gone, not only tomorrow's.
    A mention an agent filed in a queue by hand (`filed_by_hand`) keeps the agent's word, and our
    own posts are in no queue to leave."""
    changes: dict[str, MentionUpdate] = {}
    for mention in mentions:
        if mention.get("ours") or mention["uid"] in filed_by_hand:
            continue
        now = relevance.set_aside(mention.get("text") or "") if relevance else None
        if now == (mention.get("off_topic") or None):
            continue
        fields: MentionUpdate = {"off_topic": now}
        queue = queue_of({**mention, **fields})
        if queue != mention.get("queue"):
            fields["queue"] = queue
        changes[mention["uid"]] = fields
    return changes
