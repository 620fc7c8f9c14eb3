"""A learned second opinion on one whole-draft hint (`no-empathy`), fitted on labelled real replies.

The rules know the phrases of warmth they list; replies by brands they were not tuned on say it in
other words, and annotators of those replies disagreed with the rules far more than with each other
(tests/data/REPLIES.md, session 34). A small logistic regression over a reply's words, word pairs
and character n-grams (fitted by tests/benchmarks/fit_hints.py, shipped as `hints_empathy.json.gz`)
reads how likely a coach would raise the hint. The rules still decide what a hint says and when it
may speak; the reading only keeps a rule's hint when it is at least `keep` likely and adds the hint
when it is at least `add` likely. Pure Python: a dictionary lookup per n-gram, no numpy.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise

from tui.rules import data_file

TYPE_CHECKING = False  # typing, gzip and json load only when needed: `lint` starts fast
if TYPE_CHECKING:
    from typing import Any

LEARNED_FILE = "hints_empathy.json.gz"
LEARNED_CATEGORY = "no-empathy"
FORMAT = 1

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_CHAR_SIZES = (3, 4, 5)


class LearnedError(ValueError):
    """The packaged model file cannot be read."""


def features(text: str) -> dict[str, float]:
    """Distinct words ("w:"), word pairs ("b:") and character 3-5-grams of each word ("c:"), each
    family scaled by 1/sqrt(its size in this text) so a long reply's many words do not outvote a
    short one's few telling ones. Links and @handles become placeholders."""
    lowered = _HANDLE.sub(" @u ", _URL.sub(" url ", text.lower()))
    tokens = _TOKEN.findall(lowered)
    words = set(tokens)
    pairs = {f"{a} {b}" for a, b in pairwise(tokens)}
    grams: set[str] = set()
    for token in words:
        if len(token) > 1 and token[0].isalnum():
            padded = f"<{token}>"
            for size in _CHAR_SIZES:
                grams.update(padded[i:i + size] for i in range(len(padded) - size + 1))
    out: dict[str, float] = {}
    for prefix, family in (("w", words), ("b", pairs), ("c", grams)):
        if family:
            value = 1.0 / math.sqrt(len(family))
            for item in family:
                out[f"{prefix}:{item}"] = value
    return out


class LearnedReading:
    """The fitted weights, and when their reading keeps or adds the hint of `category`."""

    __slots__ = ("add", "bias", "category", "keep", "max_chars", "weights")

    def __init__(self, category: str, weights: dict[str, float], bias: float, keep: float = 0.3,
                 add: float = 0.9, max_chars: int = 1000) -> None:
        self.category, self.weights, self.bias = category, weights, bias
        self.keep, self.add = keep, add
        self.max_chars = max_chars  # longer drafts: rules alone (the model read tweets; speed)

    def probability(self, text: str) -> float:
        """How likely a coach would raise the hint on `text` (0-1)."""
        score = self.bias + sum(self.weights.get(name, 0.0) * value
                                for name, value in features(text).items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def decide(self, text: str, rules_say: bool, certain: bool) -> bool:
        """The hint speaks: the rules' verdict, kept only when the reading agrees enough, or added
        when the reading is sure. A `certain` verdict (a refusal, excuse or blame found, or a reply
        to harm) is the rules' alone."""
        if certain or len(text) > self.max_chars:
            return rules_say
        probability = self.probability(text)
        return probability >= self.keep if rules_say else probability >= self.add


def pack(category: str, weights: dict[str, float], bias: float, meta: dict[str, Any]) -> bytes:
    """The model file: gzip'd JSON (written by the fit script)."""
    import gzip
    import json

    body = {"format": FORMAT, "category": category, "bias": bias, "weights": weights, "meta": meta}
    return gzip.compress(json.dumps(body, sort_keys=True).encode("utf-8"), mtime=0)


def load_learned(keep: float, add: float, max_chars: int, data: bytes | None = None) -> LearnedReading:
    """The packaged reading (or one from `data`), with the thresholds hints.toml gives it."""
    weights, bias = read_weights(data)
    return LearnedReading(LEARNED_CATEGORY, weights, bias, keep, add, max_chars)


def read_weights(data: bytes | None = None) -> tuple[dict[str, float], float]:
    """The weights and bias of the packaged file (or of `data`); marshal-able, so the engine's
    pattern cache can keep them and a warm `lint` never parses the JSON."""
    import gzip
    import json

    try:
        raw = json.loads(gzip.decompress(data if data is not None else data_file(LEARNED_FILE).read_bytes()))
    except (OSError, ValueError) as error:
        raise LearnedError(f"{LEARNED_FILE}: cannot read ({error})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise LearnedError(f"{LEARNED_FILE}: not a format-{FORMAT} model")
    weights = raw.get("weights")
    if not isinstance(weights, dict) or not isinstance(raw.get("bias"), int | float):
        raise LearnedError(f"{LEARNED_FILE}: weights or bias missing")
    if raw.get("category") != LEARNED_CATEGORY:
        raise LearnedError(f"{LEARNED_FILE}: reads {raw.get('category')!r}, not {LEARNED_CATEGORY!r}")
    return {str(k): float(v) for k, v in weights.items()}, float(raw["bias"])
