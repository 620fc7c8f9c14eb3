"""The headless commands: collect, triage, export; broken lines reported, valid lines kept."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.cli.command import main
from tui.storage.store import Store

GOOD = [
    {"id": "1", "source": "mastodon", "author": "@ann@x.social", "text": "My order arrived cold again",
     "created_at": "2026-11-20T10:00:00+00:00", "followers": 120, "lang": "en"},
    {"id": "2", "source": "mastodon", "author": "@bob@x.social", "text": "What time do you open on Sunday?",
     "created_at": "2026-11-20T10:05:00Z"},
    {"id": "3", "source": "bluesky", "author": "cat.bsky.social", "text": "this latte slaps, chef's kiss",
     "created_at": "2026-11-20T10:06:00+01:00"},
]


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def broken_file(tmp_path: Path) -> Path:
    lines = [json.dumps(GOOD[0]), "{not json", json.dumps([1, 2]), json.dumps(GOOD[1]),
             json.dumps({**GOOD[2], "author": None}), json.dumps({**GOOD[2], "created_at": "yesterday"}),
             json.dumps(GOOD[2]), json.dumps(GOOD[0])]
    return write_jsonl(tmp_path / "mentions.jsonl", lines)


def test_collect_once_reports_each_bad_line_and_keeps_the_rest(tmp_path: Path, capsys) -> None:
    source = broken_file(tmp_path)
    db = tmp_path / "store.json"
    code = main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "3 new, 1 duplicate, 4 invalid" in out
    assert "mentions.jsonl:2: not valid JSON" in err
    assert "mentions.jsonl:3: not a JSON object" in err
    assert "mentions.jsonl:5:" in err and "author" in err
    assert "mentions.jsonl:6:" in err and "created_at" in err
    assert "Traceback" not in err
    with Store(db, readonly=True) as store:
        assert store.mention_count() == 3
        assert store.mention("mastodon:1")["extra"] == {"lang": "en"}


def test_collect_reads_the_platforms_own_time_formats(tmp_path: Path, capsys) -> None:
    """A Twitter export ("Tue Oct 31 22:39:32 +0000 2017") and RFC 2822 (RSS, email) import as they are."""
    lines = [json.dumps({**GOOD[0], "created_at": "Tue Oct 31 22:39:32 +0000 2017"}),
             json.dumps({**GOOD[1], "created_at": "Tue, 31 Oct 2017 22:39:32 +0100"}),
             json.dumps({**GOOD[2], "created_at": "Tue Oct 31 22:39:32 2017"})]  # no offset: refused
    source = write_jsonl(tmp_path / "export.jsonl", lines)
    db = tmp_path / "store.json"
    code = main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 1 and "2 new, 0 duplicate, 1 invalid" in out
    assert "export.jsonl:3: created_at: no UTC offset" in err
    with Store(db, readonly=True) as store:
        created = sorted(m["created_at"] for m in store.mentions())
    assert created == ["2017-10-31T22:39:32+00:00", "2017-10-31T22:39:32+01:00"]


def test_collect_lists_the_first_bad_lines_and_counts_the_rest(tmp_path: Path, capsys) -> None:
    """A whole file with one mistake names it in a screenful, not in thousands of lines."""
    lines = [json.dumps({**GOOD[0], "id": f"bad{i}", "created_at": "soon"}) for i in range(50)]
    source = write_jsonl(tmp_path / "wrong.jsonl", [*lines, json.dumps(GOOD[1])])
    code = main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(tmp_path / "s.json")])
    out, err = capsys.readouterr()
    assert code == 1 and "1 new, 0 duplicate, 50 invalid" in out
    listed = [line for line in err.splitlines() if line.startswith("wrong.jsonl:")]
    assert [line.split(":")[1] for line in listed] == [str(n) for n in range(1, 21)]
    assert "not a time we can read: 'soon' (use ISO 8601" in listed[0]
    assert "and 30 more invalid lines (only the first 20 are listed)" in err


def test_collect_resumes_from_its_cursor(tmp_path: Path, capsys) -> None:
    source = write_jsonl(tmp_path / "m.jsonl", [json.dumps(GOOD[0])])
    db = tmp_path / "store.json"
    assert main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)]) == 0
    with source.open("a") as handle:
        handle.write(json.dumps(GOOD[1]) + "\n")
    assert main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["1 new, 0 duplicate, 0 invalid", "1 new, 0 duplicate, 0 invalid"]


def test_a_line_fixed_in_place_is_read_on_the_next_collect(tmp_path: Path, capsys) -> None:
    """Fix the line collect named and run it again: the fixed mention is imported, the rest is
    counted as duplicates (the old offset would have skipped it without a word)."""
    good = json.dumps(GOOD[0])
    source = write_jsonl(tmp_path / "m.jsonl", [good, json.dumps({**GOOD[1], "created_at": "soon"})])
    db = tmp_path / "store.json"
    assert main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)]) == 1
    write_jsonl(source, [good, json.dumps(GOOD[1])])
    assert main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["1 new, 0 duplicate, 1 invalid", "1 new, 1 duplicate, 0 invalid"]
    assert "m.jsonl:2:" in err and "not valid JSON" not in err


def test_a_file_exported_again_is_read_from_its_start(tmp_path: Path, capsys) -> None:
    """A longer file written over the old one is not read from the old offset (mid-line)."""
    source = write_jsonl(tmp_path / "m.jsonl", [json.dumps(GOOD[1])])
    db = tmp_path / "store.json"
    assert main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)]) == 0
    write_jsonl(source, [json.dumps(GOOD[0]), json.dumps(GOOD[1]), json.dumps(GOOD[2])])
    assert main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["1 new, 0 duplicate, 0 invalid", "2 new, 1 duplicate, 0 invalid"]
    assert err == ""


def test_collect_follows_a_file_and_each_mention_survives_kill_9(tmp_path: Path) -> None:
    source = tmp_path / "live.jsonl"
    source.write_text("")
    db = tmp_path / "store.json"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "collect", "--source", f"jsonl:{source}",
                             "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        with source.open("a") as handle:
            for item in GOOD:
                handle.write(json.dumps(item) + "\n")
                handle.flush()
        deadline = time.time() + 10
        while time.time() < deadline:
            time.sleep(0.3)
            log = Path(str(db) + ".log")
            if log.exists() and log.read_text().count('"t":"mentions"') >= 3:
                break
        time.sleep(1.0)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with Store(db) as store:
        assert store.mention_count() == 3


def test_collect_into_a_held_store_says_so_and_hands_over_through_the_spool(tmp_path: Path,
                                                                            capsys) -> None:
    db = tmp_path / "store.json"
    source = write_jsonl(tmp_path / "m.jsonl", [json.dumps(GOOD[0])])
    with Store(db) as held:
        code = main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)])
        assert held.mention_count() == 0, "collect never writes into a held store"
    out, err = capsys.readouterr()
    assert code == 0
    assert "in use by another turnaround" in err and "store.json.spool" in err
    assert out.strip() == "1 new, 0 duplicate, 0 invalid (1 handed to the turnaround that holds the store)"


def test_triage_json_in_input_order(tmp_path: Path, capsys) -> None:
    source = broken_file(tmp_path)
    code = main(["triage", str(source), "--json"])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["id"] for r in rows] == ["1", "2", "3", "1"]
    for row in rows:
        assert set(row) == {"id", "label", "sentiment", "kind", "priority", "queue", "lang"}
        assert row["label"] in {"negative", "neutral", "positive"}
        assert -1 <= row["sentiment"] <= 1 and 0 <= row["priority"] <= 100
    assert rows[0]["label"] == "negative" and rows[0]["queue"] == "priority"
    assert rows[2]["label"] == "positive" and rows[2]["queue"] == "champions"
    assert "mentions.jsonl:2: not valid JSON" in err


def test_triage_process_ends_quickly_with_all_its_output_and_status(tmp_path: Path) -> None:
    """`python -m tui triage` skips the interpreter's teardown (os._exit): nothing may be lost by it."""
    many = [json.dumps({**GOOD[n % 3], "id": f"m{n}"}) for n in range(3000)]
    source = write_jsonl(tmp_path / "many.jsonl", [*many[:1500], "{not json", *many[1500:]])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    for _ in range(2):  # a cold then a warm cache
        done = subprocess.run([sys.executable, "-m", "tui", "triage", str(source), "--json"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1  # one invalid line
        rows = [json.loads(line) for line in done.stdout.splitlines()]
        assert [r["id"] for r in rows] == [f"m{n}" for n in range(3000)]
        assert "many.jsonl:1501: not valid JSON" in done.stderr
    assert (Path(os.environ["XDG_CACHE_HOME"]) / "turnaround" / "triage-model.marshal").is_file()
    table = subprocess.run([sys.executable, "-m", "tui", "triage", str(write_jsonl(tmp_path / "one.jsonl",
                           [json.dumps(GOOD[1])]))], env=env, capture_output=True, text=True, timeout=120)
    assert table.returncode == 0 and "What time do you open" in table.stdout


def test_triage_reads_stdin_and_prints_a_table(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        (json.dumps(GOOD[1]) + "\n").encode())))
    assert main(["triage", "-"]) == 0
    out = capsys.readouterr().out
    assert "QUEUE" in out and "What time do you open" in out


