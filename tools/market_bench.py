"""Measure market relevance against labelled news (the data stays outside the repository).

Every item is scored by the full pipeline from its title and summary (source categories hidden) and
counted as market news or not (``market_relevant``). Reported per input and per label: items, share
flagged market news, and a few examples of the minority verdict with ``--verbose``.

Inputs (repeatable):
  --huffpost FILE   News Category Dataset JSON Lines (``category``, ``headline``, ``short_description``);
                    ``--part even|odd|all`` takes every other row (tune on one half, check on the other)
  --agnews FILE     AG News CSV (label 1 World, 2 Sports, 3 Business, 4 Sci/Tech; title, description)
  --av FILE         Alpha Vantage NEWS_SENTIMENT JSON (every item is market news)
  --business FILE   any CSV newsdesk reads whose rows are all business news (headlines)

    python tools/market_bench.py --huffpost /work/data/x.jsonl --part even --agnews test.csv --av av.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdesk.domain.models import Article  # noqa: E402
from newsdesk.ingest import alphavantage, csvfile, decode  # noqa: E402
from newsdesk.score.pipeline import default_context, score_article  # noqa: E402

# HuffPost sections that are sport, entertainment or lifestyle: never market news by themselves
OTHER = {
    "SPORTS", "ENTERTAINMENT", "COMEDY", "STYLE & BEAUTY", "STYLE", "HOME & LIVING", "WELLNESS",
    "HEALTHY LIVING", "PARENTING", "PARENTS", "FOOD & DRINK", "TASTE", "TRAVEL", "WEDDINGS", "DIVORCE",
    "CULTURE & ARTS", "ARTS & CULTURE", "ARTS", "WEIRD NEWS",
}  # fmt: skip
MARKET = {"BUSINESS", "MONEY"}
AG_LABELS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}


def verdict(title: str, summary: str) -> tuple[bool, float]:
    """(market_relevant, market_relevance) of a headline and summary, scored by the full pipeline."""
    article = score_article(Article(title=title, source="bench", summary=summary), default_context())
    return article.market_relevant, article.market_relevance or 0.0


def huffpost_rows(path: Path, part: str):
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(row for row in fh if row.strip()):
            if part == "all" or (n % 2 == 0) == (part == "even"):
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                yield row.get("category", ""), row.get("headline", ""), row.get("short_description", "")


def agnews_rows(path: Path):
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) >= 3 and row[0] in AG_LABELS:
                yield AG_LABELS[row[0]], row[1], row[2].replace("\\", " ")


def av_rows(path: Path):
    for item in json.loads(decode(path.read_bytes(), str(path)))["feed"]:
        a = alphavantage.parse_item(item)
        yield "AV", a.title, a.summary


def business_rows(path: Path):
    for a in csvfile.parse_text(decode(path.read_bytes(), str(path)), str(path)).articles:
        yield "business", a.title, a.summary


def report(name: str, rows, verbose: bool) -> dict[str, tuple[int, int]]:
    """Per label: (items, flagged market news)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    examples: dict[str, list[str]] = defaultdict(list)
    for label, title, summary in rows:
        market, rel = verdict(title, summary)
        counts[label][0] += 1
        counts[label][1] += market
        minority = market if label in OTHER or label == "Sports" else not market
        if verbose and minority and len(examples[label]) < 15:
            examples[label].append(f"{rel:.2f} {title[:100]!r}")
    print(f"{name}:")
    for label, (n, m) in sorted(counts.items(), key=lambda kv: -kv[1][0]):
        print(f"  {label:18} {n:5}  market {m / n:6.1%}  not market {(n - m) / n:6.1%}")
        for e in examples[label]:
            print(f"      {e}")
    return {k: (v[0], v[1]) for k, v in counts.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--huffpost", type=Path, action="append", default=[])
    parser.add_argument("--part", choices=("even", "odd", "all"), default="all")
    parser.add_argument("--agnews", type=Path, action="append", default=[])
    parser.add_argument("--av", type=Path, action="append", default=[])
    parser.add_argument("--business", type=Path, action="append", default=[])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    for path in args.huffpost:
        counts = report(f"{path.name} ({args.part})", huffpost_rows(path, args.part), args.verbose)
        other = [counts[k] for k in counts if k in OTHER]
        n, m = sum(c[0] for c in other), sum(c[1] for c in other)
        print(f"  sport/entertainment/lifestyle flagged not market: {n - m}/{n} = {(n - m) / max(n, 1):.1%}")
        mk = Counter()
        for k in MARKET & set(counts):
            mk["n"] += counts[k][0]
            mk["m"] += counts[k][1]
        if mk["n"]:
            print(f"  business/money kept as market news: {mk['m']}/{mk['n']} = {mk['m'] / mk['n']:.1%}")
    for path in args.agnews:
        report(path.name, agnews_rows(path), args.verbose)
    for path in args.business:
        report(path.name, business_rows(path), args.verbose)
    total = Counter()
    for path in args.av:
        (n, m) = report(path.name, av_rows(path), args.verbose)["AV"]
        total["n"] += n
        total["m"] += m
    if total["n"]:
        print(f"Alpha Vantage items kept as market news: {total['m']}/{total['n']} = {total['m'] / total['n']:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
