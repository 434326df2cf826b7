"""Story candidates: MinHash signatures of title words and the LSH band tables that find similar titles.

datasketch fixes the hashing and the banding: its :class:`~datasketch.MinHash` (seed, permutations,
scheme) and the bands and rows :class:`~datasketch.MinHashLSH` picks for a threshold. This module
gives the same signatures and the same candidates at a fraction of the cost:

- a word's permuted hashes are computed once per process (vectorised over the new words) and a
  title's signature is their minimum, which is what ``MinHash.update_batch`` computes; the
  signatures of a batch of titles are one ``np.minimum.reduceat``;
- the bands live in plain dicts keyed by each band's values read as one integer (through a
  one-to-one mix), where ``MinHashLSH``'s generic storage layer spent ~130 µs on an insert, a query
  and a removal of one title; inserts, queries and removals run their loop over the bands in C;
- datasketch itself is not imported on this path: importing it imports SciPy (for the integral
  that picks bands and rows), ~0.35 s of CPU in every process that ingests. The signatures follow
  datasketch 2's default scheme (``affine32``: SHA-1's first 4 bytes, MurmurHash3's finaliser, an
  affine map per permutation drawn from ``RandomState(seed)``), and the bands and rows of the
  desk's settings are datasketch's, kept in :data:`BANDS_AND_ROWS` (other settings ask datasketch).

``tests/score/test_story_scale.py`` checks all of it against datasketch itself. Pure: no SQL, no
streamlit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import lru_cache
from hashlib import sha1
from itertools import accumulate, repeat

import numpy as np

SWEEP = 4096  # empty buckets are swept out once the removals since the last sweep pass the keys held + this
MAX_WORDS = 200_000  # words whose hashes are kept; past this the cache starts again (memory: 256 B a word)
# (threshold, permutations) -> the (bands, rows) MinHashLSH picks (datasketch 2.0; checked by the tests)
BANDS_AND_ROWS = {(0.2, 64): (28, 2)}
MAX_HASH = np.uint32(0xFFFFFFFF)  # the signature of no words: datasketch's empty value for affine32


def permutations(num_perm: int, seed: int) -> np.ndarray:
    """datasketch 2's affine32 permutations of ``MinHash(num_perm, seed)``: rows ``a`` (odd) and ``b``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (datasketch's pre-mix of each word's hash), on uint32 arrays."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


class Signer:
    """MinHash signatures of word sets, equal to datasketch's ``MinHash(num_perm, seed)`` of the same
    words (each word hashed as its UTF-8 bytes; datasketch 2's default scheme, ``affine32``)."""

    def __init__(self, num_perm: int, seed: int = 1) -> None:
        self.num_perm, self.seed = num_perm, seed
        self.permutations, self.scheme = permutations(num_perm, seed), "affine32"
        self.empty = np.full(num_perm, MAX_HASH, dtype=np.uint32)  # the signature of no words
        self.rows: dict[str, int] = {}
        self.matrix = np.empty((1024, num_perm), dtype=np.uint32)

    def signature(self, words: Collection[str]) -> np.ndarray:
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

    def signatures(self, titles: Sequence[Collection[str]]) -> np.ndarray:
        """The signatures of many word sets at once (one row each; none may be empty): each row is
        the minimum over its words' hash rows, as :meth:`signature` computes it, in one numpy step."""
        flat = [w for title in titles for w in title]
        if not flat:
            return np.empty((0, self.num_perm), dtype=self.matrix.dtype)
        rows = self.rows
        new = [w for w in dict.fromkeys(flat) if w not in rows]
        if new:
            if len(rows) + len(new) > MAX_WORDS:  # start the cache again (with these titles' words)
                rows.clear()
                new = list(dict.fromkeys(flat))
                if len(new) > MAX_WORDS:  # more words than the cache holds: one title at a time
                    return np.stack([self.signature(title) for title in titles])
            self._learn(new)
        starts = np.fromiter(accumulate(map(len, titles), initial=0), dtype=np.intp, count=len(titles) + 1)
        at = np.fromiter(map(rows.__getitem__, flat), dtype=np.intp, count=len(flat))
        return np.minimum.reduceat(self.matrix[at], starts[:-1], axis=0)

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
        """Each word's permuted hash values (one row a word): datasketch's arithmetic for affine32
        (``sha1_hash32``, ``_fmix``, then ``a * h + b`` modulo 2**32), vectorised over the words."""
        digests = b"".join([sha1(w.encode("utf-8")).digest()[:4] for w in words])
        a, b = self.permutations
        return fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32).reshape(-1, 1)) * a + b


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a one-to-one map of 64-bit integers (xor-shifts and odd multipliers
    modulo 2**64 are each invertible), so equal band keys stay equal and distinct ones distinct. A
    band's raw integer has poorly spread low bits (titles that share the word with the smallest hash
    share its first value), which Python's dicts index by: mixed, a bucket lookup costs one probe."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@lru_cache(maxsize=16)
