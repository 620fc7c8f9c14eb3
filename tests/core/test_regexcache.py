"""The on-disk cache of compiled patterns that lets `turnaround lint` skip re-compiling its rules:
what it rebuilds behaves exactly like `re.compile`, and a damaged or foreign file only costs speed."""

from __future__ import annotations

import marshal
import re
from pathlib import Path

import pytest

from tui.core.hints import HintEngine
from tui.rules.regexcache import RegexCache

PATTERNS = [
    (r"(?P<word>\bcan(?:no|')t\b)\s+(\w+)", re.IGNORECASE),
    (r"(?i:sorry)|(?-i:NOW)", 0),
    (r"[A-Z\u00c0-\u00d6]{2,}(?![\w'&-])", re.ASCII),
    (r"(a)(?P<b>b)?\1", 0),
]
TEXTS = ["We cannot help you NOW", "we can't do that", "ÀÉÎ OK DONE", "aba aa", "Sorry, now"]


def test_patterns_rebuilt_from_disk_behave_like_re_compile(tmp_path: Path) -> None:
    path = tmp_path / "cache.marshal"
    first = RegexCache(path)
    for pattern, flags in PATTERNS:
        first.compile(pattern, flags)
    first.save()
    assert path.exists()

    second = RegexCache(path)
    for pattern, flags in PATTERNS:
        ours, theirs = second.compile(pattern, flags), re.compile(pattern, flags)
        assert (ours.pattern, ours.flags, ours.groups, ours.groupindex) == (
            theirs.pattern, theirs.flags, theirs.groups, theirs.groupindex)
        for text in TEXTS:
            assert [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]
            assert [m.groups() for m in ours.finditer(text)] == [m.groups() for m in theirs.finditer(text)]
    assert not second._dirty, "everything came from the file: nothing new to write"


def test_a_bad_pattern_still_raises_re_error(tmp_path: Path) -> None:
    with pytest.raises(re.error):
        RegexCache(tmp_path / "c").compile("(unclosed")


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", marshal.dumps({"engine": "other-1.0"}),
                                    marshal.dumps([1, 2, 3])])
def test_an_unusable_file_is_an_empty_cache(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "cache.marshal"
    path.write_bytes(damage)
    cache = RegexCache(path)
    assert cache.compile(r"\bwon't\b", re.I).search("I won't") is not None
    cache.save()
    assert RegexCache(path).compile(r"\bwon't\b", re.I).search("I WON'T") is not None


def test_damaged_code_falls_back_to_compiling(tmp_path: Path) -> None:
    path = tmp_path / "cache.marshal"
    cache = RegexCache(path)
    cache.compile(r"\bno\b", 0)
    cache.save()
    entries = marshal.loads(path.read_bytes())
    key = ("re", r"\bno\b", 0)
    flags, code, groups, groupindex, indexgroup = entries[key]
    entries[key] = (flags, b"\xff\xff\x0f\x00" + code[4:], groups, groupindex, indexgroup)
    path.write_bytes(marshal.dumps(entries))
    assert RegexCache(path).compile(r"\bno\b", 0).findall("no, no and NO") == ["no", "no"]


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = RegexCache(blocker / "sub" / "cache.marshal")  # its parent is a file: cannot be created
    cache.compile("abc")
    cache.save()  # no exception
    assert not (tmp_path / "file" / "sub").exists()


def test_engine_with_a_cache_finds_the_same_hints_and_writes_once(tmp_path: Path) -> None:
    path = tmp_path / "hints.marshal"
    drafts = ["We can't refund that, it's not our fault. PLEASE READ THE POLICY.",
              "Unfortunately that’s impossible 😞 you should have called us",
              "Thanks for reaching out! DM us your order number and we'll sort it. ^JAY"]
    plain = HintEngine.load()
    cold = HintEngine.load(cache_file=path)
    written = path.stat().st_mtime_ns
    warm = HintEngine.load(cache_file=path)
    assert path.stat().st_mtime_ns == written, "a warm load has nothing new to write"
    assert plain.check(drafts[0], "x") and plain.check(drafts[1], "x")
    for text in drafts:
        expected = plain.check(text, "x")
        assert cold.check(text, "x") == expected
        assert warm.check(text, "x") == expected


def test_rules_come_out_the_same_every_run(tmp_path: Path) -> None:
    """Sets iterate in a per-process order; the shouting pattern must not, or the cache never hits."""
    import subprocess
    import sys

    code = ("from tui.core.hints import HintEngine; e = HintEngine.load(); "
            "print(repr([s.pattern for s in e._scanners]))")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin",
                                "PYTHONPATH": str(Path(__file__).resolve().parents[2])}).stdout
            for seed in (1, 2, 3)}
    assert len(runs) == 1

