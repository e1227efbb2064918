"""City-scale full rescore against a bare SQL aggregation over the same readings (issue 4).

    .venv/bin/python benchmarks/full_rescore.py [--merchants 200000] [--readings 20000000]
        [--inspections 150000] [--complaints 60000] [--keep] [--reuse] [--build-only] [--workers N]

Builds (or with --reuse, reuses) a PostgreSQL database `bench_city` loaded by the demo
generator, then in one run measures:
  1. the lower bound: one bare SQL aggregation pass over the readings of the scoring
     window (count, assessable and short per merchant), as the scorecard needs;
  2. a full rescore, its jobs run in this process one after another, as without Redis
     (creditsvc.jobs.rescore: one readings tally, sixteen districts, the finish), with
     wall time and peak RSS; then the same again with nothing changed, and the next
     day's roll;
  3. with --workers N, the first pass as deployed: the fan-out on Redis, run by N rq
     workers that are already up and idle, timed from the enqueue to the status row's
     "done", with the peak RSS of a worker or work horse (sampled from /proc).
Targets (issue 21): the first full rescore within 2× the bare aggregation, the next day's
roll within 1×, peak memory under 1.5 GiB. The lower bound reads the raw readings; the
rescore sums the daily tallies (`reading_days`), which the build fills after its COPY.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import serving
from serving import CITY_DB
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = CITY_DB
URL = f"postgresql://postgres@127.0.0.1:5432/{DB}"
REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, flushed before use


def admin(sql: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def build(args) -> None:
    admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB}")
    env = {"DATABASE_URL": URL, "PATH": str(ROOT / ".venv/bin") + ":/usr/bin:/bin"}
    run = lambda *cmd: subprocess.run(cmd, cwd=ROOT, env=env, check=True)  # noqa: E731,S603
    run(str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade")
    started = time.perf_counter()
    run(
        str(ROOT / ".venv/bin/creditsvc"), "demo", "--merchants", str(args.merchants),
        "--readings", str(args.readings), "--inspections", str(args.inspections),
        "--complaints", str(args.complaints),
    )  # fmt: skip
    print(f"demo load: {time.perf_counter() - started:.1f} s")
    # Statistics for the planner and the visibility map for index-only scans, as
    # autovacuum would give a production database (on bench_city, not the admin one).
    engine = create_engine(URL.replace("postgresql://", "postgresql+psycopg://"),
                           isolation_level="AUTOCOMMIT")  # fmt: skip
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def bare_aggregation(as_of: date) -> tuple[float, int]:
    engine = create_engine(URL.replace("postgresql://", "postgresql+psycopg://"))
    since = datetime.combine(as_of - timedelta(days=364), dtime(), tzinfo=UTC)
    sql = text(
        "SELECT merchant_id, count(*), count(*) FILTER (WHERE verdict <> 'not_assessable'),"
        " count(*) FILTER (WHERE verdict = 'short') FROM readings"
        " WHERE measured_at >= :since GROUP BY merchant_id"
    )
    with engine.connect() as conn:
        started = time.perf_counter()
        rows = conn.execute(sql, {"since": since}).all()
        elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, len(rows)


def clear_scores() -> None:
    """No standing yet, so the first pass writes every merchant's first snapshot (a
    reused database keeps the scores of its last run otherwise)."""
    engine = create_engine(URL.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE current_scores, score_snapshots, reading_tallies"))
    engine.dispose()


def full_rescore_on_workers(workers: int, days_ahead: int = 0) -> tuple[float, dict]:
    """A full rescore as deployed: the fan-out on Redis and `workers` rq workers
    (`creditsvc worker`) already running and idle, as in production, timed from the
    enqueue until the status row says done (polled every 0.1 s). The run's date is
    fixed when it is queued, so `days_ahead` reaches the workers too."""
    from redis import Redis

    from creditsvc import create_app
    from creditsvc.extensions import db
    from creditsvc.jobs.rescore import SYSTEM, start_full_rescore
    from creditsvc.models import JobRun
    from creditsvc.services.standing import rescoring

    rescoring.today = lambda: date.today() + timedelta(days=days_ahead)
    Redis.from_url(REDIS_URL).flushdb()
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": REDIS_URL})
    env = {"DATABASE_URL": URL, "REDIS_URL": REDIS_URL,
           "PATH": str(ROOT / ".venv/bin") + ":/usr/bin:/bin"}  # fmt: skip
    procs: list[subprocess.Popen] = []
    try:
        procs = serving.start_workers(env, workers)
        with app.app_context():
            started = time.perf_counter()
            run_id = start_full_rescore(SYSTEM, actor="benchmark").id
            peak_kib = 0
            while True:
                peak_kib = max([peak_kib] + [rss_kib(pid) for pid in tree(procs)])
                db.session.expire_all()
                run = db.session.get(JobRun, run_id)
                db.session.commit()
                if run.status in ("done", "failed"):
                    break
                time.sleep(0.1)
            elapsed = time.perf_counter() - started
            if run.status != "done":
                raise SystemExit(f"full rescore {run.id} ended {run.status}: {run.error}")
    finally:
        serving.stop(procs)
        Redis.from_url(REDIS_URL).flushdb()
    return elapsed, run.result | {"peak_mib": peak_kib / 1024}


def tree(procs) -> list[int]:
    """The workers and their work horses (a horse is the worker's child while a job runs)."""
    pids = [proc.pid for proc in procs]
    for pid in list(pids):
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        pids += [int(child) for child in children]
    return pids


def rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1])


