"""GET /healthz in its three queue states, against the machine's real Redis."""

import socket

import pytest


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_inline_without_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert {k: body[k] for k in ("status", "database", "queue")} == {
        "status": "ok",
        "database": "ok",
        "queue": "inline",
    }
    assert [c["name"] for c in body["checks"]] == ["public_address", "calendar"]


def test_ok_with_a_reachable_redis(app, redis_url):
    app.config["REDIS_URL"] = redis_url
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json["queue"] == "ok"


def test_down_when_redis_is_configured_but_unreachable(app):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{closed_port()}/0"
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert {k: body[k] for k in ("status", "database", "queue")} == {
        "status": "ok",
        "database": "ok",
        "queue": "down",
    }


@pytest.mark.parametrize("path", ["/api/openapi.json", "/healthz"])
def test_needs_no_login(client, path):
    assert client.get(path).status_code == 200


def test_live_answers_without_asking_the_database(app):
    from sqlalchemy import event

    from creditsvc.extensions import db

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, sql)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = app.test_client().get("/healthz/live")
        during_live = list(statements)
        assert app.test_client().get("/healthz").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert during_live == []
    assert "SELECT 1" in statements  # the listener sees the readiness probe's query
