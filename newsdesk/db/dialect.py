"""Every difference between SQLite and PostgreSQL, in one place.

The statements of :mod:`newsdesk.db` are written once, in SQLite's dialect. On a PostgreSQL
connection :func:`translate` rewrites each (once; cached): ``?`` and ``:name`` placeholders become
psycopg's, a literal ``%`` is doubled, ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING``,
``char(n)`` becomes ``chr(n)``, ``LIKE`` (case-blind on SQLite) ``ILIKE``, an empty
``IN ()`` ``= ANY('{}')``, ``IS [NOT] ?`` ``IS [NOT]
DISTINCT FROM``, ``x COLLATE NOCASE`` becomes ``lower(x)``, ``GLOB`` becomes a regular-expression
match, and a full-text ``articles_fts MATCH ?`` becomes a ``tsvector @@ tsquery`` test on the
articles' stored search vector (its FTS5 expression turned into a tsquery by :func:`tsquery`).
What SQLite has and PostgreSQL lacks as a function (``group_concat``, ``printf('%.2f')``, ``sum``
of a boolean, ``round`` of a float, ``instr``, ``date(day, '+N days')``) is created on the server by :data:`FUNCTIONS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SCHEMES = ("postgresql://", "postgres://")


def is_server_url(target: object) -> bool:
    """True when ``target`` (a --db value) names a PostgreSQL server rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(SCHEMES)


@dataclass(frozen=True)
class Statement:
    """A statement rewritten for PostgreSQL: its text, and which ``?`` params are FTS5 expressions."""

    sql: str
    match_params: frozenset[int] = frozenset()
    named: bool = False


_FTS = re.compile(r"SELECT\s+rowid\s+FROM\s+articles_fts\s+WHERE\s+articles_fts\s+MATCH\s+\?", re.I)
_FTS_COUNT = re.compile(r"SELECT\s+count\(\*\)\s+FROM\s+articles_fts\s+WHERE\s+articles_fts\s+MATCH\s+\?", re.I)
_IGNORE_STATEMENT = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b([^;]*?)\s*(;|$)", re.I)
_REPLACE_STATEMENT = re.compile(r"\bINSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)([^;]*?)\s*(;|$)", re.I)


def _upsert(m: re.Match[str]) -> str:
    """SQLite's ``INSERT OR REPLACE`` as an upsert on the table's primary key (``{table}_pkey``, the
    name PostgreSQL gives it): every inserted column takes the new row's value."""
    table, columns, rest, end = m.groups()
    sets = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in columns.split(","))
    return f"INSERT INTO {table} ({columns}){rest} ON CONFLICT ON CONSTRAINT {table}_pkey DO UPDATE SET {sets}{end}"


_MARK = "\x00MATCH\x00"


_UPSERT = re.compile(r"INSERT\s+INTO\s+(\w+)(.*?DO\s+UPDATE\s+SET\s)(.*?)(?=;|$)", re.I | re.S)


def _qualify(m: re.Match[str]) -> str:
    """An upsert's SET reads the stored row by the table's name (a bare name is ambiguous on PostgreSQL)."""
    table, head, sets = m.groups()
    sets = re.sub(r"\b(\w+) = \1 ([+-])", rf"\1 = {table}.\1 \2", sets)
    sets = re.sub(r"coalesce\((\w+), ", rf"coalesce({table}.\1, ", sets)
    return f"INSERT INTO {table}{head}{sets}"


_SUBQUERY = re.compile(r"\b(FROM|JOIN)\s*\(\s*(SELECT|WITH)\b", re.I)
_KEYWORDS = "WHERE|GROUP|ORDER|LIMIT|UNION|HAVING|JOIN|LEFT|INNER|CROSS|ON|WINDOW|EXCEPT|INTERSECT"
_NAMED = re.compile(rf"\s*(AS\b|(?!({_KEYWORDS})\b)[A-Za-z_])", re.I)


