"""`turnaround lint`: exit codes, human and JSON output, stdin, rules directory, fast start."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.lint import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's real rule directory must never change a test's outcome."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def draft(tmp_path: Path, text: str, name: str = "draft.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_clean_draft_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = draft(tmp_path, "Thanks for waiting! I've refunded the £12 to your card.")
    assert main([path]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"{path}: score 100/100 (0 hints)"


def test_hints_exit_1_with_positions_and_suggestions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = draft(tmp_path, "Hi Sam,\nSorry, we can’t refund that. Relax.")
    assert main([path]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{path}:2:8 negative-language ")
    assert lines[0].endswith("[we can’t refund]")
    assert lines[1] == "  -> what we can do is … (in place of [we can’t refund that])"
    assert lines[2].startswith(f"{path}:2:30 blame ")
    assert lines[3] == "  -> (remove it)"
    assert lines[4].startswith(f"{path}:1:1 no-next-step "), "a whole-draft hint parses as file:line:col"
    assert lines[-1].startswith(f"{path}: score ") and lines[-1].endswith("(3 hints)")


def test_json_output_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = draft(tmp_path, "We can't refund that.")
    assert main([path, "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"file", "hints", "score"} and payload["file"] == path
    assert isinstance(payload["score"], int) and 0 <= payload["score"] < 100
    first = payload["hints"][0]
    assert set(first) == {"rule", "category", "start", "end", "message", "suggestion", "severity", "replaces"}
    assert first["replaces"] == [0, 20], "the rewrite takes the whole refusal, its object too"
    assert (first["category"], first["start"], first["end"]) == ("negative-language", 0, 15)
    assert [h["category"] for h in payload["hints"][1:]] == ["no-empathy", "no-next-step"]
    assert payload["hints"][1]["start"] is None


def test_json_clean_draft(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = draft(tmp_path, "Thanks for waiting! I've refunded you.")
    assert main(["--json", path]) == 0
    assert json.loads(capsys.readouterr().out) == {"file": path, "hints": [], "score": 100}


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("NO!!!"))
    assert main(["-", "--json"]) == 1
    categories = {h["category"] for h in json.loads(capsys.readouterr().out)["hints"]}
    assert {"shouting", "negative-language"} <= categories


def test_empty_draft_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    """It used to score 100/100: an empty reply is not a good reply."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main([]) == 2
    assert capsys.readouterr().err.strip() == "turnaround lint: empty draft: <stdin>"
    path = draft(tmp_path, "  \n\t\n")
    assert main([path, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"empty draft: {path}" in captured.err


def test_platform_length(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = draft(tmp_path, "Thanks for waiting! I've refunded you. " * 8)
    assert main([path, "--platform", "x", "--json"]) == 1
    hints = json.loads(capsys.readouterr().out)["hints"]
    assert [h["category"] for h in hints] == ["too-long"]
    assert hints[0]["start"] == 280
    assert main([path, "--platform", "mastodon"]) == 0


def test_unknown_platform_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It used to skip the length check silently."""
    path = draft(tmp_path, "Thanks for waiting! I've refunded you. " * 8)
    capsys.readouterr()
    assert main([path, "--platform", "no-such-network"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == ("turnaround lint: unknown platform 'no-such-network' "
                                     "(known: bluesky, google, hn, mastodon, reddit, rss, trustpilot, "
                                     "twitter, x, yelp)")
    assert main([path, "--platform", "X"]) == 1, "platform names are case-insensitive"


def test_missing_file_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/no/such/draft.txt"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "turnaround lint: no such file: /no/such/draft.txt"


def test_directory_and_binary_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 2
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\xff\xfe\xfa")
    assert main([str(binary)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_argparse_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bogus"]) == 2
    assert main(["--platform"]) == 2
    assert main(["-", "-"]) == 2
    assert "usage: turnaround lint" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "--platform" in capsys.readouterr().out


def test_rules_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "house.toml").write_text(
        "[rules.cant]\nenabled = false\n\n[rules.no-empathy]\nenabled = false\n"
        "[rules.no-next-step]\nenabled = false\n"
    )
    (rules / "broken.toml").write_text("[rules.x\n")
    path = draft(tmp_path, "We can't refund that.")
    assert main([path, "--rules", str(rules)]) == 0
    assert "broken.toml" in capsys.readouterr().err
    assert main([path, "--rules", str(tmp_path / "missing")]) == 2


def test_default_rules_dir_is_in_the_config_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "config" / "turnaround" / "rules"
    rules.mkdir(parents=True)
    (rules / "house.toml").write_text(
        '[rules.flamingo]\ncategory = "house"\nmessage = "No birds."\npattern = "flamingo"\n'
    )
    path = draft(tmp_path, "Thanks! I've sent the flamingo.")
    assert main([path, "--json"]) == 1
    assert [h["rule"] for h in json.loads(capsys.readouterr().out)["hints"]] == ["flamingo"]


def test_terminal_escapes_in_the_draft_are_not_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = draft(tmp_path, "Sorry, we can't \x1b]52;c;aGk=\x07refund. I've emailed you.")
    assert main([path]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": "/nonexistent"}
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_python_m_tui_lint_reads_stdin() -> None:
    done = run(["-m", "tui.core.lint", "--json"], stdin="We can't refund that.")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["hints"][0]["rule"] == "cant"
    assert run(["-m", "tui.core.lint", "-"], stdin="Thanks! I've refunded you.").returncode == 0
    missing = run(["-m", "tui.core.lint", "nope.txt"])
    assert missing.returncode == 2
    assert missing.stderr.strip() == "turnaround lint: no such file: nope.txt"


def test_lint_path_imports_no_textual_or_rich() -> None:
    code = "import tui.core.lint, sys; assert 'textual' not in sys.modules and 'rich' not in sys.modules"
    done = run(["-c", code])
    assert done.returncode == 0, done.stderr
    code = (
        "import sys, tui.core.lint; tui.core.lint.main(['--json', '-']); "
        "assert 'textual' not in sys.modules and 'rich' not in sys.modules"
    )
    done = run(["-c", code], stdin="We can't.")
    assert done.returncode == 0, done.stderr


def replies_folder(tmp_path: Path) -> Path:
    """A folder of saved replies with mixed results, like a team's library."""
    folder = tmp_path / "replies"
    (folder / "billing").mkdir(parents=True)
    (folder / "clean.txt").write_text("Thanks for waiting! I've refunded the £12 to your card.\n")
    (folder / "billing" / "blame.md").write_text("Hi,\nYou should have read the terms. We can't refund.\n")
    (folder / "notes.csv").write_text("not,a,draft\n")  # not a draft suffix: skipped
    (folder / ".hidden.txt").write_text("NO!!!")  # hidden: skipped
    return folder


def test_lint_a_folder_of_replies_with_mixed_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    folder = replies_folder(tmp_path)
    assert main([str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    blame, clean = str(folder / "billing" / "blame.md"), str(folder / "clean.txt")
    assert f"{clean}: score 100/100 (0 hints)" in out
    hint_lines = [line for line in out if line.startswith(f"{blame}:") and ": score" not in line]
    assert hint_lines and all(line.split(" ", 1)[0].count(":") == 2 for line in hint_lines), "file:line:col"
    assert any(line.startswith(f"{blame}:2:") for line in hint_lines), "positions are per file"
    assert not any("notes.csv" in line or ".hidden" in line for line in out)
    assert main([str(folder), "--json"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["file"] for row in rows] == [blame, clean], "one object per file, sorted by path"
    assert rows[0]["hints"] and rows[1] == {"file": clean, "hints": [], "score": 100}


def test_lint_globs_and_many_paths_and_one_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    folder = replies_folder(tmp_path)
    assert main([str(folder / "clean.txt")]) == 0
    assert main([str(folder / "**" / "*.md"), str(folder / "*.txt")]) == 1, "globs, even unexpanded"
    out = capsys.readouterr().out
    assert "blame.md:" in out and "clean.txt: score 100/100" in out
    missing = str(folder / "gone.txt")
    assert main([str(folder / "clean.txt"), missing, str(folder / "billing" / "blame.md")]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"turnaround lint: no such file: {missing}"
    assert "clean.txt: score" in captured.out and "blame.md: score" in captured.out, "the others still run"
    assert main([str(folder / "*.nothing")]) == 2
    assert "no file matches" in capsys.readouterr().err


def test_lint_templates_shipped_and_saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.core.templates import load_templates

    shipped = load_templates(None)
    user_file = tmp_path / "config" / "turnaround" / "templates.toml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text('[templates.curt]\ntitle = "Curt"\nbody = "We can\'t help. Calm down."\n')
    main(["--templates", "--json"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    names = [row["file"] for row in rows]
    assert names[: len(shipped)] == [f"templates.toml:{t.id}" for t in shipped]
    curt = rows[names.index(f"{user_file}:curt")]
    assert {"negative-language"} <= {h["category"] for h in curt["hints"]}
    assert main(["--templates"]) == 1
    assert f"{user_file}:curt:1:1 negative-language" in capsys.readouterr().out


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """`turnaround lint draft.txt | head -1`: the pipe closes under us, and that is not an error."""
    path = draft(tmp_path, "WE CAN'T HELP YOU!!! You should have read the FAQ.\n" * 4000)
    proc = subprocess.Popen([sys.executable, "-m", "tui", "lint", path], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # one line, as `head -1` would read, then the reader is gone
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err
