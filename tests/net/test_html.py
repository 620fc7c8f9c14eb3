"""Status HTML becomes plain, safe text; Google redirect links are unwrapped."""

from __future__ import annotations

from pathlib import Path

import orjson

from tui.sources.html import html_to_text, unwrap_google_redirect

FIXTURES = Path(__file__).parents[1] / "fixtures_net" / "mastodon"


def test_paragraphs_and_breaks_become_lines() -> None:
    text = html_to_text("<p>First line<br>second line<br/>third</p><p>New paragraph</p>")
    assert text == "First line\nsecond line\nthird\n\nNew paragraph"


def test_entities_are_decoded_and_tags_dropped() -> None:
    text = html_to_text('<p>Fish &amp; chips &lt;3 &quot;yes&quot; &#8217; &#x1F600; '
                        '<a href="x">link</a></p>')
    assert text == 'Fish & chips <3 "yes" ’ 😀 link'


def test_script_and_style_contents_are_dropped() -> None:
    text = html_to_text("<style>p{color:red}</style><p>kept</p><script>alert('x')</script><p>also</p>")
    assert text == "kept\n\nalso"


def test_encoded_escape_sequences_are_decoded_then_stripped() -> None:
    text = html_to_text("<p>red&#27;[31mALERT&#x1b;[0m &#27;]0;pwned title&#7;done</p>")
    assert "\x1b" not in text and "[31m" not in text and "pwned" not in text
    assert text == "redALERT done"


def test_raw_controls_and_bidi_overrides_are_stripped() -> None:
    text = html_to_text("<p>abc\u202edcba\u2066x\u2069 &#x202E;y\x07z\x1b[2Jw</p>")
    assert text == "abcdcbax yzw"


def test_rich_markup_stays_literal_text() -> None:
    text = html_to_text("<p>[bold red]free coffee[/] [link=https://evil]click[/link]</p>")
    assert text == "[bold red]free coffee[/] [link=https://evil]click[/link]"


def test_escaped_tags_stay_text_and_do_not_become_tags() -> None:
    assert html_to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == "<script>alert(1)</script>"


def test_malformed_html_keeps_what_it_can() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>and <p>more") == "unclosed bold and\n\nmore"
    assert html_to_text("") == ""
    assert html_to_text("plain text, no tags") == "plain text, no tags"


def test_length_is_capped() -> None:
    text = html_to_text("<p>" + "word " * 5000 + "</p>", limit=100)
    assert len(text) == 100 and text.endswith("…")


def test_real_mastodon_content() -> None:
    statuses = orjson.loads((FIXTURES / "search_v2_mastodon_social.json").read_bytes())["statuses"]
    for status in statuses:
        text = html_to_text(status["content"])
        assert "<" not in text.replace("<3", "") and "&amp;" not in text
        assert text.startswith("@cancel") or text.startswith("@halcy")


def test_unwrap_google_redirect() -> None:
    url = ("https://www.google.com/url?rct=j&sa=t&url=https://example.com/story%3Fa%3D1&ct=ga"
           "&cd=CAEYACoTMjM&usg=AFQjCNE")
    assert unwrap_google_redirect(url) == "https://example.com/story?a=1"
    assert unwrap_google_redirect("https://google.co.uk/url?q=https://x.org/") == "https://x.org/"
    for kept in ("https://example.com/url?q=https://x.org/", "https://google.evil.com/url?q=https://x.org/",
                 "https://www.google.com/url?q=javascript:alert(1)", "https://www.google.com/search?q=x"):
        assert unwrap_google_redirect(kept) == kept
    assert unwrap_google_redirect("not a url") == "not a url"
