"""Self-commitments (诚信计量自我承诺书): signed in the portal or recorded from paper with
its scan, withdrawn; history kept and Merchant.commitment_signed_on kept in step."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import AuditEntry, Commitment, Merchant, Notification
from creditsvc.services.programme import commitments
from creditsvc.services.publication import eligibility
from tests.factories import inspect

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%scan\n"
TODAY = clock.today()


def upload(data: bytes, name: str = "scan.png", **fields):
    return {"document": (io.BytesIO(data), name), **fields}


def signed_on(merchant_id: int):
    db.session.expire_all()
    return db.session.get(Merchant, merchant_id).commitment_signed_on


def test_a_merchant_signs_in_the_portal_and_withdraws(world):
    merchant = world.merchant()
    me, officer = world.merchant_user(merchant), world.district()
    signed = me.post("/api/v1/commitments", json={})  # a JSON client: no form, no file
    assert signed.status_code == 201, signed.json
    assert signed.json["channel"] == "portal" and signed.json["in_force"]
    assert signed.json["signed_on"] == TODAY.isoformat()
    assert signed_on(merchant.id) == TODAY
    assert me.post("/api/v1/commitments", data={}).status_code == 409

    url = f"/api/v1/commitments/{signed.json['id']}/withdraw"
    assert me.post(url, json={}).status_code == 422  # a reason is required
    withdrawn = me.post(url, json={"reason": "经营者变更"})
    assert withdrawn.status_code == 200 and not withdrawn.json["in_force"]
    assert signed_on(merchant.id) is None
    assert me.post(url, json={"reason": "再次撤回"}).status_code == 409

    again = me.post("/api/v1/commitments", data={})
    assert again.status_code == 201 and signed_on(merchant.id) == TODAY
    history = officer.get(f"/api/v1/commitments?merchant={merchant.uscc}").json
    assert [c["in_force"] for c in history["items"]] == [True, False]
    actions = {(e.entity, e.action) for e in db.session.query(AuditEntry)}
    assert {("commitments", "sign"), ("commitments", "withdraw")} <= actions
    subjects = [n.subject for n in db.session.query(Notification)]
    assert "诚信计量自我承诺已撤回" in subjects


def test_an_officer_records_a_paper_commitment_with_its_scan(world, app):
    merchant = world.merchant()
    officer = world.district()
    paper_day = TODAY - timedelta(days=40)
    recorded = officer.post(
        "/api/v1/commitments",
        data=upload(PNG, merchant=merchant.uscc, signed_on=paper_day.isoformat()),
        content_type="multipart/form-data",
    )
    assert recorded.status_code == 201, recorded.json
    assert recorded.json["channel"] == "officer" and recorded.json["document_type"] == "image/png"
    assert signed_on(merchant.id) == paper_day
    scan = officer.get(f"/api/v1/commitments/{recorded.json['id']}/document")
    assert scan.status_code == 200 and scan.data == PNG and scan.mimetype == "image/png"
    mine = world.merchant_user(merchant).get(f"/api/v1/commitments/{recorded.json['id']}/document")
    assert mine.status_code == 200


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({}, "attach the scan"),
        ({"document": (io.BytesIO(b"hello, not a scan"), "scan.pdf")}, "PDF, JPEG or PNG"),
        ({"document": (io.BytesIO(b""), "scan.pdf")}, "empty"),
        ({"document": (io.BytesIO(PDF * 200), "big.pdf")}, "exceeds"),
        (upload(PDF, "scan.pdf", signed_on=(TODAY + timedelta(days=1)).isoformat()), "future"),
    ],
)
def test_a_recorded_commitment_is_checked(world, app, form, reason):
    app.config["COMMITMENT_DOCUMENT_MAX_BYTES"] = 1024
    merchant = world.merchant()
    response = world.district().post(
        "/api/v1/commitments",
        data={"merchant": merchant.uscc, **form},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert reason in str(response.json)
    assert db.session.query(Commitment).count() == 0
    assert signed_on(merchant.id) is None


ROLES = {
    "anonymous": 401,
    "host": 403,
    "association": 403,
    "other_district": 404,  # the merchant is not in their district: not found (issue 17)
    "district": 201,
    "city": 201,
}


@pytest.mark.parametrize(("who", "status"), ROLES.items())
def test_who_may_record_a_commitment(world, who, status):
    market = world.market()
    merchant = world.merchant(market=market)
    response = world.role(who, market=market).post(
        "/api/v1/commitments",
        data=upload(PDF, "scan.pdf", merchant=merchant.uscc),
        content_type="multipart/form-data",
    )
    assert response.status_code == status
    assert (signed_on(merchant.id) is not None) == (status == 201)


def test_others_do_not_see_or_withdraw_a_commitment(world):
    merchant, stranger = world.merchant(), world.merchant()
    commitment = world.merchant_user(merchant).post("/api/v1/commitments", data={}).json
    url = f"/api/v1/commitments/{commitment['id']}"
    outsider = world.merchant_user(stranger)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url + "/withdraw", json={"reason": "恶意撤回"}).status_code == 404
    assert world.district(world.JINGAN).get(url).status_code == 404
    assert outsider.get("/api/v1/commitments").json["total"] == 0
    assert world.district().get(url).status_code == 200
    assert world.district().get(url + "/document").status_code == 404  # signed online
    assert signed_on(merchant.id) == TODAY


def test_the_honor_roll_reads_the_commitment_in_force(world):
    officer = world.district()
    merchant = world.merchant(name="诚信果蔬")
    inspect(world, merchant, officer=officer)  # grade A

    def on_the_roll():
        return [c.content["name"] for c in eligibility.honor_roll(world.XUHUI, TODAY)]

    assert on_the_roll() == []  # no commitment signed
    me = world.merchant_user(merchant)
    signed = me.post("/api/v1/commitments", data={}).json
    assert on_the_roll() == ["诚信果蔬"]
    me.post(f"/api/v1/commitments/{signed['id']}/withdraw", json={"reason": "停业"})
    assert on_the_roll() == []


def test_a_date_already_in_the_registry_gets_its_history_row(world):
    merchant = world.merchant(commitment_signed_on=TODAY - timedelta(days=400))
    assert commitments.record_registry_dates("test") == 1
    assert commitments.record_registry_dates("test") == 0  # once
    db.session.commit()
    me = world.merchant_user(merchant)
    listed = me.get("/api/v1/commitments").json["items"]
    assert [(c["channel"], c["signed_on"]) for c in listed] == [
        ("registry", (TODAY - timedelta(days=400)).isoformat())
    ]
    me.post(f"/api/v1/commitments/{listed[0]['id']}/withdraw", json={"reason": "经营者变更"})
    assert signed_on(merchant.id) is None


def test_the_migration_gives_registry_dates_their_history_row(app, world):
    from flask_migrate import downgrade, upgrade

    merchant_id = world.merchant(commitment_signed_on=date(2025, 3, 1)).id
    db.session.remove()  # no open read: SQLite lets the migration write
    downgrade(revision="0005")
    upgrade(revision="0006")
    rows = db.session.execute(text("SELECT merchant_id, signed_on, channel FROM commitments")).all()
    assert [(m, str(d), c) for m, d, c in rows] == [(merchant_id, "2025-03-01", "registry")]
    db.session.remove()
    upgrade()
