"""The periodic jobs, and the one process that enqueues them (`creditsvc scheduler`).

rq 3's CronScheduler does the timing. Exactly one scheduler runs: it takes a Redis lock
(SET NX with a TTL, through redis-py's Lock) and renews it at every heartbeat; a second
scheduler started while the lock is held exits at once, naming the holder. One that dies
frees the lock within SCHEDULER_LOCK_TTL seconds, so a restarted one can take over.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from redis import Redis
from redis.exceptions import LockError, LockNotOwnedError
from redis.lock import Lock
from rq.cron import CronScheduler

from creditsvc.jobs import QUEUES, SCHEDULER_LOCK_KEY, SCHEDULER_LOCK_RENEW, SCHEDULER_LOCK_TTL
from creditsvc.jobs.expiry import expire_idempotency_keys, expire_notices
from creditsvc.jobs.open_data import measure_open_data
from creditsvc.jobs.partitions import maintain_readings_partitions
from creditsvc.jobs.reminders import send_reminders
from creditsvc.jobs.rescore import daily_roll, rescore_dirty
from creditsvc.jobs.runs import fail_abandoned_runs
from creditsvc.jobs.statistics import refresh_statistics
from creditsvc.jobs.verification import verification_daily
from creditsvc.workdays import SHANGHAI

# Cron fields are read in the bureau's time zone (China has no daylight saving time),
# the zone of creditsvc.clock.
SCHEDULE_TIMEZONE = SHANGHAI.key


@dataclass(frozen=True)
class Periodic:
    name: str
    func: Callable[[], Any]
    queue: str  # a key of QUEUES, which gives the job's timeout and TTLs
    interval: int | None = None  # seconds
    cron: str | None = None  # minute hour day month weekday, in SCHEDULE_TIMEZONE


PERIODIC = (
    # DESIGN.md §3: the outbox sweep rescores whatever a lost job or a flushed Redis missed.
    Periodic("sweep", rescore_dirty, "rescore", interval=60),
    # Evidence decays with the date: every standing moves on once a day, at night.
    Periodic("daily-roll", daily_roll, "rescore", cron="30 2 * * *"),
    # Issue 22: the trends and the map read figures kept by month, recomputed once the
    # daily roll has moved every standing on, so a month's grades include that night's.
    Periodic("statistics", refresh_statistics, "default", cron="0 4 * * *"),
    # Exposure entries leave publication at the end of their window (rules.md §4).
    Periodic("expire-notices", expire_notices, "default", cron="10 2 * * *"),
    # A write's Idempotency-Key is kept IDEMPOTENCY_KEY_HOURS (issue 17), then forgotten.
    Periodic("expire-idempotency-keys", expire_idempotency_keys, "default", cron="5 * * * *"),
    # Programme deadlines: re-evaluations coming due, objections due (rules.md §4, §5).
    Periodic("programme-reminders", send_reminders, "default", cron="0 8 * * *"),
    # Issue 20: verifications falling due within 30 days, and the fair-scale alerts.
    Periodic("verification-daily", verification_daily, "default", cron="15 8 * * *"),
    # Issue 17: a status row whose job Redis lost, or that no worker ended, ends failed.
    Periodic("abandoned-runs", fail_abandoned_runs, "default", interval=60),
    # Issue 22: the open-data catalogue's sizes, written after the night's roll has moved
    # every grade: the roll starts at 02:30.
    Periodic("open-data-figures", measure_open_data, "default", cron="30 4 * * *"),
    # Issue 21: readings' month partitions made ahead, months past retention archived;
    # after the daily roll, before the working day.
    Periodic("readings-partitions", maintain_readings_partitions, "default", cron="40 3 * * *"),
)


class SchedulerLocked(RuntimeError):
    """Another scheduler holds the lock (or took it while this one was away)."""


class SingleCronScheduler(CronScheduler):
    """rq's CronScheduler that keeps the scheduler lock while it runs."""

    def __init__(self, connection: Redis, lock: Lock, token: str) -> None:
        super().__init__(connection=connection)
        self.lock, self.token = lock, token

    def heartbeat(self) -> None:
        self.keep_lock()
        super().heartbeat()

    def calculate_sleep_interval(self) -> float:
        # Wake often enough to renew the lock long before it expires.
        return min(super().calculate_sleep_interval(), SCHEDULER_LOCK_RENEW)

    def keep_lock(self) -> None:
        try:
            self.lock.reacquire()
        except LockNotOwnedError:
            # The key is gone (a flushed Redis) or another scheduler has it: take it back
            # if free, otherwise step down rather than run twice.
            if not self.lock.acquire(blocking=False, token=self.token):
                raise SchedulerLocked(_held_by(self.connection)) from None
            self.log.warning("scheduler lock %s was lost and taken again", SCHEDULER_LOCK_KEY)


def register_periodic(scheduler: CronScheduler) -> CronScheduler:
    """Declare PERIODIC on a CronScheduler, each job with its queue's options."""
    for job in PERIODIC:
        spec = QUEUES[job.queue]
        scheduler.register(
            job.func,
            spec.name,
            name=job.name,
            interval=job.interval,
            cron=job.cron,
            job_timeout=spec.timeout,
            result_ttl=spec.result_ttl,
            failure_ttl=spec.failure_ttl,
        )
    return scheduler


def run(connection: Redis) -> None:
    """Take the lock or raise SchedulerLocked; then enqueue PERIODIC until stopped."""
    token = f"{socket.gethostname()}:{os.getpid()}"
    lock = connection.lock(SCHEDULER_LOCK_KEY, timeout=SCHEDULER_LOCK_TTL, thread_local=False)
    if not lock.acquire(blocking=False, token=token):
        raise SchedulerLocked(_held_by(connection))
    try:
        _use_schedule_timezone()
        register_periodic(SingleCronScheduler(connection, lock, token)).start()
    finally:
        with suppress(LockError):  # already expired or taken: nothing to release
            lock.release()


def _held_by(connection: Redis) -> str:
    holder = connection.get(SCHEDULER_LOCK_KEY)
    who = holder.decode() if holder else "unknown"
    return f"another scheduler ({who}) holds {SCHEDULER_LOCK_KEY}; only one may run"


def _use_schedule_timezone() -> None:
    """rq matches cron fields against the process's local time: make it the bureau's."""
    os.environ["TZ"] = SCHEDULE_TIMEZONE
    time.tzset()
    # Without zone data the C library silently falls back to UTC: refuse instead.
    expected = datetime.now(ZoneInfo(SCHEDULE_TIMEZONE)).utcoffset()
    # The process's local zone is the point here: it is what rq reads.
    if datetime.now().astimezone().utcoffset() != expected:  # noqa: DTZ005
        raise RuntimeError(f"no time zone data for {SCHEDULE_TIMEZONE}: install tzdata")
