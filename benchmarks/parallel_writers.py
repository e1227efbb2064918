"""Parallel writers on `make run`'s configuration (issue 17): the demo city in a SQLite
file, gunicorn with 2 sync workers, no Redis (every write rescores its merchant inline).

Run by hand, never in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/parallel_writers.py [--merchants 2000] [--writes 60]

It builds the demo city (`creditsvc demo`, as `make run` does) in a scratch SQLite file
under benchmarks/data/, makes one Xuhui officer with a token and ten users to log in, then
starts gunicorn and sends, each phase after the last:

- one writer: --writes complaints one after another (the lower bound: no writer waits);
- 20 writers: --writes complaints from 20 threads at once;
- keyed retries: 20 complaints each sent twice at once under one Idempotency-Key;
- log-ins: ten one after another, then ten at once (scrypt, as in production).

It prints, per phase, the answers by status, the rows stored against the 201s, writes a
second and latency p50/p95. A phase passes when every answer is a success and the rows
stored equal the first answers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import serving
from sqlalchemy import create_engine, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creditsvc.models import Complaint, Merchant  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
DB_FILE = DATA / "parallel-writers.db"
STORAGE = DATA / "parallel-writers-storage"
PASSWORD = "bench parallel writers"  # noqa: S105 - a scratch database, thrown away
WRITERS = 20
LOG_INS = 10


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{DB_FILE}",
        STORAGE_DIR=str(STORAGE),
        SECRET_KEY="bench-parallel-writers",  # noqa: S106 - a scratch database, thrown away
        PERSONAL_DATA_KEY="HFxGv0S0uXhRk1j7r7pWm3Vb7Yd0xq2j4cGvJt0x8yQ=",
    )
    return env


def build(merchants: int) -> tuple[str, list[str], list[str]]:
    """The demo city, rescored; an officer's token, Xuhui USCCs, users to log in."""
    DATA.mkdir(parents=True, exist_ok=True)
    for path in DATA.glob(DB_FILE.name + "*"):
        path.unlink()
    env = environment()
    cli = [sys.executable, "-c", "from creditsvc.command import main; main()"]
    commands = (
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "db", "upgrade"],
        [*cli, "demo", "--merchants", str(merchants)],
        [*cli, "rescore", "--all"],
    )
    for command in commands:
        # The project's own tools, no shell; `-c` runs with this checkout first on the
        # path, so that an older checkout, given the same .venv, measures its own code.
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    os.environ.update(env)
    from creditsvc import create_app
    from creditsvc.extensions import db
    from creditsvc.services.accounts import users as accounts

    app = create_app()
    with app.app_context():
        officer = accounts.create_user(
            "bench", username="bench-officer", password=PASSWORD, role="district", district="310104"
        )
        _, token = accounts.issue_user_token("bench", officer)
        names = [f"bench-login-{n}" for n in range(LOG_INS)]
        for name in names:
            accounts.create_user(
                "bench", username=name, password=PASSWORD, role="district", district="310104"
            )
        db.session.commit()
        usccs = list(
            db.session.scalars(
                select(Merchant.uscc).where(Merchant.district_code == "310104").limit(WRITERS)
            )
        )
        db.session.remove()
    return token, usccs, names


def post(port: int, token: str, body: dict, key: str | None = None):
    """One complaint on a connection of its own: (status, replayed, id, seconds)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("POST", "/api/v1/complaints", body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    seconds = time.perf_counter() - started
    answer_id = json.loads(payload).get("id") if response.status == 201 else None
    return response.status, response.getheader("Idempotent-Replayed"), answer_id, seconds


def log_in(port: int, username: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/login")
    form = conn.getresponse()
    cookie = (form.getheader("Set-Cookie") or "").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.read().decode()).group(1)
    body = urlencode({"username": username, "password": PASSWORD, "csrf_token": token})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/login", body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status, time.perf_counter() - started


def stored_complaints() -> int:
    engine = create_engine(f"sqlite:///{DB_FILE}")
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(Complaint))
    engine.dispose()
    return count


def complaint(uscc: str, n: int) -> dict:
    return {
        "merchant": uscc,
        "channel": "12345",
        "received_on": date.today().isoformat(),
        "allegation": f"复称少了二两（压测 {n}）",
    }


def report(name: str, answers: list, wall: float, before: int, expected_rows: int) -> bool:
    statuses = Counter(status for status, *_ in answers)
    firsts = sum(1 for status, replayed, *_ in answers if status == 201 and not replayed)
    rows = stored_complaints() - before
    seconds = [answer[-1] for answer in answers]
    ok = set(statuses) == {201} and rows == firsts == expected_rows
    print(
        f"{name:<16} answers {dict(statuses)}; first answers {firsts}, rows stored {rows}; "
        f"{len(answers) / wall:.1f} requests/s; "
        f"p50 {serving.percentile(seconds, 0.5) * 1000:.0f} ms, "
        f"p95 {serving.percentile(seconds, 0.95) * 1000:.0f} ms: {'ok' if ok else 'FAILED'}"
    )
    return ok


def timed(pool_size: int, func, items):
    started = time.perf_counter()
    with ThreadPoolExecutor(pool_size) as pool:
        results = list(pool.map(func, items))
    return results, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--merchants", type=int, default=2000)
    parser.add_argument("--writes", type=int, default=60)
    args = parser.parse_args()
    token, usccs, names = build(args.merchants)
    port = serving.free_port()
    ctl = DATA / "parallel-writers-gunicorn.ctl"
    extra = ["--control-socket", str(ctl)]
    server = serving.start_gunicorn(
        port, environment(), workers=2, extra_args=extra, log=subprocess.DEVNULL
    )
    results = []
    try:
        n = iter(range(10**6))

        def write(i: int):
            return post(port, token, complaint(usccs[i % len(usccs)], next(n)))

        before = stored_complaints()
        answers, wall = timed(1, write, range(args.writes))
        results.append(report("one writer", answers, wall, before, args.writes))

        before = stored_complaints()
        answers, wall = timed(WRITERS, write, range(args.writes))
        results.append(report(f"{WRITERS} writers", answers, wall, before, args.writes))

        def keyed(i: int):
            return post(port, token, complaint(usccs[i], -i), key=f"bench-{i}")

        before = stored_complaints()
        answers, wall = timed(WRITERS, keyed, [i // 2 for i in range(2 * WRITERS)])
        results.append(report("keyed retries", answers, wall, before, WRITERS))

        for label, size in (("log-ins, serial", 1), (f"{LOG_INS} log-ins", LOG_INS)):
            answers, wall = timed(size, lambda name: log_in(port, name), names)
            statuses = Counter(status for status, _ in answers)
            seconds = [s for _, s in answers]
            ok = set(statuses) == {302}
            results.append(ok)
            print(
                f"{label:<16} answers {dict(statuses)} in {wall:.2f} s; "
                f"p50 {serving.percentile(seconds, 0.5) * 1000:.0f} ms, "
                f"slowest {max(seconds) * 1000:.0f} ms: {'ok' if ok else 'FAILED'}"
            )
    finally:
        serving.stop([server])
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
