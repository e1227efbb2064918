"""Every job a person waits for ends `done` or `failed`, with a message the officer sees
(issue 17): a job that raises, a work horse killed mid-import, a worker killed with its
horse, a job no worker started in time, and a queue that is down when the job starts.

Workers are real `creditsvc worker` processes on the test's database and Redis
(tests/workers.py); the hooked ones kill or stall their work horse at the first commit of
the import's transaction, after its rows are written and before anything is kept.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq.job import Job
from sqlalchemy import func, select, update

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.imports import runner
from creditsvc.jobs import QUEUES, RUN_GRACE_SECONDS, QueueUnavailable
from creditsvc.jobs.imports import run_import
from creditsvc.jobs.rescore import SYSTEM, start_full_rescore
from creditsvc.jobs.runs import fail_abandoned_runs
from creditsvc.models import Complaint, JobRun, User
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal
from creditsvc.services import jobruns
from tests.workers import WORKER_TIMEOUT, creditsvc, run_worker, wait_for

TODAY = clock.today().isoformat()

# A worker whose work horse, at the first commit of a session (the import's rows are
# written, nothing is kept yet), dies by SIGKILL (as under the OOM killer) or, with
# STALL_MARKER, stalls so that the test can kill the worker with it. Once only: the marker
# file says it happened.
HOOKED_IMPORT = """
import os, sys, time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from creditsvc.command import main

@event.listens_for(Session, "before_commit")
def die_mid_import(session):
    marker = Path(os.environ.get("KILL_MARKER") or os.environ["STALL_MARKER"])
    if marker.exists():
        return
    marker.touch()
    if os.environ.get("KILL_MARKER"):
        os.kill(os.getpid(), 9)
    time.sleep(600)

