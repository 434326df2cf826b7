"""Architecture rules of ARCHITECTURE.md ("Layers"), checked on the source."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
