"""Background jobs on rq and Redis, or in-process when no REDIS_URL is set.

Queue names, timeouts, retries and result TTLs are declared here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g


@dataclass(frozen=True)
class QueueSpec:
    name: str
    timeout: int  # seconds a job may run
    retries: int
    result_ttl: int  # seconds a finished job's result is kept
    failure_ttl: int


QUEUES = {
    "rescore": QueueSpec(
        "rescore", timeout=1800, retries=3, result_ttl=3600, failure_ttl=7 * 86400
    ),
    "render": QueueSpec("render", timeout=600, retries=2, result_ttl=3600, failure_ttl=7 * 86400),
    "imports": QueueSpec(
        "imports", timeout=1800, retries=0, result_ttl=86400, failure_ttl=7 * 86400
    ),
    "default": QueueSpec("default", timeout=600, retries=1, result_ttl=3600, failure_ttl=7 * 86400),
}


def redis_connection():
    """The app's Redis client, made on first use (never at import), or None when inline."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if "redis" not in g:
        from redis import Redis

        g.redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return g.redis


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


def enqueue(queue: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Put a job on its queue, or run it now when there is no Redis configured."""
    conn = redis_connection()
    if conn is None:
        return func(*args, **kwargs)
    from rq import Queue, Retry

    spec = QUEUES[queue]
    return Queue(spec.name, connection=conn).enqueue(
        func,
        *args,
        job_timeout=spec.timeout,
        result_ttl=spec.result_ttl,
        failure_ttl=spec.failure_ttl,
        retry=Retry(max=spec.retries) if spec.retries else None,
        **kwargs,
    )


DEBOUNCE_SECONDS = 3


def after_evidence() -> None:
    """Rescore soon after evidence is committed: in-process without Redis, else one
    debounced job (a burst of posts within a few seconds makes one rescore)."""
    from creditsvc.jobs.rescore import rescore_dirty

    conn = redis_connection()
    if conn is None:
        rescore_dirty()
        return
    try:
        if conn.set("creditsvc:rescore-dirty:pending", 1, nx=True, ex=DEBOUNCE_SECONDS):
            from datetime import timedelta

            from rq import Queue

            spec = QUEUES["rescore"]
            Queue(spec.name, connection=conn).enqueue_in(
                timedelta(seconds=DEBOUNCE_SECONDS), rescore_dirty, job_timeout=spec.timeout
            )
    except Exception:  # Redis down: the outbox row is committed; the sweep catches up
        current_app.logger.warning("queue unreachable; dirty merchants wait for the sweep")
