"""Engine set-up that differs by database."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from creditsvc.extensions import db


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the pysqlite driver, decide where transactions begin, so
    # that SAVEPOINTs work (an import checks each row inside one), and enforce
    # foreign keys, which SQLite leaves off by default.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


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
        engine: Engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_connect)
