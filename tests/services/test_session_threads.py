"""What an action on one mention carries in its thread: that person's conversation, not the crowd's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import fixed_clock, make_mention
from tui.rules.config import Config
from tui.services.session import Session


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    s = Session.open(Config(), tmp_path / "s.json", clock=fixed_clock)
    yield s
    s.close()


def test_a_reply_answers_its_author_not_everyone_in_the_thread(session: Session) -> None:
    """Seen with imported real Tesco tweets: one reply in a thread of 8 customers filed all of
    their complaints as answered, out of `priority`."""
    ann, bob = "@ann@x.social", "@bob@x.social"
    for n, text, author, parent in [
            (1, "Your website is down again, furious", ann, None),
            (2, "Still broken, this is a joke", ann, "1"),
            (3, "Same here, my order is missing and nobody answers", bob, "1"),
            (4, "Still no refund for my missing order, furious", bob, "3")]:
        extra = {"in_reply_to": parent} if parent else {}
        session.pipeline.ingest(make_mention(n, text, author=author, minutes_ago=10 - n, **extra))
    queue = {uid: session.store.mention(uid)["queue"] for uid in ("mastodon:1", "mastodon:3")}
    assert set(queue.values()) == {"priority"}, queue
    session.send_reply("mastodon:2", "Sorry Ann, we're on it and will update you by 5pm.")
    state = {n: session.store.mention(f"mastodon:{n}")["state"] for n in (1, 2, 3, 4)}
    assert state == {1: "replied", 2: "replied", 3: "open", 4: "open"}, state
    assert session.store.mention("mastodon:4")["queue"] == "priority"
