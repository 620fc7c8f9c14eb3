"""The second reading (session 46): a mention read as praise is read again when it holds an ironic
praise form (`[sarcasm] reread`) or praise followed by a contrast (`[kind] praise_then_fault`), and
a reading sure of bad news makes it a complaint, out of `champions` where `h` would thank it."""

from __future__ import annotations

import pytest

from tui.core.triage import Triager


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager.load()


FAULT = "praise, then a fault ("
IRONY = "read without it: bad news at"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # probes s46 (written blind): each was in `champions`
        ("The pool at Sunreef Resort was gorgeous and the kids loved it. The wifi, however, needs a "
         "prayer and a sacrifice to load one email. Front desk has said \"known issue\" for a week.", FAULT),
        ("Loving the new Canva templates, seriously good. Only gripe: export to PDF keeps messing up my "
         "fonts, had to redo my CV twice.", FAULT),
        ("@SpotifyCares wrapped was amazing this year, cried at my top song. less amazing: you've "
         "charged me for premium family twice this month", FAULT),
        ("gotta love @XfinitySupport giving me an 8am-8pm window for a tech and then nobody showing up. "
         "whole saturday well spent", IRONY),
        ("@PrimeVideo nice of you to start showing ads on the thing I already pay for. very generous", IRONY),
    ],
)
def test_praise_beside_bad_news_is_a_complaint(triager: Triager, text: str, reason: str) -> None:
    r = triager.triage(text, explain=True)
    assert (r.label, r.kind, r.queue) == ("negative", "complaint", "priority"), r
    assert any(reason in str(why) for why in r.why), r.why


@pytest.mark.parametrize(
    "text",
    [
        # a gripe waved off with happy words
        "@Travelodge cheapest clean room in London, sorted. walls a bit thin, heard the fella next door's "
        "entire life story, but for £49? no complaints",
        # the same forms around good news
        "@Pret the Covent Garden team were lovely, but the best bit was the free cookie for my daughter",
        "Nice of you to send a replacement the same day @Argos, really appreciate it",
        "so proud of @LNER for getting my daughter home safe after her phone died, the guard stayed with her",
    ],
)
def test_good_news_stays_praise(triager: Triager, text: str) -> None:
    r = triager.triage(text)
    assert (r.label, r.queue) == ("positive", "champions"), r


def test_harm_after_praise_stays_a_crisis(triager: Triager) -> None:
    """The second reading never turns a crisis into a complaint."""
    r = triager.triage("Love the Pennywise app, genuinely the best budgeting tool I've used, but it just "
                       "showed me a stranger's bank balance and sort code on my dashboard 🙃", explain=True)
    assert r.kind == "crisis", r
    # the crisis patterns name it (session 56): a refit of the label model read it as praise, and
    # the crisis model alone (0.81) stayed under the bar for praise
    assert ("crisis", '"a stranger\'s bank balance"') in [(w.source, w.text) for w in r.why], r.why


@pytest.mark.parametrize(
    "text",
    [
        "@Wendys love the roasts, would love them more if the burgers weren't drier than the tweets 🔥",
        "Spotify's new DJ thing is actually fun ngl. would be more fun if it didn't crash every time I lock "
        "my phone tho",
        "@Snapchat the new update is incredible if the goal was to make me never open the app again",
        "The new Costa at the station is lovely if you like your cappuccino as foam with a rumour of coffee.",
    ],
)
def test_praise_on_a_condition_it_fails_is_a_complaint(triager: Triager, text: str) -> None:
    """`[kind] conditional` and the `if you like` irony signal (session 46 probes, each in `champions`)."""
    r = triager.triage(text)
    assert (r.label, r.kind, r.queue) == ("negative", "complaint", "priority"), r


@pytest.mark.parametrize(
    "text",
    [
        "@duolingo would be even better if you added Welsh to the stories feature",
        "@Nandos would love it even more if you brought back the halloumi wrap, best lunch going",
    ],
)
def test_a_wish_is_no_complaint(triager: Triager, text: str) -> None:
    assert triager.triage(text).label != "negative"
