"""Architecture rules of ARCHITECTURE.md ("Layers"), checked on the source."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit() -> None:
    files = list((ROOT / "newsdesk").rglob("*.py"))
    assert files
    offenders = [str(p) for p in files if "streamlit" in imports_of(p)]
    assert offenders == []


def test_pages_never_touch_sql() -> None:
    for path in [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py")]:
        text = path.read_text("utf-8")
        assert "sqlite" not in imports_of(path), path
        assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\b", text), path


def test_no_raw_html_rendering() -> None:
    for path in [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")]:
        text = path.read_text("utf-8")
        assert not re.search(r"unsafe_allow_html\s*=\s*True|st\.html\(", text), path


def module_imports(path: Path) -> set[str]:
    """Every module ``path`` imports (full dotted names; ``from a import b`` gives ``a`` and ``a.b``),
    at any depth (imports inside functions count too)."""
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_db_never_imports_the_parsers() -> None:
    """The storage layer reads and writes rows; parsing inputs is not its business (and would load
    every parser, feedparser included, into the dashboard's write path)."""
    files = list((ROOT / "newsdesk" / "db").rglob("*.py"))
    assert len(files) >= 10
    offenders = {str(p): sorted(n for n in module_imports(p) if n.startswith("newsdesk.ingest")) for p in files}
    assert {p: n for p, n in offenders.items() if n} == {}
    code = (
        "import sys\nimport newsdesk.db.schema, newsdesk.db.writes, newsdesk.db.custom_baskets\n"
        "import newsdesk.db.read.articles, newsdesk.db.read.facets, newsdesk.db.read.decisions\n"
        "print(sorted(m for m in sys.modules if m.startswith('newsdesk.ingest')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


VIEWS = sorted((ROOT / "components").glob("*_view.py"))


@pytest.mark.parametrize("view", VIEWS, ids=lambda p: p.name)
def test_views_never_import_each_other(view: Path) -> None:
    """A page's pieces (``components/*_view.py``) share loaders, charts, cards and tables, never
    another page's pieces."""
    others = {module_name(v) for v in VIEWS} - {module_name(view)}
    assert module_imports(view) & others == set()


def test_pages_import_components_only() -> None:
    """Pages are thin scripts over ``components``: no ``newsdesk`` import, no SQL driver."""
    for path in [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py")]:
        top = {n.split(".")[0] for n in module_imports(path)}
        assert top <= {"components", "streamlit", "__future__", "dataclasses"}, (path, top)


SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA)\b")


def string_literals(path: Path) -> list[str]:
    """Every string constant of ``path`` (f-string pieces included)."""
    tree = ast.parse(path.read_text("utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_sql_outside_the_storage_layer() -> None:
    """Every SQL statement lives in ``newsdesk/db``, so a second engine can be added behind it
    without touching pipeline, CLI, feeds, export, benchmarks, components or pages. The one
    exception is ``benchmarks/floors.py``: the engine's own floor (a raw insert into a bare table,
    FTS5 alone, a full scan) that the benchmarks measure newsdesk against, never product code."""
    files = [
        ROOT / "dashboard.py",
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "components").glob("*.py"),
        *(p for p in (ROOT / "benchmarks").rglob("*.py") if p.name != "floors.py"),
        *(p for p in (ROOT / "newsdesk").rglob("*.py") if "db" not in p.relative_to(ROOT / "newsdesk").parts[:1]),
    ]
    assert len(files) > 30
    found = {
        str(p.relative_to(ROOT)): hits
        for p in files
        if (hits := [s[:60] for s in string_literals(p) if SQL_WORDS.search(s)])
    }
    assert found == {}


def import_graph(packages: tuple[str, ...]) -> dict[str, set[str]]:
    files = [p for pkg in packages for p in (ROOT / pkg).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    return {m: {n for n in module_imports(p) if n in modules and n != m} for m, p in modules.items()}


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph``, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return stack[stack.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_components_have_no_import_cycle() -> None:
    """Loaders, charts and views form a tree: no module imports one that imports it back (imports
    inside functions count)."""
    graph = import_graph(("components",))
    assert "components.loaders" in graph
    assert cycle(graph) is None


# ------------------------------------------------------------------ the wings of newsdesk/ (issue 25)

NEWSDESK = ROOT / "newsdesk"


def modules_of(*wings: str) -> dict[str, Path]:
    """``{module name: path}`` of every module under ``newsdesk/<wing>`` for each wing."""
    found = {module_name(p): p for wing in wings for p in (NEWSDESK / wing).rglob("*.py")}
    assert found, wings
    return found


def test_at_most_six_modules_loose_at_the_top() -> None:
    """Every module lives in a wing named for its role; only the entry points, configuration, the
    error hierarchy and the HTTP fetcher stay at the top of ``newsdesk/``."""
    loose = sorted(p.name for p in NEWSDESK.glob("*.py"))
    assert len(loose) <= 6, loose
    assert set(loose) <= {"__init__.py", "__main__.py", "config.py", "errors.py", "fetch.py"}, loose


def test_domain_imports_nothing_of_newsdesk_but_config_and_errors() -> None:
    """``newsdesk.domain`` holds the values every layer shares: it may not lean on any layer."""
    allowed = ("newsdesk.domain", "newsdesk.config", "newsdesk.errors")
    offenders = {
        m: sorted(n for n in module_imports(p) if n.startswith("newsdesk") and not n.startswith(allowed))
        for m, p in modules_of("domain").items()
    }
    assert {m: n for m, n in offenders.items() if n} == {}


@pytest.mark.parametrize("wing", ["domain", "ingest", "score", "scorecard", "prices", "alerts"])
def test_pure_wings_never_import_storage_flows_or_the_cli(wing: str) -> None:
    """Parsing, scoring, the scorecard's rules, prices and alert logic are pure: they never open,
    read or write the database and never run a flow."""
    banned = ("newsdesk.db", "newsdesk.flows", "newsdesk.cli")
    offenders = {m: sorted(n for n in module_imports(p) if n.startswith(banned)) for m, p in modules_of(wing).items()}
    assert {m: n for m, n in offenders.items() if n} == {}


def test_only_loaders_flows_and_the_cli_import_storage() -> None:
    """The dashboard reaches the database through ``components.loaders`` only; the core through
    ``newsdesk.flows`` and the CLI. Nothing else names ``newsdesk.db``."""
    files = [
        ROOT / "dashboard.py",
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "components").glob("*.py"),
        *(p for p in NEWSDESK.rglob("*.py") if p.relative_to(NEWSDESK).parts[0] != "db"),
    ]
    allowed = ("components.loaders", "newsdesk.flows", "newsdesk.cli")
    importers = {module_name(p) for p in files if any(n.startswith("newsdesk.db") for n in module_imports(p))}
    assert "components.loaders" in importers
    assert {m for m in importers if not (m == allowed[0] or m.startswith(allowed[1:]))} == set()


def module_graph(root: Path) -> dict[str, set[str]]:
    """Import edges between the modules under ``root``, imports inside functions and under
    ``TYPE_CHECKING`` included. ``from a import b`` is an edge to ``a.b`` when that is a module, else
    to ``a`` (a name defined by the package itself)."""
    modules = {module_name(p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for m, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                edges.update(s for s in subs if s in modules)
                if any(s not in modules for s in subs):
                    edges.add(node.module)
        graph[m] = {n for n in edges if n in modules and n != m}
    return graph


def test_newsdesk_has_no_import_cycle() -> None:
    """No module of the core imports one that imports it back, even lazily: the wings form layers."""
    graph = module_graph(NEWSDESK)
    assert len(graph) > 90
    assert cycle(graph) is None


@pytest.mark.parametrize(
    "edges, expected",
    [
        ({"a": {"b"}, "b": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
    ],
)
def test_the_cycle_finder_finds_cycles(edges, expected) -> None:
    assert cycle(edges) == expected


def test_one_door_into_storage() -> None:
    """Nothing outside ``newsdesk/db`` names the engine (``sqlite3``, ``sqlite_utils``) or reaches
    into a handle's ``.conn``: ``newsdesk.db.open`` gives the one ``Connection`` every read and write
    takes, so a second engine plugs in behind ``newsdesk.db`` alone."""
    files = [
        ROOT / "dashboard.py",
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "components").glob("*.py"),
        *(p for p in NEWSDESK.rglob("*.py") if p.relative_to(NEWSDESK).parts[0] != "db"),
    ]
    engine = {str(p.relative_to(ROOT)): sorted(imports_of(p) & {"sqlite3", "sqlite_utils"}) for p in files}
    assert {p: n for p, n in engine.items() if n} == {}
    reach = [str(p.relative_to(ROOT)) for p in files if re.search(r"\.conn\b", p.read_text("utf-8"))]
    assert reach == []


MAX_LINES = 650


def test_no_module_over_650_lines() -> None:
    """A module says one thing: none of the product's is longer than 650 lines (split it by what it
    reads or does, as score/decisions.py was into its grammar, horizon and legs)."""
    files = [*NEWSDESK.rglob("*.py"), *(ROOT / "components").glob("*.py"), *(ROOT / "pages").glob("*.py")]
    long = {str(p.relative_to(ROOT)): n for p in files if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_dashboards_reads_never_load_sqlite_utils(tmp_path) -> None:
    """sqlite-utils (over a second to import) serves writes and migrations only: the loaders and a
    read through ``newsdesk.db.open(..., readonly=True)`` never import it."""
    db = tmp_path / "x.db"
    code = (
        "import sys, sqlite3\n"
        f"sqlite3.connect({str(db)!r}).execute('CREATE TABLE t (x)')\n"
        "import components.loaders\nfrom newsdesk.db import open as open_database\n"
        f"conn = open_database({str(db)!r}, readonly=True)\n"
        "print(conn.execute('SELECT count(*) FROM t').fetchone()[0], 'sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "False"]
