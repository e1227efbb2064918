"""Browser sessions are kept on the server and can be ended (issue 17): a copy of the
session cookie stops working at logout, and the rows no request can use any more are
deleted when someone logs in."""

from __future__ import annotations

from datetime import timedelta

from creditsvc.extensions import db
from creditsvc.models import BrowserSession
from creditsvc.services.accounts import users
from tests.factories import csrf_token, login, session_row

COOKIE = "session"


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def test_a_session_cookie_copied_before_logout_does_not_work_after_it(app, world):
    officer = app.test_client()
    assert login(officer, world.district().username).status_code == 302
    thief = copy_of(app, officer)
    assert thief.get("/api/v1/merchants").status_code == 200
    logout = officer.post("/logout", data={"csrf_token": csrf_token(officer, "/")})
    assert logout.status_code == 302
    assert thief.get("/api/v1/merchants").status_code == 401
    assert thief.get("/console/merchants").status_code == 302  # to the log-in form
    assert officer.get("/api/v1/merchants").status_code == 401


def test_the_cookie_carries_no_user_id_only_a_secret_whose_hash_is_kept(app, world):
    client = app.test_client()
    login(client, world.district().username)
    with client.session_transaction() as cookie:
        assert "user_id" not in cookie
        secret = cookie["sid"]
    row = session_row(client)
    assert row is not None and row.ended_at is None and secret not in row.id


def test_finished_sessions_are_deleted_at_the_next_log_in(app, world):
    name = world.district().username
    ended, idle, open_ = app.test_client(), app.test_client(), app.test_client()
    for client in (ended, idle, open_):
        login(client, name)
    ended.post("/logout", data={"csrf_token": csrf_token(ended, "/")})
    idle_row = session_row(idle)
    idle_row.last_seen_at -= timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    still_open, gone_idle = session_row(open_).id, idle_row.id
    db.session.commit()
    assert db.session.query(BrowserSession).count() == 3
    login(app.test_client(), world.district().username)
    kept = {row.id for row in db.session.query(BrowserSession)}
    assert len(kept) == 2 and still_open in kept and gone_idle not in kept
    assert open_.get("/api/v1/merchants").status_code == 200


def test_the_session_of_an_account_made_inactive_ends(app, world):
    name = world.district().username
    client = app.test_client()
    login(client, name)
    assert client.get("/api/v1/merchants").status_code == 200
    users.user_by_name(name).active = False
    db.session.commit()
    assert client.get("/api/v1/merchants").status_code == 401
