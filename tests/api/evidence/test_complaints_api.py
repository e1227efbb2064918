"""Complaints: lifecycle with officer and reason, and the complainant's contact kept private."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import AuditEntry, Complaint, CurrentScore, DirtyMerchant

PHONE = "13800138000"
CONTACT = f"王女士 {PHONE}"


def complaint(subject, **extra):
    data = {
        "merchant": subject.uscc,
        "channel": "12345",
        "received_on": clock.today().isoformat(),
        "allegation": "买了一斤排骨，复称只有八两",
        "contact": CONTACT,
    }
    data.update(extra)
    return data


@pytest.fixture
def filed(world):
    merchant = world.merchant(world.XUHUI)
    officer = world.district(world.XUHUI)
    created = officer.post("/api/v1/complaints", json=complaint(merchant))
    assert created.status_code == 201
    return {"merchant": merchant, "officer": officer, "id": created.json["id"]}


def move(caller, complaint_id, to, reason="核查结论"):
    return caller.post(
        f"/api/v1/complaints/{complaint_id}/transitions", json={"to": to, "reason": reason}
    )


@pytest.mark.parametrize(
    "path",
    [
        ["verifying", "substantiated"],
        ["verifying", "unfounded"],
        ["verifying", "withdrawn"],
        ["withdrawn"],
    ],
)
def test_every_branch_of_the_lifecycle(filed, path):
    for step in path:
        response = move(filed["officer"], filed["id"], step)
        assert response.status_code == 200
        assert response.json["status"] == step
    history = response.json["transitions"]
    assert [(t["from_status"], t["to_status"]) for t in history] == list(
        zip(["received", *path[:-1]], path, strict=True)
    )
    assert all(t["actor"].startswith("user:district") and t["reason"] for t in history)
    assert response.json["decided_on"] == clock.today().isoformat()


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ([], "substantiated"),
        ([], "unfounded"),
        (["verifying", "unfounded"], "substantiated"),
        (["withdrawn"], "verifying"),
        (["verifying"], "received"),
    ],
)
def test_moves_the_lifecycle_does_not_allow(filed, path, bad):
    for step in path:
        move(filed["officer"], filed["id"], step)
    response = move(filed["officer"], filed["id"], bad)
    assert response.status_code == 409
    assert db.session.get(Complaint, filed["id"]).status == (path[-1] if path else "received")


def test_a_transition_needs_a_reason(filed):
    response = filed["officer"].post(
        f"/api/v1/complaints/{filed['id']}/transitions", json={"to": "verifying"}
    )
    assert response.status_code == 422
    assert "reason" in response.json["errors"]["json"]


def test_contact_only_for_officers_of_that_district(world, filed):
    url = f"/api/v1/complaints/{filed['id']}"
    assert filed["officer"].get(url).json["contact"] == CONTACT
    for caller in (world.city(), world.merchant_user(filed["merchant"])):
        body = caller.get(url).get_data(as_text=True)
        assert PHONE not in body
    assert world.district(world.JINGAN).get(url).status_code == 404
    listing = world.city().get("/api/v1/complaints").get_data(as_text=True)
    assert PHONE not in listing


def test_contact_is_encrypted_at_rest_and_never_audited(filed):
    raw = db.session.execute(text("SELECT contact_encrypted FROM complaints")).scalar_one()
    assert PHONE.encode() not in bytes(raw)
    for entry in db.session.query(AuditEntry):
        assert PHONE not in str(entry.before) + str(entry.after)


def test_a_complaint_gets_its_merchant_rescored(filed):
    # Without Redis the rescore of the dirty merchant runs in-process after the commit.
    assert db.session.get(CurrentScore, filed["merchant"].id) is not None
    assert db.session.get(DirtyMerchant, filed["merchant"].id) is None


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"channel": "wechat"}, "channel"),
        ({"received_on": (clock.today() + timedelta(days=2)).isoformat()}, "received_on"),
        ({"allegation": ""}, "allegation"),
        ({"contact": "x" * 201}, "contact"),
        ({"merchant": "91440300708461136T"}, "merchant"),
        ({"rating": 1}, "rating"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, extra, field):
    merchant = world.merchant()
    response = world.district().post("/api/v1/complaints", json=complaint(merchant, **extra))
    # A merchant not registered is not found, as another district's is (issue 17).
    assert response.status_code == (404 if field == "merchant" else 422)
    assert field in response.json["errors"]["json"]
    assert db.session.query(Complaint).count() == 0


def test_roles_that_may_not_file_or_move(world, filed):
    for caller in (
        world.host(world.market()),
        world.merchant_user(filed["merchant"]),
        world.anonymous(),
    ):
        assert caller.post("/api/v1/complaints", json=complaint(filed["merchant"])).status_code in (
            401,
            403,
        )
        assert move(caller, filed["id"], "verifying").status_code in (401, 403)
    assert move(world.district(world.JINGAN), filed["id"], "verifying").status_code == 404
    assert db.session.get(Complaint, filed["id"]).status == "received"
