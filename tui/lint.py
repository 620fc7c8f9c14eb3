"""`turnaround lint`: tone hints for a reply draft from a file or stdin, like a prose linter.

Exit status: 0 no hints, 1 hints, 2 usage error. Imports only the hint engine (never Textual or
Rich), so it starts fast enough for editor hooks and pre-send scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.hints import Hint, HintEngine
from tui.sanitize import clean, one_line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="turnaround lint",
        description="Check a reply draft for dead-end wording, excuses, blame, shouting, "
        "missing empathy or next step, and platform length.",
        epilog="Exit status: 0 no hints, 1 hints found, 2 usage error.",
    )
    parser.add_argument(
        "path", nargs="?", default="-", metavar="PATH|-", help="the draft to check (default: standard input)"
    )
    parser.add_argument(
        "--json", action="store_true", help='print {"hints": [...], "score": N} instead of text'
    )
    parser.add_argument(
        "--platform", metavar="NAME", help="check the length against NAME's limit (x, bluesky, mastodon, ...)"
    )
    parser.add_argument(
        "--rules",
        metavar="DIR",
        type=Path,
        help="directory of extra rule files (default: <config dir>/rules)",
    )
    return parser


def _error(message: str) -> int:
    print(f"turnaround lint: {message}", file=sys.stderr)
    return 2


def _read(path: str) -> str:
    """The draft text; raises OSError or UnicodeDecodeError for the caller to report."""
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8")


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def format_hints(text: str, hints: list[Hint], score: int) -> str:
    """Linter-style lines: `line:col category message [excerpt]`, `  -> suggestion`, a score."""
    lines: list[str] = []
    for hint in hints:
        if hint.start is None or hint.end is None:
            lines.append(f"-:- {hint.category} {clean(hint.message)}")
            continue
        line, col = _position(text, hint.start)
        excerpt = one_line(clean(text[hint.start : hint.end]), 60)
        lines.append(f"{line}:{col} {hint.category} {clean(hint.message)} [{excerpt}]")
        if hint.suggestion is not None:
            rewrite = one_line(clean(hint.suggestion), 120)
            lines.append(f"  -> {rewrite}" if rewrite else "  -> (remove it)")
    noun = "hint" if len(hints) == 1 else "hints"
    lines.append(f"score {score}/100 ({len(hints)} {noun})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2)
        return stop.code if isinstance(stop.code, int) else 2
    rules_dir: Path | None = args.rules
    if rules_dir is not None and not rules_dir.is_dir():
        return _error(f"rules directory not found: {rules_dir}")
    if rules_dir is None:
        from tui import paths

        rules_dir = paths.rules_dir()
    try:
        text = _read(args.path)
    except FileNotFoundError:
        return _error(f"no such file: {args.path}")
    except IsADirectoryError:
        return _error(f"is a directory, not a draft: {args.path}")
    except UnicodeDecodeError:
        return _error(f"not UTF-8 text: {args.path}")
    except OSError as error:
        return _error(f"cannot read {args.path}: {error.strerror}")
    engine = HintEngine.load(rules_dir)
    for problem in engine.errors:
        print(f"turnaround lint: skipped a rule: {clean(problem)}", file=sys.stderr)
    hints = engine.check(text, args.platform)
    score = engine.score(text, hints)
    if text.strip() and not engine.is_english(text):
        print("turnaround lint: note: hints check English only; this draft does not look like English",
              file=sys.stderr)
    if args.json:
        print(json.dumps({"hints": [h.as_dict() for h in hints], "score": score}, ensure_ascii=False))
    else:
        print(format_hints(text, hints, score))
    return 1 if hints else 0


if __name__ == "__main__":
    sys.exit(main())