def _alias_subqueries(sql: str) -> str:
    """Give every subquery in FROM a name (PostgreSQL before 16 requires one)."""
    n = 0
    pos = 0
    while (m := _SUBQUERY.search(sql, pos)) is not None:
        start = sql.index("(", m.start())
        depth, i = 0, start
        while i < len(sql):
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            if depth == 0:
                break
            i += 1
        if i < len(sql) and not _NAMED.match(sql, i + 1):
            n += 1
            sql = f"{sql[: i + 1]} AS newsdesk_sub{n}{sql[i + 1 :]}"
        pos = start + 1
    return sql


# SQLite's catalogue (type, name, tbl_name) and PRAGMA table_info (cid, name, type, notnull,
# dflt_value, pk) read from the server's; the columns SQLite hides or lacks (rowid, search_tsv) left out
CATALOG = (
    "(SELECT 'table' AS type, table_name::text AS name, table_name::text AS tbl_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() UNION ALL SELECT 'index', indexname::text, tablename::text FROM pg_indexes "
    "WHERE schemaname = current_schema() UNION ALL SELECT 'trigger', tgname::text, tgrelid::regclass::text "
    "FROM pg_trigger WHERE NOT tgisinternal)"
)
_SQLITE_MASTER = re.compile(
    r"\bFROM\s+sqlite_master\b(?:\s+(?:AS\s+)?(?!(?:WHERE|ORDER|GROUP|LIMIT|JOIN|UNION)\b)(\w+))?", re.I
)
_TABLE_INFO = re.compile(r"^\s*PRAGMA\s+table_info\s*\(\s*[\"']?(\w+)[\"']?\s*\)\s*;?\s*$", re.I)
_TABLE_INFO_FUNCTION = re.compile(r"\bpragma_table_info\s*\(\s*'(\w+)'\s*\)", re.I)


def table_info(table: str) -> str:
    """``PRAGMA table_info(table)`` as a query of the server's catalogue (same columns, same order)."""
    return (
        "SELECT ordinal_position - 1 AS cid, column_name::text AS name, upper(data_type) AS type, "
        "(is_nullable = 'NO')::int AS notnull, column_default AS dflt_value, 0 AS pk FROM information_schema.columns "
        f"WHERE table_schema = current_schema() AND table_name = '{table}' "
        "AND column_name NOT IN ('rowid', 'search_tsv') ORDER BY ordinal_position"
    )


def _rewrite(sql: str) -> str:
    sql = _UPSERT.sub(_qualify, sql)
    sql = _alias_subqueries(sql)
    sql = _FTS.sub(f"SELECT rowid FROM articles WHERE search_tsv @@ {_MARK}", sql)
    sql = _FTS_COUNT.sub(f"SELECT count(*) FROM articles WHERE search_tsv @@ {_MARK}", sql)
    # each INSERT OR IGNORE / OR REPLACE statement (a trigger body holds several, ended by ;)
    sql = _IGNORE_STATEMENT.sub(lambda m: f"INSERT INTO{m.group(1)} ON CONFLICT DO NOTHING{m.group(2)}", sql)
    sql = _REPLACE_STATEMENT.sub(_upsert, sql)
    sql = _SQLITE_MASTER.sub(lambda m: f"FROM {CATALOG} AS {m.group(1) or 'sqlite_master'}", sql)
    sql = _TABLE_INFO.sub(lambda m: table_info(m.group(1)), sql)
    sql = _TABLE_INFO_FUNCTION.sub(lambda m: f"({table_info(m.group(1))}) AS table_info", sql)
    sql = re.sub(r"\bCROSS\s+JOIN\s+(\w+(?:\s+\w+)?)\s+ON\b", r"JOIN \1 ON", sql, flags=re.I)  # SQLite's join order
    sql = re.sub(r"\btemp\.(\w+)", r"pg_temp.\1", sql)
    sql = re.sub(r"\bchar\((\d+)\)", r"chr(\1)", sql)
    # SQLite's NOCASE: a comparison or an order by the lower-cased text
    sql = re.sub(r"([\w.]+)\s*=\s*\?\s+COLLATE\s+NOCASE\b", r"lower(\1) = lower(?)", sql, flags=re.I)
    sql = re.sub(r"([\w.]+)\s+COLLATE\s+NOCASE\b", r"lower(\1)", sql, flags=re.I)
    sql = re.sub(r"\bGLOB\s+\?", "~ newsdesk_glob(?)", sql)
    sql = re.sub(r"\bNOT\s+IN\s*\(\s*\)", "<> ALL('{}')", sql, flags=re.I)  # SQLite allows an empty list
    sql = re.sub(r"\bIN\s*\(\s*\)", "= ANY('{}')", sql, flags=re.I)
    sql = re.sub(r"\bLIKE\b", "ILIKE", sql)  # SQLite's LIKE ignores (ASCII) case
    # SQLite's null-safe comparison with a parameter: a IS NOT ? / a IS ?
    sql = re.sub(r"\bIS\s+NOT\s+\?", "IS DISTINCT FROM ?", sql, flags=re.I)
    sql = re.sub(r"\bIS\s+\?", "IS NOT DISTINCT FROM ?", sql, flags=re.I)
    sql = re.sub(r"\bWITHOUT\s+ROWID\b", "", sql, flags=re.I)
    sql = re.sub(r"\s+(?:INDEXED\s+BY\s+\w+|NOT\s+INDEXED)\b", "", sql, flags=re.I)  # SQLite's planner hints
    if re.match(r"\s*CREATE\b", sql, re.I):  # SQLite's REAL is 8 bytes; PostgreSQL's is 4
        sql = re.sub(r"\bREAL\b", "double precision", sql, flags=re.I)
    return sql


