"""The CLI as a user runs it: exact output and exit codes. ``run`` is the command line in this process
(tests/cli_util.py); what is about the process itself (the entry point end to end, exit codes,
a terminal's progress bar) starts ``python -m newsdesk`` (``run_process``)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.db import schema
from tests.cli_util import run_cli as run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def run_process(*args: str, db: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m newsdesk ARGS`` in a child process, as a user's shell runs it."""
    cmd = [sys.executable, "-m", "newsdesk", *args]
    if db is not None:
        cmd += ["--db", str(db)]
    full_env = {**os.environ, "NEWSDESK_DB": "", **(env or {})}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=full_env, timeout=120)


def rows(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel reads every script
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_sample_ingest_export_and_reingest(sample_path, tmp_path) -> None:
    """End to end as a user's shell runs it: every command here is a ``python -m newsdesk`` process."""
    run = run_process
    db = tmp_path / "x.db"
    first = run("ingest", str(sample_path), db=db)
    assert (first.returncode, first.stdout, first.stderr) == (0, "1 added, 0 duplicates, 0 rejected\n", "")
    out = tmp_path / "a.csv"
    exported = run("export", "articles", "-o", str(out), db=db)
    assert (exported.returncode, exported.stdout) == (0, f"Wrote 1 articles to {out}\n")
    (row,) = rows(out)
    assert row["title"] == "Trump Chats With Japan’s Takaichi on Alliance After Xi Meeting"
    assert row["source_impact"] == "0.15"
    assert (row["source_sentiment_label"], row["source_sentiment"]) == ("neutral", "0.05")
    assert row["categories"] == "Elections & Domestic Politics; Geopolitics & War; Infrastructure & Defense"
    dec = tmp_path / "d.csv"
    assert run("export", "decisions", "-o", str(dec), db=db).stdout == f"Wrote 5 decisions to {dec}\n"
    decisions = rows(dec)
    assert [d["position"] for d in decisions] == ["1", "2", "3", "4", "5"]
    assert list(decisions[0])[:3] == ["article_id", "title", "published_at"]
    assert [d["text"].split()[0] for d in decisions] == ["Overweight", "Add", "Hedge", "Buy", "Pair"]
    assert run("export", "decisions", "--columns", "human", "-o", str(dec), db=db).returncode == 0
    decisions = rows(dec)  # the analyst's columns, as the dashboard's download
    assert list(decisions[0])[:4] == ["published (UTC)", "author", "source", "decision"]
    assert [d["decision"].split()[0] for d in decisions] == ["Overweight", "Add", "Hedge", "Buy", "Pair"]
    assert "long Mitsubishi Heavy Industries (7011.T)" in decisions[0]["legs"]
    again = run("ingest", str(sample_path), db=db)
    assert (again.returncode, again.stdout) == (0, "0 added, 1 duplicates, 0 rejected\n")


def test_mixed_file_lists_each_rejected_record(tmp_path) -> None:
    db = tmp_path / "x.db"
    result = run("ingest", str(FIXTURES / "jsonl" / "mixed.jsonl"), db=db)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "3 added, 0 duplicates, 5 rejected"
    assert len(lines) == 6
    assert lines[1] == (
        f"  rejected {FIXTURES / 'jsonl' / 'mixed.jsonl'}:4: not valid JSON (Expecting value at column 1)"
    )
    assert all(line.startswith("  rejected ") for line in lines[1:])


def test_garbage_bytes_leave_database_intact(sample_path, tmp_path) -> None:
    db = tmp_path / "x.db"
    run("ingest", str(sample_path), db=db)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 20)
    result = run("ingest", str(garbage), db=db)
    assert result.returncode == 1
    assert result.stdout == "0 added, 0 duplicates, 0 rejected\n"
    assert result.stderr.startswith(f"Error: {garbage} is not a text file")
    assert "Traceback" not in result.stderr
    stats = json.loads(run("stats", "--json", db=db).stdout)
    assert (stats["articles"], stats["decisions"], stats["problems"]) == (1, 5, 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "missing.txt"], "Error: missing.txt does not exist\n"),
        (
            ["export", "articles", "-o", "-", "--since", "last tuesday"],
            "Error: --since 'last tuesday' is not a date: use YYYY-MM-DD\n",
        ),
        (
            ["export", "articles", "-o", "-", "--topic", "Nope"],
            "Error: unknown topic 'Nope'; known topics: (none yet)\n",
        ),
    ],
)
def test_errors_exit_1_with_an_error_line(tmp_path, args, message) -> None:
    result = run_process(*args, db=tmp_path / "x.db")
    assert (result.returncode, result.stderr) == (1, message)


