"""Shared fixtures: temporary databases, the shared sample, the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.db import schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "samples" / "000_7c1068f2d76877a6.txt"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh, not yet created database file."""
    return tmp_path / "test.db"


@pytest.fixture
def db(db_path: Path):
    """A fresh database with the current schema."""
    database = schema.connect(db_path)
    yield database
    database.close()


@pytest.fixture
def sample_path() -> Path:
    """The shared scored-article sample; the test is skipped only when shared/ is absent."""
    if not SAMPLE.parent.exists():
        pytest.skip("../shared/samples is not beside this checkout")
    assert SAMPLE.exists(), f"{SAMPLE} is missing although ../shared/samples exists"
    return SAMPLE
