"""Migration 0031 at city scale: the readings table made partitioned by month, timed.

Run by hand, never in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/readings_partitions.py [--source bench_partitions]

It copies the source database (a copy of the city-scale set at revision 0030; BENCH_DB or
--source names it, `createdb -T bench_city bench_partitions`) to a scratch database, counts
the readings and takes an order-free checksum of every row, times the bare lower bound
(`CREATE TABLE ... AS SELECT * FROM readings`, one pass that writes every row once, no
index), then runs `flask db upgrade` under `/usr/bin/time -v`, checks that every row is
back (count, checksum, ids, the id sequence) and counts the partitions. It prints the
figures and drops the scratch database (unless --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
# Order-free: a sum of a 64-bit hash of each row's text, in UTC so the text is the same.
CHECKSUM = (
    "SELECT count(*), sum(hashtextextended(r::text, 0)::numeric), min(id), max(id) FROM readings r"
)


def admin(sql: str) -> None:
    engine = create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def figures(db: str) -> tuple:
    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}")
    with engine.connect() as conn:
        conn.execute(text("SET TimeZone = 'UTC'"))
        row = tuple(conn.execute(text(CHECKSUM)).one())
        sequence = conn.execute(text("SELECT last_value FROM readings_id_seq")).scalar_one()
    engine.dispose()
    return row + (sequence,)


def lower_bound(db: str) -> float:
    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}")
    with engine.begin() as conn:
        started = time.perf_counter()
        conn.execute(text("CREATE TABLE readings_lower_bound AS SELECT * FROM readings"))
        elapsed = time.perf_counter() - started
        conn.execute(text("DROP TABLE readings_lower_bound"))
    engine.dispose()
    return elapsed


def upgrade(db: str) -> tuple[float, float, str]:
    """Seconds, peak RSS (MiB) and the output of `flask db upgrade` on `db`."""
    return flask(db, "db", "upgrade")


def flask(db: str, *command: str, **env: str) -> tuple[float, float, str]:
    """Seconds, peak RSS (MiB) and the output of a `flask` command on `db`."""
    env = os.environ | {"DATABASE_URL": f"{PG}/{db}", "REDIS_URL": ""} | env
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - the project's own CLI, no shell
        ["/usr/bin/time", "-v", str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return elapsed, int(rss.group(1)) / 1024 if rss else float("nan"), done.stdout


def partitions(db: str) -> int:
    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}")
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass")
        ).scalar_one()
    engine.dispose()
    return count


def round_trip(db: str, month: str, before: tuple) -> None:
    """Archive the months before `month` and restore the last of them, timed; every row
    back. The city-scale set is younger than its retention, so retention is set negative
    (READINGS_RETENTION_MONTHS=-12) for this run only, to let those months be archived."""
    storage = ROOT / "instance" / "bench-archive"
    shutil.rmtree(storage, ignore_errors=True)
    env = {"READINGS_RETENTION_MONTHS": "-12", "STORAGE_DIR": str(storage)}
    elapsed, rss, log = flask(db, "readings", "archive", "--before", month, **env)
    print(f"archive before {month}: {elapsed:.1f} s, peak RSS {rss:.0f} MiB: {log.strip()}")
    files = sorted((storage / "archive" / "readings").glob("*.csv.gz"))
    for path in files:
        manifest = json.loads(path.with_name(path.name.replace(".csv.gz", ".json")).read_text())
        print(f"  {path.name}: {manifest['rows']:,} rows, {path.stat().st_size / 2**20:.1f} MiB")
    last = files[-1].name.removesuffix(".csv.gz")
    elapsed, rss, log = flask(db, "readings", "restore", last, **env)
    print(f"restore {last}: {elapsed:.1f} s, peak RSS {rss:.0f} MiB: {log.strip()}")
    for path in files[:-1]:
        elapsed, _, _ = flask(db, "readings", "restore", path.name[:7], **env)
        print(f"restore {path.name[:7]}: {elapsed:.1f} s")
    after = figures(db)
    print(f"after the round trip, every row back (count, checksum, ids): {after == before}")
    shutil.rmtree(storage, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=os.environ.get("BENCH_DB", "bench_partitions"))
    parser.add_argument("--scratch", default="bench_partitions_run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--round-trip",
        metavar="YYYY-MM",
        default="2025-11",
        help="archive the months before this one, then restore them ('' to skip)",
    )
    args = parser.parse_args()
    print(f"machine: {platform.node()}, {os.cpu_count()} cores; load at start: {os.getloadavg()}")
    admin(f'DROP DATABASE IF EXISTS "{args.scratch}" WITH (FORCE)')
    started = time.perf_counter()
    admin(f'CREATE DATABASE "{args.scratch}" TEMPLATE "{args.source}"')
    print(f"copied {args.source} to {args.scratch} in {time.perf_counter() - started:.0f} s")
    try:
        before = figures(args.scratch)
        print(f"before: {before[0]:,} readings, ids {before[2]}..{before[3]}, seq {before[4]}")
        bound = lower_bound(args.scratch)
        print(f"lower bound, CREATE TABLE AS SELECT: {bound:.1f} s")
        elapsed, rss, log = upgrade(args.scratch)
        after = figures(args.scratch)
        same = after == before
        print(
            f"migration 0031: {elapsed:.1f} s, peak RSS {rss:.0f} MiB; "
            f"{elapsed / bound:.2f}x the lower bound; {partitions(args.scratch)} partitions"
        )
        print(f"after: {after[0]:,} readings; every row back (count, checksum, ids, seq): {same}")
        print(f"load at end: {os.getloadavg()}")
        if not same:
            sys.exit(f"rows differ: before {before}, after {after}")
        if args.round_trip:
            round_trip(args.scratch, args.round_trip, before)
    finally:
        if not args.keep:
            admin(f'DROP DATABASE IF EXISTS "{args.scratch}" WITH (FORCE)')


if __name__ == "__main__":
    main()
