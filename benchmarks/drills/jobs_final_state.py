"""Drill: every job a person waits for ends done or failed (issue 17), with a real Redis of its
own, real `creditsvc worker` and `creditsvc scheduler` processes and PostgreSQL.

A scratch database on the machine's PostgreSQL (dropped at the end) gets a demo city; a
private `redis-server` on a free port (no persistence) is started and stopped by the drill,
never the machine's own. One worker takes the imports and render queues (its work horse is
the one killed), another the rescore and default queues (the sweep and the search for
abandoned runs, which the scheduler enqueues every minute). The officer's requests go
through the app in this process, on the same database, Redis and storage.

1. import, horse killed: an inspections sheet with a penalty on every row; SIGKILL to the
   work horse once the job has reported progress; then the same upload again.
2. render, horse killed once: SIGKILL to the horse rendering an exposure notice; rq's retry.
3. render, horse killed on every attempt: the row fails once rq gives up; then publish again.
4. Redis stopped with a render job queued: publishing meanwhile answers 503; Redis comes
   back empty; the scheduler's search ends the lost row; then publish again.
5. Redis stopped while the horse renders.

Each step checks that its status rows ended done or failed, that nothing of a failed job was
stored (no inspection or penalty of the killed import, no serial, file or entry window of a
failed publication), and that repeating the action succeeds. Exit status 1 if any check fails.

    .venv/bin/python benchmarks/drills/jobs_final_state.py [--merchants 1200] [--rows 1500]
        [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for serving
import serving  # noqa: E402
from pg_restart import cli  # noqa: E402 (beside this script)

DISTRICTS = ("310104", "310101", "310106", "310115")  # one exposure notice each
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
DECIDED = date.today() - timedelta(days=1)
HEADER = ",".join(
    ("统一社会信用代码", "检查日期", "检查类型", "检查人员", "违法行为代码")
    + ("处罚决定书文号", "处罚决定日期", "处罚程序", "罚款金额(元)", "仅警告")
)
FAILURES: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  [{'ok' if ok else 'FAILED'}] {what}")
    if not ok:
        FAILURES.append(what)


def wait(what: str, probe: Callable[[], Any], timeout: float = 300, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise SystemExit(f"drill stuck: no {what} after {timeout:.0f} s")
        time.sleep(every)
    return value


class Redis:
    """A redis-server of the drill's own, without persistence: a restart starts it empty."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir, self.proc = serving.free_port(), workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        from redis import Redis as Client

        self.proc = subprocess.Popen(  # noqa: S603 - the system's redis-server, no shell
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = Client.from_url(self.url, socket_connect_timeout=0.2)

        def answers() -> bool:
            with suppress(Exception):
                return bool(client.ping())
            return False

        wait("redis-server", answers, timeout=20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Processes:
    """The worker whose horse is killed, the other worker, and the scheduler."""

    COMMANDS = {
        "victim": ["worker", "--queues", "imports,render"],
        "other": ["worker", "--queues", "rescore,default,train"],
        "scheduler": ["scheduler"],
    }

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.procs = env, logs, {}
        self.restarts: list[str] = []

    def start(self, *names: str) -> None:
        for name in names or self.COMMANDS:
            log = (self.logs / f"{name}.log").open("ab")
            self.procs[name] = subprocess.Popen(  # noqa: S603 - the project's own CLI
                [str(serving.BIN / "creditsvc"), *self.COMMANDS[name]],
                cwd=serving.ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        time.sleep(3)  # the worker registers and waits on its queues

    def revive(self) -> None:
        """Start again whatever exited (a worker or the scheduler that lost Redis)."""
        dead = [name for name, proc in self.procs.items() if proc.poll() is not None]
        self.restarts += dead
        if dead:
            self.start(*dead)

    def stop(self, *names: str) -> None:
        for name in names or list(self.procs):
            proc = self.procs.pop(name)
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()

    def horse(self) -> int | None:
        """The victim's work horse: its child that leads a process group of its own."""
        parent = self.procs["victim"].pid
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                pid = int(stat.parent.name)
                if int(fields[1]) == parent and int(fields[2]) == pid:
                    return pid
        return None

    def kill_horse(self) -> bool:
        pid = self.horse()
        if pid is None:
            return False
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
            return True
        return False


class Drill:
    def __init__(self, url: str, storage: Path, client: Any, procs: Processes, redis: Redis):
        self.url, self.storage, self.client = url, storage, client
        self.procs, self.redis = procs, redis

    def sql(self, query: str, *params: Any) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(query, params).fetchall()

    def run(self, run_id: str) -> tuple:
        return self.sql("SELECT status, error, done, total FROM job_runs WHERE id = %s", run_id)[0]

    def ended(self, run_id: str, timeout: float = 300) -> tuple:
        """The row once it is done or failed."""

        def final() -> tuple | None:
            row = self.run(run_id)
            return row if row[0] in ("done", "failed") else None

        return wait(f"the end of run {run_id}", final, timeout)

    def evidence(self) -> tuple[int, int]:
        """How many inspections and penalty decisions are stored."""
        query = (
            "SELECT (SELECT count(*) FROM inspections), (SELECT count(*) FROM penalty_decisions)"
        )
        return self.sql(query)[0]

    def notice(self, notice_id: int) -> tuple:
        return self.sql(
            "SELECT status, serial, file_name, sha256, render_error,"
            " (SELECT count(*) FROM notice_entries e WHERE e.notice_id = n.id"
            "  AND e.published_on IS NOT NULL) FROM notices n WHERE id = %s",
            notice_id,
        )[0]

    def files(self) -> list[Path]:
        folder = self.storage / "notices"
        return sorted(folder.glob(".*")) + sorted(folder.glob("*")) if folder.exists() else []

    def upload(self, body: bytes) -> Any:
        import io

        return self.client.post(
            "/api/v1/imports",
            data={"kind": "inspections", "file": (io.BytesIO(body), "sheet.csv")},
            content_type="multipart/form-data",
        )

    def approved(self, district: str) -> int:
        body = {
            "district": district,
            "kind": "exposure",
            "period_start": (DECIDED - timedelta(days=59)).isoformat(),
            "period_end": date.today().isoformat(),
        }
        drafted = self.client.post("/api/v1/notices", json=body)
        assert drafted.status_code == 201, drafted.get_json()
        notice_id = drafted.get_json()["id"]
        assert self.client.post(f"/api/v1/notices/{notice_id}/approve").status_code == 200
        return notice_id

    def publish(self, notice_id: int) -> Any:
        return self.client.post(f"/api/v1/notices/{notice_id}/publish")

    def publish_again(self, notice_id: int) -> None:
        started = time.monotonic()
        again = self.publish(notice_id).get_json()["render_job"]
        status = self.ended(again)[0]
        check(status == "done", f"publishing again: {status} in {time.monotonic() - started:.1f} s")

    def check_published(self, notice_id: int) -> None:
        status, serial, file_name, sha256, _, windows = self.notice(notice_id)
        path = self.storage / file_name if file_name else None
        whole = path is not None and path.is_file()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if whole else None
        check(
            status == "published" and whole and digest == sha256 and windows > 0,
            f"notice {notice_id} published once: serial {serial}, its PDF's SHA-256 matches",
        )

    def check_unpublished(self, notice_id: int) -> None:
        status, serial, file_name, _, error, windows = self.notice(notice_id)
        check(
            status == "approved" and serial is None and file_name is None and windows == 0,
            f"notice {notice_id} still approved: no serial, no file, no window opened; "
            f"render_error: {error!r}",
        )


def sheet(drill: Drill, rows: int) -> bytes:
    """An inspections sheet: one inspection with a short-weight finding and a penalty
    decided yesterday on every row, for the merchants of DISTRICTS in turn."""
    query = "SELECT uscc FROM merchants WHERE district_code = ANY(%s) ORDER BY id"
    usccs = [uscc for (uscc,) in drill.sql(query, list(DISTRICTS))]
    day = DECIDED.isoformat()
    lines = [HEADER]
    for i in range(rows):
        decision = f"沪市监处〔2026〕{i + 1}号,{day},普通程序,2000,否"
        lines.append(f"{usccs[i % len(usccs)]},{day},日常检查,张三,SHORT_RETAIL,{decision}")
    return ("\n".join(lines) + "\n").encode()


def import_killed(drill: Drill, rows: int) -> None:
    print(f"1. import of {rows} rows, work horse killed mid-import")
    body = sheet(drill, rows)
    before = drill.evidence()
    run_id = drill.upload(body).get_json()["id"]
    started = time.monotonic()
    wait("import progress", lambda: drill.run(run_id)[2] > 0)
    _, _, done, total = drill.run(run_id)
    killed = drill.procs.kill_horse()
    at_kill = time.monotonic()
    status, error, _, _ = drill.ended(run_id)
    print(
        f"  killed {at_kill - started:.1f} s after the upload, at {done}/{total} rows checked; "
        f"row {status} {time.monotonic() - at_kill:.2f} s later: {error}"
    )
    check(killed and status == "failed", "the killed import's row ended failed with a message")
    check(drill.evidence() == before, f"nothing stored: inspections, penalties still {before}")
    started = time.monotonic()
    again = drill.upload(body).get_json()["id"]
    status, error, done, _ = drill.ended(again)
    print(f"  the same upload again: {status} in {time.monotonic() - started:.1f} s ({done} rows)")
    after = drill.evidence()
    check(
        status == "done" and after == (before[0] + rows, before[1] + rows),
        f"repeated upload imported every row: {after}",
    )


def render_killed(drill: Drill, district: str, every_attempt: bool) -> None:
    how = "on every attempt" if every_attempt else "once"
    print(f"{3 if every_attempt else 2}. exposure notice of {district}, work horse killed {how}")
    notice_id = drill.approved(district)
    answer = drill.publish(notice_id)
    run_id = answer.get_json()["render_job"]
    wait("the render to start", lambda: drill.run(run_id)[0] == "running")
    kills, started = 0, time.monotonic()
    while kills < (3 if every_attempt else 1):  # 1 + the render queue's 2 retries
        horse = wait("a work horse", drill.procs.horse, timeout=60)
        time.sleep(0.5)  # mid-render
        if drill.procs.horse() == horse and drill.procs.kill_horse():
            kills += 1
    status, error, _, _ = drill.ended(run_id)
    print(
        f"  {kills} kills; row {status} {time.monotonic() - started:.1f} s after the first: "
        f"{error or ''}"
    )
    if not every_attempt:
        check(status == "done", "rq's retry rendered it: row done")
        drill.check_published(notice_id)
        return
    check(status == "failed", "row failed once rq gave up")
    drill.check_unpublished(notice_id)
    drill.publish_again(notice_id)
    drill.check_published(notice_id)


def redis_stopped_queued(drill: Drill, district: str) -> None:
    print(f"4. exposure notice of {district}: Redis stopped with its render job queued")
    notice_id = drill.approved(district)
    drill.procs.stop("victim")  # no worker takes the job before Redis stops
    queued = drill.publish(notice_id)
    lost_run = queued.get_json()["render_job"]
    drill.redis.stop()
    refused = [drill.publish(notice_id) for _ in range(3)]
    codes = sorted({(r.status_code, r.headers.get("Retry-After")) for r in refused})
    check(codes == [(503, "5")], f"publishing while Redis is down: {codes} (status, Retry-After)")
    drill.redis.start()
    back = time.monotonic()
    drill.procs.revive()
    drill.procs.start("victim")
    status, error, _, _ = drill.ended(lost_run, timeout=240)
    print(f"  lost row {status} {time.monotonic() - back:.0f} s after Redis came back: {error}")
    open_rows = drill.sql("SELECT count(*) FROM job_runs WHERE status IN ('queued', 'running')")
    check(
        status == "failed" and open_rows[0][0] == 0,
        "the lost row and the refused ones ended failed",
    )
    drill.check_unpublished(notice_id)
    drill.publish_again(notice_id)
    drill.check_published(notice_id)


def redis_stopped_mid_render(drill: Drill, district: str) -> None:
    print(f"5. exposure notice of {district}: Redis stopped while the horse renders")
    notice_id = drill.approved(district)
    run_id = drill.publish(notice_id).get_json()["render_job"]
    wait("the render to start", lambda: drill.run(run_id)[0] == "running")
    drill.redis.stop()
    started = time.monotonic()
    status, error, _, _ = drill.ended(run_id)
    print(f"  row {status} {time.monotonic() - started:.1f} s after Redis stopped {error or ''}")
    drill.redis.start()
    drill.procs.revive()
    check(status in ("done", "failed"), "the row ended")
    if status == "done":
        drill.check_published(notice_id)
    else:
        drill.check_unpublished(notice_id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merchants", type=int, default=1200)
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="creditsvc-jobs-drill-"))
    name = f"creditsvc_drill_jobs_{os.getpid()}"
    url = args.pg.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    redis = Redis(root)
    redis.start()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        REDIS_URL="",
        STORAGE_DIR=str(root / "storage"),
        SECRET_KEY=secrets.token_hex(16),
        PERSONAL_DATA_KEY=Fernet.generate_key().decode(),
        # Documents print only a public address outside the demo (issue 18): a made-up one.
        PUBLIC_BASE_URL="https://credit.example.test",
    )
    procs = Processes(dict(env, REDIS_URL=redis.url), root)
    try:
        cli(env, "db", "upgrade")
        cli(env, "demo-signing-key")  # as `make run` does: every published PDF is signed
        cli(env, "demo", "--merchants", str(args.merchants))
        cli(env, "rescore")  # in-process: the workers start with nothing dirty
        client, app = officer_client(env, redis.url)
        procs.start()
        drill = Drill(url, root / "storage", client, procs, redis)
        started = time.monotonic()
        import_killed(drill, args.rows)
        render_killed(drill, DISTRICTS[0], every_attempt=False)
        render_killed(drill, DISTRICTS[1], every_attempt=True)
        redis_stopped_queued(drill, DISTRICTS[2])
        redis_stopped_mid_render(drill, DISTRICTS[3])
        rows = drill.sql("SELECT kind, status, count(*) FROM job_runs GROUP BY 1, 2 ORDER BY 1, 2")
        print("status rows: " + "; ".join(f"{k} {s} {n}" for k, s, n in rows))
        check(all(s in ("done", "failed") for _, s, _ in rows), "every status row ended")
        hidden = [p.name for p in drill.files() if p.name.startswith(".")]
        print(
            f"restarted after Redis came back: {procs.restarts or 'none'}; "
            f"hidden temporary files left: {len(hidden)}; drill {time.monotonic() - started:.0f} s"
        )
    finally:
        with suppress(Exception):
            procs.stop()
        redis.stop()
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)
    print("FAILED: " + "; ".join(FAILURES) if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


def officer_client(env: dict[str, str], redis_url: str) -> tuple[Any, Any]:
    """The app in this process on the drill's database and Redis, and a test client sending
    a city officer's bearer token."""
    from creditsvc import create_app
    from creditsvc.extensions import db
    from creditsvc.services.accounts import users

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "REDIS_URL": redis_url,
            "STORAGE_DIR": env["STORAGE_DIR"],
            "SECRET_KEY": env["SECRET_KEY"],
            "PERSONAL_DATA_KEY": env["PERSONAL_DATA_KEY"],
            "PUBLIC_BASE_URL": env["PUBLIC_BASE_URL"],
        }
    )
    with app.app_context():
        password = secrets.token_hex(12)
        user = users.create_user("drill", username="drill-city", password=password, role="city")
        _, token = users.issue_user_token("drill", user)
        db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client, app


if __name__ == "__main__":
    sys.exit(main())