@lru_cache(maxsize=4096)
def translate(sql: str) -> Statement:
    """``sql`` (SQLite's dialect) as PostgreSQL runs it through psycopg."""
    sql = _rewrite(sql)
    out: list[str] = []
    matches: set[int] = set()
    n = 0
    named = False
    i = 0
    while i < len(sql):
        c = sql[i]
        if c in "'\"":  # a literal or a quoted name: copied, its % doubled
            j = i + 1
            while j < len(sql):
                if sql[j] == c:
                    if j + 1 < len(sql) and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1].replace("%", "%%"))
            i = j + 1
            continue
        if sql.startswith(_MARK, i):
            matches.add(n)
            out.append("to_tsquery('english', %s)")
            n += 1
            i += len(_MARK)
            continue
        if c == "?":
            out.append("%s")
            n += 1
        elif c == "%":
            out.append("%%")
        elif c == ":" and i + 1 < len(sql) and (sql[i + 1].isalpha() or sql[i + 1] == "_") and sql[i - 1 : i] != ":":
            m = re.match(r"[A-Za-z_]\w*", sql[i + 1 :])
            assert m is not None  # the next character is a letter or _
            out.append(f"%({m.group(0)})s")
            named = True
            i += 1 + len(m.group(0))
            continue
        else:
            out.append(c)
        i += 1
    return Statement("".join(out), frozenset(matches), named)


_TOKEN = re.compile(r'"([^"]*)"(\*?)|\b(AND|OR|NOT)\b|([()])')


def tsquery(expression: str) -> str:
    """An FTS5 expression of :mod:`newsdesk.domain.search` (quoted words and phrases, ``*`` prefixes,
    AND, OR, NOT, brackets) as ``to_tsquery('english', ...)`` input: a phrase's words follow each
    other (``<->``), a prefix is ``:*``; the server stems every word with the English stemmer."""
    out: list[str] = []
    for m in _TOKEN.finditer(expression):
        word, star, op, paren = m.groups()
        if word is not None:
            words = re.findall(r"[^\W_]+", word) or ["_"]
            term = " <-> ".join(f"'{w}'" for w in words) + (":*" if star else "")
            if out and out[-1] not in ("&", "|", "&!", "("):
                out.append("&")
            out.append(f"({term})" if len(words) > 1 else term)
        elif op:
            out.append({"AND": "&", "OR": "|", "NOT": "&!"}[op])
        else:
            if paren == "(" and out and out[-1] not in ("&", "|", "&!", "("):
                out.append("&")
            out.append(paren)
    return " ".join(out).replace("&!", "& !")


