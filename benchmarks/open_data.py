"""The city's open-data export through gunicorn (issue 9): `GET
/api/public/v1/merchants.csv`, every business of bench_city, against PostgreSQL writing
the same rows as CSV itself.

    .venv/bin/python benchmarks/full_rescore.py --build-only   # once: bench_city
    .venv/bin/python benchmarks/open_data.py [--runs 3]

Starts gunicorn with one sync worker on a free port against `bench_city` (200,000
merchants) and, --runs times each:
  1. the lower bound: the export's own SELECT (the listing of every business, in name
     order, as `services.public.merchants_all` builds it) run by PostgreSQL as `COPY
     (...) TO STDOUT WITH CSV` and read by psycopg in this process: no Python per row;
  2. the export through gunicorn, read to its last byte by http.client.
It prints seconds and MB/s of each, the bytes and rows of the export, the ratio, and
the web worker's resident memory before the first export and at its peak (VmHWM).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from serving import CITY_DB, free_port, start_gunicorn, stop  # noqa: E402

from creditsvc import create_app  # noqa: E402

URL = f"postgresql://postgres@127.0.0.1:5432/{CITY_DB}"
EXPORT = "/api/public/v1/merchants.csv"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def export_sql() -> str:
    """The export's SELECT with its values in place, as PostgreSQL will run it."""
    from creditsvc.extensions import db
    from creditsvc.services.publication import public

    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": None})
    with app.app_context():
        stmt = public._listing_of(public.matching({}))
        return str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))


def bare_copy(sql: str) -> tuple[float, int]:
    started, size = time.perf_counter(), 0
    with (
        psycopg.connect(URL) as conn,
        conn.cursor() as cursor,
        cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy,
    ):
        for piece in copy:
            size += len(piece)
    return time.perf_counter() - started, size


def through_gunicorn(port: int) -> tuple[float, int, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", EXPORT)
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"{EXPORT} answered {response.status}")
    size = lines = 0
    while piece := response.read(1 << 16):
        size += len(piece)
        lines += piece.count(b"\n")
    conn.close()
    return time.perf_counter() - started, size, lines - 1


def worker_memory(master: int) -> tuple[int, int]:
    """The one gunicorn worker's resident and peak resident memory, KiB."""
    child = Path(f"/proc/{master}/task/{master}/children").read_text().split()[0]
    status = Path(f"/proc/{child}/status").read_text().splitlines()
    value = {
        line.split(":")[0]: int(line.split()[1])
        for line in status
        if line[:5] in ("VmRSS", "VmHWM")
    }
    return value["VmRSS"], value["VmHWM"]


def main() -> None:
    args = parse_args()
    sql = export_sql()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DATABASE_URL=URL, SECRET_KEY="open-data-" + os.urandom(8).hex(), PUBLIC_CACHE_SECONDS="0"
    )
    port = free_port()
    server = start_gunicorn(port, env, workers=1, health="/healthz/live")
    try:
        rss_before, _ = worker_memory(server.pid)
        bare, served = [], []
        for _ in range(args.runs):
            seconds, bare_size = bare_copy(sql)
            bare.append(seconds)
            seconds, size, rows = through_gunicorn(port)
            served.append(seconds)
        _, peak = worker_memory(server.pid)
    finally:
        stop([server])
    mb = size / 1e6
    print(f"export: {rows:,} businesses, {mb:.1f} MB (COPY wrote {bare_size / 1e6:.1f} MB)")
    for label, times in (
        ("lower bound: PostgreSQL COPY", bare),
        ("GET merchants.csv, gunicorn", served),
    ):
        print(f"{label:<30} " + ", ".join(f"{t:.2f} s" for t in times)
              + f"  ({mb / statistics.median(times):.1f} MB/s at the median)")  # fmt: skip
    print(f"gunicorn / COPY: {statistics.median(served) / statistics.median(bare):.1f}× the time")
    print(f"web worker memory: {rss_before / 1024:.0f} MiB before, peak {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
