"""The inbox as the UI sees it: ordered queues, counts, filters and an undo stack. No Textual here.

Queues are kept sorted as mentions arrive and move (a bisect insert each), and counts are kept as they
change, so an arrival or an action costs the same in an empty inbox and in one of 100k mentions.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tui.core.lifecycle import IN_PLACE, Change, Lifecycle
from tui.core.model import Mention, MentionUpdate, effective_time, now_utc
from tui.core.queues import ALL_VIEWS, HIDDEN, queue_of
from tui.rules.config import DEFAULT_TARGETS
from tui.storage.store import Store

SORTS = ("priority", "time-left", "newest")


@dataclass(frozen=True, slots=True)
class Clock:
    """A mention's response clock: seconds left (negative when late) and its mark."""

    left: float
    target: float

    @property
    def mark(self) -> str:
        """`breached`, `due-soon` (past 75% of the target) or `ok`."""
        used = 1 - self.left / self.target if self.target else 1
        return "breached" if self.left < 0 else "due-soon" if used >= 0.75 else "ok"


ARCHIVE_HITS = 200
"""At most this many archived matches per filter (newest months first): a search, not an export."""

MATCHED_FIELDS = ("text", "author", "author_name", "source", "kind")


def matcher(text: str, tag: str) -> Callable[[Mention], bool]:
    """Whether a mention matches a filter: `tag` among its tags and `text` in one of its fields
    (case-insensitive). A plain function of its arguments, so a search thread can hold one while
    the agent goes on typing."""
    needle = text.lower()
    # "@cust201" finds the author stored as "cust201": sources differ on the "@" (an imported file
    # or Bluesky has none; session 57, by hand, the advertised `@author` found nothing there)
    handle = needle[1:] if needle.startswith("@") and len(needle) > 1 else ""

    def match(mention: Mention) -> bool:
        if tag and tag not in (mention.get("tags") or ()):
            return False
        if not needle or any(needle in str(mention.get(f, "")).lower() for f in MATCHED_FIELDS):
            return True
        return bool(handle) and handle in str(mention.get("author", "")).lower()

    return match


