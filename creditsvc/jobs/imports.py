"""The import job: thin, takes the status row's id."""

from __future__ import annotations

from itertools import islice

from flask import current_app

from creditsvc import jobs
from creditsvc.extensions import db
from creditsvc.imports import runner
from creditsvc.jobs import QueueUnavailable, runs
from creditsvc.principals import Principal
from creditsvc.services import jobruns
from creditsvc.services.errors import Invalid, TooLarge
from creditsvc.spreadsheets import XLSX_MAGIC, SheetError, check_zip, rows_of

RUN_A_WORKER = (
    "the file has more than {limit} rows, more than an import without a worker may take "
    "(it runs inside the web request); run a worker (rq: `creditsvc worker` with REDIS_URL "
    "set) for files that large, or split the file"
)


def refuse_unreadable(data: bytes) -> None:
    """Refuse, before any work, a file that cannot be imported here (a 4xx naming the file):
    an XLSX whose zip directory announces a bomb, and, when the import would run inside
    this request (no worker), a file that cannot be read or has too many rows for it."""
    try:
        if data.startswith(XLSX_MAGIC):
            check_zip(data, runner.zip_limits())
        if jobs.redis_connection() is not None:
            return  # a worker reads the file; its run says what is wrong with it
        limit = current_app.config["INLINE_IMPORT_MAX_ROWS"]
        # Reading stops one row past the limit: a huge file costs no more than a fitting one.
        rows = sum(1 for _ in islice(rows_of(data, runner.zip_limits()), limit + 2)) - 1
    except SheetError as exc:
        raise Invalid(str(exc), "file", location="files") from exc
    if rows > limit:
        raise TooLarge(RUN_A_WORKER.format(limit=limit), "file", location="files")


def start_import(principal: Principal, kind: str, data: bytes) -> str:
    """Open the status row, store the upload and queue the job; returns the run's id.

    Commits the row first: a worker in another process must find it. If the queue does not
    take the job, the row ends failed, the upload is removed and the error is raised."""
    refuse_unreadable(data)
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
