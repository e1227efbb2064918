"""The public record `GET /api/public/v1/merchants/<uscc>`, in process: SQL statements
per lookup and milliseconds per lookup on the demo city, with the cache off.

Run by hand, never in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/public_record.py [--merchants 2000] [--lookups 200] [--reuse]

It loads the demo city (`creditsvc.demo.city.load(merchants, seed=1)`) into a scratch
SQLite file under benchmarks/data/ and rescores every merchant (kept with --reuse), then
looks up --lookups businesses, a seeded sample, through the Flask test client with
PUBLIC_CACHE_SECONDS=0, so every answer is built. It counts the statements each lookup
runs (`before_cursor_execute` on the engine, BEGIN aside) and prints the mean time per lookup of
three rounds after a warm-up one.

    BENCH_DB=bench_warm .venv/bin/python benchmarks/public_record.py --city

With --city, against the city-scale PostgreSQL set (serving.CITY_DB) instead, it measures
what storing every answer costs (services.public_cache, public_answers): it rebuilds the
stored record of every business in batches of PUBLIC_REFRESH_BATCH into a Redis database
of its own, as the jobs after a full rescore do, and reports the rate and the bytes Redis
then holds; then it reads 5,000 stored answers one at a time from Redis, and the same
bodies from a PostgreSQL table keyed by USCC (a temporary one), to compare the two stores.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creditsvc import create_app  # noqa: E402
from creditsvc.extensions import db  # noqa: E402
from creditsvc.models import Merchant  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
DB_FILE = DATA / "public_record.db"
SEED = 1
ROUNDS = 3


def app_for(path: Path):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "STORAGE_DIR": str(DATA / "public-record-storage"),
            "SECRET_KEY": "bench-public-record",  # noqa: S106 - a scratch database
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
            "PUBLIC_CACHE_SECONDS": 0,
        }
    )


def build(app, merchants: int) -> None:
    from flask_migrate import upgrade

    from creditsvc.demo import city
    from creditsvc.services.standing.rescoring import rescore

    started = time.perf_counter()
    with app.app_context():
        upgrade()
        print(city.load(merchants=merchants, seed=SEED))
        db.session.commit()
        rescore(select(Merchant.id))
        db.session.commit()
    print(f"demo city loaded and rescored in {time.perf_counter() - started:.0f} s")


def sample(app, lookups: int) -> list[str]:
    with app.app_context():
        usccs = sorted(db.session.scalars(select(Merchant.uscc)))
    return random.Random(SEED).sample(usccs, min(lookups, len(usccs)))


def statements_per_lookup(app, client, usccs: list[str]) -> list[int]:
    counted: list[int] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement: str, *_args) -> None:
        # SQLite's explicit BEGIN (creditsvc.database) is no query; PostgreSQL sends none.
        if not statement.lstrip().upper().startswith("BEGIN"):
            counted[-1] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        for uscc in usccs:
            counted.append(0)
            assert client.get(f"/api/public/v1/merchants/{uscc}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counted


def timed_round(client, usccs: list[str]) -> float:
    started = time.perf_counter()
    for uscc in usccs:
        assert client.get(f"/api/public/v1/merchants/{uscc}").status_code == 200
    return (time.perf_counter() - started) * 1000 / len(usccs)


CITY_REDIS = "redis://127.0.0.1:6379/13"  # a database of its own, flushed before and after


def city() -> None:
    """Rebuild every stored record of the city-scale set; compare Redis with a table."""
    from redis import Redis
    from serving import CITY_DB
    from sqlalchemy import text

    from creditsvc.services.publication import public_answers

    redis = Redis.from_url(CITY_REDIS)
    redis.flushdb()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"postgresql://postgres@127.0.0.1:5432/{CITY_DB}",
            "REDIS_URL": CITY_REDIS,
            "PUBLIC_CACHE_SECONDS": 60,
        }
    )
    with app.app_context():
        ids = list(db.session.scalars(select(Merchant.id).order_by(Merchant.id)))
        size = app.config["PUBLIC_REFRESH_BATCH"]
        started = time.perf_counter()
        for start in range(0, len(ids), size):
            public_answers.refresh(ids[start : start + size])
            db.session.rollback()
        took = time.perf_counter() - started
        memory = redis.info("memory")["used_memory"]
        print(
            f"{len(ids):,} records rebuilt and stored in {took:.1f} s"
            f" ({len(ids) / took:,.0f} a second, batches of {size});"
            f" Redis database holds {memory / 2**20:.0f} MiB (all databases of the instance)"
        )
        usccs = random.Random(SEED).sample(
            list(db.session.scalars(select(Merchant.uscc))), min(5000, len(ids))
        )
        names = [f"creditsvc:public:merchant:{u}" for u in usccs]
        started = time.perf_counter()
        bodies = [redis.get(name) for name in names]
        from_redis = (time.perf_counter() - started) * 1000 / len(names)
        db.session.execute(text("CREATE TEMP TABLE answers (uscc text PRIMARY KEY, body text)"))
        db.session.execute(
            text("INSERT INTO answers VALUES (:u, :b)"),
            [{"u": u, "b": b.decode()} for u, b in zip(usccs, bodies, strict=True)],
        )
        db.session.execute(text("ANALYZE answers"))
        lookup = text("SELECT body FROM answers WHERE uscc = :u")
        started = time.perf_counter()
        for uscc in usccs:
            db.session.execute(lookup, {"u": uscc}).scalar()
        from_table = (time.perf_counter() - started) * 1000 / len(usccs)
        db.session.rollback()
        print(
            f"one stored answer: Redis GET {from_redis:.3f} ms, PostgreSQL table by key"
            f" {from_table:.3f} ms (mean of {len(usccs):,}, one at a time, in process)"
        )
    redis.flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--merchants", type=int, default=2000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep a city built before")
    parser.add_argument("--city", action="store_true", help="the stored answers, city-scale")
    args = parser.parse_args()
    if args.city:
        city()
        return
    DATA.mkdir(parents=True, exist_ok=True)
    if not (args.reuse and DB_FILE.exists()):
        DB_FILE.unlink(missing_ok=True)
        build(app_for(DB_FILE), args.merchants)
    app = app_for(DB_FILE)
    usccs = sample(app, args.lookups)
    client = app.test_client()
    counts = statements_per_lookup(app, client, usccs)  # also the warm-up round
    print(f"statements per lookup: min {min(counts)}, max {max(counts)}")
    rounds = [timed_round(client, usccs) for _ in range(ROUNDS)]
    shown = ", ".join(f"{r:.2f}" for r in rounds)
    print(f"{len(usccs)} lookups: {statistics.mean(rounds):.2f} ms per lookup ({shown})")


if __name__ == "__main__":
    main()
