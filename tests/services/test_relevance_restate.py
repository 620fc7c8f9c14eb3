"""An edited `[brand] exclude` applies to what is already stored: a phrase added sets aside the
mentions that name only it, a phrase taken out files them back, and an agent's own filing stands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import fixed_clock, make_mention
from tui.core.corrections import Correction
from tui.rules.config import Config
from tui.services.session import Session

FILM = "rewatching Delta Force tonight, what a terrible movie"
BAG = "@Delta lost my bag again, terrible service"
BOTH = "@Delta the Delta Force movie on board was broken, terrible"


def opened(path: Path, exclude: list[str]) -> Session:
    return Session.open(Config(watch=["Delta", "@Delta"], exclude=exclude), path, clock=fixed_clock)


def arrive_all(session: Session, *texts: str) -> list[str]:
    uids = []
    for n, text in enumerate(texts, 1):
        outcome = session.pipeline.ingest(make_mention(n, text))
        assert outcome.mention is not None
        uids.append(outcome.mention["uid"])
    return uids


def stored(session: Session, uid: str) -> Any:
    return session.store.mention(uid)


def test_a_phrase_added_later_sets_aside_what_was_stored(tmp_path: Path) -> None:
    db = tmp_path / "s.json"
    session = opened(db, [])
    film, bag, both = arrive_all(session, FILM, BAG, BOTH)
    assert stored(session, film)["queue"] == "priority", "no phrase yet: it reads as a complaint"
    assert session.notices == []
    session.close()

    session = opened(db, ["Delta Force"])
    assert stored(session, film)["off_topic"] == "Delta Force"
    assert stored(session, film)["queue"] == "muted"
    assert session.inbox.queue_of_uid(film) == "muted", "the inbox lists it with the muted at once"
    assert stored(session, bag)["queue"] == "priority" and not stored(session, bag).get("off_topic")
    assert stored(session, both)["queue"] == "priority", "it names us beside the film"
    assert session.notices == ["1 stored mention set aside as not about us ([brand] exclude): "
                               "the muted view (8) lists it"]
    session.close()

    session = opened(db, ["Delta Force"])
    assert session.notices == [], "said once: the next start finds nothing to change"
    session.close()

    session = opened(db, [])
    assert stored(session, film)["queue"] == "priority" and stored(session, film)["off_topic"] is None
    assert session.inbox.queue_of_uid(film) == "priority"
    assert session.notices == ["1 stored mention filed back in the queues: no [brand] exclude "
                               "phrase sets it aside now"]
    session.close()


def test_a_mention_the_agent_filed_by_hand_stays_filed(tmp_path: Path) -> None:
    db = tmp_path / "s.json"
    session = opened(db, ["Delta Force"])
    (film,) = arrive_all(session, FILM)
    assert stored(session, film)["queue"] == "muted"
    assert session.correct([film], Correction(queue="needs-reply")) is not None
    assert stored(session, film)["queue"] == "needs-reply"
    session.close()

    session = opened(db, ["Delta Force"])
    assert stored(session, film)["queue"] == "needs-reply", "the agent's filing is not undone by a restart"
    assert session.notices == []
    assert session.correct([film], Correction(kind="question")) is not None, "another correction"
    session.close()

    session = opened(db, ["Delta Force"])
    assert stored(session, film)["queue"] != "muted", "a later correction of the kind keeps it filed"
    assert stored(session, film)["off_topic"] is None
    session.close()


def test_an_undone_filing_is_not_the_agents_word(tmp_path: Path) -> None:
    db = tmp_path / "s.json"
    session = opened(db, [])
    (film,) = arrive_all(session, FILM)
    session.correct([film], Correction(queue="needs-reply"))
    session.inbox.undo()
    session.close()
    session = opened(db, ["Delta Force"])
    assert stored(session, film)["queue"] == "muted"
    session.close()


def test_a_second_process_never_writes_the_store_it_does_not_hold(tmp_path: Path) -> None:
    db = tmp_path / "s.json"
    holder = opened(db, [])
    (film,) = arrive_all(holder, FILM)
    other = Session.open(Config(watch=["Delta"], exclude=["Delta Force"]), db, clock=fixed_clock,
                         headless=True)
    try:
        assert other.notices == []
        assert stored(holder, film)["queue"] == "priority"
    finally:
        other.close()
        holder.close()
