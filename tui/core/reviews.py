"""Reviews in the inbox: the star rating weighs in triage, and an edited review updates in place.

Triage (tui/core/triage.py) reads words only. A review also carries a rating the customer chose to show
everyone, so after the words are triaged `apply_rating` corrects the result by the rules in
tui/rules/data/reviews.toml: a one-star review with mild words is still negative, a five-star review with a
complaint inside is a mixed review (a complaint to answer, not praise), and the rating moves the priority.

A review platform lets its author edit a review. `revise` takes the new version of a stored review
(a newer `update_time`), keeps the earlier text and rating in the mention's `edits`, and triages the
new text again, so the agent sees what changed and nothing is lost.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from tui.core.model import Edit, Mention, MentionUpdate, parse_time
from tui.core.queues import queue_of, triage_fields
from tui.core.triage import Triager
from tui.rules.datafile import UserFileError
from tui.storage.store import Store

RULES_FILE = "reviews.toml"


@dataclass(frozen=True, slots=True)
class ReviewRules:
    negative_at_most: int
    mixed_at_least: int
    contrast: re.Pattern[str]
    priority: dict[int, int]


@cache
def rules() -> ReviewRules:
    """The shipped rules, checked against the schema (ReviewsFile): a broken file is a
    `UserFileError` naming it, the line and the key."""
    # Imported here, not at the top: `turnaround triage` imports this module, and only a rated review
    # needs these rules; msgspec (with typing_extensions) would add ~10-30 ms to every start.
    from tui.rules.datafile_models import ReviewsFile
    from tui.rules.datafile_schema import check, parse_toml

    where = f"tui/rules/data/{RULES_FILE}"
    text = resources.files("tui.rules.data").joinpath(RULES_FILE).read_text("utf-8")
    data = check(parse_toml(text, where), ReviewsFile, where, text)
    try:
        priority = {int(k): v for k, v in data.priority.items()}
    except ValueError as error:
        raise UserFileError(where, None, "priority", f"keys are star counts 1-5 ({error})") from None
    return ReviewRules(
        negative_at_most=data.negative_at_most,
        mixed_at_least=data.mixed_at_least,
        contrast=re.compile(r"\b(?:" + "|".join(re.escape(w) for w in data.contrast) + r")\b", re.IGNORECASE),
        priority=priority,
    )


def rating_of(mention: Mention) -> int | None:
    """The review's stars (1..5), or None for a mention that is not a rated review."""
    value = (mention.get("extra") or {}).get("rating")
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5 else None


def apply_rating(mention: Mention, triager: Triager, *, now: datetime | None = None) -> None:
    """Correct a triaged review by its rating (see the module docstring); mark our own reply as ours.

    Mentions that are not reviews pass through untouched."""
    extra = mention.get("extra") or {}
    if extra.get("owner_reply"):
        # Our reply to a review, even one written in the platform's own tools: context, not work.
        mention.update({"ours": True, "state": "ours", "read": True})
        return
    stars = rating_of(mention)
    if stars is None:
        return
    rule = rules()
    kind, label = mention.get("kind", "other"), mention.get("label", "neutral")
    if stars <= rule.negative_at_most:
        label = "negative"
        if kind in ("praise", "other", "question"):
            kind = "complaint"
        mention["sentiment"] = min(float(mention.get("sentiment", 0.0)), -0.5)
    elif stars >= rule.mixed_at_least:
        if kind not in ("complaint", "crisis"):
            found = rule.contrast.search(mention["text"])
            tail = mention["text"][found.end():] if found else ""
            if tail.strip() and triager.triage(tail, now=now).kind in ("complaint", "crisis"):
                kind = "complaint"
        if kind in ("complaint", "crisis"):
            mention["review_mixed"] = True
            label = "neutral" if label == "positive" else label
    mention["kind"], mention["label"] = kind, label
    mention["priority"] = max(0, min(100, int(mention.get("priority", 0)) + rule.priority.get(stars, 0)))
    mention["triage_queue"] = triager.queue(kind, label)


