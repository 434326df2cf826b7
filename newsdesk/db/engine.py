"""The one handle to a newsdesk database: :class:`Connection`.

It is a :class:`sqlite3.Connection` (every read runs ``execute`` on it) that also answers the
sqlite-utils table API the writes and migrations use (``db["articles"].create(...)``,
``db.query``, ``db.enable_wal``), loading sqlite-utils only when one of those is called: the
read-only dashboard never loads it. ``conn`` is the handle itself, for code written against
sqlite-utils' ``Database.conn``. Only :mod:`newsdesk.db` names the engine; a second engine plugs in
here and in :mod:`newsdesk.db.schema`'s :func:`~newsdesk.db.schema.open`.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils


# the sqlite-utils names a Connection answers (tests and migrations use them)
TABLE_API = frozenset(
    {"query", "enable_wal", "disable_wal", "journal_mode", "table", "table_names", "tables", "view_names", "views",
     "triggers", "schema", "create_table", "execute_returning_dicts", "vacuum", "analyze", "quote"}
)  # fmt: skip


class Connection(sqlite3.Connection):
    """A connection to a newsdesk database, read-only or writable (see :func:`newsdesk.db.open`)."""

    @property
    def conn(self) -> Connection:
        """The handle itself (sqlite-utils' ``Database.conn``)."""
        return self

    def table_api(self) -> sqlite_utils.Database:
        """sqlite-utils over this connection (no pragma, no plugin: :func:`~newsdesk.db.schema.connect`
        ran them once when it opened the file)."""
        import sqlite_utils

        return sqlite_utils.Database(self, recursive_triggers=False, execute_plugins=False)

    def __getitem__(self, name: str) -> Any:
        return self.table_api()[name]

    def __getattr__(self, name: str) -> Any:
        if name not in TABLE_API:  # anything else is sqlite3's (or missing, as on sqlite3)
            raise AttributeError(name)
        return getattr(self.table_api(), name)
