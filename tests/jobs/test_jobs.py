"""Background jobs on a real rq worker and the machine's Redis: the debounced rescore after
evidence, the full rescore's fan-out and its recovery from a killed worker, the sweep
after a flushed Redis, and the same jobs in-process when there is no Redis.

Workers are `creditsvc worker` subprocesses on the test's database, each bounded by a
timeout and killed, with its work horse, if still alive when the test ends.
"""

from __future__ import annotations

import copy
import signal
import time

import pytest
from redis import Redis
from rq.cron import CronScheduler
from rq.job import Job, JobStatus
from rq.registry import (
    DeferredJobRegistry,
    FailedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)
from sqlalchemy import func, select

from creditsvc.extensions import db
from creditsvc.jobs import SCHEDULER_LOCK_KEY
from creditsvc.jobs.rescore import SYSTEM, finish_full_rescore, start_full_rescore
from creditsvc.jobs.scheduler import SchedulerLocked, SingleCronScheduler, register_periodic
from creditsvc.models import CurrentScore, DirtyMerchant, JobRun, Merchant
from creditsvc.services.standing import policies, rescoring
from scoring.policy import DEFAULT_POLICY
from tests.factories import inspect
from tests.workers import (
    DISTRICTS,
    assert_complete,
    creditsvc,
    kill_tree,
    run_worker,
    standings,
    wait_for,
)

SLOW = "310104"  # a district with merchants, where the test worker stalls


def city_with_evidence(world, per_district: int = 3) -> list[int]:
    """Merchants in DISTRICTS, each with a finding, scored in-process; returns their ids."""
    officer = world.city()
    ids = []
    for code in DISTRICTS:
        for n in range(per_district):
            merchant = world.merchant(district=code)
            severities = ["minor", "major"][: n % 2 + 1]
            inspect(world, merchant, [f"REFUSE_RECHECK:{s}" for s in severities], officer=officer)
            ids.append(merchant.id)
    return ids


def adopt_policy_v3() -> None:
    """A new policy version, under which every merchant gets a new snapshot."""
    document = copy.deepcopy(DEFAULT_POLICY)
    document["version"] = 3
    document["deductions"]["finding"]["minor"] = 6
    policies.create(SYSTEM, document, "test: a minor finding costs 6")
    db.session.commit()


def run_row(run_id: str) -> JobRun:
    db.session.expire_all()
    return db.session.get(JobRun, run_id)


def test_evidence_posted_with_redis_is_rescored_by_a_worker(app, world, redis_url, tmp_path):
    merchant, officer = world.merchant(), world.district()
    inspect(world, merchant, officer=officer)  # no Redis yet: rescored in-process
    score_of = select(CurrentScore.score).where(CurrentScore.merchant_id == merchant.id)
    before = db.session.scalar(score_of)

    app.config["REDIS_URL"] = redis_url
    inspect(world, merchant, ["REFUSE_RECHECK:major"], officer=officer)
    assert db.session.scalar(score_of) == before  # the request only queued the rescore
    assert db.session.get(DirtyMerchant, merchant.id) is not None
    assert ScheduledJobRegistry("rescore", connection=Redis.from_url(redis_url)).count == 1
    db.session.commit()

    # A worker as deployed (not burst): rq's scheduler in it enqueues the delayed job.
    with creditsvc(app, tmp_path, "worker") as (proc, log):
        after = wait_for("rescore", lambda: db.session.scalar(score_of) != before, proc=proc)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert after and proc.returncode == 0, log.read_text()
    assert db.session.scalar(score_of) < before
    assert db.session.get(DirtyMerchant, merchant.id) is None


def test_a_worker_killed_mid_full_rescore_leaves_whole_standings_and_the_retry_finishes(
    app, world, redis_url, tmp_path
):
    ids = city_with_evidence(world)
    assert set(standings()) == set(ids)  # scored in-process, under policy 2
    district_of = dict(db.session.execute(select(Merchant.id, Merchant.district_code)).all())
    adopt_policy_v3()
    app.config["REDIS_URL"] = redis_url
    run = start_full_rescore(SYSTEM, actor="test")
    run_id = run.id
    marker = tmp_path / "slow-district-reached"

    slow = {"SLOW_DISTRICT": SLOW, "SLOW_MARKER": str(marker)}
    with creditsvc(app, tmp_path, "worker", "--burst", hooked=True, **slow) as (proc, _):
        wait_for("the slow district", marker.exists, proc=proc)
        kill_tree(proc)

    # Districts finished before it stand (rq starts a run's district jobs in no fixed
    # order once the tally is done); the killed one's commit never happened.
    row = run_row(run_id)
    assert (row.status, row.total, row.error) == ("running", 16, None)
    assert row.done < 16
    snapshots = assert_complete(ids)
    rescored = {m for m, s in snapshots.items() if s.run_id == run_id}
    assert {s.policy_version for m, s in snapshots.items() if m in rescored} <= {3}
    assert {s.policy_version for m, s in snapshots.items() if m not in rescored} == {2}
    assert {m for m in ids if district_of[m] == SLOW}.isdisjoint(rescored)

    # rq finds the job abandoned once its heartbeat lapses (about 90 s): move the clock
    # on instead of waiting. The failure callback sees a retry left and only logs.
    conn = Redis.from_url(redis_url)
    started = StartedJobRegistry("rescore", connection=conn)
    assert started.get_job_ids(cleanup=False) == [f"{run_id}-{SLOW}"]
    started.cleanup(timestamp=time.time() + 3600)
    assert run_row(run_id).status == "running"

    run_worker(app, tmp_path)
    row = run_row(run_id)
    assert (row.status, row.done, row.total, row.error) == ("done", 16, 16, None)
    assert row.result == {"districts": 16, "merchants": len(ids), "snapshots": len(ids)}
    snapshots = assert_complete(ids)
    assert {(s.run_id, s.policy_version) for s in snapshots.values()} == {(run_id, 3)}
    retried = Job.fetch(f"{run_id}-{SLOW}", connection=conn)
    assert (retried.get_status(), retried.retries_left) == (JobStatus.FINISHED, 2)
    assert Job.fetch(run_id, connection=conn).get_status() == JobStatus.FINISHED


