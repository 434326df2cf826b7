"""newsdesk is a real package: ``pip install .`` gives a ``newsdesk`` command that finds its data.

The wheel is built offline from a copy of the sources (``--no-build-isolation`` with the pinned
setuptools of requirements-dev.txt) and installed into a folder of its own; the command then runs from
another directory, so nothing can come from the checkout by accident.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A ``pip install --target`` of newsdesk built from a clean copy of the sources."""
    tmp = tmp_path_factory.mktemp("pkg")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("*.db", "*.db-*", "__pycache__", "*.pyc")
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    for name in ("newsdesk", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    target = tmp / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--target", str(target), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def run_installed(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSDESK_DB", "PYTHONPATH")}
    env |= {"PYTHONPATH": str(target), "XDG_DATA_HOME": str(cwd / "xdg")}
    return subprocess.run(
        [sys.executable, str(target / "bin" / "newsdesk"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_console_script_help(installed: Path, tmp_path: Path) -> None:
    result = run_installed(installed, tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: newsdesk ")
    assert "ingest" in result.stdout and "init" in result.stdout


def test_installed_copy_builds_the_demo_from_its_own_data(installed: Path, tmp_path: Path) -> None:
    db = tmp_path / "X.db"
    result = run_installed(installed, tmp_path, "init", "--demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "120 added" in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 120
        assert conn.execute("SELECT count(*) FROM companies").fetchone()[0] > 100
    probe = subprocess.run(
        [sys.executable, "-c", "import newsdesk.config as c; print(c.DATA_DIR); print(c.DEFAULT_DB)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed), "XDG_DATA_HOME": str(tmp_path / "xdg")},
        capture_output=True,
        text=True,
        check=True,
    )
    data_dir, default_db = probe.stdout.splitlines()
    assert Path(data_dir) == installed / "newsdesk" / "_data"
    assert Path(default_db) == tmp_path / "xdg" / "newsdesk" / "newsdesk.db"


def test_installed_default_database_lives_in_the_user_data_folder(installed: Path, tmp_path: Path) -> None:
    result = run_installed(installed, tmp_path, "init")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "xdg" / "newsdesk" / "newsdesk.db").exists()
    assert not list((installed / "newsdesk").rglob("*.db"))


def test_checkout_reads_the_top_level_data_folder() -> None:
    from newsdesk import config

    assert not config.INSTALLED
    assert config.DATA_DIR == ROOT / "data"
    assert config.TAXONOMY_FILE.is_file() and any(config.DEMO_DIR.glob("*.txt"))
    assert config.DEFAULT_DB == ROOT / "data" / "newsdesk.db"


def test_every_package_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "newsdesk").rglob("__init__.py")} | {
        "newsdesk._data"
    }
    assert listed == found
