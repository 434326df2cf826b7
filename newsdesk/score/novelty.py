"""The novelty window: recent titles held in memory, with an index from each word to the titles that
use it, so a title's overlaps with the window cost the titles it shares a word with, not a scan.

Titles are fed in time order (``push``); a look-up at a moment (``overlaps``) first drops the titles
older than :data:`HOURS` before it, keeping the :data:`LIMIT` most recent. Moments are ISO-8601
texts compared as text (as the database compares ``published_at``). Pure: no SQL, no I/O.
"""

from __future__ import annotations

import functools
from collections import Counter, deque
from datetime import datetime, timedelta
from itertools import chain

import numpy as np

from newsdesk.domain.identity import iso_utc
from newsdesk.score.impact import COPY_OVERLAP, title_words

HOURS = 72
LIMIT = 500  # the most recent titles of the window a title is compared with


@functools.lru_cache(maxsize=8192)
def hours_before(iso: str, hours: int = HOURS) -> str:
    """``iso`` moved back by ``hours`` (returned unchanged when it is not a date)."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return iso_utc(moment - timedelta(hours=hours))


@functools.lru_cache(maxsize=4096)
def words_of(title: str) -> frozenset[str]:
    """``title_words``, memoised (a small cache: the stored titles of a chunk's window are read again
    by the next chunk)."""
    return title_words(title)


class TitleWindow:
    """The titles of the :data:`HOURS` before a moment (the :data:`LIMIT` most recent), fed in time
    order; ties keep the order they were pushed in."""

    def __init__(self, hours: int = HOURS, limit: int = LIMIT) -> None:
        self.hours, self.limit = hours, limit
        self.entries: deque[tuple[str, int, frozenset[str]]] = deque()  # (moment, key, words), oldest first
        self.index: dict[str, set[int]] = {}
        self.sizes: dict[int, int] = {}
        self.next_key = 0
        # the window's keys are consecutive (pushed in order, dropped oldest first), so ``key % limit``
        # is a slot of its own: the title lengths by slot, for :meth:`novelty`
        self.slot_sizes = np.zeros(max(1, limit), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.entries)

    def push(self, moment: str, words: frozenset[str]) -> None:
        """Add a title published at ``moment`` (no earlier than any title pushed before)."""
        key = self.next_key
        self.next_key += 1
        self.entries.append((moment, key, words))
        self.sizes[key] = len(words)
        self.slot_sizes[key % len(self.slot_sizes)] = len(words)
        for w in words:
            self.index.setdefault(w, set()).add(key)
        if len(self.entries) > self.limit:
            self._drop()

    def _drop(self) -> None:
        _moment, key, words = self.entries.popleft()
        del self.sizes[key]
        for w in words:
            keys = self.index[w]
            keys.discard(key)
            if not keys:
                del self.index[w]

    def evict_before(self, end: str) -> None:
        """Drop the titles published before the window of a look-up at ``end``."""
        start = hours_before(end, self.hours)
        while self.entries and self.entries[0][0] < start:
            self._drop()

    def overlaps(self, words: frozenset[str]) -> list[tuple[float, int]]:
        """``(overlap, titles)``: the word overlaps (Jaccard) of ``words`` with the titles in the window
        that share a word with it (the others overlap 0), each with how many titles overlap that much."""
        if not words:
            return []
        shared: Counter[int] = Counter()
        for w in words:
            keys = self.index.get(w)
            if keys:
                shared.update(keys)
        # titles sharing as many words and as long overlap as much: count those pairs (in C), then divide
        pairs = Counter(zip(shared.values(), map(self.sizes.__getitem__, shared), strict=True))
        n = len(words)
        return [(common / (n + size - common), count) for (common, size), count in pairs.items()]

    def novelty(self, words: frozenset[str]) -> tuple[float, int]:
        """``novelty_counted(self.overlaps(words))`` (:func:`newsdesk.score.impact.novelty_counted`):
        the novelty of a title and its earlier copies in the window, counted with numpy (the shared
        words of every title at once) instead of a Python counter per title."""
        n = len(words)
        postings = [posting for w in words if (posting := self.index.get(w))]
        if not postings:
            return 1.0, 0
        keys = np.fromiter(chain.from_iterable(postings), dtype=np.int64, count=sum(map(len, postings)))
        shared = np.bincount(keys % len(self.slot_sizes), minlength=len(self.slot_sizes))
        slots = np.flatnonzero(shared)
        common = shared[slots]
        overlap = common / (n + self.slot_sizes[slots] - common)
        copies = int(np.count_nonzero(overlap >= COPY_OVERLAP))
        return (1.0 - float(overlap.max())) / max(1, copies), copies
