"""`explain`: why a mention gets its verdict, in plain lines (for the detail pane and the CLI), from
the packaged triage loaded once."""

from __future__ import annotations

from functools import cache

from tui.core.triage import Triager


@cache
def _explainer() -> Triager:
    return Triager.load()


def explain(text: str, *, followers: int | None = None, triager: Triager | None = None) -> list[str]:
    """Why this mention gets its verdict, one line per reason (for the detail pane and the CLI).

    The first line is the verdict itself; then the crisis patterns and phrase rules that fired,
    and the words and rule signals the model leant on most, each with its signed weight.
    """
    result = (triager or _explainer()).triage(text, followers=followers, explain=True)
    return [result.describe(), *(str(reason) for reason in result.why)]

