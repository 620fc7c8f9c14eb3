"""How long a draft is, counted the way its platform counts it, and where it passes the limit.

A plain character count is wrong where the reply editor needs it most. Mastodon counts every link
as 23 characters however long it is, and "@user@host" as "@user"; X counts links as 23 too, most
scripts outside Latin (Chinese, Japanese, Korean, ...) and every emoji as two, and not the @handles
a reply starts with. Counted plainly, a Mastodon reply with a long help-centre link was refused
as too long though the server takes it, and all six real X replies our annotators marked
`too-long` (tests/data/replies_real_*.jsonl) had been posted on X as they are: under X's count
they are 169-280 long. The rules are data: `[platforms.NAME]` in tui/rules/data/hints.toml.

Counting runs in C-level regexes (a 50k-character draft in a few milliseconds); only the run
where the limit is passed is walked one character at a time, to find the cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from tui.core.hints_types import _Platform

# A link as Mastodon and X find it: http(s) or www, up to whitespace, less trailing punctuation
# (a sentence's full stop or a closing bracket is text, not part of the link).
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]'’]")
# "@user@host" (not inside a link or an address: the character before is checked by hand, a
# look-behind here made the scan 10x slower)
_MENTION_HOST = re.compile(r"(@\w+)@[\w.-]*\w")
_NOT_BEFORE_MENTION = re.compile(r"[/\w@]")
_LEADING_MENTIONS = re.compile(r"\A\s*(?:[@＠]\w{1,15}\s+)+")
# X's weighted count (twitter-text, config v3): code points 0-4351, 8192-8205, 8208-8223 and
# 8242-8247 weigh 1, all others 2; an emoji, however many code points, weighs 2.
_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
_PICTOGRAPH = "\U0001f000-\U0001faff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff"
_EMOJI = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicators
    "|[0-9#*]\ufe0f?\u20e3"  # a keycap
    f"|[{_PICTOGRAPH}][\ufe0f\U0001f3fb-\U0001f3ff]*"  # a pictograph, its style and skin tone
    f"(?:\u200d[{_PICTOGRAPH}][\ufe0f\U0001f3fb-\U0001f3ff]*)*"  # joined into one (a family)
)


def measure(text: str, spec: _Platform) -> tuple[int, int | None]:
    """(the length as `spec` counts it, the index of the first character past its limit or None)."""
    count = 0
    cut: int | None = None
    limit = spec.limit
    for start, end, special in _runs(text, spec):
        weight = special if special is not None else _weigh(text[start:end], spec.count)
        if cut is None and limit is not None and count + weight > limit:
            # a link or a mention passes the limit whole; a run of text is walked to the spot
            cut = start if special is not None else start + _room(text[start:end], limit - count, spec.count)
        count += weight
    return count, cut


def _runs(text: str, spec: _Platform) -> Iterator[tuple[int, int, int | None]]:
    """(start, end, weight): a link or a mention with the weight the platform gives it, or a run
    of plain text (weight None: counted by `_weigh`)."""
    pos = 0
    if not spec.leading_mentions and (lead := _LEADING_MENTIONS.match(text)):
        pos = lead.end()
    special: list[tuple[int, int, int]] = []
    if spec.link_length is not None:
        special += [(m.start(), m.end(), spec.link_length) for m in _LINK.finditer(text, pos)]
    if not spec.mention_hosts:
        special += [(m.start(), m.end(), len(m.group(1))) for m in _MENTION_HOST.finditer(text, pos)
                    if not (m.start() and _NOT_BEFORE_MENTION.match(text, m.start() - 1))]
    for start, end, weight in sorted(special):
        if start < pos:
            continue  # a mention inside a link
        if start > pos:
            yield pos, start, None
        yield start, end, weight
        pos = end
    if pos < len(text):
        yield pos, len(text), None


def _weigh(part: str, count: str) -> int:
    if count == "characters" or part.isascii():
        return len(part)
    if count == "graphemes":
        import grapheme

        return int(grapheme.length(part))
    # "weighted": X's count, on the composed text (é is one code point, not e and an accent)
    part = unicodedata.normalize("NFC", part)
    total = 0
    pos = 0
    for emoji in _EMOJI.finditer(part):
        plain = part[pos:emoji.start()]
        total += len(plain) + len(_HEAVY.findall(plain)) + 2
        pos = emoji.end()
    plain = part[pos:]
    return total + len(plain) + len(_HEAVY.findall(plain))


def _room(part: str, room: int, count: str) -> int:
    """How many characters of `part` fit in `room`: walked one user-perceived character at a
    time, and only this far (the rest of a long draft is never walked)."""
    if count == "characters" or part.isascii():
        return max(0, room)
    import grapheme

    used = 0
    for cluster in grapheme.graphemes(part):
        weight = _weigh(cluster, count)
        if weight > room:
            return used
        room -= weight
        used += len(cluster)
    return used
