"""``python -m newsdesk bench``: the benchmark commands. They live beside the product in a checkout's
``benchmarks/`` folder, not in the installed package; :mod:`newsdesk.cli` registers this group when
the folder is there. See BENCHMARKS.md."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from newsdesk.config import ROOT
from newsdesk.db import open as open_database


def benchmarks(name: str):
    """The module ``benchmarks.<name>`` (imported when a command runs: the bench modules are heavy)."""
    import importlib

    return importlib.import_module(f"benchmarks.{name}")


@click.group(invoke_without_command=True)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Synthetic database to measure (made with 'bench generate'; built with --n if missing).",
)
@click.option("--n", "n", default=100_000, show_default=True, help="Articles to generate when --db is missing.")
@click.pass_context
def bench(ctx: click.Context, db_path: str | None, n: int) -> None:
    """Benchmarks, each printed beside its baseline. Without a subcommand: the scale bench."""
    if ctx.invoked_subcommand is not None:
        return
    import os

    b, synthetic = benchmarks("bench"), benchmarks("synthetic")

    path = Path(db_path or "data/bench.db")
    if not path.exists():
        click.echo(f"Generating {n:,} synthetic articles into {path} ...")
        db = open_database(path)
        t0 = time.perf_counter()
        synthetic.generate(db, n)
        db.close()
        click.echo(f"  {n:,} rows in {time.perf_counter() - t0:,.1f} s")
    size = os.path.getsize(path)
    q = b.query_bench(str(path))
    click.echo(
        f"Database {path}: {q['articles']:,} articles, {size / 1e6:,.0f} MB "
        f"({size / max(q['articles'], 1):,.0f} B/article)"
    )
    click.echo("")
    click.echo(f"{'query':42} {'ms':>9} {'floor':>22} {'ratio':>7} {'target':>14}")
    scan = q["full_scan"] * 1000
    for key, label, target in (
        ("chart_all", "chart, all categories, 3 years (weekly)", "<= 0.1x scan"),
        ("chart_quarter", "chart, 3 categories x 1 quarter", "<= 0.1x scan"),
        ("kpis_quarter", "KPIs, 3 categories x 1 quarter", ""),
        ("list_quarter", "article list, first 1,000 (filtered)", "<= 150 ms"),
        ("list_all", "article list, first 1,000 (no filter)", "<= 150 ms"),
        ("fts_top50", "full-text search, top 50", "<= 50 ms"),
    ):
        ms = q[key] * 1000
        click.echo(
            f"{label:42} {ms:9.1f} {'full scan ' + format(scan, '.1f') + ' ms':>22} {ms / scan:7.2f} {target:>14}"
        )
    click.echo("")
    r = b.ingest_bench()
    click.echo(
        f"ingest + score    {r['ingest']:9,.0f} articles/s   bare TextBlob {r['textblob']:9,.0f}/s   "
        f"ratio {r['ingest'] / r['textblob']:.2f} (target >= 0.75)"
    )
    click.echo(
        f"storage only      {r['store']:9,.0f} rows/s       raw executemany {r['raw']:9,.0f}/s   "
        f"ratio {r['store'] / r['raw']:.2f} (target >= 50,000 rows/s)"
    )
    click.echo(
        f"  floor: FTS5 indexing of the same 500-word texts alone {r['fts']:9,.0f} rows/s "
        f"(storage / FTS5 {r['store'] / r['fts']:.2f})"
    )
    click.echo(
        f"storage, headline + summary rows {r['store_short']:9,.0f} rows/s   raw executemany {r['raw_short']:9,.0f}/s"
    )
    click.echo(
        f"story clusters    {r['cluster']:9,.0f} titles/s     ({1e3 / r['cluster']:.3f} ms a title, target < 0.15; "
        f"the step inside storage; {r['ingest'] / r['cluster']:.0%} of ingest + score time)"
    )
    click.echo(
        f"  ingest + score, stories off {r['ingest_stories_off']:9,.0f} articles/s; stories on / off "
        f"{r['ingest'] / r['ingest_stories_off']:.2f} (target >= 0.80)"
    )
    _echo_headlines(b.headline_bench())
    click.echo("")
    pages = ["dashboard.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
    click.echo(
        f"{'page (AppTest)':26} {'first s':>8} {'rerun s':>8} {'filter s':>9} "
        f"{'empty first/rerun s':>20} {'peak RSS MB':>12}"
    )
    for row in b.apptest_bench(str(path.resolve()), pages):
        if row.get("errors"):
            click.echo(f"{row['page']:26} error: {row['errors'][0]}")
            continue
        change = "-" if row["filter_change"] is None else f"{row['filter_change']:.3f}"
        empty = f"{row['empty']:.3f} / {row['empty_rerun']:.3f}"
        click.echo(
            f"{row['page']:26} {row['first']:8.2f} {row['rerun']:8.3f} {change:>9} {empty:>20} "
            f"{row['peak_rss_mb']:12.0f}"
        )
    click.echo(
        "targets at 1M: overview first run <= 1.5 s, cached rerun <= 0.1 s, filter change <= 0.3 s on every page; "
        "peak RSS <= 600 MB"
    )


def _echo_headlines(h: dict) -> None:
    click.echo(
        f"headline CSV rows {h['ingest']:9,.0f} rows/s       bare TextBlob {h['textblob']:9,.0f}/s   "
        f"ratio {h['ingest'] / h['textblob']:.2f} (target >= 0.5 and >= 5,000 rows/s; {h['rows']:,} rows, "
        f"{h['jobs']} jobs, {h['ingest_cpu_s']:.1f} CPU s)"
    )
    click.echo(
        f"  floor: raw insert + FTS5 of the same rows, 1,000 per transaction {h['floor']:9,.0f} rows/s "
        f"(ingest / floor {h['ingest'] / h['floor']:.2f})"
    )


@bench.command("headlines")
@click.option("--rows", default=12_000, show_default=True, help="Headline rows to generate and ingest.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Scoring processes (default: every core).")
def bench_headlines(rows: int, jobs: int | None) -> None:
    """Headline CSV ingest beside bare TextBlob and the raw insert + FTS5 floor, from one run."""
    _echo_headlines(benchmarks("bench").headline_bench(rows, jobs))


@bench.command("generate")
@click.option("--n", "n", required=True, type=int, help="How many synthetic articles.")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False), help="Database to write.")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same corpus).")
def bench_generate(n: int, db_path: str, seed: int) -> None:
    """Write N deterministic synthetic articles (marked synthetic) into a database."""
    synthetic = benchmarks("synthetic")
    db = open_database(db_path)
    t0 = time.perf_counter()
    with tqdm(total=n, unit="article", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        synthetic.generate(db, n, seed=seed, on_batch=bar.update)
    click.echo(f"Generated {n:,} synthetic articles into {db_path} in {time.perf_counter() - t0:,.1f} s")


QUERY_ROWS = (
    ("full_scan", "full scan (count, sum of sentiment)"),
    ("chart_all", "chart, all categories, 3 years (weekly)"),
    ("chart_quarter", "chart, 3 categories x 1 quarter"),
    ("kpis_quarter", "KPIs, 3 categories x 1 quarter"),
    ("list_quarter", "article list, first 1,000 (filtered)"),
    ("list_all", "article list, first 1,000 (no filter)"),
    ("fts_top50", "full-text search, top 50"),
)


@bench.command("engines")
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="A SQLite database made with 'bench generate'.",
)
@click.option("--url", required=True, help="A postgresql:// database holding the same desk (newsdesk db copy).")
def bench_engines(db_path: str, url: str) -> None:  # fmt: skip
    """The dashboard's reads on SQLite and on PostgreSQL side by side (the same desk on each)."""
    b = benchmarks("bench")
    lite, pg = b.query_bench(db_path), b.query_bench(url)
    if lite["articles"] != pg["articles"]:
        raise click.ClickException(f"not the same desk: {lite['articles']:,} vs {pg['articles']:,} articles")
    click.echo(f"{lite['articles']:,} articles on each engine; best of 3, ms")
    click.echo(f"{'query':42} {'SQLite':>9} {'PostgreSQL':>11} {'PG / SQLite':>12}")
    for key, label in QUERY_ROWS:
        ms_lite, ms_pg = lite[key] * 1000, pg[key] * 1000
        click.echo(f"{label:42} {ms_lite:9.1f} {ms_pg:11.1f} {ms_pg / ms_lite:12.2f}")


