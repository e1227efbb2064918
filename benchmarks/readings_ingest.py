"""Readings ingest throughput: POST /api/v1/readings through gunicorn against a bare insert.

Run by hand, never in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/readings_ingest.py [--batches 200] [--clients 4]

It creates a fresh PostgreSQL database, migrates it, registers a market with stalls,
merchants and fair scales with tokens, starts gunicorn on a free port and posts
batches of readings from concurrent keep-alive HTTP clients (each device its own seq
range). Then, in the same run, it inserts the same number of rows of the same shape
with a bare SQLAlchemy Core `insert(Reading.__table__)`, one transaction per batch
from one connection: the lower bound the API is compared with. It prints both rates
and their ratio, stops gunicorn and drops the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import serving
from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creditsvc import create_app  # noqa: E402
from creditsvc.config import database_url  # noqa: E402
from creditsvc.extensions import db  # noqa: E402
from creditsvc.models import Device, Market, Merchant, Reading, Stall  # noqa: E402
from creditsvc.services.accounts import users as accounts  # noqa: E402
from creditsvc.uscc import make as make_uscc  # noqa: E402

CATEGORIES = ("vegetable", "fruit", "meat", "seafood", "egg", "grain", "live_fish", "delicacy")
DISTRICT = "310104"
VERIFIED_UNTIL = datetime.now(UTC).date() + timedelta(days=365)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1/postgres")
    parser.add_argument("--database", default="bench_readings")
    parser.add_argument("--batches", type=int, default=200, help="batches per measurement")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--stalls", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/13",
        help="an empty Redis database for the rescore queue, flushed at the end; ''"
        " runs without Redis, i.e. with the rescore inside every request",
    )
    return parser.parse_args()


# Database --------------------------------------------------------------------------


def admin(admin_url: str, sql: str) -> None:
    engine = create_engine(database_url(admin_url, ROOT), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def create_database(args: argparse.Namespace) -> str:
    admin(args.admin_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    admin(args.admin_url, f'CREATE DATABASE "{args.database}"')
    return args.admin_url.rsplit("/", 1)[0] + "/" + args.database


def seed(url: str, args: argparse.Namespace) -> dict:
    """Migrate, then a market with stalls and merchants, one device and token per client,
    and as many spare devices for the bare insert (fresh device ids: no conflicts)."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(url, ROOT)})
    with app.app_context():
        upgrade()
        market = Market(name="基准测试菜市场", district_code=DISTRICT)
        db.session.add(market)
        db.session.flush()
        merchants = []
        for i in range(args.stalls):
            merchant = Merchant(
                uscc=make_uscc("9", "2", "310000", f"{i + 1:09d}"),
                name=f"基准商户{i}",
                trade="market_stall",
                district_code=DISTRICT,
                market_id=market.id,
            )
            db.session.add(merchant)
            db.session.flush()
            db.session.add(Stall(market_id=market.id, number=f"S-{i:03d}", merchant_id=merchant.id))
            merchants.append((merchant.id, merchant.uscc))
        devices = [
            # Verified scales: a lapsed one's readings are judged not assessable (issue 20).
            Device(serial=f"BENCH-{i}", market_id=market.id, verification_due=VERIFIED_UNTIL)
            for i in range(2 * args.clients)
        ]
        db.session.add_all(devices)
        db.session.flush()
        tokens = [accounts.issue_device_token("bench", d)[1] for d in devices[: args.clients]]
        bare_ids = [d.id for d in devices[args.clients :]]
        stall_ids = dict(db.session.execute(select(Stall.number, Stall.id)).all())
        db.session.commit()
        db.engine.dispose()
    return {"tokens": tokens, "bare_devices": bare_ids, "merchants": merchants, "stalls": stall_ids}


# Payloads ------------------------------------------------------------------------


