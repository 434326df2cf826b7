"""The finance sentiment lexicon (``data/sentiment_lexicon.toml``) compiled for fast matching.

Every term becomes an :class:`Entry` keyed by its token tuple; a term listed in several groups
(``up`` and ``polar`` say) gets one entry that carries both roles. Matching is longest-first
from each token, starting only at tokens that begin some term.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from newsdesk.config import DATA_DIR

LEXICON_FILE = DATA_DIR / "sentiment_lexicon.toml"
TOKEN = re.compile(r"[a-z0-9$]+(?:['’.,\-][a-z0-9]+)*|[;:,.!?]")
# "3-month high", "seven-year low", "52-week high": any span of days, weeks, months or years is one token
SPAN = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty)"
    r"-(day|week|month|year|quarter)\b"
)


@dataclass
class Entry:
    """What one term does. Unset roles are None."""

    term: str
    direction: float | None = None  # +strength for up words, -strength for down words
    metric: float | None = None  # +1 good-when-up, -1 bad-when-up
    metric_weight: float = 0.0  # the metric's own polarity when nothing moves it
    polar: float | None = None
    intensifier: float | None = None
    negator: float | None = None
    neutral: bool = False
    event: float | None = None  # a negative event (collapse, administration, job losses): never a direction


Node = tuple["Entry | None", dict[str, "Node"]]


@dataclass(frozen=True)
class Lexicon:
    """A compiled lexicon: entries by token tuple and, per first token, the longest term length."""

    version: str
    entries: dict[tuple[str, ...], Entry]
    starts: dict[str, int]
    # the entries as a tree of tokens: token -> (the entry of the terms so far or None, the next tokens)
    trie: dict[str, Node] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        trie: dict[str, Node] = {}
        for key in sorted(self.entries, key=len):
            level = trie
            for k, token in enumerate(key):
                node = level.get(token)
                if node is None:
                    node = level[token] = (None, {})
                if k == len(key) - 1:
                    node = level[token] = (self.entries[key], node[1])
                level = node[1]
        object.__setattr__(self, "trie", trie)

    def match(self, tokens: list[str], i: int) -> tuple[Entry | None, int]:
        """The longest entry starting at ``tokens[i]`` and its length in tokens (0 when none)."""
        node = self.trie.get(tokens[i])
        if node is None:
            return None, 0
        entry, length = node[0], 1 if node[0] is not None else 0
        following = node[1]
        k = i + 1
        while following and k < len(tokens):
            node = following.get(tokens[k])
            if node is None:
                break
            k += 1
            if node[0] is not None:
                entry, length = node[0], k - i
            following = node[1]
        return entry, length


@lru_cache(maxsize=1)
def noun_words() -> frozenset[str]:
    """Lower-case words whose usual part of speech is a noun (NN, NNS), from the part-of-speech
    lexicon TextBlob ships (read as a file: it needs no corpus download)."""
    spec = importlib.util.find_spec("textblob")  # located, not imported: importing it is slow
    path = Path(spec.origin if spec and spec.origin else "textblob").parent / "en" / "en-lexicon.txt"
    words = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, _, tag = line.rstrip("\n").partition(" ")
            if tag in ("NN", "NNS") and word.islower():
                words.add(word)
    return frozenset(words)


def tokenize(text: str) -> list[str]:
    """Lower-case word, number and clause-punctuation tokens; a span of time ("3-month",
    "seven-year") becomes ``n-month``, ``n-year`` so that one term covers every length."""
    low = text.lower()
    if "-" in low:
        low = SPAN.sub(r"n-\1", low)
    return TOKEN.findall(low)


def _apply(entry: Entry, kind: str, weight: float) -> None:
    if kind == "up":
        entry.direction = weight
    elif kind == "down":
        entry.direction = -weight
    elif kind in ("good", "bad"):
        entry.metric = 1.0 if kind == "good" else -1.0
        entry.metric_weight = weight
    elif kind == "polar":
        entry.polar = weight if entry.polar is None else entry.polar
    elif kind == "intensifier":
        entry.intensifier = weight
    elif kind == "negator":
        entry.negator = weight
    elif kind == "neutral":
        entry.neutral = True
    elif kind == "event":
        entry.event = weight
    else:
        raise ValueError(f"unknown lexicon kind {kind!r}")


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """Read and compile the lexicon file."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    entries: dict[tuple[str, ...], Entry] = {}
    for group in data["group"]:
        for line in group["terms"]:
            for term in line.split("|"):
                key = tuple(tokenize(term))
                if not key:
                    continue
                entry = entries.setdefault(key, Entry(" ".join(key)))
                _apply(entry, group["kind"], float(group["weight"]))
    starts: dict[str, int] = {}
    for key in entries:
        starts[key[0]] = max(starts.get(key[0], 0), len(key))
    return Lexicon(data["meta"]["version"], entries, starts)
