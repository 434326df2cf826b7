"""Python's cycle collector paused around work that makes many small objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused for the block (as it was after): each of its passes walks every object
    of the process, and a block that allocates many small objects (a story step, a Scorecard view's rows)
    sets off many of them while freeing nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
