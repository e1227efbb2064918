"""Drill: PostgreSQL restarted under load. Requests must fail fast and recover by themselves.

Runs everything privately, so nothing else on the machine is disturbed: a PostgreSQL cluster
made with initdb under a temporary folder on a free port (as the `postgres` user when run as
root), a demo city loaded into it, and gunicorn serving the app on a free loopback port.
Client threads then read public records and post complaints while the script stops
PostgreSQL (`pg_ctl stop -m fast`), waits, and starts it again. gunicorn is never restarted.

    .venv/bin/python benchmarks/drills/pg_restart.py [--merchants 300] [--clients 6]
        [--before 10] [--down 5] [--after 15] [--workers 2]

Prints, per phase (before the stop began, while down, after the start): requests, answers
by status, p50/p99 latency, the slowest failure, and the time from PostgreSQL accepting
connections again to the first good answer. Requests in flight when the stop begins are
counted in "before" and may fail (their sessions are terminated). Exit status 1 if a
request that ended before the stop, or began after recovery, was not 200/201, or any
request hung past the client timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import pwd
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for serving
import serving  # noqa: E402

BIN = Path(sys.executable).parent
CLIENT_TIMEOUT = 10


def pg_bin(name: str) -> str:
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PostgreSQL's server package")
    return found


class Cluster:
    """A throw-away PostgreSQL cluster (trust auth, loopback only) under `root`."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, serving.free_port()
        self.data, self.log = root / "data", root / "postgres.log"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            uid, gid = pwd.getpwnam("postgres")[2:4]
            os.chown(root, uid, gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *command], check=True, capture_output=True)  # noqa: S603

    def init(self) -> None:
        self._run(
            pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"
        )

    def start(self) -> float:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run(
            pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "start",
        )
        return time.monotonic()

    def stop(self) -> float:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        return time.monotonic()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def prepare(cluster: Cluster, env: dict, merchants: int) -> list[str]:
    """Create the database, migrate, load a demo city and score it; return some USCCs."""
    admin = cluster.url("postgres")
    import psycopg  # the project's own driver

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE DATABASE drill")
    for command in (["db", "upgrade"], ["demo", "--merchants", str(merchants)], ["rescore"]):
        cli(env, *command)
    with psycopg.connect(cluster.url("drill")) as conn:
        rows = conn.execute("SELECT uscc FROM merchants ORDER BY id LIMIT 50").fetchall()
    return [row[0] for row in rows]


