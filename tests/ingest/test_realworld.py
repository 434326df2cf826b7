"""The real-world corpus: every file of ``tests/fixtures/realworld/`` through ``newsdesk ingest``, with the
counts and exit code in the ``.counts.json`` beside it (see that folder's README for provenance), and
the shared samples (``../shared/samples``) when they are present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli

HERE = Path(__file__).resolve().parents[1]
CORPUS = HERE / "fixtures" / "realworld"
FILES = sorted(p for p in CORPUS.iterdir() if p.is_file() and not p.name.endswith((".counts.json", ".md")))
SHARED = HERE.parent.parent / "shared" / "samples"
SHARED_COUNTS = json.loads((CORPUS / "shared_samples.counts.json").read_text("utf-8"))


def ingest(path: Path, db: Path):
    """``newsdesk ingest PATH --db DB``: its exit code, its counts line and its error output."""
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    first = result.stdout.splitlines()[0] if result.stdout else ""
    added, duplicates, rejected = (int(part.split()[0]) for part in first.split(", "))
    return result.exit_code, (added, duplicates, rejected), result.stderr


def check(path: Path, want: dict, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    code, counts, stderr = ingest(path, db)
    assert (code, counts) == (want["exit"], (want["added"], want["duplicates"], want["rejected"])), stderr
    assert "Traceback" not in stderr
    if "stderr_contains" in want:
        assert want["stderr_contains"] in stderr, stderr
    if want["exit"] == 0:
        again_code, again, _ = ingest(path, db)
        assert again_code == 0 and again[0] == 0 and again[1] == want["added"] + want["duplicates"]


def test_every_corpus_file_has_counts() -> None:
    assert len(FILES) >= 15
    for path in FILES:
        assert path.with_name(path.name + ".counts.json").exists(), path


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file(path: Path, tmp_path: Path) -> None:
    check(path, json.loads(path.with_name(path.name + ".counts.json").read_text("utf-8")), tmp_path)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/samples is not on this machine")
@pytest.mark.parametrize("name", sorted(SHARED_COUNTS))
def test_shared_sample(name: str, tmp_path: Path) -> None:
    check(SHARED / name, SHARED_COUNTS[name], tmp_path)
