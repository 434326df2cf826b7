"""Measure newsdesk's scored categories against real labelled news (the data stays outside the repository).

Alpha Vantage NEWS_SENTIMENT JSON: every feed item is parsed by newsdesk's own parser, its source topics
are dropped, and the full scoring pipeline scores it from its title and summary (and the companies the
source tags, as on ingest; ``--text-only`` hides those too). The categories it gets
are compared with Alpha Vantage's own topics (relevance >= ``--min-relevance``) at AV-topic level: each
newsdesk category stands for its taxonomy ``av_topic``; categories without one take no part in the
comparison. Reported per file and pooled over all files: micro precision/recall/F1, per-AV-topic P/R, the
share of items with >= 1 category, and the same share when each item is scored from its headline alone.

Headline CSV (any CSV newsdesk reads): each row is scored from its headline alone; reported is the
share of rows with >= 1 category.

    python tools/topic_bench.py --av ../shared/samples/real/alphavantage_news_3.json \
        --headlines ../shared/samples/real/csv_guardian_business_headlines_head.csv [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdesk.domain.models import Article  # noqa: E402
from newsdesk.domain.taxonomy import av_topic_key, load_taxonomy  # noqa: E402
from newsdesk.ingest import alphavantage, csvfile, decode  # noqa: E402
from newsdesk.score.pipeline import default_context, score_article  # noqa: E402


def scored(article: Article, text_only: bool = False) -> Article:
    """``article`` scored with its source categories hidden from the scorer (and, ``text_only``, the
    companies the source tags too: only what the text names counts then)."""
    article.categories = []
    if text_only:
        article.entities = []
    return score_article(article, default_context())


def gold_topics(item: dict, min_relevance: float) -> set[str]:
    """Alpha Vantage's own topics of one feed item (API names) at or above ``min_relevance``."""
    topics = set()
    for t in item.get("topics") or []:
        try:
            relevance = float(t.get("relevance_score", 0))
        except (TypeError, ValueError):
            continue
        key = av_topic_key(t.get("topic", ""))
        if key and relevance >= min_relevance:
            topics.add(key)
    return topics


def av_bench(path: Path, min_relevance: float, verbose: bool, text_only: bool = False) -> dict:
    """Scores of newsdesk's categories against Alpha Vantage's topics in one NEWS_SENTIMENT file."""
    av_of = {c.name: c.av_topic for c in load_taxonomy()}
    feed = json.loads(decode(path.read_bytes(), str(path)))["feed"]
    tp, fp, fn = Counter(), Counter(), Counter()
    categorised = listed = titled = 0
    for item in feed:
        headline = alphavantage.parse_item(item)
        headline.summary = headline.body = ""
        titled += bool(scored(headline, text_only).categories)
        article = scored(alphavantage.parse_item(item), text_only)
        names = [c.category for c in article.categories]
        categorised += bool(names)
        pred = {av_of[n] for n in names if av_of.get(n)}
        gold = gold_topics(item, min_relevance)
        listed += len(pred & gold_topics(item, 0.0))
        for t in pred & gold:
            tp[t] += 1
        for t in pred - gold:
            fp[t] += 1
        for t in gold - pred:
            fn[t] += 1
        if verbose:
            mark = "ok " if pred == gold else "   "
            print(f"{mark}{article.title[:70]!r}\n     gold={sorted(gold)} pred={sorted(pred)} cats={names}")
    return {
        "items": len(feed),
        "categorised": categorised,
        "titled": titled,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "listed": listed,
    }


def headline_bench(path: Path, verbose: bool) -> dict:
    """How many headline rows of a CSV get >= 1 category from the headline alone."""
    result = csvfile.parse_text(decode(path.read_bytes(), str(path)), str(path))
    counts: Counter = Counter()
    categorised = 0
    t0 = time.perf_counter()
    for article in result.articles:
        article.summary = article.body = ""
        names = [c.category for c in scored(article).categories]
        categorised += bool(names)
        counts.update(names)
        if verbose and not names:
            print(f"   none: {article.title[:90]!r}")
    seconds = time.perf_counter() - t0
    return {"rows": len(result.articles), "categorised": categorised, "counts": counts, "seconds": seconds}


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _report(r: dict) -> None:
    """Print coverage, micro P/R/F1 and the per-AV-topic table of one :func:`av_bench` result."""
    tp, fp, fn = (sum(r[k].values()) for k in ("tp", "fp", "fn"))
    share = _ratio(r["categorised"], r["items"])
    print(f"  categorised (>= 1 category): {r['categorised']}/{r['items']} = {share:.0%}")
    print(f"  headline only, categorised: {r['titled']}/{r['items']} = {_ratio(r['titled'], r['items']):.0%}")
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0
    print(f"  micro precision {precision:.2f}  recall {recall:.2f}  F1 {f1:.2f}  (tp {tp}, fp {fp}, fn {fn})")
    lenient = _ratio(r["listed"], tp + fp)
    print(f"  predicted topics AV lists at any relevance: {r['listed']}/{tp + fp} = {lenient:.2f}")
    print(f"  {'av topic':28} {'tp':>3} {'fp':>3} {'fn':>3} {'P':>5} {'R':>5}")
    for topic in sorted(set(r["tp"]) | set(r["fp"]) | set(r["fn"])):
        a, b, c = r["tp"][topic], r["fp"][topic], r["fn"][topic]
        p = f"{_ratio(a, a + b):.2f}" if a + b else "-"
        rec = f"{_ratio(a, a + c):.2f}" if a + c else "-"
        print(f"  {topic:28} {a:3} {b:3} {c:3} {p:>5} {rec:>5}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--av", type=Path, action="append", default=[], help="Alpha Vantage NEWS_SENTIMENT JSON")
    parser.add_argument("--headlines", type=Path, action="append", default=[], help="CSV of headlines")
    parser.add_argument("--min-relevance", type=float, default=0.5, help="AV topic relevance counted as a label")
    parser.add_argument("--text-only", action="store_true", help="hide the tickers the source tags too")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not args.av and not args.headlines:
        parser.error("give --av and/or --headlines")
    pooled = {"items": 0, "categorised": 0, "titled": 0, "tp": Counter(), "fp": Counter(), "fn": Counter(), "listed": 0}
    for path in args.av:
        r = av_bench(path, args.min_relevance, args.verbose, args.text_only)
        for key, value in r.items():
            pooled[key] += value
        print(f"{path.name}: {r['items']} items")
        _report(r)
    if len(args.av) > 1:
        print(f"pooled ({len(args.av)} files): {pooled['items']} items")
        _report(pooled)
    for path in args.headlines:
        r = headline_bench(path, args.verbose)
        share = _ratio(r["categorised"], r["rows"])
        print(f"{path.name}: {r['rows']} headline rows, categorised {r['categorised']} = {share:.0%}")
        print(f"  scored in {r['seconds'] * 1000:.0f} ms; categories: {dict(r['counts'].most_common())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