def cli(env: dict, *args: str) -> str:
    """Run `creditsvc ARGS` against the drill's database; its output, or exit with its error."""
    done = subprocess.run(  # noqa: S603
        [str(BIN / "creditsvc"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"creditsvc {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def officer_token(env: dict) -> str:
    cli(env, "users", "create", "--role", "city", "--username", "drill-city",
        "--password", "drill-password-1")  # fmt: skip
    made = cli(env, "tokens", "create", "--user", "drill-city")
    return next(word for word in made.split() if word.startswith("cs_"))


def warm_up(port: int, workers: int) -> None:
    """Wait until the workers answer (they import WeasyPrint and scikit-learn first)."""
    deadline, answered = time.monotonic() + 120, 0
    while answered < 4 * workers:
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not answer /healthz within 120 s")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
            conn.request("GET", "/healthz")
            answered += conn.getresponse().status == 200
            conn.close()
        except OSError:
            time.sleep(0.5)


class Load:
    """Client threads, each on one keep-alive connection, recording every answer."""

    def __init__(self, port: int, usccs: list[str], token: str, clients: int) -> None:
        self.port, self.usccs, self.token, self.clients = port, usccs, token, clients
        self.records: list[tuple[float, str, int, float]] = []  # (start, kind, status, seconds)
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def _request(self, conn, n: int) -> tuple[str, int]:
        uscc = self.usccs[n % len(self.usccs)]
        if n % 5 == 4:  # one in five is a write: a complaint by the city officer
            body = json.dumps({"merchant": uscc, "channel": "12315", "received_on": "2026-01-05",
                               "allegation": "演练投诉"})  # fmt: skip
            headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
            conn.request("POST", "/api/v1/complaints", body=body, headers=headers)
            kind = "write"
        else:
            conn.request("GET", f"/api/public/v1/merchants/{uscc}")
            kind = "read"
        response = conn.getresponse()
        response.read()
        return kind, response.status

    def _client(self, seed: int) -> None:
        conn, n = None, seed
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                conn = conn or http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=CLIENT_TIMEOUT
                )
                kind, status = self._request(conn, n)
            except (OSError, http.client.HTTPException):
                kind, status, conn = "error", 0, None
            with self.lock:
                self.records.append((started, kind, status, time.monotonic() - started))
            n += self.clients

    def start(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True)
            for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        return threads


def summary(records: list, start: float, end: float) -> dict:
    window = [r for r in records if start <= r[0] < end]
    statuses: dict[int, int] = {}
    for r in window:
        statuses[r[2]] = statuses.get(r[2], 0) + 1
    latencies = sorted(r[3] for r in window) or [0.0]
    failures = [r[3] for r in window if r[2] not in (200, 201)]
    return {
        "requests": len(window),
        "per_second": round(len(window) / max(end - start, 1e-9), 1),
        "statuses": dict(sorted(statuses.items())),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(serving.percentile(latencies, 0.99) * 1000, 1),
        "slowest_failure_ms": round(max(failures) * 1000, 1) if failures else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merchants", type=int, default=300)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--before", type=float, default=10)
    parser.add_argument("--down", type=float, default=5)
    parser.add_argument("--after", type=float, default=15)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="creditsvc-pg-drill-"))
    cluster = Cluster(root)
    gunicorn = None
    try:
        cluster.init()
        cluster.start()
        env = dict(os.environ, DATABASE_URL=cluster.url("drill"), STORAGE_DIR=str(root / "storage"),
                   SECRET_KEY=secrets.token_hex(16), REDIS_URL="")  # fmt: skip
        from cryptography.fernet import Fernet

        env["PERSONAL_DATA_KEY"] = Fernet.generate_key().decode()
        usccs = prepare(cluster, env, args.merchants)
        token = officer_token(env)
        port = serving.free_port()
        with (root / "gunicorn.log").open("wb") as log:
            gunicorn = serving.start_gunicorn(
                port, env, workers=args.workers, extra_args=("--log-level", "warning"), log=log
            )
        warm_up(port, args.workers)
        load = Load(port, usccs, token, args.clients)
        t0 = time.monotonic()
        threads = load.start()
        time.sleep(args.before)
        stopped = time.monotonic()  # the stop begins: PostgreSQL refuses new work from here
        stop_took = cluster.stop() - stopped
        time.sleep(args.down)
        restarted = cluster.start()
        time.sleep(args.after)
        load.stopping.set()
        for thread in threads:
            thread.join(timeout=CLIENT_TIMEOUT + 5)
        t_end = time.monotonic()

        good_after = [r for r in load.records if r[0] >= restarted and r[2] in (200, 201)]
        first_good = min((r[0] + r[3] for r in good_after), default=None)
        after = [r for r in load.records if first_good is not None and r[0] >= first_good]
        report = {
            "clients": args.clients,
            "gunicorn_workers": args.workers,
            "postgres_down_s": round(restarted - stopped, 2),
            "pg_ctl_stop_s": round(stop_took, 2),
            "before": summary(load.records, t0, stopped),
            "down": summary(load.records, stopped, restarted),
            "after": summary(load.records, restarted, t_end),
            "recovered_after_restart_s": round(first_good - restarted, 2) if first_good else None,
            "bad_answers_after_recovery": sum(1 for r in after if r[2] not in (200, 201)),
            # Requests that ended before the stop began: none may have failed.
            "bad_answers_before_stop": sum(
                1 for r in load.records if r[0] + r[3] < stopped and r[2] not in (200, 201)
            ),
            "hung_requests": sum(1 for r in load.records if r[3] >= CLIENT_TIMEOUT),
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        ok = (
            first_good is not None
            and report["bad_answers_after_recovery"] == 0
            and report["bad_answers_before_stop"] == 0
            and report["hung_requests"] == 0
        )
        return 0 if ok else 1
    finally:
        if gunicorn is not None:
            serving.stop([gunicorn], timeout=30)
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop()
        if (root / "gunicorn.log").exists():
            log_tail = (root / "gunicorn.log").read_text(errors="replace").splitlines()[-15:]
            print("gunicorn log (last lines):", *log_tail, sep="\n  ")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
