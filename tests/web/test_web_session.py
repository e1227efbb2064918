"""Browser sessions: log in, CSRF on every form, password change ends other sessions."""

import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from tests.factories import PASSWORD, csrf_token, login
from tests.workers import served


def officer_name(world):
    return world.district().username


def test_login_form_without_csrf_token_is_refused(world, app):
    name = officer_name(world)
    client = app.test_client()
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert client.get("/api/v1/merchants").status_code == 401


def test_login_then_api_reads_with_the_session(world, app):
    name = officer_name(world)
    client = app.test_client()
    assert login(client, name, "wrong password!").status_code == 401
    assert login(client, name).status_code == 302
    assert client.get("/api/v1/merchants").status_code == 200


def test_session_api_writes_need_the_csrf_header(world, app):
    name = officer_name(world)
    client = app.test_client()
    login(client, name)
    payload = {"district": "310104", "name": "天平路街道"}
    refused = client.post("/api/v1/streets", json=payload)
    assert refused.status_code == 400
    assert "CSRF" in refused.json["message"]
    token = csrf_token(client, "/")
    allowed = client.post("/api/v1/streets", json=payload, headers={"X-CSRFToken": token})
    assert allowed.status_code == 201


def test_logout_needs_a_csrf_token(world, app):
    name = officer_name(world)
    client = app.test_client()
    login(client, name)
    assert client.post("/logout").status_code == 400
    assert client.get("/api/v1/merchants").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/api/v1/merchants").status_code == 401


def test_password_change_ends_other_sessions(world, app):
    name = officer_name(world)
    first, second = app.test_client(), app.test_client()
    login(first, name)
    login(second, name)
    token = csrf_token(first, "/account/password")
    changed = first.post(
        "/account/password",
        data={
            "old_password": PASSWORD,
            "new_password": "a new long password",
            "repeat": "a new long password",
            "csrf_token": token,
        },
    )
    assert changed.status_code == 302
    assert first.get("/api/v1/merchants").status_code == 200
    assert second.get("/api/v1/merchants").status_code == 401
    assert login(app.test_client(), name, "a new long password").status_code == 302


def test_pages_render_in_both_languages(client):
    zh = client.get("/").get_data(as_text=True)
    assert 'lang="zh-CN"' in zh
    client.get("/lang/en?next=/")
    en = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in en


def test_language_switch_is_no_open_redirect(client):
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_api_docs_render_offline(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/v1/merchants" in page and "MerchantIn" in page
    assert "http://" not in page.replace("http://127.0.0.1", "") and "https://" not in page


def _log_in_over_http(address, username: str) -> int:
    """GET the form (a session cookie and its CSRF token), then POST it; the status."""
    conn = http.client.HTTPConnection(*address, timeout=120)
    conn.request("GET", "/login")
    form = conn.getresponse()
    cookie = form.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.read().decode()).group(1)
    body = urlencode({"username": username, "password": PASSWORD, "csrf_token": token})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/login", body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def test_parallel_log_ins_all_get_their_answer(app, world, tmp_path):
    """Issue 17: ten log-ins at once on `make run`'s SQLite each answer, none 503."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"  # production's: a log-in takes its time
    names = [world.district().username for _ in range(10)]
    with served(app, tmp_path) as address, ThreadPoolExecutor(len(names)) as pool:
        statuses = list(pool.map(lambda name: _log_in_over_http(address, name), names))
    assert statuses == [302] * len(names)


def test_a_request_that_changes_nothing_does_not_send_the_cookie_back(world, app):
    # A form's message rides in the cookie of its redirect; a lookup the page sent earlier
    # that answers after it must not put back the cookie from before the message.
    name = officer_name(world)
    shop = world.merchant(name="王记蔬菜")
    client = app.test_client()
    login(client, name)
    before = client.get_cookie("session").value
    looked_up = client.get("/console/businesses/lookup", query_string={"q": "王记"})
    assert looked_up.status_code == 200
    assert [found["uscc"] for found in looked_up.json] == [shop.uscc]
    assert "Set-Cookie" not in looked_up.headers
    assert client.get_cookie("session").value == before
