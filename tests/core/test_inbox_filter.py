"""The `/` filter's matcher (tui/core/inbox.py): text in any shown field, `@author`, `#tag`."""

from __future__ import annotations

from tui.core.inbox import matcher


def test_at_author_finds_an_author_stored_with_or_without_the_at() -> None:
    """Session 57, by hand: imported tweets store "cust201", and "@cust201" found nothing."""
    imported = {"author": "cust201", "text": "Costa Rica here we come!!"}
    mastodon = {"author": "@tom_sec", "text": "If you use the app"}
    bluesky = {"author": "ellabe.bsky.social", "text": "ok so brightside leaked my email"}
    assert matcher("@cust201", "")(imported)
    assert matcher("@tom", "")(mastodon) and matcher("tom_sec", "")(mastodon)
    assert matcher("@ellabe", "")(bluesky)
    assert not matcher("@costa", "")(imported), "an @ looks for the author, not the text"
    assert not matcher("@", "")(imported), "a lone @ is text, as typed"
    assert matcher("@Cust2", "")(imported), "case-insensitive, like the rest of the filter"


def test_a_tag_and_text_must_both_match() -> None:
    tagged = {"author": "@ann", "text": "refund please", "tags": ["vip"]}
    assert matcher("refund", "vip")(tagged)
    assert not matcher("refund", "urgent")(tagged)
    assert not matcher("@bob", "vip")(tagged)
