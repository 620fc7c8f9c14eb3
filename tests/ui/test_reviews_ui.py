"""Reviews in the inbox and the reply editor (Pilot, 80x24): stars in the row, the public-reply banner,
the platform's length limit, and the stars' weight in triage."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import FeedSource, fixed_clock, make_mention, settle
from tui.core.reviews import apply_rating
from tui.core.triage import Triager
from tui.rules.config import Config
from tui.ui.app import make_app
from tui.ui.screens.reply import ReplyScreen, review_banner
from tui.ui.screens.templates import TemplatePicker

NAME = "accounts/1/locations/2/reviews/r1"
ONE_STAR = make_mention(1, "Waited a while and the flat white was lukewarm. Staff were apologetic.",
                        author="Priya N.", followers=None, source="google", rating=1, review=True,
                        review_name=NAME, update_time="2026-11-23T08:10:41+00:00")


async def test_a_review_shows_its_stars_and_the_editor_says_the_reply_is_public(tmp_path: Path) -> None:
    app = make_app(Config(brand="Brightside Coffee", agent="Sam"), tmp_path / "s.json",
                   sources=[FeedSource([ONE_STAR])], clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        listing = await settle(pilot, app, 1)
        row = "".join(segment.text for segment in listing._render_row("google:1", 80, False))
        assert "goog" in row and "1★" in row
        assert app.session is not None
        stored = app.session.store.mention("google:1")
        assert stored is not None and stored["label"] == "negative" and stored["queue"] == "priority"
        await pilot.press("r")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ReplyScreen)
        banner = str(app.screen.query_one("#reply-banner").render())
        assert "visible to everyone who reads the review" in banner
        await pilot.press(*"Thank you")
        await pilot.pause(0.3)
        meter = str(app.screen.query_one("#reply-meter").render())
        assert "length 9/4096" in meter
        await pilot.press("ctrl+t")
        await pilot.pause(0.2)
        picker = app.screen
        assert isinstance(picker, TemplatePicker)
        assert picker.templates[0].id.startswith("review-"), "the review playbook comes first"


def test_the_banner_tells_how_to_answer_on_yelp_and_stays_off_other_mentions() -> None:
    yelp = {"source": "yelp", "url": "https://www.yelp.com/biz/x?hrid=1", "extra": {"review": True}}
    assert "post it by hand at https://www.yelp.com/biz/x?hrid=1" in str(review_banner(yelp))
    assert review_banner({"source": "mastodon", "extra": {}}) is None


def test_five_stars_with_a_complaint_inside_is_mixed_not_praise() -> None:
    triager = Triager.load()
    text = "Best flat white on Calder St and lovely staff. Only downside: the app keeps crashing at checkout."
    mention = {"text": text, "extra": {"rating": 5}, **triager.triage(text).as_dict()}
    apply_rating(mention, triager)
    assert mention["kind"] == "complaint" and mention["review_mixed"] and mention["label"] != "positive"
    praise = "Best flat white on Calder St and lovely staff."
    plain = {"text": praise, "extra": {"rating": 5}, **triager.triage(praise).as_dict()}
    apply_rating(plain, triager)
    assert plain["kind"] == "praise" and not plain.get("review_mixed")


def test_one_star_with_mild_words_is_negative_and_ranks_higher() -> None:
    triager = Triager.load()
    text = "It was okay I guess, the coffee was fine."
    base = triager.triage(text).as_dict()
    mention = {"text": text, "extra": {"rating": 1}, **base}
    apply_rating(mention, triager)
    assert mention["label"] == "negative" and mention["kind"] == "complaint"
    assert mention["priority"] > base["priority"] and mention["triage_queue"] == "priority"
    untouched = {"text": text, "extra": {}, **base}
    apply_rating(untouched, triager)
    assert untouched == {"text": text, "extra": {}, **base}


def test_the_detail_shows_the_stars_and_what_an_edited_review_said_before() -> None:
    from datetime import UTC, datetime

    from tui.ui.widgets.mention_detail import describe_mention

    mention = {"author": "Priya N.", "source": "google", "text": "Update: they made it right.",
               "created_at": "2026-11-23T08:10:41+00:00", "extra": {"rating": 4, "review": True},
               "edits": [{"text": "Lukewarm flat white.", "rating": 1, "update_time": "x"}]}
    shown = describe_mention(mention, datetime(2026, 11, 24, tzinfo=UTC)).plain
    assert "4★ review" in shown and "edited; before: 1★ “Lukewarm flat white.”" in shown
