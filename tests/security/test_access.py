"""Roles and district scope on every route: allowed where the design says, refused elsewhere.

A refusal of something out of scope is 403 or 404 and never carries the record's data.
"""

from __future__ import annotations

import pytest

from creditsvc.extensions import db


def test_every_route_declares_who_may_call_it(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "api-docs.openapi_json"):
            continue
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        handlers = (
            [getattr(view_class, m.lower()) for m in rule.methods if hasattr(view_class, m.lower())]
            if view_class
            else [view]
        )
        undeclared += [rule.rule for h in handlers if not hasattr(h, "allowed_roles")]
    assert undeclared == []


@pytest.fixture
def city_setup(world):
    """Two districts, each with a market, a merchant and the people who may act there."""
    xuhui_market = world.market(world.XUHUI)
    jingan_market = world.market(world.JINGAN)
    mine = world.merchant(world.XUHUI, market=xuhui_market, name="徐汇商户")
    theirs = world.merchant(world.JINGAN, market=jingan_market, name="静安商户")
    device, fair_scale, _ = world.device(xuhui_market, "FS-1")
    callers = {
        "anonymous": world.anonymous(),
        "city": world.city(),
        "district": world.district(world.XUHUI),
        "other_district": world.district(world.JINGAN),
        "host": world.host(xuhui_market),
        "other_host": world.host(jingan_market),
        "merchant": world.merchant_user(mine),
        "other_merchant": world.merchant_user(theirs),
        "device": fair_scale,
    }
    return {"merchant": mine, "market": xuhui_market, "device": device, "callers": callers}


READ_MERCHANT = {
    "anonymous": 401,
    "city": 200,
    "district": 200,
    "other_district": 404,
    "host": 200,
    "other_host": 404,
    "merchant": 200,
    "other_merchant": 404,
    "device": 403,
}


@pytest.mark.parametrize(("who", "status"), READ_MERCHANT.items())
def test_read_a_merchant(city_setup, who, status):
    merchant = city_setup["merchant"]
    response = city_setup["callers"][who].get(f"/api/v1/merchants/{merchant.uscc}")
    assert response.status_code == status
    if status != 200:
        assert merchant.name not in response.get_data(as_text=True)


CHANGE_MERCHANT = {
    "anonymous": 401,
    "city": 200,
    "district": 200,
    "other_district": 404,
    "host": 200,
    "other_host": 404,
    "merchant": 403,
    "other_merchant": 403,
    "device": 403,
}


@pytest.mark.parametrize(("who", "status"), CHANGE_MERCHANT.items())
def test_change_a_merchant(city_setup, who, status):
    merchant = city_setup["merchant"]
    caller = city_setup["callers"][who]
    response = caller.patch(f"/api/v1/merchants/{merchant.uscc}", json={"name": "改名"})
    assert response.status_code == status
    db.session.refresh(merchant)
    assert merchant.name == ("改名" if status == 200 else "徐汇商户")


LIST_MERCHANTS = {
    "anonymous": (401, None),
    "city": (200, {"徐汇商户", "静安商户"}),
    "district": (200, {"徐汇商户"}),
    "other_district": (200, {"静安商户"}),
    "host": (200, {"徐汇商户"}),
    "merchant": (403, None),
    "device": (403, None),
}


@pytest.mark.parametrize(("who", "expected"), LIST_MERCHANTS.items())
def test_list_shows_only_what_is_in_scope(city_setup, who, expected):
    status, names = expected
    response = city_setup["callers"][who].get("/api/v1/merchants")
    assert response.status_code == status
    if names is not None:
        assert {item["name"] for item in response.json["items"]} == names
        # Asking for another district's merchants by filter yields nothing extra.
        filtered = city_setup["callers"][who].get("/api/v1/merchants?district=310106")
        assert {i["name"] for i in filtered.json["items"]} <= names


def _routes(setup):
    merchant, market, device = setup["merchant"], setup["market"], setup["device"]
    return {
        "list markets": ("get", "/api/v1/markets", None),
        "read market": ("get", f"/api/v1/markets/{market.id}", None),
        "change market": ("patch", f"/api/v1/markets/{market.id}", {"address": "新地址"}),
        "create market": ("post", "/api/v1/markets", {"name": "新市场", "district": "310104"}),
        "list stalls": ("get", "/api/v1/stalls", None),
        "create stall": ("post", "/api/v1/stalls", {"market_id": market.id, "number": "B-1"}),
        "list devices": ("get", "/api/v1/devices", None),
        "read device": ("get", f"/api/v1/devices/{device.serial}", None),
        "device tokens": ("get", f"/api/v1/devices/{device.serial}/tokens", None),
        "create device": ("post", "/api/v1/devices", {"serial": "FS-9", "market_id": market.id}),
        "list streets": ("get", "/api/v1/streets", None),
        "create street": ("post", "/api/v1/streets", {"district": "310104", "name": "新街道"}),
        "list communities": ("get", "/api/v1/communities", None),
        "instruments": ("get", f"/api/v1/merchants/{merchant.uscc}/instruments", None),
        "audit": ("get", "/api/v1/audit", None),
        "own tokens": ("get", "/api/v1/tokens", None),
    }


# who → the routes (by name) they may use; every other route must refuse them.
ALLOWED = {
    "city": "all",
    "district": "all",
    "other_district": {
        "list markets",
        "list stalls",
        "list devices",
        "list streets",
        "list communities",
        "audit",
        "own tokens",
    },
    "host": {
        "list markets",
        "read market",
        "change market",
        "list stalls",
        "create stall",
        "list devices",
        "read device",
        "device tokens",
        "create device",
        "list streets",
        "list communities",
        "instruments",
        "own tokens",
    },
    "merchant": {"instruments", "own tokens"},
    "other_merchant": {"own tokens"},
    "device": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("who", ALLOWED)
def test_each_role_on_each_route(city_setup, who):
    routes = _routes(city_setup)
    allowed = set(routes) if ALLOWED[who] == "all" else ALLOWED[who]
    caller = city_setup["callers"][who]
    outcome = {}
    for name, (method, url, body) in routes.items():
        response = getattr(caller, method)(url, json=body) if body else getattr(caller, method)(url)
        outcome[name] = response.status_code
    # 422 is a refusal too: a body naming a market outside your scope is "no such market".
    refused = {name for name, status in outcome.items() if status in (401, 403, 404, 422)}
    succeeded = {name for name, status in outcome.items() if status in (200, 201)}
    assert (succeeded, refused) == (allowed, set(routes) - allowed), str(outcome)


def test_a_district_officer_cannot_register_in_another_district(world):
    response = world.district(world.XUHUI).post(
        "/api/v1/merchants",
        json={"uscc": world.uscc(), "name": "越界", "trade": "other", "district": "310106"},
    )
    assert response.status_code == 403
    assert world.city().get("/api/v1/merchants").json["total"] == 0
