"""How cost grows with the number of businesses (issue 21, item 6).

Run by hand, never in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/growth.py [--sizes 50000 100000 200000 400000]
        [--lookups 2000] [--batches 40] [--keep]

For each size N it builds the demo city into a PostgreSQL database of its own,
`bench_growth_<N>` (`full_rescore.py --build-only` with BENCH_DB: N merchants, 100 readings
each, inspections and complaints in bench_city's proportions: 0.75 and 0.3 per merchant),
then measures, each step in a child process of its own so that its peak RSS is its own:
  - build: the demo load (COPY, the daily tallies' backfill, keys) and VACUUM ANALYZE;
  - bare: the lower bound of `full_rescore.py`, one SQL aggregation over the raw readings
    of the scoring window (best of two);
  - rescore: a first full rescore in one process (`full_rescore.full_rescore`);
  - roll: the next day's roll, the same one day later;
  - ingest: --batches batches of 500 readings through `services.evidence.readings.ingest`
    (in process: the database's share, not HTTP's), one commit per batch, against a bare
    Core insert of as many rows of the same shape, one transaction per batch;
  - lookups: --lookups uniformly drawn `GET /api/public/v1/merchants/<uscc>` through the
    Flask test client with the public cache off, so every answer is built: mean and p99.
It prints a table row per size as it goes (and the load average before each size: the
machine may be shared), then drops the size's database unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PYTHON = str(ROOT / ".venv/bin/python")
BATCH = 500
SEED = 11


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


# Steps, each run in a child process with BENCH_DB set -------------------------------


def step_build(n: int) -> dict:
    import full_rescore

    args = argparse.Namespace(
        merchants=n, readings=100 * n, inspections=n * 3 // 4, complaints=n * 3 // 10
    )
    started = time.perf_counter()
    full_rescore.build(args)
    return {"seconds": time.perf_counter() - started}


def step_bare(_n: int) -> dict:
    from datetime import date

    import full_rescore

    full_rescore.clear_scores()
    today = date.today()  # noqa: DTZ011 - full_rescore's own lower bound takes it so
    times = [full_rescore.bare_aggregation(today)[0] for _ in range(2)]
    return {"seconds": min(times)}


def step_rescore(_n: int, days_ahead: int = 0) -> dict:
    import full_rescore

    seconds, result = full_rescore.full_rescore(days_ahead=days_ahead)
    return {"seconds": seconds, "snapshots": result["snapshots"]}


def step_roll(n: int) -> dict:
    return step_rescore(n, days_ahead=1)


def _app():
    from cryptography.fernet import Fernet
    from full_rescore import URL

    from creditsvc import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": URL,
            "REDIS_URL": None,
            "SECRET_KEY": "bench-growth",  # noqa: S106 - a scratch database
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
            "PUBLIC_CACHE_SECONDS": 0,
            # One client looks up thousands of businesses: the public rate limit would
            # answer it 429, and its cost is not what grows with the city.
            "RATELIMIT_ENABLED": False,
        }
    )


def _ingest_items(device, stalls: list[str], first_seq: int, rng: random.Random) -> list[dict]:
    from creditsvc import clock

    start = clock.now().replace(tzinfo=None) - timedelta(hours=2)
    return [
        {
            "seq": first_seq + i,
            "time": (start + timedelta(seconds=i)).isoformat(),
            "settled_g": rng.choice((500, 750, 1000, 1500)),
            "measured_g": rng.choice((480, 745, 1000, 1490)),
            "category": "vegetable",
            "stall": rng.choice(stalls),
        }
        for i in range(BATCH)
    ]


def step_ingest(_n: int, batches: int) -> dict:
    from sqlalchemy import func, insert, select

    from creditsvc.extensions import db
    from creditsvc.models import Device, Reading, Stall
    from creditsvc.services.evidence import readings

    app = _app()
    rng = random.Random(SEED)
    with app.app_context():
        held = (
            select(Stall.market_id, func.count())
            .where(Stall.merchant_id.is_not(None))
            .group_by(Stall.market_id)
        )
        market = max(db.session.execute(held).all(), key=lambda row: row[1])[0]
        device = db.session.scalars(select(Device).where(Device.market_id == market)).first()
        stalls = list(
            db.session.scalars(
                select(Stall.number).where(
                    Stall.market_id == market, Stall.merchant_id.is_not(None)
                )
            )
        )
        last = select(func.max(Reading.seq)).where(Reading.device_id == device.id)
        seq = (db.session.scalar(last) or 0) + 1
        work = [_ingest_items(device, stalls, seq + i * BATCH, rng) for i in range(batches)]
        started, stored = time.perf_counter(), 0
        for items in work:
            stored += readings.ingest(device, items)["accepted"]
            db.session.commit()
        api = time.perf_counter() - started
        # The bare insert: the rows ingest stored, again under new seqs.
        rows = [
            {c: getattr(r, c) for c in readings.COLUMNS}
            for r in db.session.scalars(
                select(Reading).where(Reading.device_id == device.id, Reading.seq >= seq)
            ).all()
        ]
        offset = batches * BATCH + 1
        for row in rows:
            row["seq"] += offset
        started = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            db.session.execute(insert(Reading.__table__), rows[i : i + BATCH])
            db.session.commit()
        bare = time.perf_counter() - started
    return {
        "rows_per_s": stored / api,
        "bare_rows_per_s": len(rows) / bare,
        "ratio": (stored / api) / (len(rows) / bare),
    }


def step_lookups(_n: int, lookups: int) -> dict:
    from sqlalchemy import select

    from creditsvc.extensions import db
    from creditsvc.models import Merchant

    app = _app()
    with app.app_context():
        usccs = sorted(db.session.scalars(select(Merchant.uscc)))
    client = app.test_client()
    for uscc in random.Random(SEED).sample(usccs, 50):  # warm-up: connections, templates
        client.get(f"/api/public/v1/merchants/{uscc}")
    times = []
    for uscc in random.Random(SEED + 1).sample(usccs, min(lookups, len(usccs))):
        started = time.perf_counter()
        status = client.get(f"/api/public/v1/merchants/{uscc}").status_code
        assert status == 200, (uscc, status)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "mean_ms": sum(times) / len(times),
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
    }


STEPS = {
    "build": step_build,
    "bare": step_bare,
    "rescore": step_rescore,
    "roll": step_roll,
    "ingest": step_ingest,
    "lookups": step_lookups,
}


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    extra = {"ingest": (args.batches,), "lookups": (args.lookups,)}.get(args.step, ())
    result = STEPS[args.step](args.size, *extra)
    print("RESULT " + json.dumps(result | {"peak_mib": peak_mib()}), flush=True)


# The parent ----------------------------------------------------------------------


def run_step(step: str, size: int, args) -> dict:
    env = os.environ | {"BENCH_DB": f"bench_growth_{size}"}
    cmd = [PYTHON, __file__, "--child", step, "--size", str(size)]
    cmd += ["--batches", str(args.batches), "--lookups", str(args.lookups)]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode or not lines:
        raise SystemExit(f"{step} at {size} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def drop(size: int) -> None:
    sys.path.insert(0, str(HERE))
    import full_rescore

    full_rescore.admin(f"DROP DATABASE IF EXISTS bench_growth_{size} WITH (FORCE)")


def measure(size: int, args) -> dict:
    row: dict = {"size": size, "load": load_average()}
    print(f"-- {size:,} businesses, load average {row['load']}", flush=True)
    try:
        for step in ("build", "bare", "rescore", "roll", "ingest", "lookups"):
            row[step] = run_step(step, size, args)
            print(f"   {step}: {json.dumps(row[step])}", flush=True)
    finally:
        if not args.keep:
            drop(size)
    row["load_after"] = load_average()
    return row


def table(rows: list[dict]) -> str:
    head = (
        "| businesses | readings | build s (MiB) | bare s | first full rescore s (MiB) | ratio"
        " | next day's roll s (MiB) | ratio | ingest rows/s (ratio to bare) | lookups ms mean / p99"
        " | load average before / after |\n|" + "---|" * 11
    )
    lines = [head]
    for r in rows:
        bare = r["bare"]["seconds"]
        lines.append(
            f"| {r['size']:,} | {100 * r['size']:,}"
            f" | {r['build']['seconds']:.0f} ({r['build']['peak_mib']:.0f})"
            f" | {bare:.2f}"
            f" | {r['rescore']['seconds']:.1f} ({r['rescore']['peak_mib']:.0f})"
            f" | {r['rescore']['seconds'] / bare:.2f}×"
            f" | {r['roll']['seconds']:.1f} ({r['roll']['peak_mib']:.0f})"
            f" | {r['roll']['seconds'] / bare:.2f}×"
            f" | {r['ingest']['rows_per_s']:,.0f} ({r['ingest']['ratio']:.2f})"
            f" | {r['lookups']['mean_ms']:.1f} / {r['lookups']['p99_ms']:.1f}"
            f" | {r['load']} / {r['load_after']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000, 400_000])
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--batches", type=int, default=40, help="ingest batches of 500")
    parser.add_argument("--keep", action="store_true", help="keep each size's database")
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.step = args.child
        child(args)
        return
    rows = []
    for size in args.sizes:
        rows.append(measure(size, args))
        print(table(rows), flush=True)


if __name__ == "__main__":
    main()
