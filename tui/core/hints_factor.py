"""First-character factoring of the lowered alternations, done on the parse tree of `re`.

Python's regex engine tries the alternatives of a branch one by one, and only an alternative that
opens with a literal character or a character class is passed over cheaply ("not this character");
entering any other costs a jump. Ours open with a word boundary or a start guard, so at each word a
dense lint entered every rule, and every alternative in it. Here a branch becomes one alternative
per first character, which opens with that character and holds, in their old order, what each old
alternative has left to match after it (its derivative by that character): "we", "i" and "our team"
wait behind "w", "i" and "o", and the search skips straight to characters that can start a match.
An assertion about the first position moves one character on: a word boundary before "w" becomes
"no word character before this w"; a look-behind takes in the "w"; a look-ahead loses it.

Same matches in the same order, with the same spans. A capturing group that opened at the first
character opens one later: the scanners read only `lastgroup`, and a suggestion's groups come from
the rule's own pattern (`HintEngine._hint`). Only for ASCII text and patterns without case folding
(the lowered scan, `_Scanner.lowered`); a part this does not know keeps its old form.
"""

from __future__ import annotations

import functools
import re
from re import _constants as _c  # type: ignore[attr-defined]  # private: reached through RegexCache
from re import _parser  # type: ignore[attr-defined]

TYPE_CHECKING = False  # typing is for the type checker: importing it slows `lint` start-up
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Item = tuple[Any, Any]  # (opcode, argument) as `re._parser` builds them
    Firsts = tuple[frozenset[int], bool]  # (characters a node may open with, whether it may match nothing)

_ASCII = range(128)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
_ANY_CHAR = (_c.IN, [(_c.CATEGORY, _c.CATEGORY_SPACE), (_c.CATEGORY, _c.CATEGORY_NOT_SPACE)])  # [\s\S]
_WORD_CHAR = (_c.IN, [(_c.CATEGORY, _c.CATEGORY_WORD)])
_MAX_ARMS = 40  # a branch that may open with more characters is not factored below the first
# English letters by how often words start with them: the engine tries a branch's arms in order
_ORDER = {ord(ch): i for i, ch in enumerate("tsaiwocmpbfhdrnelyguvkjqxz")}


class _Unknown(Exception):
    """A construct the rewrite does not handle: that part keeps its old form."""


