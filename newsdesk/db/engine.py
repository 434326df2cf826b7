"""The one handle to a newsdesk database: :class:`Connection`.

It is a :class:`sqlite3.Connection` (every read runs ``execute`` on it) that also answers the
sqlite-utils table API the writes and migrations use (``db["articles"].create(...)``,
``db.query``, ``db.enable_wal``), loading sqlite-utils only when one of those is called: the
read-only dashboard never loads it. On a writable connection ``execute`` commits a write made
outside a transaction, as sqlite-utils' ``Database.execute`` does; ``conn`` gives the driver's own
semantics, as sqlite-utils' ``Database.conn`` did. Only :mod:`newsdesk.db` names the engine; a
second engine plugs in here and in :mod:`newsdesk.db.schema`'s :func:`~newsdesk.db.schema.open`.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import sqlite_utils


# the sqlite-utils names a Connection answers (tests and migrations use them)
TABLE_API = frozenset(
    {"query", "enable_wal", "disable_wal", "journal_mode", "table", "table_names", "tables", "view_names", "views",
     "triggers", "schema", "create_table", "execute_returning_dicts", "vacuum", "analyze", "quote"}
)  # fmt: skip


CONTROL_KEYWORDS = frozenset({"BEGIN", "END", "COMMIT", "ROLLBACK", "RELEASE", "SAVEPOINT"})


def first_keyword(sql: str) -> str:
    """The first keyword of a statement, upper-cased, past blanks, ``;``, a BOM and comments."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] in (";", "\ufeff"):
            i += 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            if newline == -1:
                return ""
            i = newline + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end == -1:
                return ""
            i = end + 2
        else:
            break
    j = i
    while j < n and (sql[j].isalpha() or sql[j] == "_"):
        j += 1
    return sql[i:j].upper()


class Connection(sqlite3.Connection):
    """A connection to a newsdesk database, read-only or writable (see :func:`newsdesk.db.open`).

    On a writable one (``commits_writes``, set by :func:`~newsdesk.db.schema.connect`) ``execute``
    behaves as sqlite-utils' ``Database.execute``, which the writable handle was: a write outside a
    transaction commits at once; inside :func:`~newsdesk.db.schema.transaction` it waits for the
    ``COMMIT``. ``conn`` is the connection with the driver's own semantics (sqlite-utils'
    ``Database.conn``), which :func:`~newsdesk.db.schema.transaction` and the table API use."""

    commits_writes = False

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        run = sqlite3.Connection.execute
        parameters = () if parameters is None else parameters
        if not self.commits_writes:
            return run(self, sql, parameters)
        was_open = self.in_transaction
        try:
            cursor = run(self, sql, parameters)
        except Exception:
            if not was_open and self.in_transaction:
                run(self, "ROLLBACK")
            raise
        if not was_open and self.in_transaction and cursor.description is None:
            if first_keyword(sql) not in CONTROL_KEYWORDS:
                run(self, "COMMIT")
        return cursor

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection with the driver's own statement semantics (sqlite-utils' ``Database.conn``):
        a :class:`Driver`, which stands in for a ``sqlite3.Connection`` everywhere (it forwards every
        attribute), hence the cast."""
        return cast(sqlite3.Connection, Driver(self))

    def table_api(self) -> sqlite_utils.Database:
        """sqlite-utils over this connection (no pragma, no plugin: :func:`~newsdesk.db.schema.connect`
        ran them once when it opened the file)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, recursive_triggers=False, execute_plugins=False)

    def __getitem__(self, name: str) -> Any:
        return self.table_api()[name]

    def __getattr__(self, name: str) -> Any:
        if name not in TABLE_API:  # anything else is sqlite3's (or missing, as on sqlite3)
            raise AttributeError(name)
        return getattr(self.table_api(), name)


class Driver:
    """A :class:`Connection` seen with the driver's own semantics: ``execute`` never commits by
    itself (what sqlite-utils' ``Database.conn`` was); everything else is the connection's."""

    __slots__ = ("_connection",)
    _connection: Connection

    def __init__(self, connection: Connection) -> None:
        object.__setattr__(self, "_connection", connection)

    def __setattr__(self, name: str, value: Any) -> None:  # e.g. sqlite-utils setting isolation_level
        setattr(self._connection, name, value)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return sqlite3.Connection.execute(self._connection, sql, parameters)

    def __enter__(self) -> Connection:
        self._connection.__enter__()
        return self._connection

    def __exit__(self, *exc: Any) -> Any:
        return self._connection.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)