def bands_and_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    """The bands and rows ``MinHashLSH(threshold, num_perm)`` picks: from :data:`BANDS_AND_ROWS` for
    the desk's settings, else from datasketch (by numerical integration, ~40 ms, and SciPy's import)."""
    if (threshold, num_perm) in BANDS_AND_ROWS:
        return BANDS_AND_ROWS[threshold, num_perm]
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


class Bands:
    """LSH band tables over signatures: the bands and rows of datasketch's ``MinHashLSH(threshold,
    num_perm)``, so :meth:`query` returns the keys that ``MinHashLSH.query`` would.

    A band's key is its ``r`` hash values read as one unsigned integer when they fit in 8 bytes (two
    32-bit values: datasketch's default; equal integers are equal bytes), put through :func:`mix`,
    else their bytes. The
    ``*_bands`` methods take keys made once by :meth:`keys` or :meth:`keys_of` (a title's keys are
    made once for its query and its insert, and a batch's in one numpy step)."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.b, self.r = bands_and_rows(threshold, num_perm)
        self.tables: list[defaultdict[object, set[str]]] = [defaultdict(set) for _ in range(self.b)]
        self.bands_of: dict[str, list] = {}
        self.removed = 0  # removals since the empty buckets were last swept out

    def keys_of(self, signatures: np.ndarray) -> list[list]:
        """The band keys of each row of ``signatures`` (one list of ``b`` keys a row)."""
        used = np.ascontiguousarray(signatures[:, : self.b * self.r])
        size = self.r * used.itemsize
        if size not in (1, 2, 4, 8):
            return used.view(np.dtype((np.void, size))).tolist()
        return mix(used.view(np.dtype(f"u{size}")).astype(np.uint64)).tolist()

    def keys(self, signature: np.ndarray) -> list:
        """The band keys of one signature."""
        return self.keys_of(signature.reshape(1, -1))[0]

    def insert(self, key: str, signature: np.ndarray) -> None:
        self.insert_bands(key, self.keys(signature))

    def insert_bands(self, key: str, bands: list) -> None:
        self.bands_of[key] = bands
        any(map(set.add, map(defaultdict.__getitem__, self.tables, bands), repeat(key)))  # a C loop

    def query(self, signature: np.ndarray) -> set[str]:
        """The keys that share at least one band with ``signature``."""
        return self.query_bands(self.keys(signature))

    def query_bands(self, bands: list) -> set[str]:
        return set().union(*filter(None, map(dict.get, self.tables, bands)))

    def remove(self, key: str) -> None:
        """Take ``key`` out of its buckets. A bucket left empty stays until the next sweep (every
        removal sweeping its own would cost a Python loop; an empty bucket adds no candidate)."""
        any(map(set.discard, map(dict.__getitem__, self.tables, self.bands_of.pop(key)), repeat(key)))
        self.removed += 1
        if self.removed > len(self.bands_of) + SWEEP:
            self.removed = 0
            for n, table in enumerate(self.tables):
                self.tables[n] = defaultdict(set, {band: bucket for band, bucket in table.items() if bucket})

    def __contains__(self, key: str) -> bool:
        return key in self.bands_of

    def __len__(self) -> int:
        return len(self.bands_of)
