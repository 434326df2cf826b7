"""Benchmarks printed side by side with their baseline (bare TextBlob), from one process.

- :func:`sentiment_bench`: accuracy on the human-labelled financial sentiment sets that sit beside
  the repository (``../shared/benchdata``; never copied into it): macro-F1 on Financial PhraseBank,
  cosine similarity on SemEval-2017 headlines and FiQA, and texts per second.
- :func:`pipeline_bench`: the full scoring pipeline against bare TextBlob ``.sentiment`` on the
  same ~500-word articles.
"""

from __future__ import annotations

import csv
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsdesk.config import ROOT

DEFAULT_BENCHDATA = ROOT.parent / "shared" / "benchdata"
CLASS_SETS = ("phrasebank_allagree", "phrasebank_75agree", "phrasebank_66agree", "phrasebank_50agree")
REG_SETS = ("semeval2017_headlines", "fiqa")
THRESHOLD = 0.05
LABELS = ("negative", "neutral", "positive")


@dataclass
class BenchRow:
    """One data set scored by one scorer."""

    dataset: str
    metric: str
    value: float
    texts_per_s: float


def read_rows(path: Path) -> list[dict]:
    """Rows of a tab-separated benchmark file (header first)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Mean F1 over negative, neutral and positive."""
    f1s = []
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / 3


def cosine(gold: list[float], pred: list[float]) -> float:
    """Cosine similarity of two score vectors (the SemEval-2017 Task 5 metric)."""
    dot = sum(g * p for g, p in zip(gold, pred, strict=True))
    ng = math.sqrt(sum(g * g for g in gold))
    npred = math.sqrt(sum(p * p for p in pred))
    return dot / (ng * npred) if ng and npred else 0.0


def _label(score: float) -> str:
    return "positive" if score > THRESHOLD else "negative" if score < -THRESHOLD else "neutral"


def _timed(fn: Callable[[str], float], texts: list[str], repeat: int = 3) -> tuple[dict[str, float], float]:
    unique = list(dict.fromkeys(texts))
    fn(unique[0])
    times, scores = [], {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        scores = {t: fn(t) for t in unique}
        times.append(time.perf_counter() - t0)
    return scores, len(unique) / statistics.median(times)


def sentiment_bench(
    scorers: dict[str, Callable[[str], float]], data_dir: Path = DEFAULT_BENCHDATA, split: str = "dev"
) -> dict[str, list[BenchRow]]:
    """Score every scorer on every data set found in ``data_dir`` (files ``NAME_<split>.tsv``)."""
    out: dict[str, list[BenchRow]] = {name: [] for name in scorers}
    for dataset in (*CLASS_SETS, *REG_SETS):
        path = data_dir / f"{dataset}_{split}.tsv"
        if not path.exists():
            continue
        rows = read_rows(path)
        texts = [r["text"] for r in rows]
        for name, fn in scorers.items():
            scores, rate = _timed(fn, texts)
            if dataset in CLASS_SETS:
                value = macro_f1([r["label"] for r in rows], [_label(scores[t]) for t in texts])
                out[name].append(BenchRow(dataset, "macro-F1", value, rate))
            else:
                value = cosine([float(r["score"]) for r in rows], [scores[t] for t in texts])
                out[name].append(BenchRow(dataset, "cosine", value, rate))
    return out


def article_texts(n_words: int = 500) -> list[tuple[str, str]]:
    """(title, text) pairs of about ``n_words`` words built from the demo corpus (each article's
    text is extended with the next articles' analyses until it is long enough)."""
    from newsdesk.ingest import read_path
    from newsdesk.pipeline import demo_files

    articles = [a for f in demo_files() for a in read_path(f, "page").articles]
    out = []
    for i, a in enumerate(articles):
        words = f"{a.summary}\n\n{a.body}".split()
        j = i + 1
        while len(words) < n_words:
            words += articles[j % len(articles)].body.split()
            j += 1
        out.append((a.title, " ".join(words[:n_words])))
    return out


def pipeline_bench(n_words: int = 500, repeat: int = 3) -> dict[str, float]:
    """Seconds per article of bare TextBlob ``.sentiment`` and of newsdesk's full pipeline on the
    same texts, and their ratio."""
    from textblob import TextBlob

    from newsdesk.models import Article
    from newsdesk.score.pipeline import default_context, score_article
    from newsdesk.score.sentiment import polarity

    pairs = article_texts(n_words)
    ctx = default_context()

    def textblob_all() -> None:
        for title, text in pairs:
            TextBlob(f"{title}\n\n{text}").sentiment  # noqa: B018 - the property does the work

    def pipeline_all() -> None:
        for title, text in pairs:
            score_article(Article(title=title, source="bench", summary="", body=text), ctx)

    def sentiment_all() -> None:
        for title, text in pairs:
            polarity(f"{title}\n\n{text}")

    result = {}
    for name, fn in (("textblob", textblob_all), ("pipeline", pipeline_all), ("sentiment", sentiment_all)):
        fn()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        result[name] = statistics.median(times) / len(pairs)
    result["articles"] = len(pairs)
    result["ratio"] = result["pipeline"] / result["textblob"]
    return result