sys.argv = ["creditsvc", *sys.argv[1:]]
main()
"""


def sheet(merchant, rows: int = 3) -> bytes:
    lines = ["统一社会信用代码,投诉渠道,受理日期,投诉内容,投诉人联系方式"]
    lines += [f"{merchant.uscc},12345,{TODAY},复称短少{i}两,李先生" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def upload(caller, body: bytes):
    return caller.post(
        "/api/v1/imports",
        data={"kind": "complaints", "file": (io.BytesIO(body), "sheet.csv")},
        content_type="multipart/form-data",
    )


def row(run_id: str) -> JobRun:
    db.session.expire_all()
    return db.session.get(JobRun, run_id)


def complaints() -> int:
    return db.session.scalar(select(func.count()).select_from(Complaint))


def hooked_worker(app, tmp_path: Path, **env: str):
    """The hooked `creditsvc worker --burst`, killed with its horse when the block ends."""
    return creditsvc(app, tmp_path, "worker", "--burst", hooked=HOOKED_IMPORT, **env)


def imports_again(app, tmp_path, officer, merchant, rows: int = 3) -> None:
    """The same upload, repeated, imports every row."""
    repeated = upload(officer, sheet(merchant, rows))
    assert repeated.status_code == 202, repeated.json
    run_worker(app, tmp_path)
    again = row(repeated.json["id"])
    assert (again.status, again.result["accepted"]) == ("done", rows), again.error
    assert complaints() == rows


def test_an_import_job_that_raises_ends_its_row_failed_and_raises(app, world):
    officer = world.district()
    user = db.session.scalar(select(User).where(User.username == officer.username))
    run_id = jobruns.create(Principal(role=user.role, user=user), "import:complaints").id
    user.active = False  # left before the job ran: the job cannot act for them
    db.session.commit()
    path = runner.upload_path(run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sheet(world.merchant()))
    db.session.commit()  # the job's status writes come from connections of their own

    with pytest.raises(PermissionError):
        run_import(run_id)
    failed = row(run_id)
    assert failed.status == "failed" and "no longer exists or is inactive" in failed.error
    assert failed.finished_at is not None and complaints() == 0


def test_on_a_worker_an_import_that_raises_fails_its_row(app, world, redis_url, tmp_path):
    merchant, officer = world.merchant(), world.district()
    app.config["REDIS_URL"] = redis_url
    queued = upload(officer, sheet(merchant))
    assert (queued.status_code, queued.json["status"]) == (202, "queued")
    db.session.execute(update(User).where(User.username == officer.username).values(active=False))
    db.session.commit()

    log = run_worker(app, tmp_path)
    failed = row(queued.json["id"])
    assert failed.status == "failed", log
    assert "no longer exists or is inactive" in failed.error and complaints() == 0


def test_a_work_horse_killed_mid_import_fails_the_row_and_the_upload_then_imports(
    app, world, redis_url, tmp_path
):
    merchant, officer = world.merchant(), world.district()
    app.config["REDIS_URL"] = redis_url
    queued = upload(officer, sheet(merchant))
    assert queued.status_code == 202

    with hooked_worker(app, tmp_path, KILL_MARKER=str(tmp_path / "killed")) as (proc, log):
        proc.wait(timeout=WORKER_TIMEOUT)
    assert (tmp_path / "killed").exists(), log.read_text()  # the horse died in the import
    failed = row(queued.json["id"])
    assert failed.status == "failed", log.read_text()
    assert "died (killed by signal 9)" in failed.error and "start it again" in failed.error
    assert complaints() == 0  # nothing of the killed import was kept

    imports_again(app, tmp_path, officer, merchant)


def test_a_worker_killed_with_its_horse_is_found_and_its_row_failed(
    app, world, redis_url, tmp_path
):
    merchant, officer = world.merchant(), world.district()
    app.config["REDIS_URL"] = redis_url
    queued = upload(officer, sheet(merchant))
    run_id = queued.json["id"]
    marker = tmp_path / "stalled"
    with hooked_worker(app, tmp_path, STALL_MARKER=str(marker)) as (proc, _):
        wait_for("the import to stall", marker.exists, proc=proc)
    # The worker and its horse were killed at once: no one is left to end the row.
    assert row(run_id).status == "running"

    # rq finds the job abandoned once its worker's heartbeat lapses: move the clock on.
    fail_abandoned_runs(now=utcnow() + timedelta(hours=1))
    failed = row(run_id)
    assert failed.status == "failed" and "died" in failed.error
    assert complaints() == 0

    imports_again(app, tmp_path, officer, merchant)


def test_a_job_no_worker_started_in_time_is_given_up_and_does_nothing_later(
    app, world, redis_url, tmp_path
):
    merchant, officer = world.merchant(), world.district()
    app.config["REDIS_URL"] = redis_url
    run_id = upload(officer, sheet(merchant)).json["id"]
    assert fail_abandoned_runs() == {"lost": 0, "ended": 0, "overdue": 0}  # still young

    later = utcnow() + timedelta(seconds=QUEUES["imports"].allowance + 1)
    assert fail_abandoned_runs(now=later)["overdue"] == 1
    given_up = row(run_id)
    assert given_up.status == "failed" and "within 30 minutes" in given_up.error

    # The job reaches a worker after all: it does not import behind the officer's back.
    run_worker(app, tmp_path)
    assert row(run_id).error == given_up.error and complaints() == 0
    job = Job.fetch(run_id, connection=Redis.from_url(redis_url))
    assert "has ended or is missing" in job.latest_result().exc_string

    imports_again(app, tmp_path, officer, merchant)


def test_a_job_lost_from_redis_is_given_up(app, world, redis_url):
    merchant, officer = world.merchant(), world.district()
    app.config["REDIS_URL"] = redis_url
    run_id = upload(officer, sheet(merchant)).json["id"]
    Redis.from_url(redis_url).flushdb()  # restarted without its data, or flushed

    soon = utcnow() + timedelta(seconds=RUN_GRACE_SECONDS + 1)
    assert fail_abandoned_runs(now=soon) == {"lost": 1, "ended": 0, "overdue": 0}
    lost = row(run_id)
    assert lost.status == "failed" and "lost from the queue" in lost.error


def test_with_the_queue_down_a_full_rescore_is_refused_and_its_row_failed(app, redis_down):
    app.config["REDIS_URL"] = redis_down
    with pytest.raises(QueueUnavailable):
        start_full_rescore(SYSTEM, actor="test")
    db.session.rollback()
    (run,) = db.session.scalars(select(JobRun))
    assert (run.kind, run.status) == ("rescore:full", "failed")
    assert "job queue is unavailable" in run.error
