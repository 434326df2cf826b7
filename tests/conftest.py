"""Shared fixtures: temporary databases (on SQLite, on the session's PostgreSQL server, or on each
engine in turn: ``desk_target`` / ``desk``), the shared sample, the repository root."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from newsdesk.db import schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "samples" / "000_7c1068f2d76877a6.txt"


# The test files that take longest, longest first (BENCHMARKS.md, "Test-suite time"). pytest-xdist hands
# out whole files (``--dist loadfile``), by default those with the most tests first, which leaves these
# few-test, long files to the end of the run, where one worker runs them while the other has nothing
# left to do. Handed out first instead, they leave the short files to even out the end.
LONGEST_FIRST = [
    "tests/robustness/test_kill.py",
    "tests/ui/test_browser.py",
    "tests/robustness/test_grades_kill.py",
    "tests/db/test_postgres.py",
    "tests/db/test_query_plans.py",
    "tests/robustness/test_fuzz.py",
    "tests/flows/test_cli.py",
    "tests/ui/test_dashboard.py",
    "tests/db/test_concurrency.py",
    "tests/flows/test_ingest_speed.py",
]


def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist, each worker's collection in the order the files are handed out:
    :data:`LONGEST_FIRST`, then the others most tests first (xdist's own order). Each file's tests
    stay together and in their order; a run without xdist keeps pytest's order."""
    if not hasattr(config, "workerinput"):
        return
    size = Counter(item.nodeid.split("::")[0] for item in items)

    def rank(item) -> tuple[int, int]:
        scope = item.nodeid.split("::")[0]
        return (LONGEST_FIRST.index(scope) if scope in LONGEST_FIRST else len(LONGEST_FIRST)), -size[scope]

    items.sort(key=rank)  # stable


def pytest_configure(config) -> None:
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False  # xdist hands the files out in the order above


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh, not yet created database file."""
    return tmp_path / "test.db"


@pytest.fixture
def db(db_path: Path):
    """A fresh database with the current schema."""
    database = schema.connect(db_path)
    yield database
    database.close()


@pytest.fixture
def sample_path() -> Path:
    """The shared scored-article sample; the test is skipped only when shared/ is absent."""
    if not SAMPLE.parent.exists():
        pytest.skip("../shared/samples is not beside this checkout")
    assert SAMPLE.exists(), f"{SAMPLE} is missing although ../shared/samples exists"
    return SAMPLE


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL cluster for the session (tests/pg_server.py), stopped at exit.

    Outside CI a machine without the server binary skips, saying so; under ``CI`` that is a failure."""
    import os

    from tests import pg_server as server_util

    try:
        import psycopg  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("PostgreSQL tests need psycopg: pip install -r requirements-dev.txt")
    try:
        server = server_util.start()
    except server_util.ServerMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a PostgreSQL server: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    except server_util.ServerUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: this machine cannot start a server: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a fresh, empty database on the session's PostgreSQL server."""
    return pg_server.new_database()


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    """The name of a server database holding the current schema and nothing else: each test's
    database is a copy of it (``CREATE DATABASE ... TEMPLATE``), not a schema built again."""
    url = pg_server.new_database()
    schema.open(url).close()
    return url.rsplit("/", 1)[1]


ENGINES = ["sqlite", "postgres"]


def new_desk(request, engine: str, folder: Path) -> Path | str:
    """A fresh desk at the current schema on ``engine``: a SQLite file in ``folder``, or a copy of
    :func:`pg_template` on the session's server (skipped, saying why, where no server can start)."""
    if engine == "sqlite":
        path = folder / "desk.db"
        schema.connect(path).close()
        return path
    server = request.getfixturevalue("pg_server")
    url = server.new_database(template=request.getfixturevalue("pg_template"))
    request.addfinalizer(lambda: server.drop_database(url))
    return url


@pytest.fixture(params=ENGINES)
def desk_target(request, tmp_path: Path) -> Path | str:
    """A fresh desk on each engine in turn: a SQLite file's path, then a ``postgresql://`` URL.
    ``-k sqlite`` or ``-k postgres`` picks one engine."""
    return new_desk(request, request.param, tmp_path)


@pytest.fixture(scope="module", params=ENGINES)
def module_desk_target(request, tmp_path_factory) -> Path | str:
    """:func:`desk_target` shared by a module's tests (a corpus built once per engine)."""
    return new_desk(request, request.param, tmp_path_factory.mktemp("desk"))


def copy_desk(request, source: Path | str, folder: Path) -> Path | str:
    """A fresh copy of a prepared desk (built once by a module-scoped fixture, copied per test): a file
    copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on the server (nothing may hold it open)."""
    if isinstance(source, Path):
        path = folder / source.name
        shutil.copy(source, path)
        return path
    server = request.getfixturevalue("pg_server")
    url = server.new_database(template=source.rsplit("/", 1)[1])
    request.addfinalizer(lambda: server.drop_database(url))
    return url


@pytest.fixture
def built(template: Path | str, request, tmp_path: Path):
    """A writable copy of the test module's ``template`` desk (its own module-scoped fixture), on each engine."""
    db = schema.open(copy_desk(request, template, tmp_path))
    yield db
    db.close()


@pytest.fixture
def desk(desk_target: Path | str):
    """A writable connection (``newsdesk.db.open``) to :func:`desk_target`'s fresh desk."""
    database = schema.open(desk_target)
    yield database
    database.close()
