"""What is wrong with the user's files that the session does not read at start (it reads the rule
files itself: `Session.problems`). The app lists both once, in one notice and in the S panel."""

from __future__ import annotations

from tui.core.hints import HintEngine
from tui.core.templates import saved_replies
from tui.storage import paths


def user_rule_files_exist() -> bool:
    """Whether the user has tone-rule files at all (checking them compiles every rule: skip if not)."""
    rules = paths.rules_dir()
    return rules.is_dir() and any(rules.glob("*.toml"))


def user_file_problems(engine: HintEngine | None = None) -> list[str]:
    """Problems in the user's templates.toml and, given the editor's `engine`, in the tone rules
    it loaded (the good rules and templates still load). Blocking: call it in a thread."""
    problems: list[str] = []
    saved_replies(problems)
    if engine is not None:
        problems += engine.errors
    return problems
