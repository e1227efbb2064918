"""Rescoring jobs: thin, take ids, commit once, log.

- `rescore_dirty` runs shortly after evidence arrives (debounced) and from the sweep;
- a full rescore (`start_full_rescore`) fans out one `rescore_district` job per district
  and ends with `finish_full_rescore`, which depends on them all; its status row (JobRun,
  kind "rescore:full", keyed by the finishing job's id) counts the districts done and
  shows the error of a job rq gave up on;
- the periodic sweep rescores any merchant still dirty (a lost job or a flushed Redis
  loses nothing: the outbox is in the database), and the daily roll moves decay on.

A district job commits once, so a worker killed in the middle of one leaves the previous
standing in place; rq counts the abandoned job as a failed attempt and runs it again.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from creditsvc.auth import CITY, Principal
from creditsvc.extensions import db
from creditsvc.jobs import enqueue, redis_connection
from creditsvc.models import District, JobRun, Merchant, ScoreSnapshot
from creditsvc.services import jobruns, rescoring

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
        db.session.commit()
        if not counts["merchants"]:
            break
        total = {k: total[k] + counts[k] for k in total}
    log.info("rescored dirty merchants: %s", total)
    return total


def rescore_district(code: str, run_id: str | None = None) -> dict:
    """Rescore one district's merchants in one transaction: one unit of a full rescore."""
    counts = rescoring.district(code, run_id=run_id)
    db.session.commit()
    if run_id:
        jobruns.advance(run_id, "districts")
    log.info("rescored district %s: %s", code, counts)
    return counts


def finish_full_rescore(run_id: str) -> dict:
    """Close the status row once every district's job has finished."""
    result = {
        "districts": jobruns.total_of(run_id),
        "merchants": db.session.scalar(select(func.count()).select_from(Merchant)),
        "snapshots": db.session.scalar(select(func.count()).where(ScoreSnapshot.run_id == run_id)),
    }
    db.session.commit()  # end the read before the status write (SQLite: services.jobruns)
    jobruns.finish(run_id, result, total=result["districts"])
    log.info("full rescore %s finished: %s", run_id, result)
    return result


def start_full_rescore(principal: Principal, actor: str | None = None) -> JobRun:
    """Rescore every merchant, one job per district, and return the status row.

    With Redis the jobs go on the rescore queue and this returns at once; without it the
    districts are rescored here, in order, and the row comes back finished. `actor`
    names a caller that is not a person ("cli", "scheduler").
    """
    codes = list(db.session.scalars(select(District.code).order_by(District.code)))
    run = jobruns.create(principal, FULL_RESCORE, total=len(codes))
    if actor:
        run.created_by = actor
    db.session.commit()
    if redis_connection() is None:
        _run_inline(run.id, codes)
    else:
        _fan_out(run.id, codes)
    db.session.refresh(run)
    return run


def daily_roll() -> str:
    """The nightly full rescore: decay depends on the date, so standings move every day."""
    return start_full_rescore(SYSTEM, actor="scheduler").id


def _run_inline(run_id: str, codes: list[str]) -> None:
    step = "finish"
    try:
        for code in codes:
            step = f"district {code}"
            rescore_district(code, run_id=run_id)
        step = "finish"
        finish_full_rescore(run_id)
    except Exception as exc:
        db.session.rollback()
        jobruns.fail(run_id, f"{step}: {_describe(type(exc), exc)}")
        raise


def _fan_out(run_id: str, codes: list[str]) -> None:
    from rq import Callback

    on_failure = Callback(record_failure)
    try:
        options = {"run_id": run_id, "on_failure": on_failure}
        districts = [
            enqueue("rescore", rescore_district, code, job_id=f"{run_id}-{code}", **options)
            for code in codes
        ]
        enqueue("rescore", finish_full_rescore, job_id=run_id, depends_on=districts, **options)
    except Exception as exc:  # Redis down: no job will ever finish the row
        jobruns.fail(run_id, f"enqueue: {_describe(type(exc), exc)}")
        raise


def record_failure(job: Any, connection: Any, exc_type: type, exc_value: Any, tb: Any) -> None:
    """rq's failure callback for a full rescore's jobs (a raise, a timeout, a dead worker).

    While rq will retry the job this only logs; once it gives up, the status row shows
    the error. The job's failure itself stays rq's to record.
    """
    run_id = job.kwargs["run_id"]
    step = f"district {job.args[0]}" if job.args else "finish"
    error = f"{step}: {_describe(exc_type, exc_value)}"
    if job.should_retry:
        log.warning("full rescore %s: %s; %s retries left", run_id, error, job.retries_left)
        return
    db.session.rollback()  # the failed job's transaction ends before the status write
    jobruns.fail(run_id, error)


def _describe(exc_type: type, exc_value: Any) -> str:
    detail = str(exc_value) if exc_value is not None else ""
    return f"{exc_type.__name__}: {detail}" if detail else exc_type.__name__
