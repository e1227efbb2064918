"""Load on loopback with the city-scale data set (issue 9): public lookups and searches
from many clients while fair scales post readings and a full rescore runs.

    .venv/bin/python benchmarks/full_rescore.py --build-only   # once: bench_city
    .venv/bin/python benchmarks/load_test.py [--duration 40] [--connections 32]

Needs `wrk` (Debian package wrk: `scripts/system-packages.sh bench`). Against the
PostgreSQL database `bench_city` (200,000 merchants, 20 million readings), it starts
gunicorn on a free port and, in one run, measures with wrk:
  1. the lower bound: `GET /healthz/live` (a trivial JSON answer, no database);
  2. public lookups alone: `GET /api/public/v1/merchants/<uscc>`, uniformly over 5,000
     random businesses, the same again, then over 200 of them, as the placards of a few
     busy markets are scanned. Before them, the state a city wakes up in: the nightly roll
     has run on an rq worker and its jobs have rebuilt every business's stored answer
     (services.public_cache, stored until it changes). The roll runs twice here, first
     with the rebuild off (PUBLIC_CACHE_SECONDS=0 on the worker), to show what it adds;
  3. searches alone: 500 listings by district and grade and 500 name searches
     (`?q=&district=&grade=`), their answers then kept as lookups' are, so the mixed
     phase does not open on a city's worth of cold searches;
  4. everything at once: lookups, searches and the trivial endpoint, while fair scales
     post readings from threads and a full rescore runs on an rq worker started before
     the phase at `nice -n 10`, as the Procfile runs workers. The rescore is the nightly
     roll: as of the day after the city's last, so it moves every standing to the new
     date and writes a snapshot for each business whose score changed (about 110,000).
     Each run rolls one day further; --same-day rescores as of the last day again,
     which writes little beyond the readings tally. The roll's jobs rebuild the stored
     answers as in (2); from rq's records the phase reports how long a rebuild job
     waited and ran, the time a changed grade may still be served.

The scales post at --readings-per-s (default 100) in batches of --batch (10): the city
has 4,616 fair scales, and one re-weigh a minute on every one of them at the morning
peak would be 77 a second. --readings-per-s 0 posts back to back, as fast as the web
tier takes them: that measures ingest capacity (benchmarks/readings_ingest.py does so
alone), not a city's day.

In the mixed phase every wrk connection sends its next request as soon as the last is
answered, so the server is saturated and a request's latency is mostly its wait behind
the others (the trivial endpoint's p99 shows how much). With --think-ms each connection
waits that long between requests, as a person between two scans: latency at a load the
server carries. --no-rescore leaves the full rescore out, to show what it costs.
Targets (issue 21): zero errors, p99 of lookups under 100 ms in the mixed phase, uniform
lookups at least 80 % of the trivial endpoint's throughput.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import serving
from serving import CITY_DB

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = f"postgresql://postgres@127.0.0.1:5432/{CITY_DB}"
REDIS_URL = "redis://127.0.0.1:6379/12"  # a database of its own, flushed before use
CATEGORIES = ("vegetable", "fruit", "meat", "seafood", "egg", "grain")
# Seconds an rq worker may take to start: importing scikit-learn and WeasyPrint took a
# minute on the 2 shared cores at load average 15.
WORKER_START = 240
POPULAR = 200  # businesses whose placards are scanned all day (a few busy markets)

# wrk prints one JSON line at the end: requests, errors, non-2xx, latency percentiles.
REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "non2xx": %d, '
    .. '"p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
"""

PATHS_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
math.randomseed(%d)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=40, help="seconds per phase")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--devices", type=int, default=4, help="posting fair scales")
    parser.add_argument(
        "--readings-per-s",
        type=float,
        default=100,
        help="all scales together; 0 posts back to back",
    )
    parser.add_argument("--batch", type=int, default=10, help="readings per post")
    parser.add_argument(
        "--think-ms",
        type=int,
        default=0,
        help="mixed phase: each connection waits this long between requests"
        " (0: none, the server saturated)",
    )
    parser.add_argument(
        "--tally-parallel-workers",
        type=int,
        default=0,
        help="the rq worker's TALLY_PARALLEL_WORKERS (docs/deployment.md: 0 on a"
        " host that also serves the public)",
    )
    parser.add_argument(
        "--no-rescore",
        action="store_true",
        help="no full rescore in the mixed phase (to see what it costs)",
    )
    parser.add_argument(
        "--no-bare-roll",
        action="store_true",
        help="before the lookups, only the roll that rebuilds the stored answers (not the"
        " one without, which shows what the rebuild adds)",
    )
    parser.add_argument(
        "--same-day",
        action="store_true",
        help="the mixed phase's full rescore as of the city's last day again"
        " instead of the next (little to write)",
    )
    return parser.parse_args()


