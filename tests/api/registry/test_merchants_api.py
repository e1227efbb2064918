"""Registering and changing merchants: USCC checks, the override path, bad input, audit."""

from urllib.parse import quote, urlencode

import pytest

from creditsvc.extensions import db
from creditsvc.models import AuditEntry, Merchant
from tests.factories import inspect

TENCENT = "91440300708461136T"
BAD_CHECK = "91440300708461136X"


def body(**overrides):
    data = {"uscc": TENCENT, "name": "腾讯便利店", "trade": "other", "district": "310104"}
    data.update(overrides)
    return data


def count_merchants():
    return db.session.query(Merchant).count()


def test_register_and_read_back(world):
    officer = world.district()
    created = officer.post("/api/v1/merchants", json=body(uscc=" 9144030070846113 6t "))
    assert created.status_code == 201
    assert created.json["uscc"] == TENCENT
    read = officer.get(f"/api/v1/merchants/{TENCENT.lower()}")
    assert read.status_code == 200
    assert read.json["name"] == "腾讯便利店"
    assert read.json["district"] == "310104"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"uscc": "9144030070846113"}, "uscc", "18 characters"),
        ({"uscc": "91440300708461I36T"}, "uscc", "'I'"),
        ({"uscc": BAD_CHECK}, "uscc", "should be 'T'"),
        ({"name": ""}, "name", "Length"),
        ({"trade": "casino"}, "trade", "Must be one of"),
        ({"district": "110101"}, "district", "not a Shanghai district"),
        ({"street_id": "abc"}, "street_id", "integer"),
        ({"unexpected": 1}, "unexpected", "Unknown field"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, overrides, field, words):
    response = world.city().post("/api/v1/merchants", json=body(**overrides))
    assert response.status_code == 422
    assert response.json["code"] == 422
    reasons = " ".join(response.json["errors"]["json"][field])
    assert words.lower() in reasons.lower()
    assert count_merchants() == 0


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"district": "310199"}, 422, "district"),
        ({"street_id": 999}, 422, "street_id"),
        ({"market_id": 999}, 404, "market_id"),  # as reading it (issue 17)
    ],
)
def test_references_that_do_not_exist(world, overrides, status, field):
    response = world.city().post("/api/v1/merchants", json=body(**overrides))
    assert response.status_code == status
    assert field in response.json["errors"]["json"]
    assert count_merchants() == 0


def test_a_street_of_another_district_is_refused(world):
    street = world.street(world.JINGAN)
    response = world.city().post("/api/v1/merchants", json=body(street_id=street.id))
    assert response.status_code == 422
    assert "no street" in response.json["errors"]["json"]["street_id"][0]


