import pytest
from rich.cells import cell_len
from wcwidth import wcwidth

from tui.core.model import MentionError, parse_mention
from tui.core.sanitize import clean, on_screen, one_line


def test_escape_sequences_controls_and_bidi_are_removed() -> None:
    hostile = "hi \x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 \x1b]0;title\x07 \u202eevil\u202c \x07\x00ok\x9b"
    assert clean(hostile) == "hi red   evil ok"


def test_markup_stays_literal_text() -> None:
    text = "[bold red]x[/] [link=https://evil.example]click[/link] [@click=app.quit]q[/]"
    assert clean(text) == text


def test_long_text_is_capped() -> None:
    assert len(clean("a" * 50_000)) == 10_000


def test_shown_text_has_one_width_for_rich_and_tmux() -> None:
    # tmux 3.3 draws a skin-tone modifier as its own 2-cell emoji (as wcwidth counts the character
    # alone); Rich counts 0. Rows holding one overran their width and broke the detail pane's border.
    def tmux(text: str) -> int:
        return sum(max(0, wcwidth(ch)) for ch in text)

    text = "Excellent 👌🏼 service 👍🏿 #halloween"
    assert cell_len(text) != tmux(text)
    shown = one_line(text)
    assert shown == "Excellent 👌 service 👍 #halloween"
    assert cell_len(shown) == tmux(shown)
    assert on_screen("no\nchange 😩") == "no\nchange 😩"
    # A variation selector: Rich counts "❤️" 2 cells, tmux 1 (a real tweet to a restaurant shifted
    # the detail pane three cells left).
    hearts = "Ain’t no chipotle like a $3 chipotle. ❤️❤️❤️🌯 ☺️ 1️⃣"
    assert cell_len(hearts) != tmux(hearts)
    assert one_line(hearts) == "Ain’t no chipotle like a $3 chipotle. ❤❤❤🌯 ☺ 1⃣"
    assert cell_len(one_line(hearts)) == tmux(one_line(hearts))
    assert clean(hearts) == hearts
    # what is stored keeps the tones: only drawing drops them
    assert clean(text) == text


def good() -> dict:
    return {"id": "1", "source": "x", "author": "@a", "text": "hi", "created_at": "2026-11-20T10:00:00Z"}


def test_parse_mention_keeps_unknown_fields_and_names_bad_ones() -> None:
    data = good() | {"lang": "en", "followers": 10}
    mention = parse_mention(data)
    assert mention["extra"] == {"lang": "en"}
    assert mention["uid"] == "x:1"
    with pytest.raises(MentionError, match="followers"):
        parse_mention(good() | {"followers": "many"})
    with pytest.raises(MentionError, match="created_at"):
        parse_mention(good() | {"created_at": "2026-11-20T10:00:00"})
    with pytest.raises(MentionError, match="missing required field 'author'"):
        parse_mention({k: v for k, v in good().items() if k != "author"})
    # Another tool's export: every missing field at once, and what the line has instead (cleaned).
    tweet = {"tweet_id": 1, "author_id": "sprintcare", "text": "hi",
             "created_at": "Tue Oct 31 22:10:47 +0000 2017", "\x1b[31mevil": 1}
    with pytest.raises(MentionError) as caught:
        parse_mention(tweet)
    assert str(caught.value) == ("missing required fields 'id', 'source', 'author' "
                                 "(it has: tweet_id, author_id, text, created_at, evil)")
