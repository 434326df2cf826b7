"""Architecture rules from DESIGN.md §1, checked on the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

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
