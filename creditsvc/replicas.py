"""Public reads from hot standbys (PostgreSQL streaming replication; issue 21).

One declaration: a blueprint whose pages only read, for anyone, says so with
`serve_from_replicas(bp)` where it is made (the public site, /verify, the open-data API).
Nothing else chooses. A request to such a blueprint is answered from a standby of
DATABASE_REPLICA_URLS when
- its method only reads (GET, HEAD, OPTIONS; a POST such as /verify's upload does not),
- its caller is anonymous (someone logged in reads what they just wrote, on the primary),
- a standby qualifies: it answers, it is in recovery (a promoted or mistaken one is never
  used), and it is at most REPLICA_MAX_LAG_SECONDS behind the primary;
otherwise from the primary, as every other request, job and command is.

A session reading from a standby cannot write: a flush, or an INSERT, UPDATE or DELETE
sent through it, raises `ReplicaWrite` before anything is sent, and the standby's
connections are read-only on the server besides (`default_transaction_read_only`, and
recovery itself). A public read that turns out to need a write (the built-in scoring
policies, written on first use into an empty database) is answered again from the
primary, as below, and logged.

How far behind a standby is. `now() - pg_last_xact_replay_timestamp()` on the standby
grows while the primary is idle although nothing is missing, and says nothing of a standby
that stopped receiving. Instead, each check first reads the primary's WAL position
(`pg_current_wal_lsn()`; a commit has been written there before it returns, with the
default synchronous_commit) and keeps it with the time it was asked, then reads how far the
standby has replayed (`pg_last_wal_replay_lsn()`). Every commit made on the primary before
a kept time lies at or below the position kept with it, so a standby that has replayed past
a kept position misses nothing older than that time: its lag is at most the time since the
newest such sample, a few milliseconds when it keeps up, and growing from the last
position it replayed past when its replay stops or falls behind. Only when it has replayed
past none of the kept positions (a process's first check during a burst of writes) is the
replay timestamp used, which can only overstate the lag, never understate it (the two
hosts' clocks kept in step by NTP).

Checks are made by each process at most every REPLICA_CHECK_SECONDS, inside the request
that finds the last one too old; others use the choice kept. A public read picks one of
the qualifying standbys at random. A standby whose connection fails (refused, dropped,
a query cancelled by a recovery conflict) is set aside for REPLICA_RETRY_SECONDS, and the
request that met the failure is answered again from the primary: its view only read, so
running it twice changes nothing. The public sees no error. A CSV export streams after its
view has returned: a standby lost in the middle of one cuts that download short.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, current_app, request
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session

from creditsvc import auth
from creditsvc.config import database_url
from creditsvc.database import READING_METHODS, prepare
from creditsvc.extensions import READ_FROM, RoutedSession, db, standby_read_from
from creditsvc.principals import ANONYMOUS

log = logging.getLogger(__name__)

EXTENSION = "creditsvc.replicas"
DECLARED = "serves_from_replicas"  # the attribute a declared blueprint carries
CONNECT_TIMEOUT_SECONDS = 2  # libpq's least: a standby that does not answer is skipped soon
STANDBY_OPTIONS = "-c default_transaction_read_only=on"

PRIMARY_POSITION = text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
STANDBY_STATE = text(
    "SELECT pg_is_in_recovery(),"
    " pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint,"
    " extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8"
)


class ReplicaWrite(RuntimeError):
    """A public read tried to write."""


def serve_from_replicas(blueprint: Blueprint) -> Blueprint:
    """Declare that `blueprint`'s reading requests by anonymous callers may be answered
    from a hot standby (see the module's docstring)."""
    setattr(blueprint, DECLARED, True)
    return blueprint


def is_public_read() -> bool:
    """Whether the current request is a declared public read."""
    blueprint = current_app.blueprints.get(request.blueprint or "")
    return (
        getattr(blueprint, DECLARED, False)
        and request.method in READING_METHODS
        and auth.current() is ANONYMOUS
    )


def dispatch(answer: Callable[[], object]) -> object:
    """Run `answer` (the view and its unit of work) where the request should read."""
    standbys: Standbys | None = current_app.extensions.get(EXTENSION)
    standby = standbys.choose() if standbys and is_public_read() else None
    if standby is None:
        return answer()
    session = db.session()
    session.flush()  # whatever a before_request hook changed is the primary's, as ever
    request.environ[READ_FROM] = standby.engine  # to the request's end: CSV streams after
    try:
        return answer()
    except ReplicaWrite:
        why = "it needed to write"
    except (OperationalError, InterfaceError):
        if standby.usable():
            raise  # not the standby's failure: the primary's, answered as ever
        why = "the standby failed"
    del request.environ[READ_FROM]
    with suppress(Exception):  # the dead connection's rollback may fail in turn
        session.rollback()
    log.warning("%s %s: %s; answered from the primary", request.method, request.path, why)
    return answer()


@event.listens_for(RoutedSession, "before_flush")
def _refuse_flush(session: Session, _context, _instances) -> None:
    if standby_read_from() is not None:
        raise ReplicaWrite("a read from a standby may not write (creditsvc.replicas)")


@event.listens_for(RoutedSession, "do_orm_execute")
def _refuse_statement(state: ORMExecuteState) -> None:
    writes = state.is_insert or state.is_update or state.is_delete
    if writes and standby_read_from() is not None:
        raise ReplicaWrite("a read from a standby may not write (creditsvc.replicas)")


# Which standby, and how far behind ----------------------------------------------------


def lag_bound(
    samples: Iterable[tuple[float, int]], replayed: int | None, replay_age: float | None, now: float
) -> float | None:
    """At most how many seconds of the primary's commits a standby misses, or None if
    nothing says. `samples` are (time asked, the primary's WAL position then), `replayed`
    the standby's replayed position, `replay_age` the age of its last replayed commit."""
    if replayed is not None:
        passed = [asked for asked, position in samples if position <= replayed]
        if passed:
            return max(0.0, now - max(passed))
    return replay_age


@dataclass
class Standby:
    engine: Engine
    retry_seconds: float
    lag: float | None = None  # seconds, as last checked; None: unknown or not a standby
    set_aside_until: float = 0.0

    def __str__(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def usable(self) -> bool:
        return time.monotonic() >= self.set_aside_until

    def set_aside(self, why: str) -> None:
        if self.usable():
            log.warning("standby %s set aside for %.0f s: %s", self, self.retry_seconds, why)
        self.set_aside_until = time.monotonic() + self.retry_seconds
        self.lag = None

    def _failed(self, context) -> None:
        """handle_error: any failure of a standby's connection sets it aside."""
        if isinstance(context.sqlalchemy_exception, (OperationalError, InterfaceError)):
            # Its first line only: the statement's parameters could hold personal data.
            first_line = (str(context.original_exception).splitlines() or [""])[0]
            self.set_aside(f"{type(context.original_exception).__name__}: {first_line}")


class Standbys:
    """This process's standbys, their lag and the primary's recent WAL positions."""

    def __init__(self, app: Flask, urls: Iterable[str]) -> None:
        self.max_lag = app.config["REPLICA_MAX_LAG_SECONDS"]
        self.check_seconds = app.config["REPLICA_CHECK_SECONDS"]
        retry = app.config["REPLICA_RETRY_SECONDS"]
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {
            **options.get("connect_args", {}),
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "options": STANDBY_OPTIONS,
        }
        self.standbys = [Standby(create_engine(url, **options), retry) for url in urls]
        for standby in self.standbys:
            prepare(standby.engine)
            event.listen(standby.engine, "handle_error", standby._failed)
        self._samples: deque[tuple[float, int]] = deque()
        self._checked_at: float | None = None
        self._lock = threading.Lock()

    def choose(self) -> Standby | None:
        """A standby to read from, or None for the primary."""
        with self._lock:
            now = time.monotonic()
            if self._checked_at is None or now - self._checked_at >= self.check_seconds:
                self._check()
                self._checked_at = time.monotonic()
            qualified = [
                s
                for s in self.standbys
                if s.usable() and s.lag is not None and s.lag <= self.max_lag
            ]
        return random.choice(qualified) if qualified else None  # noqa: S311 - not a secret

    def _check(self) -> None:
        asked = time.monotonic()
        try:
            with db.engine.connect() as conn:
                position = conn.execution_options(isolation_level="AUTOCOMMIT").scalar(
                    PRIMARY_POSITION
                )
            self._samples.append((asked, position))
        except SQLAlchemyError as exc:  # the kept samples still bound each standby's lag
            log.warning("replica check: the primary's WAL position unknown: %s", type(exc).__name__)
        # A sample older than the bound can only prove a lag over it: dropped, but the newest.
        horizon = self.max_lag + self.check_seconds
        while len(self._samples) > 1 and asked - self._samples[0][0] > horizon:
            self._samples.popleft()
        for standby in self.standbys:
            if standby.usable():
                self._measure(standby)

    def _measure(self, standby: Standby) -> None:
        was = standby.lag
        try:
            with standby.engine.connect() as conn:
                recovering, replayed, replay_age = (
                    conn.execution_options(isolation_level="AUTOCOMMIT")
                    .execute(STANDBY_STATE)
                    .one()
                )
        except SQLAlchemyError:
            return  # set aside by its handle_error
        if not recovering:
            standby.set_aside("not in recovery: a primary, not a standby")
            return
        standby.lag = lag_bound(self._samples, replayed, replay_age, time.monotonic())
        qualified = standby.lag is not None and standby.lag <= self.max_lag
        if qualified != (was is not None and was <= self.max_lag):
            log.log(
                logging.INFO if qualified else logging.WARNING,
                "standby %s is %s s behind (bound %s s): public reads go to %s",
                standby,
                "an unknown number of" if standby.lag is None else f"{standby.lag:.1f}",
                self.max_lag,
                "it" if qualified else "the primary",
            )

    def dispose(self) -> None:
        for standby in self.standbys:
            standby.engine.dispose()


def init_app(app: Flask) -> None:
    """Keep the app's standbys, if any, on the app; nothing connects until a request."""
    urls = [database_url(url, Path(app.instance_path)) for url in _listed(app)]
    if not urls:
        return
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        log.warning("DATABASE_REPLICA_URLS ignored: the primary is not PostgreSQL")
        return
    app.extensions[EXTENSION] = Standbys(app, urls)


def _listed(app: Flask) -> list[str]:
    raw = app.config["DATABASE_REPLICA_URLS"]
    if isinstance(raw, str):
        raw = raw.split(",")
    return [url.strip() for url in raw if url.strip()]
