"""The detail pane: the whole mention, its thread, the author's history with us and their reach."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.model import Mention, maybe_time
from tui.core.rows import KIND_SYMBOL, LABEL_SYMBOL, age, dated, fold_handles, reach, review_note, wake_text
from tui.core.sanitize import clean, on_screen, one_line
from tui.core.triage import describe_verdict
from tui.core.triage_verdict import STANDS_TEXT


def describe_mention(mention: Mention, now: datetime, *, full: bool = True,
                     why: list[str] | None = None) -> Text:
    """Header and text of one mention, built from plain Text: mention text is never markup. `why`
    (lines of `why_lines()`) goes under the verdict it explains."""
    text = Text()
    name = mention.get("author_name")
    author = mention.get("author", "")
    text.append(author, "bold")
    if name and name.strip().casefold() != author.lstrip("@").casefold():
        # A review's author is its display name ("Kim L."): said once, not "Kim L.  Kim L.".
        text.append(f"  {one_line(name, 60)}")
    when = f"{age(mention, now)} ago" + (f" · {dated(mention)}" if mention.get("future_dated") else "")
    text.append(f"  · {reach(mention.get('followers'))} · {mention.get('source', '')} · {when}\n",
                "dim")
    kind, label = mention.get("kind", "other"), mention.get("label", "neutral")
    verdict = (f"{KIND_SYMBOL.get(kind, '·')} {kind}  {LABEL_SYMBOL.get(label, '·')} {label} "
               f"({mention.get('sentiment', 0):+.2f})")
    if (mention.get("lang") or "en") != "en":  # not read by triage: say so instead of a guess
        verdict = describe_verdict(mention)
    if mention.get("ours"):
        # Our own post is context, not work: its triage ("praise", a priority) would only mislead.
        text.append("our post", "italic")
    else:
        text.append(f"{verdict}  priority {mention.get('priority', 0)}  "
                    f"state {mention.get('state', 'open')}", "italic")
    if mention.get("tags"):
        text.append("  " + " ".join(f"#{t}" for t in mention["tags"]))
    if mention.get("folded"):
        text.append(f"  ×{mention['folded'] + 1} (repeats and boosts folded in)")
    text.append("\n")
    if aside := aside_line(mention):
        text.append(aside + "\n", "bold")
    for line in why or ():
        text.append(line + "\n", "dim italic")
    for line in state_lines(mention, now):
        text.append(line + "\n", "bold")
    if note := review_note(mention):
        text.append(f"{note}\n")
    if mention.get("banner"):
        text.append(f"⚑ {mention['banner']}\n", "bold reverse")
    if mention.get("deleted"):
        text.append("(deleted by its author; kept here)\n", "dim")
    body = mention.get("text", "")
    if full:
        body, hidden = _pane_text(body)
        text.append(body)
        if hidden:
            text.append(f"\n… {hidden:,} more lines, not shown here (kept whole in the store and exports)",
                        "dim italic")
    else:
        text.append(one_line(body, 400))
    if mention.get("url"):
        text.append(f"\n{mention['url']}", "dim underline")
    return text


_BLANK_RUN = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)+\n")
PANE_LINES = 200


def _pane_text(body: str) -> tuple[str, int]:
    """The mention's text for the pane, and how many lines are left out: runs of blank lines fold
    to one, and only the first `PANE_LINES` lines are drawn. A post of 10,000 newlines (mention text
    is anyone's) took the pane ~0.9 s to lay out, with the keyboard waiting."""
    text = _BLANK_RUN.sub("\n\n", on_screen(body))
    lines = text.split("\n")
    if len(lines) <= PANE_LINES:
        return text, 0
    return "\n".join(lines[:PANE_LINES]), len(lines) - PANE_LINES


def aside_line(mention: Mention) -> str | None:
    """Why a mention not about us is set aside (tui/core/relevance.py), and how to file it back."""
    elsewhere = mention.get("off_topic")
    if not elsewhere or mention.get("state", "open") != "open" or mention.get("kind") == "crisis":
        return None
    return (f"⊘ Set aside, not about us: it names '{one_line(clean(str(elsewhere)), 60)}' ([brand] "
            "exclude); L files it in a queue")


def state_lines(mention: Mention, now: datetime) -> list[str]:
    """What the state hides: when a snooze or a watch ends, where an escalation went and what it
    carried, so the agent need not open the thread to learn it."""
    lines: list[str] = []
    state = mention.get("state")
    until = maybe_time(mention.get("snooze_until"))
    if state == "snoozed" and until is not None:
        lines.append(f"◷ Snoozed {wake_text(until, now)}")
    watch = maybe_time(mention.get("watch_until"))
    if state == "walked-away" and watch is not None:
        lines.append(f"◷ Walked away; watched {wake_text(watch, now)}")
    team = mention.get("escalated_to")
    if team and (state == "escalated" or mention.get("escalation_answer")):
        note = one_line(clean(str(mention.get("escalation_note") or "")), 200)
        status = "Escalated to" if state == "escalated" else "Was escalated to"
        lines.append(f"⇡ {status} {one_line(clean(str(team)), 40)}" + (f": '{note}'" if note else ""))
        answer = one_line(clean(str(mention.get("escalation_answer") or "")), 200)
        if answer and state != "escalated":  # an answer to an earlier escalation is not this one's
            lines.append(f"  answered: '{answer}'")
    return lines


_WEIGHTED = re.compile(r"^([+-]\d+\.\d+) (?:word|rule): (.*) -> (\w[\w-]*)$")
_RULE_DETAIL = re.compile(r" \([^()]*\)$")
WHY_WORDS = 4
"""How many words or signals a "why" line names: the ones that weighed most."""


_LEANING = {"negative": -1, "neutral": 0, "positive": 1}
_VALENCE = re.compile(r"valence ([+-]?\d+(?:\.\d+)?)\)$")
_STANDS = re.compile("^" + re.escape(STANDS_TEXT.partition("{rules}")[0]) + r"(\w+)")


def _leans(rule: str) -> int:
    """Which way a fired rule pulled the label: -1 irony or an unhappy phrase, +1 a happy phrase
    or an idiom read positive, 0 anything else (crises, the harm guard, neutral formulas).

    The model, or the harm guard after it, can outweigh a rule: "Booking no YIUBPF. Thanks." reads
    neutral though the rules took the thanks as irony, and "Why needs-reply: sarcasm" would tell
    the agent the opposite of the verdict."""
    if rule.startswith("sarcasm:"):
        return -1
    if (stands := _STANDS.match(rule)) is not None:
        return _LEANING.get(stands[1], 0)
    if (valence := _VALENCE.search(rule)) is not None:
        value = float(valence[1])
        return (value > 0) - (value < 0)
    return 0


def why_lines(explanation: list[str], queue: str = "", shown: tuple[str, str] | None = None,
              corrected: bool = False, quiet: Collection[str] = ()) -> list[str]:
    """One to three short lines saying why triage gave its verdict, from `triage.explain()`'s
    lines: the rules that fired, then what pulled toward the label and toward the kind. Words that
    pulled away, or toward a class triage did not pick, are left out: they explain nothing.

    `shown` is the mention's (label, kind) as stored. When it is not what triage reads now, the
    lines still explain triage's reading and the first line says so: "corrected" when an agent's
    correction (or a lesson from one, `corrected`) set it, else "triage now reads" (a mention
    triaged by an older model or rules).

    `quiet`: words that name us (`Session.brand_words`). The model leans on a brand's name as on any
    word ("question ← question form · 'tesco'", real Tesco tweets), but it tells the agent nothing
    about a mention that is to us anyway."""
    if not explanation:
        return []
    verdict, *reasons = (one_line(clean(line), 300) for line in explanation)
    picked = verdict.split(" (")[0].split()
    fired: list[str] = []
    toward: dict[str, list[tuple[float, str]]] = {name: [] for name in picked}
    leaning = _LEANING.get(picked[0], 0) if picked else 0
    for reason in reasons:
        match = _WEIGHTED.match(reason)
        if match is None:
            source, _, text = reason.partition(": ")
            if _leans(text) not in (0, leaning):
                continue  # a rule that pulled against the verdict did not make it (see `_leans`)
            text = _RULE_DETAIL.sub("", text)  # "(waiting, valence -1.6)": the rule's inner workings
            fired.append(f"{source} {text}" if source in ("crisis", "phrase") else text or source)
        elif match[2].endswith(" (encoder)"):
            continue  # the encoder's words are mostly the label model's again; `--explain` lists them
        elif match[2].strip("'") in quiet:
            continue
        elif (weight := float(match[1])) > 0 and match[3] in toward:
            toward[match[3]].append((weight, match[2]))
    head = f"Why {queue}: " if queue else "Why: "
    if shown is not None and len(picked) == 2 and set(shown) != set(picked):
        read = f"{picked[1]}, {picked[0]}"
        head += f"corrected; triage read {read}: " if corrected else f"triage now reads {read}: "
    lines = [head + (" · ".join(fired) if fired else verdict.split(" (")[0])]
    for name, pulls in toward.items():
        if pulls:
            top = sorted(pulls, key=lambda pull: -pull[0])[:WHY_WORDS]
            lines.append(f"  {name} ← " + " · ".join(text for _, text in top))
    return [one_line(line, 160) for line in lines[:3]]


DRAFT_TITLE = "✎ Your draft, not sent (r opens it)"
"""Above an unsent reply draft, in the detail pane and the thread."""


def draft_text(draft: str) -> Text:
    """An unsent reply draft as the pane and the thread show it: whole, cleaned for the terminal."""
    return Text(clean(on_screen(draft)).strip())


def thread_line(text: str, limit: int, ours: Collection[str] = ()) -> Text:
    """A thread message on one line, our handles at its start left out and a crowd of handles
    folded ("@116302 +14", dimmed) so the words show; the mention itself is shown whole elsewhere."""
    lead, words = fold_handles(text, ours)
    line = Text(one_line(lead, 40) + " ", "dim") if lead else Text()
    line.append(one_line(words, limit))
    return line


class MentionDetail(VerticalScroll, can_focus=True):
    """Scrolls when the text is long; filled by the screen with `show()`."""

    DEFAULT_CSS = """
    MentionDetail > Static { width: 1fr; }
    """

    def __init__(self, *, ours: Collection[str] = (), id: str | None = None) -> None:
        """`ours`: the brand's handles (`our_handles`), left out where a thread line opens with them."""
        super().__init__(id=id)
        self.ours = frozenset(ours)

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    def show(self, mention: Mention | None, thread: list[Mention],
             history: list[Mention], events: list[str], now: datetime,
             author: dict[str, Any] | None = None, history_total: int | None = None,
             why: list[str] | None = None, draft: str = "") -> None:
        """`history` is the author's newest mentions; `history_total` how many they have in all;
        `why` the lines of `why_lines()`, shown under the verdict; `draft` our unsent reply to it."""
        body = self.query_one("#detail-body", Static)
        if mention is None:
            body.update(Text("No mention selected.", "dim"))
            return
        parts: list[Any] = [describe_mention(mention, now, why=why)]
        if draft:
            parts.append(Text(f"\n── {DRAFT_TITLE} ──", "bold"))
            parts.append(draft_text(draft))
        if len(thread) > 1:
            parts.append(Text(f"\n── Thread ({len(thread)} messages) ──", "bold"))
            for item in thread:
                marker = "▶ " if item["uid"] == mention["uid"] else "  "
                line = Text(marker)
                line.append(item.get("author", ""), "bold")
                line.append(f" {age(item, now)} ago: ", "dim")
                line.append_text(thread_line(item.get("text", ""), 240, self.ours))
                parts.append(line)
        others = [m for m in history if m["uid"] != mention["uid"]]
        total = len(others) if history_total is None else max(0, history_total - 1)
        count = "first mention" if total == 0 else f"{total} other mention" + ("s" if total > 1 else "")
        header = f"\n── {mention.get('author', '')} with us: {count}"
        if author and author.get("champion"):
            header += " · ★ champion"
        if author and author.get("muted"):
            header += f" · muted: {author.get('muted_count', 0)} mention(s) set aside (m unmutes)"
        parts.append(Text(header + " ──", "bold"))
        for item in others[-5:]:
            line = Text(f"  {LABEL_SYMBOL.get(item.get('label', ''), '·')} {age(item, now)} ago: ")
            line.append(one_line(item.get("text", ""), 200))
            parts.append(line)
        if events:
            parts.append(Text("\n── History ──", "bold"))
            parts.extend(Text(f"  {e}") for e in events)
        body.update(Group(*parts))
        self.scroll_home(animate=False)
