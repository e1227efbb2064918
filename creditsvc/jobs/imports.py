"""The import job: thin, takes the status row's id."""

from __future__ import annotations

from creditsvc import jobs
from creditsvc.extensions import db
from creditsvc.imports import runner
from creditsvc.principals import Principal
from creditsvc.services import jobruns


def start_import(principal: Principal, kind: str, data: bytes) -> str:
    """Open the status row, store the upload and queue the job; returns the run's id.

    Commits the row first: a worker in another process must find it."""
    run = jobruns.create(principal, f"import:{kind}")
    db.session.commit()
    path = runner.upload_path(run.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    jobs.enqueue("imports", run_import, run.id)
    return run.id


def run_import(run_id: str) -> None:
    runner.run(run_id)
