"""What the public side's rate limit costs a lookup, and whether a log-in's time tells a
user name that exists from one that does not (issue 17). In process, on the demo city.

Run by hand, never in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/log_in_and_limits.py [--merchants 300] [--lookups 200]
        [--log-ins 40] [--redis-url redis://127.0.0.1:6379/12] [--reuse]

1. Loads the demo city into a scratch SQLite file under benchmarks/data/ (kept with
   --reuse) and looks up --lookups businesses, a seeded sample, through the Flask test
   client with PUBLIC_CACHE_SECONDS=0, with the rate limiter off, counting in memory, and
   counting in Redis (--redis-url, a database that must be empty; flushed at the end).
   The limit is set too high to refuse anything: what is timed is the counting. Each
   setting gets its own app (the limiter is one per process, as in a worker), a warm-up
   round, then a timed round; the three settings take turns for --repeats times. Each
   round is timed twice: elapsed, and this process's CPU, which other work sharing the
   cores disturbs less.
2. Times --log-ins failed log-ins of a name that exists and of one that does not, taking
   turns, with the production hash (scrypt) and the throttle set too high to refuse, and
   one bare `check_password_hash` against the same hash, the floor of a log-in.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet
from redis import Redis
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creditsvc import create_app  # noqa: E402
from creditsvc.extensions import db  # noqa: E402
from creditsvc.models import Merchant  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
DB_FILE = DATA / "log_in_and_limits.db"
SEED = 1
NEVER_REFUSED = "1000000000 per minute"
KNOWN = "bench-officer"
PASSWORD = "a long bench password"  # noqa: S105 - a scratch database


def app_for(**overrides):
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{DB_FILE}",
        "STORAGE_DIR": str(DATA / "log-in-and-limits-storage"),
        "SECRET_KEY": "bench-log-in-and-limits",  # noqa: S106 - a scratch database
        "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
        "PUBLIC_CACHE_SECONDS": 0,
        "RATE_LIMIT_PUBLIC_READS": NEVER_REFUSED,
        "RATELIMIT_ENABLED": True,
        "LOGIN_MAX_FAILURES_PER_USERNAME": 1_000_000,
        "LOGIN_MAX_FAILURES_PER_IP": 1_000_000,
    }
    return create_app(settings | overrides)


def build(merchants: int) -> None:
    from flask_migrate import upgrade

    from creditsvc.demo import city
    from creditsvc.services.accounts import users
    from creditsvc.services.standing.rescoring import rescore

    with app_for().app_context():
        upgrade()
        print(city.load(merchants=merchants, seed=SEED))
        db.session.commit()
        rescore(select(Merchant.id))
        users.create_user("bench", username=KNOWN, password=PASSWORD, role="city")
        db.session.commit()


def sample(lookups: int) -> list[str]:
    with app_for().app_context():
        usccs = sorted(db.session.scalars(select(Merchant.uscc)))
    return random.Random(SEED).sample(usccs, min(lookups, len(usccs)))


def lookup_round(app, usccs: list[str]) -> tuple[float, float]:
    """Mean milliseconds per lookup of one timed round, after a warm-up one: elapsed, and
    this process's CPU (all its threads), which other work on the machine disturbs less."""
    client = app.test_client()
    for timed in (False, True):
        started, cpu = time.perf_counter(), time.process_time()
        for uscc in usccs:
            assert client.get(f"/api/public/v1/merchants/{uscc}").status_code == 200
        if timed:
            elapsed, used = time.perf_counter() - started, time.process_time() - cpu
            return elapsed * 1000 / len(usccs), used * 1000 / len(usccs)
    raise AssertionError("unreachable")


def limiter_cost(usccs: list[str], redis_url: str, repeats: int) -> None:
    settings = {
        "off": {"RATELIMIT_ENABLED": False},
        "memory": {"RATELIMIT_STORAGE_URI": "memory://"},
        "Redis": {"RATELIMIT_STORAGE_URI": redis_url},
    }
    rounds: dict[str, list[tuple[float, float]]] = {name: [] for name in settings}
    for _ in range(repeats):
        for name, overrides in settings.items():
            app = app_for(**overrides)
            rounds[name].append(lookup_round(app, usccs))
            with app.app_context():
                db.engine.dispose()
    for measure, index in (("elapsed", 0), ("CPU", 1)):
        base = statistics.median(r[index] for r in rounds["off"])
        for name, pairs in rounds.items():
            values = [pair[index] for pair in pairs]
            shown = ", ".join(f"{v:.3f}" for v in values)
            extra = statistics.median(values) - base
            print(f"lookup {measure}, limiter {name}: median {statistics.median(values):.3f} ms"
                  f" ({shown}); + {extra:.3f} ms")  # fmt: skip


def log_in_times(count: int) -> None:
    from werkzeug.security import check_password_hash

    from creditsvc.services.accounts import users

    app = app_for()
    client = app.test_client()
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    names = {"known": KNOWN, "unknown": "nobody-by-this-name"}
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"password": "wrong!", "csrf_token": token}
    client.post("/login", data=form | {"username": names["unknown"]})  # warm-up
    for n in range(2 * count):
        kind = ("known", "unknown")[n % 2]
        started = time.perf_counter()
        answer = client.post("/login", data=form | {"username": names[kind]})
        times[kind].append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 401
    with app.app_context():
        stored = users.user_by_name(KNOWN).password_hash
        bare = []
        for _ in range(count):
            started = time.perf_counter()
            check_password_hash(stored, "wrong!")
            bare.append((time.perf_counter() - started) * 1000)
        db.engine.dispose()
    known, unknown = (statistics.median(times[k]) for k in ("known", "unknown"))
    print(f"failed log-in, {count} each: known name median {known:.1f} ms,"
          f" unknown name {unknown:.1f} ms (ratio {unknown / known:.3f});"
          f" bare scrypt check {statistics.median(bare):.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--merchants", type=int, default=300)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--log-ins", type=int, default=40)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--reuse", action="store_true", help="keep a city built before")
    args = parser.parse_args()
    redis = Redis.from_url(args.redis_url)
    if redis.dbsize():
        raise SystemExit(f"{args.redis_url} is not empty")
    DATA.mkdir(parents=True, exist_ok=True)
    if not (args.reuse and DB_FILE.exists()):
        DB_FILE.unlink(missing_ok=True)
        build(args.merchants)
    try:
        limiter_cost(sample(args.lookups), args.redis_url, args.repeats)
        log_in_times(args.log_ins)
    finally:
        redis.flushdb()


if __name__ == "__main__":
    main()
