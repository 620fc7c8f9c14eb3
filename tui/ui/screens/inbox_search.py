"""`/` over archived history, in a thread: typing never waits for the archive.

The live queues filter at once, in memory. Archived months are files, a year of them tens of
megabytes: reading them on the UI thread froze the inbox for as long as the search took. So each
filter change starts one thread worker (the previous one, if still running, is cancelled and stops at
the next month) and its result comes back as an `ArchiveSearched` message; a result for a filter
that has changed since is dropped.
"""

from __future__ import annotations

import time

from textual.message import Message
from textual.worker import get_current_worker

from tui.core.inbox import Inbox
from tui.core.model import Mention

SEARCH_DELAY = 0.15
"""Seconds a keystroke waits before its archive search starts: the next keystroke cancels it first."""


class ArchiveSearched(Message):
    """The archived mentions matching `query` (filter text, tag), newest first."""

    def __init__(self, query: tuple[str, str], found: list[Mention], warnings: list[str]) -> None:
        super().__init__()
        self.query = query
        self.found = found
        self.warnings = warnings


class ArchiveSearch:
    """Mixed into the inbox screen: start the archive search for the filter, take its result."""

    inbox: Inbox
    queue: str

    def search_archive(self) -> None:
        """Search the archive for the current filter in a thread (nothing to do without a filter)."""
        query = self.inbox.archive_query()
        if query is None:
            self.workers.cancel_group(self, "archive-search")  # type: ignore[attr-defined]
            return
        self.run_worker(  # type: ignore[attr-defined]
            lambda: self._search_thread(query), thread=True, group="archive-search",
            exclusive=True, exit_on_error=False, name=f"archive search {query!r}")

    def _search_thread(self, query: tuple[str, str]) -> None:
        worker = get_current_worker()
        time.sleep(SEARCH_DELAY)
        if worker.is_cancelled:
            return
        archive = self.inbox.store.archive
        seen = len(archive.warnings)
        found = self.inbox.search_archive(query, stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(ArchiveSearched(query, found, archive.warnings[seen:]))  # type: ignore[attr-defined]

    def on_archive_searched(self, message: ArchiveSearched) -> None:
        for warning in message.warnings:
            self.notify(warning, severity="warning", timeout=8)  # type: ignore[attr-defined]
        if self.inbox.set_archive_hits(message.query, message.found):
            self.show_queue(self.queue)  # type: ignore[attr-defined]
