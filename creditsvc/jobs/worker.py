"""The rq worker that `creditsvc worker` runs inside an app context (STYLE.md 5).

Each job runs in a work horse forked from the worker, so what the worker imports once
is shared by every job, and what it holds open must not be used by two processes.
"""

from __future__ import annotations

import logging
import os

from flask import current_app
from rq import Worker
from rq.callbacks import execute_failure_callback
from rq.exceptions import AbandonedJobError

from creditsvc import jobs
from creditsvc.extensions import db

log = logging.getLogger(__name__)


class CreditWorker(Worker):
    def main_work_horse(self, job, queue):
        # The horse is a fork: the parent's pooled connections (sockets, SQLite handles)
        # must not be used from two processes. close=False drops them from the child's
        # pool without closing them under the parent.
        db.engine.dispose(close=False)
        super().main_work_horse(job, queue)

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        # rq runs a job's failure callback when the job raises or is found abandoned, but
        # not when its horse dies (out of memory, killed past its timeout): run it here, so
        # a status row waiting on the job still learns of the failure.
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        if ret_val is not None and os.WIFSIGNALED(ret_val):
            how = f"killed by signal {os.WTERMSIG(ret_val)}"
        else:
            how = f"wait status {ret_val}"
        error = AbandonedJobError(f"work horse died ({how})")
        try:
            execute_failure_callback(job, self.death_penalty_class, AbandonedJobError, error, None)
        except Exception:  # rq has logged it; the worker carries on with the next job
            log.warning("failure callback of job %s raised", job.id)


def run(queue_names: list[str], burst: bool = False) -> bool:
    """Work on the named queues (in priority order) until stopped, or until empty with
    `burst`. rq's scheduler runs alongside, for delayed jobs and retries."""
    # Loaded once, before the first fork, and shared by every work horse: imported
    # per job they would cost seconds each time (STYLE.md 5).
    import sklearn  # noqa: F401
    import weasyprint  # noqa: F401
    from redis import Redis
    from sqlalchemy.orm import configure_mappers

    import creditsvc.jobs.imports  # noqa: F401  (the jobs, and what they import)
    import creditsvc.jobs.rescore  # noqa: F401
    import creditsvc.jobs.train  # noqa: F401

    # The models' mappers are otherwise set up by the first query of every horse, each
    # paying for it again.
    configure_mappers()

    # A connection of the worker's own: rq blocks on it for minutes while waiting for jobs.
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    queues = [jobs.queue(name, connection) for name in queue_names]
    log.info("worker on %s", ", ".join(q.name for q in queues))
    return CreditWorker(queues, connection=connection).work(
        burst=burst, with_scheduler=True, logging_level="INFO"
    )
