"""Fixtures for public reads from a hot standby: the pair `scripts/standby.sh` starts (a
primary on 127.0.0.1:5433 and its standby on :5434), a migrated database of this run on
it, apps reading from the standby, and a record of where each statement ran.

The pair is one for the machine: every test here holds a lock on it, so two runs (or two
xdist workers) never pause or stop the standby under each other's feet.
"""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine

from creditsvc import create_app
from creditsvc.extensions import db
from tests.conftest import IsolatedClient, app_settings, database_on, migrated_database
from tests.replica.pair import PRIMARY_URL, STANDBY_URL, Statements, answers, run_sql
from tests.workers import wait_until

LOCK = Path(tempfile.gettempdir()) / "creditsvc-replica-tests.lock"


@pytest.fixture(scope="session")
def pair(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """A migrated database of this run on the pair's primary, replayed on the standby:
    (its URL on the primary, its URL on the standby). Dropped at the end."""
    if not (answers(PRIMARY_URL) and answers(STANDBY_URL)):
        pytest.fail("the replica pair is not running: start it with scripts/standby.sh")
    instance = tmp_path_factory.mktemp("replica-instance")
    with migrated_database(PRIMARY_URL, "creditsvc_replica", instance) as primary:
        standby = database_on(STANDBY_URL, make_url(primary).database)
        head = run_sql(primary, "SELECT version_num FROM alembic_version")
        wait_until("the migrated database on the standby", lambda: _version(standby) == head)
        yield primary, standby


def _version(url: str) -> str | None:
    try:
        return run_sql(url, "SELECT version_num FROM alembic_version")
    except Exception:
        return None


@pytest.fixture(autouse=True)
def pair_to_ourselves() -> Iterator[None]:
    """Hold the pair for this test alone (other runs on the machine use it too)."""
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def make_app(pair, tmp_path, signing_files) -> Iterator[Callable[..., Flask]]:
    """Apps on the pair: DATABASE_URL the primary, DATABASE_REPLICA_URLS the standby
    unless `replicas` says otherwise; other settings as keyword arguments."""
    primary, standby = pair
    made: list[Flask] = []

    def make(replicas: tuple[str, ...] = (standby,), **settings) -> Flask:
        # Answers are not kept (app_settings), so every read is seen where it runs.
        base = app_settings(primary, tmp_path, signing_files)
        app = create_app(base | {"DATABASE_REPLICA_URLS": replicas, **settings})
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        standbys = app.extensions.get("creditsvc.replicas")
        if standbys is not None:
            standbys.dispose()


@pytest.fixture
def statements() -> Iterator[Statements]:
    noted = Statements()
    event.listen(Engine, "before_cursor_execute", noted._note)
    yield noted
    event.remove(Engine, "before_cursor_execute", noted._note)
