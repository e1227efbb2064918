"""Fixtures: a migrated database (SQLite or the real PostgreSQL), the app, a client,
the `world` of factories (tests/factories.py) and a Redis database of the test's own.

The suite runs twice in `make test`: TEST_DATABASE_URL unset (SQLite) and set to the
machine's PostgreSQL. Tests commit for real (jobs in other processes must see the
data), so each test starts from a clean copy: a fresh copy of a migrated SQLite file,
or truncated PostgreSQL tables.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings
from redis import Redis
from sqlalchemy import Connection, create_engine, text

from creditsvc import create_app
from creditsvc.config import database_url
from creditsvc.extensions import db
from creditsvc.models import CalendarDay, CalendarYear
from notices.signing import demo_key
from tests.factories import World
from tests.workers import wait_until

# Hypothesis's per-example deadline is a timing assertion: on a loaded machine an example
# of a pure function can take longer than 200 ms and fail a correct test. Speed belongs in
# benchmarks/, never in a unit test.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PUBLIC_BASE_URL = "https://credit.example.test"  # the address printed on test documents
REDIS_CLAIM = "creditsvc-tests:redis-db:{}"  # in database 0: which test uses which database
REDIS_CLAIM_TTL = 900
KEEP_TABLES = ("districts", "alembic_version")  # loaded by the migrations, never edited
# The calendar, also loaded by the migrations, may be edited by a test (the API fuzzer
# sets days): on PostgreSQL each test gets back the rows the migrations loaded.
CALENDAR = text("SELECT * FROM calendar_days")
CALENDAR_YEARS = text("SELECT * FROM calendar_years")
MIGRATED_CALENDARS: dict[str, list[dict]] = {}
MIGRATED_CALENDAR_YEARS: dict[str, list[dict]] = {}


def _migrate(url: str, instance: Path) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "STORAGE_DIR": str(instance / "s"),
            "SECRET_KEY": "migrate",
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()


def run_sql(url: str, sql: str, **params) -> object:
    """One statement in autocommit on `url`; its first column of its first row, if any."""
    engine = create_engine(database_url(url, Path(".")), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(sql), params)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def _pg_admin(sql: str) -> None:
    run_sql(PG_URL, sql)


def database_on(server: str, name: str) -> str:
    """The URL of database `name` on the server `server` (a URL of another database) runs."""
    return database_url(server, Path(".")).rsplit("/", 1)[0] + "/" + name


@contextmanager
def migrated_database(server: str, prefix: str, instance: Path) -> Iterator[str]:
    """A database of this run (and xdist worker) made on `server`'s PostgreSQL and built
    from empty by the Alembic migrations; its URL. Dropped on leaving, whatever happened."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # also without xdist (-p no:xdist)
    name = f"{prefix}_{worker}_{os.getpid()}"
    run_sql(server, f'CREATE DATABASE "{name}"')
    try:
        url = database_on(server, name)
        _migrate(url, instance)
        yield url
    finally:
        run_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_url(tmp_path_factory) -> Iterator[str]:
    """Build the schema from empty with the Alembic migrations, once per run.

    On PostgreSQL each run (and each xdist worker) gets a database of its own, so
    parallel runs never collide; it is dropped at the end.
    """
    instance = tmp_path_factory.mktemp("instance")
    if not PG_URL:
        url = f"sqlite:///{instance / 'template.db'}"
        _migrate(url, instance)
        yield url
        return
    with migrated_database(PG_URL, "creditsvc_test", instance) as url:
        engine = create_engine(url)
        with engine.connect() as conn:
            MIGRATED_CALENDARS[url] = [dict(r) for r in conn.execute(CALENDAR).mappings()]
            MIGRATED_CALENDAR_YEARS[url] = [
                dict(r) for r in conn.execute(CALENDAR_YEARS).mappings()
            ]
        engine.dispose()
        yield url


