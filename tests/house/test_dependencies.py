"""Every third-party module the product or its tests import comes from a declared, pinned requirement.

A fresh machine has nothing but what requirements*.txt install: a module that only happens to be
installed here (by hand, or as some other package's dependency) would crash the first README command.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL = {"newsdesk", "components", "pages", "tests", "benchmarks", "tools", "dashboard"}
PRODUCT = ["newsdesk", "components", "pages", "dashboard.py"]
DEV_ONLY = ["tests", "benchmarks", "tools"]


def normal(name: str) -> str:
    """A distribution name as PEP 503 normalises it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path: Path) -> dict[str, str]:
    """``{normalised name: pinned line}`` of a requirements file, following ``-r`` includes."""
    out: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r"):
            out.update(requirements(path.parent / line[2:].strip()))
            continue
        name = re.match(r"[A-Za-z0-9_.\-]+", line).group(0)
        out[normal(name)] = line
    return out


def optional_import_nodes(tree: ast.AST) -> set[int]:
    """Ids of import nodes guarded by ``try: ... except ImportError`` (optional extras)."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        caught = {
            n.id for h in node.handlers if h.type is not None for n in ast.walk(h.type) if isinstance(n, ast.Name)
        }
        if caught & {"ImportError", "ModuleNotFoundError"}:
            for stmt in node.body:
                guarded.update(id(n) for n in ast.walk(stmt) if isinstance(n, ast.Import | ast.ImportFrom))
    return guarded


def third_party_imports(paths: list[str]) -> dict[str, str]:
    """``{top-level module: first file importing it}`` for the non-stdlib, non-local, non-optional imports."""
    found: dict[str, str] = {}
    files: list[Path] = []
    for rel in paths:
        p = ROOT / rel
        files.extend([p] if p.is_file() else sorted(p.rglob("*.py")) if p.is_dir() else [])
    for f in files:
        tree = ast.parse(f.read_text("utf-8"))
        optional = optional_import_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in LOCAL or top == "__future__":
                    continue
                found.setdefault(top, str(f.relative_to(ROOT)))
    return found


def undeclared(imports: dict[str, str], declared: dict[str, str]) -> list[str]:
    dists = packages_distributions()
    missing = []
    for module, where in sorted(imports.items()):
        owners = {normal(d) for d in dists.get(module, [])}
        if not owners:
            missing.append(f"{module} (imported in {where}) is provided by no installed distribution")
        elif not owners & declared.keys():
            missing.append(f"{module} (imported in {where}) comes from {sorted(owners)}, which is not declared")
    return missing


@pytest.mark.parametrize(
    ("paths", "req_file"),
    [(PRODUCT, "requirements.txt"), (DEV_ONLY, "requirements-dev.txt")],
    ids=["product-needs-requirements.txt", "tests-need-requirements-dev.txt"],
)
def test_every_import_is_declared(paths: list[str], req_file: str) -> None:
    imports = third_party_imports(paths)
    assert "pandas" in imports or req_file.endswith("dev.txt")  # the walk really reads the sources
    assert undeclared(imports, requirements(ROOT / req_file)) == []


@pytest.mark.parametrize("req_file", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_pinned(req_file: str) -> None:
    loose = [line for line in requirements(ROOT / req_file).values() if "==" not in line]
    assert loose == []


def test_the_installable_core_declares_what_it_imports() -> None:
    """``pip install .`` ships newsdesk/ alone: its imports must be in [project] dependencies, and
    those must be the pinned runtime requirements."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    deps = {normal(re.match(r"[A-Za-z0-9_.\-]+", d).group(0)): d for d in project["dependencies"]}
    assert undeclared(third_party_imports(["newsdesk"]), deps) == []
    assert set(deps) <= set(requirements(ROOT / "requirements.txt"))


def test_the_checker_names_an_undeclared_module() -> None:
    """The check itself fails on a module that no declared distribution provides."""
    problems = undeclared({"yaml": "x.py", "no_such_module_xyz": "y.py"}, {"pandas": "pandas==3.1.1"})
    assert any(p.startswith("no_such_module_xyz (imported in y.py)") for p in problems)
    assert len(problems) == 2