@pytest.mark.parametrize(
    ("hook", "error"),
    [
        ("FAIL_DISTRICT", f"RuntimeError: test failure in {SLOW}"),
        ("KILL_DISTRICT", "AbandonedJobError: work horse died (killed by signal 9)"),
    ],
)
def test_a_district_that_keeps_failing_fails_the_status_row(
    app, world, redis_url, tmp_path, hook, error
):
    world.merchant(district=SLOW)
    app.config["REDIS_URL"] = redis_url
    run_id = start_full_rescore(SYSTEM, actor="test").id

    run_worker(app, tmp_path, hooked=True, **{hook: SLOW})
    row = run_row(run_id)
    assert (row.status, row.done, row.error) == ("failed", 15, f"district {SLOW}: {error}")
    conn = Redis.from_url(redis_url)
    failed = Job.fetch(f"{run_id}-{SLOW}", connection=conn)
    assert (failed.get_status(), failed.retries_left) == (JobStatus.FAILED, 0)
    assert FailedJobRegistry("rescore", connection=conn).get_job_ids() == [failed.id]
    assert DeferredJobRegistry("rescore", connection=conn).get_job_ids() == [run_id]


def test_a_flushed_redis_loses_nothing_the_sweep_catches_up(app, world, redis_url, tmp_path):
    app.config["REDIS_URL"] = redis_url
    officer = world.city()
    merchants = [world.merchant(district=code) for code in DISTRICTS]
    for merchant in merchants:
        inspect(world, merchant, ["REFUSE_RECHECK:minor"], officer=officer)
    ids = [merchant.id for merchant in merchants]
    assert db.session.scalar(select(func.count()).select_from(DirtyMerchant)) == len(ids)
    assert db.session.scalar(select(func.count()).select_from(CurrentScore)) == 0

    conn = Redis.from_url(redis_url)
    assert ScheduledJobRegistry("rescore", connection=conn).count == 1  # debounced: one job
    conn.flushdb()
    # One scheduler tick: the sweep and the search for abandoned runs are due at once, the
    # daily roll at night.
    ticked = register_periodic(CronScheduler(connection=conn)).enqueue_jobs()
    assert [job.name for job in ticked] == ["sweep", "abandoned-runs"]
    db.session.commit()

    run_worker(app, tmp_path)
    assert db.session.scalar(select(func.count()).select_from(DirtyMerchant)) == 0
    assert_complete(ids)


def test_without_redis_a_full_rescore_runs_in_process(app, world):
    officer = world.district()
    scored = world.merchant()
    inspect(world, scored, ["REFUSE_RECHECK:minor"], officer=officer)
    never_scored = world.merchant(district="310151")

    run = start_full_rescore(SYSTEM)
    assert (run.kind, run.status, run.total, run.done, run.error) == (
        "rescore:full",
        "done",
        16,
        16,
        None,
    )
    assert run.result == {"districts": 16, "merchants": 2, "snapshots": 1}
    unrated = db.session.get(CurrentScore, never_scored.id)
    assert (unrated.rated, unrated.score) == (False, None)
    assert_complete([scored.id])

    # Finishing without the districts' results (rq lets them expire): counted instead.
    assert finish_full_rescore(run.id)["snapshots"] == 1


def test_without_redis_a_failing_district_raises_and_fails_the_row(app, world, monkeypatch):
    original = rescoring.district

    def district(code, **kwargs):
        if code == SLOW:
            raise RuntimeError("database went away")
        return original(code, **kwargs)

    monkeypatch.setattr(rescoring, "district", district)
    with pytest.raises(RuntimeError, match="database went away"):
        start_full_rescore(SYSTEM)
    (row,) = db.session.scalars(select(JobRun))
    assert (row.status, row.done) == ("failed", 1)
    assert row.error == f"district {SLOW}: RuntimeError: database went away"


def test_the_scheduler_keeps_its_lock_and_steps_down_when_another_took_it(redis_url):
    conn = Redis.from_url(redis_url)
    lock = conn.lock(SCHEDULER_LOCK_KEY, timeout=30, thread_local=False)
    assert lock.acquire(blocking=False, token="host:1")
    scheduler = SingleCronScheduler(conn, lock, "host:1")

    scheduler.keep_lock()
    conn.flushdb()  # the lock is gone with everything else: taken again
    scheduler.keep_lock()
    assert conn.get(SCHEDULER_LOCK_KEY) == b"host:1"

    conn.set(SCHEDULER_LOCK_KEY, "other:2")
    with pytest.raises(SchedulerLocked, match=r"other:2"):
        scheduler.keep_lock()
