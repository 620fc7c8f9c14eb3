"""The list's compact durations stay narrow whatever the age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui.core.rows import clock_text, fold_handles, span, wake_text

DAY = 86400


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(45, "45s"), (12 * 60, "12m"), (30 * 3600, "30h"), (3 * DAY, "3d"), (99 * DAY, "99d"),
     (100 * DAY, "14w"), (364 * DAY, "52w"), (365 * DAY, "1y"), (3317 * DAY, "9y")],
)
def test_span_is_three_characters_at_most(seconds: float, shown: str) -> None:
    assert span(seconds) == shown


def test_a_clock_years_late_keeps_its_sign() -> None:
    assert clock_text(-3317 * DAY) == "-9y"
    assert clock_text(2 * 3600) == "2h"


def test_a_watch_days_ahead_says_the_hours_too() -> None:
    """Walked away for 7 days, a minute later: "in 6d 23h"; the floor's "6d" read as a day lost."""
    now = datetime(2026, 12, 7, 10, 38, 5, tzinfo=UTC)
    assert wake_text(now + timedelta(days=7) - timedelta(seconds=60), now).endswith("(in 6d 23h)")
    assert wake_text(now + timedelta(days=3), now).endswith("(in 3d)")
    assert wake_text(now + timedelta(hours=15, minutes=5), now).endswith("(in 15h)")
    assert wake_text(now + timedelta(hours=2, minutes=30), now).endswith("(in 2h 30m)")


@pytest.mark.parametrize(
    ("text", "folded"),
    [("@Tesco @116302 @116303 None on there", ("@116302 @116303", "None on there")),
     ("@AskPlayStation U positive?", ("", "U positive?")),
     ("@brand thanks!", ("", "thanks!")),  # a Mastodon handle names our account by its local part
     ("@a@mastodon.social, @b.bsky.social: @c hello", ("@a@mastodon.social +2", "hello")),
     ("@Tesco @a @b @c @d hi", ("@a +3", "hi")),
     ("@a @b hi", ("", "@a @b hi")),  # two handles read fine as they are
     ("@a @b @c", ("", "@a @b @c")),  # nothing but handles: nothing to show instead
     ("@Tesco", ("", "@Tesco")),
     ("mail me at me@x.com @b @c", ("", "mail me at me@x.com @b @c"))],
)
def test_a_row_leaves_out_our_handle_and_folds_a_crowd(text: str, folded: tuple[str, str]) -> None:
    """Seen with imported real text: 16 leading handles filled an 80-column row before one word,
    and every row of a brand's inbox opened with the brand's own handle."""
    assert fold_handles(text, frozenset({"tesco", "askplaystation", "brand@mastodon.social"})) == folded
