"""The thread lifecycle as a state machine with a history.

Every step (done, reply, escalate, snooze, walk away, ...) is a recorded transition: who, when, why, and
the fields of each mention before it, so any step can be undone and the thread view can tell its story.
Transitions are stored as `events` in the store; nothing here knows about the UI.

Steps the inbox takes by itself (a snooze ending, a walked-away thread resurfacing or closing when its
watch window ends) are events too, by `auto`, so they show in the history and undo like any other.
The rules (reasons, presets, thresholds, word lists, the history's verbs) are data: `tui/data/lifecycle.toml`,
merged with the user's own `lifecycle.toml`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from importlib import resources
from pathlib import Path
from typing import Any

from tui.model import maybe_time, now_utc, parse_time
from tui.queues import queue_of
from tui.sanitize import clean, one_line
from tui.store import Store

# action -> (states it may start from, state it leads to). None: any state / state unchanged.
TRANSITIONS: dict[str, tuple[frozenset[str] | None, str | None]] = {
    "done": (None, "done"),
    "reopen": (None, "open"),
    "reply": (None, "replied"),
    "resolve": (frozenset({"open", "replied", "escalated"}), "resolved"),
    "request-feedback": (frozenset({"resolved"}), "feedback-requested"),
    "close": (None, "closed"),
    "escalate": (None, "escalated"),
    "answer-escalation": (frozenset({"escalated"}), "open"),
    "snooze": (None, "snoozed"),
    "wake": (frozenset({"snoozed"}), "open"),
    "walk-away": (None, "walked-away"),
    # `open` too: the new message that brings a watched thread back comes up to priority with it.
    "resurface": (frozenset({"walked-away", "open"}), "open"),
    "expire-watch": (frozenset({"walked-away"}), "closed"),
    "read": (None, None),
    "unread": (None, None),
    "tag": (None, None),
    "untag": (None, None),
    "thank": (None, None),
    "statement": (None, None),
    "follow-up-done": (None, None),
    "record-outcome": (None, None),
    # Triage corrected by an agent (tui/corrections.py): label, kind, queue; the state stays.
    "correct": (None, None),
}
# Actions that leave the mention where it is in the queues.
IN_PLACE = frozenset({"read", "unread", "tag", "untag", "thank", "statement", "follow-up-done",
                      "record-outcome"})
# Actions after which a promised follow-up no longer stands.
ENDS_FOLLOW_UP = frozenset({"done", "resolve", "close", "walk-away", "expire-watch", "follow-up-done"})
AUTO = "auto"
"""Who the inbox's own steps are recorded as."""


class TransitionError(ValueError):
    """An action that does not apply to a mention's current state."""


class WhenError(ValueError):
    """A snooze time that cannot be read, or that has already passed; the message says which."""


class RulesError(ValueError):
    """A lifecycle rules file that is broken; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Change:
    """What one applied action did: the event id and the mentions it touched."""

    event_id: int
    action: str
    uids: tuple[str, ...]


# -- rules (data) --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PromisePattern:
    regex: re.Pattern[str]
    when: str
    at: str | None


@dataclass(frozen=True, slots=True)
class Sign:
    """One lose-lose sign seen in a thread: a stable id, the line to show, the reason it suggests."""

    id: str
    text: str
    reason: str


@dataclass(frozen=True)
class Rules:
    """The lifecycle's tunables, read once from TOML and checked."""

    positive: float
    negative: float
    reasons: tuple[str, ...]
    default_days: int
    burst_count: int
    burst_window: timedelta
    min_replies: int
    improve_margin: float
    repeat_similarity: float
    ignore_words: frozenset[str]
    abusive: re.Pattern[str] | None
    sign_text: dict[str, str]
    sign_reason: dict[str, str]
    presets: tuple[dict[str, str], ...]
    short_units: dict[str, str]
    end_of_day: time
    late_grace: timedelta
    numbers: dict[str, int]
    promise_patterns: tuple[PromisePattern, ...]
    due_soon: timedelta
    feedback_template: str
    thanks_template: str
    ended_at_least: float
    spike_window: timedelta
    spike_baseline: timedelta
    spike_ratio: float
    spike_min_count: int
    busiest_topics: int
    ignore_topics: frozenset[str]
    top_champions: int
    verbs: dict[str, str]
    repeat_window: timedelta = timedelta(hours=24)
    future_tolerance: timedelta = timedelta(minutes=5)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key, lists extend, other values replace."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = [*out[key], *value]
        else:
            out[key] = value
    return out


