"""Whole-word multi-phrase matching with Aho-Corasick (pyahocorasick)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import ahocorasick


class PhraseMatcher:
    """Find many phrases in a text at once, only where they stand as whole words.

    Phrases are matched case-insensitively; each maps to a payload. Overlapping hits are resolved
    longest-first, left to right.
    """

    def __init__(self, phrases: Iterable[tuple[str, Any]]) -> None:
        self._automaton = ahocorasick.Automaton()
        store: dict[str, list[Any]] = {}
        for phrase, payload in phrases:
            key = phrase.strip().lower()
            if key:
                store.setdefault(key, []).append(payload)
        for key, payloads in store.items():
            # what find checks of a key, read once: its length and whether it starts and ends a word
            self._automaton.add_word(key, (key, payloads, len(key) - 1, key[0].isalnum(), key[-1].isalnum()))
        self.empty = not store
        if not self.empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> Iterator[tuple[int, int, str, list[Any]]]:
        """Yield ``(start, end, phrase, payloads)`` for each whole-word, non-overlapping hit."""
        if self.empty or not text:
            return iter(())
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two; keep offsets aligned
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        hits = []
        last = len(low) - 1
        for end_idx, (key, payloads, before_end, opens, closes) in self._automaton.iter(low):
            start = end_idx - before_end
            if opens and start > 0 and low[start - 1].isalnum():  # inside a word
                continue
            if closes and end_idx < last and low[end_idx + 1].isalnum():
                continue
            hits.append((start, end_idx + 1, key, payloads))
        if len(hits) < 2:
            return iter(hits)
        hits.sort(key=lambda h: (h[0], h[0] - h[1]))  # leftmost, then longest
        out = []
        last_end = -1
        for hit in hits:
            if hit[0] >= last_end:
                last_end = hit[1]
                out.append(hit)
        return iter(out)


def weighted_phrase(raw: str) -> tuple[str, float]:
    """``"phrase:0.5"`` -> ("phrase", 0.5); a phrase without a (valid) weight weighs 1."""
    phrase, sep, weight = raw.rpartition(":")
    if sep and phrase:
        try:
            return phrase.strip(), float(weight)
        except ValueError:
            pass
    return raw.strip(), 1.0
