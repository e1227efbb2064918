"""The public pages of issue 22 on the city-scale data set: the map, the trends (each
variant and CSV) and the public search, against a trivial endpoint; and the nightly
statistics refresh that keeps the figures they read.

    createdb -h 127.0.0.1 -U postgres -T bench_city bench_mapstats
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_mapstats \
        .venv/bin/flask --app wsgi db upgrade
    BENCH_DB=bench_mapstats .venv/bin/python benchmarks/public_pages_city.py \
        [--requests 60] [--synthetic-scores]

In process, through Flask's test client (no network), with public answers not kept
(PUBLIC_CACHE_SECONDS=0, so every page is built): each URL is asked once to warm the
database's cache, then --requests times; it prints p50, p95 and p99 in milliseconds.
Before the pages it times the refresh twice: every month shown (`--all`, run once after
a deploy or a correction) and the nightly run (the latest STATISTICS_NIGHTLY_MONTHS).

--synthetic-scores: a copy whose merchants were never scored (score_snapshots empty)
gets a made-up history first, so that the refresh has snapshots to read and the map
has grades to colour: one snapshot per merchant every 90 days over the last two years,
its grade drawn from the merchant's id, and a current standing from the latest. Only for
a benchmark copy: it writes score history no rescore made.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from serving import CITY_DB, UNTHROTTLED, percentile  # noqa: E402

from creditsvc import clock, create_app  # noqa: E402
from creditsvc.extensions import db  # noqa: E402
from creditsvc.jobs.statistics import refresh_statistics  # noqa: E402
from creditsvc.models import Merchant, ScoreSnapshot  # noqa: E402

URL = f"postgresql://postgres@127.0.0.1:5432/{CITY_DB}"
XUHUI, PUDONG = "310104", "310115"
SORTS = ("name", "grade", "inspected")

SYNTHETIC_SNAPSHOTS = """
INSERT INTO score_snapshots (merchant_id, as_of, computed_at, policy_version, rated, score,
                             grade, reasons, inputs_hash, run_id)
SELECT m.id, CAST(:today AS date) - step * 90, now(), 1, (m.id + step) % 13 <> 0,
       CASE WHEN (m.id + step) % 13 = 0 THEN NULL ELSE 60 + (m.id * 7 + step) % 40 END,
       CASE WHEN (m.id + step) % 13 = 0 THEN NULL
            ELSE (ARRAY['A', 'A', 'B', 'B', 'B', 'C', 'D'])[1 + (m.id * 7 + step) % 7] END,
       '[]', 'synthetic', 'benchmark'
FROM merchants m CROSS JOIN generate_series(8, 0, -1) AS step
"""
SYNTHETIC_STANDINGS = """
INSERT INTO current_scores (merchant_id, snapshot_id, rated, score, grade, as_of,
                            policy_version, inputs_hash)
SELECT DISTINCT ON (merchant_id) merchant_id, id, rated, score, grade, as_of, 1, inputs_hash
FROM score_snapshots ORDER BY merchant_id, as_of DESC, id DESC
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60, help="timed requests per URL")
    parser.add_argument("--synthetic-scores", action="store_true")
    return parser.parse_args()


def synthesize_scores() -> None:
    if db.session.scalar(select(func.count()).select_from(ScoreSnapshot)):
        print("score_snapshots is not empty: no synthetic scores written")
        return
    started = time.perf_counter()
    today = clock.today().isoformat()
    db.session.execute(text(SYNTHETIC_SNAPSHOTS), {"today": today})
    db.session.execute(text("DELETE FROM current_scores"))
    db.session.execute(text(SYNTHETIC_STANDINGS))
    db.session.commit()
    db.session.execute(text("ANALYZE score_snapshots"))
    db.session.execute(text("ANALYZE current_scores"))
    db.session.commit()
    print(f"synthetic scores written in {time.perf_counter() - started:.1f} s")


def time_refresh() -> None:
    for everything, label in ((True, "refresh --all (24 months)"), (False, "nightly refresh")):
        started = time.perf_counter()
        counts = refresh_statistics(everything=everything)
        print(f"{label}: {time.perf_counter() - started:.1f} s {counts}")


def urls(app) -> list[str]:
    name = db.session.scalar(select(Merchant.name).where(Merchant.district_code == XUHUI))
    piece = name[:2]
    searches = [
        f"/merchants?district={XUHUI}",
        "/merchants?grade=A",
        f"/merchants?district={PUDONG}&grade=B",
        f"/merchants?q={piece}",
    ]
    return [
        "/healthz/live",
        "/map",
        "/map?lang=en",
        "/statistics",
        f"/statistics?district={XUHUI}",
        "/statistics?lang=en",
        "/statistics/grades.csv",
        f"/statistics/readings.csv?district={XUHUI}",
        "/statistics/notices.csv",
        *searches,
        *(f"{u}&sort={s}" for u in searches for s in SORTS),
    ]


def measure(client, url: str, count: int) -> list[float]:
    answer = client.get(url)  # warm
    assert answer.status_code == 200, (url, answer.status_code)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    return times


def main() -> None:
    args = parse_args()
    print(f"database {CITY_DB}; load average {os.getloadavg()}")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": URL, "PUBLIC_CACHE_SECONDS": 0, "REDIS_URL": None} | UNTHROTTLED
    )
    with app.app_context():
        if args.synthetic_scores:
            synthesize_scores()
        time_refresh()
        client = app.test_client()
        print(f"{'url':58} {'p50':>7} {'p95':>7} {'p99':>7} {'mean':>7}  (ms)")
        for url in urls(app):
            times = measure(client, url, args.requests)
            print(
                f"{url:58} {percentile(times, 0.5):7.1f} {percentile(times, 0.95):7.1f} "
                f"{percentile(times, 0.99):7.1f} {statistics.fmean(times):7.1f}"
            )
            db.session.remove()
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