def prepare(folder: Path, devices: int) -> dict:
    """USCCs and search paths for wrk, device tokens and their stalls, a scored city."""
    from sqlalchemy import func, select

    from creditsvc import create_app
    from creditsvc.extensions import db
    from creditsvc.jobs.rescore import SYSTEM, start_full_rescore
    from creditsvc.models import CurrentScore, Device, Merchant, Reading, Stall
    from creditsvc.services.accounts import users as accounts

    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": None})
    rng = random.Random(7)
    with app.app_context():
        if not db.session.scalar(select(func.count()).select_from(CurrentScore)):
            start_full_rescore(SYSTEM, actor="load-test")
        codes = list(db.session.scalars(select(Merchant.uscc).order_by(Merchant.id)))
        names = list(db.session.scalars(select(Merchant.name).order_by(Merchant.id).limit(5000)))
        lookups = [f"/api/public/v1/merchants/{c}" for c in rng.sample(codes, 5000)]
        districts = list(db.session.scalars(select(Merchant.district_code).distinct()))
        searches = [
            f"/api/public/v1/merchants?district={rng.choice(districts)}"
            f"&grade={rng.choice('ABCD')}&page={rng.randint(1, 5)}"
            for _ in range(500)
        ] + [f"/api/public/v1/merchants?q={quote(n[:3])}" for n in rng.sample(names, 500)]
        scales = []
        for device in db.session.scalars(select(Device).order_by(Device.id).limit(devices)):
            stalls = list(db.session.scalars(
                select(Stall.number).where(Stall.market_id == device.market_id,
                                           Stall.merchant_id.is_not(None))
            ))  # fmt: skip
            top = db.session.scalar(
                select(func.max(Reading.seq)).where(Reading.device_id == device.id)
            )
            token = accounts.issue_device_token("load-test", device)[1]
            scales.append({"token": token, "stalls": stalls, "seq": (top or 0) + 1_000_000})
        db.session.commit()
    (folder / "lookups.txt").write_text("\n".join(lookups) + "\n")
    (folder / "popular.txt").write_text("\n".join(lookups[:POPULAR]) + "\n")
    (folder / "searches.txt").write_text("\n".join(searches) + "\n")
    return {"scales": scales}


THINK_LUA = """
delay = function()
  return %d
end
"""


def wrk_command(port: int, args, paths_file: Path | None, folder: Path, name: str,
                connections: int | None = None, think_ms: int = 0) -> list[str]:  # fmt: skip
    """wrk on `connections` connections, each sending its next request as soon as the last
    is answered, or `think_ms` after it, as a person would."""
    script = folder / f"{name}.lua"
    body = REPORT_LUA if paths_file is None else PATHS_LUA % (paths_file, 11) + REPORT_LUA
    body += THINK_LUA % think_ms if think_ms else ""
    script.write_text(body)
    path = "/healthz/live" if paths_file is None else "/"
    return ["wrk", "-t", "1" if connections else "2", "-c", str(connections or args.connections),
            "-d", f"{args.duration}s", "-s", str(script),
            f"http://127.0.0.1:{port}{path}"]  # fmt: skip