def trigger_body(sql: str) -> str:
    """A SQLite trigger's statements (or its WHEN) as PL/pgSQL: a boolean counted as 0 or 1 is cast."""
    sql = _rewrite(sql)
    # SQLite's null-safe comparisons: a IS NOT b / a IS b (b not NULL, TRUE or FALSE)
    sql = re.sub(r"\bIS\s+NOT\s+(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", "IS DISTINCT FROM ", sql, flags=re.I)
    sql = re.sub(r"\bIS\s+(?!NOT\b|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", "IS NOT DISTINCT FROM ", sql, flags=re.I)
    sql = re.sub(r"([+-])\((\w+\.\w+ IS NOT NULL)\)", r"\1(\2)::int", sql)
    sql = re.sub(r"coalesce\(([\w.]+ >= [\d.]+), 0\)", r"coalesce((\1)::int, 0)", sql)
    return sql


# what SQLite has and PostgreSQL lacks, created once on the server by the schema. Each wrapper of to_char
# or a text-to-date cast (STABLE: they read the session's settings) is STABLE too: the planner then
# inlines it, where an IMMUTABLE one over STABLE parts is called row by row (~10 us a call on this
# machine: a third of the weekly chart's time at 200,000 articles)
FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION newsdesk_concat(acc text, value anyelement, sep text) RETURNS text
       LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN value IS NULL THEN acc WHEN acc IS NULL THEN value::text
       ELSE acc || sep || value::text END $$""",
    """CREATE OR REPLACE FUNCTION newsdesk_concat1(acc text, value anyelement) RETURNS text
       LANGUAGE sql IMMUTABLE AS $$ SELECT newsdesk_concat(acc, value, ',') $$""",
    "CREATE OR REPLACE AGGREGATE group_concat(anyelement, text) (SFUNC = newsdesk_concat, STYPE = text)",
    "CREATE OR REPLACE AGGREGATE group_concat(anyelement) (SFUNC = newsdesk_concat1, STYPE = text)",
    """CREATE OR REPLACE FUNCTION newsdesk_bool_add(acc bigint, value boolean) RETURNS bigint
       LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(acc, 0) + CASE WHEN value THEN 1 ELSE 0 END $$""",
    "CREATE OR REPLACE AGGREGATE sum(boolean) (SFUNC = newsdesk_bool_add, STYPE = bigint)",
    # SQLite's printf rounds the shortest decimal form (0.995 -> 1.00); to_char of a double would not
    """CREATE OR REPLACE FUNCTION printf(fmt text, value double precision) RETURNS text
       LANGUAGE sql STABLE AS $$ SELECT to_char(round(value::numeric, 2), 'FM999999999990.00') $$""",
    """CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS integer
       LANGUAGE sql IMMUTABLE AS $$ SELECT strpos(haystack, needle) $$""",
    # SQLite rounds a float to a float; PostgreSQL's round(x, n) takes only numeric
    """CREATE OR REPLACE FUNCTION round(value double precision, digits integer) RETURNS double precision
       LANGUAGE sql IMMUTABLE AS $$ SELECT round(value::numeric, digits)::double precision $$""",
    """CREATE OR REPLACE FUNCTION date(day text, step text) RETURNS text
       LANGUAGE sql STABLE AS $$ SELECT to_char(day::date + step::interval, 'YYYY-MM-DD') $$""",
    """CREATE OR REPLACE FUNCTION strftime(fmt text, day text) RETURNS text
       LANGUAGE sql STABLE AS $$ SELECT CASE fmt WHEN '%w' THEN extract(dow FROM day::date)::int::text
       ELSE to_char(day::timestamp, replace(replace(replace(fmt, '%Y', 'YYYY'), '%m', 'MM'), '%d', 'DD')) END $$""",
    """CREATE OR REPLACE FUNCTION newsdesk_glob(pattern text) RETURNS text
       LANGUAGE sql IMMUTABLE AS $$ SELECT '^' || replace(replace(replace(pattern, '.', '\\.'), '?', '.'),
       '*', '.*') || '$' $$""",
)
