"""Read-only connections for a long-running reader (the dashboard): :func:`readers` gives one
object per database whose ``connection()`` lends a read-only :class:`~newsdesk.db.Connection` for
a ``with`` block. On a server it is a pool (:class:`~newsdesk.db.postgres.ReadPool`: connections
opened once, bounded in number); a SQLite file is opened per read (cheap, and a file handle kept
across threads would gain nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from pathlib import Path
from typing import Protocol, cast

from newsdesk.db import dialect
from newsdesk.db.engine import Connection


class Readers(Protocol):
    """Lends read-only connections to one database."""

    def connection(self) -> AbstractContextManager[Connection]: ...

    def close(self) -> None: ...


class FileReaders:
    """A SQLite file: each read opens it read-only and closes it after."""

    def __init__(self, path: str | Path) -> None:
        self.path = path

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        from newsdesk.db.schema import connect_readonly

        with closing(connect_readonly(self.path)) as conn:
            yield conn

    def close(self) -> None:
        pass


def readers(target: str | Path) -> Readers:
    """The readers of ``target``: a pool of read-only connections for a ``postgresql://`` URL,
    per-read opens for a SQLite file."""
    if dialect.is_server_url(target):
        from newsdesk.db import postgres

        # a PgConnection stands in for a Connection (see newsdesk.db.schema.open), hence the cast
        return cast(Readers, postgres.ReadPool(str(target)))
    return FileReaders(target)
