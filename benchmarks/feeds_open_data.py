"""The Atom feeds and the open-data catalogue on the city-scale set, in process, with the
public cache off (every answer built), and the nightly measurement of the exports.

Run by hand, never in the test suite (see benchmarks/README.md):

    BENCH_DB=bench_feeds .venv/bin/python benchmarks/feeds_open_data.py [--requests 20]

BENCH_DB names a copy of bench_city upgraded with migration 0035 (the figures table):
the measurement writes its figures there. It first measures every export once
(`jobs.open_data.measure_open_data`: each CSV written as it is downloaded, counted),
then requests each page --requests times through the Flask test client after two
warm-up requests and prints p50, p95 and the slowest. The business feed is asked for the
business with the most snapshots (on an unscored copy, the first business).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creditsvc import create_app  # noqa: E402
from creditsvc.extensions import db  # noqa: E402
from creditsvc.jobs.open_data import measure_open_data  # noqa: E402
from creditsvc.models import Merchant, ScoreSnapshot  # noqa: E402

CITY_DB = os.environ.get("BENCH_DB", "bench_feeds")
WARM_UP = 2


def app_for_city():
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:5432/{CITY_DB}",
            "SECRET_KEY": "bench-feeds",
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
            "PUBLIC_BASE_URL": "https://credit.example.test",
            "REDIS_URL": None,
            "PUBLIC_CACHE_SECONDS": 0,
            "RATE_LIMIT_PUBLIC_READS": "1000000 per minute",
        }
    )


def busiest_business() -> str:
    most = (
        select(ScoreSnapshot.merchant_id)
        .group_by(ScoreSnapshot.merchant_id)
        .order_by(func.count().desc())
        .limit(1)
        .scalar_subquery()
    )
    found = db.session.scalar(select(Merchant.uscc).where(Merchant.id == most))
    # An unscored copy has no snapshots: then the first business, whose feed is empty.
    return found or db.session.scalar(select(Merchant.uscc).order_by(Merchant.id).limit(1))


def timed(client, url: str, requests: int) -> list[float]:
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    app = app_for_city()
    with app.app_context():
        started = time.perf_counter()
        sizes = measure_open_data()
        print(f"nightly measurement: {time.perf_counter() - started:.1f} s, bytes {sizes}")
        uscc = busiest_business()
        db.session.commit()
    client = app.test_client()
    urls = [
        "/feeds/documents.atom",
        "/feeds/documents/310104.atom",
        f"/feeds/merchants/{uscc}.atom",
        "/open-data",
        "/open-data/catalog.jsonld",
    ]
    print("| page | p50 ms | p95 ms | slowest ms |")
    print("|---|---|---|---|")
    for url in urls:
        times = sorted(timed(client, url, args.requests))
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"| {url} | {statistics.median(times):.1f} | {p95:.1f} | {times[-1]:.1f} |")


if __name__ == "__main__":
    main()
