"""Storage: every SQL statement of newsdesk, and nothing else (see ARCHITECTURE.md).

The one door: :func:`open` (``readonly=True`` for reads) gives a :class:`Connection`, the one
handle every read and write of this package takes; :func:`transaction` is ``BEGIN IMMEDIATE`` ...
``COMMIT``; :func:`checkpoint` folds the write-ahead log in; :func:`readers` lends read-only
connections to a long-running reader (a pool on a server). Nothing outside this package names
``sqlite3`` or ``sqlite_utils``.

- :mod:`~newsdesk.db.engine`: the connection type;
- :mod:`~newsdesk.db.schema`: opening, the schema and its migrations;
- :mod:`~newsdesk.db.writes`: the one Article -> rows mapping and every write of a batch;
- :mod:`~newsdesk.db.dedupe`: which stored story a record is, and which duplicate is kept;
- :mod:`~newsdesk.db.aggregates`: every derived table and its upkeep;
- :mod:`~newsdesk.db.custom_baskets`: the baskets users make;
- :mod:`~newsdesk.db.read`: parameterised reads grouped by noun.

Nothing here imports the parsers (:mod:`newsdesk.ingest`) or Streamlit.
"""

from newsdesk.db.engine import Connection
from newsdesk.db.readers import readers
from newsdesk.db.schema import checkpoint, open, transaction  # noqa: A004 - the door is newsdesk.db.open

__all__ = ["Connection", "checkpoint", "open", "readers", "transaction"]