def _abusive_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for word in words:
        pieces = [re.escape(p) for p in word.lower().split("*")]
        parts.append(r"[a-z*]{0,2}".join(pieces).replace(r"\ ", r"\s+"))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?!\w)",
                      re.IGNORECASE)


def _clock_time(value: str, where: str) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise RulesError(f"{where}: expected a time of day like 17:00, got {value!r}") from None


def _build_rules(data: dict[str, Any], where: str) -> Rules:
    def get(path: str) -> Any:
        node: Any = data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise RulesError(f"{where}: missing key {path!r}")
            node = node[part]
        return node

    try:
        promises = []
        for index, entry in enumerate(get("promises.pattern"), 1):
            try:
                regex = re.compile(entry["regex"], re.IGNORECASE)
            except re.error as error:
                raise RulesError(f"{where}: promises.pattern[{index}].regex: {error}") from None
            at = entry.get("at")
            if at not in (None, "end_of_day"):
                _clock_time(at, f"{where}: promises.pattern[{index}].at")
            promises.append(PromisePattern(regex, str(entry["when"]), at))
        signs = get("walk_away.signs")
        return Rules(
            positive=float(get("sentiment.positive")),
            negative=float(get("sentiment.negative")),
            reasons=tuple(dict.fromkeys(get("walk_away.reasons"))),
            default_days=int(get("walk_away.default_days")),
            burst_count=int(get("walk_away.resurface.burst_count")),
            burst_window=timedelta(minutes=float(get("walk_away.resurface.burst_minutes"))),
            min_replies=int(signs["min_replies"]),
            improve_margin=float(signs["improve_margin"]),
            repeat_similarity=float(signs["repeat_similarity"]),
            ignore_words=frozenset(w.lower() for w in signs["ignore_words"]),
            abusive=_abusive_pattern(signs["abusive_words"]),
            sign_text=dict(get("walk_away.sign_text")),
            sign_reason=dict(get("walk_away.sign_reason")),
            presets=tuple(dict(p) for p in get("snooze.presets")),
            short_units={k.lower(): v for k, v in get("snooze.short_units").items()},
            end_of_day=_clock_time(get("promises.end_of_day"), f"{where}: promises.end_of_day"),
            late_grace=timedelta(minutes=float(get("promises.late_grace_minutes"))),
            numbers={k.lower(): int(v) for k, v in get("promises.numbers").items()},
            promise_patterns=tuple(promises),
            due_soon=timedelta(minutes=float(get("followup.due_soon_minutes"))),
            feedback_template=str(get("followup.feedback_template")),
            thanks_template=str(get("followup.thanks_template")),
            ended_at_least=float(get("turnaround.ended_at_least")),
            spike_window=timedelta(minutes=float(get("spikes.window_minutes"))),
            spike_baseline=timedelta(hours=float(get("spikes.baseline_hours"))),
            spike_ratio=float(get("spikes.ratio")),
            spike_min_count=int(get("spikes.min_count")),
            busiest_topics=int(get("report.busiest_topics")),
            ignore_topics=frozenset(str(w).lower() for w in get("report.ignore_topics")),
            top_champions=int(get("report.top_champions")),
            verbs={k: str(v) for k, v in get("describe").items()},
            repeat_window=timedelta(hours=float(get("arrivals.repeat_fold_hours"))),
            future_tolerance=timedelta(minutes=float(get("arrivals.future_tolerance_minutes"))),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, RulesError):
            raise
        raise RulesError(f"{where}: {error!r}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise RulesError(f"{path}: cannot read ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: not valid TOML: {error}") from None


@functools.cache
def default_rules() -> Rules:
    """The packaged rules alone (what tests and a user with no rules file get)."""
    text = resources.files("tui").joinpath("data/lifecycle.toml").read_text("utf-8")
    return _build_rules(tomllib.loads(text), "tui/data/lifecycle.toml")


def user_rules_file() -> Path:
    from tui import paths

    return paths.config_dir() / "lifecycle.toml"


def load_rules(user: Path | None = None) -> Rules:
    """The packaged rules with a user file merged over them (tables merge, lists extend)."""
    if user is None:
        return default_rules()
    text = resources.files("tui").joinpath("data/lifecycle.toml").read_text("utf-8")
    return _build_rules(_merge(tomllib.loads(text), _read_toml(user)), str(user))


def load_user_rules() -> Rules:
    """What the app uses: the user's `lifecycle.toml` over the packaged one, when there is one."""
    user = user_rules_file()
    return load_rules(user if user.exists() else None)


# -- small pure helpers --------------------------------------------------------------------------
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word.strip()).replace(r"\ ", r"\s+") + r"(?!\w)", re.IGNORECASE)


