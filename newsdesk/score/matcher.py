"""Whole-word multi-phrase matching with Aho-Corasick (pyahocorasick)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import ahocorasick

_GAP = "\x00"  # stands for every character that is not alphanumeric in the gapped copy of a text
_NOT_ALNUM = re.compile(r"[\W_]")  # exactly the characters for which str.isalnum() is false
_ASCII_GAPS = bytes(b if chr(b).isalnum() else 0 for b in range(256))


def _gapped(low: str) -> str:
    """``low`` with each non-alphanumeric character a gap (same offsets)."""
    if low.isascii():
        return low.encode("ascii").translate(_ASCII_GAPS).decode("ascii")
    return _NOT_ALNUM.sub(_GAP, low)


class PhraseMatcher:
    """Find many phrases in a text at once, only where they stand as whole words.

    Phrases are matched case-insensitively; each maps to a payload. Overlapping hits are resolved
    longest-first, left to right.

    The scan reads a gapped copy of the lower-cased text, between two gaps, each non-alphanumeric
    character a gap, for each phrase gapped alike with a gap before it if it opens on an alphanumeric
    and after it if it closes on one: so it reports only hits that stand as whole words (none inside a
    word to test and drop); a phrase holding a non-alphanumeric is then checked against the text.
    """

    def __init__(self, phrases: Iterable[tuple[str, Any]]) -> None:
        store: dict[str, list[Any]] = {}
        for phrase, payload in phrases:
            key = phrase.strip().lower()
            if key:
                store.setdefault(key, []).append(payload)
        gapped: dict[str, list[tuple[str, list[Any], int]]] = {}  # gapped key -> the keys it stands for
        for key, payloads in store.items():
            opens, closes = key[0].isalnum(), key[-1].isalnum()
            gapped.setdefault(_GAP * opens + _gapped(key) + _GAP * closes, []).append((key, payloads, closes))
        self._automaton = ahocorasick.Automaton()
        for gkey, keys in gapped.items():
            # a hit ending at e in the gapped text (one gap before the text's first character) ends the
            # key at e - closes in the text; a key without non-alphanumerics is then the hit itself
            self._automaton.add_word(gkey, (len(keys) == 1 and keys[0][0].isalnum(), keys))
        self.empty = not store
        if not self.empty:
            self._automaton.make_automaton()

    def phrases(self) -> list[tuple[str, Any]]:
        """Every ``(phrase, payload)`` the matcher holds, phrases lower-cased and stripped."""
        if self.empty:
            return []
        return [(key, p) for _exact, keys in self._automaton.values() for key, payloads, _c in keys for p in payloads]

    def find(self, text: str) -> Iterator[tuple[int, int, str, list[Any]]]:
        """Yield ``(start, end, phrase, payloads)`` for each whole-word, non-overlapping hit."""
        if self.empty or not text:
            return iter(())
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two; keep offsets aligned
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        hits = []
        for end_idx, (exact, keys) in self._automaton.iter(_GAP + _gapped(low) + _GAP):
            if exact:  # opens and closes on alphanumerics: the text's hit ends at end_idx - 1
                key, payloads, _closes = keys[0]
                hits.append((end_idx - 1 - len(key), end_idx - 1, key, payloads))
                continue
            for key, payloads, closes in keys:
                end = end_idx - closes
                start = end - len(key)
                if start >= 0 and low[start:end] == key:
                    hits.append((start, end, key, payloads))
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