@bench.command("storage")
@click.option("--n", "n", default=300, show_default=True, help="Articles per batch.")
@click.option("--repeat", default=5, show_default=True, help="Runs (batch, then its floor); medians printed.")
def bench_storage(n: int, repeat: int) -> None:
    """Where the storage step's time goes, statement by statement, beside its floor (raw insert + FTS5)."""
    r = benchmarks("storage_profile").storage_profile(n, repeat)
    total = r["total"]
    click.echo(
        f"write_batch of {n} scored 500-word articles: {total * 1000:7.1f} ms ({n / total:,.0f} rows/s); "
        f"floor {r['fts'] * 1000:.1f} ms ({n / r['fts']:,.0f} rows/s: raw insert + FTS5 of the same rows, same "
        f"transaction size and settings, after the first batch); storage / floor {r['fts'] / total:.2f} "
        f"(medians of {repeat})"
    )
    click.echo(
        f"CPU: write_batch {r['cpu'] * 1000:.1f} ms, floor {r['fts_cpu'] * 1000:.1f} ms; storage / floor "
        f"{r['fts_cpu'] / r['cpu']:.2f}"
    )
    click.echo(
        f"floor of all the batch's rows (every column of articles, categories, companies, sources: raw, no index) "
        f"+ FTS5: {r['rows_floor'] * 1000:.1f} ms wall, {r['rows_floor_cpu'] * 1000:.1f} ms CPU; storage / that "
        f"floor {r['rows_floor'] / total:.2f} wall, {r['rows_floor_cpu'] / r['cpu']:.2f} CPU"
    )
    click.echo(
        "each run, storage / floor: wall "
        + " ".join(f"{x:.2f}" for x in r["ratios"])
        + ", CPU "
        + " ".join(f"{x:.2f}" for x in r["cpu_ratios"])
        + "; storage / all-rows floor, wall "
        + " ".join(f"{x:.2f}" for x in r["rows_ratios"])
    )
    click.echo("statements of the median run (wall):")
    for key, seconds in sorted(r["statements"].items(), key=lambda kv: -kv[1]):
        click.echo(f"  {seconds * 1000:7.1f} ms  {key}")
    rest = total - sum(r["statements"].values())
    click.echo(f"  {rest * 1000:7.1f} ms  Python: identity, content hash, duplicates in the batch, row mapping, totals")


