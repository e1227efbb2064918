"""Jobs a person waits for (STYLE.md 4): each has a status row (JobRun) whose id is its rq
job's id, and every row ends `done` or `failed` with a message the officer sees (issue 17).

- Starting: the row is committed first (the job reads it), then the job is queued; if the
  queue does not take it, the row is failed there and then, and the error raised
  (QueueUnavailable, a 503).
- Working: the job claims its row before anything else and refuses a row that has already
  ended, so a job that reaches a worker after its row was given up (and the officer may
  have started the same import again) does nothing twice. The job's own failure ends the
  row, unless rq will run the job again.
- Dying: a killed work horse, a timeout, a job rq finds abandoned: rq runs `on_failure`
  (CreditWorker runs it for a killed horse), which ends the row once rq gives up.
- Lost: `fail_abandoned_runs`, every minute from the scheduler, ends the rows whose job
  Redis no longer holds (restarted or flushed), whose job ended in rq without the row
  hearing of it, or that no worker has finished within their queue's allowance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from creditsvc import jobs
from creditsvc.extensions import db
from creditsvc.models.base import utcnow
from creditsvc.services import jobruns
from creditsvc.services.errors import Conflict, DomainError

log = logging.getLogger(__name__)

LOST = "the job was lost from the queue (Redis restarted or was flushed); start it again"
ENDED_IN_QUEUE = "the job ended in the queue as {status} without finishing; start it again"
OVERDUE = "no worker finished the job within {minutes} minutes; start it again"
WORKER_DIED = "the job stopped: {detail}; nothing of it was kept: start it again"
DETAIL_MAX = 500


class RunEnded(Conflict):
    """The job's status row has already ended (given up, or done): the job does not run."""


def describe(exc_type: type[BaseException], exc: BaseException | None) -> str:
    """The failure as the officer reads it on the status row: a refusal's own message, or
    the error's kind and first line (a database error's statement and parameters stay in
    the log, which rq writes with the traceback)."""
    from rq.exceptions import AbandonedJobError

    if isinstance(exc, DomainError):
        return exc.message
    detail = str(exc).strip().splitlines()[0][:DETAIL_MAX] if exc is not None and str(exc) else ""
    if issubclass(exc_type, AbandonedJobError):
        return WORKER_DIED.format(detail=detail or "the worker running it died")
    return f"{exc_type.__name__}: {detail}" if detail else exc_type.__name__


def tally_job_id(run_id: str) -> str:
    """The rq id of a full rescore's first job (jobs.rescore); its last job has the run's id."""
    return f"{run_id}-tally"


def start(run_id: str, queue_name: str, func: Callable[..., Any], *args: Any) -> None:
    """Queue `func(*args)` as the job of the committed status row `run_id`, or run it here
    when there is no Redis (its failure is then raised here). If the job cannot be queued,
    the row ends failed before the error is raised."""
    from rq import Callback

    if jobs.redis_connection() is None:
        func(*args)
        return
    try:
        jobs.enqueue(queue_name, func, *args, job_id=run_id, on_failure=Callback(on_failure))
    except Exception as exc:  # nothing was queued: no job will ever end this row
        jobruns.fail(run_id, describe(type(exc), exc))
        raise


def claim(run_id: str) -> None:
    """The job starts on its row; RunEnded if the row has already ended (or is missing)."""
    if not jobruns.claim(run_id):
        raise RunEnded(f"the status row {run_id} has ended or is missing; its job does not run")


def failed(run_id: str, message: str) -> None:
    """The job's own failure, before it raises: the row ends failed, unless rq will run the
    job again (the retry claims the row and ends it)."""
    from rq import get_current_job

    job = get_current_job()
    if job is not None and job.should_retry:
        log.warning("job %s failed, %s retries left: %s", run_id, job.retries_left, message)
        return
    jobruns.fail(run_id, message)


def on_failure(job: Any, connection: Any, exc_type: type, exc_value: Any, tb: Any) -> None:
    """rq's failure callback for a job a person waits for (a raise, a timeout, a killed work
    horse, an abandoned job): while rq will run the job again it only logs; then the row
    ends failed, unless the job ended it itself."""
    error = describe(exc_type, exc_value)
    if job.should_retry:
        log.warning("job %s: %s; %s retries left", job.id, error, job.retries_left)
        return
    db.session.rollback()  # the failed job's transaction ends before the status write
    if jobruns.fail(job.id, error):
        log.warning("job %s failed: %s", job.id, error)


def fail_abandoned_runs(now: datetime | None = None) -> dict[str, int]:
    """The periodic job (creditsvc.jobs.scheduler): end the status rows no job will end.
    Returns how many it ended, by reason."""
    now = now or utcnow()
    conn = jobs.redis_connection()
    if conn is not None:
        _clean_started(conn, now)
    ended = {"lost": 0, "ended": 0, "overdue": 0}
    younger = now - timedelta(seconds=jobs.RUN_GRACE_SECONDS)
    for run_id, kind, created_at in jobruns.unfinished(younger):
        verdict = _verdict(conn, run_id, kind, now - created_at)
        if verdict is not None and jobruns.fail(run_id, verdict[1]):
            ended[verdict[0]] += 1
            log.warning("status row %s (%s) given up: %s", run_id, kind, verdict[1])
    log.info("abandoned runs ended: %s", ended)
    return ended


def _clean_started(conn: Any, now: datetime) -> None:
    """rq's own search for abandoned jobs (a worker killed with its horse stops renewing its
    heartbeat): each one is retried or failed, and its failure callback run."""
    from rq.registry import StartedJobRegistry

    for spec in jobs.QUEUES.values():
        StartedJobRegistry(spec.name, connection=conn).cleanup(timestamp=now.timestamp())


def _verdict(conn: Any, run_id: str, kind: str, age: timedelta) -> tuple[str, str] | None:
    """Why the row should end now (a reason and the officer's message), or None."""
    from rq.job import Job, JobStatus

    allowance = jobs.queue_of_run(kind).allowance
    overdue = ("overdue", OVERDUE.format(minutes=allowance // 60))
    if conn is None:  # run in a process of the web tier that died before ending the row
        return overdue if age.total_seconds() > allowance else None
    found = [j for j in Job.fetch_many((run_id, tally_job_id(run_id)), conn) if j is not None]
    if not found:
        return "lost", LOST
    statuses = {job.get_status(refresh=False) for job in found}
    if statuses <= {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}:
        return "ended", ENDED_IN_QUEUE.format(status=", ".join(sorted(statuses)))
    # A started job has rq's timeout and heartbeat watching it (`_clean_started`).
    if JobStatus.STARTED not in statuses and age.total_seconds() > allowance:
        return overdue
    return None
