"""What every command shares: the ``newsdesk`` command group, the ``--db`` option and opening the
database the user chose (errors are :class:`click.ClickException`: ``Error: ...`` on stderr, exit 1)."""

from __future__ import annotations

import click

from newsdesk.cli import logs
from newsdesk.config import DEFAULT_DB, ENV_DB, resolve_db_path
from newsdesk.db import open as open_database
from newsdesk.errors import NewsdeskError

DB_HELP = f"SQLite database file, or a postgresql:// URL (default: ${ENV_DB}, else {DEFAULT_DB})."


def db_option(f):
    """The ``--db PATH`` option every command takes."""
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None, help=DB_HELP)(f)


def open_db(db_path: str | None):
    """Open (creating if needed) the database the user chose: ``(handle, path)``."""
    path = resolve_db_path(db_path)
    try:
        return open_database(path), path
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # the engine's error: not a database, unwritable folder...
        raise click.ClickException(f"cannot open database {path}: {exc}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=None, version=__import__("newsdesk").__version__, prog_name="newsdesk")
@click.option("-v", "--verbose", count=True, help="Log what is fetched, added, rejected, retried (stderr; -vv: more).")
@click.option("-q", "--quiet", is_flag=True, help="Log errors only.")
def cli(verbose: int, quiet: bool) -> None:
    """newsdesk: ingest, score, store and export investor news."""
    logs.configure(verbose, quiet)
