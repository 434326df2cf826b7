"""The CLI's log: what the flows log (fetched, added, rejected, retried) goes to stderr, so a command's
own output on stdout is unchanged. Default WARNING; ``-v`` INFO, ``-vv`` DEBUG; ``-q`` errors only."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

LOGGER = "newsdesk"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (a test runner swaps it per command)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:  # StreamHandler.__init__ sets it: always stderr here
        pass


def level_for(verbose: int, quiet: bool) -> int:
    """The level of ``-v`` given ``verbose`` times and ``-q``: quiet wins."""
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


def configure(verbose: int = 0, quiet: bool = False) -> None:
    """Send newsdesk's log records at that level to stderr (one handler, added once)."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(level_for(verbose, quiet))
    if not any(isinstance(h, StderrHandler) for h in logger.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter(FORMAT, "%Y-%m-%dT%H:%M:%S"))
        logger.addHandler(handler)
