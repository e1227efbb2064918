"""Demonstration units: nominated by an industry association (its own login) or applied
for by the merchant, assessed, designated for a validity period; a serious finding
suspends the designation at once and puts revocation before an officer."""

from __future__ import annotations

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import AuditEntry, DemonstrationUnit, Notice, Notification, User
from creditsvc.services.publication import eligibility, publishing
from creditsvc.workdays import add_months
from notices.render import render_html
from notices.serials import make_serial
from tests.factories import inspect

TODAY = clock.today()
UNITS = "/api/v1/demonstration-units"
LISTING = "/api/public/v1/demonstration-units"


def designated(world, officer, merchant, association=None):
    association = association or world.user("association")
    nominated = association.post(UNITS, json={"merchant": merchant.uscc, "statement": "协会推荐"})
    assert nominated.status_code == 201, nominated.json
    assert nominated.json["route"] == "nominated" and nominated.json["status"] == "pending"
    url = f"{UNITS}/{nominated.json['id']}"
    assessed = officer.post(url + "/assess", json={"designate": True, "note": "现场评审合格"})
    assert assessed.status_code == 200
    return url, assessed.json


def test_designated_then_suspended_by_a_serious_finding_then_revoked(world):
    officer = world.district()
    merchant = world.merchant(name="明亮眼镜店", trade="optical_shop", commitment_signed_on=TODAY)
    inspect(world, merchant, officer=officer)  # a clean inspection: rated, grade A
    association = world.user("association")
    url, unit = designated(world, officer, merchant, association)
    assert unit["status"] == "designated" and unit["designated_on"] == TODAY.isoformat()
    assert unit["valid_until"] == add_months(TODAY, 36).isoformat()
    assert [u["name"] for u in world.anonymous().get(LISTING).json] == ["明亮眼镜店"]
    honor = eligibility.honor_roll(world.XUHUI, TODAY)
    assert [(c.content["name"], c.content["demonstration"]) for c in honor] == [
        ("明亮眼镜店", True)
    ]
    assert "示范单位" in honor[0].qualifies
    assert eligibility.placard(merchant, TODAY)[0].content["demonstration"] is True

    inspection_id = inspect(world, merchant, ["CHEAT"], officer=officer)
    suspended = officer.get(url).json
    assert suspended["status"] == "suspended" and suspended["suspended_on"] == TODAY.isoformat()
    assert "CHEAT" in suspended["suspension_reason"]
    assert db.session.get(DemonstrationUnit, unit["id"]).suspending_inspection_id == inspection_id
    assert world.anonymous().get(LISTING).json == []
    assert eligibility.placard(merchant, TODAY)[0].content["demonstration"] is False
    queue = officer.get("/api/v1/queue").json["items"]
    assert [(i["kind"], i["step"]) for i in queue] == [
        ("demonstration_unit", "revoke_or_reinstate")
    ]
    told = db.session.query(Notification).filter(Notification.subject.like("示范单位已暂停%"))
    assert {n.user_id for n in told} >= {
        db.session.query(User).filter_by(username=association.username).one().id
    }

    revoked = officer.post(url + "/revoke", json={"reason": "使用作弊秤"})
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert officer.post(url + "/revoke", json={"reason": "再次撤销"}).status_code == 409
    assert officer.get("/api/v1/queue").json["items"] == []
    actions = [
        e.action for e in db.session.query(AuditEntry).filter_by(entity="demonstration_units")
    ]
    assert actions == ["file", "assess", "suspend", "revoke"]


def test_a_minor_finding_does_not_suspend_and_a_suspension_can_be_lifted(world):
    officer = world.district()
    merchant = world.merchant(trade="fuel_station")
    url, _ = designated(world, officer, merchant)
    inspect(world, merchant, ["UNVERIFIED"], officer=officer)  # major, not serious
    assert officer.get(url).json["status"] == "designated"
    tamper = inspect(world, merchant, ["TAMPER"], officer=officer)
    assert officer.get(url).json["status"] == "suspended"
    voided = {"kind": "inspection", "id": tamper, "reason": "录入错误"}
    assert officer.post("/api/v1/corrections", json=voided).status_code == 201
    put_back = db.session.query(Notification).filter(Notification.subject.like("暂停依据已作废%"))
    assert put_back.count() >= 1  # the voided finding is put before the officers
    lifted = officer.post(url + "/reinstate", json={"reason": "检查记录经异议作废"})
    assert lifted.json["status"] == "designated"
    assert len(world.anonymous().get(LISTING).json) == 1
    assert officer.post(url + "/reinstate", json={"reason": "x"}).status_code == 409