def test_unknown_format_is_an_error(tmp_path) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("just some notes\nwith no markers\n")
    result = run("ingest", str(plain), db=tmp_path / "x.db")
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: cannot tell the format of {plain}")
    forced = run("ingest", str(plain), "--format", "page", db=tmp_path / "x.db")
    assert forced.returncode == 3  # read, but its one record was rejected
    assert forced.stdout.startswith("0 added, 0 duplicates, 1 rejected\n  rejected ")
    assert "no scored-article page found" in forced.stdout


@pytest.mark.parametrize("args", [["ingest"], ["export", "tables", "-o", "x.csv"], ["ingest", "x", "--format", "pdf"]])
def test_usage_errors_exit_2(tmp_path, args) -> None:
    assert run_process(*args, db=tmp_path / "x.db").returncode == 2


def test_db_from_environment(tmp_path, sample_path) -> None:
    db = tmp_path / "env.db"
    result = run("ingest", str(sample_path), env={"NEWSDESK_DB": str(db)})
    assert result.returncode == 0 and db.exists()


def test_init_demo_stats_and_filtered_export(tmp_path) -> None:
    db = tmp_path / "demo.db"
    init = run("init", "--demo", db=db)
    assert init.returncode == 0
    assert init.stdout.splitlines()[0] == f"Database {db} is ready (schema version {schema.SCHEMA_VERSION})."
    assert init.stdout.splitlines()[1].startswith("Demo corpus (illustrative, not real news): ")
    stats = json.loads(run("stats", "--json", db=db).stdout)
    assert stats["articles"] >= 120
    out = tmp_path / "t.csv"
    topic = "Trade & Tariffs"
    result = run(
        "export", "articles", "-o", str(out), "--topic", topic, "--since", "2026-07-01", "--until", "2026-09-30", db=db
    )
    assert result.returncode == 0
    exported = rows(out)
    assert exported
    assert all(topic in r["categories"].split("; ") for r in exported)
    assert all("2026-07-01" <= r["published_at"][:10] <= "2026-09-30" for r in exported)
    human = run("stats", db=db).stdout
    assert human.startswith(f"Database: {db}\nArticles: {stats['articles']} (")


def test_progress_bar_only_on_a_terminal(tmp_path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    demo = sorted((ROOT / "data" / "demo").glob("*.txt"))[:30]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "ingest", *map(str, demo), "--db", str(tmp_path / "p.db")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, "NEWSDESK_DB": ""},
    )
    os.close(slave)
    out, _ = proc.communicate(timeout=120)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    terminal = b"".join(chunks).decode(errors="replace")
    assert out.decode() == "30 added, 0 duplicates, 0 rejected\n"
    assert "article" in terminal and "%" in terminal
    quiet = run("ingest", *map(str, demo), db=tmp_path / "q.db")
    assert quiet.stderr == ""


def test_rebuild_daily_repairs_the_aggregates_after_outside_sql(desk_target, sample_path) -> None:
    """Outside SQL that deletes articles leaves newsdesk's own aggregates stale; ``rebuild-daily``
    makes them equal to a recount again (on a SQLite file and on a server)."""
    from contextlib import closing

    from tests.fault_util import daily_mismatches, derived_mismatches

    db = desk_target
    assert run("ingest", str(sample_path), db=db).returncode == 0
    assert run("bench", "generate", "--n", "200", "--db", str(db)).returncode == 0
    with closing(schema.open(db)) as conn, schema.transaction(conn):
        conn.execute("DELETE FROM articles WHERE rowid % 3 = 0")
        assert daily_mismatches(conn) or derived_mismatches(conn)
    out = run("rebuild-daily", db=db)
    assert out.returncode == 0 and "Rebuilt" in out.stdout
    with closing(schema.open(db, readonly=True)) as conn:
        assert daily_mismatches(conn) == [] and derived_mismatches(conn) == []


def test_rescore_and_rebuild_stories_on_either_engine(desk_target, sample_path) -> None:
    """``rescore --all`` and ``rebuild-stories`` run through the same door on a file and on a server."""
    assert run("ingest", str(sample_path), db=desk_target).returncode == 0
    out = run("rescore", "--all", db=desk_target)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == ["Rescored", "1"]
    assert run("rescore", db=desk_target).stdout.startswith("Nothing to rescore")
    out = run("rebuild-stories", db=desk_target)
    assert out.returncode == 0, out.stderr
