"""The pretrained encoder's word-piece weights: the tokenizer agrees with BERT's, the sum is right,
a damaged file is named, and triage reads them."""

from __future__ import annotations

import gzip
import json

import pytest

from tui.core.triage import Triager
from tui.core.triage_modelcache import packaged_model
from tui.core.triage_pieces import Pieces, PiecesError, load_pieces, pack
from tui.core.wordpiece import pieces_of, tokenize, words

# Hugging Face's tokenizer for all-MiniLM-L6-v2 gave these ids (session 21; the fitting script's
# trial compared the two on all 19,084 training texts: no difference).
HUGGING_FACE = {
    "@SkyJet stranded at gate 12, rebooked twice!!":
        [1030, 3712, 15759, 15577, 2012, 4796, 2260, 1010, 2128, 8654, 2098, 3807, 999, 999],
    "Café crème brûlée — très bien 😡": [7668, 13675, 21382, 7987, 9307, 2063, 1517, 24403, 29316, 100],
    "免费 WiFi doesn't work\u200b\x07": [100, 100, 15536, 8873, 2987, 1005, 1056, 2147],
    "refund pls": [25416, 8630, 20228, 2015],
}


@pytest.fixture(scope="module")
def shipped() -> Pieces:
    pieces = packaged_model().pieces
    assert pieces is not None, "the package ships tui/rules/data/triage_pieces.json.gz"
    return pieces


@pytest.mark.parametrize("text", HUGGING_FACE)
def test_tokenizer_matches_bert(shipped: Pieces, text: str) -> None:
    assert shipped.tokenize(text) == HUGGING_FACE[text]
    # the fitting script's tokenizer needs no table of weights, and reads the same
    assert tokenize(text, shipped.vocab) == HUGGING_FACE[text]


def test_words_split_punctuation_and_strip_accents() -> None:
    assert words("Hi!! it's the café's 2nd outage") == ["hi", "!", "!", "it", "'", "s", "the", "cafe", "'",
                                                      "s", "2nd", "outage"]
    # the ASCII fast path and the general walk agree
    assert words("Hi!! it's the 2nd outage") == words("Hi!! it's the 2nd outage\u00a0é")[:-1]


@pytest.mark.parametrize(("text", "expected"), [
    # control and format characters vanish inside a word; line separators and ideographic spaces split
    ("It’s İstanbul’s\u2028line\x85two\u3000三号 ﬁne",
     ["it", "’", "s", "istanbul", "’", "s", "linetwo", "三", "号", "ﬁne"]),
    ("a\x1cb\x0bc\u200bd\ufffde \U0001F600!\u202e", ["abcde", "😀", "!"]),
    ("Ñandú—ÉCOLE", ["nandu", "—", "ecole"]),
])
def test_words_of_non_ascii_text_as_the_character_walk_gave(text: str, expected: list[str]) -> None:
    # session 27 replaced the per-character walk with remembered characters and chunks (5x faster on
    # mentions with a curly quote or an emoji); these are the walk's own outputs, twice for the memo
    assert words(text) == expected
    assert words(text) == expected


def test_longest_match_first() -> None:
    vocab = {"[UNK]": 0, "re": 1, "reb": 2, "##ook": 3, "##ed": 4, "##o": 5}
    assert pieces_of("rebooked", vocab) == (2, 3, 4)
    assert pieces_of("rex", vocab) == (0,)  # no piece for "x": the whole word is unknown


def test_scores_are_bias_plus_shares() -> None:
    vocab = {"[UNK]": 0, "late": 1, "again": 2}
    pieces = Pieces(("negative", "neutral", "positive"), (0.1, 0.0, -0.1), vocab,
                    {1: (1.0, 0.0, -1.0)}, {})
    assert pieces.scores("late again") == pytest.approx([0.6, 0.0, -0.6])
    assert pieces.scores("") == [0.1, 0.0, -0.1]
    assert pieces.explain("late again", "negative") == [("late", pytest.approx(0.5))]


def test_round_trip_and_damaged_file() -> None:
    blob = pack(("a", "b"), (0.5, -0.5), ["[UNK]", "x"], {1: (1.0, 2.0)}, {"note": "t"})
    again = load_pieces(blob)
    assert again.weights == {1: (1.0, 2.0)} and again.bias == (0.5, -0.5)
    bad = gzip.compress(json.dumps({"format": 1, "classes": ["a", "b"], "bias": [0.0], "vocab": ["[UNK]"],
                                    "weights": {}}).encode())
    with pytest.raises(PiecesError, match=r"triage_pieces\.json\.gz"):
        load_pieces(bad)
    with pytest.raises(PiecesError, match="cannot read"):
        load_pieces(b"not gzip")


def test_triage_adds_the_pieces_to_the_label_model() -> None:
    model = packaged_model()
    assert model.pieces is not None
    text = "stranded at the gate for 5 hours and nobody from the crew will tell us anything"
    assert Triager.load().triage(text).label == "negative"
    assert any(abs(z) > 0.01 for z in model.pieces.scores(text))


def test_explain_names_the_encoder_words() -> None:
    from tui.core.triage_explain import explain

    lines = explain("stranded at the gate for 5 hours, crew won't tell us anything. rebooked twice")
    encoder = [line for line in lines if line.endswith("(encoder) -> negative")]
    assert len(encoder) == 1 and "'rebooked'" in encoder[0]
    assert "'t'" not in encoder[0]  # one-letter pieces of "won't" are no reason an agent reads


def test_explain_leaves_out_handles_and_numbers(shipped: Pieces) -> None:
    # session 27: "@AmazonHelp 10 hours ago." was explained by 'amazonhelp'
    named = [word for word, _ in shipped.explain("@AmazonHelp @Delta 10 hours ago, still nothing #fail",
                                                 "negative", top=10)]
    assert "amazonhelp" not in named and "delta" not in named and "10" not in named


def test_explain_leaves_out_the_words_of_a_link(shipped: Pieces) -> None:
    # session 61, real mentions: "Honored to be one of #TheBraveOnes!! https://t.co/ORNLBSYzDp" was
    # explained by 'ornlbsyzdp' and 'https', a link's slug no agent reads as a reason
    text = "@CoxHelp All good news, thanks! https://t.co/Y2vWtUJu0A see www.cox.com/outage too"
    named = [word for word, _ in shipped.explain(text, "positive", top=20)]
    assert named and not {"https", "co", "y2vwtuju0a", "www", "cox", "com", "outage"} & set(named)
    # a word said outside the link still counts
    named = [word for word, _ in shipped.explain("great news, the outage is over https://x.co/outage",
                                                 "positive", top=20)]
    assert "https" not in named
