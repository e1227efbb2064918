"""Drill: one of two app hosts stops under load behind nginx (issue 21). Requests that may be
sent twice (GET) must never fail: nginx passes them on to the other host.

Everything runs privately on free loopback ports under a temporary folder, and is stopped
and removed at the end, Ctrl-C included:

- a PostgreSQL primary and a hot standby made from it with `pg_basebackup -R` (as the
  `postgres` user when run as root), a demo city loaded into the primary and rescored;
- a redis-server of its own, without persistence;
- two gunicorn instances (the two "app hosts"), each with its own control socket, with
  `DATABASE_URL` the primary, `DATABASE_REPLICA_URLS` the standby (public reads go there;
  the drill ends by printing what the standby answered), the same Redis, storage and
  secrets, and `TRUSTED_PROXIES=1`;
- nginx (Debian's package: `scripts/system-packages.sh bench`) with the site file the
  deployment guide gives, `benchmarks/drills/nginx.conf.template`, filled in for these
  ports; only the per-address rate is raised, since every client here is one address.

Client threads on keep-alive connections to nginx then send, for `--duration` seconds,
public lookups (`/api/public/v1/merchants/<uscc>`), public pages (`/merchants?…`,
`/merchants/<uscc>`), `/healthz/live`, and fair-scale readings (a POST of a small batch
with an `Idempotency-Key`). After `--stop-at` seconds one host is stopped: with SIGTERM
(gunicorn's graceful stop, as a process manager stops it) in the first run and SIGKILL to
its master and workers (a crash) in the second; between the runs it is started again.

A write that fails is sent again by its client with the same key and body until it is
answered (a client's own retry, which nginx never makes for a POST); the rows stored must
then be exactly those the answers accepted, none twice.

    .venv/bin/python benchmarks/drills/app_hosts.py [--merchants 300] [--clients 8]
        [--workers 2] [--duration 30] [--stop-at 10] [--stop term,kill]

Prints a table per run and request kind: requests, 2xx, other answers, connection
failures, those nginx passed on to the other host (its access log), p50/p99; then the
writes' retries and the check of the stored rows. Exit status 1 if any GET failed, a write
never succeeded, or the stored rows differ.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import psycopg
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for serving
sys.path.insert(0, str(Path(__file__).resolve().parent))
import serving  # noqa: E402
from jobs_final_state import Redis  # noqa: E402
from pg_restart import Cluster, cli, pg_bin, warm_up  # noqa: E402

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CLIENT_TIMEOUT = 30
READS = ("lookup", "page", "live")  # the idempotent kinds: target 0 failures
WRITE_EVERY = 8  # one request in eight is a readings batch
BATCH = 5  # readings per batch
FAIL_TIMEOUT = 10  # nginx's fail_timeout for a host, in the filled-in template


# The pieces ---------------------------------------------------------------------------


class AppHost:
    """One gunicorn, as an app host runs it, with its own control socket (serving)."""

    def __init__(self, name: str, env: dict[str, str], workers: int, logs: Path) -> None:
        self.name, self.env, self.workers, self.logs = name, env, workers, logs
        self.port, self.proc = serving.free_port(), None

    def start(self) -> None:
        with (self.logs / f"{self.name}.log").open("ab") as log:
            self.proc = serving.start_gunicorn(
                self.port, self.env, workers=self.workers,
                extra_args=("--log-level", "warning"), log=log,
            )  # fmt: skip
        warm_up(self.port, self.workers)

    def stop(self, how: str) -> None:
        """SIGTERM to the master (graceful), or SIGKILL to the master and every worker."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if how == "term":
            self.proc.send_signal(signal.SIGTERM)
            return
        for pid in [*children(self.proc.pid), self.proc.pid]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def reap(self) -> None:
        if self.proc is not None:
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=60)
            if self.proc.poll() is None:
                self.stop("kill")
                self.proc.wait(timeout=10)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


