"""The inbox driven from the keyboard with Pilot: navigation, queues, live arrival, undo, safety."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.helpers import MIXED, FeedSource, fixed_clock, make_mention, settle
from tui.rules.config import Config
from tui.ui.app import TurnaroundApp, make_app
from tui.ui.screens.inbox import InboxScreen
from tui.ui.screens.reply import ReplyScreen
from tui.ui.widgets.draft_area import DraftArea
from tui.ui.widgets.mention_list import MentionList
from tui.ui.widgets.queue_bar import QueueBar


def app_with(tmp_path: Path, mentions: list[dict], source: FeedSource | None = None) -> TurnaroundApp:
    return make_app(Config(), tmp_path / "store.json", sources=[source or FeedSource(mentions)],
                    clock=fixed_clock)


async def test_queues_fill_and_keys_move(tmp_path: Path) -> None:
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        assert isinstance(app.screen, InboxScreen)
        inbox = app.session.inbox
        assert inbox.count("priority") >= 3
        assert lst.current_uid == lst.uids[0]
        first = lst.uids[0]
        assert app.session.store.mention(first)["kind"] == "crisis", "the crisis comes first"
        await pilot.press("j")
        assert lst.cursor == 1
        await pilot.press("G")
        assert lst.cursor == len(lst.uids) - 1
        await pilot.press("g")
        assert lst.cursor == 0
        await pilot.press("3")
        assert app.screen.query_one(QueueBar).active == "champions"
        assert lst.uids == inbox.uids("champions")
        await pilot.press("2")
        assert app.screen.query_one(QueueBar).active == "needs-reply"


async def test_live_arrival_keeps_the_cursor(tmp_path: Path) -> None:
    source = FeedSource(MIXED)
    app = app_with(tmp_path, [], source)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        await pilot.press("j")
        focused = lst.current_uid
        source.queue.put_nowait(make_mention(
            9, "Food poisoning after eating your sandwich, my whole family is sick", minutes_ago=1,
            followers=50_000))
        await settle(pilot, app, len(MIXED) + 1)
        assert lst.current_uid == focused, "an arrival never moves the cursor"
        assert "mastodon:9" in lst.uids
        assert lst.has_focus


async def test_done_moves_on_and_undo_brings_it_back(tmp_path: Path) -> None:
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        first, second = lst.uids[0], lst.uids[1]
        await pilot.press("d")
        assert first not in lst.uids
        assert lst.current_uid == second, "the cursor goes on to the next mention"
        assert app.session.store.mention(first)["state"] == "done"
        await pilot.press("7")
        assert first in lst.uids
        await pilot.press("1")
        await pilot.press("u")
        assert first in lst.uids
        assert lst.current_uid == first, "undo brings the mention and the cursor back"
        assert app.session.store.mention(first)["state"] == "open"
        toasts = [str(n.message) for n in app._notifications]
        assert "Undone: marked it done (1 mention)" in toasts, "the toast says what was undone"


async def test_filter_narrows_the_queue(tmp_path: Path) -> None:
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        await pilot.press("slash")
        await pilot.press(*"refund")
        await pilot.press("enter")
        assert lst.uids and all("refund" in app.session.store.mention(u)["text"].lower() for u in lst.uids)
        await pilot.press("escape")
        assert len(lst.uids) == app.session.inbox.count("priority")


async def test_hostile_text_is_shown_literally(tmp_path: Path) -> None:
    hostile = make_mention(7, "[bold red]pwned[/] [link=https://evil.example]click[/link] "
                              "[@click=app.quit]x[/] \x1b[31mred\x1b]0;title\x07 \u202eevil", minutes_ago=2)
    app = app_with(tmp_path, [hostile])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app, 1)
        for key in "12":
            await pilot.press(key)
            lst = app.screen.query_one(MentionList)
            if lst.uids:
                break
        await pilot.pause(0.1)
        stored = app.session.store.mention("mastodon:7")["text"]
        assert "\x1b" not in stored and "\u202e" not in stored
        assert "[@click=app.quit]x[/]" in stored
        row = "".join(seg.text for seg in lst.render_line(0))
        assert "[bold red]pwned[/]" in row
        assert app.is_running, "markup in a mention never runs"


async def test_a_long_source_name_never_runs_into_the_author(tmp_path: Path) -> None:
    """Seen with imported real text: a `jsonl` mention's row read "jsonl@u115887"."""
    mentions = [make_mention(1, "my order never came", source="jsonl", author="@u115887"),
                make_mention(2, "my order never came either", source="someplace", author="@u2")]
    app = app_with(tmp_path, mentions)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app, 2)
        lst = app.screen.query_one(MentionList)
        if not lst.uids:
            await pilot.press("2")
            await pilot.pause(0.1)
        rows = ["".join(seg.text for seg in lst.render_line(i)) for i in range(len(lst.uids))]
        assert any("json @u115887" in row for row in rows), rows
        assert any("some @u2 " in row for row in rows), rows


