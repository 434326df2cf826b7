"""Docs that cannot drift: the README's commands are the code's."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_test_command_is_the_ci_command() -> None:
    """.ci/run runs the README's test command (lint, types, tests), word for word."""
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    ci_line = re.search(r"^(pip install -q -r requirements-dev\.txt && .*?) \|\| status=\$\?$", ci, re.M)
    assert ci_line, ".ci/run has no `pip install ... || status=$?` line"
    assert f"\n{ci_line.group(1)}\n" in README
    assert "mypy" in ci_line.group(1).split(" && ")
