"""The store's lifecycle events (mixed into `Store`): add, update and read them, live or archived.

An event is read as a `StoredEvent`: the stored record (`Event`) plus its `id`, which undo and the
corrections index need. The id is not part of the record: `record_of` gives the record back as stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from tui.storage.archive import Archive
from tui.storage.records import Event, EventUpdate, StoredEvent
from tui.storage.store_journal import JournaledTable


def stored_event(doc: dict[str, Any], event_id: int) -> StoredEvent:
    """A record from the events table (or the archive) with its id: the store holds only what
    `add_event` was given, so it has the shape of an `Event`."""
    return cast(StoredEvent, {**doc, "id": event_id})


def record_of(event: StoredEvent) -> dict[str, Any]:
    """The event as stored, without the `id` the store added on reading."""
    return {key: value for key, value in event.items() if key != "id"}


class StoreEvents:
    """The events half of `Store`: a thread's events come from an index (`_events_by_thread`)."""

    archive: Archive
    _tables: dict[str, JournaledTable]
    _events_by_thread: dict[str, list[int]]

    def add_event(self, event: Event) -> int:
        doc_id = self._tables["events"].insert(event)
        self._events_by_thread[event.get("thread_uid", "")].append(doc_id)
        return doc_id

    def update_event(self, event_id: int, fields: EventUpdate) -> None:
        self._tables["events"].update(fields, doc_ids=[event_id])

    def event(self, event_id: int) -> StoredEvent | None:
        doc = self._tables["events"]._docs.get(event_id)
        return None if doc is None else stored_event(doc, event_id)

    def events_for(self, thread_uid: str) -> list[StoredEvent]:
        """A thread's live events, oldest first."""
        docs = self._tables["events"]._docs
        return [stored_event(doc, i) for i in self._events_by_thread.get(thread_uid, ())
                if (doc := docs.get(i)) is not None]

    def events(self) -> Iterator[StoredEvent]:
        """Every live event, oldest first."""
        return (stored_event(doc, doc_id) for doc_id, doc in self._tables["events"]._docs.items())

    def all_events(self) -> Iterator[StoredEvent]:
        """Every lifecycle event, archived ones included."""
        for event_id, doc in self.archive.events():
            yield stored_event(doc, event_id)
        yield from self.events()
