"""Engine set-up that differs by database."""

from __future__ import annotations

from flask import Flask, has_app_context, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from creditsvc.extensions import db

# Requests that only read: their transactions stay deferred and never wait for a writer.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HOLDS_WRITE_LOCK = "creditsvc.sqlite_write_lock"


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the pysqlite driver, decide where transactions begin, so
    # that SAVEPOINTs work (an import checks each row inside one), and enforce
    # foreign keys, which SQLite leaves off by default. The busy timeout comes first:
    # switching a file to WAL waits for the other processes' locks like any write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 15000")
    # WAL (issue 17): readers never block the writer nor it them, so only writers queue.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # A deferred transaction that read first cannot always become a writer: when another
    # writer holds or has just committed, SQLite answers "database is locked" at once
    # instead of waiting out the busy timeout (issue 17: 503s after parallel writes and
    # log-ins). A transaction that may write therefore takes the write lock as it begins,
    # queueing behind the busy timeout; one that only reads stays deferred.
    immediate = _may_write() and not _session_holds_write_lock()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _may_write() -> bool:
    """Whether this transaction may write: in a request, unless its method only reads;
    outside one (the CLI, a job, a test's set-up), always."""
    return not has_request_context() or request.method not in READING_METHODS


def _session_holds_write_lock() -> bool:
    """Whether this context's session already holds the write lock. A connection of its
    own opened meanwhile (a status row's count, services.jobruns) only reads, or writes
    first, which waits as it should; begun IMMEDIATE it would wait for its own session."""
    return has_app_context() and db.session.registry.has() and HOLDS_WRITE_LOCK in db.session.info


@event.listens_for(Session, "after_begin")
def _note_write_lock(session: Session, _transaction, connection) -> None:
    if connection.dialect.name == "sqlite" and _may_write():
        session.info[HOLDS_WRITE_LOCK] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_write_lock(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(HOLDS_WRITE_LOCK, None)


def _postgresql_connect(dbapi_connection, _record) -> None:
    # No parallel query by default: the web tier's statements are short, and a search
    # that started parallel workers for itself held its web worker longer under load
    # (see BENCHMARKS.md, 'Load on loopback'). The readings tally asks for them (`parallel`).
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    dbapi_connection.commit()


def parallel(workers: int) -> None:
    """Let the statements of the request's or job's transaction use up to `workers`
    parallel workers (PostgreSQL; elsewhere nothing)."""
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT set_config('max_parallel_workers_per_gather', :n, true)"),
            {"n": str(workers)},
        )


def without_transaction() -> None:
    """Run the request's next statements each on its own, with no BEGIN and ROLLBACK
    around them (PostgreSQL; elsewhere nothing), unless its transaction has begun.

    Only for answers built from reads alone (a public record, a page of the listing): on
    a loaded host every round trip to the database waits for a core, and BEGIN and
    ROLLBACK are two of them (see BENCHMARKS.md, 'Load on loopback'). A write after this
    would commit at once."""
    session = db.session()
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def configure(app: Flask) -> None:
    with app.app_context():
        prepare(db.engine)


def prepare(engine: Engine) -> None:
    """Set up a new engine's connections for its database: the primary's, a standby's."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_connect)
