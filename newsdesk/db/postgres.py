"""A newsdesk database on a PostgreSQL server (``--db postgresql://user:password@host:port/dbname``).

:class:`PgConnection` answers what the rest of :mod:`newsdesk.db` asks of a connection (``execute``,
``executemany``, cursors with ``fetchone``/``fetchall``/``description``/``lastrowid``, ``commit``,
``rollback``, ``close``), running every statement through :func:`newsdesk.db.dialect.translate`.
The schema is SQLite's at :data:`~newsdesk.db.schema.SCHEMA_VERSION`, read from a reference
database built in memory by the migrations and written out once for the server (tables with a
``rowid``, keys, unique constraints, indexes, triggers as PL/pgSQL), plus the articles' search
vector (``tsvector``, English stemming) and its GIN index. Writers serialise on one advisory lock,
as SQLite's ``BEGIN IMMEDIATE`` does; a read-only connection runs read-only transactions.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from newsdesk.db import aggregates, dialect, ticker_counts
from newsdesk.db.dialect import Statement
from newsdesk.errors import SchemaError

WRITE_LOCK = 0x6E657773  # "news": the one advisory lock every writer takes (BEGIN IMMEDIATE)
INSTALL = "PostgreSQL needs psycopg: pip install 'newsdesk[postgres]' (or pip install 'psycopg[binary]' psycopg-pool)"
_TYPES = {"INTEGER": "bigint", "FLOAT": "double precision", "REAL": "double precision", "TEXT": "text"}


def _psycopg() -> tuple[Any, Any]:
    try:
        import psycopg
        from psycopg.types.numeric import FloatLoader
    except ImportError as exc:
        raise SchemaError(INSTALL) from exc
    return psycopg, FloatLoader


ANALYZE_AFTER = 1000  # rows written before a commit may refresh the planner's statistics

HIDDEN = ("rowid", "search_tsv")  # SQLite's * leaves rowid out, and has no search vector column


class PgCursor:
    """A psycopg cursor seen as sqlite3's: ``lastrowid`` from ``RETURNING id``; a ``*`` leaves out the
    columns SQLite does not have or hides (:data:`HIDDEN`)."""

    def __init__(self, cur: Any, lastrowid: int | None = None, sql: str = "") -> None:
        self._cur = cur
        self.lastrowid = lastrowid
        self._keep: list[int] | None = None
        if cur.description and "*" in sql:
            hidden = set(HIDDEN)
            names = [c.name for c in cur.description]
            if hidden & set(names):
                self._keep = [i for i, n in enumerate(names) if n not in hidden]

    def _row(self, row: Any) -> Any:
        return row if row is None or self._keep is None else tuple(row[i] for i in self._keep)

    @property
    def description(self) -> Any:
        d = self._cur.description
        return d if self._keep is None or d is None else [d[i] for i in self._keep]

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount)

    def fetchone(self) -> Any:
        return self._row(self._cur.fetchone()) if self._cur.description else None

    def fetchall(self) -> list[Any]:
        return [self._row(r) for r in self._cur.fetchall()] if self._cur.description else []

    def fetchmany(self, size: int = 1) -> list[Any]:
        return [self._row(r) for r in self._cur.fetchmany(size)]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._cur.close()


_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)", re.I)
_NOOP = re.compile(
    r"^\s*(INSERT\s+INTO|DELETE\s+FROM)\s+articles_fts\b|^\s*PRAGMA\b(?!\s*table_info)|^\s*ANALYZE\b", re.I
)
_COMMIT = re.compile(r"^\s*(COMMIT|END)\b", re.I)
_BEGIN = re.compile(r"^\s*BEGIN(\s+IMMEDIATE|\s+DEFERRED|\s+EXCLUSIVE)?\s*;?\s*$", re.I)


class PgConnection:
    """A connection to a newsdesk database on a PostgreSQL server (see :func:`open`)."""

    dialect = "postgresql"

    def __init__(self, raw: Any, url: str, readonly: bool) -> None:
        self._raw = raw
        self.url = url
        self.readonly = readonly
        self.identity_tables: set[str] = set()
        self.total_changes = 0  # rows inserted, updated or deleted by this connection's statements (sqlite3's)
        self.unanalyzed = 0  # rows this connection wrote since it last refreshed the planner's statistics

    @property
    def conn(self) -> PgConnection:
        return self

    @property
    def in_transaction(self) -> bool:
        return bool(self._raw.info.transaction_status != 0)  # IDLE

    def _params(self, statement: Statement, params: Any) -> Any:
        if params is None:
            return {} if statement.named else []
        if statement.named or isinstance(params, dict):
            return dict(params)
        params = list(params)
        for i in statement.match_params:
            params[i] = dialect.tsquery(params[i])
        return params

    def execute(self, sql: str, params: Any = None) -> PgCursor:
        if _NOOP.search(sql):
            return PgCursor(self._raw.cursor())
        if _BEGIN.match(sql):
            cur = self._raw.execute("BEGIN")
            if not self.readonly:
                self._raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            return PgCursor(cur)
        if _COMMIT.match(sql):
            cur = self._raw.execute("COMMIT")
            self._analyze_if_grown()
            return PgCursor(cur)
        statement = dialect.translate(sql)
        text = statement.sql
        m = _INSERT.match(sql)
        returning = bool(m and m.group(1) in self.identity_tables and "RETURNING" not in text.upper())
        if returning:
            text += " RETURNING id"
        cur = self._raw.execute(text, self._params(statement, params))
        self._count(cur)
        lastrowid = None
        if returning:
            row = cur.fetchone()
            lastrowid = row[0] if row else None
        return PgCursor(cur, lastrowid, sql)

    def executemany(self, sql: str, rows: Iterable[Any]) -> PgCursor:
        cur = self._raw.cursor()
        if _NOOP.search(sql):
            return PgCursor(cur)
        statement = dialect.translate(sql)
        cur.executemany(statement.sql, [self._params(statement, r) for r in rows])
        self._count(cur)
        return PgCursor(cur)

    def _count(self, cur: Any) -> None:
        if cur.rowcount > 0 and (cur.statusmessage or "").split(" ")[0] in ("INSERT", "UPDATE", "DELETE"):
            self.total_changes += cur.rowcount
            self.unanalyzed += cur.rowcount

    def _analyze_if_grown(self) -> None:
        """After a commit that grew the desk by a tenth (or more than :data:`ANALYZE_AFTER` rows into a
        never-analysed one), refresh the planner's statistics at once, as autovacuum would a minute later:
        without them the dashboard's first reads after a big import plan as if the tables were empty
        (seconds instead of milliseconds). SQLite plans without statistics."""
        if self.unanalyzed < ANALYZE_AFTER:
            return
        (rows,) = self._raw.execute("SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass").fetchone()
        if rows < 0 or self.unanalyzed * 10 >= rows:
            self._raw.execute("ANALYZE")
            self.unanalyzed = 0

    def executescript(self, script: str) -> None:
        for part in script.split(";"):
            if part.strip():
                self.execute(part)

    def reset_sequences(self) -> None:
        """After rows were copied in with their ids, the next id follows the largest."""
        for table in sorted(self.identity_tables):
            self._raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
            )

    def copy_in(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Write ``rows`` into ``table`` (its ``columns``, names of the schema) with ``COPY ... FROM
        STDIN`` (a bulk load: one statement, no per-row round trip); returns how many were written."""
        n = 0
        with self._raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        return n

    def set_user_triggers(self, table: str, enabled: bool) -> None:
        """Turn ``table``'s own triggers off or back on (inside a transaction: the change and the
        table's lock last until it ends; the connection must own the table)."""
        self._raw.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """``(name, CREATE INDEX statement)`` of each of ``table``'s indexes that no constraint owns
        (not its primary key, not a UNIQUE constraint): the ones a bulk load may drop and build after."""
        rows = self._raw.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
            "ORDER BY i.indexname",
            [table],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def run(self, sql: str) -> None:
        """Run ``sql`` as it is (PostgreSQL's own dialect, no parameter: DDL of this module's callers)."""
        self._raw.execute(sql)

    def vacuum_analyze(self) -> None:
        """``VACUUM (ANALYZE)`` of the whole database, outside any transaction: the planner's statistics
        for every table, and the visibility map a bulk load leaves unset (without it an index-only scan
        visits the table for every row until autovacuum comes by)."""
        self._raw.execute("VACUUM (ANALYZE)")
        self.unanalyzed = 0

    def schema_version(self) -> int:
        return schema_version(self)

    def cursor(self) -> PgConnection:
        return self

    def commit(self) -> None:
        if self.in_transaction:
            self._raw.execute("COMMIT")
            self._analyze_if_grown()

    def rollback(self) -> None:
        if self.in_transaction:
            self._raw.execute("ROLLBACK")

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self.commit() if kind is None else self.rollback()


