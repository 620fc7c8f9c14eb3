"""Issue 14: `collect` is the inbox's session without a screen: the same hooks (a walked-away thread
whose author writes again resurfaces), the outbox delivered (never twice, only what the agent sent),
the brand's handles and the sources' health read from one place by the CLI and the app."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.net.test_mastodon import TOKEN, FakeMastodon
from tests.servers import TestServer
from tui.cli import main
from tui.core.lifecycle import brand_handles
from tui.rules.config import Config, load_config
from tui.services.session import Session
from tui.storage.store import Store

ANN = {"id": "1", "source": "mastodon", "author": "@ann@x.social", "text": "My order arrived cold again",
       "created_at": "2026-11-20T10:00:00+00:00"}
AGAIN = {"id": "2", "source": "mastodon", "author": "@ann@x.social", "in_reply_to": "1",
         "text": "Hello?? Still nothing from you", "created_at": "2026-11-20T12:00:00+00:00"}


def jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def collect(tmp_path: Path, db: Path, *extra: str) -> int:
    return main(["collect", "--once", "--db", str(db), *extra])


def test_collect_resurfaces_a_walked_away_thread_whose_author_writes_again(tmp_path: Path, capsys) -> None:
    db = tmp_path / "store.json"
    assert collect(tmp_path, db, "--source", f"jsonl:{jsonl(tmp_path / 'a.jsonl', ANN)}") == 0
    session = Session.open(Config(), db)
    session.lifecycle.walk_away(["mastodon:1"], "abusive", "slurs")
    session.close()
    assert collect(tmp_path, db, "--source", f"jsonl:{jsonl(tmp_path / 'b.jsonl', AGAIN)}") == 0
    assert "1 new" in capsys.readouterr().out
    with Store(db, readonly=True) as store:
        first = store.mention("mastodon:1") or {}
        assert (first["state"], first["queue"]) == ("open", "priority")
        assert first["banner"] == "@ann@x.social wrote again"
        assert any(event["action"] == "resurface" for event in store.events())


def test_collect_records_how_a_thread_asked_for_feedback_turned_out(tmp_path: Path) -> None:
    db = tmp_path / "store.json"
    assert collect(tmp_path, db, "--source", f"jsonl:{jsonl(tmp_path / 'a.jsonl', ANN)}") == 0
    session = Session.open(Config(), db)
    session.store.update_mention("mastodon:1", {"label": "negative", "sentiment": -0.6})
    session.lifecycle.reply(["mastodon:1"], "So sorry, a fresh one is on its way")
    session.lifecycle.apply("resolve", ["mastodon:1"])
    session.lifecycle.apply("request-feedback", ["mastodon:1"], template="feedback-after-fix")
    session.close()
    thanks = {**AGAIN, "text": "It arrived hot and it is delicious, thank you so much!"}
    assert collect(tmp_path, db, "--source", f"jsonl:{jsonl(tmp_path / 'b.jsonl', thanks)}") == 0
    with Store(db, readonly=True) as store:
        assert (store.mention("mastodon:1") or {}).get("outcome") == "turned-around"


def test_collect_runs_the_timers_a_snooze_that_ended_wakes(tmp_path: Path) -> None:
    db = tmp_path / "store.json"
    assert collect(tmp_path, db, "--source", f"jsonl:{jsonl(tmp_path / 'a.jsonl', ANN)}") == 0
    then = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
    session = Session.open(Config(), db, clock=lambda: then)
    session.lifecycle.snooze(["mastodon:1"], then + timedelta(hours=1))
    session.close()
    assert collect(tmp_path, db, "--source", f"jsonl:{jsonl(tmp_path / 'b.jsonl', ANN)}") == 0
    with Store(db, readonly=True) as store:
        assert (store.mention("mastodon:1") or {})["state"] == "open"
        assert any(event["action"] == "wake" for event in store.events())


def _config(tmp_path: Path, server: TestServer) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[brand]\nname = "Acme"\n\n[[sources]]\ntype = "mastodon"\ninstance = "{server.url}"\n'
                    f'token = "{TOKEN}"\nstream = false\n')
    path.chmod(0o600)
    return path


async def _fake_sender(mention: dict[str, Any], text: str, key: str) -> dict[str, Any]:
    raise AssertionError("only collect sends")


def _queue_reply(db: Path, config: Path) -> tuple[str, int]:
    """The agent answers a stored Mastodon mention in the inbox, which crashes before sending."""
    session = Session.open(load_config(config), db)
    [uid] = [m["uid"] for m in session.store.mentions() if m.get("source") == "mastodon"][:1]
    session.outbox.senders["mastodon"] = _fake_sender  # the inbox had a sender: the row is queued
    session.send_reply(uid, "Sorry about that, a fresh one is on its way.")
    [row] = session.outbox.items()
    session.close()
    return uid, row["item_id"]


def test_collect_delivers_a_queued_reply_once(tmp_path: Path, http_server: TestServer, capsys) -> None:
    mastodon = FakeMastodon(http_server)
    db, config = tmp_path / "store.json", _config(tmp_path, http_server)
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    _, item_id = _queue_reply(db, config)
    with Store(db, readonly=True) as store:
        assert (store.outbox_item(item_id) or {})["status"] == "queued"
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    assert len(http_server.requests_to("/api/v1/statuses", "POST")) == 1
    assert len(mastodon.statuses) == 1
    with Store(db, readonly=True) as store:
        row = store.outbox_item(item_id) or {}
        assert row["status"] == "sent" and row["remote_id"]


def test_collect_resends_a_reply_a_crash_left_half_sent_with_the_same_key(
        tmp_path: Path, http_server: TestServer) -> None:
    mastodon = FakeMastodon(http_server)
    db, config = tmp_path / "store.json", _config(tmp_path, http_server)
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    _, item_id = _queue_reply(db, config)
    with Store(db) as store:  # the inbox wrote `sending`, posted, and died before hearing back
        row = store.outbox_item(item_id) or {}
        store.outbox_update(item_id, {"status": "sending", "attempts": 1, "sending_at": row["created_at"]})
        key = row["idempotency_key"]
    mastodon.statuses[key] = {"id": "99", "url": "http://localhost:3000/@admin/99"}  # it was posted
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    [post] = http_server.requests_to("/api/v1/statuses", "POST")
    assert post.headers["idempotency-key"] == key
    assert len(mastodon.statuses) == 1  # the platform answered with the status it had made
    with Store(db, readonly=True) as store:
        assert (store.outbox_item(item_id) or {})["remote_id"] == "99"


def test_a_reply_for_a_platform_collect_cannot_post_on_stays_queued(tmp_path: Path,
                                                                   http_server: TestServer) -> None:
    FakeMastodon(http_server)
    db, config = tmp_path / "store.json", _config(tmp_path, http_server)
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    _, item_id = _queue_reply(db, config)
    # Only a file this time: no Mastodon sender here, so the reply waits (not "post it by hand").
    assert collect(tmp_path, db, "--source", f"jsonl:{jsonl(tmp_path / 'c.jsonl', ANN)}") == 0
    with Store(db, readonly=True) as store:
        assert (store.outbox_item(item_id) or {})["status"] == "queued"
    assert http_server.requests_to("/api/v1/statuses", "POST") == []


def test_collect_into_a_held_store_leaves_delivery_to_the_holder(tmp_path: Path,
                                                                 http_server: TestServer) -> None:
    FakeMastodon(http_server)
    db, config = tmp_path / "store.json", _config(tmp_path, http_server)
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    _, item_id = _queue_reply(db, config)
    holder = Store(db)
    try:
        assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
        assert http_server.requests_to("/api/v1/statuses", "POST") == []
        assert (holder.outbox_item(item_id) or {})["status"] == "queued"
    finally:
        holder.close()


@pytest.mark.parametrize(("handles", "watch", "expected"), [
    (["@acme"], ["@acme_help", "acme"], ["@acme"]),
    ([], ["@acme", "acme"], ["@acme"]),
])
def test_the_brands_handles_come_from_one_place(handles: list[str], watch: list[str],
                                                expected: list[str]) -> None:
    assert brand_handles(handles, watch) == expected


def test_an_answer_to_our_posted_reply_stays_in_its_thread(tmp_path: Path, http_server: TestServer) -> None:
    """The customer answers the reply we posted, not their first post: Mastodon names our status as
    the parent, which no source collects. The answer joins the thread we replied in, so a thread
    we walked away from comes back when its author writes again (found by hand, session 60: the
    answer started a thread of its own and the walked-away one stayed put)."""
    mastodon = FakeMastodon(http_server)
    db, config = tmp_path / "store.json", _config(tmp_path, http_server)
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    uid, item_id = _queue_reply(db, config)
    session = Session.open(load_config(config), db)
    session.lifecycle.walk_away([uid], "troll", "goading")
    session.close()
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0  # posts it
    with Store(db, readonly=True) as store:
        ours = (store.outbox_item(item_id) or {})["remote_id"]
        first = store.mention(uid) or {}
    again = json.loads(json.dumps(mastodon.notifications[0]))
    again["id"] = str(int(again["id"]) + 1)
    again["status"].update(id=str(int(ours) + 1), in_reply_to_id=ours,
                           content="<p>Still rude. Answer me.</p>", created_at="2026-08-01T15:00:00.000Z")
    mastodon.notifications.append(again)
    assert main(["collect", "--once", "--db", str(db), "--config", str(config)]) == 0
    with Store(db, readonly=True) as store:
        answer = store.mention(f"mastodon:{int(ours) + 1}") or {}
        assert answer["thread_uid"] == first["thread_uid"]
        back = store.mention(uid) or {}
        assert back["state"] == "open" and "wrote again" in back.get("banner", "")