def readings(rng: random.Random, first_seq: int, size: int, merchants: list) -> list[dict]:
    """A batch as a scale sends it: mostly by stall number, one in ten by USCC."""
    now = datetime.now(UTC)
    items = []
    for seq in range(first_seq, first_seq + size):
        settled = round(rng.uniform(100, 3000), 1)
        index = rng.randrange(len(merchants))
        item = {
            "seq": seq,
            "time": (now - timedelta(seconds=rng.randrange(86400))).isoformat(),
            "settled_g": settled,
            "measured_g": round(settled - rng.uniform(-10, 60), 1),
            "category": rng.choice(CATEGORIES),
        }
        if rng.random() < 0.3:
            item["unit_price"] = round(rng.uniform(2, 120), 2)
        if rng.random() < 0.1:
            item["merchant"] = merchants[index][1]
        else:
            item["stall"] = f"S-{index:03d}"
        items.append(item)
    return items


def bodies(args: argparse.Namespace, merchants: list) -> list[list[bytes]]:
    """Each client's request bodies, encoded before the clock starts; seq 0 is warm-up."""
    rng = random.Random(args.seed)
    per_client: list[list[bytes]] = [[] for _ in range(args.clients)]
    for number in range(args.batches + args.clients):
        client = number % args.clients
        first = len(per_client[client]) * args.batch_size
        batch = readings(rng, first, args.batch_size, merchants)
        per_client[client].append(json.dumps({"readings": batch}).encode())
    return per_client


# The server and its clients -----------------------------------------------------------


def claim_redis(url: str):
    """The Redis database the server queues rescores in; it must start empty."""
    if not url:
        return None
    from redis import Redis

    conn = Redis.from_url(url)
    if conn.dbsize():
        raise SystemExit(f"{url} is not empty: choose an empty database with --redis-url")
    return conn


def server_env(url: str, args: argparse.Namespace) -> dict[str, str]:
    """gunicorn's environment: this one's, on `url`, with Redis only if --redis-url."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=url, SECRET_KEY="bench-" + os.urandom(8).hex())
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def post_all(port: int, token: str, batches: list[bytes], out: dict) -> None:
    """One keep-alive connection posting its batches in order; counts and latencies."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body in batches:
        started = time.perf_counter()
        conn.request("POST", "/api/v1/readings", body=body, headers=headers)
        response = conn.getresponse()
        answer = json.loads(response.read())
        if response.status != 200 or answer["rejected"] or answer["duplicate"]:
            raise SystemExit(f"unexpected answer {response.status}: {str(answer)[:300]}")
        out["latencies"].append(time.perf_counter() - started)
        out["accepted"] += answer["accepted"]
    conn.close()