@bench.command("large-jsonl")
@click.option("--mb", default=200.0, show_default=True, help="Size of the JSON Lines file to write and ingest.")
@click.option("--dir", "workdir", type=click.Path(file_okay=False), help="Where to write it (default: a temp dir).")
def bench_large_jsonl(mb: float, workdir: str | None) -> None:
    """Ingest a large JSON Lines file in a child process; print its peak RSS beside a one-record run."""
    import tempfile

    b = benchmarks("bench")
    with tempfile.TemporaryDirectory() as tmp:
        r = b.large_jsonl_bench(mb, workdir or tmp)
    click.echo(f"file            {r['file_mb']:9,.1f} MB  {r['records']:,} records")
    click.echo(
        f"ingest          {r['seconds']:9,.1f} s   {r['records'] / r['seconds']:,.0f} records/s   exit {r['exit']}"
    )
    click.echo(
        f"peak RSS        {r['rss_mb']:9,.0f} MB  one-record floor {r['floor_rss_mb']:,.0f} MB  "
        f"growth {r['rss_mb'] - r['floor_rss_mb']:,.0f} MB for a {r['file_mb']:,.0f} MB file"
    )


@bench.command("sentiment")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the *_dev.tsv benchmark files (default: ../shared/benchdata).",
)
@click.option("--split", default="dev", show_default=True, help="Which split of each data set to score.")
def bench_sentiment(data_dir: Path | None, split: str) -> None:
    """Bare TextBlob and newsdesk side by side on financial sentiment benchmarks."""
    from newsdesk.score.sentiment import polarity, textblob_polarity

    bench_mod = benchmarks("bench")

    data_dir = data_dir or bench_mod.DEFAULT_BENCHDATA
    if not data_dir.exists():
        raise click.ClickException(f"{data_dir} does not exist: pass --data-dir with the benchmark .tsv files")
    results = bench_mod.sentiment_bench({"textblob": textblob_polarity, "newsdesk": polarity}, data_dir, split)
    if not results["newsdesk"]:
        raise click.ClickException(f"no *_{split}.tsv benchmark file in {data_dir}")
    header = f"{'dataset':24} {'metric':9} {'TextBlob':>9} {'newsdesk':>9} {'TB texts/s':>11} {'nd texts/s':>11}"
    click.echo(f"{header} {'speed':>6}")
    for tb, nd in zip(results["textblob"], results["newsdesk"], strict=True):
        click.echo(
            f"{nd.dataset:24} {nd.metric:9} {tb.value:9.3f} {nd.value:9.3f} {tb.texts_per_s:11,.0f} "
            f"{nd.texts_per_s:11,.0f} {nd.texts_per_s / tb.texts_per_s:5.1f}x"
        )
    click.echo(f"split: {split}; label threshold ±{bench_mod.THRESHOLD}; data: {data_dir}")


@bench.command("pipeline")
@click.option("--words", default=500, show_default=True, help="Words per article.")
def bench_pipeline(words: int) -> None:
    """The full scoring pipeline against bare TextBlob .sentiment on the same articles."""
    bench_mod = benchmarks("bench")
    r = bench_mod.pipeline_bench(words)
    click.echo(f"{r['articles']} articles of {words} words (built from the demo corpus), median of 3 passes")
    click.echo(
        f"bare TextBlob .sentiment     {r['textblob'] * 1000:8.3f} ms/article  {1 / r['textblob']:8,.0f} articles/s"
    )
    click.echo(
        f"newsdesk sentiment only      {r['sentiment'] * 1000:8.3f} ms/article  {1 / r['sentiment']:8,.0f} articles/s"
    )
    click.echo(
        f"newsdesk full pipeline       {r['pipeline'] * 1000:8.3f} ms/article  {1 / r['pipeline']:8,.0f} articles/s"
    )
    click.echo(f"pipeline / TextBlob          {r['ratio']:8.2f}x  (target <= 1.30x)")
