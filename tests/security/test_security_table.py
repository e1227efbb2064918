"""The authorisation table: read from the code, committed in SECURITY.md, true of real calls.

Every route is called with each role its `@allow` refuses: the answer must be a refusal (401,
403, 404, or a browser sent to the login page) and carry none of the record's data. The city
officer, allowed almost everywhere, must never be refused where the table admits it.
"""

from __future__ import annotations

import re

import pytest

from creditsvc.config import PROJECT_ROOT
from creditsvc.principals import CITY, DEVICE, DISTRICT, HOST, MERCHANT, PUBLIC
from creditsvc.security_table import markdown, routes, table_in, with_table
from tests.factories import Caller

SECRET_NAME = "哨兵商户甲"  # a merchant name no refusal may contain
ANONYMOUS = "anonymous"
NOT_CALLED = ("/logout",)  # public and harmless, but it would end nothing worth testing
PATH_VALUES = {"day": "2026-10-01", "code": "zh", "kind": "merchants", "run_id": "x"}


def test_security_md_carries_the_current_table(app):
    document = (PROJECT_ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert table_in(document) == markdown(app), (
        "SECURITY.md is stale: run `creditsvc routes --write SECURITY.md`"
    )


def test_the_table_has_every_route_and_no_undeclared_one(app):
    table = routes(app)
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert {(r.method, r.path) for r in table} == served
    assert all(r.roles for r in table)


def test_the_scope_rule_is_read_from_the_code(app):
    by_key = {(r.method, r.path): r for r in routes(app)}
    assert by_key[("GET", "/api/v1/merchants/<uscc>")].scope == ("merchants",)
    assert "evidence" in by_key[("GET", "/api/v1/complaints")].scope
    assert by_key[("POST", "/api/v1/readings")].scope == ("own device",)
    assert by_key[("GET", "/api/v1/tokens")].scope == ("own account",)
    assert by_key[("GET", "/healthz")].scope_text == "published data only"


def test_write_replaces_only_the_route_section():
    document = "# t\n\nbefore\n<!-- routes:start — x -->\nold\n<!-- routes:end -->\nafter\n"
    document = document.replace("<!-- routes:start — x -->", with_table.__globals__["ROUTES_START"])
    replaced = with_table(document, "| new |\n")
    assert table_in(replaced) == "| new |\n"
    assert replaced.startswith("# t\n\nbefore\n") and replaced.endswith("after\n")


@pytest.fixture
def callers(world):
    market = world.market(world.XUHUI)
    merchant = world.merchant(world.XUHUI, market=market, name=SECRET_NAME)
    device, fair_scale, _ = world.device(market, "FS-SEC-1")
    return {
        "merchant_uscc": merchant.uscc,
        "serial": device.serial,
        ANONYMOUS: world.anonymous(),
        CITY: world.city(),
        DISTRICT: world.district(world.XUHUI),
        HOST: world.host(market),
        MERCHANT: world.merchant_user(merchant),
        DEVICE: fair_scale,
    }


def _url(path: str, callers: dict) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if converter and converter.startswith("int"):
            return "1"
        if name == "uscc":
            return callers["merchant_uscc"]
        if name == "serial":
            return callers["serial"]
        return PATH_VALUES.get(name, "1")

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", value, path)


def _call(caller: Caller, method: str, url: str):
    kwargs = {} if method == "GET" else {"json": {}}
    return getattr(caller, method.lower())(url, **kwargs)


def _refused(response, who: str) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    # A page's form posted without its CSRF token stops there ("表单已过期", the form expired),
    if response.status_code == 400 and "表单已过期" in response.get_data(as_text=True):
        return True
    # A browser without a session is sent to log in, never shown the page.
    return (
        who == ANONYMOUS
        and response.status_code == 302
        and "/login" in response.headers.get("Location", "")
    )


def test_every_refused_role_gets_a_refusal_and_no_data(app, callers):
    wrong = []
    for route in routes(app):
        if PUBLIC in route.roles or route.path in NOT_CALLED:
            continue
        url = _url(route.path, callers)
        for who in (ANONYMOUS, CITY, DISTRICT, HOST, MERCHANT, DEVICE):
            if who in route.roles:
                continue
            response = _call(callers[who], route.method, url)
            leaked = SECRET_NAME in response.get_data(as_text=True)
            if not _refused(response, who) or leaked:
                wrong.append((route.method, url, who, response.status_code, leaked))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_city_officer_is_admitted_where_the_table_says(app, callers):
    wrong = []
    for route in routes(app):
        if CITY not in route.roles or route.path in NOT_CALLED:
            continue
        response = _call(callers[CITY], route.method, _url(route.path, callers))
        if response.status_code in (401, 403):
            wrong.append((route.method, route.path, response.status_code))
    assert wrong == []


def test_hsts_only_over_tls(app, client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://credit.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in secure.headers["Content-Security-Policy"]


def test_a_forwarded_proto_counts_only_from_a_trusted_proxy(database_url_for_test, tmp_path):
    from cryptography.fernet import Fernet

    from creditsvc import create_app

    def app_with(proxies: int):
        return create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": database_url_for_test,
                "SECRET_KEY": "t",
                "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
                "STORAGE_DIR": str(tmp_path / "s"),
                "TRUSTED_PROXIES": proxies,
            }
        )

    forwarded = {"X-Forwarded-Proto": "https"}
    untrusting = app_with(0).test_client().get("/api/v1/violations", headers=forwarded)
    assert "Strict-Transport-Security" not in untrusting.headers
    behind_proxy = app_with(1).test_client().get("/api/v1/violations", headers=forwarded)
    assert "Strict-Transport-Security" in behind_proxy.headers


def test_a_merchant_scoped_read_from_another_district_is_a_404_without_data(app, callers, world):
    """The scope column, sampled: every GET the table scopes by `scope.merchants` on a USCC."""
    other_district = world.district(world.JINGAN)
    other_host = world.host(world.market(world.JINGAN))
    sampled = [
        r
        for r in routes(app)
        if r.method == "GET" and "<uscc>" in r.path and "merchants" in r.scope
    ]
    assert len(sampled) >= 3
    for route in sampled:
        url = _url(route.path, callers)
        if route.path.startswith("/api/v1/merchants/"):  # others may hold no row yet (404)
            assert callers[DISTRICT].get(url).status_code == 200, url
        # A page only hosts may read (/host/merchants/<uscc>): the outsider is the host of
        # another district's market (roles only: a district officer there is a 403).
        outsider = other_district if DISTRICT in route.roles else other_host
        refused = outsider.get(url)
        assert refused.status_code == 404, url
        assert SECRET_NAME not in refused.get_data(as_text=True)
