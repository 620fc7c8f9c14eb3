"""What a reply must pass before it is sent, and the lifecycle step that some replies carry out.

Nothing is posted unseen: `f` (ask for feedback) and `h` (thank) open the reply editor prefilled with
their saved reply, and their step (`request-feedback`, `thank`) is recorded only when the agent sends
it. Until then the step waits with the draft, so a draft kept with Escape still thanks when sent later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tui.core.templates import unfilled
from tui.services.session import Session

ELLIPSES = ("…", "...")


@dataclass(frozen=True, slots=True)
class Step:
    """A lifecycle action a reply performs when sent, on `uids`, with `details` for its event."""

    action: str
    uids: tuple[str, ...]
    details: dict[str, Any] = field(default_factory=dict)
    done: str = "Sent"
    """The start of the line the agent reads once it is queued ("Thanked @fan")."""

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "uids": list(self.uids), "details": dict(self.details),
                "done": self.done}

    @classmethod
    def from_dict(cls, data: Any) -> Step | None:
        """The step saved with a draft, or None (no step, or a damaged one: then a plain reply)."""
        if not isinstance(data, dict) or not isinstance(data.get("action"), str):
            return None
        uids = data.get("uids")
        if not isinstance(uids, list) or not all(isinstance(u, str) for u in uids):
            return None
        details = data["details"] if isinstance(data.get("details"), dict) else {}
        return cls(data["action"], tuple(uids), details, str(data.get("done") or "Sent"))


def saved_step(session: Session, uid: str) -> Step | None:
    """The step waiting with the draft for `uid`, if any."""
    doc = next((d for d in session.store.drafts() if d.get("uid") == uid), None)
    return Step.from_dict(doc.get("step")) if doc else None


def _gap_patterns(suggestions: Iterable[str | None]) -> list[tuple[str, re.Pattern[str]]]:
    """For each rewrite with a gap ("what we can do is …"): the words before the gap, and a pattern
    matching them still followed by the ellipsis."""
    found: list[tuple[str, re.Pattern[str]]] = []
    for suggestion in suggestions:
        if not suggestion:
            continue
        for mark in ELLIPSES:
            if mark not in suggestion:
                continue
            before = suggestion.split(mark)[0]
            # Only the literal words right before the gap (a group reference varies with the text).
            words = re.split(r"\\\d+|\\g<[^>]*>|[{}]", before)[-1].split()[-4:]
            if not words:
                continue
            lead = r"\s+".join(re.escape(word) for word in words)
            found.append((" ".join(words), re.compile(rf"(?i){lead}\s*(?:…|\.\.\.)")))
    return found


def not_ready(text: str, suggestions: Iterable[str | None] = ()) -> str | None:
    """Why `text` must not be sent yet, or None: a `{placeholder}` left unfilled, or the "…" a
    rewrite left for the agent to complete (`suggestions` are the rewrites the hints may insert)."""
    left = unfilled(text)
    if left:
        return f"Fill {', '.join('{' + name + '}' for name in left)} before sending."
    for words, pattern in _gap_patterns(suggestions):
        if pattern.search(text):
            return f"Finish “{words} …” before sending: the rewrite left a gap for you to fill."
    return None


def send(session: Session, uid: str, text: str, step: Step | None) -> tuple[str, bool]:
    """Queue `text` as the reply to `uid`, recording `step` if it carries one (else a plain reply).
    Returns a line for the agent and whether the agent must post it by hand (nothing set up to
    post on that platform); a refused step raises `TransitionError` and nothing is queued."""
    if step is None:
        return session.send_reply(uid, text)
    change = session.inbox.act(step.action, list(step.uids), cursor=uid, **{**step.details, "text": text})
    item_id = session.post_for(change, uid, text)
    session.store.drop_draft(uid)
    if (session.outbox.item(item_id) or {}).get("status") == "manual":
        return f"{step.done}: no reply API here, post it by hand (v opens the link).", True
    return f"{step.done}: queued in the outbox.", False

