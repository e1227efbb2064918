"""`?next=` after log-in and after the language switch sends the browser only to a path on
this site; anything else lands on the landing page, never an error (issue 17, finding 4)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, csrf_token

HOSTILE = [
    "//evil.example/",
    "/\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",  # browsers and Werkzeug drop the tab: //evil.example
    "/\n/evil.example",  # a newline in the Location header was a 500
    "/\r\nSet-Cookie: stolen=1",
    "/\x01/evil.example",  # (a NUL is refused before any view: input_guard.py)
    "/\u2028/evil.example",
    "/%09/evil.example",  # the same, percent-encoded
    "/%0a/evil.example",
    "/%5Cevil.example",
    "/%2F%2Fevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
]
LOCAL = ["/", "/merchants?q=王记&page=2", "/console/audit?entity=stalls"]


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_sends_nowhere_else(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", LOCAL)
def test_the_language_switch_returns_to_the_page(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(target.split("?")[0])


@pytest.mark.parametrize("target", [*HOSTILE, *LOCAL])
def test_log_in_sends_only_to_a_local_path(world, app, target):
    name = world.district().username
    client = app.test_client()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": name, "password": PASSWORD}
        | {"csrf_token": csrf_token(client, "/login")},
    )
    assert response.status_code == 302
    landing = target if target in LOCAL else "/"
    assert response.headers["Location"].split("?")[0] == landing.split("?")[0]
