"""`turnaround collect`: the inbox's session without a screen, for cron, systemd or a tmux pane.

It opens the same `Session` as the app (store, triage, pipeline with the lifecycle, spike and inbox
hooks), so a walked-away thread whose author writes again resurfaces and spikes are recorded while
nobody looks; and it delivers the outbox: replies the agent queued, and those a crash left half-sent
(resent with the same idempotency key). Only the process that holds the store sends, so no reply goes
twice; when the inbox holds it, `collect` hands its mentions over through the spool instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from tui.cli.common import EXIT_INVALID, EXIT_OK, EXIT_SOURCE, die, read_config, store_path, stranger_line
from tui.rules.config import Config
from tui.services.outbox import Sender
from tui.services.pipeline import Counts, Outcome
from tui.services.session import Session
from tui.sources.base import Source
from tui.sources.http import redact
from tui.sources.registry import SourceSpecError, from_config, from_spec

TICK_SECONDS = 5.0
"""How often a long-running collect runs the lifecycle's timers (the inbox's interval)."""

LISTED_PROBLEMS = 20
"""Invalid lines listed one by one per run; the rest are counted (a wrong export repeats itself)."""


def _sources(args: argparse.Namespace, config: Config) -> list[Source]:
    if args.source:
        return [from_spec(spec, once=args.once) for spec in args.source]
    sources = [from_config(table, index) for index, table in enumerate(config.sources, 1)]
    for source in sources:
        if hasattr(source, "once"):
            source.once = args.once  # one pass and stop, for cron
    return sources


def _senders(sources: list[Source]) -> dict[str, Sender]:
    """The platforms this run can post replies on: those of its sources that answer."""
    return {source.platform: source.post_reply for source in sources
            if source.can_reply and hasattr(source, "post_reply")}


def _say(line: str) -> None:
    print(f"turnaround: {line}", file=sys.stderr, flush=True)


def _tell_failures(sources: list[Source], failed: set[str]) -> None:
    """Each source's errors and warnings go to stderr as they happen (its SourceHealth tells us), one
    line naming the source; names can hold a URL, so they are redacted like the reasons are."""
    for source in sources:
        label = redact(source.name)

        def tell(level: str, text: str, label: str = label) -> None:
            if level == "error":
                failed.add(label)
            prefix = "warning: " if level == "warning" else ""
            _say(f"{label}: {prefix}{stranger_line(text)}")

        source.health.listeners.append(tell)


async def run(args: argparse.Namespace) -> int:
    """Collect until the sources end (`--once`) or a signal stops us; exit 3 on a source failure."""
    config = read_config(args.config) or Config()
    try:
        sources = _sources(args, config)
    except SourceSpecError as error:
        return die(str(error))
    if not sources:
        return die("no sources: pass --source SPEC or configure [[sources]] in the config")
    failed: set[str] = set()
    _tell_failures(sources, failed)
    session = Session.open(config, store_path(args), headless=True)
    for warning in session.warnings:
        _say(warning)
    for notice in session.notices:
        print(notice, flush=True)
    session.pipeline.warning_hooks.append(_say)
    counts: Counts = session.drained  # what an earlier collect handed to an inbox since closed
    try:
        code = await _collect(args, session, sources, counts, failed)
    finally:
        session.close()
        print(counts)
    return code


async def _collect(args: argparse.Namespace, session: Session, sources: list[Source], counts: Counts,
                   failed: set[str]) -> int:
    store = session.store

    listed_before = counts.invalid

    def report(outcome: Outcome) -> None:
        # The first lines name the mistake; a whole file with the same mistake would bury them.
        if outcome.status == "invalid" and counts.invalid - listed_before <= LISTED_PROBLEMS:
            print(counts.problems[-1], file=sys.stderr, flush=True)

    async def syncer() -> None:
        while True:
            await asyncio.sleep(0.1)
            await asyncio.to_thread(store.sync)

    async def ticker() -> None:
        while True:  # snoozes wake and watch windows end, as in the inbox (every 5 s there too)
            await asyncio.sleep(TICK_SECONDS)
            session.tick()

    senders = _senders(sources) if session.holds_store else {}
    session.outbox.senders.update(senders)
    stop_outbox = asyncio.Event()
    tasks = [asyncio.create_task(syncer())]
    if session.holds_store:
        tasks.append(asyncio.create_task(ticker()))
    if senders:
        delivering = asyncio.create_task(session.outbox.run(stop_outbox, keep_unsendable=True))
        tasks.append(delivering)
    # systemd stops with SIGTERM, a tmux pane with ctrl+c: either one ends the run cleanly, with
    # the store compacted and the counts printed.
    main_task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if main_task is not None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, main_task.cancel)
    try:
        results = await asyncio.gather(
            *(session.pipeline.run(source, on_outcome=report, counts=counts) for source in sources),
            return_exceptions=True,
        )
        for source, result in zip(sources, results, strict=True):
            label = redact(source.name)
            if isinstance(result, BaseException) and label not in failed:
                # Not reported through its health: say what, never the details (they may hold secrets).
                reason = getattr(result, "strerror", None) or type(result).__name__
                failed.add(label)
                _say(f"{label}: {stranger_line(str(reason))}")
        if session.holds_store:
            stop_outbox.set()
            if senders:
                await delivering  # finishes the send it is in, then stops
            await session.deliver(senders)  # what became due while the sources ran, once more
            session.tick()  # snoozes wake and watch windows end, as in the inbox
    except asyncio.CancelledError:
        pass
    finally:
        for task in tasks:
            task.cancel()
        for source in sources:
            await source.aclose()
    unlisted = counts.invalid - listed_before - LISTED_PROBLEMS
    if unlisted > 0:
        _say(f"... and {unlisted:,} more invalid lines (only the first {LISTED_PROBLEMS} are listed)")
    unhealthy = {redact(s.name) for s in sources if not s.health.healthy}
    if unhealthy or (failed and args.once):
        return EXIT_SOURCE
    return EXIT_INVALID if counts.invalid else EXIT_OK
