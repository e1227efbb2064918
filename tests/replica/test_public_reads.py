"""Public reads from a hot standby (issue 21, creditsvc.replicas), against the real pair of
scripts/standby.sh: where each statement ran, the fallback to the primary when the standby
lags or is lost (under load, with no error to the public), and writes on the primary."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import insert, text

from creditsvc.extensions import READ_FROM, db
from creditsvc.models import Street
from creditsvc.replicas import EXTENSION, ReplicaWrite
from creditsvc.uscc import make as make_uscc
from tests.factories import Caller, World, inspect, login
from tests.replica.pair import (
    POSTGRESQL_ONLY,
    PRIMARY_URL,
    STANDBY_URL,
    caught_up,
    run_sql,
    start_standby,
    stop_standby,
)
from tests.workers import wait_until

pytestmark = POSTGRESQL_ONLY

PRIMARY, STANDBY = urlparse(PRIMARY_URL).port, urlparse(STANDBY_URL).port


@dataclass
class Seeded:
    uscc: str
    name: str
    district: str
    officer_token: str
    officer_username: str


@pytest.fixture
def seeded(make_app, pair) -> Seeded:
    """A business and a district officer of its district, written on the primary and
    replayed on the standby. The database lives for the run: names differ per test."""
    app = make_app(replicas=())
    number = random.randrange(10**8)
    with app.app_context():
        world = World(app)
        world._serial = number  # usernames and names of their own in the run's database
        merchant = world.merchant(
            uscc=make_uscc("9", "2", "310000", f"{number:09d}"), name=f"备库商户{number}"
        )
        officer = world.district(merchant.district_code)
        seeded = Seeded(
            merchant.uscc, merchant.name, merchant.district_code, officer.token, officer.username
        )
    caught_up(*pair)
    return seeded


PUBLIC_PAGES = (
    "/merchants/{uscc}",
    "/merchants?q={name}",
    "/documents",
    "/honor-roll",
    "/demonstrations",
    "/grades",
    "/verify/SHJL-310104-2026-000001-5",  # none issued: a 404, read all the same
    "/api/public/v1/merchants/{uscc}",
    "/api/public/v1/merchants?q={name}",
    "/api/public/v1/documents",
    "/api/public/v1/merchants.csv?q={name}",
)


def read(client, url: str, seeded: Seeded) -> str:
    response = client.get(url.format(uscc=seeded.uscc, name=seeded.name))
    body = response.get_data(as_text=True)  # a CSV export reads as it streams
    assert response.status_code in (200, 404), (url, response.status_code, body[:300])
    return body


def test_public_pages_and_open_data_read_from_the_standby(make_app, seeded, statements):
    app = make_app(REPLICA_CHECK_SECONDS=60)
    client = app.test_client()
    with app.app_context():
        read(client, "/merchants", seeded)  # the process's first check
        for url in PUBLIC_PAGES:
            statements.clear()
            body = read(client, url, seeded)
            assert statements.seen, url
            assert statements.ports() == {STANDBY}, (url, statements.seen)
            if "{" in url:
                assert seeded.uscc in body, url


def test_writes_and_everything_behind_a_login_stay_on_the_primary(make_app, seeded, statements):
    app = make_app(REPLICA_CHECK_SECONDS=60)
    client = app.test_client()
    with app.app_context():
        read(client, "/merchants", seeded)
        assert app.extensions[EXTENSION].standbys[0].lag is not None

        statements.clear()
        officer = Caller(client, seeded.officer_token)
        business = type("Business", (), {"uscc": seeded.uscc, "district_code": seeded.district})
        inspect(World(app), business, officer=officer)  # POST /api/v1/inspections
        assert officer.get(f"/api/v1/merchants/{seeded.uscc}").status_code == 200
        assert statements.ports() == {PRIMARY}

        statements.clear()
        assert client.post("/verify", data={}).status_code == 400  # a public POST
        assert login(client, seeded.officer_username).status_code == 302
        for url in ("/console/", f"/merchants/{seeded.uscc}", "/api/public/v1/documents"):
            assert client.get(url).status_code == 200, url  # logged in: their own writes
        assert statements.seen and statements.ports() == {PRIMARY}


def test_a_session_reading_from_the_standby_cannot_write(make_app, seeded):
    app = make_app()
    standby = app.extensions[EXTENSION].standbys[0]
    with app.test_request_context(f"/merchants/{seeded.uscc}"):
        request.environ[READ_FROM] = standby.engine
        try:
            db.session.add(Street(district_code=seeded.district, name="备库不可写"))
            with pytest.raises(ReplicaWrite):
                db.session.flush()
            db.session.rollback()
            new_street = {"district_code": seeded.district, "name": "备库不可写"}
            with pytest.raises(ReplicaWrite):
                db.session.execute(insert(Street).values(**new_street))
            db.session.rollback()
            with pytest.raises(Exception, match="read-only transaction"):
                db.session.execute(text("DELETE FROM streets WHERE name = 'none'"))
            db.session.rollback()
        finally:
            db.session.remove()
    assert run_sql(PRIMARY_URL, "SELECT 1") == 1


def test_a_public_read_that_needs_a_write_is_answered_from_the_primary(
    make_app, pair, seeded, statements
):
    primary, standby = pair
    # An empty database: the built-in scoring policies are written on first use.
    run_sql(primary, "DELETE FROM scoring_policies")
    caught_up(primary, standby)
    app = make_app(REPLICA_CHECK_SECONDS=60)
    client = app.test_client()
    with app.app_context():
        statements.clear()
        read(client, "/grades", seeded)
        assert {STANDBY, PRIMARY} <= statements.ports()
    assert run_sql(primary, "SELECT count(*) FROM scoring_policies") >= 2


def test_a_standby_lagging_past_the_bound_is_not_read_from(make_app, pair, seeded, statements):
    primary, standby = pair
    app = make_app(REPLICA_MAX_LAG_SECONDS=1, REPLICA_CHECK_SECONDS=0)
    client = app.test_client()
    with app.app_context():
        statements.clear()
        read(client, f"/merchants/{seeded.uscc}", seeded)
        assert STANDBY in statements.ports()
        run_sql(standby, "SELECT pg_wal_replay_pause()")
        try:
            renamed = seeded.name + "（新）"
            run_sql(
                primary, "UPDATE merchants SET name = :n WHERE uscc = :u", n=renamed, u=seeded.uscc
            )
            time.sleep(1.5)  # past the bound since the standby's last replayed position
            statements.clear()
            assert renamed in read(client, f"/merchants/{seeded.uscc}", seeded)
            assert STANDBY not in statements.ports()
            assert app.extensions[EXTENSION].standbys[0].lag > 1
        finally:
            run_sql(standby, "SELECT pg_wal_replay_resume()")
        caught_up(primary, standby)
        statements.clear()
        assert renamed in read(client, f"/merchants/{seeded.uscc}", seeded)
        assert statements.ports() == {STANDBY}, statements.seen


def test_a_standby_that_is_not_one_or_does_not_answer_is_never_read_from(
    make_app, pair, seeded, statements
):
    primary, _ = pair
    refused = primary.replace(f":{PRIMARY}/", ":9/")  # nothing listens on port 9
    app = make_app(replicas=(primary, refused))  # the primary itself is no standby
    client = app.test_client()
    with app.app_context():
        for url in PUBLIC_PAGES:
            statements.clear()
            read(client, url, seeded)
            assert statements.ports() <= {PRIMARY}, (url, statements.seen)
        assert not any(s.usable() for s in app.extensions[EXTENSION].standbys)


def load(app: Flask, seeded: Seeded, until: threading.Event, answers: list[int]) -> None:
    """One member of the public: lookups, searches and the open-data API, over and over."""
    client = FlaskClient(app, app.response_class)  # a request, an app context: as a server
    pages = [u for u in PUBLIC_PAGES if "csv" not in u]
    while not until.is_set():
        for url in pages:
            response = client.get(url.format(uscc=seeded.uscc, name=seeded.name))
            answers.append(response.status_code)


def test_stopping_the_standby_under_load_gives_the_public_no_error(
    make_app, pair, seeded, statements, caplog
):
    # The choice is kept for seconds: requests keep going to the standby after it stops,
    # meet its failure mid-request, and are answered again from the primary.
    app = make_app(REPLICA_CHECK_SECONDS=3, REPLICA_RETRY_SECONDS=1)
    answers: list[int] = []
    until = threading.Event()
    public = [threading.Thread(target=load, args=(app, seeded, until, answers)) for _ in range(4)]
    for member in public:
        member.start()
    try:
        wait_until("public reads on the standby", lambda: STANDBY in statements.ports())
        stop_standby()
        statements.clear()
        served_before_stop = len(answers)
        wait_until("answers without the standby", lambda: len(answers) > served_before_stop + 40)
        assert PRIMARY in statements.ports()
    finally:
        start_standby()
    try:
        statements.clear()
        wait_until("public reads back on the standby", lambda: STANDBY in statements.ports())
    finally:
        until.set()
        for member in public:
            member.join(timeout=60)
    assert "the standby failed; answered from the primary" in caplog.text
    errors = [status for status in answers if status not in (200, 404)]
    assert answers and not errors, f"{len(errors)} errors in {len(answers)} answers: {errors[:5]}"