@functools.cache
def _category(category: Any) -> frozenset[int]:
    """The ASCII characters of an `re` category (\\w, \\s, \\d or a negation) in ASCII mode."""
    escape = {_c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W", _c.CATEGORY_SPACE: r"\s",
              _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D"}
    if category not in escape:
        raise _Unknown(category)
    regex = re.compile(escape[category], re.ASCII)
    return frozenset(code for code in _ASCII if regex.match(chr(code)))


def _in_class(items: list[Item], code: int) -> bool:
    """Whether a character class (an IN node's items) holds the character `code`."""
    negate = hit = False
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            hit = hit or av == code
        elif op is _c.RANGE:
            hit = hit or av[0] <= code <= av[1]
        elif op is _c.CATEGORY:
            hit = hit or code in _category(av)
        else:
            raise _Unknown(op)
    return hit != negate


class _Factor:
    """The rewrite of one pattern's tree; new nodes share its parser state."""

    def __init__(self, state: Any) -> None:
        self.state = state
        self._word = _category(_c.CATEGORY_WORD)
        self._firsts: dict[int, tuple[Any, Firsts]] = {}  # id(node): (node, what it may open with)

    def sub(self, data: list[Item]) -> Any:
        return _parser.SubPattern(self.state, data)

    # -- which characters a sequence may open with: a superset, only to skip hopeless ones ---------

    def firsts(self, seq: list[Item]) -> frozenset[int]:
        found: set[int] = set()
        for item in seq:
            chars, nullable = self._item_firsts(item)
            found |= chars
            if not nullable:
                break
        return frozenset(found)

    def _item_firsts(self, item: Item) -> Firsts:
        """(characters `item` may open with, whether it may match nothing)."""
        op, av = item
        if op is _c.LITERAL:
            return frozenset((av,)), False
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            return frozenset(), True
        if op is _c.IN:
            return self._known(av, lambda: (frozenset(code for code in _ASCII if _in_class(av, code)), False))
        if op is _c.SUBPATTERN:
            return self._body_firsts(av[3])
        if op is _c.BRANCH:
            found = [self._body_firsts(alt) for alt in av[1]]
            return frozenset().union(*(chars for chars, _ in found)), any(empty for _, empty in found)
        if op in _REPEATS:
            chars, empty = self._body_firsts(av[2])
            return chars, empty or av[0] == 0
        return frozenset(_ASCII), True  # anything else: it may open with any character

    def _body_firsts(self, body: Any) -> Firsts:
        return self._known(body, lambda: (self.firsts(body.data), body.getwidth()[0] == 0))

    def _known(self, node: Any, work: Callable[[], Firsts]) -> Firsts:
        """`work()` for `node`, kept per node (and the node kept alive, so its id stays its own)."""
        known = self._firsts.get(id(node))
        if known is None:
            try:
                value = work()
            except _Unknown:
                value = frozenset(_ASCII), False
            known = self._firsts[id(node)] = (node, value)
        return known[1]

    # -- the derivative: what is left to match at p + 1 once `code` matched at p -------------------

    def derive(self, seq: list[Item], code: int) -> list[Item] | None:
        """What `seq` has left to match after it matched `code` as its first character, or None if
        it cannot open with `code`. Raises `_Unknown` on a construct it does not handle."""
        if not seq:
            return None
        (op, av), rest = seq[0], list(seq[1:])
        if op is _c.LITERAL:
            return rest if av == code else None
        if op is _c.NOT_LITERAL:
            return rest if av != code else None
        if op is _c.IN:
            return rest if _in_class(av, code) else None
        if op is _c.AT:
            return self._at(av, code, rest)
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            return self._assert(op, av, code, rest)
        if op is _c.SUBPATTERN:
            group, add, delete, body = av
            if add or delete:
                raise _Unknown(op)
            if group is None:
                return self.derive([*body.data, *rest], code)
            if body.getwidth()[0] == 0:
                raise _Unknown(op)
            inner = self.derive(body.data, code)
            return None if inner is None else [(op, (group, 0, 0, self.sub(inner))), *rest]
        if op is _c.BRANCH:
            return self._branch(av[1], code, rest)
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            return self._repeat(op, av, code, rest)
        raise _Unknown(op)

    def _at(self, where: Any, code: int, rest: list[Item]) -> list[Item] | None:
        after = self.derive(rest, code)
        if after is None:
            return None
        behind = [_WORD_CHAR, (_c.LITERAL, code)]
        if where in (_c.AT_BOUNDARY, _c.AT_NON_BOUNDARY):
            # before a word character a boundary means no word character before it; else one
            boundary = (where is _c.AT_BOUNDARY) == (code in self._word)
            return [(_c.ASSERT_NOT if boundary else _c.ASSERT, (-1, self.sub(behind))), *after]
        if where in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING) and not self.state.flags & re.MULTILINE:
            return [(_c.ASSERT_NOT, (-1, self.sub([_ANY_CHAR, (_c.LITERAL, code)]))), *after]
        raise _Unknown(where)

    def _assert(self, op: Any, av: Any, code: int, rest: list[Item]) -> list[Item] | None:
        direction, body = av
        after = self.derive(rest, code)
        if after is None:
            return None
        if direction < 0:  # a look-behind from p is one from p + 1 over one more character
            return [(op, (direction, self.sub([*body.data, (_c.LITERAL, code)]))), *after]
        if body.getwidth()[0] == 0:
            raise _Unknown(op)
        inner = self.derive(body.data, code)
        if inner:  # the look-ahead still has something to see
            return [(op, (direction, self.sub(inner))), *after]
        holds = inner is not None  # [] when `code` was all it asked for
        return after if holds == (op is _c.ASSERT) else None

    def _branch(self, alternatives: list[Any], code: int, rest: list[Item]) -> list[Item] | None:
        # (A|B)R is AR|BR, tried in the same order; R is left shared after the branch unless an
        # alternative may match nothing (its derivative then reaches into R)
        shared = all(alt.getwidth()[0] > 0 for alt in alternatives)
        tail = [] if shared else rest
        kept = [d for alt in alternatives
                if (not shared or code in self.firsts(alt.data))
                and (d := self.derive([*alt.data, *tail], code)) is not None]
        if not kept:
            return None
        after = rest if shared else []
        if len(kept) == 1:
            return [*kept[0], *after]
        return [(_c.BRANCH, (None, [self.sub(d) for d in kept])), *after]

    def _repeat(self, op: Any, av: Any, code: int, rest: list[Item]) -> list[Item] | None:
        low, high, body = av
        if body.getwidth()[0] == 0 or high == 0:
            raise _Unknown(op)
        # X{m,n} R: X then X{m-1,n-1} R; when m is 0, also R alone (after for a greedy X, before
        # for a lazy one)
        first = self.derive(body.data, code)
        again = high if high == _c.MAXREPEAT else high - 1
        more = [(op, (max(low - 1, 0), again, body))] if again else []
        taken = None if first is None else [*first, *more, *rest]
        if low > 0:
            return taken
        skipped = self.derive(rest, code)
        order = [taken, skipped] if op is _c.MAX_REPEAT else [skipped, taken]
        options = [o for o in order if o is not None]
        if len(options) < 2:
            return options[0] if options else None
        return [(_c.BRANCH, (None, [self.sub(o) for o in options]))]

    # -- building the factored form -------------------------------------------------------------

    def arms(self, seq: list[Item], depth: int = 1) -> list[list[Item]]:
        """`seq` as one alternative per first character (which opens it); raises `_Unknown` when
        it cannot be done. Only one of them can match at a position, so their order is free."""
        if self.sub(list(seq)).getwidth()[0] == 0:
            raise _Unknown("may match nothing")
        arms = []
        for code in self.firsts(seq):
            rest = self.derive(seq, code)
            if rest is not None:
                arms.append([(_c.LITERAL, code), *self.deeper(self.hoisted(rest), depth)])
        if not arms:
            raise _Unknown("no first character")
        return arms

    def deeper(self, rest: list[Item], depth: int) -> list[Item]:
        """`rest` with the branch after its leading assertions factored too (by the second
        character, while `depth` lasts), unless almost any character could open it: a branch of
        that many arms costs more to walk than it saves."""
        lead = 0
        while lead < len(rest) and rest[lead][0] in (_c.ASSERT, _c.ASSERT_NOT):
            lead += 1
        if depth <= 0 or lead == len(rest) or rest[lead][0] is not _c.BRANCH:
            return rest
        if len(self.firsts(rest[lead:])) > _MAX_ARMS:
            return rest
        try:
            return [*rest[:lead], *self.dispatch(rest[lead:], depth - 1)]
        except _Unknown:
            return rest

    def dispatch(self, seq: list[Item], depth: int = 1) -> list[Item]:
        """`seq` factored. The arms that open at a word boundary go behind one `\b`, which the engine
        tests in place: checked in each arm, it would cost a jump into that arm at every such letter
        inside a word. Common letters come first, as the engine tries the arms in order."""
        under: list[Any] = []
        beside: list[Any] = []
        for arm in sorted(self.arms(seq, depth), key=lambda arm: _ORDER.get(arm[0][1], 128 + arm[0][1])):
            if len(arm) > 1 and self._after_boundary(arm[1], arm[0][1]):
                under.append(self.sub([arm[0], *arm[2:]]))
            else:
                beside.append(self.sub(arm))
        if under:
            tail = [(_c.BRANCH, (None, under))] if len(under) > 1 else list(under[0].data)
            beside.insert(0, self.sub([(_c.AT, _c.AT_BOUNDARY), *tail]))
        return [(_c.BRANCH, (None, beside))] if len(beside) > 1 else list(beside[0].data)

    def _after_boundary(self, item: Item, code: int) -> bool:
        """Whether `item`, after the word character `code`, says a word boundary came before it."""
        op, av = item
        return (op is _c.ASSERT_NOT and av[0] < 0 and code in self._word
                and list(av[1].data) == [_WORD_CHAR, (_c.LITERAL, code)])

    def hoisted(self, rest: list[Item]) -> list[Item]:
        """A branch whose alternatives open with the same look-behind (the word boundary, as
        `_at` derives it), with it checked once before them: each run of such alternatives."""
        if len(rest) != 1 or rest[0][0] is not _c.BRANCH:
            return rest
        runs: list[tuple[Any, list[list[Item]]]] = []
        for alt in rest[0][1][1]:
            key = _lead_key(alt.data)
            if runs and key is not None and runs[-1][0] == key:
                runs[-1][1].append(list(alt.data))
            else:
                runs.append((key, [list(alt.data)]))
        if len(runs) == len(rest[0][1][1]):
            return rest
        out: list[Any] = []
        for key, group in runs:
            if key is None or len(group) == 1:
                out.extend(self.sub(alt) for alt in group)
            else:
                out.append(self.sub([group[0][0], (_c.BRANCH, (None, [self.sub(alt[1:]) for alt in group]))]))
        return list(out[0].data) if len(out) == 1 else [(_c.BRANCH, (None, out))]

    def top(self, seq: list[Item]) -> list[Item]:
        """The whole pattern factored; failing that, its guards kept and each run of alternatives in
        its top branch that can be factored made one dispatch, in the same order."""
        try:
            return self.dispatch(seq)
        except _Unknown:
            pass
        data = list(seq)
        while data and data[-1][0] is _c.SUBPATTERN and data[-1][1][0] is None and not any(data[-1][1][1:3]):
            data = [*data[:-1], *data[-1][1][3].data]
        if not data or data[-1][0] is not _c.BRANCH:
            return list(seq)
        out: list[Any] = []
        run: list[Any] = []
        for alt in [*data[-1][1][1], None]:  # None: the end, where the last run is written
            try:
                if alt is not None:
                    self.arms(alt.data)
                    run.append(alt)
                    continue
            except _Unknown:
                pass
            if run:
                joined = [(_c.BRANCH, (None, list(run)))] if len(run) > 1 else list(run[0].data)
                out.append(self.sub(self.dispatch(joined)))
                run = []
            if alt is not None:
                out.append(alt)
        return [*data[:-1], (_c.BRANCH, (None, out))]