def suggest_team(mention: dict[str, Any], routing: dict[str, list[str]]) -> str | None:
    """The team whose routing keywords the mention hits most (text and topics); ties go to the team
    listed first; None when no keyword matches."""
    text = mention.get("text") or ""
    topics = {str(t).lower() for t in mention.get("topics") or ()}
    best, best_hits = None, 0
    for team, words in routing.items():
        hits = sum(1 for w in words if w.strip() and (w.lower() in topics or _word_pattern(w).search(text)))
        if hits > best_hits:
            best, best_hits = team, hits
    return best


def _tz_of(now: datetime) -> tzinfo:
    return now.tzinfo or UTC


def dateparse(phrase: str, now: datetime) -> datetime | None:
    """dateparser, preferring the future, relative to `now` and in `now`'s zone."""
    import dateparser

    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    # dateparser reads wall-clock times in the zone of its base most reliably when the base is
    # naive: give it `now` as local wall time, then put `now`'s zone back on an unzoned answer
    # (a zone named in the text is kept, then converted).
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",
    }
    when = dateparser.parse(phrase, languages=["en"], settings=settings)  # type: ignore[arg-type]
    if when is None:
        return None
    if when.utcoffset() == timedelta(0):
        return when.replace(tzinfo=_tz_of(now))
    return when.astimezone(_tz_of(now))


def read_when(text: str, now: datetime, rules: Rules | None = None) -> datetime:
    """A snooze time from a preset or free text ("2h", "tomorrow 9am", "in 3 days", "next monday"),
    read relative to `now` and in `now`'s time zone. Raises WhenError saying what was wrong."""
    rules = rules or default_rules()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    phrase = " ".join(text.strip().lower().split())
    if not phrase:
        raise WhenError("no time given: try 30m, 2h, tomorrow 9am, next monday or in 3 days")
    for preset in rules.presets:
        if phrase in (preset.get("key", "").lower(), preset.get("label", "").lower()):
            phrase = preset["when"]
            break
    short = re.fullmatch(r"(in\s+)?(\d+)\s*([a-z]+)", phrase)
    if short and short.group(3) in rules.short_units:
        phrase = f"in {short.group(2)} {rules.short_units[short.group(3)]}"
    when = dateparse(phrase, now)
    if when is None:
        raise WhenError(f"could not read a time from {text.strip()!r}: "
                        "try 30m, 2h, tomorrow 9am, next monday or in 3 days")
    if when <= now:
        raise WhenError(f"{text.strip()!r} is {when:%a %d %b %H:%M}, which has already passed")
    return when


def parse_when(text: str, now: datetime, rules: Rules | None = None) -> datetime | None:
    """`read_when`, or None when the text is not a future time."""
    try:
        return read_when(text, now, rules)
    except WhenError:
        return None


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")




def brand_handles(handles: Iterable[str], watch: Iterable[str] = ()) -> list[str]:
    """The brand's own handles, from one place for every reader (inbox, report screen, `report`,
    `collect`): the config's `[brand] handles`; when those are not set, the "@"-words of `watch`
    (how older configs named them)."""
    listed = [handle for handle in handles if handle.strip()]
    return listed or [word for word in watch if word.startswith("@")]


def our_handles(handles: Iterable[str]) -> frozenset[str]:
    return frozenset(h.strip().lstrip("@").lower() for h in handles if h.strip())


def is_negative(mention: dict[str, Any], rules: Rules) -> bool:
    label = mention.get("label")
    if label:
        return label == "negative"
    return float(mention.get("sentiment") or 0.0) <= rules.negative


def customer_of(thread: list[dict[str, Any]], ours: frozenset[str]) -> str | None:
    """The person a thread is with: the author of its oldest mention that is not ours."""
    for mention in thread:
        if str(mention.get("author", "")).lstrip("@").lower() not in ours:
            return mention.get("author")
    return None


