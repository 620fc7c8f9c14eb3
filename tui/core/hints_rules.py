"""Loading rules: the built-in TOML and the user's rule files, checked and merged into settings.

Bad user rules never stop the engine: each problem names the file, the rule and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tui.core.hints_rewrite import _GROUP_REF
from tui.core.hints_types import (
    CASES,
    COUNTS,
    KINDS,
    MENTION_KINDS,
    REPLACES,
    RULE_FIELDS,
    SEVERITIES,
    HintRuleError,
    _Platform,
    _Settings,
)
from tui.rules import data_file
from tui.rules.datafile import located

TYPE_CHECKING = False  # typing is for the type checker: importing it slows `lint` start-up
if TYPE_CHECKING:
    from typing import Any

    from tui.rules.regexcache import RegexCache


# What `optional_apostrophes` steps over: an escape, a character class, a group's opening (and
# whether it opens a lookbehind), a group's end, and "n't" after a letter.
_APOSTROPHE_EVENTS = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|\((?:\?<[=!])?|\)|(?<=[A-Za-z])n't")


def optional_apostrophes(pattern: str) -> str:
    """The pattern with each "n't" of a written word also matching "nt": agents typing fast write
    "cant", "dont", "isnt" (session 43's hurried writer). A bare "n't" (an alternative of its own,
    as in "(?:n't|not)") stays: "nt" alone would match "want" and "attendant". Lookbehinds keep
    "n't" as written, since they must have a fixed width; escapes and classes are left alone."""
    if "n't" not in pattern:  # most patterns: nothing to walk (this runs at every start-up)
        return pattern
    out: list[str] = []
    groups: list[bool] = []  # for each open group, whether it is a lookbehind
    behind = 0
    last = 0
    for event in _APOSTROPHE_EVENTS.finditer(pattern):
        token = event.group()
        if token.startswith("("):
            groups.append(len(token) == 4)
            behind += len(token) == 4
        elif token == ")":
            behind -= groups.pop() if groups else False
        elif token == "n't" and not behind:
            out.append(pattern[last:event.start()])
            out.append("n'?t")
            last = event.end()
    out.append(pattern[last:])
    return "".join(out)


def _pattern_text(value: Any, source: str, rule: str, name: str = "pattern") -> str:
    if isinstance(value, str):
        parts = [value]
    elif isinstance(value, list) and value and all(isinstance(p, str) for p in value):
        parts = value
    else:
        raise HintRuleError(source, rule, name, "must be a string or a list of strings")
    if not all(p.strip() for p in parts):
        raise HintRuleError(source, rule, name, "empty pattern")
    return optional_apostrophes(parts[0] if len(parts) == 1 else "|".join(f"(?:{p})" for p in parts))


def _compile(
    regexes: RegexCache, text: str, source: str, rule: str, case_sensitive: bool, name: str = "pattern"
) -> re.Pattern[str]:
    try:
        return regexes.compile(text, 0 if case_sensitive else re.IGNORECASE)
    except re.error as error:
        raise HintRuleError(source, rule, name, f"bad regular expression: {error}") from None


def _check_refs(template: str, regex: re.Pattern[str], source: str, rule: str) -> None:
    """Refuse group references the pattern cannot fill, at load time rather than mid-typing."""
    for match in _GROUP_REF.finditer(template):
        name, number = match.group(1), match.group(2)
        ref = name if name is not None else number
        if ref.isdigit():
            if int(ref) > regex.groups:
                raise HintRuleError(source, rule, "suggestion", f"no group {ref} in the pattern")
        elif ref not in regex.groupindex:
            raise HintRuleError(source, rule, "suggestion", f"no group named {ref!r}")



def _merge_patterns(settings: _Settings, table: Any, target: dict[str, str], where: str, source: str,
                    report: Callable[[HintRuleError], None]) -> None:
    """Fold a table of named patterns into `target`; "" switches a built-in one off."""
    if not isinstance(table, dict):
        report(HintRuleError(source, None, where, "must be a table"))
        return
    for pattern_id, pattern in table.items():
        if not isinstance(pattern, str):
            report(HintRuleError(source, None, f"{where}.{pattern_id}", "must be a string"))
        elif not pattern:
            target.pop(pattern_id, None)
        else:
            try:
                settings.regexes.compile(pattern)
            except re.error as error:
                problem = f"bad regular expression: {error}"
                report(HintRuleError(source, None, f"{where}.{pattern_id}", problem))
                continue
            target[pattern_id] = optional_apostrophes(pattern)


def _merge_file(
    settings: _Settings, data: dict[str, Any], source: str, report: Callable[[HintRuleError], None]
) -> None:
    """Fold one parsed rule file into `settings`; bad rules are reported, the rest still load."""
    for key in data:
        if key not in ("rules", "idioms", "shouting", "platforms", "score", "language", "alternatives",
                       "learned"):
            report(HintRuleError(source, None, key, "unknown section"))
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        report(HintRuleError(source, None, "rules", "must be a table of rules"))
        rules = {}
    for rule_id, fields in rules.items():
        try:
            settings.rules[rule_id] = _validate_rule(settings, rule_id, fields, source)
            settings.sources[rule_id] = source
        except HintRuleError as error:
            report(error)
    idioms = data.get("idioms", {})
    if isinstance(idioms, dict):
        for idiom_id, pattern in idioms.items():
            if not isinstance(pattern, str):
                report(HintRuleError(source, idiom_id, "idioms", "must be a string"))
                continue
            if not pattern:
                settings.idioms.pop(idiom_id, None)
                continue
            try:
                settings.regexes.compile(pattern, re.IGNORECASE)
            except re.error as error:
                problem = f"bad regular expression: {error}"
                report(HintRuleError(source, idiom_id, "idioms", problem))
                continue
            settings.idioms[idiom_id] = pattern
    else:
        report(HintRuleError(source, None, "idioms", "must be a table"))
    shouting = data.get("shouting", {})
    if not isinstance(shouting, dict):
        report(HintRuleError(source, None, "shouting", "must be a table"))
    else:
        for key, target in (("acronyms", settings.acronyms), ("also_words", settings.also_words)):
            values = shouting.get(key, [])
            if isinstance(values, list) and all(isinstance(a, str) for a in values):
                target.update(a.strip().upper() for a in values if a.strip())
            else:
                problem = "must be a list of strings"
                report(HintRuleError(source, None, f"shouting.{key}", problem))
        for key in ("min_letters", "loud_min_letters", "problem_min_words"):
            if key in shouting:
                value = shouting[key]
                if _whole(value):
                    setattr(settings, key, value)
                else:
                    problem = "must be a whole number >= 1"
                    report(HintRuleError(source, None, f"shouting.{key}", problem))
        if "loud_known_words" in shouting:
            if isinstance(shouting["loud_known_words"], bool):
                settings.loud_known_words = shouting["loud_known_words"]
            else:
                report(HintRuleError(source, None, "shouting.loud_known_words", "must be true or false"))
        loud = shouting.get("loud_words", [])
        if isinstance(loud, list) and all(isinstance(a, str) for a in loud):
            settings.loud_words.update(a.strip().upper() for a in loud if a.strip())
        else:
            report(HintRuleError(source, None, "shouting.loud_words", "must be a list of strings"))
        for table, patterns in (("signatures", settings.signatures), ("cheer", settings.cheer),
                                ("stern", settings.stern)):
            _merge_patterns(settings, shouting.get(table, {}), patterns, f"shouting.{table}", source, report)
    _merge_language(settings, data.get("language", {}), source, report)
    _merge_alternatives(settings, data.get("alternatives", {}), source, report)
    _merge_learned(settings, data.get("learned", {}), source, report)
    platforms = data.get("platforms", {})
    if not isinstance(platforms, dict):
        report(HintRuleError(source, None, "platforms", "must be a table"))
    else:
        for name, spec in platforms.items():
            try:
                settings.platforms[name.lower()] = _validate_platform(name, spec, source)
            except HintRuleError as error:
                report(error)
    score = data.get("score", {})
    if not isinstance(score, dict):
        report(HintRuleError(source, None, "score", "must be a table"))
    else:
        for severity, weight in score.items():
            ok = isinstance(weight, int) and not isinstance(weight, bool) and weight >= 0
            if severity not in SEVERITIES or not ok:
                problem = f"expected one of {', '.join(SEVERITIES)} = a whole number >= 0"
                report(HintRuleError(source, None, f"score.{severity}", problem))
                continue
            settings.score[severity] = weight


def _merge_learned(
    settings: _Settings, table: Any, source: str, report: Callable[[HintRuleError], None]
) -> None:
    """[learned]: whether the learned `no-empathy` reading is asked, how sure it must be, and after
    how many set-asides by agents a wording is no longer flagged in their inbox."""
    if not isinstance(table, dict):
        report(HintRuleError(source, None, "learned", "must be a table"))
        return
    for key, value in table.items():
        where = f"learned.{key}"
        if key == "enabled":
            if isinstance(value, bool):
                settings.learned[key] = value
            else:
                report(HintRuleError(source, None, where, f"must be true or false, got {value!r}"))
        elif key in ("keep", "add"):
            if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
                settings.learned[key] = float(value)
            else:
                report(HintRuleError(source, None, where, f"must be a number from 0 to 1, got {value!r}"))
        elif key == "max_chars":
            if _whole(value):
                settings.learned[key] = value
            else:
                report(HintRuleError(source, None, where, f"must be a whole number >= 1, got {value!r}"))
        elif key == "ignore_after":
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                settings.learned[key] = value
            else:
                report(HintRuleError(source, None, where, f"must be a whole number >= 0, got {value!r}"))
        else:
            problem = "unknown key (enabled, keep, add, max_chars, ignore_after)"
            report(HintRuleError(source, None, where, problem))


def _merge_alternatives(
    settings: _Settings, table: Any, source: str, report: Callable[[HintRuleError], None]
) -> None:
    """[alternatives]: what, said right after a refusal, frames it around what we can do."""
    if not isinstance(table, dict):
        report(HintRuleError(source, None, "alternatives", "must be a table"))
        return
    for key, value in table.items():
        where = f"alternatives.{key}"
        if key == "window":
            if _whole(value):
                settings.alternatives_window = value
            else:
                report(HintRuleError(source, None, where, "must be a whole number >= 1"))
        elif not isinstance(value, str):
            report(HintRuleError(source, None, where, "must be a string"))
        elif not value:
            settings.alternatives.pop(key, None)
        else:
            try:
                settings.regexes.compile(value, re.IGNORECASE)
            except re.error as error:
                report(HintRuleError(source, None, where, f"bad regular expression: {error}"))
                continue
            settings.alternatives[key] = optional_apostrophes(value)


def _merge_language(
    settings: _Settings, language: Any, source: str, report: Callable[[HintRuleError], None]
) -> None:
    """[language]: the common English words that tell an English draft from any other."""
    if not isinstance(language, dict):
        report(HintRuleError(source, None, "language", "must be a table"))
        return
    for key in language:
        if key not in ("english_words", "min_words", "min_share"):
            report(HintRuleError(source, None, f"language.{key}", "unknown field"))
    words = language.get("english_words", [])
    if isinstance(words, list) and all(isinstance(w, str) for w in words):
        settings.english_words.update(w.strip().lower() for w in words if w.strip())
    else:
        report(HintRuleError(source, None, "language.english_words", "must be a list of strings"))
    if "min_words" in language:
        value = language["min_words"]
        if _whole(value):
            settings.english_min_words = value
        else:
            report(HintRuleError(source, None, "language.min_words", "must be a whole number >= 1"))
    if "min_share" in language:
        value = language["min_share"]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
            settings.english_min_share = float(value)
        else:
            report(HintRuleError(source, None, "language.min_share", "must be a number from 0 to 1"))


def _whole(value: Any) -> bool:
    """A whole number >= 1 (TOML's true is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _validate_platform(name: str, spec: Any, source: str) -> _Platform:
    field_name = f"platforms.{name}"
    if not isinstance(spec, dict):
        raise HintRuleError(source, None, field_name, "must be a table")
    limit = spec.get("limit")
    if limit is not None and not _whole(limit):
        raise HintRuleError(source, None, f"{field_name}.limit", "must be a whole number >= 1")
    count = spec.get("count", "characters")
    if count not in COUNTS:
        raise HintRuleError(source, None, f"{field_name}.count", f"must be one of {COUNTS}")
    unknown = sorted(set(spec) - {"limit", "count", "link_length", "mention_hosts", "leading_mentions"})
    if unknown:
        raise HintRuleError(source, None, f"{field_name}.{unknown[0]}", "unknown field")
    link_length = spec.get("link_length")
    if link_length is not None and not _whole(link_length):
        raise HintRuleError(source, None, f"{field_name}.link_length", "must be a whole number >= 1")
    flags = {}
    for flag in ("mention_hosts", "leading_mentions"):
        value = spec.get(flag, True)
        if not isinstance(value, bool):
            raise HintRuleError(source, None, f"{field_name}.{flag}", "must be true or false")
        flags[flag] = value
    return _Platform(limit=limit, count=count, link_length=link_length, **flags)


def _validate_rule(settings: _Settings, rule_id: str, fields: Any, source: str) -> dict[str, Any]:
    """Merge `fields` over any earlier rule with this id and check the result."""
    if not isinstance(fields, dict):
        raise HintRuleError(source, rule_id, None, "a rule must be a table")
    unknown = sorted(set(fields) - RULE_FIELDS)
    if unknown:
        raise HintRuleError(source, rule_id, unknown[0], "unknown field")
    merged = {**settings.rules.get(rule_id, {}), **fields}
    if merged.get("enabled", True) is False and "category" not in merged:
        return merged  # disabling a rule that does not exist (yet) is harmless
    types: dict[str, type | tuple[type, ...]] = {
        "category": str,
        "kind": str,
        "message": str,
        "speak_message": str,
        "suggestion": str,
        "case": str,
        "replaces": str,
        "severity": str,
        "idioms": bool,
        "alternatives": bool,
        "enabled": bool,
        "case_sensitive": bool,
    }
    for name, kind in types.items():
        if name in merged and not isinstance(merged[name], kind):
            raise HintRuleError(source, rule_id, name, f"must be a {kind.__name__}")  # type: ignore[union-attr]
    if not merged.get("category", "").strip():
        raise HintRuleError(source, rule_id, "category", "missing")
    if not merged.get("message", "").strip():
        raise HintRuleError(source, rule_id, "message", "missing")
    if merged.get("kind", "pattern") not in KINDS:
        raise HintRuleError(source, rule_id, "kind", f"must be one of {', '.join(KINDS)}")
    if merged.get("severity", "warning") not in SEVERITIES:
        problem = f"must be one of {', '.join(SEVERITIES)}"
        raise HintRuleError(source, rule_id, "severity", problem)
    if merged.get("case", "match") not in CASES:
        raise HintRuleError(source, rule_id, "case", f"must be one of {', '.join(CASES)}")
    if merged.get("replaces", "match") not in REPLACES:
        raise HintRuleError(source, rule_id, "replaces", f"must be one of {', '.join(REPLACES)}")
    if merged.get("kind", "pattern") in ("pattern", "absence"):
        if "pattern" not in merged:
            raise HintRuleError(source, rule_id, "pattern", "missing")
        text = _pattern_text(merged["pattern"], source, rule_id)
        regex = _compile(settings.regexes, text, source, rule_id, merged.get("case_sensitive", False))
        if merged.get("suggestion"):
            _check_refs(merged["suggestion"], regex, source, rule_id)
    _validate_learned(merged, source, rule_id)
    for name in ("when", "when_hints", "quiet_replying_to", "problem_replying_to",
                 "speak_replying_to", "light_pattern", "speak_message", "once_per_thread"):
        if name in merged and merged.get("kind", "pattern") != "absence":
            raise HintRuleError(source, rule_id, name, 'only a kind = "absence" rule can have one')
    if "unless" in merged and merged.get("kind", "pattern") not in ("absence", "learned"):
        problem = 'only a kind = "absence" or "learned" rule can have one'
        raise HintRuleError(source, rule_id, "unless", problem)
    if not isinstance(merged.get("once_per_thread", False), bool):
        raise HintRuleError(source, rule_id, "once_per_thread", "must be true or false")
    hints = merged.get("when_hints", [])
    if not isinstance(hints, list) or not all(isinstance(c, str) for c in hints):
        raise HintRuleError(source, rule_id, "when_hints", "must be a list of category names")
    for name in ("quiet_replying_to", "problem_replying_to", "speak_replying_to"):
        kinds = merged.get(name, [])
        if not isinstance(kinds, list) or not all(k in MENTION_KINDS for k in kinds):
            problem = f"must be a list of mention kinds ({', '.join(MENTION_KINDS)})"
            raise HintRuleError(source, rule_id, name, problem)
    for name in ("when", "unless", "light_pattern"):
        if name in merged:
            text = _pattern_text(merged[name], source, rule_id, name)
            _compile(settings.regexes, text, source, rule_id, False, name)
    return merged


_MODEL_NAME = re.compile(r"[\w-]+\.json\.gz")


def _validate_learned(merged: dict[str, Any], source: str, rule_id: str) -> None:
    """A kind = "learned" rule names a model shipped in tui/rules/data and how sure it must be."""
    learned = merged.get("kind", "pattern") == "learned"
    for name in ("model", "add", "min_words"):
        if name in merged and not learned:
            raise HintRuleError(source, rule_id, name, 'only a kind = "learned" rule can have one')
    if not learned:
        return
    model, add = merged.get("model"), merged.get("add")
    if not isinstance(model, str) or not _MODEL_NAME.fullmatch(model):
        raise HintRuleError(source, rule_id, "model", "must name a .json.gz model file in tui/rules/data")
    if not data_file(model).is_file():
        raise HintRuleError(source, rule_id, "model", f"no model file {model} in tui/rules/data")
    if isinstance(add, bool) or not isinstance(add, int | float) or not 0 < add <= 1:
        raise HintRuleError(source, rule_id, "add", f"must be a number above 0, at most 1, got {add!r}")
    if "min_words" in merged and not _whole(merged["min_words"]):
        raise HintRuleError(source, rule_id, "min_words", "must be a whole number >= 1")


def _builtin_text() -> str:
    """The shipped rules; read beside this module when it is a file (importlib.resources costs
    `lint` more start-up than the read), through the package loader otherwise (a zip)."""
    here = Path(__file__).parents[1] / "rules" / "data" / "hints.toml"
    if here.is_file():
        return here.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files("tui.rules").joinpath("data/hints.toml").read_text(encoding="utf-8")


def _parse_toml(text: str) -> dict[str, Any]:
    import tomllib  # not on the cached path: importing it costs about as much as a lint

    return tomllib.loads(text)


def _read_user_file(path: Path) -> tuple[dict[str, Any], str]:
    """A user rule file's table and its text (to find the line of a bad key)."""
    import tomllib

    try:
        text = path.read_bytes().decode("utf-8")
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise HintRuleError(str(path), None, None, f"not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise HintRuleError(str(path), None, None, f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise HintRuleError(str(path), None, None, f"cannot read: {error.strerror}") from None


def validate_rule_file(path: Path) -> None:
    """Raise `HintRuleError` for the first problem in one user rule file (for a "check" command).

    `HintEngine.load` never raises for user files: it keeps the good rules and lists the problems
    in `errors`. This is the strict view of a single file, checked on top of the built-in rules.
    """
    settings = _Settings()
    _merge_file(settings, _parse_toml(_builtin_text()), "tui/rules/data/hints.toml", _raise)
    data, text = _read_user_file(Path(path))

    def raise_located(error: HintRuleError) -> None:
        raise located(error, text, "rules")

    _merge_file(settings, data, str(path), raise_located)


def _raise(error: HintRuleError) -> None:
    raise error
