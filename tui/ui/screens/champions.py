"""`C`: the champions, the people who defend the brand, with each one's praise; `h` thanks, `H` marks.

Thanks are a saved reply (the `thanks` template if the user defines one, else the first that suits
praise), opened in the reply editor against the author's praise for the agent to read, edit and send;
only sending queues it in the outbox and records an undoable `thank`. Muted authors get no templated
thanks. The inbox shares `press_thank` and `press_mark` for the same keys.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.champions import (
    THANKS_TEMPLATE,
    PraiseTally,
    archived_praise,
    can_thank,
    champions,
    is_praise,
    last_praise_stamps,
    latest_praise,
    mark_champion,
    praise_history,
)
from tui.core.lifecycle import TransitionError
from tui.core.model import parse_time
from tui.core.rows import span
from tui.core.sanitize import clean, one_line
from tui.core.templates import Template, fill, saved_replies
from tui.services.session import Session
from tui.storage import paths
from tui.ui.screens.sending import Step
from tui.ui.widgets.footer import FittingFooter

THANKS_KIND = "praise"
"""Without a `thanks` template, the first saved reply suiting this kind is the thanks."""
HISTORY_LIMIT = 20
"""Praise mentions shown for the selected champion, newest first."""

class PraiseCounted(Message):
    """Archived praise, counted in a thread."""

    def __init__(self, tally: PraiseTally) -> None:
        super().__init__()
        self.tally = tally


def thanks_template(templates: list[Template], wanted: str = THANKS_TEMPLATE) -> Template | None:
    """The saved reply used to thank someone (the rules' `followup.thanks_template`), or None."""
    by_id = {t.id: t for t in templates}
    if wanted in by_id:
        return by_id[wanted]
    return next((t for t in templates if THANKS_KIND in t.kinds), None)


def thanks_reply(session: Session, uid: str) -> tuple[str, Step]:
    """The thanks for the author of `uid`, filled in, and the `thank` step sending it records.
    Raises `TransitionError` when refused (not praise, muted author, no mention, no template)."""
    store = session.store
    mention = store.mention(uid)
    if mention is None:
        raise TransitionError("nothing to thank")
    author = mention.get("author", "")
    if not is_praise(mention):
        # The saved thanks answer kind words: sent to a complaint ("gotta love ... nobody showing
        # up") or a question they read as mockery or as not listening.
        kind = mention.get("kind") or "not triaged"
        raise TransitionError(f"Not praise ({kind}): the saved thanks are for praise. r replies; "
                              "L corrects triage if it misread this mention.")
    if not can_thank(store, author):
        raise TransitionError(f"{one_line(author, 60)} is muted: no templated thanks")
    user = paths.templates_file()
    template = thanks_template(saved_replies(), session.lifecycle.rules.thanks_template)
    if template is None:
        raise TransitionError(f"No thanks template: add one with kinds = [\"{THANKS_KIND}\"] "
                              f"to {user}")
    config = session.config
    text = fill(template, mention, config.brand, config.agent)
    step = Step("thank", (uid,), {"template": template.id, "author": author},
                done=f"Thanked {one_line(author, 60)}")
    return text, step


def press_thank(screen: Screen[Any], session: Session, uid: str,
                then: Callable[[bool | None], None] | None = None) -> bool:
    """`h`: open the reply editor on `uid` with the saved thanks filled in. Nothing is posted until
    the agent sends it (ctrl+s), and only then is the thanks recorded. True if the editor opened."""
    from tui.ui.screens.reply import ReplyScreen

    mention = session.store.mention(uid)
    author = mention["author"] if mention is not None else ""
    try:
        text, step = thanks_reply(session, uid)
    except TransitionError as error:
        screen.notify(str(error), severity="warning", timeout=4)
        return False
    thanked, answered = last_praise_stamps(session.store, author)
    before, verb = thanked, "thanked"
    if not before:
        before, verb = answered, "answered the praise of"
    if before:
        ago = span((session.clock() - parse_time(before)).total_seconds())
        screen.notify(f"Already {verb} {one_line(author, 60)} {ago} ago.", severity="warning", timeout=5)
    screen.app.push_screen(ReplyScreen(session, uid, prefill=text, step=step), callback=then)
    return True


def press_mark(screen: Screen[Any], session: Session, author: str) -> bool:
    """`H`: mark the author a champion, or unmark them. Returns the new state."""
    marked = not session.store.author(author).get("champion")
    mark_champion(session.store, author, champion=marked, clock=session.clock)
    who = one_line(author, 60)
    screen.notify(f"★ {who} marked a champion." if marked else f"{who} is no longer marked a champion.",
                  timeout=3)
    return marked


def _ago(stamp: str | None, now: datetime) -> str:
    if not stamp:
        return "—"
    return f"{span((now - parse_time(stamp)).total_seconds())} ago"


def champion_prompt(row: dict[str, Any], now: datetime) -> Text:
    """One line of the list, from plain Text (handles come from strangers)."""
    text = Text("★ " if row.get("marked") else "  ", "bold")
    text.append(one_line(clean(row["author"]), 32), "bold")
    text.append(f"  ♥ {row['praise']}")
    text.append(f"  first {_ago(row['first_seen'], now)} · last {_ago(row['last_seen'], now)}", "dim")
    if row.get("thanked") or row.get("answered"):
        text.append("  ✓ thanked" if row.get("thanked") else "  ✓ answered")
    else:
        text.append("  · not thanked")
    if row.get("muted"):
        text.append("  muted", "dim")
    return text


class ChampionsScreen(Screen[None]):
    """The champions list (most praise first) and the selected one's praise, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="champions.back"),
        Binding("h", "thank", "Thank", id="champions.thank"),
        Binding("H", "mark", "Mark/unmark", id="champions.mark"),
        Binding("t", "thread", "Thread", id="champions.thread"),
        Binding("j", "down", "Down", show=False, id="champions.down"),
        Binding("k", "up", "Up", show=False, id="champions.up"),
        Binding("g", "first", "First", show=False, id="champions.first"),
        Binding("G", "last", "Last", show=False, id="champions.last"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[dict[str, Any]] = []
        self._seen = -1
        self.archived: PraiseTally | None = None
        """Archived praise, counted once in a thread on opening; None until then."""

    def compose(self) -> ComposeResult:
        yield Label(id="champions-title")
        yield OptionList(id="champion-list")
        with VerticalScroll(id="champion-history"):
            yield Static(id="champion-body")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()
        self.set_interval(5, self._maybe_reload)
        store = self.session.store
        self.run_worker(lambda: self.post_message(PraiseCounted(archived_praise(store))),
                        thread=True, exit_on_error=False, name="archived praise")

    def on_praise_counted(self, message: PraiseCounted) -> None:
        self.archived = message.tally
        self.reload()

    def on_screen_resume(self) -> None:
        if not self.is_mounted:
            return  # resumed before its widgets exist (keys racing a push or a quit)
        self.reload()

    @property
    def current(self) -> dict[str, Any] | None:
        index = self.query_one(OptionList).highlighted
        return self.rows[index] if index is not None and 0 <= index < len(self.rows) else None

    def _maybe_reload(self) -> None:
        if self.session.store.mention_count() != self._seen:
            self.reload()

    def reload(self) -> None:
        """Rebuild the list from the store, keeping the cursor on the same author."""
        now = self.session.clock()
        keep = (self.current or {}).get("author")
        self._seen = self.session.store.mention_count()
        self.rows = champions(self.session.store, archived=self.archived or PraiseTally())
        options = self.query_one(OptionList)
        old = options.highlighted
        options.clear_options()
        options.add_options([Option(champion_prompt(row, now)) for row in self.rows])
        authors = [row["author"] for row in self.rows]
        if authors:
            index = authors.index(keep) if keep in authors else min(old or 0, len(authors) - 1)
            options.highlighted = index
        n = len(self.rows)
        self.query_one("#champions-title", Label).update(Text(
            f"Champions · {n} {'person' if n == 1 else 'people'} who praise us, most praise first"
            + ("" if self.archived is not None else " · counting archived praise…")))
        self.show_history()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_history()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_thread()

    def show_history(self) -> None:
        """The selected champion's praise, newest first, a few lines each."""
        body = self.query_one("#champion-body", Static)
        row = self.current
        if row is None:
            body.update(Text("No champions yet: praise lands in the champions queue (3), and H "
                             "marks an author from the inbox.", "dim"))
            return
        now, author = self.session.clock(), row["author"]
        record = self.session.store.author(author)
        head = Text(one_line(clean(author), 80), "bold")
        latest = self.session.store.by_author(author, last=1)
        if latest and latest[0].get("author_name"):
            head.append(f"  {one_line(clean(latest[0]['author_name']), 60)}")
        if record.get("champion"):
            head.append(f"  ★ champion since {_ago(record.get('champion_since'), now)}")
        if record.get("muted"):
            head.append("  · muted: no templated thanks", "dim")
        thanked, answered = last_praise_stamps(self.session.store, author)
        if thanked:
            head.append(f"  · thanked {_ago(thanked, now)}")
        else:
            head.append(f"  · answered {_ago(answered, now)}" if answered else "  · not thanked yet")
        praise = praise_history(self.session.store, author)
        total = max(len(praise), int(row.get("praise", 0)))
        parts: list[Text] = [head, Text(f"── {total} praise mention(s), newest first ──", "bold")]
        if not praise:
            parts.append(Text("No praise on record: marked a champion by hand.", "dim"))
        for mention in praise[:HISTORY_LIMIT]:
            line = Text(f"♥ {_ago(mention['created_at'], now)} · {mention.get('source', '')}", "dim")
            if mention.get("thanked_at"):
                line.append(f" · ✓ thanked {_ago(mention['thanked_at'], now)}", "dim")
            elif mention.get("replied_at"):
                line.append(f" · ✓ answered {_ago(mention['replied_at'], now)}", "dim")
            line.append("\n")
            line.append(one_line(clean(mention.get("text", "")), 320))
            parts += [line, Text("")]
        if total > min(len(praise), HISTORY_LIMIT):
            parts.append(Text(f"… and {total - min(len(praise), HISTORY_LIMIT)} older", "dim"))
        body.update(Group(*parts))
        self.query_one("#champion-history", VerticalScroll).scroll_home(animate=False)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_first(self) -> None:
        self.query_one(OptionList).action_first()

    def action_last(self) -> None:
        self.query_one(OptionList).action_last()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_thank(self) -> None:
        row = self.current
        if row is None:
            self.notify("No champion selected.", severity="warning")
            return
        mention = latest_praise(self.session.store, row["author"])
        if mention is None:
            self.notify("No praise from them to answer: thank them from one of their mentions "
                        "in the inbox (h).", severity="warning", timeout=4)
            return
        press_thank(self, self.session, mention["uid"])

    def action_mark(self) -> None:
        row = self.current
        if row is None:
            self.notify("No champion selected.", severity="warning")
            return
        press_mark(self, self.session, row["author"])
        self.reload()

    def action_thread(self) -> None:
        from tui.ui.screens.thread import ThreadScreen

        row = self.current
        mention = latest_praise(self.session.store, row["author"]) if row else None
        if mention is not None:
            self.app.push_screen(ThreadScreen(self.session, mention["uid"]))
