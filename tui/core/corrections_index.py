"""Where the corrections are: a small index of the `correct` events kept as a store setting, so
each start reads only the events added since rather than every event. Apart from `corrections.py`
because it is storage bookkeeping, not learning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.corrections_fields import ACTION

if TYPE_CHECKING:
    from tui.storage.store import Store

INDEX = "corrections.index"
"""A store setting: {"ids": correction event ids, "upto": the last event id looked at}. The events
stay the truth; the index only spares each start (the app's, each `collect`'s) a pass over every
event (about 0.3 s at 100k events): it reads just the events added since."""


def correction_ids(store: Store) -> list[int]:
    """The ids of every `correct` event, undone or not, oldest first."""
    state = store.setting(INDEX)
    ok = (isinstance(state, dict) and isinstance(state.get("ids"), list)
          and isinstance(state.get("upto"), int) and store.event(state["upto"]) is not None)
    if ok:
        ids = [i for i in state["ids"]
               if (event := store.event(i)) is not None and event.get("action") == ACTION]
        upto = state["upto"]
        while (event := store.event(upto + 1)) is not None:
            upto += 1
            if event.get("action") == ACTION:
                ids.append(upto)
    else:  # no index yet, or a store reset under it: one full pass
        ids, upto = [], 0
        for event in store.events():
            upto = max(upto, event["id"])
            if event.get("action") == ACTION:
                ids.append(event["id"])
        ids.sort()
    if not getattr(store, "readonly", False) and (not ok or state != {"ids": ids, "upto": upto}):
        store.set_setting(INDEX, {"ids": ids, "upto": upto})
    return ids


def _remember(store: Store, event_id: int) -> None:
    """Add a new correction to the index (events before it were looked at when the store opened)."""
    state = store.setting(INDEX)
    if isinstance(state, dict) and isinstance(state.get("ids"), list) and event_id not in state["ids"]:
        store.set_setting(INDEX, {"ids": [*state["ids"], event_id],
                                  "upto": max(int(state.get("upto") or 0), event_id)})


def filed_by_hand(store: Store) -> set[str]:
    """The mentions an agent put in a queue themselves (a standing `correct` that named one): the
    `[brand] exclude` phrases never set those aside again (tui/core/relevance.py `restate`)."""
    uids: set[str] = set()
    for event_id in correction_ids(store):
        event = store.event(event_id)
        if event is None or event.get("undone"):
            continue
        if "queue" not in ((event.get("details") or {}).get("set") or {}):
            continue
        uids.update(event.get("uids") or ())
    return uids
