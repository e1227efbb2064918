"""Status rows of jobs people wait for: created with the request, claimed when the job
starts, advanced by the job, and ended `done` or `failed` (creditsvc.jobs.runs).

Every write moves the row only as its lifecycle allows (models/job.py). Each is a
statement on a connection of its own, so progress is visible while the job's own
transaction is still open (PostgreSQL). SQLite allows one writer at a time and a reader
blocks it, so there no progress is written: the claim comes before the job's transaction
begins, and callers of `finish` and `fail` end theirs first.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update

from creditsvc.extensions import db
from creditsvc.models import JobRun, JobStatus
from creditsvc.models.base import utcnow
from creditsvc.principals import CITY, Principal
from creditsvc.services.reads import one


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


def _move(run_id: str, to: JobStatus, **values: Any) -> bool:
    """Write the row as `to` if its lifecycle allows the move from where it stands; return
    whether it did. A final row is never overwritten (issue 17): a late progress report
    cannot revive a failed run, nor a second failure hide the first one's message."""
    sources = JobRun.lifecycle.sources(to)
    statement = (
        update(JobRun)
        .where(JobRun.id == run_id, JobRun.status.in_(sources))
        .values(status=to, **values)
    )
    with db.engine.begin() as conn:
        return conn.execute(statement).rowcount > 0


def claim(run_id: str) -> bool:
    """The job starts: the row is running, unless it was already given up (failed or done)."""
    return _move(run_id, JobStatus.RUNNING)


def progress(run_id: str, stage: str, done: int, total: int) -> None:
    """Report progress while the job's transaction is open (not on SQLite: module doc)."""
    if db.engine.dialect.name == "sqlite":
        return
    _move(run_id, JobStatus.RUNNING, stage=stage, done=done, total=total)


def finish(run_id: str, result: dict[str, Any], total: int) -> None:
    _move(
        run_id,
        JobStatus.DONE,
        stage="done",
        done=total,
        total=total,
        error=None,
        result=result,
        finished_at=utcnow(),
    )


def fail(run_id: str, error: str, result: dict[str, Any] | None = None) -> bool:
    """Mark the run failed with the message the officer sees; False if it had already ended."""
    return _move(run_id, JobStatus.FAILED, error=error, result=result, finished_at=utcnow())


def advance(run_id: str, stage: str) -> None:
    """One more unit of work done (e.g. one district of a full rescore)."""
    _move(run_id, JobStatus.RUNNING, stage=stage, done=JobRun.done + 1)


def total_of(run_id: str) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(JobRun.total).where(JobRun.id == run_id)) or 0


def unfinished(created_before: datetime) -> list[tuple[str, str, datetime]]:
    """(id, kind, created_at) of the runs still queued or running that were created before
    `created_before`, oldest first; read on a connection of its own, so that the caller
    holds no transaction when it then writes their status (SQLite: module doc)."""
    stmt = (
        select(JobRun.id, JobRun.kind, JobRun.created_at)
        .where(
            JobRun.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
            JobRun.created_at < created_before,
        )
        .order_by(JobRun.created_at)
    )
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(stmt)]


# Reads ---------------------------------------------------------------------------


def as_left(run_id: str) -> JobRun | None:
    """The status row as the job left it: a job run inline wrote it on its own connection."""
    db.session.expire_all()
    return db.session.get(JobRun, run_id)


def of_kind(run_id: str, kind: str, what: str) -> JobRun:
    """The status row of a job of one kind, or NotFound."""
    return one(select(JobRun).where(JobRun.id == run_id, JobRun.kind == kind), what)


def recent_of_kind(kind: str, limit: int) -> list[JobRun]:
    """The status rows of one kind of job, newest first."""
    stmt = select(JobRun).where(JobRun.kind == kind).order_by(JobRun.created_at.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def _imports_of(p: Principal) -> Select:
    """The city officer sees every import; an officer their own."""
    stmt = select(JobRun).where(JobRun.kind.startswith("import:"))
    return stmt if p.role == CITY else stmt.where(JobRun.created_by == p.name)


def recent_imports(p: Principal, limit: int) -> list[JobRun]:
    """The imports `p` may see, newest first."""
    stmt = _imports_of(p).order_by(JobRun.created_at.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def import_run(p: Principal, run_id: str) -> JobRun:
    """One import `p` may see, or NotFound."""
    return one(_imports_of(p).where(JobRun.id == run_id), "import")