def wrk_result(stdout: str) -> dict:
    result = json.loads(stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def wrk(port: int, args, paths_file: Path | None, folder: Path, name: str) -> dict:
    command = wrk_command(port, args, paths_file, folder, name)
    out = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return wrk_result(out.stdout)


def warm_up(port: int, folder: Path) -> None:
    """A few seconds of requests before any is measured: a new gunicorn worker (a threaded
    one most) answers its first thousands of requests slowly."""
    script = folder / "warm.lua"
    script.write_text(REPORT_LUA)
    command = ["wrk", "-t", "2", "-c", "32", "-d", "5s", "-s", str(script),
               f"http://127.0.0.1:{port}/healthz/live"]  # fmt: skip
    subprocess.run(command, capture_output=True, check=True)  # noqa: S603


def post_readings(port: int, scale: dict, pace: dict, stop: threading.Event, out: dict) -> None:
    """One fair scale posting batches of `pace["batch"]` readings, one every
    `pace["every"]` seconds (0: back to back), until told to stop."""
    rng = random.Random(scale["seq"])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {scale['token']}", "Content-Type": "application/json"}
    due = time.monotonic() + rng.uniform(0, pace["every"])  # the scales out of step
    while not stop.wait(max(0.0, due - time.monotonic())):
        due += pace["every"]
        now = datetime.now(UTC) - timedelta(minutes=1)
        items = []
        for _ in range(pace["batch"]):
            settled = round(rng.uniform(100, 3000), 1)
            items.append({
                "seq": scale["seq"], "time": now.isoformat(), "settled_g": settled,
                "measured_g": round(settled - rng.uniform(0, 12), 1),
                "category": rng.choice(CATEGORIES), "stall": rng.choice(scale["stalls"]),
            })  # fmt: skip
            scale["seq"] += 1
        started = time.perf_counter()
        conn.request("POST", "/api/v1/readings", body=json.dumps({"readings": items}),
                     headers=headers)  # fmt: skip
        response = conn.getresponse()
        answer = json.loads(response.read())
        out["latencies"].append(time.perf_counter() - started)
        if response.status != 200 or answer["rejected"]:
            out["errors"] += 1
        else:
            out["accepted"] += answer["accepted"]
    conn.close()


def forget_queues() -> None:
    from redis import Redis

    conn = Redis.from_url(REDIS_URL)
    for key in conn.scan_iter("rq:*", count=1000):
        conn.delete(key)


def start_nightly_roll(same_day: bool) -> date:
    """Queue a full rescore for the rq worker as the scheduler's nightly roll does: as of
    the day after the city's last one, so every standing is moved to the new date and
    those whose score changed get a snapshot (readings and inspections age out of their
    windows). Each run rolls one day further. With `same_day`, as of the last day again:
    little changes then, and the rescore is mostly the readings tally."""
    from sqlalchemy import func, select

    from creditsvc.extensions import db
    from creditsvc.jobs.rescore import SYSTEM, start_full_rescore
    from creditsvc.models import CurrentScore
    from creditsvc.services.standing import rescoring

    last = db.session.scalar(select(func.max(CurrentScore.as_of)))
    day = last if same_day else last + timedelta(days=1)
    rescoring.today = lambda: day  # the run's date is fixed when it is queued
    start_full_rescore(SYSTEM, actor="load-test")
    db.session.commit()
    return day


def rebuild_jobs() -> dict:
    """What rq recorded of the finished jobs that rebuilt stored answers (queue `public`):
    how many, and how long from being queued to done (p50, max), in seconds."""
    from redis import Redis
    from rq.job import Job
    from rq.registry import FinishedJobRegistry

    conn = Redis.from_url(REDIS_URL)
    ids = FinishedJobRegistry("public", connection=conn).get_job_ids()
    jobs = [j for j in Job.fetch_many(ids, connection=conn) if j is not None]
    waited = [(j.ended_at - j.enqueued_at).total_seconds() for j in jobs]
    ran = [(j.ended_at - j.started_at).total_seconds() for j in jobs]
    return {
        "jobs": len(jobs),
        "p50_s": serving.percentile(waited, 0.5),
        "max_s": max(waited, default=0.0),
        "run_p50_s": serving.percentile(ran, 0.5),
        "last_done": max((j.ended_at for j in jobs), default=None),
    }


def roll_before_lookups(args) -> dict:
    """The nightly roll on one rq worker (nice 10), once with the rebuild of stored answers
    off and once with it, each waited for until its queues are empty: the realistic state
    of the lookups phases, and what the rebuild adds to the roll."""
    from creditsvc import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": REDIS_URL})
    took = {"without": None}
    for label, cache in (("without", "0"), ("with", "60"))[args.no_bare_roll :]:
        forget_queues()
        env = {**os.environ, "DATABASE_URL": URL, "REDIS_URL": REDIS_URL,
               "TALLY_PARALLEL_WORKERS": str(args.tally_parallel_workers),
               "PUBLIC_CACHE_SECONDS": cache}  # fmt: skip
        workers = serving.start_workers(env, 1, nice=10, within=WORKER_START)
        try:
            started = time.perf_counter()
            with app.app_context():
                start_nightly_roll(same_day=False)
            wait_for_queues()
            took[label] = time.perf_counter() - started
            if label == "with":
                took["rebuild"] = rebuild_jobs()
        finally:
            serving.stop(workers)
    forget_queues()
    return took


def wait_for_queues() -> None:
    """Until rq has no job queued, waiting on others (a full rescore's finish), or running
    on any queue."""
    from redis import Redis
    from rq.registry import DeferredJobRegistry, StartedJobRegistry

    from creditsvc.jobs import QUEUES, queue

    conn = Redis.from_url(REDIS_URL)
    registries = (StartedJobRegistry, DeferredJobRegistry)
    time.sleep(1)
    while any(
        len(queue(name, conn)) or any(r(spec.name, connection=conn).count for r in registries)
        for name, spec in QUEUES.items()
    ):
        time.sleep(0.5)


def mixed_phase(port: int, args, world: dict, folder: Path) -> dict:
    """Lookups, searches and the trivial endpoint by three wrk processes at once, readings
    from threads, and a full rescore started with them on an rq worker already running.

    The trivial endpoint runs beside the lookups with as many connections, so the two
    are compared under the same load as well as alone."""
    from sqlalchemy import select

    from creditsvc import create_app
    from creditsvc.extensions import db
    from creditsvc.jobs.rescore import FULL_RESCORE
    from creditsvc.models import JobRun

    # rq's state of an earlier run goes; the public answers the lookups phases kept in
    # Redis stay, as a running deployment keeps them (services.public_cache).
    forget_queues()
    env = {**os.environ, "DATABASE_URL": URL, "REDIS_URL": REDIS_URL,
           "TALLY_PARALLEL_WORKERS": str(args.tally_parallel_workers)}  # fmt: skip
    # At nice 10, as the Procfile runs it.
    workers = serving.start_workers(env, 1, nice=10, within=WORKER_START)
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": REDIS_URL})
    stop, posts = threading.Event(), {"latencies": [], "errors": 0, "accepted": 0}
    every = args.batch * len(world["scales"]) / args.readings_per_s if args.readings_per_s else 0
    pace = {"batch": args.batch, "every": every}
    threads = [threading.Thread(target=post_readings, args=(port, s, pace, stop, posts))
               for s in world["scales"]]  # fmt: skip
    share = max(1, args.connections * 3 // 8)
    think = args.think_ms
    commands = [
        wrk_command(port, args, folder / "lookups.txt", folder, "mixed-lookups", share, think),
        wrk_command(port, args, None, folder, "mixed-trivial", share, think),
        wrk_command(port, args, folder / "searches.txt", folder, "mixed-searches",
                    max(1, args.connections - 2 * share), think),
    ]  # fmt: skip
    try:
        started = time.perf_counter()
        day = None
        if not args.no_rescore:
            with app.app_context():
                day = start_nightly_roll(args.same_day)
        for thread in threads:
            thread.start()
        running = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in commands]  # noqa: S603
        lookups, trivial, searches = (wrk_result(p.communicate()[0]) for p in running)
        stop.set()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        with app.app_context():
            run = db.session.scalars(
                select(JobRun).where(JobRun.kind == FULL_RESCORE).order_by(JobRun.created_at.desc())
            ).first()
            took = run.finished_at and (run.finished_at - run.created_at).total_seconds()
            rescore = {"status": run.status, "seconds": took, "phase_seconds": seconds,
                       "as_of": day, "result": run.result}  # fmt: skip
            if args.no_rescore:
                rescore.update(status="not started (--no-rescore)", seconds=None, result=None)
        wait_for_queues()  # the roll's last rebuilds, after the phase: how long they took
        rebuild = rebuild_jobs()
        with app.app_context():
            finished = db.session.get(JobRun, run.id).finished_at  # read again, now it ended
        if rebuild["last_done"] and finished:
            done = rebuild["last_done"].replace(tzinfo=UTC) - finished.astimezone(UTC)
            rebuild["after_roll_s"] = done.total_seconds()
    finally:
        serving.stop(workers)
        forget_queues()
    return {
        "lookups": lookups,
        "trivial": trivial,
        "searches": searches,
        "readings_per_s": posts["accepted"] / seconds,
        "batches": len(posts["latencies"]),
        "batch_errors": posts["errors"],
        "batch_p50_ms": serving.percentile(posts["latencies"], 0.5) * 1000,
        "batch_p99_ms": serving.percentile(posts["latencies"], 0.99) * 1000,
        "rescore": rescore,
        "rebuild": rebuild,
    }


def line(name: str, r: dict) -> str:
    return (f"{name:<34} {r['rps']:>8.0f} req/s  p50 {r['p50_ms']:>7.2f} ms"
            f"  p99 {r['p99_ms']:>7.2f} ms"
            f"  errors {r['errors']}  non-2xx {r['non2xx']}")  # fmt: skip


def main() -> None:
    from redis import Redis

    args = parse_args()
    start_load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        world = prepare(folder, args.devices)
        Redis.from_url(REDIS_URL).flushdb()  # nothing kept from an earlier run
        port = serving.free_port()
        secret = "load-" + os.urandom(8).hex()
        env = {**os.environ, "DATABASE_URL": URL, "REDIS_URL": REDIS_URL, "SECRET_KEY": secret}
        server = serving.start_gunicorn(
            port, env, workers=args.workers, threads=args.threads, health="/healthz/live"
        )
        try:
            roll = roll_before_lookups(args)
            warm_up(port, folder)
            trivial = wrk(port, args, None, folder, "trivial")
            lookups = wrk(port, args, folder / "lookups.txt", folder, "lookups")
            kept = wrk(port, args, folder / "lookups.txt", folder, "lookups-kept")
            popular = wrk(port, args, folder / "popular.txt", folder, "popular")
            searches = wrk(port, args, folder / "searches.txt", folder, "searches")
            mixed = mixed_phase(port, args, world, folder)
        finally:
            serving.stop([server])
            Redis.from_url(REDIS_URL).flushdb()  # a city's stored answers: 100 MiB or so
    print(f"load average at the start: {start_load}")
    rebuilt = roll["rebuild"]
    bare = f"{roll['without']:.1f} s" if roll["without"] else "not run"
    print(f"nightly roll before the lookups, on one rq worker: {bare} without"
          f" rebuilding stored answers, {roll['with']:.1f} s with ({rebuilt['jobs']} rebuild jobs,"
          f" each queued to done p50 {rebuilt['p50_s']:.1f} s, max {rebuilt['max_s']:.1f} s,"
          f" running p50 {rebuilt['run_p50_s']:.2f} s)")  # fmt: skip
    print(f"gunicorn {args.workers} workers × {args.threads} threads,"
          f" wrk {args.connections} connections, {args.duration} s per phase,"
          f" load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(line("trivial GET /healthz/live", trivial))
    print(line("lookups of 5,000 businesses", lookups))
    print(line("the same 5,000 again", kept))
    print(line(f"lookups of {POPULAR} popular ones", popular))
    print(f"lookups / trivial: {lookups['rps'] / trivial['rps']:.2f} over 5,000 businesses"
          f" (stored answers the roll rebuilt), {kept['rps'] / trivial['rps']:.2f} over them"
          f" again, {popular['rps'] / trivial['rps']:.2f} over {POPULAR};"
          f" target ≥ 0.80")  # fmt: skip
    print(line("searches of 1,000 listings alone", searches))
    if args.think_ms:
        print(f"mixed phase: each connection waits {args.think_ms} ms between requests")
    print(line("mixed phase: lookups", mixed["lookups"]))
    print(line("mixed phase: trivial, as many conns", mixed["trivial"]))
    print(line("mixed phase: searches", mixed["searches"]))
    print(f"mixed phase lookups / trivial: {mixed['lookups']['rps'] / trivial['rps']:.2f} of the"
          f" trivial endpoint alone, {mixed['lookups']['rps'] / mixed['trivial']['rps']:.2f} of it"
          f" under the same load")  # fmt: skip
    asked = f"{args.readings_per_s:.0f}/s asked" if args.readings_per_s else "back to back"
    print(f"readings during the mixed phase ({asked}): {mixed['readings_per_s']:.0f}/s in"
          f" {mixed['batches']} batches of {args.batch}, p50 {mixed['batch_p50_ms']:.0f} ms,"
          f" p99 {mixed['batch_p99_ms']:.0f} ms, {mixed['batch_errors']} errors")  # fmt: skip
    rescore = mixed["rescore"]
    took = f"{rescore['seconds']:.1f} s" if rescore["seconds"] else "not finished"
    if rescore["result"]:
        took += f" as of {rescore['as_of']}: {rescore['result']}"
    print(
        f"full rescore on one rq worker (nice 10, TALLY_PARALLEL_WORKERS="
        f"{args.tally_parallel_workers}), started with the phase: {rescore['status']},"
        f" {took}; the phase lasted {rescore['phase_seconds']:.1f} s"
    )
    rebuild = mixed["rebuild"]
    print(f"rebuilds of stored answers in the phase (the roll's and the readings' rescores):"
          f" {rebuild['jobs']} jobs, each queued to done"
          f" p50 {rebuild['p50_s']:.1f} s, max {rebuild['max_s']:.1f} s; the last done"
          f" {rebuild.get('after_roll_s', float('nan')):.1f} s after the roll's end")  # fmt: skip


if __name__ == "__main__":
    main()
