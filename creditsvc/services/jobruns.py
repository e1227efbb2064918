"""Status rows of jobs people wait for: created with the request, advanced by the job.

Progress is written on a connection of its own, so it is visible while the job's
own transaction is still open (PostgreSQL). SQLite allows one writer at a time and
a reader blocks it, so there only the final state is written, after the job's own
transaction has ended: callers of `finish` and `fail` end theirs first.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update

from creditsvc.extensions import db
from creditsvc.models import JobRun, JobStatus
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal


def create(p: Principal, kind: str, total: int = 0) -> JobRun:
    run = JobRun(
        id=uuid.uuid4().hex,
        kind=kind,
        status=JobStatus.QUEUED,
        total=total,
        created_by=p.name,
        user_id=p.user.id if p.user else None,
        district_code=p.district_code,
    )
    db.session.add(run)
    return run


def _write(run_id: str, **values: Any) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(JobRun).where(JobRun.id == run_id).values(**values))


def progress(run_id: str, stage: str, done: int, total: int) -> None:
    """Report progress while the job's transaction is open (not on SQLite: module doc)."""
    if db.engine.dialect.name == "sqlite":
        return
    _write(run_id, status=JobStatus.RUNNING, stage=stage, done=done, total=total)


def finish(run_id: str, result: dict[str, Any], total: int) -> None:
    _write(
        run_id,
        status=JobStatus.DONE,
        stage="done",
        done=total,
        total=total,
        result=result,
        finished_at=utcnow(),
    )


def fail(run_id: str, error: str, result: dict[str, Any] | None = None) -> None:
    _write(run_id, status=JobStatus.FAILED, error=error, result=result, finished_at=utcnow())


def advance(run_id: str, stage: str) -> None:
    """One more unit of work done (e.g. one district of a full rescore)."""
    _write(run_id, status=JobStatus.RUNNING, stage=stage, done=JobRun.done + 1)


def total_of(run_id: str) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(JobRun.total).where(JobRun.id == run_id)) or 0
