"""Build sources from `--source SPEC` strings and from the config's `[[sources]]` tables."""

from __future__ import annotations

from typing import Any

from tui.sources.base import Source


class SourceSpecError(ValueError):
    """A source spec or config table we cannot build; the message says which and why."""


def from_spec(spec: str, *, once: bool = False) -> Source:
    """`jsonl:PATH`, `jsonl:-`, `jsonl:URL`, `sse:URL` or `demo`."""
    kind, _, target = spec.partition(":")
    if kind == "demo" and not target:
        from tui.sources.demo import DemoSource

        return DemoSource()
    if not target:
        raise SourceSpecError(f"source {spec!r}: expected TYPE:TARGET, e.g. jsonl:mentions.jsonl")
    if kind == "jsonl" and target.startswith(("http://", "https://")):
        from tui.sources.relay import JsonlUrlSource

        return JsonlUrlSource(target, once=once)
    if kind == "jsonl":
        from tui.sources.jsonl import JsonlSource

        return JsonlSource(target, once=once)
    if kind == "sse":
        from tui.sources.relay import SseSource

        return SseSource(target, once=once)
    raise SourceSpecError(f"source {spec!r}: unknown type {kind!r} (known: jsonl, sse, demo)")


def from_config(table: dict[str, Any], index: int = 1) -> Source:
    """One `[[sources]]` table. Each platform module checks its own keys."""
    kind = table.get("type")
    builders = {
        "mastodon": ("tui.sources.mastodon", "MastodonSource"),
        "bluesky": ("tui.sources.bluesky", "BlueskySource"),
        "rss": ("tui.sources.feed", "FeedSource"),
        "atom": ("tui.sources.feed", "FeedSource"),
        "feed": ("tui.sources.feed", "FeedSource"),
        "hn": ("tui.sources.hn", "HackerNewsSource"),
        "reddit": ("tui.sources.reddit", "RedditSource"),
        "google": ("tui.sources.google_reviews", "GoogleReviewsSource"),
        "trustpilot": ("tui.sources.trustpilot", "TrustpilotSource"),
        "yelp": ("tui.sources.yelp", "YelpSource"),
    }
    if kind in ("jsonl", "sse"):
        target = table.get("path") or table.get("url")
        if not isinstance(target, str):
            raise SourceSpecError(f"sources[{index}] ({kind}): needs 'path' or 'url'")
        source = from_spec(f"{kind}:{target}", once=False)
        source.name = source_name(table, index)
        return source
    if kind not in builders:
        raise SourceSpecError(f"sources[{index}]: unknown type {kind!r} "
                              f"(known: {', '.join(sorted({*builders, 'jsonl', 'sse'}))})")
    module_name, class_name = builders[kind]
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise SourceSpecError(f"sources[{index}] ({kind}): not available ({error})") from None
    try:
        source = getattr(module, class_name).from_config(table)
    except (KeyError, TypeError, ValueError) as error:
        raise SourceSpecError(f"sources[{index}] ({kind}): {error}") from None
    source.name = source_name(table, index)
    return source


def source_name(table: dict[str, Any], index: int) -> str:
    """The name a source's cursor and health are kept under: its `name`, else `TYPE-N`."""
    return str(table.get("name") or f"{table.get('type')}-{index}")
