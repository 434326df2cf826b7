"""Ingest time against input size: one generated headline CSV (title, date, source, short description),
ingested by ``python -m newsdesk ingest`` into a fresh database at several sizes.

    python benchmarks/ingest_scaling.py                 # 12k, 96k and 480k rows
    python benchmarks/ingest_scaling.py --rows 12000 96000 --jobs 1

Every size is the same stream of rows cut at a different length (ten minutes apart, so the number of
titles in a novelty window is the same at every size). Each ingest runs in its own child process;
its peak RSS (the largest of the process and its scoring workers) and CPU seconds (all of them) come
from ``os.wait4``'s resource usage of that child. Linear-time ingest means the rows/s at 480k stay
within 1.5x of the rows/s at 12k.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (12_000, 96_000, 480_000)
COMPANIES = ["Toyota", "Sony", "Apple", "Microsoft", "Siemens", "TSMC", "Nvidia", "Shell", "HSBC", "Airbus"]
SUBJECTS = ["orders", "margins", "demand", "exports", "earnings", "guidance", "prices", "output", "deliveries"]
MOVES = ["rises", "jumps", "beats forecasts", "falls", "slides", "misses estimates", "holds steady", "warns"]
PLACES = ["in Asia", "in Europe", "at home", "in the US", "after the strike", "on weak yen", "as rates climb"]
SOURCES = ["Harbor Ledger", "Meridian Wire", "Atlas Daily", "Northgate Times"]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` distinct headline rows; the first n rows are the same for every size."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "date", "source", "short_description"])
        for i in range(rows):
            company, subject = rng.choice(COMPANIES), rng.choice(SUBJECTS)
            title = f"{company} {subject} {rng.choice(MOVES)} {rng.choice(PLACES)} (report {i})"
            when = start + timedelta(minutes=10 * i)
            summary = f"{company} said {subject} {rng.choice(MOVES)}; analysts expect more news next quarter."
            writer.writerow([title, when.strftime("%Y-%m-%d %H:%M"), rng.choice(SOURCES), summary])


def run(path: Path, db: Path, jobs: int | None = None) -> tuple[float, float, int, str, float]:
    """Seconds, peak RSS (MB) and exit code of one ingest in a child process, its summary line and
    the CPU seconds it used (with its workers)."""
    env = {**os.environ, "NEWSDESK_DB": "", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "newsdesk", "ingest", str(path), "--db", str(db)]
    cmd += ["--jobs", str(jobs)] if jobs else []
    with tempfile.TemporaryFile() as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        summary = log.read().decode("utf-8", "replace").splitlines()[0]
    return seconds, usage.ru_maxrss / 1024, proc.returncode, summary, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--jobs", type=int, help="Scoring processes (default: the ingest's, every core).")
    parser.add_argument("--dir", type=Path, help="Where to write the CSV files and databases (default: a temp dir).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        head = f"{'rows':>8} {'MB':>6} {'seconds':>8} {'rows/s':>8} {'CPU s':>7} {'peak RSS MB':>12} {'exit':>4}"
        print(f"{head}  summary")
        first_rate = None
        for n in args.rows:
            path, db = folder / f"headlines_{n}.csv", folder / f"ingest_{n}.db"
            write_csv(path, n)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            seconds, rss, code, summary, cpu = run(path, db, args.jobs)
            rate = n / seconds
            first_rate = first_rate or rate
            print(
                f"{n:8,} {path.stat().st_size / 1e6:6.1f} {seconds:8.1f} {rate:8,.0f} {cpu:7.1f} {rss:12,.0f} "
                f"{code:>4}  {summary}"
                f"  (rate / first size's: {rate / first_rate:.2f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
