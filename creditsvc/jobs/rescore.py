"""Rescoring jobs: thin, take ids, commit once, log.

- `rescore_dirty` runs shortly after evidence arrives (debounced) and from the sweep;
- a full rescore (`start_full_rescore`) first counts every merchant's re-weighs in one
  pass (`tally_readings`), then fans out one `rescore_district` job per district that
  depends on it, and ends with `finish_full_rescore`, which depends on them all; the
  whole run scores one date with one policy version; its status row (JobRun,
  kind "rescore:full", keyed by the finishing job's id) counts the districts done and
  shows the error of a job rq gave up on;
- the periodic sweep rescores any merchant still dirty (a lost job or a flushed Redis
  loses nothing: the outbox is in the database), and the daily roll moves decay on.

A district job commits once, so a worker killed in the middle of one leaves the previous
standing in place; rq counts the abandoned job as a failed attempt and runs it again.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from creditsvc import bulk, unit_of_work
from creditsvc.extensions import db
from creditsvc.jobs import (
    DEBOUNCE_KEY,
    DEBOUNCE_SECONDS,
    QUEUES,
    enqueue,
    queue,
    redis_connection,
    require_queue,
    runs,
)
from creditsvc.models import (
    CurrentScore,
    District,
    JobRun,
    Merchant,
    ScoreSnapshot,
    ScoringPolicy,
)
from creditsvc.principals import CITY, Principal
from creditsvc.services import jobruns
from creditsvc.services.standing import policies, rescoring, tallies

log = logging.getLogger(__name__)

FULL_RESCORE = "rescore:full"
# Who starts a full rescore when no person does (the CLI, the scheduler's daily roll);
# their status rows are created by the actor's name.
SYSTEM = Principal(role=CITY)


def rescore_dirty() -> dict:
    """Rescore dirty merchants until none are left; one transaction per pass."""
    total = {"merchants": 0, "snapshots": 0}
    while True:
        counts = rescoring.dirty()
        unit_of_work.commit()  # then the public records it changed are rebuilt
        if not counts["merchants"]:
            break
        total = {k: total[k] + counts[k] for k in total}
    log.info("rescored dirty merchants: %s", total)
    return total


def tally_readings(run_id: str, as_of: date, policy_version: int) -> dict:
    """Count every merchant's re-weighs once for the run's district jobs."""
    policy = policies.version(policy_version)
    if policy is None:
        raise LookupError(f"scoring policy version {policy_version} does not exist")
    counted = tallies.count(run_id, as_of, policy)
    db.session.commit()
    log.info("full rescore %s: re-weighs of %d merchants counted", run_id, counted)
    return {"merchants": counted}


def rescore_district(
    code: str,
    run_id: str | None = None,
    as_of: date | None = None,
    policy_version: int | None = None,
) -> dict:
    """Rescore one district's merchants in one transaction: one unit of a full rescore.

    Within a full rescore (`run_id`) it reads the re-weighs the run tallied."""
    counts = rescoring.district(
        code,
        run_id=run_id,
        as_of=as_of,
        policy_version=policy_version,
        tallied=run_id is not None,
    )
    unit_of_work.commit()  # then the district's public records are rebuilt
    if run_id:
        jobruns.advance(run_id, "districts")
    log.info("rescored district %s: %s", code, counts)
    return counts


def finish_full_rescore(run_id: str, written: int | None = None) -> dict:
    """Close the status row once every district's job has finished. `written` is the
    number of snapshots they wrote; on rq it is read from their results."""
    if written is None:
        written = _written_by_districts(run_id)
    result = {
        "districts": jobruns.total_of(run_id),
        "merchants": db.session.scalar(select(func.count()).select_from(Merchant)),
        "snapshots": written,
    }
    tallies.discard(run_id)
    # A full rescore rewrites the standings the public lists filter on.
    bulk.analyze(db.session, CurrentScore.__table__)
    db.session.commit()  # end the transaction before the status write (SQLite: services.jobruns)
    jobruns.finish(run_id, result, total=result["districts"])
    log.info("full rescore %s finished: %s", run_id, result)
    return result


def _written_by_districts(run_id: str) -> int:
    """The snapshots the district jobs this one depends on wrote, from their results.

    Counting the run's snapshots in the table reads the whole history, which grows every
    night; it is done only when rq no longer holds a district's result (RESULT_TTL past,
    say after a long outage of the workers)."""
    from rq import get_current_job

    job = get_current_job()
    results = [district.return_value() for district in job.fetch_dependencies()] if job else []
    if results and all(isinstance(result, dict) for result in results):
        return sum(result["snapshots"] for result in results)
    log.warning("full rescore %s: district results gone, counting its snapshots", run_id)
    return db.session.scalar(select(func.count()).where(ScoreSnapshot.run_id == run_id))


def start_full_rescore(principal: Principal, actor: str | None = None) -> JobRun:
    """Rescore every merchant, one job per district, and return the status row.

    With Redis the jobs go on the rescore queue and this returns at once; without it the
    districts are rescored here, in order, and the row comes back finished. `actor`
    names a caller that is not a person ("cli", "scheduler").
    """
    # Largest district first (see tally_then_districts): the workers then finish
    # together instead of one of them scoring Pudong alone at the end.
    codes = list(
        db.session.scalars(
            select(District.code)
            .outerjoin(Merchant, Merchant.district_code == District.code)
            .group_by(District.code)
            .order_by(func.count(Merchant.id).desc(), District.code)
        )
    )
    scope = {"as_of": rescoring.today(), "policy_version": policies.current().version}
    run = jobruns.create(principal, FULL_RESCORE, total=len(codes))
    if actor:
        run.created_by = actor
    run_id = run.id
    db.session.commit()  # reading the row after this would hold SQLite against its writes
    if redis_connection() is None:
        _run_inline(run_id, codes, scope)
    else:
        _fan_out(run_id, codes, scope)
    db.session.refresh(run)
    return run


def rescore_under_new_policy(principal: Principal, version: int) -> None:
    """After a policy version is adopted: rescore everyone under it. A failure to start
    is logged, not raised: the policy stands, and the daily roll rescores under it."""
    try:
        start_full_rescore(principal)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("full rescore after policy %s not started", version)


def adopt_policy(principal: Principal, document: dict, note: str) -> ScoringPolicy:
    """Adopt a policy version (the API's verb and the console's form): stored only if the
    full rescore that must follow can start (issue 17), and started once it is committed."""
    row = policies.create(principal, document, note)
    require_queue()  # a policy no rescore can follow is not adopted
    version = row.version
    unit_of_work.after_commit(lambda: rescore_under_new_policy(principal, version))
    return row


def recent_full_rescores(limit: int) -> list[JobRun]:
    """The latest full rescores' status rows, newest first (the policy page shows them)."""
    return jobruns.recent_of_kind(FULL_RESCORE, limit)


