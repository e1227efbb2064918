"""What judging readings only against the market's own traders costs (issue 17).

Run by hand, never in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/reading_places.py [--merchants 200000] [--rounds 300]

It creates a fresh PostgreSQL database, migrates it and loads a city with Core inserts:
`--merchants` merchants over the 16 districts, 100 markets of 200 stalls each, every
stall held by a merchant of its market. Then, in one process and one connection, it
resolves batches of 500 readings as a fair scale of the first market sends them (nine
in ten by stall number, one in ten by USCC) with `readings.Places`, which keeps to
`scope.traders`, and, in the same rounds in alternating order, with the two queries
the service ran before issue 17, which kept to nothing: the lower bound. It prints the
median and 95th percentile of each and the ratio of the medians, and drops the database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import serving
from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creditsvc import create_app  # noqa: E402
from creditsvc.config import database_url  # noqa: E402
from creditsvc.extensions import db  # noqa: E402
from creditsvc.models import District, Market, Merchant, Stall  # noqa: E402
from creditsvc.services.evidence.readings import Places  # noqa: E402
from creditsvc.uscc import make as make_uscc  # noqa: E402

MARKETS, STALLS = 100, 200


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1/postgres")
    parser.add_argument("--database", default="bench_reading_places")
    parser.add_argument("--merchants", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    return parser.parse_args()


def admin(admin_url: str, sql: str) -> None:
    engine = create_engine(database_url(admin_url, ROOT), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def load_city(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The city's rows; the first market's (stall number, holder's USCC) pairs."""
    districts = list(db.session.scalars(select(District.code).order_by(District.code)))
    markets = [
        {"id": i + 1, "name": f"基准市场{i}", "district_code": districts[i % len(districts)]}
        for i in range(MARKETS)
    ]
    db.session.execute(insert(Market), markets)
    merchants, stalls = [], []
    for i in range(args.merchants):
        market = markets[i % MARKETS] if i < MARKETS * STALLS else None
        district = market["district_code"] if market else districts[i % len(districts)]
        merchants.append(
            {
                "id": i + 1,
                "uscc": make_uscc("9", "2", "310000", f"{i + 1:09d}"),
                "name": f"基准商户{i}",
                "trade": "market_stall",
                "district_code": district,
                "market_id": market["id"] if market else None,
            }
        )
        if market:
            number = f"S-{i // MARKETS:03d}"
            stalls.append({"market_id": market["id"], "number": number, "merchant_id": i + 1})
    db.session.execute(insert(Merchant), merchants)
    db.session.execute(insert(Stall), stalls)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    by_id = {m["id"]: m["uscc"] for m in merchants}
    return [(s["number"], by_id[s["merchant_id"]]) for s in stalls if s["market_id"] == 1]


def batch(rng: random.Random, size: int, places: list[tuple[str, str]]) -> list[dict]:
    items = []
    for _ in range(size):
        number, uscc = rng.choice(places)
        items.append({"merchant": uscc} if rng.random() < 0.1 else {"stall": number})
    return items


def unscoped(market_id: int, items: list[dict]) -> tuple[dict, dict]:
    """The lower bound: the two queries before issue 17, which named any merchant."""
    numbers = {item["stall"] for item in items if "stall" in item}
    codes = {item["merchant"] for item in items if "merchant" in item}
    in_market = select(Stall.number, Stall.id, Stall.merchant_id).where(
        Stall.market_id == market_id, Stall.number.in_(numbers)
    )
    stall_here = (Stall.merchant_id == Merchant.id) & (Stall.market_id == market_id)
    by_code = (
        select(Merchant.uscc, Merchant.id, Merchant.market_id, Stall.id)
        .outerjoin(Stall, stall_here)
        .where(Merchant.uscc.in_(codes))
    )
    return dict.fromkeys(db.session.execute(in_market)), dict.fromkeys(db.session.execute(by_code))


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure(args: argparse.Namespace, places: list[tuple[str, str]]) -> dict[str, list[float]]:
    rng = random.Random(args.seed)
    runs: dict[str, list[float]] = {"scoped": [], "unscoped": []}
    for round_number in range(args.rounds + 10):
        items = batch(rng, args.batch_size, places)
        pair = [("scoped", partial(Places, 1, items)), ("unscoped", partial(unscoped, 1, items))]
        for name, call in pair if round_number % 2 else reversed(pair):
            took = timed(call)
            if round_number >= 10:  # the first ten rounds warm the caches
                runs[name].append(took)
        db.session.rollback()
    return runs


def main() -> None:
    args = parse_args()
    admin(args.admin_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    admin(args.admin_url, f'CREATE DATABASE "{args.database}"')
    url = args.admin_url.rsplit("/", 1)[0] + "/" + args.database
    try:
        from flask_migrate import upgrade

        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(url, ROOT)})
        with app.app_context():
            upgrade()
            places = load_city(args)
            runs = measure(args, places)
            db.engine.dispose()
        medians = {name: statistics.median(values) for name, values in runs.items()}
        for name, values in runs.items():
            p95 = serving.percentile(values, 0.95)
            print(f"{name:9} median {medians[name]:.2f} ms  p95 {p95:.2f} ms  per batch")
        print(
            f"ratio of medians (scoped / unscoped): {medians['scoped'] / medians['unscoped']:.2f}"
        )
    finally:
        admin(args.admin_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
