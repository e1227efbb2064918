"""Faults, each made for real: Redis stopped while evidence arrives, a worker killed in the
middle of a rescore and while it stores a PDF, a disk that is full when a PDF is stored, and
an unreachable database.

Redis is a private `redis-server` on a free port, stopped and started by the test; workers are
`creditsvc worker` subprocesses (tests/workers.py); the full disk is a small tmpfs,
filled up. PostgreSQL restarted under load is a scripted drill, not a test (it would break
every other test sharing the server): benchmarks/drills/pg_restart.py.
"""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq.cron import CronScheduler
from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.config import PROJECT_ROOT
from creditsvc.extensions import db
from creditsvc.jobs import RUN_GRACE_SECONDS
from creditsvc.jobs.runs import fail_abandoned_runs
from creditsvc.jobs.scheduler import register_periodic
from creditsvc.models import CurrentScore, DirtyMerchant, JobRun, Notice, ScoreSnapshot
from creditsvc.models.base import utcnow
from tests.documents import pdf_of, read_pdf, stored_files
from tests.factories import PUBLISH, complain, draft, exposure_body, inspect, penalise
from tests.workers import (
    DISTRICTS,
    WORKER_TIMEOUT,
    assert_complete,
    job_env,
    kill_tree,
    run_worker,
    wait_until,
)

REDIS_SERVER = "/usr/bin/redis-server"
TODAY = clock.today()

# A worker whose work horse dies (SIGKILL, as under the OOM killer) the first time it has
# written a PDF's bytes to the temporary file and is about to make them durable and rename
# them into place: the window in which a crash could leave half a document.
KILLED_MID_WRITE = """
import os, sys
from pathlib import Path

from creditsvc.command import main
from creditsvc.services.publication import publishing

real_fsync = os.fsync

def fsync(fd):
    marker = Path(os.environ["KILL_MARKER"])
    if not marker.exists():
        marker.touch()
        os.kill(os.getpid(), 9)
    return real_fsync(fd)

publishing.os.fsync = fsync
sys.argv = ["creditsvc", *sys.argv[1:]]
main()
"""


# The same, at every attempt: rq's retries (QUEUES["render"]) all die too.
KILLED_AT_EVERY_WRITE = KILLED_MID_WRITE.replace("if not marker.exists():", "if True:")


# A worker whose work horse dies after the dirty merchants' snapshots are written and before
# they are committed, the first time only: the retry must then finish the job.
KILLED_MID_RESCORE = """
import os, sys
from pathlib import Path

from creditsvc.command import main
from creditsvc.services.standing import rescoring

original = rescoring.dirty

def dirty(**kwargs):
    counts = original(**kwargs)
    marker = Path(os.environ["KILL_MARKER"])
    if counts["merchants"] and not marker.exists():
        marker.touch()
        os.kill(os.getpid(), 9)
    return counts

rescoring.dirty = dirty
sys.argv = ["creditsvc", *sys.argv[1:]]
main()
"""


def run_killing_worker(app, tmp_path: Path, script: str) -> str:
    """Run the hooked `creditsvc worker --burst` to the end; return its log."""
    command = [sys.executable, "-c", script, "worker", "--burst"]
    db.session.commit()
    log = tmp_path / f"worker-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            command,
            cwd=PROJECT_ROOT,
            env=job_env(app, KILL_MARKER=str(tmp_path / "killed")),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        proc.wait(timeout=WORKER_TIMEOUT)
    finally:
        kill_tree(proc)
    assert (tmp_path / "killed").exists(), log.read_text()  # the horse really died
    return log.read_text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, which the test may stop and start again."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.workdir)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
        conn = Redis.from_url(self.url, socket_connect_timeout=0.2)
        wait_until("redis-server answering", lambda: _pings(conn), timeout=20)
        conn.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _pings(conn: Redis) -> bool:
    try:
        return bool(conn.ping())
    except OSError:
        return False
    except Exception:  # redis.ConnectionError and kin while it starts
        return False


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_redis_stopped_while_evidence_arrives_nothing_is_lost(app, world, private_redis, tmp_path):
    officer = world.city()
    merchants = [world.merchant(district=code) for code in DISTRICTS]
    app.config["REDIS_URL"] = private_redis.url
    private_redis.stop()

    started = time.monotonic()
    for merchant in merchants:
        inspect(world, merchant, ["REFUSE_RECHECK:major"], officer=officer)  # asserts the 201
    complain(officer, merchants[0], channel="12315", allegation="短斤少两")
    per_write = (time.monotonic() - started) / (len(merchants) + 1)
    assert per_write < 5  # a short connect timeout, then the answer: no hang

    health = world.client.get("/healthz")
    assert (health.status_code, health.json["queue"]) == (200, "down")
    ids = {m.id for m in merchants}
    assert set(db.session.scalars(select(DirtyMerchant.merchant_id))) == ids
    assert db.session.scalar(select(CurrentScore).limit(1)) is None

    private_redis.start()  # an empty Redis: the debounced job was never queued
    conn = Redis.from_url(private_redis.url)
    ticked = register_periodic(CronScheduler(connection=conn)).enqueue_jobs()
    assert [job.name for job in ticked] == ["sweep", "abandoned-runs"]
    db.session.commit()
    run_worker(app, tmp_path)

    db.session.expire_all()
    assert db.session.scalar(select(DirtyMerchant).limit(1)) is None
    assert_complete(sorted(ids))
    print(f"\nfault redis-stopped: {per_write * 1000:.0f} ms per evidence write while down")


