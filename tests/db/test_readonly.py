"""Read-only mode (``NEWSDESK_READONLY=1``) for shared deployments: every page opens the database
read-only, offers no writes, and a write is impossible — by the connection, not only by the UI."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from components import loaders
from newsdesk.db import schema
from newsdesk.errors import ReadOnlyError
from tests.apptest_util import app
from tests.conftest import ROOT
from tests.seed import seed

PAGES = ["dashboard.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]


def _digest(path: Path) -> str:
    """SHA-256 of the database and its WAL file (what a write would change). A read-only connection
    to a WAL database may create an empty ``-wal`` (and the ``-shm`` index): no data, same digest."""
    h = hashlib.sha256(path.read_bytes())
    wal = Path(f"{path}-wal")
    h.update(wal.read_bytes() if wal.exists() else b"")
    return h.hexdigest()


@pytest.fixture
def readonly_db(tmp_path, monkeypatch) -> Path:
    path = seed(tmp_path / "ro.db")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    monkeypatch.setenv("NEWSDESK_READONLY", "1")
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO articles (id, title, source) VALUES ('x', 'x', 'x')",
        "UPDATE articles SET title = 'changed'",
        "DELETE FROM articles",
        "DROP TABLE articles",
        "CREATE TABLE evil (x)",
        "INSERT INTO baskets (id, name) VALUES ('b', 'b')",
        "PRAGMA user_version = 99",
        "INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')",
    ],
)
def test_the_dashboards_connection_cannot_write(readonly_db, sql) -> None:
    """The connection every page reads through refuses each kind of write; nothing changes."""
    before = _digest(readonly_db)
    conn = schema.connect_readonly(readonly_db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute(sql)
    conn.close()
    assert _digest(readonly_db) == before


def test_the_write_path_refuses_in_read_only_mode(readonly_db) -> None:
    """The dashboard's only writable opener raises a typed error with the reason."""
    with pytest.raises(ReadOnlyError, match="NEWSDESK_READONLY"):
        loaders.open_for_write(readonly_db)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_works_without_any_write_connection(readonly_db, page, monkeypatch) -> None:
    """Each page renders with schema.connect made to fail and every sqlite3 connection recorded:
    all of them are ``mode=ro`` URIs, no page offers a write, and the file is unchanged."""
    opened: list[str] = []
    real_connect = sqlite3.connect

    def recording_connect(database, *args, **kwargs):
        opened.append(str(database))
        return real_connect(database, *args, **kwargs)

    def no_writes(*_args, **_kwargs):
        raise AssertionError("a page opened a writable database in read-only mode")

    monkeypatch.setattr(sqlite3, "connect", recording_connect)
    monkeypatch.setattr(schema, "connect", no_writes)
    before = _digest(readonly_db)
    at = app().run()
    if page != "dashboard.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    assert opened and all(d.endswith("?mode=ro") for d in opened), opened
    assert not at.get("file_uploader")
    assert not [b for b in at.button if "delete" in b.label.lower() or "save" in b.label.lower()]
    assert _digest(readonly_db) == before


def test_read_only_mode_does_not_create_a_missing_database(tmp_path, monkeypatch) -> None:
    """Without a database, read-only mode says so instead of building the demo database."""
    path = tmp_path / "missing.db"
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    monkeypatch.setenv("NEWSDESK_READONLY", "1")
    at = app().run()
    assert not at.exception
    assert "read-only" in at.error[0].value and "NEWSDESK_DB" in at.error[0].value
    assert not path.exists()


@pytest.mark.parametrize(
    "value, expected",
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("", False), ("no", False)],
)
def test_read_only_switch_values(monkeypatch, value, expected) -> None:
    """Which values of NEWSDESK_READONLY switch read-only mode on."""
    from newsdesk.config import read_only

    monkeypatch.setenv("NEWSDESK_READONLY", value)
    assert read_only() is expected
