"""What every page does first: configure, find the database, draw the shared sidebar."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components import loaders
from components.filters import sidebar
from components.layout import alerts_badge
from newsdesk.domain.filters import Filters

# The favicon: the same picture Streamlit's frontend draws for ``page_icon="📰"`` (an SVG data URL of the
# emoji as text), given as that URL with the emoji percent-encoded. A non-ASCII icon made Streamlit import
# its catalogue of every emoji to check it (``streamlit.emojis``: a regular expression over ~3,900
# sequences, 50-60 ms of CPU at every process's first page run); an ASCII data URL is passed through.
FAVICON = (
    "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>"
    "<text y='.9em' font-size='90'>%F0%9F%93%B0</text></svg>"
)


@dataclass(frozen=True)
class PageContext:
    """The database a page shows, its data version (for cache keys) and the view's filters."""

    path: Path | str  # a SQLite file, or a postgresql:// URL
    version: int
    filters: Filters


def _freeze_once() -> None:
    """Move every object alive at the first page start of the process (the imported modules: pandas,
    Streamlit, Altair's templates, newsdesk) out of the garbage collector's reach, once: a full collection
    walked them all, 60-120 ms that fell on whichever run crossed the threshold (a filter change of the
    Decisions page at a million articles, twice in two runs). Later objects are collected as before; a
    cycle already garbage at that moment is never freed (the few an import leaves)."""
    if not getattr(_freeze_once, "done", False):
        gc.freeze()
        _freeze_once.done = True  # type: ignore[attr-defined]


def _skip_repl_probe() -> None:
    """Spare the first element of the process Streamlit's "are we in a REPL?" probe. Streamlit 1.67 asks it
    once per process, at the first element it sends (``delta_generator._maybe_print_use_warning``), through
    ``inspect.stack()``, which finds each frame's module by resolving the file of every module loaded (1,300
    with pandas and pyarrow: ~50 ms of CPU and ~10,000 ``lstat`` calls, 0.1-0.25 s of the Overview's first
    run). The probe chooses between two warnings for a script run without ``streamlit run``; a page
    started here runs in a script run context (the server's or AppTest's), where neither applies. The
    flag is the one Streamlit sets after asking (a later version without it ignores the attribute)."""
    from streamlit import delta_generator
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx() is not None:
        delta_generator._use_warning_has_been_displayed = True


def start(name: str, authors: bool = False) -> PageContext:
    """Set the page config (title ``newsdesk · <name>``), open the database (built from the demo
    corpus on first start) and draw the shared filter bar (with the authors of analyst calls when
    ``authors``: the Decisions and Scorecard pages)."""
    st.set_page_config(page_title=f"newsdesk · {name}", page_icon=FAVICON, layout="wide")
    _freeze_once()
    _skip_repl_probe()
    path = loaders.database_path()
    version = loaders.data_version(path)
    filters = sidebar(path, version, authors)
    alerts_badge(loaders.unseen_alerts(str(path)))
    return PageContext(path, version, filters)