def test_a_worker_killed_mid_rescore_commits_nothing_and_the_retry_rescores(
    app, world, redis_url, tmp_path
):
    from creditsvc.jobs import QUEUES, queue
    from creditsvc.jobs.rescore import rescore_dirty

    officer = world.city()
    merchants = [world.merchant(district=code) for code in DISTRICTS]
    app.config["REDIS_URL"] = redis_url
    for merchant in merchants:
        inspect(world, merchant, ["REFUSE_RECHECK:minor"], officer=officer)
    conn = Redis.from_url(redis_url)
    conn.flushdb()  # only the job below: the debounced one would run after the burst ends
    queue("rescore", conn).enqueue(rescore_dirty, **QUEUES["rescore"].job_options())

    log = run_killing_worker(app, tmp_path, KILLED_MID_RESCORE)
    db.session.expire_all()
    ids = sorted(m.id for m in merchants)
    snapshots = assert_complete(ids)  # every pointer names a whole snapshot
    counted = db.session.execute(
        select(ScoreSnapshot.merchant_id, func.count()).group_by(ScoreSnapshot.merchant_id)
    ).all()
    assert dict(counted) == dict.fromkeys(ids, 1), log  # the killed pass committed nothing
    assert len(snapshots) == len(ids)
    assert db.session.scalar(select(DirtyMerchant).limit(1)) is None


def approved_notice(world) -> int:
    penalise(
        world,
        world.merchant(name="断电摊"),
        "徐市监罚〔2026〕91号",
        TODAY - timedelta(days=1),
    )
    officer = world.district()
    notice = draft(officer, **exposure_body())
    assert officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve").status_code == 200
    return notice["id"]


def published_files(app) -> list[Path]:
    """Files a reader could be served: not the hidden temporary files of a write."""
    return [p for p in stored_files(app) if not p.name.startswith(".")]


def test_a_worker_killed_while_storing_a_pdf_shows_no_half_document_and_the_retry_publishes(
    app, world, redis_url, tmp_path
):
    notice_id = approved_notice(world)
    officer = world.district()
    app.config["REDIS_URL"] = redis_url
    queued = officer.post(f"/api/v1/notices/{notice_id}/publish", json=PUBLISH)
    assert queued.status_code == 202
    run_id = queued.json["render_job"]
    # The horse dies mid-write; the worker sees it, and rq's retry (QUEUES["render"]) runs
    # the job again in the same burst.
    log = run_killing_worker(app, tmp_path, KILLED_MID_WRITE)
    assert "terminated unexpectedly" in log or "SIGKILL" in log

    db.session.expire_all()
    shown = officer.get(f"/api/v1/notices/{notice_id}").json
    assert shown["status"] == "published", log
    assert db.session.get(JobRun, run_id).status == "done"
    (pdf,) = published_files(app)
    data = pdf_of(officer, shown["pdf_url"]).data
    assert pdf.read_bytes() == data
    assert hashlib.sha256(data).hexdigest() == shown["sha256"]
    assert read_pdf(data).pages  # a whole document that opens


