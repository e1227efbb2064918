"""The public listing on the city-scale data set (issue 9), in process, against a bare
lookup by USCC: name searches of one and two characters, and a district's listing by
grade.

    .venv/bin/python benchmarks/full_rescore.py --build-only   # once: bench_city
    .venv/bin/python benchmarks/public_listing.py [--queries 200]

Against the PostgreSQL database `bench_city` (200,000 merchants; scored, as the load
test leaves it), with kept answers off (PUBLIC_CACHE_SECONDS=0, so every page and its
total are built), it times the first page (20 rows) of `services.public.page`:
  1. the lower bound: a bare `SELECT name FROM merchants WHERE uscc = :code` by the
     unique index, the cheapest statement a lookup can be;
  2. name searches: --queries one-character and --queries two-character pieces of real
     names (seeded), as built now, whose name condition (`services.search.name_holds`)
     reads the name_grams index (migration 0012);
  3. the same searches with that index not used (a short `q` searched as the longer ones
     are, `ILIKE '%q%'`): pg_trgm cannot serve it, so every name of the city is read;
  4. every district's listing of each grade (A, B, C, D, unrated): 16 × 5 pages;
  5. far pages of 200: pages 100 and 999 of the whole city's listing and of its grade-A
     businesses (page 999 of the grade-A listing is past its last, 636);
  6. the sorted listings (issue 22): every district's listing sorted by grade and by last
     inspection, pages 1 and 50, and the city's; then the search page itself
     (`GET /merchants?district=…&sort=…`, HTML, through the Flask test client) for each.
With --sorts-only, only 6 (and the lower bound).
Each query runs once to warm the database's page cache, then is timed. It prints the
mean, p50, p99 and slowest time of each, and each against the lower bound.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from serving import CITY_DB, percentile  # noqa: E402

from creditsvc import create_app  # noqa: E402
from creditsvc.extensions import db  # noqa: E402
from creditsvc.models import Merchant  # noqa: E402
from creditsvc.services.publication import public  # noqa: E402
from creditsvc.services.registry import search  # noqa: E402

URL = f"postgresql://postgres@127.0.0.1:5432/{CITY_DB}"
SEED = 11


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=200, help="queries of each length")
    parser.add_argument("--sorts-only", action="store_true", help="only the sorted listings")
    return parser.parse_args()


def pieces(names: list[str], length: int, count: int, rng: random.Random) -> list[str]:
    """`count` pieces of `length` characters, each from a random name at a random place."""
    drawn = []
    while len(drawn) < count:
        name = rng.choice(names)
        if len(name) >= length:
            start = rng.randrange(len(name) - length + 1)
            drawn.append(name[start : start + length])
    return drawn


def timed(run, queries: list) -> tuple[list[float], list[int]]:
    for q in queries:  # warm: the database's pages in memory, the plans prepared
        run(q)
    times, found = [], []
    for q in queries:
        started = time.perf_counter()
        found.append(run(q))
        times.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return times, found


def listing(q: str) -> int:
    return public.page({"q": q, "page": 1, "per_page": 20})["total"]


def district_listing(district_grade: tuple[str, str]) -> int:
    district, grade = district_grade
    return public.page({"district": district, "grade": grade, "page": 1, "per_page": 20})["total"]


def sorted_listing(district_sort_page: tuple[str | None, str, int]) -> int:
    district, sort, number = district_sort_page
    args = {"sort": sort, "page": number, "per_page": 20} | (
        {"district": district} if district else {}
    )
    return len(public.page(args)["items"])


def search_page(client, district_sort_page: tuple[str | None, str, int]) -> int:
    district, sort, number = district_sort_page
    url = f"/merchants?sort={sort}&page={number}" + (f"&district={district}" if district else "")
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return len(response.data)


def sorts(app, districts: list[str], floor_mean: float) -> None:
    """Every district's listing sorted by grade and by last inspection, and the city's."""
    for sort in ("grade", "inspected"):
        for number in (1, 50):
            listings = [(d, sort, number) for d in [*districts, None]]
            times, _ = timed(sorted_listing, listings)
            print(summary(f"  by {sort}, page {number} (17 listings)", times, floor_mean))
    client = app.test_client()
    for sort in ("name", "grade", "inspected"):
        listings = [(d, sort, 1) for d in [*districts, None]]
        times, _ = timed(lambda a: search_page(client, a), listings)
        print(summary(f"  GET /merchants sort={sort}", times, floor_mean))


def without_name_grams(q: str) -> int:
    short, search.SHORT = search.SHORT, 0  # every q searched as a long one is
    try:
        return listing(q)
    finally:
        search.SHORT = short


def summary(label: str, times: list[float], floor: float) -> str:
    mean = statistics.fmean(times)
    return (
        f"{label:<34} mean {mean:7.2f} ms  p50 {percentile(times, 0.5):7.2f}"
        f"  p99 {percentile(times, 0.99):7.2f}  max {max(times):7.2f}  ({mean / floor:5.1f}× floor)"
    )


def main() -> None:
    args = parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": None, "PUBLIC_CACHE_SECONDS": 0})
    rng = random.Random(SEED)
    with app.app_context():
        merchants = db.session.scalar(select(func.count()).select_from(Merchant))
        names = list(db.session.scalars(select(Merchant.name)))
        codes = rng.sample(list(db.session.scalars(select(Merchant.uscc))), args.queries)
        bare = text("SELECT name FROM merchants WHERE uscc = :code")
        floor, _ = timed(lambda c: len(db.session.execute(bare, {"code": c}).all()), codes)
        floor_mean = statistics.fmean(floor)
        print(f"{CITY_DB}: {merchants:,} merchants; {args.queries} queries of each length")
        print(summary("lower bound: one row by USCC", floor, floor_mean))
        districts = sorted(db.session.scalars(select(Merchant.district_code).distinct()))
        if args.sorts_only:
            sorts(app, districts, floor_mean)
            return
        for length in (1, 2):
            queries = pieces(names, length, args.queries, rng)
            now, found = timed(listing, queries)
            before, found_before = timed(without_name_grams, queries)
            if found != found_before:
                raise SystemExit(f"the two ways found different totals for {length} characters")
            print(f"{length} character(s), e.g. {' '.join(queries[:5])}: "
                  f"found mean {statistics.fmean(found):,.0f}, max {max(found):,}")  # fmt: skip
            print(summary("  name_grams index (now)", now, floor_mean))
            print(summary("  every name read (no name_grams)", before, floor_mean))
        listings = [(d, g) for d in districts for g in ("A", "B", "C", "D", "unrated")]
        times, found = timed(district_listing, listings)
        print(f"{len(listings)} district listings by grade: "
              f"found mean {statistics.fmean(found):,.0f}, max {max(found):,}")  # fmt: skip
        print(summary("  district × grade, first page", times, floor_mean))
        for grade in (None, "A"):
            for number in (100, 999):
                args = {"page": number, "per_page": 200} | ({"grade": grade} if grade else {})
                times, found = timed(lambda a: len(public.page(a)["items"]), [args] * 5)
                label = f"  {'grade A' if grade else 'city'}, page {number} ({found[0]} rows)"
                print(summary(label, times, floor_mean))
        sorts(app, districts, floor_mean)


if __name__ == "__main__":
    main()