def run_clients(port: int, tokens: list[str], work: list[list[bytes]]) -> dict:
    out = {"accepted": 0, "latencies": []}
    threads = [
        threading.Thread(target=post_all, args=(port, token, batches, out))
        for token, batches in zip(tokens, work, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out["seconds"] = time.perf_counter() - started
    return out


def children_cpu(pid: int) -> float:
    """CPU seconds used so far by the children of `pid` (the gunicorn workers); Linux."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:  # ppid; utime and stime follow at 11 and 12
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def measure_api(url: str, args: argparse.Namespace, world: dict) -> dict:
    work = bodies(args, world["merchants"])
    port = serving.free_port()
    server = serving.start_gunicorn(port, server_env(url, args), workers=args.workers)
    try:
        run_clients(port, world["tokens"], [batches[:1] for batches in work])  # warm-up
        before = children_cpu(server.pid)
        result = run_clients(port, world["tokens"], [batches[1:] for batches in work])
        result["cpu"] = children_cpu(server.pid) - before
        return result
    finally:
        serving.stop([server], timeout=30)


# The lower bound ------------------------------------------------------------------


def bare_rows(args: argparse.Namespace, world: dict) -> list[list[dict]]:
    """Rows as the API stores them, for the spare devices, in batches of `batch_size`."""
    rng = random.Random(args.seed + 1)
    stall_ids = world["stalls"]
    devices = world["bare_devices"]
    now = datetime.now(UTC)
    batches = []
    for number in range(args.batches):
        device = devices[number % len(devices)]
        first = (number // len(devices)) * args.batch_size
        rows = []
        for item in readings(rng, first, args.batch_size, world["merchants"]):
            index = int(item.get("stall", "S-0").removeprefix("S-"))
            merchant_id = world["merchants"][index][0]
            rows.append({
                "device_id": device, "seq": item["seq"], "merchant_id": merchant_id,
                "stall_id": stall_ids.get(item.get("stall")),
                "measured_at": datetime.fromisoformat(item["time"]), "received_at": now,
                "category": item["category"], "unit_price": item.get("unit_price"),
                "settled_g": item["settled_g"], "measured_g": item["measured_g"], "band": "1",
                "k": 2, "limit_g": 40.0, "shortfall_g": 10.0, "verdict": "within",
            })  # fmt: skip
        batches.append(rows)
    return batches


def measure_bare(url: str, args: argparse.Namespace, world: dict) -> dict:
    batches = bare_rows(args, world)
    engine = create_engine(database_url(url, ROOT))
    table = Reading.__table__
    try:
        with engine.connect() as conn:
            warm_up = conn.begin()  # connect and compile once, as the API's warm-up does
            conn.execute(insert(table), batches[0][:2])
            warm_up.rollback()
            started, cpu = time.perf_counter(), time.process_time()
            for rows in batches:
                with conn.begin():
                    conn.execute(insert(table), rows)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.dispose()
    return {"accepted": sum(map(len, batches)), "seconds": seconds, "cpu": cpu}


# Main ----------------------------------------------------------------------------


def machine(url: str) -> str:
    engine = create_engine(database_url(url, ROOT))
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"nproc {os.cpu_count()}, Python {platform.python_version()}, PostgreSQL {version};"
        f" load average at the end {load}"
    )


def report(args: argparse.Namespace, api: dict, bare: dict, stored: int, where: str) -> None:
    api_rate = api["accepted"] / api["seconds"]
    bare_rate = bare["accepted"] / bare["seconds"]
    latencies = api["latencies"]
    print(f"machine: {where}")
    queue = f"rescores queued in {args.redis_url}" if args.redis_url else "rescores inline"
    print(
        f"load: {args.batches} batches x {args.batch_size} readings, {args.clients} clients,"
        f" gunicorn -w {args.workers}, {queue}"
    )
    print(
        f"API : {api['accepted']} rows in {api['seconds']:.2f} s = {api_rate:,.0f} rows/s"
        f" (batch latency median {statistics.median(latencies) * 1000:.0f} ms,"
        f" p95 {serving.percentile(latencies, 0.95) * 1000:.0f} ms)"
    )
    print(f"bare: {bare['accepted']} rows in {bare['seconds']:.2f} s = {bare_rate:,.0f} rows/s")
    print(f"ratio API/bare: {api_rate / bare_rate:.2f} (target >= 0.50); rows stored: {stored}")
    per_batch = 1000 / args.batches
    print(
        f"Python CPU per batch: API workers {api['cpu'] * per_batch:.0f} ms,"
        f" bare client {bare['cpu'] * per_batch:.0f} ms (PostgreSQL's own CPU not counted)"
    )


def main() -> None:
    args = parse_args()
    redis = claim_redis(args.redis_url)
    url = create_database(args)
    print("load average at the start:", ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    try:
        world = seed(url, args)
        api = measure_api(url, args, world)
        bare = measure_bare(url, args, world)
        engine = create_engine(database_url(url, ROOT))
        with engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(Reading.__table__)).scalar()
        engine.dispose()
        report(args, api, bare, stored, machine(url))
    finally:
        admin(args.admin_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        if redis is not None:
            redis.flushdb()  # the debounce key and the scheduled rescore job


if __name__ == "__main__":
    main()
