"""The log a person running ``watch`` overnight reads the next morning: what was fetched, added,
rejected and retried, at INFO from the flows; the CLI's -v/-q set the level, stdout stays the output."""

from __future__ import annotations

import ast
import logging
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.cli.logs import level_for
from newsdesk.db import schema
from newsdesk.flows import feeds
from newsdesk.flows.ingest import ingest_paths
from tests.flows.test_feeds import FEED, Handler

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [ROOT / "newsdesk", ROOT / "components", ROOT / "pages", ROOT / "dashboard.py"]


@pytest.fixture
def server():
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def messages(caplog, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


def test_a_feed_round_logs_fetched_added_failed_and_retried(tmp_path, server, caplog) -> None:
    caplog.set_level(logging.INFO, logger="newsdesk")
    db = schema.connect(tmp_path / "n.db")
    good, bad = feeds.Feed("Fixture Markets", f"{server}/markets.xml"), feeds.Feed("Broken", f"{server}/broken")
    feeds.fetch_feeds(db, [good, bad], retries=2, backoff=0.01)
    fetched = messages(caplog, "newsdesk.fetch")
    assert f"fetched {server}/markets.xml: HTTP 200, {len(FEED):,} bytes" in fetched
    assert [m for m in fetched if "retry" in m] == [
        f"{server}/broken: HTTP 500 Internal Server Error; retry 1 of 2 in 0.0 s",
        f"{server}/broken: HTTP 500 Internal Server Error; retry 2 of 2 in 0.0 s",
    ]
    assert messages(caplog, "newsdesk.flows.feeds") == [
        "feed Fixture Markets: 3 added, 0 duplicates, 0 rejected",
        f"feed Broken failed: {server}/broken could not be fetched (HTTP 500 Internal Server Error); "
        "check the URL or try again later",
        "feeds round: 2 feed(s), 3 added, 1 failed",
    ]
    caplog.clear()
    feeds.fetch_feeds(db, [good])
    assert "feed Fixture Markets: not modified" in messages(caplog, "newsdesk.flows.feeds")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # nothing went wrong twice


def test_an_ingest_logs_one_line_per_input_not_per_article(tmp_path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="newsdesk")
    path = tmp_path / "three.jsonl"
    path.write_text("".join(f'{{"title": "Chip maker {n} beats estimates"}}\n' for n in range(3)) + "{bad\n")
    ingest_paths(schema.connect(tmp_path / "n.db"), [path, tmp_path / "missing.csv"])
    assert messages(caplog, "newsdesk.ingest") == [f"{path}: read as jsonl, streamed"]
    assert messages(caplog, "newsdesk.flows.ingest") == [
        f"ingested {path}: 3 added, 0 duplicates, 1 rejected",
        f"{tmp_path / 'missing.csv'} could not be read: {tmp_path / 'missing.csv'} does not exist",
        f"ingested {tmp_path / 'missing.csv'}: 0 added, 0 duplicates, 0 rejected",
    ]


@pytest.mark.parametrize(
    ("args", "info_logged"),
    [([], False), (["-v"], True), (["--verbose"], True), (["-q"], False), (["-v", "-q"], False)],
)
def test_the_cli_sets_the_level_and_keeps_stdout_the_output(tmp_path, server, args, info_logged) -> None:
    conf = tmp_path / "feeds.toml"
    conf.write_text(f'[[feed]]\nname = "Fixture Markets"\nurl = "{server}/markets.xml"\n')
    result = CliRunner().invoke(cli, [*args, "fetch", "--feeds", str(conf), "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Fixture Markets: 3 added, 0 duplicates, 0 rejected\n"
    assert ("INFO newsdesk.flows.feeds: feed Fixture Markets: 3 added" in result.stderr) is info_logged
    assert bool(result.stderr) is info_logged


@pytest.mark.parametrize(
    ("verbose", "quiet", "level"),
    [(0, False, logging.WARNING), (1, False, logging.INFO), (2, False, logging.DEBUG), (5, False, logging.DEBUG),
     (0, True, logging.ERROR), (2, True, logging.ERROR)],
)  # fmt: skip
def test_level_for(verbose, quiet, level) -> None:
    assert level_for(verbose, quiet) == level


def _prints(tree: ast.AST) -> list[int]:
    """Lines of ``print(...)`` calls outside an ``if __name__ == "__main__":`` block (a script's output)."""
    main_blocks = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.If) and isinstance(n.test, ast.Compare) and isinstance(n.test.left, ast.Name)
        and n.test.left.id == "__name__"
    ]  # fmt: skip
    inside = {id(c) for b in main_blocks for c in ast.walk(b)}
    return [
        n.lineno for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print" and id(n) not in inside
    ]  # fmt: skip


def test_no_print_in_the_product_code() -> None:
    """The CLI writes its output with click.echo; everything else logs."""
    files = [f for p in PRODUCT for f in ([p] if p.is_file() else sorted(p.rglob("*.py")))]
    found = {str(f.relative_to(ROOT)): lines for f in files if (lines := _prints(ast.parse(f.read_text("utf-8"))))}
    assert found == {}


def test_the_print_scan_finds_a_print() -> None:
    assert _prints(ast.parse("def f():\n    print('x')\nif __name__ == '__main__':\n    print('ok')\n")) == [2]