def _configure(raw: Any, readonly: bool) -> None:
    _, FloatLoader = _psycopg()  # noqa: N806 - a class
    raw.adapters.register_loader("numeric", FloatLoader)  # sum() of integers is numeric: read as float
    if readonly:
        raw.execute("SET default_transaction_read_only = on")


def _connect(url: str, readonly: bool) -> PgConnection:
    psycopg, _ = _psycopg()
    raw = psycopg.connect(url, autocommit=True)
    _configure(raw, readonly)
    return PgConnection(raw, url, readonly)


POOL_MIN, POOL_MAX = 1, 4  # read-only connections a dashboard process keeps open / may open at once


class ReadPool:
    """Read-only connections to one server database, opened once and lent to each read
    (psycopg_pool): the dashboard's cards and page runs open no connection of their own."""

    def __init__(self, url: str, min_size: int = POOL_MIN, max_size: int = POOL_MAX) -> None:
        try:
            from psycopg_pool import ConnectionPool
        except ImportError as exc:
            raise SchemaError(INSTALL) from exc
        self.url = url
        self._pool = ConnectionPool(
            url, min_size=min_size, max_size=max_size, kwargs={"autocommit": True},
            configure=lambda raw: _configure(raw, readonly=True), name="newsdesk-read", open=True,
        )  # fmt: skip

    @contextmanager
    def connection(self) -> Iterator[PgConnection]:
        """A read-only connection for the length of the ``with`` block, then back to the pool."""
        with self._pool.connection() as raw:
            yield PgConnection(raw, self.url, readonly=True)

    def close(self) -> None:
        self._pool.close()