async def test_a_row_shows_words_not_our_handle_or_a_crowd_of_handles(tmp_path: Path) -> None:
    """Seen with imported real tweets at 80x24: every row opened with "@AskPlayStation", and a reply
    in a busy Tesco thread opened with 16 handles, so the row showed nothing but "@117242 @117243 …".
    Rows leave our handle out and fold a crowd; the pane keeps the text whole."""
    crowd = " ".join(f"@shop{i}" for i in range(15))
    mentions = [make_mention(1, f"@Tesco {crowd} where is my delivery slot", source="x", author="@u1"),
                make_mention(2, "@tesco my order is late again", source="x", author="@u2")]
    app = make_app(Config(handles=["@Tesco"]), tmp_path / "store.json", sources=[FeedSource(mentions)],
                   clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, 2)
        lst = app.screen.query_one(MentionList)
        rows = ["".join(seg.text for seg in lst.render_line(i)) for i in range(len(lst.uids))]
        assert any("@shop0 +14 where is my delivery" in row for row in rows), rows
        assert any("@u2                my order is late" in row for row in rows), rows
        await pilot.press("j" if "@shop0" not in rows[0] else "k")
        await pilot.pause(0.2)
        shown = app.screen.query_one("#detail-body", Static).content
        pane = "\n".join(getattr(part, "plain", "") for part in getattr(shown, "renderables", [shown]))
        assert "@Tesco @shop0" in pane and "@shop14 where is my delivery slot" in pane, pane


async def test_a_long_queue_keeps_each_rows_ellipsis_clear_of_the_scrollbar(tmp_path: Path) -> None:
    """Seen at 80x24 with imported real text: in a queue longer than the screen the scrollbar
    covered each row's last cell, so a cut text lost the "…" that says it goes on."""
    mentions = [make_mention(n, f"my order number {n} never came and nobody answers my emails at all",
                             minutes_ago=n + 1) for n in range(1, 41)]
    app = app_with(tmp_path, mentions)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, 40)
        lst = app.screen.query_one(MentionList)
        if not lst.uids:
            await pilot.press("2")
            await pilot.pause(0.1)
        assert lst.scrollable_size.width < lst.size.width, "the scrollbar shows"
        row = "".join(seg.text for seg in lst.render_line(0))
        assert len(row) == lst.scrollable_size.width and row.rstrip().endswith("…"), row


async def test_a_mention_triage_cannot_read_shows_its_language_not_a_verdict(tmp_path: Path) -> None:
    """Session 57, imported real text: "@AmazonHelp 届いてました！ありがとうございます😊" showed "··",
    the neutral-other marks, among triaged rows; the detail pane alone said it was not triaged."""
    japanese = "@Brightside 届いてました！ありがとうございます😊 注文した商品が今日届きました"
    mentions = [make_mention(1, japanese, author="@u34"),
                make_mention(2, "What are your opening hours on Sunday?", author="@u2")]
    app = app_with(tmp_path, mentions)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app, 2)
        await pilot.press("2")
        await pilot.pause(0.1)
        lst = app.screen.query_one(MentionList)
        rows = {uid: "".join(seg.text for seg in lst.render_line(i)) for i, uid in enumerate(lst.uids)}
        assert app.session.store.mention("mastodon:1")["lang"] == "ja"
        assert rows["mastodon:1"][2:4] == "ja", rows
        assert rows["mastodon:2"][2:4] == "?·", rows


async def test_wide_author_names_keep_the_columns_straight(tmp_path: Path) -> None:
    """A review site's author may be written in CJK, two cells a character: the mention text must
    still start in the same column on every row."""
    from rich.cells import cell_len

    wide = "山田太郎のコーヒー日記ブログ"
    mentions = [make_mention(1, "the cold brew was flat and the cup leaked", author=wide),
                make_mention(2, "the flat white was cold and the lid leaked", author="@ann@example.social")]
    app = app_with(tmp_path, mentions)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app, 2)
        lst = app.screen.query_one(MentionList)
        if len(lst.uids) < 2:
            await pilot.press("2")
            await pilot.pause(0.1)
        rows = ["".join(seg.text for seg in lst.render_line(i)) for i in range(len(lst.uids))]
        starts = {cell_len(row[: row.index("the ")]) for row in rows}
        assert len(rows) == 2 and len(starts) == 1, rows


