"""Yelp: reviews come in from an export shaped like Yelp Fusion's answer; replies are posted by hand."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

from tests.servers import Reply, TestServer
from tui.cli.command import main
from tui.core.triage import Triager
from tui.rules.config import Config
from tui.services.pipeline import Pipeline
from tui.services.session import Session
from tui.sources.registry import SourceSpecError, from_config
from tui.sources.yelp import YelpSource
from tui.storage.store import Store

EXPORT = Path(__file__).parents[1] / "data" / "reviews" / "yelp_reviews.json"


async def test_an_export_comes_in_with_stars_and_local_times() -> None:
    source = from_config({"type": "yelp", "path": str(EXPORT), "timezone": "America/Los_Angeles"}, 1)
    assert isinstance(source, YelpSource) and not source.can_reply
    source.once = True
    mentions = [item.data async for item in source.items(None)]
    assert [m["rating"] for m in mentions if m] == [2, 5]
    first = mentions[0]
    assert first is not None and first["created_at"] == "2026-11-29T18:20:05-08:00"
    assert first["url"].startswith("https://www.yelp.com/biz/") and first["author"] == "Ella A."


async def test_a_reply_to_a_yelp_review_is_marked_post_by_hand(tmp_path: Path) -> None:
    db = tmp_path / "s.json"
    with Store(db) as store:
        source = YelpSource(path=str(EXPORT), once=True)
        counts = await Pipeline(store, Triager.load()).run(source)
        assert counts.new == 2
    session = Session.open(Config(), db)
    try:
        said, by_hand = session.send_reply("yelp:xAG4O7l-t1ubbwVAlPnDKg", "Sorry Ella, oat milk is back. Sam")
        assert "post it by hand" in said and by_hand
        [row] = [row for row in session.outbox.items() if row.get("uid") == "yelp:xAG4O7l-t1ubbwVAlPnDKg"]
        assert row["status"] == "manual"
        mention = session.store.mention("yelp:xAG4O7l-t1ubbwVAlPnDKg")
        assert mention is not None and mention["label"] == "negative" and mention["url"].startswith("https://")
    finally:
        session.close()


def test_config_errors_name_the_key() -> None:
    with pytest.raises(SourceSpecError, match="needs 'path'"):
        from_config({"type": "yelp"}, 1)
    with pytest.raises(SourceSpecError, match="'timezone'"):
        from_config({"type": "yelp", "path": "x.json", "timezone": "Mars/Olympus"}, 1)


async def test_a_feed_url_is_read_over_http(server: TestServer) -> None:
    server.route("GET", "/yelp.json", Reply(body=EXPORT.read_bytes(),
                                            headers={"Content-Type": "application/json"}))
    source = YelpSource(url=f"{server.url}/yelp.json", once=True)
    ids = [item.data["id"] async for item in source.items(None) if item.data]
    assert ids == ["xAG4O7l-t1ubbwVAlPnDKg", "1JNmYjJgMoJtpL8ZDsUxDQ"] and source.health.healthy
    await source.aclose()


async def test_a_broken_export_is_reported_not_raised(tmp_path: Path) -> None:
    broken = tmp_path / "yelp.json"
    broken.write_text('{"reviews": [')
    source = YelpSource(path=str(broken), once=True)
    assert [item async for item in source.items(None)] == []
    assert not source.health.healthy and "not valid JSON" in (source.health.last_error or "")


def edited(tmp_path: Path) -> Path:
    """The export with its first review rewritten by its author (Yelp gives no edit time)."""
    data = json.loads(EXPORT.read_text())
    data["reviews"][0].update(rating=4, text="Update: the manager called and the oat milk is back. Better.")
    path = tmp_path / "yelp_edited.json"
    path.write_text(json.dumps(data))
    return path


async def test_a_review_rewritten_on_yelp_updates_in_place_and_keeps_what_it_said(tmp_path: Path) -> None:
    """Yelp has no edit time: a changed text or rating is the edit. Counted apart, never lost."""
    uid = "yelp:xAG4O7l-t1ubbwVAlPnDKg"
    with Store(tmp_path / "s.json") as store:
        pipeline = Pipeline(store, Triager.load())
        assert (await pipeline.run(YelpSource(path=str(EXPORT), once=True))).new == 2
        counts = await pipeline.run(YelpSource(path=str(edited(tmp_path)), once=True))
        assert (counts.new, counts.updated, counts.duplicate) == (0, 1, 1)
        assert str(counts) == "0 new, 1 duplicate, 0 invalid, 1 updated (edited reviews)"
        mention = store.mention(uid)
        assert mention is not None and mention["text"].startswith("Update:") and not mention["read"]
        assert mention["extra"]["rating"] == 4
        [before] = mention["edits"]
        assert before["rating"] == 2 and before["text"].startswith("Cute place")
        again = await pipeline.run(YelpSource(path=str(edited(tmp_path)), once=True))
        assert (again.updated, again.duplicate) == (0, 2), "the same version read again is no edit"
        assert len(store.mention(uid)["edits"]) == 1  # type: ignore[index]


async def test_an_edit_collected_while_the_inbox_holds_the_store_reaches_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.json"
    with Store(db) as store:
        await Pipeline(store, Triager.load()).run(YelpSource(path=str(EXPORT), once=True))
    config = tmp_path / "config.toml"
    config.write_text(f'[[sources]]\ntype = "yelp"\npath = "{edited(tmp_path)}"\n')
    session = Session.open(Config(), db)
    try:
        code = await asyncio.to_thread(main, ["collect", "--db", str(db), "--config", str(config), "--once"])
        out, err = capsys.readouterr()
        assert code == 0 and "in use by another turnaround" in err and "1 updated" in out
        await session.drain_spool()
        mention = session.store.mention("yelp:xAG4O7l-t1ubbwVAlPnDKg")
        assert mention is not None and mention["extra"]["rating"] == 4 and len(mention["edits"]) == 1
    finally:
        session.close()


async def test_a_csv_export_has_the_stars_in_a_column(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.json"
    with Store(db) as store:
        await Pipeline(store, Triager.load()).run(YelpSource(path=str(EXPORT), once=True))
    assert main(["export", "--db", str(db), "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(row["rating"] for row in table) == ["2", "5"]
