"""The inbox's top line: every piece of state at once (a failing source, a spike, the selection,
the filter, the sort), fitted to the width by dropping whole pieces, least important first, and
never cutting one mid-word. Each piece has a long and a short wording for narrow terminals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from tui.sources.base import Source

SORT_LABELS = {"priority": "priority", "time-left": "time left", "newest": "newest"}
SEPARATOR = " · "
EMPTY_QUEUE = {
    "priority": "Nothing urgent. Crises, upset customers with reach and replies near their target "
                "land here first.",
    "needs-reply": "Nobody is waiting on us. Questions and complaints that need an answer land here.",
    "champions": "No praise to answer. People who praise us land here: h thanks them, C lists them all.",
    "waiting": "Nothing waiting. Threads we replied to (r) or asked for feedback (f) wait here for "
               "the customer.",
    "escalated": "Nothing escalated. e hands a thread to a team with a note; a brings it back answered.",
    "walked-away": "Nothing walked away from. w sets a lose-lose thread aside here and watches it "
                   "for a while.",
    "done": "Nothing done yet. d marks a mention done and c resolves a thread; both land here.",
    "muted": "Nothing set aside. m mutes an author: their mentions (crises aside) land here, as do "
             "mentions that name only a [brand] exclude phrase.",
    "snoozed": "Nothing snoozed. s snoozes a thread until a time; it comes back to its queue by itself.",
}
"""What an empty queue says: what the queue is for and how a mention gets there."""


@dataclass(frozen=True)
class Piece:
    """One piece of state, in two wordings: `short` is used when the long one does not fit."""

    long: str
    short: str = ""


def spike_piece(topic: str, count: int, baseline: float) -> Piece:
    return Piece(f"⚠ spike: “{topic}” {count} negative in the last hour (usually {baseline:.1f})"
                 " · P public statement",
                 f"⚠ spike “{topic}”: {count} negative/h · P statement")


def failing_piece(failing: int) -> Piece:
    return Piece(f"⚠ {failing} source{'' if failing == 1 else 's'} failing (S)", f"⚠ {failing} failing (S)")


def no_sources_piece() -> Piece:
    return Piece("no sources configured: add [[sources]] to the config, or run turnaround collect (S)",
                 "no sources (S)")


def source_pieces(sources: Sequence[Source], *, demo: bool) -> list[Piece]:
    """How many sources fail; or, for a store opened with none (not the demo), that there are none,
    so the agent knows why nothing new arrives."""
    failing = sum(not source.health.healthy for source in sources)
    if failing:
        return [failing_piece(failing)]
    return [] if sources or demo else [no_sources_piece()]


def selection_piece(selected: int) -> Piece:
    return Piece(f"{selected} selected: d applies to {selected} (Esc clears)",
                 f"{selected} selected")


def filter_piece(text: str, tag: str) -> Piece:
    shown = " ".join(part for part in (text, f"#{tag}" if tag else "") if part)
    return Piece(f"filter: {shown} (Esc clears)", f"filter: {shown}")


def sort_piece(sort: str) -> Piece:
    return Piece(f"sorted by {SORT_LABELS.get(sort, sort)}", f"by {SORT_LABELS.get(sort, sort)}")


def fit_status(pieces: list[Piece], width: int) -> str:
    """The pieces, most important first, that fit in `width` cells: first every piece in its long
    wording, then short wordings from the least important up, then whole pieces dropped from the
    end. The first piece is kept (short) even when nothing else fits."""
    words = [piece.long for piece in pieces]

    def size() -> int:
        return cell_len(SEPARATOR.join(words))

    for index in reversed(range(len(words))):
        if size() <= width:
            break
        if pieces[index].short:
            words[index] = pieces[index].short
    while len(words) > 1 and size() > width:
        words.pop()
    return SEPARATOR.join(words)
