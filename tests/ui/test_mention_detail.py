"""The detail pane's header: what it says about a customer's mention and about our own post."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import NOW, stored_mention
from tui.ui.widgets.mention_detail import describe_mention


def test_our_own_post_shows_no_triage() -> None:
    """A brand reply read as "praise, priority 26" misleads: it is context, so it says so."""
    ours = stored_mention(1, at=NOW - timedelta(minutes=5), author="@Delta", label="positive",
                          text="Thank you. Please ask the crew.", kind="praise", ours=True, state="ours")
    shown = describe_mention(ours, NOW).plain
    assert "our post" in shown
    assert "praise" not in shown and "priority" not in shown
    theirs = stored_mention(2, at=NOW - timedelta(minutes=6), text="There is a man in 3A moaning in pain")
    assert "priority 50" in describe_mention(theirs, NOW).plain


def test_a_name_that_is_the_handle_is_said_once() -> None:
    """A review's author is its display name: "Kim L.  Kim L." read as a glitch."""
    review = stored_mention(1, at=NOW - timedelta(hours=2), author="Kim L.", author_name="Kim L.")
    assert describe_mention(review, NOW).plain.splitlines()[0].count("Kim L.") == 1
    fan = stored_mention(2, at=NOW - timedelta(hours=2), author="@ann@x.social", author_name="Ann Lee")
    assert describe_mention(fan, NOW).plain.startswith("@ann@x.social  Ann Lee  ·")
