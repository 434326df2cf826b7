"""The command line: ``python -m newsdesk``. Each command wraps one flow or core function; the
commands live by group in :mod:`~newsdesk.cli.store`, :mod:`~newsdesk.cli.export`,
:mod:`~newsdesk.cli.prices`, :mod:`~newsdesk.cli.feeds` and :mod:`~newsdesk.cli.alerts`; ``bench``
comes from a checkout's ``benchmarks/cli.py``.

Exit codes: 0 ok, 1 error (an ``Error:`` line on stderr), 2 usage; ``ingest`` also 3 when an input
was read but every record in it was rejected; ``alerts check`` 4 when an alert fired.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsdesk.cli import alerts as alert_commands
from newsdesk.cli import export, feeds, prices, store  # noqa: F401 - each registers its commands on cli
from newsdesk.cli.common import cli
from newsdesk.config import ROOT

__all__ = ["cli", "main"]

cli.add_command(alert_commands.alerts)
cli.add_command(alert_commands.brief)


def _bench_group() -> click.Command:
    """The ``bench`` group of a checkout's ``benchmarks/cli.py``, or a stand-in that says where the
    benchmarks are when this copy has none (an installed package)."""
    if (ROOT / "benchmarks" / "__init__.py").exists() and str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.cli import bench
    except ModuleNotFoundError as exc:
        if exc.name not in ("benchmarks", "benchmarks.cli"):
            raise
    else:
        return bench

    @click.command(
        "bench", context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}
    )
    def bench_missing() -> None:
        """Benchmarks, each printed beside its baseline. Without a subcommand: the scale bench."""
        raise click.ClickException(
            f"the benchmarks are not here ({ROOT / 'benchmarks'} is missing): `python -m newsdesk bench` "
            "runs from a newsdesk checkout, e.g. after `git clone` of the project"
        )

    return bench_missing


cli.add_command(_bench_group())


def main() -> None:
    """Entry point of ``python -m newsdesk`` and of the ``newsdesk`` console script."""
    cli(prog_name="newsdesk" if Path(sys.argv[0]).name == "newsdesk" else "python -m newsdesk")