def empty_tables(conn: Connection) -> None:
    """Truncate, on PostgreSQL, every table but those the migrations loaded for good.

    The audit log refuses TRUNCATE by a trigger (migration 0014); the suite connects as a
    superuser, who may have the transaction's triggers not fire, here only."""
    tables = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ).scalars()
    doomed = [t for t in tables if t not in KEEP_TABLES]
    if doomed:
        names = ", ".join(f'"{t}"' for t in doomed)
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("SET LOCAL session_replication_role = DEFAULT"))


@pytest.fixture
def database_url_for_test(migrated_url, tmp_path) -> Iterator[str]:
    if migrated_url.startswith("sqlite"):
        copy = tmp_path / "test.db"
        shutil.copy(migrated_url.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    engine = create_engine(migrated_url)
    with engine.begin() as conn:
        empty_tables(conn)
        conn.execute(CalendarDay.__table__.insert(), MIGRATED_CALENDARS[migrated_url])
        conn.execute(CalendarYear.__table__.insert(), MIGRATED_CALENDAR_YEARS[migrated_url])
    engine.dispose()
    yield migrated_url


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own, as in production.

    Without this, requests would share the test's app context, and with it `g`
    and the database session, hiding bugs that only a real server shows.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first, as a finished request would: on
        # SQLite an open read transaction would otherwise block the request's write.
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def signing_files(tmp_path_factory) -> dict[str, str]:
    """A bureau's key and self-signed certificate for the run, as production names its own."""
    folder = tmp_path_factory.mktemp("signing")
    key, certificate = demo_key("上海市市场监督管理局", datetime.now(UTC))
    (folder / "key.pem").write_bytes(key)
    (folder / "cert.pem").write_bytes(certificate)
    return {
        "SIGNING_KEY_FILE": str(folder / "key.pem"),
        "SIGNING_CERT_FILE": str(folder / "cert.pem"),
    }


def app_settings(url: str, tmp_path: Path, signing_files: dict) -> dict:
    """The settings of an app under test, on the database `url`."""
    return {
        **signing_files,
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
        "STORAGE_DIR": str(tmp_path / "storage"),
        # Outside the demo a public document is only rendered for a public address.
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "REDIS_URL": None,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
        "PUBLIC_CACHE_SECONDS": 0,  # changes show at once; test_public_cache turns it on
        # Every request of a test comes from one address; test_rate_limits lowers them.
        "RATE_LIMIT_PUBLIC_READS": "100000 per minute",
        "RATE_LIMIT_PUBLIC_EXPORTS": "100000 per minute",
    }


@pytest.fixture
def app(database_url_for_test, tmp_path, signing_files) -> Iterator[Flask]:
    app = create_app(app_settings(database_url_for_test, tmp_path, signing_files))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app) -> World:
    return World(app)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The machine's real Redis, on a database of this test's own, emptied before and after.

    Redis is shared by every xdist worker and every run on the machine, whose tests empty
    their database at their start and end: that must not empty a queue a worker of this
    test is draining. So a test claims one of databases 1-14 for itself (SET NX in
    database 0, with a TTL in case the run dies) and gives it back at the end.
    """
    shared = urlparse(REDIS_TEST_URL)
    claims = Redis.from_url(shared._replace(path="/0").geturl())
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
    number = wait_until("a free Redis database", lambda: _claim(claims, token), timeout=120)
    conn = Redis.from_url(shared._replace(path=f"/{number}").geturl())
    conn.flushdb()
    try:
        yield shared._replace(path=f"/{number}").geturl()
    finally:
        conn.flushdb()
        conn.close()
        if claims.get(REDIS_CLAIM.format(number)) == token.encode():
            claims.delete(REDIS_CLAIM.format(number))
        claims.close()


def _claim(claims: Redis, token: str) -> int | None:
    for number in range(1, 15):
        if claims.set(REDIS_CLAIM.format(number), token, nx=True, ex=REDIS_CLAIM_TTL):
            return number
    return None


@pytest.fixture
def redis_down() -> str:
    """The URL of a Redis that is not there (a loopback port nothing listens on): the
    client is refused at once, as when Redis has stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"
