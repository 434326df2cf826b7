"""How well rating headlines become calls, on a CSV of headlines with a ticker column.

    python -m benchmarks.analyst_calls FILE.csv [--exclude-tickers A..ACAT] [--only-tickers A..ACAT]
        [--show-misses N] [--sample N]

The file is read by newsdesk's own CSV reader (``title``/``headline`` and ``stock``/``ticker``
columns), each row scored by the full pipeline. A **rating headline** is found by a rule independent
of the grammar (an analyst verb — upgrade, downgrade, initiate, assume, resume, reinstate, maintain,
reiterate — or a price target, not a roundup); the bench prints:

- the share of rating headlines that become calls (a headline decision with an author);
- of the calls, the share whose leg is the row's own company, and those on the author (a leg whose
  company's name is in the author's) or on a company read from a "Price Target"-like phrase (TGT or
  XYZ on a row of another company);
- exposure agreement on upgrades to a buy rating (long), downgrades to a sell (short) or a neutral
  rating (reduce) and maintained ratings (the rating's side), read by a second, plain rule;
- the author's accuracy: the broker read by a plain rule (the words before the first analyst verb, or
  after the last "at"/"by" of a passive headline), merged by the same alias table, against the call's;
- a random sample of calls (author, subject, side) for reading by eye.

Data sets are never shipped: pass the file (e.g. a copy of the Kaggle/Benzinga ``analyst_ratings``).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from newsdesk.ingest.csvfile import parse_text
from newsdesk.score.analyst import NEGATIVE, NEUTRAL, POSITIVE, rating_stance
from newsdesk.score.analyst_houses import canonical_author
from newsdesk.score.pipeline import default_context, score_article

RATING_HEADLINE = re.compile(
    r"\b(?:upgrade[sd]?|downgrade[sd]?|initiate[sd]?|assume[sd]?|resume[sd]?|reinstate[sd]?|maintain(?:s|ed)?|"
    r"reiterate[sd]?|price\s+target|pt)\b",
    re.I,
)
ROUNDUP = re.compile(r"top\s+(?:upgrades|downgrades|initiations)|upgrades\s*,\s*downgrades", re.I)
PLAIN_RATING = re.compile(
    r"\b(?P<verb>upgrades|downgrades|maintains|reiterates)\b.*?\b(?:to|maintains|reiterates)?\s*"
    r"(?P<r>strong buy|buy|outperform|overweight|sell|underperform|underweight|neutral|hold|equal[- ]weight|"
    r"market perform|sector perform|in-line|peer perform)\b",
    re.I,
)


# the broker as the headline writes it, by a plain rule: the words before the first analyst verb
# (after a leading "Label:" or "Hearing"), or after the last "at"/"by" of a passive headline
BROKER_BEFORE = re.compile(
    r"^(?:[\w ]{1,20}:\s*)?(?:hearing\s+)?(?P<a>[A-Z][^:;]{0,50}?)\s+(?:upgrades|downgrades|initiates|assumes|resumes|"
    r"reinstates|maintains|reiterates|raises|lowers|cuts|boosts|starts)\b",
    re.I,
)
BROKER_AFTER = re.compile(
    r"\b(?:upgraded|downgraded|initiated|reiterated|maintained|raised|lowered|cut)\b.*\s(?:at|by)"
    r"\s+(?P<a>[A-Z][\w.&' -]{1,40}?)\s*(?:[,;(]|$)"
)


def expected_author(title: str) -> str | None:
    """The house by the plain rule (merged by the same alias table), or None when the rule does not apply."""
    m = BROKER_BEFORE.search(title) or BROKER_AFTER.search(title)
    return canonical_author(m.group("a")) if m else None


def _range(spec: str | None) -> tuple[str, str] | None:
    if not spec:
        return None
    lo, _, hi = spec.partition("..")
    return lo.upper(), hi.upper()


def _within(ticker: str, span: tuple[str, str] | None) -> bool:
    return span is not None and span[0] <= ticker.upper() <= span[1]


def expected_side(title: str) -> str | None:
    """The side by the plain second rule, for the kinds the issue grades; None when it does not apply."""
    m = PLAIN_RATING.search(title)
    if not m:
        return None
    stance = rating_stance(m.group("r"))
    verb = m.group("verb").lower()
    if verb == "upgrades":
        return "long" if stance == POSITIVE else None
    if verb == "downgrades":
        return {NEGATIVE: "short", NEUTRAL: "reduce"}.get(stance)
    return {POSITIVE: "long", NEGATIVE: "short", NEUTRAL: "hold"}.get(stance)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--exclude-tickers", help="leave out rows of these tickers, e.g. A..ACAT (held out)")
    parser.add_argument("--only-tickers", help="only rows of these tickers, e.g. A..ACAT")
    parser.add_argument("--show-misses", type=int, default=0)
    parser.add_argument("--sample", type=int, default=0)
    args = parser.parse_args(argv)
    text = Path(args.file).read_text("utf-8", errors="replace")
    articles = parse_text(text, Path(args.file).name).articles
    exclude, only = _range(args.exclude_tickers), _range(args.only_tickers)
    ctx = default_context()
    companies = ctx.companies.by_ticker
    rating = calls = on_row = on_author = on_phrase = no_leg = 0
    agree = graded = authors_right = authors_graded = 0
    misses, sample, wrong_side, wrong_author = [], [], [], []
    for a in articles:
        row = a.entities[0].ticker if a.entities else ""
        if (exclude and _within(row, exclude)) or (only and not _within(row, only)):
            continue
        is_rating = bool(RATING_HEADLINE.search(a.title)) and not ROUNDUP.search(a.title)
        score_article(a, ctx)
        heads = [d for d in a.decisions if d.origin == "headline" and d.author]
        rating += is_rating
        if not heads:
            if is_rating:
                misses.append(a.title)
            continue
        calls += 1
        d = heads[0]
        legs = [leg for leg in d.instruments if leg.get("ticker")]
        if not legs:
            no_leg += 1
        for leg in legs:
            t = leg["ticker"]
            if t == row:
                on_row += 1
                continue
            name = (companies[t].name if t in companies else "").lower()
            if name and name in d.author.lower():
                on_author += 1
            elif t in ("TGT", "XYZ"):
                on_phrase += 1
        truth = expected_author(a.title)
        if truth:
            authors_graded += 1
            if truth == d.author:
                authors_right += 1
            else:
                wrong_author.append((a.title, d.author, truth))
        want = expected_side(a.title)
        if want and legs:
            graded += 1
            if legs[0]["side"] == want:
                agree += 1
            else:
                wrong_side.append((a.title, legs[0]["side"], want))
        sample.append((a.title, d.author, [(leg.get("ticker"), leg["side"]) for leg in d.instruments]))

    def pct(n: int, of: int) -> str:
        return f"{n}/{of} = {n / of:.1%}" if of else f"{n}/0"

    print(f"rows read: {len(articles)}")
    print(f"rating headlines (independent rule): {rating}")
    print(f"  became calls: {pct(rating - len(misses), rating)} (calls in all, roundups excluded: {calls})")
    print(f"calls with their leg on the row's company: {pct(on_row, calls)}")
    print(f"calls with no leg: {pct(no_leg, calls)}")
    print(f"legs on the author: {pct(on_author, calls)}; on a 'Price Target'-like phrase: {pct(on_phrase, calls)}")
    print(f"exposure agrees with the rating (upgrades to buy, downgrades to sell/neutral, maintained): "
          f"{pct(agree, graded)}")  # fmt: skip
    print(f"author is the headline's broker (plain rule, where it applies): {pct(authors_right, authors_graded)}")
    for title in misses[: args.show_misses]:
        print("  MISS", title)
    for title, got, want in wrong_side[: args.show_misses]:
        print(f"  SIDE {got} (expected {want}): {title}")
    for title, got, want in wrong_author[: args.show_misses]:
        print(f"  AUTHOR {got!r} (expected {want!r}): {title}")
    for title, author, legs in random.Random(0).sample(sample, min(args.sample, len(sample))):
        print(f"  {author!r:28} {legs!s:30} {title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
