"""Where things live: the shipped data folder and the database path resolution.

newsdesk runs from a checkout (the data is the repository's top-level ``data/``) or from an installed
copy (``pip install .`` ships that folder as the package ``newsdesk._data``). The default database is
``data/newsdesk.db`` in a checkout; an installed copy never writes inside site-packages and uses
``$XDG_DATA_HOME/newsdesk/newsdesk.db`` (``~/.local/share/newsdesk/newsdesk.db``) instead.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent


def _installed() -> bool:
    """True when this is an installed copy (the data travels inside the package)."""
    return (PACKAGE_DIR / "_data" / "taxonomy.toml").is_file()


def _user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsdesk"


INSTALLED = _installed()
DATA_DIR = PACKAGE_DIR / "_data" if INSTALLED else ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"
TAXONOMY_FILE = DATA_DIR / "taxonomy.toml"
DEFAULT_DB = _user_data_dir() / "newsdesk.db" if INSTALLED else DATA_DIR / "newsdesk.db"
ENV_DB = "NEWSDESK_DB"
HIGH_IMPACT = 0.7  # an article at or above this impact counts as "high impact" (KPIs, daily_totals)
ENV_READONLY = "NEWSDESK_READONLY"


def read_only() -> bool:
    """True when ``$NEWSDESK_READONLY`` is 1/true/yes/on: the dashboard then opens the database
    read-only and offers no writes (for shared deployments)."""
    return os.environ.get(ENV_READONLY, "").strip().lower() in ("1", "true", "yes", "on")


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path | str:
    """Return the database path: ``explicit`` if given, else ``$NEWSDESK_DB``, else :data:`DEFAULT_DB`.
    A ``postgresql://`` URL (a server's database) stays the string it is."""
    chosen = explicit or os.environ.get(ENV_DB)
    if isinstance(chosen, str) and chosen.startswith(("postgresql://", "postgres://")):
        return chosen
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env)
    return DEFAULT_DB
