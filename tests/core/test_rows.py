"""The list's compact durations stay narrow whatever the age."""

from __future__ import annotations

import pytest

from tui.core.rows import clock_text, span

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