def test_redis_stopped_mid_publish_every_row_ends_and_publishing_again_succeeds(
    app, world, private_redis, tmp_path
):
    notice_id = approved_notice(world)
    officer = world.district()
    app.config["REDIS_URL"] = private_redis.url
    publish = f"/api/v1/notices/{notice_id}/publish"
    assert (
        officer.post(publish, json=PUBLISH).status_code == 202
    )  # queued, and no worker took it yet

    private_redis.stop()
    refused = officer.post(publish, json=PUBLISH)
    assert (refused.status_code, refused.headers["Retry-After"]) == (503, "5")
    private_redis.start()  # empty: the queued render job went with the old one
    ended = fail_abandoned_runs(now=utcnow() + timedelta(seconds=RUN_GRACE_SECONDS + 1))
    assert ended == {"lost": 1, "ended": 0, "overdue": 0}

    db.session.expire_all()
    errors = sorted(run.error for run in db.session.scalars(select(JobRun)))
    assert [run.status for run in db.session.scalars(select(JobRun))] == ["failed", "failed"]
    assert "job queue is unavailable" in errors[0] and "lost from the queue" in errors[1]
    shown = officer.get(f"/api/v1/notices/{notice_id}").json
    assert (shown["status"], shown["serial"], shown["pdf_url"]) == ("approved", None, None)
    assert published_files(app) == []

    again = officer.post(publish, json=PUBLISH)
    assert again.status_code == 202
    run_worker(app, tmp_path)
    db.session.expire_all()
    assert db.session.get(JobRun, again.json["render_job"]).status == "done"
    assert officer.get(f"/api/v1/notices/{notice_id}").json["status"] == "published"
    assert len(published_files(app)) == 1


def test_a_render_whose_horse_dies_at_every_attempt_fails_its_row_and_publishes_later(
    app, world, redis_url, tmp_path
):
    notice_id = approved_notice(world)
    officer = world.district()
    app.config["REDIS_URL"] = redis_url
    run_id = officer.post(f"/api/v1/notices/{notice_id}/publish", json=PUBLISH).json["render_job"]

    log = run_killing_worker(app, tmp_path, KILLED_AT_EVERY_WRITE)
    assert log.count("terminated unexpectedly") == 3, log  # the job and its two retries
    db.session.expire_all()
    run = db.session.get(JobRun, run_id)
    assert run.status == "failed" and "killed by signal 9" in run.error, log
    shown = officer.get(f"/api/v1/notices/{notice_id}").json
    assert (shown["status"], shown["serial"], shown["pdf_url"]) == ("approved", None, None)
    assert published_files(app) == []

    again = officer.post(f"/api/v1/notices/{notice_id}/publish", json=PUBLISH).json["render_job"]
    run_worker(app, tmp_path)
    db.session.expire_all()
    assert db.session.get(JobRun, again).status == "done"
    assert officer.get(f"/api/v1/notices/{notice_id}").json["status"] == "published"
    assert len(published_files(app)) == 1


@contextmanager
def full_disk(where: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs mounted at `where` (room for a PDF once freed), filled to the last byte."""
    where.mkdir()
    mounted = subprocess.run(  # noqa: S603
        ["/usr/bin/mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        filler = where / "filler"
        handle = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(handle, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(handle)
        yield filler
    finally:
        subprocess.run(["/usr/bin/umount", "-l", str(where)], check=False)  # noqa: S603


def test_disk_full_while_storing_a_pdf_leaves_the_notice_unpublished_with_a_clear_error(
    app, world, tmp_path
):
    notice_id = approved_notice(world)
    officer = world.district()
    with full_disk(tmp_path / "full") as filler:
        app.config["STORAGE_DIR"] = str(filler.parent)
        response = officer.post(f"/api/v1/notices/{notice_id}/publish", json=PUBLISH)
        assert response.status_code == 503
        assert "No space left on device" in response.json["message"]
        assert "publish it again" in response.json["message"]
        shown = officer.get(f"/api/v1/notices/{notice_id}").json
        assert (shown["status"], shown["serial"], shown["pdf_url"]) == ("approved", None, None)
        assert "No space left on device" in shown["render_error"]
        assert sorted(p.name for p in filler.parent.rglob("*") if p.is_file()) == ["filler"]
        public = world.client.get("/api/public/v1/documents").json
        assert public["total"] == 0

        filler.unlink()  # space is freed: the same request now publishes
        retried = officer.post(f"/api/v1/notices/{notice_id}/publish", json=PUBLISH)
        assert retried.status_code == 200, retried.json
        assert retried.json["render_error"] is None
        db.session.expire_all()
        assert db.session.get(Notice, notice_id).status == "published"
        assert len(list(filler.parent.rglob("*.pdf"))) == 1


def test_an_unreachable_database_answers_a_quick_503_and_the_health_probe_says_so(tmp_path):
    from cryptography.fernet import Fernet

    from creditsvc import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x",
            "SECRET_KEY": "t",
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
            "STORAGE_DIR": str(tmp_path / "s"),
        }
    )
    client = app.test_client()
    started = time.monotonic()
    response = client.get("/api/public/v1/merchants?q=x")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["message"] == "the database is unavailable; try again shortly"
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["database"]) == (503, "down")
