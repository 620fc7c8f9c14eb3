"""The shared pipeline: dedupe, folding of repeats and boosts, threads, our own posts."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import QuietTriager, make_mention
from tui.pipeline import Pipeline
from tui.store import Store


def pipeline(tmp_path: Path, ours: tuple[str, ...] = ()) -> Pipeline:
    return Pipeline(Store(tmp_path / "s.json"), QuietTriager(), ours=ours)  # type: ignore[arg-type]


def test_exact_repeats_from_one_author_fold_with_a_count(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    first = p.ingest(make_mention(1, "Where is my ORDER??", author="@a@x.social"))
    again = p.ingest(make_mention(2, "where is  my order??", author="@a@x.social"))
    other = p.ingest(make_mention(3, "Where is my ORDER??", author="@b@x.social"))
    assert (first.status, again.status, other.status) == ("new", "folded", "new")
    assert p.store.mention("mastodon:1")["folded"] == 1
    assert not p.store.has_mention("mastodon:2"), "a repeat is counted, not listed again"


def test_a_boost_of_a_stored_mention_folds_into_it(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    p.ingest(make_mention(1, "The app ate my points"))
    boost = p.ingest(make_mention(2, "The app ate my points", author="@fan@x.social", repost_of="1"))
    assert boost.status == "folded" and p.store.mention("mastodon:1")["folded"] == 1


def test_a_reply_joins_its_parents_thread(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    p.ingest(make_mention(1, "Cold coffee again"))
    p.ingest(make_mention(2, "Still cold", in_reply_to="1"))
    p.ingest(make_mention(3, "And now?", in_reply_to="2"))
    assert [m["uid"] for m in p.store.thread("mastodon:1")] == ["mastodon:1", "mastodon:2", "mastodon:3"]


def test_our_own_posts_are_context_not_work(tmp_path: Path) -> None:
    p = pipeline(tmp_path, ours=("@Brand@brand.social",))
    p.ingest(make_mention(1, "Cold coffee again"))
    ours = p.ingest(make_mention(2, "So sorry! DM us?", author="@brand@brand.social", in_reply_to="1"))
    assert ours.mention is not None and ours.mention["state"] == "ours" and ours.mention["read"]
    assert ours.mention["queue"] == "ours"


def test_the_same_id_twice_is_a_duplicate(tmp_path: Path) -> None:
    p = pipeline(tmp_path)
    assert p.ingest(make_mention(1, "hi")).status == "new"
    assert p.ingest(make_mention(1, "hi")).status == "duplicate"
