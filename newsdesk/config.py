"""Where things live: the repository's data folder and the database path resolution."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"
TAXONOMY_FILE = DATA_DIR / "taxonomy.toml"
DEFAULT_DB = DATA_DIR / "newsdesk.db"
ENV_DB = "NEWSDESK_DB"
HIGH_IMPACT = 0.7  # an article at or above this impact counts as "high impact" (KPIs, daily_totals)
ENV_READONLY = "NEWSDESK_READONLY"


def read_only() -> bool:
    """True when ``$NEWSDESK_READONLY`` is 1/true/yes/on: the dashboard then opens the database
    read-only and offers no writes (for shared deployments)."""
    return os.environ.get(ENV_READONLY, "").strip().lower() in ("1", "true", "yes", "on")


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """Return the database path: ``explicit`` if given, else ``$NEWSDESK_DB``, else ``data/newsdesk.db``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env)
    return DEFAULT_DB