def open(url: str, target: int, reference: Callable[[], sqlite3.Connection], readonly: bool = False) -> PgConnection:  # noqa: A001
    """A connection to the server's newsdesk database; writable ones bring the schema up to ``target``
    first, from ``reference`` (a SQLite database at that version: :func:`newsdesk.db.schema.reference`)."""
    conn = _connect(url, readonly)
    version = schema_version(conn)
    if readonly and version == 0:
        conn.close()
        raise FileNotFoundError(f"{redact(url)} holds no newsdesk database (run init first)")
    if not readonly:
        migrate(conn, target, reference)
    conn.identity_tables = _identity_tables(conn)
    return conn


def redact(url: str) -> str:
    """``url`` without its password (for messages)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def schema_version(conn: PgConnection) -> int:
    """The stored schema version (0: no newsdesk schema yet)."""
    row = conn._raw.execute("SELECT to_regclass('newsdesk_schema') IS NOT NULL").fetchone()
    if not row[0]:
        return 0
    found = conn._raw.execute("SELECT max(version) FROM newsdesk_schema").fetchone()
    return int(found[0] or 0)


def _identity_tables(conn: PgConnection) -> set[str]:
    rows = conn._raw.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND column_name = 'id' AND is_identity = 'YES'"
    ).fetchall()
    return {r[0] for r in rows}


def _replace_triggers(conn: PgConnection, table: str, drop: Iterable[str], create: Iterable[str]) -> None:
    """Drop the triggers ``drop`` of ``table`` (and their functions), then create ``create`` (SQLite's
    ``CREATE TRIGGER`` statements, carried over by :func:`_trigger_ddl`)."""
    for name in drop:  # names of the schema
        conn._raw.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        conn._raw.execute(f"DROP FUNCTION IF EXISTS {name}_fn()")
    for sql in create:
        for statement in _trigger_ddl(sql):
            conn._raw.execute(statement)


def _server_migration_20(conn: PgConnection) -> None:
    """Schema 20 (SQLite's ``_migration_20``): no trigger counts an inserted mention or article (the
    writer counts a batch's: :func:`newsdesk.db.aggregates.count_per_batch`); the mention delete and move
    triggers delete only their own emptied row; the counts are recounted once; the unused indexes go."""
    from newsdesk.db import aggregates

    _replace_triggers(conn, "article_entities", ticker_counts.COUNT_TRIGGERS, ticker_counts.count_triggers_v20())
    _replace_triggers(conn, "articles", [aggregates.TOTALS_INSERT_TRIGGER], [])
    ticker_counts.recount_tickers(conn)  # type: ignore[arg-type]  # a PgConnection stands in for one
    for name in aggregates.UNUSED_INDEXES:  # names of the schema
        conn._raw.execute(f"DROP INDEX IF EXISTS {name}")


def _server_21(conn: PgConnection) -> None:
    """Migration 21: the partial index of the articles that follow another article's story."""
    from newsdesk.db.stories import FOLLOWERS_INDEX_SQL

    conn._raw.execute(FOLLOWERS_INDEX_SQL)


def _server_22(conn: PgConnection) -> None:
    """Migration 22: the articles' date covering index with the estimated flag, source and id."""
    from newsdesk.db import aggregates

    aggregates.widen_published_cover(conn._raw)


def _server_23(conn: PgConnection) -> None:
    """Migration 23: the stored evidence observations (:mod:`newsdesk.db.evidence`), their tables as the
    reference schema has them and their triggers."""
    from newsdesk.db import evidence

    ref = sqlite3.connect(":memory:")  # the tables alone, as SQLite has them (what _table_ddl reads)
    try:
        for sql in evidence.TABLE_SQL:
            ref.execute(sql)
        for table in evidence.TABLES:
            for statement in _table_ddl(ref, table):
                conn._raw.execute(statement)
    finally:
        ref.close()
    for sql in evidence.TRIGGERS:
        plain = sql.replace("IF NOT EXISTS ", "", 1)  # as sqlite_master keeps it
        m = _TRIGGER.match(plain)
        assert m is not None  # a trigger of the schema
        _replace_triggers(conn, m.group(3), [m.group(1)], [plain])  # made again if a step ran before


FIRST_SERVER_VERSION = 19  # the schema the first server databases were created at
# version -> its step on a server, in portable SQL through the connection (SQLite's MIGRATIONS use
# the sqlite-utils table API and FTS5): ALTER TABLE / CREATE INDEX; triggers through _trigger_ddl.
SERVER_MIGRATIONS: dict[int, Callable[[PgConnection], None]] = {
    20: _server_migration_20,
    21: _server_21,
    22: _server_22,
    23: _server_23,
}


def migrate(conn: PgConnection, target: int, reference: Callable[[], sqlite3.Connection]) -> int:
    """Create the whole schema on an empty database, or bring an older one up to ``target`` step by
    step (:data:`SERVER_MIGRATIONS`), under the write lock (two first opens at once do it once), in
    one transaction (PostgreSQL's DDL is transactional: a failed step leaves the old schema). SQLite's
    functions are (re)created each time, so a newer newsdesk's reach existing databases."""
    SCHEMA_VERSION = target  # noqa: N806

    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"the database has schema version {version}, newer than this newsdesk ({SCHEMA_VERSION}): "
                "upgrade newsdesk or use another --db"
            )
        missing = [v for v in range(version + 1, SCHEMA_VERSION + 1) if v not in SERVER_MIGRATIONS]
        if version and missing:
            raise SchemaError(
                f"the server's schema is version {version} and this newsdesk has no server step for version "
                f"{missing[0]}: copy the desk to a new database with newsdesk db copy"
            )
        for statement in dialect.FUNCTIONS:
            conn._raw.execute(statement)
        if version == 0:
            for statement in server_schema(reference()):
                conn._raw.execute(statement)
            conn._raw.execute("INSERT INTO newsdesk_schema (version) VALUES (%s)", [SCHEMA_VERSION])
        for step in range(version + 1 if version else SCHEMA_VERSION + 1, SCHEMA_VERSION + 1):
            SERVER_MIGRATIONS[step](conn)
            conn._raw.execute("INSERT INTO newsdesk_schema (version) VALUES (%s)", [step])
        _index_rowids(conn)
        _repair_partial_indexes(conn)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return SCHEMA_VERSION


