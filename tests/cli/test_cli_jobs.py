"""The job commands: `creditsvc rescore [--all]`, `creditsvc worker`, `creditsvc scheduler`
(exactly one runs: a second one exits with status 1 while the first holds the lock)."""

from __future__ import annotations

import re
import signal
import subprocess
from datetime import UTC

from redis import Redis
from rq import Queue
from rq.cron import CronScheduler
from rq.registry import DeferredJobRegistry
from sqlalchemy import func, select

from creditsvc.config import PROJECT_ROOT
from creditsvc.extensions import db
from creditsvc.jobs import SCHEDULER_LOCK_KEY, SCHEDULER_LOCK_TTL
from creditsvc.models import CurrentScore, DirtyMerchant, District, JobRun, Merchant
from creditsvc.services.standing.outbox import mark_dirty
from tests.workers import CREDITSVC, creditsvc, job_env, wait_for


def run_cli(app, *args: str):
    db.session.commit()  # the command has a session of its own, which this one must not block
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.expire_all()
    return result


def test_rescore_rescores_the_dirty_merchants_and_prints_counts(app, world):
    merchants = [world.merchant(district=code) for code in ("310101", "310104")]
    mark_dirty([m.id for m in merchants], "test")
    db.session.commit()

    result = run_cli(app, "rescore")
    assert result.exit_code == 0, result.output
    assert result.output == "rescored 2 dirty merchants, 2 new snapshots\n"
    assert db.session.scalar(select(func.count()).select_from(DirtyMerchant)) == 0
    assert db.session.scalar(select(func.count()).select_from(CurrentScore)) == 2

    assert run_cli(app, "rescore").output == "rescored 0 dirty merchants, 0 new snapshots\n"


def test_rescore_all_with_the_queue_down_says_so(app, redis_down):
    app.config["REDIS_URL"] = redis_down
    result = run_cli(app, "rescore", "--all")
    assert result.exit_code == 1 and "job queue is unavailable" in result.output
    assert db.session.scalar(select(JobRun.status)) == "failed"


def test_rescore_all_without_redis_runs_in_process_and_prints_counts(app, world):
    world.merchant(district="310101")
    world.merchant(district="310151")

    result = run_cli(app, "rescore", "--all")
    assert result.exit_code == 0, result.output
    found = re.fullmatch(
        r"rescored 2 merchants in 16 districts, 2 new snapshots \(status row (\w+)\)\n",
        result.output,
    )
    assert found, result.output
    run = db.session.get(JobRun, found[1])
    assert (run.kind, run.status, run.done, run.total) == ("rescore:full", "done", 16, 16)
    assert run.created_by == "cli"


def test_rescore_all_with_redis_queues_one_job_per_district(app, world, redis_url):
    app.config["REDIS_URL"] = redis_url
    result = run_cli(app, "rescore", "--all")
    assert result.exit_code == 0, result.output
    found = re.fullmatch(
        r"full rescore queued: 16 district jobs, status row (\w+)\n", result.output
    )
    assert found, result.output
    run = db.session.get(JobRun, found[1])
    assert (run.status, run.done, run.total, run.created_by) == ("queued", 0, 16, "cli")

    # First the one count of the readings, alone on the queue.
    conn = Redis.from_url(redis_url)
    queue = Queue("rescore", connection=conn)
    (tally,) = queue.jobs
    assert tally.id == f"{run.id}-tally"

    # The tally job queues the sixteen district jobs itself, largest district first (rq
    # would release dependents in no fixed order), and the last job, keyed by the status
    # row's id, waits for all sixteen.
    tally.perform()
    queued = [job.id.removeprefix(f"{run.id}-") for job in queue.jobs if job.id != tally.id]
    assert sorted(queued) == district_codes()
    sizes = dict(
        db.session.execute(
            select(Merchant.district_code, func.count()).group_by(Merchant.district_code)
        ).all()
    )
    assert [sizes.get(code, 0) for code in queued] == sorted(sizes.get(c, 0) for c in queued)[::-1]
    assert DeferredJobRegistry("rescore", connection=conn).get_job_ids() == [run.id]


def district_codes() -> list[str]:
    return list(db.session.scalars(select(District.code).order_by(District.code)))


def test_worker_and_scheduler_need_redis(app):
    for command in ("worker", "scheduler"):
        result = run_cli(app, command)
        assert result.exit_code == 1
        assert "REDIS_URL is not set" in result.output


def test_worker_refuses_an_unknown_queue(app):
    result = run_cli(app, "worker", "--queues", "rescore,bogus")
    assert result.exit_code == 2
    assert "unknown queue bogus" in result.output


def test_only_one_scheduler_runs(app, redis_url, tmp_path):
    app.config["REDIS_URL"] = redis_url
    conn = Redis.from_url(redis_url)
    with creditsvc(app, tmp_path, "scheduler") as (first, log):
        holder = wait_for("the lock", lambda: conn.get(SCHEDULER_LOCK_KEY), proc=first)
        assert holder.decode().endswith(f":{first.pid}")
        assert 0 < conn.ttl(SCHEDULER_LOCK_KEY) <= SCHEDULER_LOCK_TTL

        second = subprocess.run(  # noqa: S603 (the project's own executable)
            [CREDITSVC, "scheduler"],
            cwd=PROJECT_ROOT,
            env=job_env(app),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1, second.stderr
        assert f"another scheduler ({holder.decode()}) holds" in second.stderr

        # The first one's first tick: the sweep is queued at once; the daily roll waits
        # for 02:30 in Shanghai, 18:30 UTC.
        def only_the_sweep_queued() -> bool:
            queued = Queue("rescore", connection=conn).jobs
            return [job.func_name for job in queued] == ["creditsvc.jobs.rescore.rescore_dirty"]

        wait_for("the sweep", only_the_sweep_queued, proc=first)
        (scheduler,) = CronScheduler.all(conn)
        declared = {job.name: job for job in scheduler.get_jobs()}
        assert declared["sweep"].interval == 60
        roll = declared["daily-roll"].next_enqueue_time.astimezone(UTC)
        assert (roll.hour, roll.minute) == (18, 30)

        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
    assert first.returncode == 0, log.read_text()
    assert conn.get(SCHEDULER_LOCK_KEY) is None  # released on the way out