def _lead_key(alt: list[Item]) -> Any:
    """A comparable form of the look-behind opening `alt` (None if it opens otherwise)."""
    if not alt or alt[0][0] not in (_c.ASSERT, _c.ASSERT_NOT) or alt[0][1][0] >= 0:
        return None
    body = alt[0][1][1].data
    if not all(op in (_c.LITERAL, _c.IN) for op, _ in body):
        return None
    return alt[0][0], repr(body)


def _refers_back(data: Any) -> bool:
    """Whether a back-reference is anywhere in `data`: it would see the groups that open later."""
    for op, av in data:
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            return True
        children = (av[1] if op is _c.BRANCH else [av[3]] if op is _c.SUBPATTERN
                    else [av[2]] if op in _REPEATS else [av[1]] if op in (_c.ASSERT, _c.ASSERT_NOT)
                    else [av] if op is _c.ATOMIC_GROUP else [])
        if any(_refers_back(child.data) for child in children):
            return True
    return False


def factor_tree(tree: Any) -> Any:
    """`tree` (from `re._parser.parse`, ASCII mode, no case folding) factored by first character."""
    flags = tree.state.flags
    if flags & (re.IGNORECASE | re.DOTALL | re.MULTILINE | re.VERBOSE) or not flags & re.ASCII:
        return tree
    if _refers_back(tree.data):
        return tree
    try:
        return _parser.SubPattern(tree.state, _Factor(tree.state).top(list(tree.data)))
    except _Unknown:
        return tree
