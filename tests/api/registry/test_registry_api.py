"""Markets, stalls, fair-scale devices, streets and communities through the API."""

import pytest

from creditsvc.extensions import db
from creditsvc.models import Community, Device, Market, Stall, Street

HOST_USCC = "9131000013221158XC"


def test_market_stall_and_device_lifecycle(world):
    officer = world.district()
    street = world.street()
    market = officer.post(
        "/api/v1/markets",
        json={
            "name": "斜土路菜市场",
            "district": "310104",
            "street_id": street.id,
            "host_name": "上海某某市场经营管理有限公司",
            "host_uscc": HOST_USCC,
        },
    )
    assert market.status_code == 201
    market_id = market.json["id"]
    merchant = world.merchant()
    stall = officer.post(
        "/api/v1/stalls",
        json={"market_id": market_id, "number": "A-012", "merchant": merchant.uscc},
    )
    assert stall.status_code == 201
    assert stall.json["merchant"] == merchant.uscc
    cleared = officer.patch(f"/api/v1/stalls/{stall.json['id']}", json={"merchant": None})
    assert cleared.json["merchant"] is None
    device = officer.post(
        "/api/v1/devices",
        json={"serial": "FS-310104-0001", "market_id": market_id, "high_accuracy": True},
    )
    assert device.status_code == 201
    assert device.json["k"] == 1
    changed = officer.patch("/api/v1/devices/FS-310104-0001", json={"high_accuracy": False})
    assert changed.json["k"] == 2


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/markets", {"name": "x", "district": "310104", "host_uscc": "123"}, "host_uscc"),
        ("/api/v1/markets", {"district": "310104"}, "name"),
        ("/api/v1/markets", {"name": "x", "district": "31010"}, "district"),
        ("/api/v1/markets", {"name": "x", "district": "310104", "street_id": 999}, "street_id"),
        ("/api/v1/stalls", {"market_id": "MARKET", "number": ""}, "number"),
        ("/api/v1/devices", {"serial": "bad serial!", "market_id": "MARKET"}, "serial"),
        (
            "/api/v1/devices",
            {"serial": "FS-1", "market_id": "MARKET", "high_accuracy": "maybe"},
            "high_accuracy",
        ),
        (
            "/api/v1/devices",
            {"serial": "FS-1", "market_id": "MARKET", "verification_due": "2026-13-01"},
            "verification_due",
        ),
        ("/api/v1/streets", {"district": "310104", "name": ""}, "name"),
        ("/api/v1/streets", {"district": "310104", "name": "x", "kind": "village"}, "kind"),
        ("/api/v1/communities", {"street_id": 999, "name": "示范街区"}, "street_id"),
        ("/api/v1/communities", {"street_id": "STREET"}, "name"),
    ],
)
def test_bad_registry_input_names_the_field_and_writes_nothing(world, url, payload, field):
    market, street = world.market(), world.street()
    payload = {
        k: market.id if v == "MARKET" else street.id if v == "STREET" else v
        for k, v in payload.items()
    }
    counts = [db.session.query(m).count() for m in (Market, Stall, Device, Street, Community)]
    response = world.district().post(url, json=payload)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert [
        db.session.query(m).count() for m in (Market, Stall, Device, Street, Community)
    ] == counts


def test_a_market_that_does_not_exist_is_not_found(world):
    response = world.district().post("/api/v1/stalls", json={"market_id": 999, "number": "A-1"})
    assert response.status_code == 404 and "market_id" in response.json["errors"]["json"]
    assert db.session.query(Stall).count() == 0


def test_duplicates_are_conflicts(world):
    officer = world.district()
    market = world.market()
    officer.post("/api/v1/stalls", json={"market_id": market.id, "number": "A-1"})
    assert (
        officer.post("/api/v1/stalls", json={"market_id": market.id, "number": "A-1"}).status_code
        == 409
    )
    officer.post("/api/v1/devices", json={"serial": "FS-1", "market_id": market.id})
    assert (
        officer.post("/api/v1/devices", json={"serial": "FS-1", "market_id": market.id}).status_code
        == 409
    )
    officer.post("/api/v1/streets", json={"district": "310104", "name": "天平路街道"})
    again = officer.post("/api/v1/streets", json={"district": "310104", "name": "天平路街道"})
    assert again.status_code == 409


def test_streets_and_communities(world):
    officer = world.district()
    street = officer.post("/api/v1/streets", json={"district": "310104", "name": "天平路街道"}).json
    community = officer.post(
        "/api/v1/communities", json={"street_id": street["id"], "name": "天平路诚信计量示范街区"}
    )
    assert community.status_code == 201
    assert community.json["status"] == "applying"
    assert community.json["district"] == "310104"
    listed = officer.get("/api/v1/communities?district=310104&status=applying").json
    assert [c["name"] for c in listed["items"]] == ["天平路诚信计量示范街区"]
    assert officer.get(f"/api/v1/streets/{street['id']}").json["name"] == "天平路街道"
    assert officer.get("/api/v1/streets?district=310104&q=天平").json["total"] == 1


def test_a_district_officer_cannot_add_streets_elsewhere(world):
    response = world.district().post("/api/v1/streets", json={"district": "310106", "name": "x"})
    assert response.status_code == 403
    assert db.session.query(Street).count() == 0


def test_a_host_sees_and_changes_only_its_markets(world):
    mine, theirs = world.market(), world.market()
    host = world.host(mine)
    assert [m["id"] for m in host.get("/api/v1/markets").json["items"]] == [mine.id]
    assert host.patch(f"/api/v1/markets/{theirs.id}", json={"address": "x"}).status_code == 404
    assert host.patch(f"/api/v1/markets/{mine.id}", json={"address": "y"}).json["address"] == "y"
