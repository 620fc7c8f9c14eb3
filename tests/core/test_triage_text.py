"""Reading helpers of tui/core/triage_text.py that hostile text must not slow down or change."""

from __future__ import annotations

import random
import re

import pytest

from tui.core.triage_text import Handles

EDGES = ["@ana.bsky.social hi", "@bo@x.social: thanks", "#tag!", "mail me at a@b.co.", "@", "@@", "@.",
         "@@@x", "##x", "@#x", "@-x-", "hi @ home", "＠ana", "@ana. next", "@a.@b.", "e-mail@", "@é.ü_1-"]


@pytest.mark.parametrize(("starts", "regex"), [("@#", r"[@#][\w.@-]*\w"), ("@＠", r"[@＠][\w.@-]*\w"),
                                               ("@", r"@[\w.@-]*\w")])
def test_handles_replace_what_the_plain_regex_replaces(starts: str, regex: str) -> None:
    handles, plain = Handles(starts), re.compile(regex)
    rng = random.Random(31)
    alphabet = list("ab1_ .@-#＠,é!")
    texts = EDGES + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    for text in texts:
        assert handles.sub(" xxuser ", text) == plain.sub(" xxuser ", text), text


def test_a_run_of_at_signs_is_read_once() -> None:
    """The plain regex retried every "@" of the run to its end (2.3 s for 10,000 in triage); the
    result is the same: no handle, the text untouched."""
    text = "@" * 10_000 + " ok"
    assert Handles("@#").sub(" ", text) == text
