"""VADER's analyzer, read and run faster: its lexicons parsed once into the pattern cache file, and
its scoring rewritten to do the same sums with less work.

`SentimentIntensityAnalyzer()` reads and parses two word lists (~7,500 + ~3,500 lines) on every
construction: ~12 ms, a tenth of `turnaround triage`'s start-up. Here the analyzer is built the same
way, by VADER's own `make_lex_dict`/`make_emoji_dict`, but their results are memoised in the
`RegexCache` file keyed by each list's whole text, so an upgraded vaderSentiment is parsed afresh.
Each Triager gets its own copies: it adds the rule file's words to them.

`polarity_scores` was a third of triage's time, most of it spent lowercasing the whole sentence
again for every negation check of every sentiment word (quadratic in the words), and building the
text character by character to swap emoji that are rarely there. `FastAnalyzer` keeps VADER's
rules, constants and lexicons and takes the same steps in the same order, so every score is the
same float; `tests/core/test_triage_vader.py` compares the two on thousands of real tweets.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from vaderSentiment import vaderSentiment
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

from tui.core.memo import Memo
from tui.rules.regexcache import RegexCache

LEXICON = "vader_lexicon.txt"
EMOJI_LEXICON = "emoji_utf8_lexicon.txt"

_NEGATE = frozenset(NEGATE)
# A letter typed three times or more ("loooove", "thaaaank youuuu", "baaaad"), and a word (a run of
# letters: both patterns run in linear time on hostile text).
_RUN = re.compile(r"([^\W\d_])\1{2,}")
_WORD = re.compile(r"[^\W\d_]+")


class FastAnalyzer(SentimentIntensityAnalyzer):
    """`SentimentIntensityAnalyzer` with the same scores from a faster `polarity_scores`.

    Built by `analyzer()` (never by VADER's constructor, which would parse the lists again).
    """

    _tokens: Memo[str, tuple[str, bool]]

    def polarity_scores(self, text: str) -> dict[str, float]:
        """VADER's scores of `text`: neg, neu, pos and compound, exactly as VADER gives them."""
        if not self.emojis.keys().isdisjoint(text):
            text = self._emoji_words(text)
        text = text.strip()
        lowers, upper = self._split(text)
        n = len(lowers)
        uppers = sum(upper)
        is_cap_diff = 0 < n - uppers < n
        lexicon = self.lexicon
        sentiments: list[float] = []
        for i, low in enumerate(lowers):
            if low in BOOSTER_DICT or (i < n - 1 and low == "kind" and lowers[i + 1] == "of"):
                sentiments.append(0)
                continue
            valence = lexicon.get(low)
            if valence is None:
                sentiments.append(0)
                continue
            sentiments.append(self._valence(valence, i, lowers, upper, is_cap_diff))
        if "but" in lowers:
            sentiments = _but_check(lowers.index("but"), sentiments)
        return self.score_valence(sentiments, text)

    def _emoji_words(self, text: str) -> str:
        """Each emoji replaced by its description, spaced as VADER spaces it (a space before it
        unless one is there, none after)."""
        emojis = self.emojis
        out: list[str] = []
        prev_space = True
        for ch in text:
            description = emojis.get(ch)
            if description is not None:
                if not prev_space:
                    out.append(" ")
                out.append(description)
                prev_space = False
            else:
                out.append(ch)
                prev_space = ch == " "
        return "".join(out)

    def _split(self, text: str) -> tuple[list[str], list[bool]]:
        """VADER's words (punctuation stripped unless that leaves two characters or fewer),
        lowercased, and which of them are ALL CAPS."""
        forms = list(map(self._tokens.__getitem__, text.split()))
        return [low for low, _ in forms], [upper for _, upper in forms]

    def _valence(self, valence: float, i: int, lowers: list[str], upper: list[bool],
                 is_cap_diff: bool) -> float:
        """VADER's `sentiment_valence` for a word in the lexicon (`valence` is its entry)."""
        lexicon = self.lexicon
        low = lowers[i]
        n = len(lowers)
        if low == "no" and i != n - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if ((i > 0 and lowers[i - 1] == "no") or (i > 1 and lowers[i - 2] == "no")
                or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor"))):
            valence = lexicon[low] * N_SCALAR
        if upper[i] and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(3):
            if i > start_i and lowers[i - (start_i + 1)] not in lexicon:
                before = i - (start_i + 1)
                s = _scalar_inc_dec(lowers[before], upper[before], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _negation_check(valence, lowers, start_i, i)
                if start_i == 2:
                    valence = _special_idioms_check(valence, lowers, i)
        if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence


def _forms(token: str) -> tuple[str, bool]:
    """A token as VADER reads it (punctuation stripped unless that leaves two characters or fewer:
    an emoticon), lowercased, and whether it is ALL CAPS."""
    stripped = token.strip(string.punctuation)
    word = token if len(stripped) <= 2 else stripped
    return word.lower(), word.isupper()


def _scalar_inc_dec(low: str, is_upper: bool, valence: float, is_cap_diff: bool) -> float:
    scalar = 0.0
    if low in BOOSTER_DICT:
        scalar = BOOSTER_DICT[low]
        if valence < 0:
            scalar *= -1
        if is_upper and is_cap_diff:
            if valence > 0:
                scalar += C_INCR
            else:
                scalar -= C_INCR
    return scalar


def _negated(low: str) -> bool:
    return low in _NEGATE or "n't" in low


def _negation_check(valence: float, lowers: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _negated(lowers[i - 1]):
            valence = valence * N_SCALAR
    if start_i == 1:
        if lowers[i - 2] == "never" and (lowers[i - 1] == "so" or lowers[i - 1] == "this"):
            valence = valence * 1.25
        elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
            pass
        elif _negated(lowers[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if ((lowers[i - 3] == "never" and (lowers[i - 2] == "so" or lowers[i - 2] == "this"))
                or (lowers[i - 1] == "so" or lowers[i - 1] == "this")):
            valence = valence * 1.25
        elif lowers[i - 3] == "without" and (lowers[i - 2] == "doubt" or lowers[i - 1] == "doubt"):
            pass
        elif _negated(lowers[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, lowers: list[str], i: int) -> float:
    onezero = f"{lowers[i - 1]} {lowers[i]}"
    twoonezero = f"{lowers[i - 2]} {lowers[i - 1]} {lowers[i]}"
    twoone = f"{lowers[i - 2]} {lowers[i - 1]}"
    threetwoone = f"{lowers[i - 3]} {lowers[i - 2]} {lowers[i - 1]}"
    threetwo = f"{lowers[i - 3]} {lowers[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lowers) - 1 > i:
        zeroone = f"{lowers[i]} {lowers[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lowers) - 1 > i + 1:
        zeroonetwo = f"{lowers[i]} {lowers[i + 1]} {lowers[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _but_check(but: int, sentiments: list[float]) -> list[float]:
    """VADER's "but" rule, step for step: it finds each value by `index`, so a repeated value is
    rescaled where it first occurs (the same quirk gives the same scores)."""
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < but:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 0.5)
        elif si > but:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 1.5)
    return sentiments


def as_vader_reads(text: str, lexicon: dict[str, float]) -> str:
    """`text` as VADER should see a tweet: its scores stay VADER's, its input is what it can read.

    - The emoji variation selector goes: VADER swaps an emoji for its words and left U+FE0F glued
      to the last one, so "❤️" read as "red heart\ufe0f", a word it does not know (0, where "❤"
      scores +0.67).
    - A stretched word is the word it stretches when VADER knows that one: "loooove" is "love",
      "thaaaank youuuu" is "thank you", "sooo baaaad" is "so bad" (each run cut to two letters, then
      to one: "gooood" is "good"; "KKK" stays). VADER knows none of them stretched: "loooove the
      new app" read as a complaint.
    """
    text = text.replace("\ufe0f", "")
    if _RUN.search(text) is None:
        return text

    def known(match: re.Match[str]) -> str:
        word = match.group(0)
        if _RUN.search(word) is None or len(set(word.lower())) < 2:
            return word  # not stretched; or "KKK", "zzzz", "xxx": a word of one letter is no stretch
        for cut in (_RUN.sub(r"\1\1", word), _RUN.sub(r"\1", word)):
            if cut.lower() in lexicon or cut.lower() in BOOSTER_DICT:
                return cut
        return word

    return _WORD.sub(known, text)


def analyzer(regexes: RegexCache | None) -> FastAnalyzer:
    """A fresh analyzer with VADER's lexicons, from `regexes`' file when given (else parsed as
    VADER's constructor parses them)."""
    made = FastAnalyzer.__new__(FastAnalyzer)
    made._tokens = Memo(_forms)
    try:
        folder = Path(vaderSentiment.__file__).parent
        # as VADER reads them: codecs.open decodes UTF-8 without newline translation
        lexicon_text = (folder / LEXICON).read_bytes().decode("utf-8")
        emoji_text = (folder / EMOJI_LEXICON).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        plain = SentimentIntensityAnalyzer()
        made.__dict__.update(plain.__dict__)
        return made
    made.lexicon_full_filepath = lexicon_text
    made.emoji_full_filepath = emoji_text
    if regexes is None:
        made.lexicon = made.make_lex_dict()
        made.emojis = made.make_emoji_dict()
        return made
    lexicon: dict[str, Any] = regexes.memo("vader-lexicon", lexicon_text, 0, made.make_lex_dict)
    emojis: dict[str, Any] = regexes.memo("vader-emoji", emoji_text, 0, made.make_emoji_dict)
    made.lexicon = dict(lexicon)  # copies: the Triager extends them, the cached ones stay VADER's
    made.emojis = dict(emojis)
    return made