def _index_rowids(conn: PgConnection) -> None:
    """A unique index on every ``rowid`` column that lacks one (SQLite's rowid is its table's key: the
    reads look rows up by it, e.g. ``rowid IN (full-text matches)``; without the index each is a scan)."""
    missing = conn._raw.execute(
        "SELECT c.table_name FROM information_schema.columns c WHERE c.table_schema = current_schema() "
        "AND c.column_name = 'rowid' AND NOT EXISTS (SELECT 1 FROM pg_indexes i WHERE i.schemaname = "
        "current_schema() AND i.indexname = c.table_name || '_rowid') ORDER BY 1"
    ).fetchall()
    for (table,) in missing:
        conn._raw.execute(f"CREATE UNIQUE INDEX {table}_rowid ON {table} (rowid)")  # a name of the schema


def _is_shadow(name: str) -> bool:
    return name.startswith(("articles_fts", "sqlite_"))


def tables(ref: sqlite3.Connection) -> list[str]:
    """The schema's tables (SQLite's own and the FTS5 shadow tables left out)."""
    names = [r[0] for r in ref.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return [n for n in names if not _is_shadow(n)]


def _table_ddl(ref: sqlite3.Connection, table: str) -> list[str]:
    cols = ref.execute(f'PRAGMA table_info("{table}")').fetchall()  # cid, name, type, notnull, default, pk
    pk = [c[1] for c in sorted((c for c in cols if c[5]), key=lambda c: c[5])]
    identity = len(pk) == 1 and next(c for c in cols if c[1] == pk[0])[2].upper() == "INTEGER"
    parts = [] if identity else ["rowid bigserial"]
    for _, name, kind, notnull, default, _pk in cols:
        if identity and name == pk[0]:
            parts.append(f"{name} bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
            continue
        col = f"{name} {_TYPES.get(kind.upper(), 'text')}"
        if notnull:
            col += " NOT NULL"
        if default is not None:
            col += f" DEFAULT {default}"
        parts.append(col)
    if pk and not identity:
        parts.append(f"PRIMARY KEY ({', '.join(pk)})")
    indexes = []
    for _, index, unique, origin, partial in ref.execute(f'PRAGMA index_list("{table}")').fetchall():
        columns = [r[2] for r in ref.execute(f'PRAGMA index_info("{index}")').fetchall()]
        if origin == "pk" or None in columns:
            continue
        if origin == "u":
            parts.append(f"UNIQUE ({', '.join(columns)})")
        else:
            kind = "UNIQUE INDEX" if unique else "INDEX"
            where = _index_where(ref, index) if partial else ""
            indexes.append(f"CREATE {kind} IF NOT EXISTS {index} ON {table} ({', '.join(columns)}){where}")
    if table == "articles":
        parts.append(
            "search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || "
            "coalesce(summary, '') || ' ' || coalesce(body, ''))) STORED"
        )
        indexes.append("CREATE INDEX IF NOT EXISTS idx_articles_search ON articles USING gin (search_tsv)")
    return [f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(parts)})", *indexes]


def _index_where(ref: sqlite3.Connection, index: str) -> str:
    """A partial index's `` WHERE ...`` as SQLite has it (PRAGMA index_info gives only the columns)."""
    (sql,) = ref.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [index]).fetchone()
    m = re.search(r"\bWHERE\b(.*)$", sql, re.I | re.S)
    if not m:
        raise SchemaError(f"cannot read the condition of the partial index {index}: {sql}")
    return f" WHERE {m.group(1).strip()}"  # portable: the schema's conditions compare columns with literals


