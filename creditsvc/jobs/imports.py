"""The import job: thin, takes the status row's id."""

from __future__ import annotations

from creditsvc.extensions import db
from creditsvc.imports import runner
from creditsvc.jobs import QueueUnavailable, runs
from creditsvc.principals import Principal
from creditsvc.services import jobruns


def start_import(principal: Principal, kind: str, data: bytes) -> str:
    """Open the status row, store the upload and queue the job; returns the run's id.

    Commits the row first: a worker in another process must find it. If the queue does not
    take the job, the row ends failed, the upload is removed and the error is raised."""
    run_id = jobruns.create(principal, f"import:{kind}").id
    db.session.commit()  # reading the row after this would hold SQLite against the claim
    path = runner.upload_path(run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        runs.start(run_id, "imports", run_import, run_id)
    except QueueUnavailable:
        path.unlink(missing_ok=True)
        raise
    return run_id


def run_import(run_id: str) -> None:
    """All rows or none; whatever goes wrong, the status row ends failed and says why."""
    runs.claim(run_id)
    try:
        runner.run(run_id)
    except Exception as exc:
        db.session.rollback()  # nothing of the sheet is kept; the status write comes after
        runs.failed(run_id, runs.describe(type(exc), exc))
        raise