def full_rescore(days_ahead: int = 0) -> tuple[float, dict]:
    """The jobs of a full rescore run in this process, in the order rq runs them: the
    readings tally, sixteen districts, the finish (creditsvc.jobs.rescore). With
    `days_ahead`, as the scheduler's daily roll would run that many days later."""
    from creditsvc import create_app
    from creditsvc.jobs.rescore import SYSTEM, start_full_rescore
    from creditsvc.services.standing import rescoring

    rescoring.today = lambda: date.today() + timedelta(days=days_ahead)

    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": None})
    with app.app_context():
        started = time.perf_counter()
        run = start_full_rescore(SYSTEM, actor="benchmark")
        elapsed = time.perf_counter() - started
        if run.status != "done":
            raise SystemExit(f"full rescore {run.id} ended {run.status}: {run.error}")
    return elapsed, run.result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--merchants", type=int, default=200_000)
    parser.add_argument("--readings", type=int, default=20_000_000)
    parser.add_argument("--inspections", type=int, default=150_000)
    parser.add_argument("--complaints", type=int, default=60_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench_city")
    parser.add_argument("--keep", action="store_true", help="do not drop bench_city at the end")
    parser.add_argument("--build-only", action="store_true", help="load bench_city and stop")
    parser.add_argument("--workers", type=int, default=0,
                        help="also time a first pass run by this many rq workers")  # fmt: skip
    args = parser.parse_args()
    if not args.reuse:
        build(args)
    if args.build_only:
        return
    as_of = date.today()
    clear_scores()
    bare, groups = bare_aggregation(as_of)
    bare_again, _ = bare_aggregation(as_of)  # warm cache, as the rescore will see it
    bare = min(bare, bare_again)
    rescore, totals = full_rescore()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bare aggregation: {bare:.2f} s over {groups} merchants with readings")
    print(f"full rescore: {rescore:.2f} s for {totals['merchants']} merchants,"
          f" {totals['snapshots']} snapshots written")  # fmt: skip
    print(f"ratio rescore / bare: {rescore / bare:.2f} (target ≤ 2)")
    print(f"peak RSS: {peak_mib:.0f} MiB (target < 1536)")
    second, totals2 = full_rescore()
    print(f"second full rescore (nothing changed): {second:.2f} s,"
          f" {totals2['snapshots']} snapshots written, ratio {second / bare:.2f}")  # fmt: skip
    third, totals3 = full_rescore(days_ahead=1)
    print(f"next day's roll (decay moved on): {third:.2f} s,"
          f" {totals3['snapshots']} snapshots written, ratio {third / bare:.2f}"
          " (target ≤ 1)")  # fmt: skip
    if args.workers:
        clear_scores()
        deployed, totals4 = full_rescore_on_workers(args.workers)
        print(f"peak RSS of a worker or work horse (sampled every 0.1 s):"
              f" {totals4['peak_mib']:.0f} MiB")  # fmt: skip
        print(f"first pass on {args.workers} running rq workers: {deployed:.2f} s,"
              f" {totals4['snapshots']} snapshots written,"
              f" ratio {deployed / bare:.2f}")  # fmt: skip
        rolled, totals5 = full_rescore_on_workers(args.workers, days_ahead=1)
        print(f"next day's roll on {args.workers} running rq workers: {rolled:.2f} s,"
              f" {totals5['snapshots']} snapshots written, ratio {rolled / bare:.2f}")  # fmt: skip
    if not args.keep:
        admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
