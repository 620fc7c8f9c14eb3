"""ctrl+t lists the saved replies that fit the mention first (issue 15): a review gets review
replies first; any other mention gets replies for its kind first and review replies last."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.helpers import make_mention, settle
from tests.ui.test_app import app_with
from tui.core.templates import load_templates
from tui.ui.screens.reply import ReplyScreen
from tui.ui.screens.templates import TemplatePicker, fit_order

SHIPPED = load_templates()


def test_a_complaint_gets_complaint_replies_first_and_review_replies_last() -> None:
    ordered = fit_order(SHIPPED, "complaint")
    kinds = [t.kinds for t in ordered]
    first_other = next(i for i, k in enumerate(kinds) if "complaint" not in k or "review" in k)
    assert first_other > 0 and all("complaint" in k and "review" not in k for k in kinds[:first_other])
    reviews = [i for i, k in enumerate(kinds) if "review" in k]
    assert reviews == list(range(len(ordered) - len(reviews), len(ordered))), "review replies last"


def test_a_review_gets_review_replies_first_those_for_its_kind_leading() -> None:
    ordered = fit_order(SHIPPED, "praise", review=True)
    assert ordered[0].id == "review-praise"
    reviews = sum("review" in t.kinds for t in SHIPPED)
    assert all("review" in t.kinds for t in ordered[:reviews])


async def picker_for(tmp_path: Path, mention: dict, check: Callable[[TemplatePicker], None]) -> None:
    app = app_with(tmp_path, [mention])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app, 1)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReplyScreen)
        await pilot.press("ctrl+t")
        await pilot.pause(0.2)
        picker = app.screen
        assert isinstance(picker, TemplatePicker)
        check(picker)


async def test_ctrl_t_on_a_low_star_review_offers_review_replies_first(tmp_path: Path) -> None:
    review = make_mention(1, "Cold coffee, rude staff, waited 40 minutes. Never again.",
                          source="google", review=True, rating=1)

    def check(picker: TemplatePicker) -> None:
        assert picker.templates[0].id in ("review-low-stars", "review-mixed")
        titles = [option.prompt for option in picker.query_one("#templates").options]  # type: ignore[attr-defined]
        assert titles[0].style == "" and titles[-1].style == "dim", "those that do not fit are dimmed"

    await picker_for(tmp_path, review, check)


async def test_ctrl_t_on_a_complaint_never_leads_with_a_review_reply(tmp_path: Path) -> None:
    complaint = make_mention(1, "My order never arrived and nobody answers my emails, this is awful")

    def check(picker: TemplatePicker) -> None:
        assert picker.kind == "complaint" and not picker.review
        assert "complaint" in picker.templates[0].kinds and "review" not in picker.templates[0].kinds
        assert "review" in picker.templates[-1].kinds

    await picker_for(tmp_path, complaint, check)