def test_triage_reads_plain_text_lines_to_say_what_it_makes_of_them(monkeypatch, capsys) -> None:
    """`echo "..." | turnaround triage --explain`: an agent checks some wording without a JSON file."""
    lines = ["your loyalty app just showed me someone else's card number and address", "{broken"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(("\n".join(lines) + "\n").encode())))
    assert main(["triage", "--explain", "--json", "-"]) == 1
    out, err = capsys.readouterr()
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["id"], row["kind"], row["label"]) == ("1", "crisis", "negative")
    assert any("someone else's card number" in why for why in row["why"])
    assert "<stdin>:2: not valid JSON" in err


def test_export_jsonl_and_csv(tmp_path: Path, capsys) -> None:
    db = tmp_path / "store.json"
    source = write_jsonl(tmp_path / "m.jsonl", [json.dumps(g) for g in GOOD])
    main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)])
    capsys.readouterr()
    assert main(["export", "--db", str(db)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3
    assert rows[0]["lang"] == "en", "unknown fields come back out"
    assert {"queue", "state", "kind"} <= set(rows[0])
    assert main(["export", "--db", str(db), "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(table) == 3 and table[0]["state"] == "open"


def test_export_says_where_a_mention_went_and_why(tmp_path: Path, capsys) -> None:
    """An escalation's team and note were in the store but not in the export a lead reviews."""
    db = tmp_path / "store.json"
    source = write_jsonl(tmp_path / "m.jsonl", [json.dumps(g) for g in GOOD])
    main(["collect", "--source", f"jsonl:{source}", "--once", "--db", str(db)])
    store = Store(db)
    uid = next(iter(store.all_mentions()))["uid"]
    store.update_mention(uid, {"state": "escalated", "queue": "escalated", "escalated_to": "tech",
                               "escalation_note": "=HYPERLINK(\"x\") no internet till Saturday"})
    store.close()
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--format", "csv"]) == 0
    row = next(r for r in csv.DictReader(io.StringIO(capsys.readouterr().out)) if r["uid"] == uid)
    assert row["escalated_to"] == "tech" and row["lang"] == "en"
    assert row["escalation_note"] == "'=HYPERLINK(\"x\") no internet till Saturday"  # a formula stays text


def test_version_and_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert "turnaround" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("collect", "triage", "lint", "export", "sources", "report"):
        assert command in out


def test_bad_config_is_one_clear_line(tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[brand]\nname = 'x'\ncolour = 'red'\n")
    assert main(["sources", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "config.toml:3: [brand] colour: unknown key" in err and "Traceback" not in err


def test_collect_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """systemd's stop: the counts are printed and the store is compacted, not left mid-write."""
    source = tmp_path / "live.jsonl"
    source.write_text("")
    db = tmp_path / "store.json"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "collect", "--source", f"jsonl:{source}",
                             "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with source.open("a") as handle:
        handle.write(json.dumps(GOOD[0]) + "\n")
    # Signal only once the mention is stored: by then the handler is in place, however slowly a loaded
    # machine started the process (a fixed sleep killed it before it could catch the signal).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
            GOOD[0]["text"] in path.read_text(errors="replace") for path in tmp_path.rglob("*")
            if path.is_file() and path != source):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert out.strip() == "1 new, 0 duplicate, 0 invalid"
    assert db.exists(), "closing compacts the journal into a snapshot"


def test_config_with_secrets_readable_by_others_is_refused(tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\ntype = "mastodon"\ninstance = "https://m.example"\n'
                      'token = "s3cr3t-token-value"\n')
    config.chmod(0o644)
    assert main(["sources", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"chmod 600 {config}" in err and "s3cr3t" not in err
    config.chmod(0o600)
    assert main(["sources", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "mastodon-1" in out and "s3cr3t" not in out, "a token never reaches the screen"
