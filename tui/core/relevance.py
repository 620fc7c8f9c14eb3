"""Whether a mention is about us at all: the `[brand] exclude` phrases.

A watch word also names other things ("Mr Brightside" is a song, "the bright side" a saying), and a
search for the brand brings them in. Real listening tools let the user list such phrases; a
mention that names one, and nothing of ours once it is taken out, is set aside: kept, triaged and
searchable, listed with the muted, never in a queue (unless it reports harm: crises always list).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _phrase(words: str) -> str:
    """A phrase as a pattern: whole words, any run of spaces or punctuation between them."""
    parts = [re.escape(part) for part in re.findall(r"[^\W_]+", words)]
    return r"(?<![^\W_])" + r"[\W_]+".join(parts) + r"(?![^\W_])" if parts else ""


class Relevance:
    """The exclude phrases, and what still names us once they are taken out (watch words, handles)."""

    def __init__(self, exclude: Iterable[str] = (), watch: Iterable[str] = (),
                 handles: Iterable[str] = ()) -> None:
        self._exclude = [(phrase.strip(), re.compile(_phrase(phrase), re.IGNORECASE))
                         for phrase in exclude if _phrase(phrase)]
        ours = [_phrase(word.lstrip("@").split("@")[0]) for word in (*watch, *handles)]
        ours = [pattern for pattern in ours if pattern]
        self._ours = re.compile("|".join(ours), re.IGNORECASE) if ours else None

    def __bool__(self) -> bool:
        return bool(self._exclude)

    def set_aside(self, text: str) -> str | None:
        """The exclude phrase `text` names when nothing else in it names us; None: it is about us."""
        found = None
        for phrase, pattern in self._exclude:
            if pattern.search(text):
                found = found or phrase
                text = pattern.sub(" ", text)
        if found is None or (self._ours is not None and self._ours.search(text)):
            return None
        return found