def daily_roll() -> str:
    """The nightly full rescore: decay depends on the date, so standings move every day."""
    return start_full_rescore(SYSTEM, actor="scheduler").id


def _run_inline(run_id: str, codes: list[str], scope: dict) -> None:
    step, written = "tally", 0
    try:
        tally_readings(run_id, **scope)
        for code in codes:
            step = f"district {code}"
            written += rescore_district(code, run_id=run_id, **scope)["snapshots"]
        step = "finish"
        finish_full_rescore(run_id, written)
    except Exception as exc:
        db.session.rollback()
        _give_up(run_id, f"{step}: {_describe(type(exc), exc)}")
        raise


def _fan_out(run_id: str, codes: list[str], scope: dict) -> None:
    from rq import Callback

    try:
        enqueue(
            "rescore",
            tally_then_districts,
            job_id=runs.tally_job_id(run_id),
            run_id=run_id,
            codes=codes,
            on_failure=Callback(record_failure),
            **scope,
        )
    except Exception as exc:  # Redis down (QueueUnavailable): no job will ever end the row
        jobruns.fail(run_id, runs.describe(type(exc), exc))
        raise


def tally_then_districts(run_id: str, codes: list[str], as_of: date, policy_version: int) -> dict:
    """On rq, the run's first job: count the readings, then queue one job per district in
    the order given (largest first), and the finish, which depends on them all.

    The districts are queued here rather than made to depend on this job because rq
    releases a job's dependents in no particular order: Pudong, a quarter of the city,
    would often start last and run alone at the end.
    """
    from rq import Callback

    counted = tally_readings(run_id, as_of, policy_version)
    options = {"run_id": run_id, "on_failure": Callback(record_failure)}
    scope = {"as_of": as_of, "policy_version": policy_version}
    districts = [
        enqueue("rescore", rescore_district, code, job_id=f"{run_id}-{code}", **options, **scope)
        for code in codes
    ]
    enqueue("rescore", finish_full_rescore, job_id=run_id, depends_on=districts, **options)
    return counted


def record_failure(job: Any, connection: Any, exc_type: type, exc_value: Any, tb: Any) -> None:
    """rq's failure callback for a full rescore's jobs (a raise, a timeout, a dead worker).

    While rq will retry the job this only logs; once it gives up, the status row shows
    the error. The job's failure itself stays rq's to record.
    """
    run_id = job.kwargs["run_id"]
    step = f"district {job.args[0]}" if job.args else job.func_name.rsplit(".", 1)[-1]
    error = f"{step}: {_describe(exc_type, exc_value)}"
    if job.should_retry:
        log.warning("full rescore %s: %s; %s retries left", run_id, error, job.retries_left)
        return
    db.session.rollback()  # the failed job's transaction ends before the status write
    _give_up(run_id, error)


def _give_up(run_id: str, error: str) -> None:
    """A run that will not finish: its tallies go, its status row shows why."""
    tallies.discard(run_id)
    db.session.commit()
    jobruns.fail(run_id, error)


def _describe(exc_type: type, exc_value: Any) -> str:
    detail = str(exc_value) if exc_value is not None else ""
    return f"{exc_type.__name__}: {detail}" if detail else exc_type.__name__


def rescore_soon() -> None:
    """Rescore soon after evidence is committed: in-process without Redis, else one
    debounced job (a burst of posts within a few seconds makes one rescore)."""
    conn = redis_connection()
    if conn is None:
        rescore_dirty()
        return
    try:
        # rq's scheduler (every `creditsvc worker` runs one) enqueues the job when due.
        if conn.set(DEBOUNCE_KEY, 1, nx=True, ex=DEBOUNCE_SECONDS):
            queue("rescore", conn).enqueue_in(
                timedelta(seconds=DEBOUNCE_SECONDS),
                rescore_dirty,
                **QUEUES["rescore"].job_options(),
            )
    except Exception:  # Redis down: the outbox row is committed; the sweep catches up
        current_app.logger.warning("queue unreachable; dirty merchants wait for the sweep")
