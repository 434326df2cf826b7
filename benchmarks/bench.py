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

from benchmarks import floors
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
    from newsdesk.flows.ingest import demo_files
    from newsdesk.ingest import read_path

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

    from newsdesk.domain.models import Article
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


# ----------------------------------------------------------------------------------- scale bench
_best = floors.best_seconds  # the one timer (benchmarks/floors.py)


def ingest_bench(n_articles: int = 300) -> dict[str, float]:
    """Articles per second of parse-free ingest (score + store in one transaction) against bare
    TextBlob ``.sentiment`` on the same texts, and of the storage step alone against a raw
    ``executemany`` of the same rows and against its floor measured the same way (a raw insert and
    FTS5 indexing of the same rows in one transaction, newsdesk's settings, after a first batch: see
    :func:`benchmarks.floors.batch_seconds`); the storage step again on headline-and-summary rows (no
    body). The articles are dated one a minute, so ingest assigns their stories; ``ingest_stories_off``
    is the same ingest with story assignment off (every article its own story), measured in the same run."""
    import sqlite3
    import tempfile

    from textblob import TextBlob

    from benchmarks import floors
    from benchmarks.story_ingest import stories_off
    from newsdesk.db import schema, writes
    from newsdesk.domain.models import Article
    from newsdesk.score.pipeline import default_context, score_article
    from newsdesk.score.stories import cluster

    pairs = (article_texts(500) * (n_articles // 120 + 1))[:n_articles]
    ctx = default_context()
    t_tb = _best(lambda: [TextBlob(f"{t}\n\n{x}").sentiment for t, x in pairs], 1)
    with tempfile.TemporaryDirectory() as tmp:
        db = schema.connect(f"{tmp}/i.db")

        days = {"f": 1, "o": 3, "s": 5, "h": 7}  # each set of articles on its own days

        def when(tag: str, i: int) -> str:
            return f"2026-06-{days[tag]:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z"

        def build(tag: str) -> list:
            return [
                Article(title=f"{t} [{tag}{i}]", source="bench", body=x, published_at=when(tag, i))
                for i, (t, x) in enumerate(pairs)
            ]

        def full(tag: str = "f") -> None:
            writes.write_batch(db, [score_article(a, ctx) for a in build(tag)], [], "bench")

        t_full = _best(full, 1)
        with stories_off():
            t_off = _best(lambda: full("o"), 1)
        scored = [score_article(a, ctx) for a in build("s")]
        t_store = _best(lambda: writes.write_batch(db, scored, [], "bench"), 1)
        raw = sqlite3.connect(f"{tmp}/raw.db")
        rows = [(f"r{i}", a.title, a.source, a.body, a.sentiment) for i, a in enumerate(scored)]
        t_raw = floors.raw_insert_seconds(raw, rows)
        floor = floors.scratch(f"{tmp}/floor.db")
        texts = [(a.title, a.summary, a.body) for a in scored]
        floors.batch_seconds(floor, [(f"f{i}", *r[1:]) for i, r in enumerate(rows)], texts, len(rows))
        t_fts = floors.batch_seconds(floor, rows, texts, len(rows))
        floor.close()
        # the shape news APIs and feeds deliver: a headline and a 40-word summary, no body
        short = [
            score_article(
                Article(
                    title=f"{t} [h{i}]", source="bench", summary=" ".join(x.split()[:40]), published_at=when("h", i)
                ),
                ctx,
            )
            for i, (t, x) in enumerate(pairs)
        ]
        t_short = _best(lambda: writes.write_batch(db, short, [], "bench-short"), 1)
        # the story step alone (newsdesk.score.stories: MinHash LSH candidates, TF-IDF join), one title a minute
        t_cluster = _best(lambda: cluster([(f"c{i}", a.title, 60.0 * i) for i, a in enumerate(short)]), 1)
        t_raw_short = floors.raw_insert_seconds(
            raw, [(f"s{i}", a.title, a.source, a.summary, a.sentiment) for i, a in enumerate(short)]
        )
        db.close()
        raw.close()
    n = len(pairs)
    return {
        "n": n,
        "textblob": n / t_tb,
        "ingest": n / t_full,
        "ingest_stories_off": n / t_off,
        "store": n / t_store,
        "raw": n / t_raw,
        "fts": n / t_fts,  # the floor: raw insert + FTS5, measured as the batch is
        "store_short": n / t_short,
        "raw_short": n / t_raw_short,
        "cluster": n / t_cluster,
    }


def headline_bench(rows: int = 12_000, jobs: int | None = None) -> dict[str, float]:
    """Rows per second of ingesting a generated headline CSV (title, date, source, short summary; the
    generator of ``benchmarks/ingest_scaling.py``) with :func:`newsdesk.flows.ingest.ingest_paths` into a
    fresh database, beside bare TextBlob ``.sentiment`` on the same texts (title and summary) and
    beside the storage floor of the same rows measured the same way (raw insert + FTS5, 1,000 rows
    per transaction, newsdesk's settings: :func:`benchmarks.floors.batch_seconds`). Also the CPU
    seconds of this process and its scoring workers."""
    import resource
    import tempfile

    from textblob import TextBlob

    from benchmarks import floors
    from benchmarks.ingest_scaling import write_csv
    from newsdesk.db import schema
    from newsdesk.flows.ingest import ingest_paths
    from newsdesk.ingest import stream_path
    from newsdesk.score.parallel import default_jobs

    def cpu() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "headlines.csv"
        write_csv(path, rows)
        articles = [a for chunk in stream_path(path) for a in chunk.articles]
        texts = [f"{a.title}\n\n{a.summary}" for a in articles]
        t0 = time.perf_counter()
        for text in texts:
            TextBlob(text).sentiment  # noqa: B018 - the property does the work
        t_tb = time.perf_counter() - t0
        floor = floors.scratch(f"{tmp}/floor.db")
        t_floor = floors.batch_seconds(
            floor,
            [(f"r{i}", a.title, a.source, a.summary, 0.0) for i, a in enumerate(articles)],
            [(a.title, a.summary, "") for a in articles],
        )
        floor.close()
        db = schema.connect(f"{tmp}/ingest.db")
        c0, t0 = cpu(), time.perf_counter()
        report = ingest_paths(db, [path], jobs=jobs)
        t_ingest, c_ingest = time.perf_counter() - t0, cpu() - c0
        db.close()
    return {
        "rows": rows,
        "added": report.added,
        "jobs": default_jobs() if jobs is None else jobs,
        "ingest": rows / t_ingest,
        "ingest_cpu_s": c_ingest,
        "textblob": rows / t_tb,
        "floor": rows / t_floor,
    }


def query_bench(path: str) -> dict[str, float]:
    """Milliseconds of the dashboard's queries on the database at ``path`` (a SQLite file or a
    ``postgresql://`` URL) beside a raw full scan."""
    from datetime import timedelta

    from benchmarks import floors
    from newsdesk.db.read.articles import articles
    from newsdesk.db.read.options import date_bounds
    from newsdesk.db.read.timeline import daily_sentiment
    from newsdesk.db.read.totals import kpis
    from newsdesk.db.schema import open as open_database
    from newsdesk.domain.filters import Filters

    conn = open_database(path, readonly=True)
    lo, hi = date_bounds(conn)
    quarter = Filters(
        topics=("Trade & Tariffs", "Macro & Growth", "Energy & Commodities"), since=hi - timedelta(days=91), until=hi
    )
    out = {
        "articles": floors.article_count(conn),
        "full_scan": _best(lambda: floors.full_scan(conn)),
        "chart_all": _best(lambda: daily_sentiment(conn, Filters(), "week")),
        "chart_quarter": _best(lambda: daily_sentiment(conn, quarter, "week")),
        "kpis_quarter": _best(lambda: kpis(conn, quarter)),
        "list_quarter": _best(lambda: articles(conn, quarter, limit=1000)),
        "list_all": _best(lambda: articles(conn, Filters(), limit=1000)),
        "fts_top50": _best(lambda: articles(conn, Filters(text="orders improve"), limit=50)),
    }
    conn.close()
    return out


APPTEST_CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, os.getcwd())
import streamlit.testing.v1.app_test as app_test
import streamlit.testing.v1.local_script_runner as local_runner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest
# one compiled-script cache for the process, as a server keeps one (streamlit/runtime/runtime.py: the Runtime's
# one ScriptCache for every session). AppTest makes new ones per run (its pages manager's and its script
# runner's), so each of its runs compiled the page and its magic again: 20-30 ms of CPU a server pays once.
shared_scripts = ScriptCache()
app_test.ScriptCache = lambda: shared_scripts
local_runner.ScriptCache = lambda: shared_scripts
page, empty = sys.argv[1], sys.argv[2]
cpu = {}
def timed(at, name=None):
    t, c = time.perf_counter(), time.process_time(); at.run(timeout=600)
    if name:
        cpu[name] = time.process_time() - c  # the process's CPU (every thread: the page's reads on their own)
    return time.perf_counter() - t
base = AppTest.from_file(empty, default_timeout=600); t_empty = timed(base, "empty_cpu"); t_empty_rerun = timed(base)
at = AppTest.from_file("dashboard.py", default_timeout=600)
if page != "dashboard.py":
    at.run(timeout=600); at.switch_page(page)
first = timed(at, "first_cpu")
again = timed(at, "rerun_cpu")
picker = [w for w in at.multiselect if w.key == "w_topics"]
changed = None
if picker:
    picker[0].set_value(list(picker[0].options[:3]))
    changed = timed(at, "filter_cpu")
err = [str(e.value)[:200] for e in at.exception]
print(json.dumps({"page": page, "empty": t_empty, "empty_rerun": t_empty_rerun, "first": first, "rerun": again,
                  "filter_change": changed, "errors": err, **cpu,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def apptest_bench(path: str, pages: list[str]) -> list[dict]:
    """First run, cached rerun and a filter change (three topics picked) of each page in a fresh
    process (AppTest), beside an empty script's first run and rerun, with the process's peak RSS; wall
    seconds, and the process's CPU seconds of each (``*_cpu``: every thread's, a page's second read included)."""
    import json
    import os
    import subprocess
    import sys
    import tempfile

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.py")
        with open(empty, "w") as fh:
            fh.write("import streamlit as st\n")
        for page in pages:
            proc = subprocess.run(
                [sys.executable, "-c", APPTEST_CHILD, page, empty],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "NEWSDESK_DB": str(path)},
                timeout=1200,
            )
            lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
            out.append(json.loads(lines[-1]) if lines else {"page": page, "errors": [proc.stderr[-300:]]})
    return out


def write_large_jsonl(path: str | Path, megabytes: float, seed: int = 11) -> int:
    """Write a JSON Lines file of distinct ~2 KB synthetic articles (marked synthetic) until it holds
    ``megabytes`` MB; return the number of records."""
    import json
    import random

    rng = random.Random(seed)
    texts = article_texts(120)
    target = int(megabytes * 1_000_000)
    written = n = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < target:
            title, body = texts[n % len(texts)]
            paras = [body, *(texts[rng.randrange(len(texts))][1] for _ in range(3))]
            rec = {
                "title": f"{title} (synthetic {n})",
                "url": f"https://synthetic.invalid/large/{n}",
                "source": "synthetic · large-jsonl",
                "published_at": f"20{24 + n % 3}-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z",
                "summary": rng.choice(texts)[0],
                "body": "\n\n".join(paras),
            }
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


def child_peak_rss(args: list[str], cwd: str | Path = ROOT) -> tuple[float, float, int]:
    """Run a command; return (wall seconds, its peak RSS in MB, exit code)."""
    import os
    import subprocess

    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, proc.returncode


def large_jsonl_bench(megabytes: float, workdir: str | Path) -> dict[str, float]:
    """Ingest a ``megabytes`` MB JSON Lines file with the CLI in a child process and report its peak
    RSS beside the floor: the same command on a one-record file."""
    import sys

    workdir = Path(workdir)
    big, small = workdir / "large.jsonl", workdir / "one.jsonl"
    records = write_large_jsonl(big, megabytes)
    small.write_text(big.open(encoding="utf-8").readline(), encoding="utf-8")
    cmd = [sys.executable, "-m", "newsdesk", "ingest"]
    t_small, rss_small, rc_small = child_peak_rss([*cmd, str(small), "--db", str(workdir / "one.db")])
    t_big, rss_big, rc_big = child_peak_rss([*cmd, str(big), "--db", str(workdir / "large.db")])
    return {
        "records": records,
        "file_mb": big.stat().st_size / 1e6,
        "seconds": t_big,
        "rss_mb": rss_big,
        "floor_rss_mb": rss_small,
        "floor_seconds": t_small,
        "exit": rc_big or rc_small,
    }
