"""Background jobs on rq and Redis, or in-process when no REDIS_URL is set.

Queue names, timeouts, retries and TTLs (of results, failures and the scheduler lock) are
declared here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app

from creditsvc.errors import RETRY_AFTER_SECONDS
from creditsvc.extensions import redis_client
from creditsvc.services.errors import DomainError


@dataclass(frozen=True)
class QueueSpec:
    name: str
    timeout: int  # seconds a job may run
    retries: int  # further attempts after a failure (an abandoned job counts as one)
    result_ttl: int  # seconds a finished job's result is kept
    failure_ttl: int

    def job_options(self) -> dict[str, Any]:
        """The options of rq's `Queue.enqueue` and `enqueue_in` for a job on this queue."""
        from rq import Retry

        return {
            "job_timeout": self.timeout,
            "result_ttl": self.result_ttl,
            "failure_ttl": self.failure_ttl,
            "retry": Retry(max=self.retries) if self.retries else None,
        }

    @property
    def allowance(self) -> int:
        """Seconds after which a job on this queue that has not ended is given up: every
        attempt may take the whole timeout."""
        return self.timeout * (self.retries + 1)


QUEUES = {
    # Rebuilding stored public answers after a change (jobs.public_answers): first, so a
    # worker rebuilds the records a district's rescore changed before it scores the next
    # district, and a withdrawn grade is not shown for a district's time.
    "public": QueueSpec("public", timeout=600, retries=2, result_ttl=600, failure_ttl=7 * 86400),
    "rescore": QueueSpec(
        "rescore", timeout=1800, retries=3, result_ttl=3600, failure_ttl=7 * 86400
    ),
    "render": QueueSpec("render", timeout=600, retries=2, result_ttl=3600, failure_ttl=7 * 86400),
    "imports": QueueSpec(
        "imports", timeout=1800, retries=0, result_ttl=86400, failure_ttl=7 * 86400
    ),
    # Risk model training and scoring of every merchant (DESIGN.md §6); not retried: a
    # failure is for a person to read on the status row, not to repeat.
    "train": QueueSpec("train", timeout=3600, retries=0, result_ttl=86400, failure_ttl=7 * 86400),
    "default": QueueSpec("default", timeout=600, retries=1, result_ttl=3600, failure_ttl=7 * 86400),
}

# The queue of each kind of status row (services.jobruns), by the start of its kind.
RUN_QUEUES = {
    "import:": "imports",
    "render": "render",
    "risk:train": "train",
    "rescore:full": "rescore",
}
# A run younger than this is not given up as lost: its job is being queued right now.
RUN_GRACE_SECONDS = 60


def queue_of_run(kind: str) -> QueueSpec:
    """The queue whose timeout and retries bound a status row of this kind."""
    name = next((q for prefix, q in RUN_QUEUES.items() if kind.startswith(prefix)), "default")
    return QUEUES[name]


# A burst of evidence within this many seconds makes one rescore job.
DEBOUNCE_SECONDS = 3
DEBOUNCE_KEY = "creditsvc:rescore-dirty:pending"
# Exactly one `creditsvc scheduler` runs: it holds this lock, renewing it every
# SCHEDULER_LOCK_RENEW seconds; a scheduler that dies frees it after SCHEDULER_LOCK_TTL.
SCHEDULER_LOCK_KEY = "creditsvc:scheduler:lock"
SCHEDULER_LOCK_TTL = 30
SCHEDULER_LOCK_RENEW = 10


class QueueUnavailable(DomainError):
    """Redis could not take the job (unreachable, or refusing writes): nothing was started,
    and the caller may try again shortly (503 with Retry-After, issue 17)."""

    status = 503
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self) -> None:
        super().__init__("the job queue is unavailable, so nothing was started; try again shortly")


def redis_connection():
    """The app's Redis client for its queues, or None when jobs run inline."""
    url = current_app.config.get("REDIS_URL")
    return redis_client(url, timeout=2) if url else None


def queue_state() -> str:
    """'inline' without REDIS_URL, 'ok' when Redis answers a PING, 'down' otherwise."""
    conn = redis_connection()
    if conn is None:
        return "inline"
    try:
        conn.ping()
    except Exception:  # any failure to reach Redis means the queue is down
        return "down"
    return "ok"


def require_queue() -> None:
    """Raise QueueUnavailable unless jobs run inline or Redis answers: for a change that must
    not be stored when the job it needs cannot start (a policy and its full rescore)."""
    if queue_state() == "down":
        raise QueueUnavailable()


def queue(name: str, connection: Any) -> Any:
    """The rq queue declared under `name` in QUEUES."""
    from rq import Queue

    return Queue(QUEUES[name].name, connection=connection)


def enqueue(queue_name: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Put a job on its queue, or run it now when there is no Redis configured. Raises
    QueueUnavailable when Redis does not take it."""
    from redis.exceptions import RedisError

    conn = redis_connection()
    if conn is None:
        return func(*args, **kwargs)
    try:
        return queue(queue_name, conn).enqueue(
            func, *args, **QUEUES[queue_name].job_options(), **kwargs
        )
    except (RedisError, OSError) as exc:
        # The address of Redis stays in the log, not in the answer.
        current_app.logger.warning(
            "job %s not queued: %s: %s", func.__name__, type(exc).__name__, exc
        )
        raise QueueUnavailable() from exc
