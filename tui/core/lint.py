"""`turnaround lint`: tone hints for reply drafts from files, folders, globs, stdin or the saved replies.

Output is the `file:line:col category message` that editors and CI parse, one line per hint; `--json`
prints one object per file. Exit status covers every file: 0 no hints, 1 hints, 2 usage error or a file
that cannot be linted (named on stderr; the others are still checked). Imports only the hint engine (never
asyncio, httpx, TinyDB, Textual or Rich), so it starts fast enough for editor hooks and pre-commit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from tui.core.hints import CACHE_FILE_NAME, Hint, HintEngine
from tui.core.hints_types import MENTION_KINDS
from tui.core.sanitize import clean, one_line

DRAFT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
"""What a directory given on the command line contributes: its drafts, not every file in it."""

_GLOB_CHARS = "*?["
STDIN = "<stdin>"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="turnaround lint",
        description="Check reply drafts for dead-end wording, excuses, blame, shouting, "
        "missing empathy or next step, and platform length. Prints `file:line:col category message` "
        "per hint (whole-draft hints at 1:1) and a score per file.",
        epilog="Exit status: 0 no hints, 1 hints found, 2 usage error or a file that could not be "
        "linted (an empty draft, a missing or unreadable file); the status covers every file.",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="drafts to check: files, directories (their " + ", ".join(DRAFT_SUFFIXES)
        + " files, recursively), globs, or - for standard input (the default without --templates)",
    )
    parser.add_argument(
        "--json", action="store_true",
        help='print one {"file": ..., "hints": [...], "score": N} object per line instead of text',
    )
    parser.add_argument(
        "--platform", metavar="NAME", help="check the length against NAME's limit (x, bluesky, mastodon, ...)"
    )
    parser.add_argument(
        "--replying-to", metavar="KIND", choices=MENTION_KINDS,
        help="the kind of mention the drafts answer (" + ", ".join(MENTION_KINDS) + "): some "
        "whole-draft hints need not speak in reply to praise, and a reply to a crisis needs more "
        "than small talk to acknowledge it",
    )
    parser.add_argument(
        "--rules", metavar="DIR", type=Path,
        help="directory of extra rule files (default: <config dir>/rules)",
    )
    parser.add_argument(
        "--templates", action="store_true",
        help="lint the shipped and your saved replies, each named templates.toml:<id>",
    )
    return parser


def _error(message: str) -> int:
    print(f"turnaround lint: {message}", file=sys.stderr)
    return 2


class Draft:
    """One text to lint and the name its hints are reported under (no dataclass: start-up)."""

    __slots__ = ("name", "problem", "text")

    def __init__(self, name: str, text: str | None = None, problem: str | None = None) -> None:
        self.name, self.text, self.problem = name, text, problem


def _read(path: str) -> Draft:
    """A draft, or the reason it cannot be linted (named, one line)."""
    if path == "-":
        return Draft(STDIN, sys.stdin.read())
    try:
        return Draft(path, Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Draft(path, problem=f"no such file: {path}")
    except IsADirectoryError:
        return Draft(path, problem=f"is a directory, not a draft: {path}")
    except UnicodeDecodeError:
        return Draft(path, problem=f"not UTF-8 text: {path}")
    except OSError as error:
        return Draft(path, problem=f"cannot read {path}: {error.strerror}")


def expand(paths: list[str]) -> Iterator[Draft]:
    """Every draft the arguments name, in the order given; directories and globs sorted by name."""
    for arg in paths:
        target = Path(arg)
        if arg != "-" and target.is_dir():
            found = sorted(p for p in target.rglob("*")
                           if p.suffix.lower() in DRAFT_SUFFIXES and p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(target).parts))
            if not found:
                yield Draft(arg, problem=f"no drafts ({', '.join(DRAFT_SUFFIXES)}) in directory: {arg}")
            for path in found:
                yield _read(str(path))
        elif arg != "-" and not target.exists() and any(c in arg for c in _GLOB_CHARS):
            import glob

            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield Draft(arg, problem=f"no file matches {arg}")
            for match in matches:
                if not Path(match).is_dir():
                    yield _read(match)
        else:
            yield _read(arg)


def template_drafts() -> Iterator[Draft]:
    """The shipped saved replies and the user's, as `templates.toml:<id>` (the user's file by path)."""
    from tui.core.templates import load_templates
    from tui.storage import paths

    user_file = paths.templates_file()
    errors: list[str] = []
    templates = load_templates(user_file, errors=errors)
    for problem in errors:
        yield Draft(str(user_file), problem=clean(problem))
    for template in templates:
        where = "templates.toml" if template.source == "builtin" else template.source
        yield Draft(f"{where}:{template.id}", template.body)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def format_hints(text: str, hints: list[Hint], score: int, name: str = STDIN) -> str:
    """Linter lines: `name:line:col category message [excerpt]`, `  -> suggestion`, then a score.

    A whole-draft hint (no span) is reported at 1:1 so editors still pick it up."""
    where = clean(name, limit=1000)
    lines: list[str] = []
    for hint in hints:
        if hint.start is None or hint.end is None:
            lines.append(f"{where}:1:1 {hint.category} {clean(hint.message)}")
            continue
        line, col = _position(text, hint.start)
        excerpt = one_line(clean(text[hint.start : hint.end]), 60)
        lines.append(f"{where}:{line}:{col} {hint.category} {clean(hint.message)} [{excerpt}]")
        if hint.suggestion is not None:
            rewrite = one_line(clean(hint.suggestion), 120)
            if rewrite and hint.replaces is not None:  # a whole clause goes: say which
                replaced = one_line(clean(text[hint.replaces[0]:hint.replaces[1]]), 80)
                rewrite += f" (in place of [{replaced}])"
            lines.append(f"  -> {rewrite}" if rewrite else "  -> (remove it)")
    noun = "hint" if len(hints) == 1 else "hints"
    lines.append(f"{where}: score {score}/100 ({len(hints)} {noun})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2)
        return stop.code if isinstance(stop.code, int) else 2
    rules_dir: Path | None = args.rules
    if rules_dir is not None and not rules_dir.is_dir():
        return _error(f"rules directory not found: {rules_dir}")
    from tui.storage import paths

    if rules_dir is None:
        rules_dir = paths.rules_dir()
    engine = HintEngine.load(rules_dir, cache_file=paths.cache_dir() / CACHE_FILE_NAME)
    for problem in engine.errors:
        print(f"turnaround lint: skipped a rule: {clean(problem)}", file=sys.stderr)
    if args.platform is not None and args.platform.lower() not in engine.platforms:
        known = ", ".join(sorted(engine.platforms))
        return _error(f"unknown platform {args.platform!r} (known: {known})")
    if args.paths.count("-") > 1:
        return _error("standard input (-) can be read only once")
    inputs = args.paths or ([] if args.templates else ["-"])
    drafts = list(expand(inputs))
    if args.templates:
        drafts.extend(template_drafts())
    status = 0
    for draft in drafts:
        if draft.problem is None and (draft.text is None or not draft.text.strip()):
            draft.problem = f"empty draft: {draft.name}"
        if draft.problem is not None:
            _error(clean(draft.problem, limit=1000))
            status = 2
            continue
        assert draft.text is not None
        hints = engine.check(draft.text, args.platform, replying_to=args.replying_to)
        score = engine.score(draft.text, hints)
        if not engine.is_english(draft.text):
            name = clean(draft.name, limit=200)
            note = f"{name}: hints check English only; this draft does not look like English"
            print(f"turnaround lint: note: {note}", file=sys.stderr)
        if args.json:
            import json

            print(json.dumps({"file": draft.name, "hints": [h.as_dict() for h in hints], "score": score},
                             ensure_ascii=False), flush=False)
        else:
            print(format_hints(draft.text, hints, score, draft.name))
        if hints and status == 0:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