# the partial indexes of the schema: servers made before newsdesk carried an index's WHERE have each
# one whole (every row indexed, so the planner never picks it); migrate() makes it again
PARTIAL_INDEXES = (aggregates.EMPTY_SET_INDEX_SQL,)


def _repair_partial_indexes(conn: PgConnection) -> None:
    """Make :data:`PARTIAL_INDEXES` again where the server has one without its WHERE."""
    for sql in PARTIAL_INDEXES:
        m = re.search(r"\bINDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", sql, re.I)
        assert m is not None  # a CREATE INDEX statement of the schema
        found = conn._raw.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s", [m.group(1)]
        ).fetchone()
        if found and " WHERE " not in found[0]:
            conn._raw.execute(f"DROP INDEX {m.group(1)}")  # a name of the schema
            conn._raw.execute(sql)


_TRIGGER = re.compile(
    r"CREATE\s+TRIGGER\s+(\w+)\s+AFTER\s+(INSERT|DELETE|UPDATE(?:\s+OF\s+[\w\s,]+?)?)\s+ON\s+(\w+)\s*"
    r"(?:WHEN\s+(.*?))?\s*BEGIN\b(.*)\bEND\s*$",
    re.I | re.S,
)


def _trigger_ddl(sql: str) -> list[str]:
    m = _TRIGGER.match(sql.strip())
    if not m:
        raise SchemaError(f"cannot carry this trigger to PostgreSQL: {sql[:80]}")
    name, event, table, when, body = m.groups()
    body = dialect.trigger_body(body)
    if when:
        body = f"IF {dialect.trigger_body(when)} THEN {body} END IF;"
    return [
        f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN {body} "
        "RETURN NULL; END $fn$",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_fn()",
    ]


def server_schema(ref: sqlite3.Connection) -> list[str]:
    """Every statement that creates the schema of ``ref`` (a SQLite database) on an empty PostgreSQL one."""
    out = list(dialect.FUNCTIONS)
    out.append("CREATE TABLE IF NOT EXISTS newsdesk_schema (version integer NOT NULL)")
    for table in tables(ref):
        out += _table_ddl(ref, table)
    for (sql,) in ref.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"):
        out += _trigger_ddl(sql)
    ref.close()
    return out