def test_not_json_at_all(world):
    response = world.city().post(
        "/api/v1/merchants", data="uscc=1", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 422
    assert count_merchants() == 0


def test_duplicate_uscc_is_a_conflict(world):
    officer = world.city()
    assert officer.post("/api/v1/merchants", json=body()).status_code == 201
    again = officer.post("/api/v1/merchants", json=body(name="另一家"))
    assert again.status_code == 409
    assert "already registered" in again.json["errors"]["json"]["uscc"][0]
    assert count_merchants() == 1


def test_officer_overrides_a_failed_check_character_with_a_reason(world):
    reason = "2015年试点期间核发的代码，营业执照原件已核对"
    response = world.district().post(
        "/api/v1/merchants", json=body(uscc=BAD_CHECK, uscc_override_reason=reason)
    )
    assert response.status_code == 201
    assert response.json["uscc"] == BAD_CHECK
    assert response.json["uscc_override_reason"] == reason
    entry = db.session.query(AuditEntry).filter_by(entity="merchants", action="create").one()
    assert entry.reason == reason
    assert entry.after["uscc"] == BAD_CHECK


def test_override_cannot_excuse_a_malformed_code(world):
    response = world.city().post(
        "/api/v1/merchants",
        json=body(uscc="91440300708461I36T", uscc_override_reason="试点代码，已核对原件"),
    )
    assert response.status_code == 422
    assert "'I'" in response.json["errors"]["json"]["uscc"][0]
    assert count_merchants() == 0


def test_override_is_refused_for_a_valid_code(world):
    response = world.city().post(
        "/api/v1/merchants", json=body(uscc_override_reason="没有必要的理由说明")
    )
    assert response.status_code == 422
    assert "uscc_override_reason" in response.json["errors"]["json"]


def test_a_market_host_may_not_override(world):
    market = world.market()
    response = world.host(market).post(
        "/api/v1/merchants",
        json=body(uscc=BAD_CHECK, uscc_override_reason="试点代码，已核对原件", market_id=market.id),
    )
    assert response.status_code == 403
    assert count_merchants() == 0


def test_a_host_registers_only_in_its_own_markets(world):
    mine, theirs = world.market(), world.market()
    host = world.host(mine)
    assert host.post("/api/v1/merchants", json=body(market_id=theirs.id)).status_code == 404
    assert host.post("/api/v1/merchants", json=body()).status_code == 422
    assert host.post("/api/v1/merchants", json=body(market_id=mine.id)).status_code == 201


def test_an_update_is_audited_with_before_and_after(world):
    officer = world.district()
    officer.post("/api/v1/merchants", json=body())
    response = officer.patch(
        f"/api/v1/merchants/{TENCENT}", json={"name": "新名字", "address": "x路1号"}
    )
    assert response.status_code == 200
    entry = db.session.query(AuditEntry).filter_by(entity="merchants", action="update").one()
    assert entry.before == {"name": "腾讯便利店", "address": ""}
    assert entry.after == {"name": "新名字", "address": "x路1号"}
    assert entry.actor.startswith("user:district")
    assert entry.district_code == "310104"
    assert entry.at is not None


def test_an_update_cannot_touch_the_uscc_or_district(world):
    officer = world.city()
    officer.post("/api/v1/merchants", json=body())
    response = officer.patch(f"/api/v1/merchants/{TENCENT}", json={"uscc": "9144030070846113X"})
    assert response.status_code == 422
    response = officer.patch(f"/api/v1/merchants/{TENCENT}", json={"district": "310106"})
    assert response.status_code == 422


def test_list_filters_and_pages(world):
    officer = world.city()
    market = world.market()
    for i in range(5):
        world.merchant(name=f"菜摊{i}", market=market, trade="market_stall")
    world.merchant(world.JINGAN, name="静安眼镜", trade="optical_shop")
    page = officer.get("/api/v1/merchants?per_page=2&page=2&trade=market_stall").json
    assert (page["total"], page["pages"], len(page["items"])) == (5, 3, 2)
    assert officer.get("/api/v1/merchants?q=眼镜").json["items"][0]["name"] == "静安眼镜"
    assert officer.get(f"/api/v1/merchants?market_id={market.id}").json["total"] == 5
    assert officer.get("/api/v1/merchants?per_page=500").status_code == 422
    assert officer.get("/api/v1/merchants?page=0").status_code == 422


def test_instruments_are_registered_and_listed(world):
    merchant = world.merchant()
    officer = world.district()
    url = f"/api/v1/merchants/{merchant.uscc}/instruments"
    created = officer.post(url, json={"kind": "pricing_scale", "serial": "ACS-15-001"})
    assert created.status_code == 201
    assert officer.post(url, json={"kind": "sundial", "serial": "x"}).status_code == 422
    assert [i["serial"] for i in officer.get(url).json] == ["ACS-15-001"]


def test_a_code_pasted_with_spaces_finds_the_merchant_wherever_an_officer_types_one(world):
    """Every lookup reads a code as registration stores it (creditsvc.uscc.normalise)."""
    officer = world.district()
    merchant = world.merchant(name="空格商户")
    inspect(world, merchant)
    code = merchant.uscc
    spaced = f" {code[:6]} {code[6:12].lower()} {code[12:]} "  # as pasted from a licence
    record = officer.get(f"/api/v1/merchants/{quote(spaced)}")
    assert record.status_code == 200 and record.json["name"] == "空格商户"
    found = officer.get(f"/api/v1/merchants?{urlencode({'q': spaced})}")
    assert [item["uscc"] for item in found.json["items"]] == [code]
    inspections = officer.get(f"/api/v1/inspections?{urlencode({'merchant': spaced})}")
    assert [item["merchant"] for item in inspections.json["items"]] == [code]
    commitments = officer.get(f"/api/v1/commitments?{urlencode({'merchant': spaced})}")
    assert commitments.status_code == 200, commitments.json  # 18 characters once read