async def test_help_lists_keys(tmp_path: Path) -> None:
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app, len(MIXED))
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)


async def test_resolve_then_ask_feedback_once(tmp_path: Path) -> None:
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.uids[0]
        await pilot.press("c")
        assert app.session.store.mention(uid)["state"] == "resolved"
        await pilot.press("7")
        while lst.current_uid != uid:
            await pilot.press("j")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ReplyScreen), "f opens the request in the editor"
        assert app.session.store.mention(uid)["state"] == "resolved", "nothing until it is sent"
        assert app.session.store.outbox() == []
        assert "let us know how we did" in app.screen.query_one(DraftArea).text, "asks, after a fix"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        assert app.session.store.mention(uid)["state"] == "feedback-requested"
        assert [row["uid"] for row in app.session.store.outbox()] == [uid]
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen), "asked once"
        await pilot.press("4")
        assert uid in lst.uids, "a feedback request waits in `waiting`"


async def test_a_reply_to_post_by_hand_is_left_on_the_clipboard(tmp_path: Path) -> None:
    """Nothing is set up to post here: the agent pastes the reply on the platform, so it is copied."""
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.uids[0]
        await pilot.press("r")
        await pilot.pause()
        text = "Sorry about this, Ann. Please DM us your order number and we'll sort it today."
        app.screen.query_one(DraftArea).insert(text)
        for _ in range(2):  # the first ctrl+s may show the before-you-send checks
            if isinstance(app.screen, ReplyScreen):
                await pilot.press("ctrl+s")
                await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        assert app.session.store.mention(uid)["state"] == "replied"
        assert [row["status"] for row in app.session.store.outbox()] == ["manual"]
        assert app.clipboard == text


async def test_promised_follow_up_shows_in_waiting(tmp_path: Path) -> None:
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(120, 30)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        uid = lst.uids[0]
        app.session.send_reply(uid, "Sorry about this. I'll check with the kitchen and get back to you "
                                    "within the hour.")
        mention = app.session.store.mention(uid)
        assert mention["state"] == "replied" and mention.get("follow_up_at")
        await pilot.press("4")
        await pilot.pause()
        row = "".join(seg.text for seg in lst.render_line(lst.uids.index(uid)))
        assert "↻" in row, row
        app.session.store.update_mention(uid, {"follow_up_at": "2026-11-24T08:00:00+00:00"})
        lst.redraw()
        row = "".join(seg.text for seg in lst.render_line(lst.uids.index(uid)))
        assert "⚠" in row, "an overdue follow-up stands out"


async def test_broken_user_rule_file_is_listed_and_the_shipped_rules_stand_in(tmp_path: Path,
                                                                                isolated_dirs: Path) -> None:
    rules = isolated_dirs / "config" / "turnaround"
    rules.mkdir(parents=True)
    (rules / "triage.toml").write_text("topics = 5\n")
    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, len(MIXED))
        assert isinstance(app.screen, InboxScreen), "a user file's typo never stops the inbox"
        assert any("triage.toml" in p and "must be a table" in p for p in app.file_problems)


async def test_thread_shows_a_failed_reply_and_p_posts_it_again(tmp_path: Path) -> None:
    from textual.widgets import Static

    from tui.sources.http import PermanentError
    from tui.ui.screens.thread import ThreadScreen

    calls: list[str] = []

    async def refusing(mention: dict, text: str, key: str) -> dict:
        calls.append(key)
        if len(calls) == 1:
            raise PermanentError("status is too long (422)", status=422)
        return {"id": "999", "url": "https://example.social/999"}

    app = app_with(tmp_path, MIXED)
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await settle(pilot, app, len(MIXED))
        app.session.outbox.senders["mastodon"] = refusing
        uid = lst.uids[0]
        app.session.send_reply(uid, "Sorry about this, we're on it and will update you by 5pm.")
        await app.session.outbox.process_once()
        await pilot.press("4")
        while lst.current_uid != uid:
            await pilot.press("j")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ThreadScreen)
        def body() -> str:
            group = screen.query_one("#thread-body", Static).content
            return "\n".join(part.plain for part in group.renderables)

        assert "failed: status is too long (422)" in body()
        await pilot.press("p")
        await app.session.outbox.process_once()
        screen.render_thread()
        assert "✓ sent" in body()
        assert len(set(calls)) == 1, "the retry reuses the idempotency key"
