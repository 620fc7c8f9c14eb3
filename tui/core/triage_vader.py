"""VADER's analyzer with its parsed lexicons kept in the pattern cache file, so start-up skips parsing them.

`SentimentIntensityAnalyzer()` reads and parses two word lists (~7,500 + ~3,500 lines) on every
construction: ~12 ms, a tenth of `turnaround triage`'s start-up. Here the analyzer is built the same
way, by VADER's own `make_lex_dict`/`make_emoji_dict`, but their results are memoised in the
`RegexCache` file keyed by each list's whole text, so an upgraded vaderSentiment is parsed afresh.
Each Triager gets its own copies: it adds the rule file's words to them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vaderSentiment import vaderSentiment
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tui.rules.regexcache import RegexCache

LEXICON = "vader_lexicon.txt"
EMOJI_LEXICON = "emoji_utf8_lexicon.txt"


def analyzer(regexes: RegexCache | None) -> SentimentIntensityAnalyzer:
    """A fresh analyzer, as `SentimentIntensityAnalyzer()` builds it; its lexicons come from `regexes`' file
    when given. Any problem reading the lists the cheap way falls back to VADER's own constructor."""
    if regexes is None:
        return SentimentIntensityAnalyzer()
    try:
        folder = Path(vaderSentiment.__file__).parent
        # as VADER reads them: codecs.open decodes UTF-8 without newline translation
        lexicon_text = (folder / LEXICON).read_bytes().decode("utf-8")
        emoji_text = (folder / EMOJI_LEXICON).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return SentimentIntensityAnalyzer()
    made = SentimentIntensityAnalyzer.__new__(SentimentIntensityAnalyzer)
    made.lexicon_full_filepath = lexicon_text
    made.emoji_full_filepath = emoji_text
    lexicon: dict[str, Any] = regexes.memo("vader-lexicon", lexicon_text, 0, made.make_lex_dict)
    emojis: dict[str, Any] = regexes.memo("vader-emoji", emoji_text, 0, made.make_emoji_dict)
    made.lexicon = dict(lexicon)  # copies: the Triager extends them, the cached ones stay VADER's
    made.emojis = dict(emojis)
    return made
