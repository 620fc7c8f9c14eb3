"""Reply from the editor to a Google review and to a Trustpilot review (Pilot, local servers shaped like
the documented APIs): ctrl+s queues the reply and the outbox delivers it to the platform."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.helpers import fixed_clock
from tests.net.test_reviews_google import NAME, FakeGoogle
from tests.net.test_reviews_google import source_for as google_source
from tests.net.test_reviews_trustpilot import LATE, FakeTrustpilot
from tests.net.test_reviews_trustpilot import source_for as trustpilot_source
from tests.servers import TestServer
from tui.rules.config import Config
from tui.ui.app import make_app
from tui.ui.screens.reply import ReplyScreen
from tui.ui.widgets.mention_list import MentionList


async def reply_from_the_editor(tmp_path: Path, source: Any, uid: str, done: Any) -> dict[str, Any]:
    source.once = False
    source.poll_seconds = 3600
    source.sleep = asyncio.sleep
    app = make_app(Config(brand="Brightside Coffee", agent="Sam"), tmp_path / "s.json", sources=[source],
                   clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.session is not None and app.session.store.mention(uid) is not None:
                break
        assert app.session is not None
        await pilot.pause(0.3)
        listing = app.screen.query_one(MentionList)
        index = listing.index_of(uid)
        assert index is not None, "the review is in the priority queue"
        listing.cursor = index
        await pilot.pause(0.1)
        await pilot.press("r")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ReplyScreen) and app.screen.uid == uid
        await pilot.press(*"Sorry about this. Please email us and I will fix it. Sam")
        await pilot.press("ctrl+s")
        for _ in range(100):
            await pilot.pause(0.05)
            if done():
                break
        rows = [row for row in app.session.outbox.items() if row.get("uid") == uid]
        assert len(rows) == 1
        for _ in range(40):
            if rows[0]["status"] == "sent":
                break
            await pilot.pause(0.05)
            rows = [row for row in app.session.outbox.items() if row.get("uid") == uid]
        return rows[0]


async def test_reply_to_a_google_review_from_the_editor(server: TestServer, tmp_path: Path) -> None:
    google = FakeGoogle(server)
    row = await reply_from_the_editor(tmp_path, google_source(server), "google:AbFvOqnlq4m8aR1",
                                      lambda: bool(google.replies))
    assert row["status"] == "sent" and row["remote_id"] == f"{NAME}/reply"
    assert google.replies[NAME]["comment"] == "Sorry about this. Please email us and I will fix it. Sam"


async def test_reply_to_a_trustpilot_review_from_the_editor(server: TestServer, tmp_path: Path) -> None:
    platform = FakeTrustpilot(server)
    row = await reply_from_the_editor(tmp_path, trustpilot_source(server), f"trustpilot:{LATE}",
                                      lambda: bool(platform.posted))
    assert row["status"] == "sent"
    assert platform.posted == [{"message": "Sorry about this. Please email us and I will fix it. Sam",
                                "authorBusinessUserId": "5a1b2c3d4e5f6a7b8c9d0e1f"}]