def test_a_merchant_applies_and_is_rejected(world):
    merchant = world.merchant()
    me = world.merchant_user(merchant)
    applied = me.post(
        UNITS, json={"statement": "申请示范单位", "merchant": "ignored-for-merchants"}
    )
    assert applied.status_code == 422  # the USCC field is checked even when not used
    applied = me.post(UNITS, json={"statement": "申请示范单位"})
    assert applied.status_code == 201 and applied.json["route"] == "applied"
    assert me.post(UNITS, json={"statement": "再申请一次"}).status_code == 409
    url = f"{UNITS}/{applied.json['id']}"
    rejected = world.district().post(url + "/assess", json={"designate": False, "note": "台账不全"})
    assert rejected.json["status"] == "rejected" and rejected.json["valid_until"] is None
    assert me.get(url).json["assessment_note"] == "台账不全"
    assert world.anonymous().get(LISTING).json == []
    assert me.post(UNITS, json={"statement": "整改后重新申请"}).status_code == 201


def test_each_role_sees_only_its_own_cases(world):
    merchant, other = world.merchant(), world.merchant(world.JINGAN)
    association, other_association = world.user("association"), world.user("association")
    url, _ = designated(world, world.district(), merchant, association)
    assert association.get(url).status_code == 200
    assert other_association.get(url).status_code == 404
    assert other_association.get(UNITS).json["total"] == 0
    assert world.merchant_user(merchant).get(url).status_code == 200
    assert world.merchant_user(other).get(url).status_code == 404
    assert world.district(world.JINGAN).get(url).status_code == 404
    assert world.city().get(UNITS).json["total"] == 1
    assert world.host(world.market()).get(UNITS).status_code == 403
    assert world.anonymous().get(UNITS).status_code == 401


@pytest.mark.parametrize(
    ("who", "nominate", "assess"),
    [
        ("anonymous", 401, 401),
        ("host", 403, 403),
        ("merchant", 201, 403),  # a merchant may apply for itself, not assess
        ("association", 201, 403),
        ("other_district", 403, 404),
        ("district", 403, 200),
        ("city", 403, 200),
    ],
)
def test_who_may_nominate_and_assess(world, who, nominate, assess):
    merchant = world.merchant()
    caller = world.role(who, merchant=merchant)
    body = (
        {"statement": "推荐"}
        if who == "merchant"
        else {"merchant": merchant.uscc, "statement": "推荐"}
    )
    assert caller.post(UNITS, json=body).status_code == nominate
    if nominate != 201:
        world.user("association").post(UNITS, json={"merchant": merchant.uscc, "statement": "推荐"})
    unit_id = db.session.query(DemonstrationUnit).one().id
    response = caller.post(f"{UNITS}/{unit_id}/assess", json={"designate": True, "note": "合格"})
    assert response.status_code == assess
    assert (db.session.get(DemonstrationUnit, unit_id).status == "designated") == (assess == 200)


def test_the_command_line_creates_an_association_login(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--role",
            "association",
            "--username",
            "optical-assoc",
            "--password",
            "correct horse battery",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(username="optical-assoc").one().role == "association"


def test_the_placard_of_a_demonstration_unit_says_so(world):
    officer = world.district()
    merchant = world.merchant(name="诚信加油站", trade="fuel_station")
    inspect(world, merchant, officer=officer)
    designated(world, officer, merchant)
    drafted = officer.post(
        "/api/v1/notices",
        json={"district": world.XUHUI, "kind": "placard", "merchant": merchant.uscc},
    )
    assert drafted.status_code == 201, drafted.json
    assert drafted.json["entries"][0]["content"]["demonstration"] is True
    notice = db.session.get(Notice, drafted.json["id"])
    context = publishing.context(notice, make_serial(world.XUHUI, TODAY.year, 1), TODAY)
    assert "诚信计量示范单位" in render_html("placard", context)
    ordinary = world.merchant(name="普通商店")
    assert eligibility.placard(ordinary, TODAY)[0].content["demonstration"] is False
