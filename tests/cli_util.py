"""The command line run inside the test's own process: click's ``CliRunner`` on ``newsdesk.cli``, the
object ``python -m newsdesk`` runs, with its arguments, ``--db``, environment and working folder.

A ``python -m newsdesk`` process spends about a second of CPU importing before the command starts;
the suite runs the command line several hundred times, so a test uses :func:`run_cli` unless what it
checks is the process itself (a kill, a terminal, two processes at once, the entry point, an
installed copy): those start ``python -m newsdesk`` (tests/flows/test_cli.py keeps such tests).

What the caller sees is a :class:`subprocess.CompletedProcess` as ``subprocess.run(..., text=True)``
gives: the exit code click's standalone mode would end the process with, and stdout and stderr
apart (line ends as text mode reads them). An exception the command does not turn into an exit
code is raised in the test, where a process would have printed a traceback and exited 1.
"""

from __future__ import annotations

import logging
import os
import subprocess
import traceback
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT

PROG = "python -m newsdesk"  # the name the entry point gives itself when run with -m (newsdesk/cli/__init__.py)


def run_cli(
    *args: str,
    db: Path | str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m newsdesk ARGS [--db DB]`` run in this process from ``cwd`` (the checkout by
    default), with no default database (``NEWSDESK_DB`` empty) unless ``env`` sets one."""
    from newsdesk.cli import cli

    argv = [*map(str, args), *(["--db", str(db)] if db is not None else [])]
    before = Path.cwd()
    log = logging.getLogger("newsdesk")  # the command sets its level and adds its stderr handler
    level, handlers = log.level, list(log.handlers)
    os.chdir(cwd or ROOT)
    try:
        result = CliRunner().invoke(
            cli, argv, env={"NEWSDESK_DB": "", **(env or {})}, catch_exceptions=False, prog_name=PROG
        )
        done = subprocess.CompletedProcess([PROG, *argv], result.exit_code, result.stdout, result.stderr)
        if result.exc_info:  # the SystemExit's traceback holds the command's frames, so its database
            traceback.clear_frames(result.exc_info[2])  # handles: let them go, as a process's exit would
        del result
    finally:
        os.chdir(before)
        log.setLevel(level)
        log.handlers[:] = handlers
    return done
