"""Status rows of jobs people wait for: created with the request, advanced by the job.

Progress is written on a connection of its own, so it is visible while the job's
own transaction is still open (PostgreSQL). SQLite allows one writer at a time and
a reader blocks it, so there only the final state is written, after the job's own
transaction has ended: callers of `finish` and `fail` end theirs first.
"""

from __future__ import annotations

import uuid
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


# Reads ---------------------------------------------------------------------------


def as_left(run_id: str) -> JobRun | None:
    """The status row as the job left it: a job run inline wrote it on its own connection."""
    db.session.expire_all()
    return db.session.get(JobRun, run_id)


def of_kind(run_id: str, kind: str, what: str) -> JobRun:
    """The status row of a job of one kind, or NotFound."""
    return one(select(JobRun).where(JobRun.id == run_id, JobRun.kind == kind), what)


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
