"""Moving settled old threads from the live store into the archive, journaled (see tui/storage/archive.py).

Which threads move is the policy's (`ArchivePolicy`, passed in by the caller); how a move survives
`kill -9` is told step by step in tui/storage/archive.py, whose numbering the functions here follow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from tui.storage.archive import MOVE_FILE, Archive, month_of, write_month
from tui.storage.archive_index import write_atomic
from tui.storage.archive_policy import SET_ASIDE_QUEUE, ArchiveError, ArchivePolicy
from tui.storage.records import Mention
from tui.storage.store_events import record_of

if TYPE_CHECKING:
    from tui.storage.store import Store

MOVES_SETTING = "archive.moves"
"""How many moves this store has made: numbers each move, so a redone one is recognised."""


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else None


def _apply(archive: Archive, move: dict[str, Any], on_step: Callable[[str], None]) -> None:
    """Steps 2 and 3: merge the move into its month files, then index what moved."""
    serial = move["move"]
    written: dict[str, dict[str, Any]] = {}
    for month in sorted(set(move["mentions"]) | set(move["events"])):
        data = archive.read_month(month)
        mentions = data.setdefault("mentions", {})
        events = data.setdefault("events", {})
        # By uid: a redone move changes nothing, a restored and re-archived mention replaces
        # its old copy.
        have = {doc.get("uid"): key for key, doc in mentions.items()}
        next_id = max((int(k) for k in mentions), default=0) + 1
        for doc in move["mentions"].get(month, []):
            key = have.get(doc["uid"])
            if key is None:
                key, next_id = str(next_id), next_id + 1
            mentions[key] = doc
        have_events = {(d.get("_move"), d.get("_eid")) for d in events.values()}
        next_id = max((int(k) for k in events), default=0) + 1
        for eid, doc in move["events"].get(month, []):
            if (serial, eid) not in have_events:
                events[str(next_id)] = {**doc, "_move": serial, "_eid": eid}
                next_id += 1
        write_month(archive, month, data)
        written[month] = data
        on_step(f"month:{month}")
    archive.index_moved(written, [doc for docs in move["mentions"].values() for doc in docs])
    on_step("index")


def _settled_at(mention: Mention, policy: ArchivePolicy) -> datetime | None:
    """When it was settled; None: it is not (open work). A set-aside mention settles as it arrives
    (and not before it was posted): the agent can look through the `muted` view for `after`."""
    state = mention.get("state")
    if state in policy.states:
        fields = ("closed_at", "created_at")
    elif policy.set_aside and state == "open" and mention.get("queue") == SET_ASIDE_QUEUE:
        fields = ("received_at", "created_at")
    else:
        return None
    times = [t for t in (_time(mention.get(name)) for name in fields) if t]
    return max(times) if times else None


def candidates(store: Store, policy: ArchivePolicy, now: datetime) -> list[str]:
    """Threads whose every mention is settled, and was so before `now - policy.after`."""
    cutoff = now - policy.after
    drafts = {d.get("uid") for d in store.drafts()}
    watched = {m.get("thread_uid") for m in store.mentions() if m.get("watch_until")
               and m.get("state") == "walked-away"}
    threads: list[str] = []
    for thread_uid, uids in store._threads.items():
        if thread_uid in watched or not uids:
            continue
        # An agent's latest action on the thread counts as settling it (done again, reopened...).
        acted = [t for e in store.events_for(thread_uid) if (t := _time(e.get("at")))]
        if acted and max(acted) > cutoff:
            continue
        for uid in uids:
            mention = store.mention(uid)
            if mention is None:
                continue
            settled = _settled_at(mention, policy)
            if settled is None or settled > cutoff or uid in drafts:
                break
        else:
            threads.append(thread_uid)
    return threads


def move_settled(store: Store, policy: ArchivePolicy, now: datetime,
                 on_step: Callable[[str], None] = lambda step: None) -> int:
    """Move settled old threads out of the live store; returns how many mentions moved."""
    if store.journal is None:
        raise ArchiveError(f"{store.path}: opened read-only; archiving needs the store itself")
    archive = store.archive
    if archive.move_path.exists():
        recover(store, on_step)
    threads = candidates(store, policy, now)
    if not threads:
        return 0
    serial = int(store.setting(MOVES_SETTING, 0) or 0) + 1
    mentions: dict[str, list[Mention]] = {}
    events: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    moved = 0
    for thread_uid in threads:
        docs = [d for uid in store._threads[thread_uid] if (d := store.mention(uid))]
        for doc in docs:
            mentions.setdefault(month_of(doc), []).append(doc)
            moved += 1
        last_month = max(month_of(d) for d in docs)
        for event in store.events_for(thread_uid):
            events.setdefault(last_month, []).append((event["id"], record_of(event)))
    move = {"move": serial, "mentions": mentions, "events": events}
    archive.dir.mkdir(parents=True, exist_ok=True)
    write_atomic(archive.move_path, orjson.dumps(move))
    on_step("journal")
    _finish(store, move, on_step)
    return moved


def recover(store: Store, on_step: Callable[[str], None] = lambda step: None) -> None:
    """Redo an interrupted move (steps 2-5); each step is safe to do twice."""
    path = store.archive.move_path
    try:
        move = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return
    except orjson.JSONDecodeError:
        # Written by temporary file and rename, so a torn one is not ours: keep it for a person.
        path.rename(path.with_name(MOVE_FILE + ".bad"))
        store.warnings.append(f"{path}: an unreadable archive move was set aside as {MOVE_FILE}.bad; "
                              "the store kept every mention")
        return
    _finish(store, move, on_step)


def _finish(store: Store, move: dict[str, Any], on_step: Callable[[str], None]) -> None:
    _apply(store.archive, move, on_step)
    uids = [doc["uid"] for docs in move["mentions"].values() for doc in docs]
    event_ids = [eid for pairs in move["events"].values() for eid, doc in pairs
                 if (live := store.event(eid)) is not None and record_of(live) == doc]
    store._forget(uids, event_ids)
    if int(store.setting(MOVES_SETTING, 0) or 0) < move["move"]:
        store.set_setting(MOVES_SETTING, move["move"])
    store.sync()
    on_step("live")
    store.archive.move_path.unlink(missing_ok=True)
    on_step("done")
