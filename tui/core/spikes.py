"""Spikes: negative mentions about one topic well above their normal rate.

Each arrival costs O(1) (amortised): the detector keeps, per topic, the times of recent negative
mentions in two queues, the current window and the baseline before it, and moves times from one to the
other as the clock passes. Asking for spikes walks the topics, never the mentions.

When a spike calls for a public statement (a post, not a reply), `record_statement` links it to every
thread it answers, as an event on each.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tui.core.lifecycle import Change, Lifecycle, Rules, default_rules, is_negative
from tui.core.model import Mention, MentionError, now_utc, parse_time


@dataclass(frozen=True, slots=True)
class Spike:
    topic: str
    count: int
    """Negative mentions on the topic within the window."""
    baseline_rate: float
    """Their usual number per window, over the baseline before it."""
    uids: tuple[str, ...]


@dataclass
class _Topic:
    recent: deque[tuple[float, str]] = field(default_factory=deque)
    older: deque[float] = field(default_factory=deque)


def _key(item: tuple[float, str] | float) -> float:
    return item[0] if isinstance(item, tuple) else item


def _insert(queue: deque, item: tuple[float, str] | float) -> None:
    """Append, or slot in from the right when an arrival is a little out of order (rare, and then
    only a few steps)."""
    key = _key(item)
    queue.append(item)
    index = len(queue) - 1
    while index > 0 and _key(queue[index - 1]) > key:
        queue[index], queue[index - 1] = queue[index - 1], queue[index]
        index -= 1


class SpikeDetector:
    """Counts negative mentions per topic in a sliding window against a baseline."""

    def __init__(self, window: timedelta, baseline: timedelta, ratio: float, min_count: int, *,
                 clock: Callable[[], datetime] = now_utc, rules: Rules | None = None) -> None:
        self.window = window.total_seconds()
        self.baseline = baseline.total_seconds()
        self.ratio = ratio
        self.min_count = min_count
        self.clock = clock
        self.rules = rules or default_rules()
        self.ignore: set[str] = set()
        """Topics that name the brand itself: every mention is about it, so it never spikes."""
        self._topics: dict[str, _Topic] = {}

    @classmethod
    def from_rules(cls, rules: Rules | None = None, *,
                   clock: Callable[[], datetime] = now_utc) -> SpikeDetector:
        rules = rules or default_rules()
        return cls(rules.spike_window, rules.spike_baseline, rules.spike_ratio, rules.spike_min_count,
                   clock=clock, rules=rules)

    def _advance(self, topic: _Topic, now: float) -> None:
        edge = now - self.window
        while topic.recent and topic.recent[0][0] <= edge:
            _insert(topic.older, topic.recent.popleft()[0])
        while topic.older and topic.older[0] <= edge - self.baseline:
            topic.older.popleft()

    def observe(self, mention: Mention) -> None:
        """Count one new mention (a pipeline arrival hook): negative ones, under each topic.

        Our own posts never count: a brand apologising in public about the app is answering a
        spike, not making one. Nor do mentions not about us (`off_topic`)."""
        topics = mention.get("topics") or ()
        if not topics or mention.get("ours") or mention.get("off_topic") or not is_negative(
                mention, self.rules):
            return
        try:
            at = parse_time(str(mention.get("created_at"))).timestamp()
        except MentionError:
            return
        now = max(self.clock().timestamp(), at)
        for name in dict.fromkeys(str(t).lower() for t in topics):
            if name in self.ignore:
                continue
            topic = self._topics.setdefault(name, _Topic())
            if at > now - self.window:
                _insert(topic.recent, (at, str(mention.get("uid", ""))))
            elif at > now - self.window - self.baseline:
                _insert(topic.older, at)
            self._advance(topic, now)

    def seed(self, mentions: Iterable[Mention]) -> None:
        """Count stored history once at start-up, so the baseline is known at once."""
        for mention in sorted(mentions, key=lambda m: str(m.get("created_at", ""))):
            self.observe(mention)

    def spikes(self, now: datetime | None = None) -> list[Spike]:
        """Topics whose negative count in the window is at least `min_count` and at least `ratio`
        times their baseline rate; the biggest first."""
        stamp = (now or self.clock()).timestamp()
        out = []
        per_window = self.baseline / self.window if self.window else 1.0
        for name in list(self._topics):
            topic = self._topics[name]
            self._advance(topic, stamp)
            if not topic.recent and not topic.older:
                del self._topics[name]
                continue
            count = len(topic.recent)
            rate = len(topic.older) / per_window
            if count >= self.min_count and count >= self.ratio * rate:
                out.append(Spike(name, count, rate, tuple(uid for _, uid in topic.recent)))
        return sorted(out, key=lambda s: (-s.count, s.topic))


def record_statement(lifecycle: Lifecycle, text: str, topic: str, uids: Iterable[str]) -> list[Change]:
    """Link a public statement (a post, not a reply) to the threads it answers: one event on each
    thread, carrying the statement, so each thread's history shows it."""
    now = lifecycle.clock()
    statement_id = f"statement-{now:%Y%m%dT%H%M%S}-{topic}"
    by_thread: dict[str, list[str]] = {}
    for uid in dict.fromkeys(uids):
        mention = lifecycle.store.mention(uid)
        if mention is not None:
            by_thread.setdefault(mention.get("thread_uid", uid), []).append(uid)
    return [lifecycle.apply("statement", thread_uids, why=text, topic=topic, text=text,
                            statement_id=statement_id)
            for thread_uids in by_thread.values()]
