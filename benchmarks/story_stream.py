"""A synthetic stream of headlines grouped into stories, in the UCI News Aggregator's file format.

For speed runs of the story step where the UCI file (``newsCorpora.csv``) is not at hand: each story
is one event about a company (from ``data/companies.csv``), told in made-up words drawn with a Zipf
law, reworded by several outlets (words dropped, words added, word order shuffled a little) over a
few hours; stories of one subject recur. Written tab-separated with the UCI columns (ID, TITLE, URL,
PUBLISHER, CATEGORY, STORY, HOSTNAME, TIMESTAMP in milliseconds), IDs from 10,001, so
``benchmarks.story_ingest --titles`` and ``benchmarks.story_clusters`` read it as they read the UCI
file. It measures cost, never quality: its stories are made by the rewording rules below, not by an
aggregator, and are far easier to find than real ones.

    python -m benchmarks.story_stream /work/data/stories/stream.tsv --n 200000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from newsdesk.domain.reference import load_companies

SYLLABLES = ("ka", "lo", "mi", "ter", "van", "sor", "bel", "dun", "ri", "po", "gan", "tel", "mor", "si", "pra", "ven")
VOCABULARY = 6000  # made-up content words, drawn with a Zipf law (a few common, most rare), as news words are
OUTLETS = 120


Row = tuple[str, str, float, str, str]


def stories(n: int, seed: int = 7, start: float = 1_400_000_000.0, gap: float = 20.0) -> list[Row]:
    """``n`` headlines ``(id, title, epoch seconds, story, outlet)`` in time order: stories open one
    after another (so that a headline arrives every ``gap`` seconds on average), each reported by
    1-40 outlets (most by a few) over up to six hours."""
    rng = random.Random(seed)
    names = sorted({c.name for c in load_companies()})
    vocab = _words(rng)
    weights = [1.0 / (r + 10) for r in range(len(vocab))]
    rows: list[tuple[float, str, str, str]] = []
    opened, at, s = 0, start, 0
    while opened < n:
        size = min(40, max(1, int(rng.paretovariate(1.2))))
        subject = rng.choice(names)
        base = [*subject.split(), *rng.choices(vocab, weights, k=rng.randint(5, 9))]
        span = rng.uniform(0.2, 6.0) * 3600.0
        for _ in range(min(size, n - opened)):
            title = _reword(rng, base, vocab, weights)
            rows.append((at + rng.uniform(0.0, span), title, f"s{s}", f"outlet{rng.randrange(OUTLETS)}"))
            opened += 1
        at += gap * size
        s += 1
    rows.sort()
    return [(str(10_001 + i), title, when, story, outlet) for i, (when, title, story, outlet) in enumerate(rows)]


def _words(rng: random.Random) -> list[str]:
    out: set[str] = set()
    while len(out) < VOCABULARY:
        out.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    words = sorted(out)
    rng.shuffle(words)
    return words


def _reword(rng: random.Random, words: list[str], vocab: list[str], weights: list[float]) -> str:
    out = list(words)
    for _ in range(rng.randint(0, 2)):  # drop a word (never the subject's first)
        if len(out) > 4:
            del out[rng.randrange(1, len(out))]
    for _ in range(rng.randint(0, 3)):  # add a news word
        out.insert(rng.randrange(len(out) + 1), rng.choices(vocab, weights)[0])
    if rng.random() < 0.3:  # move one word
        out.insert(rng.randrange(len(out)), out.pop(rng.randrange(len(out))))
    if rng.random() < 0.2:
        out.insert(0, rng.choice(("Corrected:", "Analysis:", "Exclusive:", "BREAKING:")))
    return " ".join(out)


def write(path: Path, n: int, seed: int = 7) -> int:
    """Write ``n`` headlines at ``path`` in the UCI file's format; returns how many stories."""
    rows = stories(n, seed)
    with path.open("w", encoding="utf-8") as fh:
        for key, title, when, story, outlet in rows:
            cells = (key, title, f"https://{outlet}.example/{key}", outlet, "b", story, f"{outlet}.example")
            fh.write("\t".join(cells) + f"\t{int(when * 1000)}\n")
    return len({r[3] for r in rows})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"{args.n:,} headlines in {write(args.path, args.n, args.seed):,} stories -> {args.path}")


if __name__ == "__main__":
    main()