def revise(store: Store, mention: Mention, triager: Triager, now: datetime) -> Mention | None:
    """Update a stored review from a newer version of it; None when it is not newer (a plain repeat).
    Without edit times on both (Yelp has none), a review whose text or rating changed is newer.

    The earlier text, rating and time go to `edits` (oldest first); the new text is triaged again and
    the mention is marked unread so the agent notices."""
    stored = store.mention(mention["uid"])
    if stored is None:
        return None
    new_extra, old_extra = mention.get("extra") or {}, stored.get("extra") or {}
    new_time, old_time = new_extra.get("update_time"), old_extra.get("update_time")
    if isinstance(new_time, str) and isinstance(old_time, str):
        try:
            if parse_time(new_time) <= parse_time(old_time):
                return None
        except ValueError:
            return None
    elif not (new_extra.get("review") and old_extra.get("review")):
        return None
    elif (mention["text"], new_extra.get("rating")) == (stored.get("text"), old_extra.get("rating")):
        return None  # the same review read again
    else:
        # A platform that gives no edit time (Yelp: only `time_created`): a changed text or rating
        # is the edit, dated when it was seen.
        old_time = old_time if isinstance(old_time, str) else stored["created_at"]
        new_extra = {**new_extra, "update_time": now.isoformat()}
    edits = [*stored.get("edits", []), Edit(text=stored.get("text", ""), rating=old_extra.get("rating"),
                                            update_time=old_time)]
    fields: MentionUpdate = {"text": mention["text"], "extra": new_extra, "edits": edits}
    if not old_extra.get("owner_reply"):
        result = triager.triage(mention["text"], followers=stored.get("followers"),
                                created_at=parse_time(stored["created_at"]), now=now)
        updated: Mention = {**stored, **fields, **triage_fields(result)}
        updated.pop("review_mixed", None)
        apply_rating(updated, triager, now=now)
        fields.update({"label": updated["label"], "sentiment": updated["sentiment"], "kind": updated["kind"],
                       "priority": updated["priority"], "topics": updated["topics"],
                       "triage_queue": updated["triage_queue"]})
        fields["review_mixed"] = bool(updated.get("review_mixed"))
        fields["read"] = False
        fields["queue"] = queue_of({**stored, **fields})
    store.update_mention(mention["uid"], fields)
    return store.mention(mention["uid"])


def review_figures(store: Store, mentions: list[tuple[datetime, Mention]]) -> dict[str, Any]:
    """The report's review figures: the mean rating per day, and how many one- and two-star reviews got
    a reply and how fast (minutes; our reply from the inbox, or one made in the platform's own tools)."""
    reply_at: dict[str, datetime] = {}
    for mention in store.mentions():
        extra = mention.get("extra") or {}
        if extra.get("owner_reply") and mention.get("in_reply_to"):
            target = f"{mention['source']}:{mention['in_reply_to']}"
            when = parse_time(mention["created_at"])
            reply_at[target] = min(when, reply_at.get(target, when))
    per_day: dict[str, list[int]] = {}
    low = answered = 0
    minutes: list[float] = []
    for created, mention in mentions:
        stars = rating_of(mention)
        if stars is None:
            continue
        per_day.setdefault(created.date().isoformat(), []).append(stars)
        if stars > rules().negative_at_most:
            continue
        low += 1
        first = mention.get("first_response_at")
        replied: datetime | None = (parse_time(first) if isinstance(first, str)
                                    else reply_at.get(mention["uid"]))
        if replied is not None:
            answered += 1
            minutes.append(max(0.0, (replied - created).total_seconds() / 60))
    days = [{"day": day, "count": len(values), "mean": round(sum(values) / len(values), 2)}
            for day, values in sorted(per_day.items())]
    every = [s for values in per_day.values() for s in values]
    return {
        "reviews": len(every),
        "mean_rating": round(sum(every) / len(every), 2) if every else None,
        "days": days,
        "low_star": {"reviews": low, "answered": answered,
                     "median_minutes": round(statistics.median(minutes), 1) if minutes else None},
    }
