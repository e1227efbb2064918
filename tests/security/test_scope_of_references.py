"""Every reference a caller makes to a merchant, market or plan is resolved within the
caller's scope (issue 17, finding 1): naming another district's record in a write is a
404 with the body reading it gives, nothing is stored, and a change that touches two
districts is in both districts' audit logs."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    AuditEntry,
    Commitment,
    Complaint,
    DemonstrationUnit,
    Device,
    DirtyMerchant,
    Inspection,
    InspectionPlan,
    Merchant,
    Notice,
    OfficerConflict,
    Reading,
    Stall,
)
from tests.factories import Caller

MINHANG = "310112"
WHEN = f"{clock.today() - timedelta(days=3)}T09:30:00+08:00"  # within READING_MAX_AGE_DAYS


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assert_unseen(response, reading, field: str) -> None:
    """Refused as reading it is refused: 404, the same code, status and message, and the
    field of the input that named it."""
    assert response.status_code == 404, response.json
    assert reading.status_code == 404, reading.json
    keys = ("code", "status", "message")
    assert {k: response.json[k] for k in keys} == {k: reading.json[k] for k in keys}
    assert field in response.json["errors"]["json"], response.json


def answer_for_nobody(world, caller: Caller, url: str, body: dict, field: str):
    """The answer when `field` names a well-formed USCC no merchant is registered with."""
    return caller.post(url, json={**body, field: world.uscc()})


# Stalls: the hole of the finding ----------------------------------------------------------


def test_a_host_cannot_put_another_districts_merchant_on_its_stalls(world):
    market = world.market()
    host = world.host(market)
    theirs = world.merchant(MINHANG, market=world.market(MINHANG))
    reading = host.get(f"/api/v1/merchants/{theirs.uscc}")
    body = {"market_id": market.id, "number": "A-1", "merchant": theirs.uscc}
    created = host.post("/api/v1/stalls", json=body)
    assert_unseen(created, reading, "merchant")
    nobody = answer_for_nobody(world, host, "/api/v1/stalls", body, "merchant")
    assert created.json == nobody.json  # existence elsewhere is not told
    stall = host.post("/api/v1/stalls", json={"market_id": market.id, "number": "A-2"}).json
    assigned = host.patch(f"/api/v1/stalls/{stall['id']}", json={"merchant": theirs.uscc})
    assert_unseen(assigned, reading, "merchant")
    assert db.session.scalar(select(Stall.merchant_id).where(Stall.id == stall["id"])) is None
    assert count(Stall) == 1


def test_a_district_officer_cannot_put_another_districts_merchant_on_a_stall(world):
    officer = world.district()
    market = world.market()
    theirs = world.merchant(world.JINGAN)
    reading = officer.get(f"/api/v1/merchants/{theirs.uscc}")
    body = {"market_id": market.id, "number": "A-1", "merchant": theirs.uscc}
    assert_unseen(officer.post("/api/v1/stalls", json=body), reading, "merchant")
    stall = officer.post("/api/v1/stalls", json={"market_id": market.id, "number": "A-2"}).json
    assigned = officer.patch(f"/api/v1/stalls/{stall['id']}", json={"merchant": theirs.uscc})
    assert_unseen(assigned, reading, "merchant")
    mine = world.merchant()
    kept = officer.patch(f"/api/v1/stalls/{stall['id']}", json={"merchant": mine.uscc})
    assert kept.status_code == 200 and kept.json["merchant"] == mine.uscc


def test_the_city_puts_on_a_stall_only_a_merchant_of_the_markets_district(world):
    city = world.city()
    market = world.market()
    theirs = world.merchant(MINHANG)
    body = {"market_id": market.id, "number": "A-1", "merchant": theirs.uscc}
    refused = city.post("/api/v1/stalls", json=body)
    assert refused.status_code == 422, refused.json
    assert "merchant" in refused.json["errors"]["json"]
    assert count(Stall) == 0


def test_a_scale_judges_no_merchant_of_another_district(world):
    """A stall assigned across districts before the fix: the market's scales post readings
    naming the stall or the merchant, and neither reaches that merchant's grade."""
    market = world.market()
    theirs = world.merchant(MINHANG, market=world.market(MINHANG))
    db.session.add(Stall(market_id=market.id, number="X-1", merchant_id=theirs.id))
    db.session.commit()
    _, scale, _ = world.device(market, "FS-X")
    item = {"time": WHEN, "settled_g": 1000, "measured_g": 900, "category": "vegetable"}
    answer = scale.post(
        "/api/v1/readings",
        json={
            "readings": [
                {**item, "seq": 1, "stall": "X-1"},
                {**item, "seq": 2, "merchant": theirs.uscc},
            ]
        },
    )
    assert answer.status_code == 200, answer.json
    assert (answer.json["accepted"], answer.json["rejected"]) == (0, 2), answer.json
    assert [e["field"] for e in answer.json["errors"]] == ["stall", "merchant"]
    assert count(Reading) == 0
    dirty = select(func.count()).where(DirtyMerchant.merchant_id == theirs.id)
    assert db.session.scalar(dirty) == 0


def test_clearing_a_stall_held_across_districts_is_logged_in_both(world):
    market = world.market()
    theirs = world.merchant(MINHANG)
    stall = Stall(market_id=market.id, number="X-1", merchant_id=theirs.id)
    db.session.add(stall)
    db.session.commit()
    cleared = world.district().patch(f"/api/v1/stalls/{stall.id}", json={"merchant": None})
    assert cleared.status_code == 200, cleared.json
    stmt = select(AuditEntry.district_code).where(
        AuditEntry.entity == "stalls", AuditEntry.entity_id == str(stall.id)
    )
    assert sorted(db.session.scalars(stmt)) == [world.XUHUI, MINHANG]
    minhang = world.district(MINHANG).get(f"/api/v1/audit?entity=stalls&entity_id={stall.id}")
    assert minhang.json["total"] == 1, minhang.json
    assert minhang.json["items"][0]["before"] == {"merchant_id": theirs.id}