_WORD = re.compile(r"[a-z0-9']{3,}")


def _words(text: str, ignore: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in ignore)


def _similar(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class _Blank(dict):
    """format_map that leaves an unknown field as a question mark rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"


# -- the state machine ---------------------------------------------------------------------------
class Lifecycle:
    """Applies and undoes actions, keeps the timers (snoozes, watches, follow-ups) and watches
    walked-away threads for the arrivals that bring them back.

    `listeners` are called with every Change, including those the inbox makes by itself, so a
    view can re-file what moved. `on_arrival` is a pipeline arrival hook."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = now_utc,
                 agent: str = "me", rules: Rules | None = None, ours: Iterable[str] = (),
                 tz: tzinfo | None = None, walk_away_days: int | None = None) -> None:
        self.store = store
        self.clock = clock
        self.agent = agent
        self.rules = rules or default_rules()
        self.ours = our_handles(ours)
        self.tz = tz
        self.walk_away_days = walk_away_days if walk_away_days is not None else self.rules.default_days
        self.listeners: list[Callable[[Change], None]] = []
        # field -> {uid: due timestamp}; only pending timers, so a tick costs what is pending.
        self._pending: dict[str, dict[str, float]] = {"snooze_until": {}, "watch_until": {},
                                                      "follow_up_at": {}}
        self._watched: dict[str, set[str]] = {}  # walked-away thread -> authors it waits on
        self._attention: dict[str, deque[float]] = {}  # watched thread -> times others spoke
        self._folds: dict[str, int] = {}  # watched thread -> reposts counted so far
        self._awaiting: dict[str, str] = {}  # feedback-requested thread -> its customer
        threads: set[str] = set()
        for mention in store.mentions():
            self._track_timers(mention["uid"], mention)
            if mention.get("state") in ("walked-away", "feedback-requested"):
                threads.add(mention.get("thread_uid", mention["uid"]))
        for thread_uid in threads:
            self._track_thread(thread_uid)

    # -- time --------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The clock's time in the agent's zone (the system's unless `tz` was given)."""
        now = self.clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now.astimezone(self.tz) if self.tz is not None else now.astimezone()

    def parse_when(self, text: str, now: datetime | None = None) -> datetime | None:
        """A snooze time from free text or a preset, in the agent's zone; None if unreadable."""
        return parse_when(text, self._zoned(now), self.rules)

    def read_when(self, text: str, now: datetime | None = None) -> datetime:
        return read_when(text, self._zoned(now), self.rules)

    def _zoned(self, now: datetime | None) -> datetime:
        if now is None:
            return self.now()
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now.astimezone(self.tz) if self.tz is not None else now.astimezone()

    def presets(self) -> list[tuple[str, str]]:
        """(key, label) of each snooze preset, for the prompt."""
        return [(p.get("key", ""), p.get("label", p.get("key", ""))) for p in self.rules.presets]

    # -- applying ----------------------------------------------------------------------------
    def _muted(self, mention: dict[str, Any]) -> bool:
        return bool(mention.get("muted") or self.store.author(mention.get("author", "")).get("muted"))

    def _fields_for(self, action: str, mention: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
        allowed, target = TRANSITIONS[action]
        state = mention.get("state", "open")
        if allowed is not None and state not in allowed:
            raise TransitionError(f"cannot {action} a mention that is {state}")
        now = _iso(self.clock())
        fields: dict[str, Any] = {}
        if target is not None:
            fields["state"] = target
        if action == "read":
            fields["read"] = True
        elif action == "unread":
            fields["read"] = False
        elif action in ("tag", "untag"):
            tags = list(mention.get("tags") or [])
            for tag in details.get("tags") or [details["tag"]]:  # several at once: one undo
                if action == "tag" and tag not in tags:
                    tags.append(tag)
                elif action == "untag" and tag in tags:
                    tags.remove(tag)
            fields["tags"] = tags
        elif action == "escalate":
            fields["escalated_to"] = details.get("team") or details.get("to")
            fields["escalation_note"] = details.get("note", "")
            fields["escalated_at"] = now
        elif action == "answer-escalation":
            # The note stays; the answer sits beside it.
            fields["escalation_answer"] = details.get("note", "")
        elif action == "snooze":
            until = maybe_time(details.get("until"))
            if until is None:
                raise TransitionError("snooze needs a time to wake up")
            fields["snooze_until"] = _iso(until)
        elif action == "walk-away":
            reason = details.get("reason", "other")
            if reason not in self.rules.reasons:
                raise TransitionError(f"unknown walk-away reason {reason!r} "
                                      f"(known: {', '.join(self.rules.reasons)})")
            until = maybe_time(details.get("until")) or self.clock() + timedelta(days=self.walk_away_days)
            fields["watch_until"] = _iso(until)
            fields["walk_reason"] = reason
            fields["walked_at"] = now
            fields["banner"] = None
        elif action == "resurface":
            fields["banner"] = details.get("why") or details.get("banner") or ""
            fields["triage_queue"] = "priority"
            fields["resurfaced_at"] = now
        elif action == "reply":
            from tui.followup import follow_up_due, promises

            sent = maybe_time(details.get("at")) or self.clock()
            fields["replied_at"] = _iso(sent)
            if not mention.get("first_response_at"):
                fields["first_response_at"] = fields["replied_at"]
            text = str(details.get("text") or "")
            due = follow_up_due(text, self._zoned(sent), self.rules)
            if due is not None or mention.get("follow_up_at"):
                # A new reply keeps or replaces an earlier promise.
                fields["follow_up_at"] = _iso(due) if due else None
                fields["promise"] = promises(text, self.rules) if due else None
        elif action == "request-feedback":
            if self._muted(mention):
                who = mention.get("author", "this author")
                raise TransitionError(f"{who} is muted: no feedback requests")
            fields["feedback_requested_at"] = now
            fields["feedback_template"] = details.get("template") or self.rules.feedback_template
        elif action == "thank":
            if details.get("template") and self._muted(mention):
                raise TransitionError(f"{mention.get('author', 'this author')} is muted: no templated thanks")
            fields["thanked_at"] = now
        elif action == "statement":
            fields["statement_id"] = details.get("statement_id")
        elif action == "record-outcome":
            fields["outcome"] = details.get("outcome")
        elif action == "correct":
            fields.update((details.get("to") or {}).get(mention["uid"]) or {})
        if action in ENDS_FOLLOW_UP and mention.get("follow_up_at"):
            fields["follow_up_at"] = None
            if action == "follow-up-done":
                fields["follow_up_kept_at"] = now
        if action in ("done", "resolve", "close", "expire-watch") and not mention.get("closed_at"):
            fields["closed_at"] = now
        return fields

    def apply(self, action: str, uids: Iterable[str], *, why: str = "", who: str | None = None,
              **details: Any) -> Change:
        """Apply one action to some mentions as one recorded, undoable event."""
        if action not in TRANSITIONS:
            raise TransitionError(f"unknown action {action!r}")
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, dict[str, Any]] = {}
        for uid in dict.fromkeys(uids):
            mention = self.store.mention(uid)
            if mention is None:
                continue
            fields = self._fields_for(action, mention, {**details, "why": why})
            if action not in IN_PLACE:
                merged = {**mention, **fields}
                fields["queue"] = queue_of(merged)
            before[uid] = {k: mention.get(k) for k in fields}
            after[uid] = fields
        if not after:
            raise TransitionError(f"nothing to {action}")
        for uid, fields in after.items():
            self.store.update_mention(uid, fields)
        first = self.store.mention(next(iter(after)))
        event = {
            "action": action,
            "uids": list(after),
            "thread_uid": first["thread_uid"] if first else "",
            "before": before,
            "who": who or self.agent,
            "at": _iso(self.clock()),
            "why": why,
            "details": details,
        }
        change = Change(self.store.add_event(event), action, tuple(after))
        self._changed(change)
        return change

    def undo(self, event_id: int) -> Change:
        """Put back the fields an event changed, and record the undo itself."""
        event = self.store.event(event_id)
        if event is None or event.get("undone"):
            raise TransitionError("nothing to undo")
        for uid, fields in event["before"].items():
            if self.store.has_mention(uid):
                self.store.update_mention(uid, fields)
        self.store.update_event(event_id, {"undone": True})
        undo_event = {
            "action": "undo",
            "of": event_id,
            "undid": event["action"],
            "uids": event["uids"],
            "thread_uid": event.get("thread_uid", ""),
            "who": self.agent,
            "at": _iso(self.clock()),
            "why": "",
            "details": {"undid": event["action"]},
        }
        change = Change(self.store.add_event(undo_event), "undo", tuple(event["uids"]))
        self._changed(change)
        return change

    def _changed(self, change: Change) -> None:
        threads = set()
        for uid in change.uids:
            mention = self.store.mention(uid)
            self._track_timers(uid, mention)
            if mention is not None:
                threads.add(mention.get("thread_uid", uid))
        for thread_uid in threads:
            self._track_thread(thread_uid)
        for listener in list(self.listeners):
            listener(change)

    # -- the index of timers and watched threads ---------------------------------------------
    def _track_timers(self, uid: str, mention: dict[str, Any] | None) -> None:
        for field, state in (("snooze_until", "snoozed"), ("watch_until", "walked-away"),
                             ("follow_up_at", None)):
            pending = self._pending[field]
            when = maybe_time(mention.get(field)) if mention else None
            if when is not None and (state is None or mention.get("state") == state):  # type: ignore[union-attr]
                pending[uid] = when.timestamp()
            else:
                pending.pop(uid, None)

    def _track_thread(self, thread_uid: str) -> None:
        thread = self.store.thread(thread_uid)
        walked = [m for m in thread if m.get("state") == "walked-away"]
        if walked:
            authors = {m.get("author", "") for m in walked if not self._is_ours(m)}
            customer = customer_of(thread, self.ours)
            if customer:
                authors.add(customer)
            fresh = thread_uid not in self._watched
            self._watched[thread_uid] = authors
            if fresh:
                start = min(maybe_time(m.get("walked_at")) or self.clock() for m in walked).timestamp()
                self._attention[thread_uid] = deque(sorted(
                    t for m in thread if m.get("author") not in authors and not self._is_ours(m)
                    and (t := parse_time(m["created_at"]).timestamp()) >= start))
                self._folds[thread_uid] = sum(int(m.get("folded", 0)) for m in thread)
        else:
            self._watched.pop(thread_uid, None)
            self._attention.pop(thread_uid, None)
            self._folds.pop(thread_uid, None)
        if any(m.get("state") == "feedback-requested" for m in thread):
            self._awaiting[thread_uid] = customer_of(thread, self.ours) or ""
        else:
            self._awaiting.pop(thread_uid, None)

    def _is_ours(self, mention: dict[str, Any]) -> bool:
        return str(mention.get("author", "")).lstrip("@").lower() in self.ours

    def watched(self) -> dict[str, set[str]]:
        """Walked-away threads still watched, with the authors whose return brings them back."""
        return {k: set(v) for k, v in self._watched.items()}

    # -- things that happen by themselves ----------------------------------------------------
    def _due(self, field: str, now: datetime | None) -> list[str]:
        limit = (now or self.clock()).timestamp()
        return sorted((uid for uid, at in self._pending[field].items() if at <= limit),
                      key=lambda u: self._pending[field][u])

    def _by_thread(self, uids: Iterable[str]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for uid in uids:
            mention = self.store.mention(uid)
            if mention is not None:
                groups[mention.get("thread_uid", uid)].append(uid)
        return groups

    def wake_due(self, now: datetime | None = None) -> list[Change]:
        """Bring back every snoozed mention whose time has come (one event per thread)."""
        return [self.apply("wake", uids, who=AUTO, why="snooze ended")
                for uids in self._by_thread(self._due("snooze_until", now)).values()]

    def expire_watches(self, now: datetime | None = None) -> list[Change]:
        """Close, quietly, walked-away threads whose watch window has ended."""
        return [self.apply("expire-watch", uids, who=AUTO, why="the watch window ended")
                for uids in self._by_thread(self._due("watch_until", now)).values()]

    def due_follow_ups(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Mentions whose promised follow-up time has come, oldest promise first."""
        return [m for uid in self._due("follow_up_at", now) if (m := self.store.mention(uid))]

    def pending_follow_ups(self) -> list[dict[str, Any]]:
        """Every follow-up still owed, soonest first."""
        order = sorted(self._pending["follow_up_at"].items(), key=lambda item: item[1])
        return [m for uid, _ in order if (m := self.store.mention(uid))]

    def tick(self, now: datetime | None = None) -> list[Change]:
        """Run the timers: wake snoozes, notice repost bursts, end watch windows. Call it every
        few seconds; it costs what is pending, not what is stored."""
        now = now or self.clock()
        changes = self.wake_due(now)
        for thread_uid in list(self._watched):
            folded = sum(int(m.get("folded", 0)) for m in self.store.thread(thread_uid))
            new = folded - self._folds.get(thread_uid, folded)
            if new > 0:
                self._folds[thread_uid] = folded
                self._attention[thread_uid].extend([now.timestamp()] * new)
                change = self._check_burst(thread_uid, now.timestamp())
                if change is not None:
                    changes.append(change)
        changes.extend(self.expire_watches(now))
        return changes

    def _check_burst(self, thread_uid: str, latest: float, extra: str | None = None) -> Change | None:
        times = self._attention.get(thread_uid)
        if times is None:
            return None
        window = self.rules.burst_window.total_seconds()
        while times and times[0] < latest - window:
            times.popleft()
        if len(times) < self.rules.burst_count:
            return None
        minutes = round(window / 60)
        why = f"{len(times)} replies or reposts from others within {minutes} minutes"
        return self.resurface(thread_uid, why, extra=extra)

    def resurface(self, thread_uid: str, why: str, *, extra: str | None = None,
                  who: str = AUTO) -> Change:
        """Bring a walked-away thread back to `priority` with a banner saying why; `extra` is the new
        mention that brought it back, which comes up with it."""
        uids = [m["uid"] for m in self.store.thread(thread_uid) if m.get("state") == "walked-away"]
        if extra is not None and extra not in uids:
            uids.append(extra)
        return self.apply("resurface", uids, who=who, why=why)

    def on_arrival(self, mention: dict[str, Any]) -> None:
        """Pipeline arrival hook: a watched thread comes back when its author writes again or others
        pile in; a thread waiting for feedback records how it turned out."""
        thread_uid = mention.get("thread_uid", "")
        author = mention.get("author", "")
        authors = self._watched.get(thread_uid)
        if authors is not None and not self._is_ours(mention):
            if author in authors:
                self.resurface(thread_uid, f"{author} wrote again", extra=mention["uid"])
            else:
                times = self._attention[thread_uid]
                at = parse_time(mention["created_at"]).timestamp()
                if times and at < times[-1]:
                    times.append(at)
                    self._attention[thread_uid] = deque(sorted(times))
                else:
                    times.append(at)
                self._check_burst(thread_uid, self._attention[thread_uid][-1], extra=mention["uid"])
        customer = self._awaiting.get(thread_uid)
        if customer and author == customer:
            outcome = self.turnaround_outcome(thread_uid)
            targets = [m["uid"] for m in self.store.thread(thread_uid)
                       if m.get("state") == "feedback-requested" or m["uid"] == mention["uid"]]
            self.apply("record-outcome", targets, who=AUTO, outcome=outcome,
                       why=f"{author} wrote after the feedback request")

    # -- conveniences over apply ---------------------------------------------------------------
    def thread_uids(self, thread_uid: str, states: Iterable[str] | None = None) -> list[str]:
        wanted = set(states) if states is not None else None
        return [m["uid"] for m in self.store.thread(thread_uid)
                if wanted is None or m.get("state", "open") in wanted]

    def escalate(self, uids: Iterable[str], team: str, note: str = "") -> Change:
        return self.apply("escalate", uids, why=note, team=team, note=note)

    def answer_escalation(self, uids: Iterable[str], note: str = "") -> Change:
        return self.apply("answer-escalation", uids, why=note, note=note)

    def snooze(self, uids: Iterable[str], when: str | datetime) -> Change:
        """Snooze until a time or a phrase ("2h", "tomorrow 9am"); WhenError says what was wrong."""
        until = when if isinstance(when, datetime) else self.read_when(when)
        return self.apply("snooze", uids, why=when if isinstance(when, str) else "",
                          until=_iso(until))

    def walk_away(self, uids: Iterable[str], reason: str, note: str = "",
                  days: float | None = None) -> Change:
        """Leave the active queues for `walked-away`, watched for `days` (the config's default)."""
        until = self.clock() + timedelta(days=self.walk_away_days if days is None else days)
        return self.apply("walk-away", uids, why=note, reason=reason, until=_iso(until))

    def reply(self, uids: Iterable[str], text: str = "", at: datetime | None = None) -> Change:
        """Record a sent reply; a time promise in it ("by 5pm") sets a follow-up."""
        details: dict[str, Any] = {"text": text}
        if at is not None:
            details["at"] = _iso(at)
        return self.apply("reply", uids, **details)

    def follow_up_done(self, uids: Iterable[str], why: str = "") -> Change:
        return self.apply("follow-up-done", uids, why=why)

    # -- reading -----------------------------------------------------------------------------
    def history(self, thread_uid: str) -> list[dict[str, Any]]:
        """A thread's events, oldest first, each with its `id` (for undo)."""
        return [{**dict(e), "id": e.doc_id} for e in self.store.events_for(thread_uid)]

    def describe(self, event: dict[str, Any], now: datetime | None = None) -> str:
        """One plain-text line for the thread view, e.g. "10:42 me escalated to billing: 'double
        charge'". Plain text: show it as such, never as markup."""
        action = str(event.get("action", ""))
        details = dict(event.get("details") or {})
        values = _Blank({k: one_line(clean(str(v)), 60) for k, v in details.items() if v is not None})
        values.setdefault("team", one_line(clean(str(details.get("to") or "?")), 60))
        if event.get("undid"):
            values["undid"] = str(event["undid"])
        for key in ("until",):
            when = maybe_time(details.get(key))
            if when is not None:
                values[key] = self._zoned(when).strftime("%a %d %b %H:%M")
        verb = self.rules.verbs.get(action, action.replace("-", " ")).format_map(values)
        at = maybe_time(event.get("at"))
        stamp = ""
        if at is not None:
            at = self._zoned(at)
            today = self._zoned(now).date() if now is not None else self.now().date()
            stamp = at.strftime("%H:%M") if at.date() == today else at.strftime("%d %b %H:%M")
        who = one_line(clean(str(event.get("who") or "?")), 40)
        line = f"{stamp} {who} {verb}".strip()
        why = str(event.get("why") or "")
        if not why and action == "reply":
            why = str(details.get("text") or "")
        if why:
            line += f": '{one_line(clean(why), 80)}'"
        if event.get("undone"):
            line += " (undone)"
        return line

    def suggest_team(self, mention: dict[str, Any], routing: dict[str, list[str]]) -> str | None:
        return suggest_team(mention, routing)

    def lose_lose(self, thread_uid: str) -> list[Sign]:
        """The signs that a thread cannot be won (never acted on: the agent decides)."""
        rules = self.rules
        thread = self.store.thread(thread_uid)
        customer = customer_of(thread, self.ours)
        if customer is None:
            return []
        theirs = [m for m in thread if m.get("author") == customer]
        events = [e for e in self.store.events_for(thread_uid) if not e.get("undone")]
        signs: list[Sign] = []

        def sign(sign_id: str, **values: Any) -> Sign:
            text = rules.sign_text.get(sign_id, sign_id).format_map(_Blank(values))
            return Sign(sign_id, text, rules.sign_reason.get(sign_id, "other"))

        replies = max(sum(1 for e in events if e.get("action") == "reply"),
                      sum(1 for m in thread if self._is_ours(m)))
        if replies >= rules.min_replies and theirs:
            first = float(theirs[0].get("sentiment") or 0.0)
            last = float(theirs[-1].get("sentiment") or 0.0)
            if last <= first + rules.improve_margin:
                signs.append(sign("replies-without-improvement", n=replies, first=first, last=last))
        if rules.abusive is not None and any(rules.abusive.search(m.get("text") or "") for m in theirs):
            signs.append(sign("abusive-language"))
        offered = [t for e in events if e.get("action") in ("resolve", "request-feedback")
                   and (t := maybe_time(e.get("at"))) is not None]
        if offered:
            since = min(offered)
            everything = self.store.by_author(customer)
            earlier = [_words(m.get("text") or "", rules.ignore_words) for m in everything
                       if parse_time(m["created_at"]) <= since]
            later = [_words(m.get("text") or "", rules.ignore_words) for m in everything
                     if parse_time(m["created_at"]) > since]
            if any(_similar(a, b) >= rules.repeat_similarity for a in later for b in earlier):
                signs.append(sign("repeated-after-resolution"))
        return signs

    def walk_away_signs(self, thread_uid: str) -> list[str]:
        """Which lose-lose signs the thread shows, as lines to show; empty when none."""
        return [s.text for s in self.lose_lose(thread_uid)]

    def turnaround_outcome(self, thread_uid: str) -> str | None:
        from tui.followup import turnaround_outcome

        return turnaround_outcome(self.store, thread_uid, rules=self.rules, ours=self.ours)
