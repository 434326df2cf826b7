"""The CLI's log: what the flows log (fetched, added, rejected, retried) goes to stderr, so a command's
own output on stdout is unchanged. Default WARNING; ``-v`` INFO, ``-vv`` DEBUG; ``-q`` errors only."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

LOGGER = "newsdesk"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_handler: logging.StreamHandler[TextIO] | None = None


def level_for(verbose: int, quiet: bool) -> int:
    """The level of ``-v`` given ``verbose`` times and ``-q``: quiet wins."""
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


def configure(verbose: int = 0, quiet: bool = False) -> None:
    """Send newsdesk's log records at that level to the current stderr (one handler, reused)."""
    global _handler
    logger = logging.getLogger(LOGGER)
    logger.setLevel(level_for(verbose, quiet))
    if _handler is None:
        _handler = logging.StreamHandler(sys.stderr)
        _handler.setFormatter(logging.Formatter(FORMAT, "%Y-%m-%dT%H:%M:%S"))
        logger.addHandler(_handler)
    else:
        _handler.setStream(sys.stderr)  # a test runner may have swapped stderr since