class Nginx:
    """nginx with the deployment guide's site file, in a main file like Debian's."""

    def __init__(self, root: Path, hosts: list[AppHost]) -> None:
        self.root, self.port, self.hosts = root, serving.free_port(), hosts
        self.root.mkdir()
        self.conf, self.access = root / "nginx.conf", root / "access.log"

    def write(self) -> None:
        servers = "\n    ".join(
            f"server 127.0.0.1:{h.port} max_fails=1 fail_timeout={FAIL_TIMEOUT}s;"
            for h in self.hosts
        )
        site = fill(
            TEMPLATE.read_text(),
            app_servers=servers,
            listen=f"127.0.0.1:{self.port}",
            tls="# no TLS in the drill",
            server_name="localhost",
            project_root=str(serving.ROOT),
            public_rate="100000r/s",  # every client of the drill is 127.0.0.1
            public_burst="1000",
        )
        (self.root / "creditsvc.conf").write_text(site)
        # Workers run as whoever runs the drill, as they do when it is not root: the checkout
        # it serves static/ from may sit in a folder only that user can enter (mktemp -d).
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.conf.write_text(
            f"{user}worker_processes 1;\npid {self.root}/nginx.pid;\n"
            f"error_log {self.root}/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            "    sendfile on;\n"
            "    log_format drill '$msec $request_method $uri $status "
            '"$upstream_addr" "$upstream_status" $request_time\';\n'
            f"    access_log {self.access} drill;\n"
            + "".join(
                f"    {kind}_temp_path {self.root}/{kind}_temp;\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"    include {self.root}/creditsvc.conf;\n}}\n"
        )

    def command(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - the system's nginx, no shell
            [NGINX, "-p", str(self.root), "-c", str(self.conf), *args],
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        self.write()
        self.command("-t")
        self.command()

    def stop(self) -> None:
        if (self.root / "nginx.pid").exists():
            with suppress(subprocess.CalledProcessError):
                self.command("-s", "quit")
            deadline = time.monotonic() + 10
            while (self.root / "nginx.pid").exists() and time.monotonic() < deadline:
                time.sleep(0.1)

    def passed_on(self, since: float) -> dict[str, int]:
        """Requests since `since` (wall clock) that nginx sent to more than one host, by kind."""
        counts: dict[str, int] = {}
        for line in self.access.read_text().splitlines():
            stamp, method, path, _status, upstreams = line.split(" ", 5)[:5]
            if float(stamp) >= since and "," in upstreams:
                kind = kind_of(method, path)
                counts[kind] = counts.get(kind, 0) + 1
        return counts


def fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", value)
    if "{{" in template:
        raise SystemExit(f"{TEMPLATE.name}: a placeholder is left unfilled")
    return template


def kind_of(method: str, path: str) -> str:
    if method == "POST":
        return "write"
    if path.startswith("/api/public/"):
        return "lookup"
    return "live" if path.startswith("/healthz") else "page"


# The city and its database pair ------------------------------------------------------


# The standby's own statistics: public reads are sent to it (creditsvc/replicas.py).
STANDBY_READS = (
    "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched"
    " FROM pg_stat_database WHERE datname = 'drill'"
)


def standby_reads(standby: Cluster) -> str:
    """What the standby answered in the drill: its transactions and rows read."""
    with psycopg.connect(standby.url("drill")) as conn:
        transactions, rows = conn.execute(STANDBY_READS).fetchone()
    return f"the standby answered {transactions} transactions and read {rows} rows"


def prepare(root: Path, merchants: int, clusters: list[Cluster]) -> tuple[Cluster, dict]:
    """A primary with a scored demo city, a hot standby streaming from it (both added to
    `clusters` as soon as they exist, for the clean-up), and the app's environment."""
    primary = Cluster(mkdir(root / "primary"))
    clusters.append(primary)
    primary.init()
    primary.start()
    with psycopg.connect(primary.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE drill")
    env = dict(os.environ, DATABASE_URL=primary.url("drill"), REDIS_URL="",
               STORAGE_DIR=str(mkdir(root / "storage")), SECRET_KEY=uuid.uuid4().hex,
               PERSONAL_DATA_KEY=Fernet.generate_key().decode(), CREDITSVC_DEMO="1",
               TRUSTED_PROXIES="1")  # fmt: skip
    for command in (["db", "upgrade"], ["demo", "--merchants", str(merchants)], ["rescore"]):
        cli(env, *command)
    standby = Cluster(mkdir(root / "standby"))
    clusters.insert(0, standby)  # stopped before its primary
    standby._run(pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                 "-U", "postgres", "-D", str(standby.data), "-R", "-X", "stream",
                 "-c", "fast")  # fmt: skip
    standby.start()
    with psycopg.connect(standby.url("drill")) as conn:
        if not conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
            raise SystemExit("the standby is not in recovery")
    env["DATABASE_REPLICA_URLS"] = standby.url("drill")
    return primary, env


def mkdir(path: Path) -> Path:
    path.mkdir(mode=0o755)
    return path


def world(url: str, env: dict[str, str], clients: int) -> dict:
    """Businesses to look up, districts to list, and the verified scales of the city (token,
    its market's stall numbers); client threads share them, each with seqs of its own."""
    with psycopg.connect(url) as conn:
        usccs = [r[0] for r in conn.execute("SELECT uscc FROM merchants ORDER BY id LIMIT 200")]
        districts = [r[0] for r in conn.execute("SELECT DISTINCT district_code FROM merchants")]
        scales = conn.execute(
            "SELECT d.serial, array_agg(s.number) FROM devices d JOIN stalls s"
            " ON s.market_id = d.market_id AND s.merchant_id IS NOT NULL"
            " WHERE d.active AND d.verification_due > current_date"
            " GROUP BY d.id, d.serial ORDER BY d.id LIMIT %s",
            (clients,),
        ).fetchall()
    if not scales:
        raise SystemExit("the demo city has no verified scale in a market with stalls")
    tokens = [cli(env, "tokens", "create", "--device", serial).strip() for serial, _ in scales]
    return {"usccs": usccs, "districts": districts, "tokens": tokens,
            "stalls": [stalls for _, stalls in scales]}  # fmt: skip


# The load -----------------------------------------------------------------------------


class Load:
    """Client threads, each on one keep-alive connection to nginx, recording every answer:
    (start, kind, status, seconds); status 0 is a connection failure."""

    def __init__(self, port: int, city: dict, clients: int, first_seq: int) -> None:
        self.port, self.city, self.clients, self.first_seq = port, city, clients, first_seq
        self.records: list[tuple[float, str, int, float]] = []
        self.writes: list[dict] = []  # per batch: attempts, replayed, accepted
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def _path(self, n: int) -> str:
        usccs, districts = self.city["usccs"], self.city["districts"]
        uscc = usccs[n % len(usccs)]
        return (
            f"/api/public/v1/merchants/{uscc}",
            f"/merchants/{uscc}",
            f"/merchants?district={districts[n % len(districts)]}&page={1 + n % 3}",
            "/healthz/live",
            f"/merchants?q={quote('菜')}",
        )[n % 5]

    def _timed(self, conn, kind: str, method: str, path: str, body=None, headers=None):
        """Send one request; record it; its status (0: no answer), headers and body."""
        started, answer = time.monotonic(), (0, None, b"")
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            answer = (response.status, response, response.read())
        except (OSError, http.client.HTTPException):
            pass
        with self.lock:
            self.records.append((started, kind, answer[0], time.monotonic() - started))
        return answer

    def _write(self, conn_of, client: int, seq: int) -> None:
        """A readings batch, sent again with the same key and body until it is answered."""
        now = datetime.now(UTC)
        scale = client % len(self.city["tokens"])
        stalls = self.city["stalls"][scale]
        batch = [
            {"seq": seq + i, "time": (now - timedelta(minutes=1 + i)).isoformat(),
             "settled_g": 500.0 + i, "measured_g": 498.0 + i, "category": "vegetable",
             "stall": stalls[(seq + i) % len(stalls)]}
            for i in range(BATCH)
        ]  # fmt: skip
        body = json.dumps({"readings": batch})
        headers = {
            "Authorization": f"Bearer {self.city['tokens'][scale]}",
            "Content-Type": "application/json",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        outcome = {"attempts": 0, "replayed": False, "accepted": None}
        while outcome["attempts"] < 20 and outcome["accepted"] is None:
            kind = "write" if outcome["attempts"] == 0 else "write, sent again"
            outcome["attempts"] += 1
            status, response, answer = self._timed(
                conn_of(), kind, "POST", "/api/v1/readings", body, headers
            )
            if status == 200:
                outcome["accepted"] = json.loads(answer)["accepted"]
                outcome["replayed"] = response.getheader("Idempotent-Replayed") == "true"
            else:
                conn_of(reset=True)
                time.sleep(0.2)
        with self.lock:
            self.writes.append(outcome)

    def _client(self, client: int) -> None:
        conn: list = [None]

        def conn_of(reset: bool = False):
            if reset or conn[0] is None:
                if conn[0] is not None:
                    conn[0].close()
                conn[0] = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CLIENT_TIMEOUT)
            return conn[0]

        n, seq = client, self.first_seq + client * 10**9  # threads may share a scale
        while not self.stopping.is_set():
            if n % WRITE_EVERY == client % WRITE_EVERY:
                self._write(conn_of, client, seq)
                seq += BATCH
            else:
                path = self._path(n)
                if self._timed(conn_of(), kind_of("GET", path), "GET", path)[0] == 0:
                    conn_of(reset=True)
            n += 1

    def run(self, seconds: float, at: float, action) -> float:
        """Load for `seconds`, calling `action` after `at`; the monotonic time of the action."""
        threads = [threading.Thread(target=self._client, args=(i,), daemon=True)
                   for i in range(self.clients)]  # fmt: skip
        for thread in threads:
            thread.start()
        time.sleep(at)
        acted = time.monotonic()
        action()
        time.sleep(max(seconds - at, 0))
        self.stopping.set()
        for thread in threads:
            thread.join(timeout=CLIENT_TIMEOUT * 20)
        return acted


# A run and its figures ----------------------------------------------------------------


def table(load: Load, passed_on: dict[str, int]) -> dict[str, dict]:
    """Per request kind: requests, 2xx, other answers, connection failures, passed on, p50/p99."""
    rows = {}
    for kind in (*READS, "write", "write, sent again"):
        mine = [r for r in load.records if r[1] == kind]
        latencies = [r[3] for r in mine]
        rows[kind] = {
            "requests": len(mine),
            "2xx": sum(1 for r in mine if 200 <= r[2] < 300),
            "other answers": sum(1 for r in mine if r[2] and not 200 <= r[2] < 300),
            "no answer": sum(1 for r in mine if r[2] == 0),
            "passed on": passed_on.get(kind, 0) if kind != "write, sent again" else "",
            "p50 ms": round(serving.percentile(latencies, 0.5) * 1000),
            "p99 ms": round(serving.percentile(latencies, 0.99) * 1000),
        }
    return rows


def print_table(title: str, rows: dict[str, dict]) -> None:
    columns = list(next(iter(rows.values())))
    print(f"\n{title}")
    print(f"| kind | {' | '.join(columns)} |")
    print(f"|---|{'---|' * len(columns)}")
    for kind, row in rows.items():
        print(f"| {kind} | {' | '.join(str(row[c]) for c in columns)} |")


def stored_readings(url: str, first_seq: int) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM readings WHERE seq >= %s", (first_seq,)
        ).fetchone()[0]


def run(how: str, number: int, hosts: list[AppHost], proxy: Nginx, city: dict,
        args: argparse.Namespace, url: str) -> bool:  # fmt: skip
    """One load test through nginx with host A stopped `how` (term or kill) at --stop-at."""
    first_seq = 10**12 * (number + 1)
    load = Load(proxy.port, city, args.clients, first_seq)
    since = time.time()
    acted = load.run(args.duration, args.stop_at, lambda: hosts[0].stop(how))
    hosts[0].reap()
    rows = table(load, proxy.passed_on(since))
    stopped = "SIGTERM (graceful)" if how == "term" else "SIGKILL (crash)"
    print_table(f"run {number + 1}: host A stopped by {stopped} at {args.stop_at:g} s "
                f"of {args.duration:g} s", rows)  # fmt: skip
    read_failures = sum(rows[k]["other answers"] + rows[k]["no answer"] for k in READS)
    failed: dict[str, int] = {}
    for record in load.records:
        if not 200 <= record[2] < 300:
            label = f"{record[1]} {record[2] or 'no answer'}"
            failed[label] = failed.get(label, 0) + 1
    unanswered = sum(1 for w in load.writes if w["accepted"] is None)
    expected = sum(w["accepted"] or 0 for w in load.writes)
    stored = stored_readings(url, first_seq)
    after_stop = [r for r in load.records if r[0] >= acted and r[1] in READS]
    print(
        f"GET failures: {read_failures} (target 0); GETs after the stop: {len(after_stop)}\n"
        f"failures by kind and status: {failed or 'none'}\n"
        f"writes: {len(load.writes)} batches; sent more than once: "
        f"{sum(1 for w in load.writes if w['attempts'] > 1)}; answered from the first answer "
        f"(Idempotent-Replayed): {sum(1 for w in load.writes if w['replayed'])}; "
        f"never answered: {unanswered}\n"
        f"readings stored: {stored}, accepted by the answers: {expected} "
        f"({'equal' if stored == expected else 'DIFFERENT'})"
    )
    return read_failures == 0 and unanswered == 0 and stored == expected


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merchants", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--stop-at", type=float, default=10)
    parser.add_argument("--stop", default="term,kill", help="how host A stops in each run")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    if not Path(NGINX).exists():
        raise SystemExit("nginx is not installed: scripts/system-packages.sh bench")
    # Ctrl-C and a SIGTERM to the drill both unwind through `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))

    root = Path(tempfile.mkdtemp(prefix="creditsvc-hosts-drill-"))
    root.chmod(0o755)  # the clusters' `postgres` user (when run as root) reaches their folders
    clusters: list[Cluster] = []
    redis, hosts, proxy = Redis(mkdir(root / "redis")), [], None
    try:
        print(f"load average at start: {os.getloadavg()}; cores: {os.cpu_count()}")
        primary, env = prepare(root, args.merchants, clusters)
        city = world(primary.url("drill"), env, args.clients)
        redis.start()
        env["REDIS_URL"] = redis.url
        hosts = [AppHost(name, env, args.workers, root) for name in ("host-a", "host-b")]
        proxy = Nginx(root / "nginx", hosts)
        env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{proxy.port}"
        for host in hosts:
            host.start()
        proxy.start()
        ok = True
        for number, how in enumerate(args.stop.split(",")):
            if number:  # host A comes back, and nginx tries it again after fail_timeout
                hosts[0].start()
                time.sleep(FAIL_TIMEOUT + 1)
            ok &= run(how, number, hosts, proxy, city, args, primary.url("drill"))
        with psycopg.connect(primary.url("postgres")) as conn:
            lag = conn.execute("SELECT state, replay_lag FROM pg_stat_replication").fetchall()
        print(f"\nstandby: {lag}; {standby_reads(clusters[0])}")
        print(f"load average at the end: {os.getloadavg()}")
        print("target met" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        if proxy is not None:
            proxy.stop()
        for host in hosts:
            host.stop("term")
            host.reap()
        redis.stop()
        for cluster in clusters:
            with suppress(subprocess.CalledProcessError):
                cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
