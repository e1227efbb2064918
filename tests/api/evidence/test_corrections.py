"""Evidence is never edited: voiding adds a record, and the audit log shows both."""

from creditsvc.extensions import db
from creditsvc.models import AuditEntry, Inspection, Void
from tests.factories import inspect


def test_voiding_adds_a_record_and_keeps_the_evidence(world):
    merchant = world.merchant()
    inspection_id = inspect(world, merchant, ["UNVERIFIED"])
    officer = world.district()
    response = officer.post(
        "/api/v1/corrections",
        json={"kind": "inspection", "id": inspection_id, "reason": "录入时选错商户"},
    )
    assert response.status_code == 201
    assert db.session.get(Inspection, inspection_id).findings[0].code == "UNVERIFIED"
    shown = officer.get(f"/api/v1/inspections/{inspection_id}").json
    assert shown["void"]["reason"] == "录入时选错商户"
    actions = [(e.entity, e.action) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert ("inspections", "create") in actions and ("voids", "void") in actions
    assert officer.get("/api/v1/corrections").json["total"] == 1


def test_void_twice_is_a_conflict(world):
    inspection_id = inspect(world, world.merchant(), ["UNVERIFIED"])
    officer = world.district()
    body = {"kind": "inspection", "id": inspection_id, "reason": "重复录入"}
    assert officer.post("/api/v1/corrections", json=body).status_code == 201
    assert officer.post("/api/v1/corrections", json=body).status_code == 409
    assert db.session.query(Void).count() == 1


def test_void_needs_a_reason_and_an_existing_record_in_scope(world):
    inspection_id = inspect(world, world.merchant(world.XUHUI), ["UNVERIFIED"])
    no_reason = world.district().post(
        "/api/v1/corrections", json={"kind": "inspection", "id": inspection_id}
    )
    assert no_reason.status_code == 422
    missing = world.district().post(
        "/api/v1/corrections", json={"kind": "complaint", "id": 999, "reason": "不存在的记录"}
    )
    assert missing.status_code == 404
    elsewhere = world.district(world.JINGAN).post(
        "/api/v1/corrections",
        json={"kind": "inspection", "id": inspection_id, "reason": "越权作废"},
    )
    assert elsewhere.status_code == 404
    assert (
        world.merchant_user(world.merchant())
        .post(
            "/api/v1/corrections",
            json={"kind": "inspection", "id": inspection_id, "reason": "商户自行作废"},
        )
        .status_code
        == 403
    )
    assert db.session.query(Void).count() == 0
