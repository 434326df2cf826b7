"""Story candidates: MinHash signatures of title words and the LSH band tables that find similar titles.

datasketch fixes the hashing and the banding: its :class:`~datasketch.MinHash` (seed, permutations,
scheme) and the bands and rows :class:`~datasketch.MinHashLSH` picks for a threshold. This module
gives the same signatures and the same candidates at a fraction of the cost:

- a word's permuted hashes are computed once per process (vectorised over the new words of a
  title) and a title's signature is their minimum, which is what ``MinHash.update_batch`` computes;
- the bands live in plain dicts keyed by the band's bytes, where ``MinHashLSH``'s generic storage
  layer spent ~130 µs on an insert, a query and a removal of one title.

``tests/score/test_story_scale.py`` checks both against datasketch itself. Pure: no SQL, no streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

MAX_WORDS = 200_000  # words whose hashes are kept; past this the cache starts again (memory: 256 B a word)


class Signer:
    """MinHash signatures of word sets, equal to datasketch's ``MinHash(num_perm, seed)`` of the same
    words (each word hashed as its UTF-8 bytes)."""

    def __init__(self, num_perm: int, seed: int = 1) -> None:
        from datasketch import MinHash

        template = MinHash(num_perm=num_perm, seed=seed)
        self.num_perm, self.seed = num_perm, seed
        self.permutations, self.scheme = template.permutations, template.scheme
        self.empty = template.hashvalues.copy()  # the signature of no words
        self.rows: dict[str, int] = {}
        self.matrix = np.empty((1024, num_perm), dtype=self.empty.dtype)

    def signature(self, words: Sequence[str]) -> np.ndarray:
        """The MinHash signature (``num_perm`` hash values) of the set of ``words``."""
        if not words:
            return self.empty.copy()
        rows = self.rows
        new = [w for w in dict.fromkeys(words) if w not in rows]
        if new:
            if len(rows) + len(new) > MAX_WORDS:  # start the cache again (with this title's words)
                rows.clear()
                new = list(dict.fromkeys(words))
            self._learn(new)
        return self.matrix[[rows[w] for w in words]].min(axis=0)

    def learn(self, words: Sequence[str]) -> None:
        """Hash the words not yet known in one vectorised step (before many titles are signed)."""
        new = [w for w in dict.fromkeys(words) if w not in self.rows]
        if new and len(self.rows) + len(new) <= MAX_WORDS:
            self._learn(new)

    def _learn(self, new: list[str]) -> None:
        start, end = len(self.rows), len(self.rows) + len(new)
        if end > len(self.matrix):
            grown = np.empty((max(end, 2 * len(self.matrix)), self.num_perm), dtype=self.matrix.dtype)
            grown[:start] = self.matrix[:start]
            self.matrix = grown
        self.matrix[start:end] = self._hashes(new)
        for n, w in enumerate(new, start):
            self.rows[w] = n

    def _hashes(self, words: list[str]) -> np.ndarray:
        """Each word's permuted hash values (one row a word): datasketch's arithmetic for its default
        scheme, vectorised over the words; one MinHash a word for any other scheme."""
        from datasketch import MinHash

        encoded = [w.encode("utf-8") for w in words]
        if self.scheme == "affine32":
            from datasketch.hashfunc import sha1_hash32
            from datasketch.minhash import _fmix

            a, b = self.permutations
            hv = _fmix(np.array([sha1_hash32(w) for w in encoded], dtype=np.uint32).reshape(-1, 1), 32)
            return hv * a + b
        out = np.empty((len(words), self.num_perm), dtype=self.matrix.dtype)
        for n, w in enumerate(encoded):
            m = MinHash(num_perm=self.num_perm, seed=self.seed, permutations=self.permutations, scheme=self.scheme)
            m.update(w)
            out[n] = m.hashvalues
        return out


@lru_cache(maxsize=16)
def bands_and_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    """The bands and rows ``MinHashLSH(threshold, num_perm)`` picks. datasketch finds them by numerical
    integration (~40 ms) on every construction; a desk's settings give the same pair every time."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


class Bands:
    """LSH band tables over signatures: the bands and rows of datasketch's ``MinHashLSH(threshold,
    num_perm)``, so :meth:`query` returns the keys that ``MinHashLSH.query`` would."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.b, self.r = bands_and_rows(threshold, num_perm)
        self.tables: list[dict[bytes, set[str]]] = [{} for _ in range(self.b)]
        self.bands_of: dict[str, list[bytes]] = {}

    def keys(self, signature: np.ndarray) -> list[bytes]:
        """The band keys of a signature: the bytes of each band's ``r`` hash values."""
        used = np.ascontiguousarray(signature[: self.b * self.r])
        return used.view(np.dtype((np.void, self.r * used.itemsize))).tolist()

    def insert(self, key: str, signature: np.ndarray) -> None:
        bands = self.keys(signature)
        self.bands_of[key] = bands
        for table, band in zip(self.tables, bands, strict=True):
            bucket = table.get(band)
            if bucket is None:
                table[band] = {key}
            else:
                bucket.add(key)

    def query(self, signature: np.ndarray) -> set[str]:
        """The keys that share at least one band with ``signature``."""
        out: set[str] = set()
        for table, band in zip(self.tables, self.keys(signature), strict=True):
            bucket = table.get(band)
            if bucket:
                out |= bucket
        return out

    def remove(self, key: str) -> None:
        for table, band in zip(self.tables, self.bands_of.pop(key), strict=True):
            bucket = table[band]
            bucket.discard(key)
            if not bucket:
                del table[band]

    def __contains__(self, key: str) -> bool:
        return key in self.bands_of

    def __len__(self) -> int:
        return len(self.bands_of)
