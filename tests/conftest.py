"""Fixtures: a migrated database (SQLite or the real PostgreSQL), the app, a client,
and factories for the registry and accounts.

The suite runs twice in `make test`: TEST_DATABASE_URL unset (SQLite) and set to the
machine's PostgreSQL. Tests commit for real (jobs in other processes must see the
data), so each test starts from a clean copy: a fresh copy of a migrated SQLite file,
or truncated PostgreSQL tables.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from redis import Redis
from sqlalchemy import create_engine, text

from creditsvc import create_app
from creditsvc.config import database_url
from creditsvc.extensions import db
from creditsvc.models import CalendarDay, Market, Merchant, Street
from creditsvc.services.accounts import users as accounts
from creditsvc.uscc import make as make_uscc

PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_CLAIM = "creditsvc-tests:redis-db:{}"  # in database 0: which test uses which database
REDIS_CLAIM_TTL = 900
KEEP_TABLES = ("districts", "alembic_version")  # loaded by the migrations, never edited
# The calendar, also loaded by the migrations, may be edited by a test (the API fuzzer
# sets days): on PostgreSQL each test gets back the rows the migrations loaded.
CALENDAR = text("SELECT * FROM calendar_days")
MIGRATED_CALENDARS: dict[str, list[dict]] = {}
PASSWORD = "correct horse battery"


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


def _pg_admin(sql: str) -> None:
    admin = create_engine(database_url(PG_URL, Path(".")), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(sql))
    admin.dispose()


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
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # also without xdist (-p no:xdist)
    name = f"creditsvc_test_{worker}_{os.getpid()}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    url = database_url(PG_URL, Path(".")).rsplit("/", 1)[0] + "/" + name
    try:
        _migrate(url, instance)
        engine = create_engine(url)
        with engine.connect() as conn:
            MIGRATED_CALENDARS[url] = [dict(r) for r in conn.execute(CALENDAR).mappings()]
        engine.dispose()
        yield url
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url_for_test(migrated_url, tmp_path) -> Iterator[str]:
    if migrated_url.startswith("sqlite"):
        copy = tmp_path / "test.db"
        shutil.copy(migrated_url.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    engine = create_engine(migrated_url)
    with engine.begin() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        doomed = [t for t in tables if t not in KEEP_TABLES]
        if doomed:
            names = ", ".join(f'"{t}"' for t in doomed)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(CalendarDay.__table__.insert(), MIGRATED_CALENDARS[migrated_url])
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


@pytest.fixture
def app(database_url_for_test, tmp_path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url_for_test,
            "SECRET_KEY": "test-" + uuid.uuid4().hex,
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
            "STORAGE_DIR": str(tmp_path / "storage"),
            "REDIS_URL": None,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
            "PUBLIC_CACHE_SECONDS": 0,  # changes show at once; test_public_cache turns it on
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Caller:
    """A test client that sends one principal's bearer token."""

    client: object
    token: str | None
    username: str | None = None

    def _headers(self, headers):
        merged = dict(headers or {})
        if self.token:
            merged["Authorization"] = f"Bearer {self.token}"
        return merged

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, url, **kw):
        return self.client.patch(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, url, **kw):
        return self.client.put(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


class World:
    """Factories for a small city: streets, markets, merchants, users with tokens."""

    XUHUI, JINGAN = "310104", "310106"

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        self._serial = 0

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def street(self, district: str = XUHUI, name: str | None = None) -> Street:
        street = Street(district_code=district, name=name or f"测试街道{self._next()}")
        db.session.add(street)
        db.session.commit()
        return street

    def market(self, district: str = XUHUI, name: str | None = None) -> Market:
        market = Market(district_code=district, name=name or f"测试菜市场{self._next()}")
        db.session.add(market)
        db.session.commit()
        return market

    def uscc(self, entity_type: str = "2") -> str:
        return make_uscc("9", entity_type, "310000", f"{self._next():09d}")

    def merchant(self, district: str = XUHUI, market: Market | None = None, **kw) -> Merchant:
        merchant = Merchant(
            uscc=kw.pop("uscc", None) or self.uscc(),
            name=kw.pop("name", f"测试商户{self._serial}"),
            trade=kw.pop("trade", "market_stall"),
            district_code=district,
            market_id=market.id if market else None,
            **kw,
        )
        db.session.add(merchant)
        db.session.commit()
        return merchant

    def user(self, role: str, **scope) -> Caller:
        """A user of `role` (district=, merchant=, market=) and a Caller with its token."""
        user = accounts.create_user(
            "test", username=f"{role}{self._next()}", password=PASSWORD, role=role, **scope
        )
        _, token = accounts.issue_user_token("test", user)
        db.session.commit()
        return Caller(self.client, token, user.username)

    def city(self) -> Caller:
        return self.user("city")

    def district(self, code: str = XUHUI) -> Caller:
        return self.user("district", district=code)

    def host(self, market: Market) -> Caller:
        return self.user("host", market=market.id)

    def merchant_user(self, merchant: Merchant) -> Caller:
        return self.user("merchant", merchant=merchant.uscc)

    def anonymous(self) -> Caller:
        return Caller(self.client, None)


@pytest.fixture
def world(app) -> World:
    return World(app)


def wait_until(what: str, check: Callable[[], Any], timeout: float = 60, proc=None) -> Any:
    """Poll until `check` returns something true; fail if `proc` exits first."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"process exited ({proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout}s")
        time.sleep(0.2)


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
