"""Everything one running inbox needs, wired once: store, triage, pipeline, lifecycle, inbox.

The app and the tests build a `Session`; the CLI's headless commands use the same pieces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tui import paths
from tui.config import Config
from tui.inbox import Inbox
from tui.lifecycle import Lifecycle
from tui.model import now_utc
from tui.pipeline import Pipeline
from tui.store import Store
from tui.triage import Triager


@dataclass
class Session:
    config: Config
    store: Store
    pipeline: Pipeline
    lifecycle: Lifecycle
    inbox: Inbox
    clock: Callable[[], datetime] = now_utc
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, config: Config, db: Path, *, clock: Callable[[], datetime] = now_utc,
             triager: Triager | None = None) -> Session:
        """Blocking (reads the store): call it in a thread from the UI."""
        store = Store(db)
        if triager is None:
            user = paths.triage_file()
            triager = Triager.load(user if user.exists() else None)
        pipeline = Pipeline(store, triager, clock=clock, ours=config.handles)
        lifecycle = Lifecycle(store, clock=clock, agent=config.agent)
        inbox = Inbox(store, lifecycle, clock=clock, targets=config.targets,
                      queue_targets=config.queue_targets)
        pipeline.arrival_hooks.append(inbox.add)
        return cls(config, store, pipeline, lifecycle, inbox, clock, list(store.warnings))

    def send_reply(self, uid: str, text: str) -> str:
        """Record a reply: the thread moves to `waiting`, the draft goes, and the text is kept in
        the thread's history. Returns a line for the agent saying what happened."""
        uids = self.inbox.thread_open_uids(uid) or [uid]
        self.inbox.act("reply", uids, cursor=uid, text=text)
        self.store.drop_draft(uid)
        return "Reply recorded; the thread now waits for the customer."

    def close(self) -> None:
        self.store.close()