# Markets named in a write -----------------------------------------------------------------


def test_devices_and_merchants_name_only_markets_in_scope(world):
    officer = world.district()
    theirs = world.market(world.JINGAN)
    reading = officer.get(f"/api/v1/markets/{theirs.id}")
    device = officer.post("/api/v1/devices", json={"serial": "FS-J", "market_id": theirs.id})
    assert_unseen(device, reading, "market_id")
    registered = officer.post(
        "/api/v1/merchants",
        json={
            "uscc": world.uscc(),
            "name": "测试商户",
            "trade": "market_stall",
            "district": world.XUHUI,
            "market_id": theirs.id,
        },
    )
    assert_unseen(registered, reading, "market_id")
    hosted = world.market()
    host, mine = world.host(hosted), world.merchant(market=hosted)
    moved = host.patch(f"/api/v1/merchants/{mine.uscc}", json={"market_id": world.market().id})
    assert moved.status_code == 404 and "market_id" in moved.json["errors"]["json"]
    assert count(Device) == 0
    assert count(Merchant) == 1


# Merchants named as the subject of evidence, programme and publication ----------------------


def test_evidence_names_only_merchants_in_scope(world):
    officer = world.district()
    theirs = world.merchant(world.JINGAN)
    reading = officer.get(f"/api/v1/merchants/{theirs.uscc}")
    inspection = officer.post(
        "/api/v1/inspections",
        json={
            "merchant": theirs.uscc,
            "inspected_on": clock.today().isoformat(),
            "kind": "routine",
            "officers": ["张三"],
        },
    )
    assert_unseen(inspection, reading, "merchant")
    complaint = officer.post(
        "/api/v1/complaints",
        json={
            "merchant": theirs.uscc,
            "channel": "12345",
            "received_on": clock.today().isoformat(),
            "allegation": "短秤",
        },
    )
    assert_unseen(complaint, reading, "merchant")
    assert (count(Inspection), count(Complaint), count(DirtyMerchant)) == (0, 0, 0)


def test_the_programme_names_only_merchants_in_scope(world):
    officer = world.district()
    theirs = world.merchant(world.JINGAN)
    reading = officer.get(f"/api/v1/merchants/{theirs.uscc}")
    scan = {"document": (io.BytesIO(b"%PDF-1.7\n"), "scan.pdf"), "merchant": theirs.uscc}
    paper = officer.post("/api/v1/commitments", data=scan, content_type="multipart/form-data")
    assert paper.status_code == 404 and paper.json["message"] == reading.json["message"]
    conflict = officer.post(
        "/api/v1/officer-conflicts", json={"merchant": theirs.uscc, "reason": "亲属关系"}
    )
    assert_unseen(conflict, reading, "merchant")
    community = officer.post(
        "/api/v1/communities", json={"street_id": world.street().id, "name": "示范街区"}
    ).json
    units = officer.put(
        f"/api/v1/communities/{community['id']}/units", json={"units": [theirs.uscc]}
    )
    assert units.status_code == 404 and "units" in units.json["errors"]["json"]
    association = world.user("association")
    nominated = association.post(
        "/api/v1/demonstration-units", json={"merchant": world.uscc(), "statement": "协会推荐"}
    )
    assert nominated.status_code == 404 and "merchant" in nominated.json["errors"]["json"]
    assert (count(Commitment), count(OfficerConflict), count(DemonstrationUnit)) == (0, 0, 0)


def test_a_placard_names_only_a_merchant_in_scope(world):
    officer = world.district()
    theirs = world.merchant(world.JINGAN)
    reading = officer.get(f"/api/v1/merchants/{theirs.uscc}")
    placard = officer.post(
        "/api/v1/notices",
        json={"kind": "placard", "district": world.XUHUI, "merchant": theirs.uscc},
    )
    assert_unseen(placard, reading, "merchant")
    assert count(Notice) == 0


def test_an_inspection_names_only_a_plan_in_scope(world):
    theirs = InspectionPlan(
        district_code=world.JINGAN,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        seed=1,
        ratios={},
        population={},
        created_by="test",
    )
    db.session.add(theirs)
    db.session.commit()
    officer = world.district()
    reading = officer.get(f"/api/v1/inspection-plans/{theirs.id}")
    inspection = officer.post(
        "/api/v1/inspections",
        json={
            "merchant": world.merchant().uscc,
            "inspected_on": clock.today().isoformat(),
            "kind": "random",
            "officers": ["张三"],
            "plan": theirs.id,
        },
    )
    assert_unseen(inspection, reading, "plan")
    assert count(Inspection) == 0


def test_a_conflict_across_districts_is_logged_in_both(world):
    officer, theirs = world.district(), world.merchant(world.JINGAN)
    declared = world.city().post(
        "/api/v1/officer-conflicts",
        json={"officer": officer.username, "merchant": theirs.uscc, "reason": "亲属关系"},
    )
    assert declared.status_code == 201, declared.json
    stmt = select(AuditEntry.district_code).where(AuditEntry.entity == "officer_conflicts")
    assert sorted(db.session.scalars(stmt)) == [world.XUHUI, world.JINGAN]