class Inbox:
    def __init__(self, store: Store, lifecycle: Lifecycle, *,
                 clock: Callable[[], datetime] = now_utc,
                 targets: dict[str, int] | None = None,
                 queue_targets: dict[str, int] | None = None) -> None:
        self.store = store
        self.lifecycle = lifecycle
        self.clock = clock
        self.targets = {**DEFAULT_TARGETS, **(targets or {})}
        self.queue_targets = dict(queue_targets or {})
        self.sort = "priority"
        self.filter_text = ""
        self.filter_tag = ""
        self.undo_stack: list[tuple[Change, str | None]] = []
        self._archived: dict[str, Mention] | None = None
        """Archived mentions the current filter matched (listed in every view after the live ones);
        None until the archive search for this filter has reported (`set_archive_hits`)."""
        self._keys: dict[str, tuple] = {}
        self._rebuild()

    # -- ordering ----------------------------------------------------------------------------
    def target_minutes(self, mention: Mention) -> int:
        queue = mention.get("triage_queue", "")
        if queue in self.queue_targets:
            return self.queue_targets[queue]
        return self.targets.get(mention.get("kind", "other"), self.targets["other"])

    def deadline(self, mention: Mention) -> datetime:
        return effective_time(mention) + timedelta(minutes=self.target_minutes(mention))

    def response_clock(self, mention: Mention) -> Clock | None:
        """The clock of a mention still waiting for its first response, else None."""
        if mention.get("state", "open") != "open" or mention.get("first_response_at"):
            return None
        target = self.target_minutes(mention) * 60
        left = (self.deadline(mention) - self.clock()).total_seconds()
        return Clock(left, target)

    def _key(self, mention: Mention) -> tuple:
        uid = mention["uid"]
        if self.sort == "time-left":
            return (self.deadline(mention).timestamp(), uid)
        if self.sort == "newest":
            return (-effective_time(mention).timestamp(), uid)
        return (-int(mention.get("priority", 0)), -effective_time(mention).timestamp(), uid)

    def _rebuild(self) -> None:
        """File everything from scratch: at start and when the sort order changes."""
        self._keys.clear()
        # Per queue, the sort keys and, in step with them, the uids the list shows: an arrival
        # inserts into both, so the list never has to be copied.
        self._queues: dict[str, list[tuple]] = {v.id: [] for v in ALL_VIEWS}
        self._queues[HIDDEN] = []
        self._uid_lists: dict[str, list[str]] = {}
        self._unread: Counter[str] = Counter()
        self._unread_uids: set[str] = set()
        self._filtered: dict[str, tuple[list[str], dict[str, int]]] = {}
        # Exact repeats folded under the first of their run while both sit in one queue: listed
        # once, with a count, and carried along by actions on it.
        self._repeats: dict[str, list[str]] = {}
        self._folded_under: dict[str, str] = {}
        for mention in self.store.mentions():
            self._file(mention, rebuild=True)
        for queue, rows in self._queues.items():
            rows.sort()
            self._uid_lists[queue] = [key[-1] for key in rows]

    def _file(self, mention: Mention, *, rebuild: bool = False) -> None:
        queue = mention.get("queue") or queue_of(mention)
        key = self._key(mention)
        self._keys[mention["uid"]] = (queue, key)
        head = mention.get("repeat_of")
        if head is not None and head not in self._folded_under and (
                self._keys.get(head, ("",))[0] == queue):
            self._folded_under[mention["uid"]] = head
            self._repeats.setdefault(head, []).append(mention["uid"])
            return
        if rebuild:
            self._queues[queue].append(key)
        else:
            rows = self._queues[queue]
            index = bisect.bisect_left(rows, key)
            rows.insert(index, key)
            self._uid_lists[queue].insert(index, mention["uid"])
            if queue in self._filtered and self.matches(mention):
                self._filtered.pop(queue)  # rebuilt lazily, in order
        if not mention.get("read"):
            self._unread_uids.add(mention["uid"])
            self._unread[queue] += 1

    def _unfile(self, uid: str) -> None:
        queue, key = self._keys.pop(uid)
        head = self._folded_under.pop(uid, None)
        if head is not None:
            folded = self._repeats[head]
            folded.remove(uid)
            if not folded:
                del self._repeats[head]
            return
        rows = self._queues[queue]
        index = bisect.bisect_left(rows, key)
        if index < len(rows) and rows[index] == key:
            rows.pop(index)
            self._uid_lists[queue].pop(index)
        if uid in self._unread_uids:
            self._unread_uids.discard(uid)
            self._unread[queue] -= 1
        self._filtered.pop(queue, None)

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self._rebuild()

    # -- reading -----------------------------------------------------------------------------
    def add(self, mention: Mention) -> None:
        """File a newly stored mention (the pipeline's arrival hook)."""
        if mention["uid"] not in self._keys:
            self._file(mention)

    def refresh(self, uid: str) -> None:
        """Re-file a mention whose fields changed in the store."""
        mention = self.store.mention(uid)
        if mention is None:
            return
        # Repeats folded under this mention stay with it only if they still share its queue.
        repeats = self._repeats.pop(uid, [])
        for repeat in repeats:
            self._folded_under.pop(repeat, None)
            self._keys.pop(repeat, None)
        if uid in self._keys:
            self._unfile(uid)
        self._file(mention)
        for repeat in repeats:
            if (folded := self.store.mention(repeat)) is not None and repeat not in self._keys:
                self._file(folded)

    def uids(self, queue: str) -> list[str]:
        """The queue in display order, with the current filter applied.

        Unfiltered, this is the inbox's own list, kept up to date in place: read it, never change it.
        """
        if not self.filter_text and not self.filter_tag:
            return self._uid_lists[queue]
        return self._filtered_view(queue)[0]

    def _filtered_view(self, queue: str) -> tuple[list[str], dict[str, int]]:
        cached = self._filtered.get(queue)
        if cached is None:
            match = matcher(self.filter_text, self.filter_tag)
            shown = [uid for uid in self._uid_lists[queue]
                     if (mention := self.store.mention(uid)) is not None and match(mention)]
            shown += [uid for uid in self._archived or () if uid not in self._keys]
            cached = (shown, {uid: i for i, uid in enumerate(shown)})
            self._filtered[queue] = cached
        return cached

    def archive_query(self) -> tuple[str, str] | None:
        """What the archive search for the current filter looks for (None: no filter, no search).
        The search itself reads every archived month, so the UI runs it in a thread
        (`search_archive`) and hands the result back with `set_archive_hits`."""
        if not self.filter_text and not self.filter_tag:
            return None
        return (self.filter_text, self.filter_tag)

    def search_archive(self, query: tuple[str, str],
                       stop: Callable[[], bool] = lambda: False) -> list[Mention]:
        """Archived mentions matching `query`, newest first: safe to call from a thread (it reads
        archive files, never the live store)."""
        return self.store.archive.search(matcher(*query), limit=ARCHIVE_HITS, stop=stop)

    @property
    def archive_pending(self) -> bool:
        """A filter is set and its archive search has not reported yet."""
        return self.archive_query() is not None and self._archived is None

    def set_archive_hits(self, query: tuple[str, str], found: list[Mention]) -> bool:
        """The archive search's result for `query`; ignored (False) when the filter has changed since."""
        if query != self.archive_query():
            return False
        self._archived = {doc["uid"]: doc for doc in found}
        self._filtered.clear()
        return True

    def position(self, queue: str, uid: str) -> int | None:
        """Where `uid` stands in `uids(queue)`: a bisect, not a scan."""
        if self.filter_text or self.filter_tag:
            return self._filtered_view(queue)[1].get(uid)
        entry = self._keys.get(uid)
        if entry is None or entry[0] != queue:
            return None
        rows = self._queues[queue]
        index = bisect.bisect_left(rows, entry[1])
        return index if index < len(rows) and rows[index] == entry[1] else None

    def repeats(self, uid: str) -> list[str]:
        """The exact repeats folded under `uid` in its queue's list."""
        return list(self._repeats.get(uid, ()))

    def row(self, uid: str) -> Mention | None:
        """A mention as its list row shows it: `folded` also counts the repeats folded under it."""
        mention = self.store.mention(uid)
        if mention is None and self._archived:
            return self._archived.get(uid)
        repeats = self._repeats.get(uid)
        if mention is None or not repeats:
            return mention
        return {**mention, "folded": int(mention.get("folded", 0)) + len(repeats)}

    def count(self, queue: str) -> int:
        return len(self._queues[queue])

    def unread(self, queue: str) -> int:
        return max(0, self._unread[queue])

    def queue_of_uid(self, uid: str) -> str | None:
        entry = self._keys.get(uid)
        return entry[0] if entry else None

    def matches(self, mention: Mention) -> bool:
        return matcher(self.filter_text, self.filter_tag)(mention)

    def set_filter(self, text: str = "", tag: str = "") -> None:
        self.filter_text = text.strip()
        self.filter_tag = tag.strip().lstrip("#")
        self._filtered.clear()
        self._archived = None

    # -- acting ------------------------------------------------------------------------------
    def thread_open_uids(self, uid: str) -> list[str]:
        """The mentions an action on `uid` carries: it and its author's other mentions in the thread
        still in a queue with it, so a conversation with one person is handled as one. Others in the
        thread are not carried: in a busy thread (25 tweets by 8 customers, imported real text) a reply
        to one customer filed every other customer's complaint as answered."""
        mention = self.store.mention(uid)
        if mention is None:
            return [uid] if self._archived and uid in self._archived else []
        queue = self.queue_of_uid(uid)
        author = str(mention.get("author") or "").casefold()
        uids = [m["uid"] for m in self.store.thread(mention["thread_uid"])
                if m["uid"] == uid or (self.queue_of_uid(m["uid"]) == queue and queue != "done"
                                       and str(m.get("author") or "").casefold() == author)]
        return uids + [repeat for u in uids for repeat in self._repeats.get(u, ())]

    def act(self, action: str, uids: Iterable[str], *, cursor: str | None = None,
            why: str = "", **details: Any) -> Change:
        """Apply an action, re-file what it touched and remember it for undo. An archived mention
        found by the filter comes back into the live store first."""
        uids = list(uids)
        for uid in uids:
            if not self.store.has_mention(uid) and self._archived and uid in self._archived:
                self.store.restore(self._archived[uid])
                self.add(self._archived[uid])
        change = self.lifecycle.apply(action, uids, why=why, **details)
        for uid in change.uids:
            self.refresh(uid)
        if action not in ("read",):
            self.undo_stack.append((change, cursor))
        return change

    def undo(self) -> tuple[Change, str | None] | None:
        """Undo the last action; returns it and the uid the cursor was on, to put it back."""
        if not self.undo_stack:
            return None
        change, cursor = self.undo_stack.pop()
        if change.action in ("mute", "unmute"):
            event = self.store.event(change.event_id)
            details = event["details"] if event is not None else {}
            for handle, muted in details.get("authors_before", {}).items():
                self.store.update_author(handle, muted=muted)
        self.lifecycle.undo(change.event_id)
        for uid in change.uids:
            self.refresh(uid)
        return change, cursor

    def did(self, change: Change) -> str:
        """What a change did, in the history's words, e.g. "escalated to billing"."""
        return self.lifecycle.did(change)

    def set_read(self, uid: str, read: bool) -> None:
        """Read state is not history: it changes in place, with no event and no undo."""
        mention = self.store.mention(uid)
        if mention is None or bool(mention.get("read")) == read:
            return
        self.store.update_mention(uid, {"read": read})
        for repeat in self._repeats.get(uid, ()):
            self.store.update_mention(repeat, {"read": read})  # folded rows are never unread alone
        queue = self.queue_of_uid(uid)
        if queue is None or uid in self._folded_under:
            return
        if read and uid in self._unread_uids:
            self._unread_uids.discard(uid)
            self._unread[queue] -= 1
        elif not read and uid not in self._unread_uids:
            self._unread_uids.add(uid)
            self._unread[queue] += 1

    def set_muted(self, authors: Iterable[str], muted: bool, *, cursor: str | None = None) -> Change:
        """Mute (or unmute) authors: their mentions leave the queues for the muted view, crises
        excepted; nothing is deleted, and one undo takes it all back."""
        authors = list(authors)
        before_authors = {a: bool(self.store.author(a).get("muted")) for a in authors}
        before: dict[str, dict[str, Any]] = {}
        for author in authors:
            self.store.update_author(author, muted=muted)
            for mention in self.store.by_author(author):
                fields: MentionUpdate = {"muted": muted}
                fields["queue"] = queue_of({**mention, **fields})
                before[mention["uid"]] = {k: mention.get(k) for k in fields}
                self.store.update_mention(mention["uid"], fields)
        action = "mute" if muted else "unmute"
        first = self.store.mention(next(iter(before), ""))
        event_id = self.store.add_event({
            "action": action, "uids": list(before), "before": before,
            "thread_uid": first["thread_uid"] if first else "",
            "who": self.lifecycle.agent, "at": self.clock().isoformat(timespec="seconds"),
            "why": "", "details": {"authors": authors, "authors_before": before_authors},
        })
        change = Change(event_id, action, tuple(before))
        for uid in change.uids:
            self.refresh(uid)
        self.undo_stack.append((change, cursor))
        return change

    def in_place(self, action: str) -> bool:
        return action in IN_PLACE
