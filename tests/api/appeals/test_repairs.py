"""Credit repair (信用修复): the conditions of 行政处罚信息公示规定 第十四条 checked as a pure
rule; an officer decides; an approved repair withdraws the entry at once, within the
3 working days of 社会信用条例 第三十七条."""

from __future__ import annotations

from datetime import date, timedelta

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.reminders import send_reminders
from creditsvc.models import NoticeEntry, Notification, RepairApplication, User
from creditsvc.principals import Principal
from creditsvc.services import calendar
from creditsvc.services.appeals import repairs
from scoring.repair import RepairFacts, assess
from tests.factories import exposure_body, inspect, penalise, publish

TODAY = clock.today()
REPAIRS = "/api/v1/repairs"


def facts(**kw):
    base = dict(
        published_on=date(2026, 1, 10),
        today=date(2026, 7, 10),
        violation_codes=frozenset({"SHORT_RETAIL"}),
        later_violation_codes=frozenset(),
        obligations_fulfilled=True,
        harm_remedied=True,
        on_restricted_lists=False,
    )
    return RepairFacts(**(base | kw))


def failed(check):
    return [r["code"] for r in check.reasons if r["ok"] is not True]


def test_the_conditions_of_article_14():
    assert assess(facts()).eligible and failed(assess(facts())) == []
    assert failed(assess(facts(today=date(2026, 7, 9)))) == ["MIN_PUBLISHED"]
    assert failed(assess(facts(strict_domain=True))) == ["MIN_PUBLISHED"]  # drugs: 1 year
    assert assess(facts(strict_domain=True, today=date(2027, 1, 10))).eligible
    assert failed(assess(facts(obligations_fulfilled=False))) == ["OBLIGATIONS"]
    assert failed(assess(facts(harm_remedied=False))) == ["HARM_REMEDIED"]
    repeat = assess(facts(later_violation_codes=frozenset({"SHORT_RETAIL", "UNVERIFIED"})))
    assert failed(repeat) == ["NO_REPEAT"] and "SHORT_RETAIL" in repeat.reasons[3]["text"]
    assert assess(facts(later_violation_codes=frozenset({"UNVERIFIED"}))).eligible
    assert failed(assess(facts(on_restricted_lists=True))) == ["NOT_LISTED"]
    unconfirmed = assess(facts(on_restricted_lists=None))
    assert not unconfirmed.eligible and unconfirmed.reasons[4]["ok"] is None


def published_entry(world, officer, months_ago=7, name="甲摊"):
    """A merchant's exposure entry, its publication moved back `months_ago` months."""
    merchant = world.merchant(name=name)
    penalise(world, merchant, f"徐市监罚〔2026〕{merchant.id}号", TODAY - timedelta(days=3))
    notice = publish(officer, exposure_body())
    entry = db.session.query(NoticeEntry).filter_by(merchant_id=merchant.id).one()
    entry.published_on = TODAY - timedelta(days=31 * months_ago)
    db.session.commit()
    return merchant, entry.id, notice


def apply(caller, entry_id, **kw):
    body = {
        "entry_id": entry_id,
        "statement": "已缴纳罚款并更换计量器具",
        "obligations_fulfilled": True,
        "harm_remedied": True,
    } | kw
    return caller.post(REPAIRS, json=body)


def decision(approve=True, **kw):
    return {
        "approve": approve,
        "reason": "符合信用修复条件",
        "obligations_fulfilled": True,
        "harm_remedied": True,
        "on_restricted_lists": False,
    } | kw


def test_an_approved_repair_withdraws_the_entry(world):
    officer = world.district()
    merchant, entry_id, notice = published_entry(world, officer)
    me = world.merchant_user(merchant)
    filed = apply(me, entry_id)
    assert filed.status_code == 201, filed.json
    check = filed.json["check"]
    assert not check["eligible"]  # the lists are for the officer to confirm
    assert [r["ok"] for r in check["reasons"]] == [True, True, True, True, None]
    assert filed.json["decision_due"] == calendar.deadline(TODAY, 15).isoformat()
    assert apply(me, entry_id).status_code == 409  # one pending application per entry
    queue = officer.get("/api/v1/queue").json["items"]
    assert [(i["kind"], i["due_on"]) for i in queue] == [("repair", filed.json["decision_due"])]

    url = f"{REPAIRS}/{filed.json['id']}/decide"
    approved = officer.post(url, json=decision())
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved" and approved.json["check"]["eligible"]
    assert approved.json["withdrawn_on"] == TODAY.isoformat()
    assert approved.json["withdraw_due"] == calendar.deadline(TODAY, 3).isoformat()
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert shown["entries"][0]["status"] == "withdrawn"
    verify = world.anonymous().get(f"/api/public/v1/documents/{notice['serial']}").json
    assert "信用修复" in verify["entries"][0]["withdraw_reason"]
    assert me.get(f"{REPAIRS}/{filed.json['id']}").json["decision_reason"] == "符合信用修复条件"
    assert officer.post(url, json=decision()).status_code == 409


def test_an_approval_is_refused_when_a_condition_is_unmet(world):
    officer = world.district()
    merchant, entry_id, notice = published_entry(world, officer, months_ago=1)
    me = world.merchant_user(merchant)
    filed = apply(me, entry_id).json
    url = f"{REPAIRS}/{filed['id']}/decide"
    early = officer.post(url, json=decision())
    assert early.status_code == 409 and "公示满6个月" in early.json["message"]
    listed = officer.post(url, json=decision(on_restricted_lists=True))
    assert listed.status_code == 409 and "名单" in listed.json["message"]
    refused = officer.post(url, json=decision(approve=False, reason="公示未满6个月"))
    assert refused.json["status"] == "refused" and refused.json["withdraw_due"] is None
    assert me.get(f"{REPAIRS}/{filed['id']}").json["decision_reason"] == "公示未满6个月"
    assert officer.get(f"/api/v1/notices/{notice['id']}").json["status"] == "published"


def test_a_repeat_of_the_same_violation_blocks_repair(world):
    officer = world.district()
    merchant, entry_id, _ = published_entry(world, officer)
    inspect(world, merchant, findings=("SHORT_RETAIL",), on=TODAY - timedelta(days=1))
    filed = apply(world.merchant_user(merchant), entry_id).json
    no_repeat = filed["check"]["reasons"][3]
    assert no_repeat["code"] == "NO_REPEAT" and no_repeat["ok"] is False
    response = officer.post(f"{REPAIRS}/{filed['id']}/decide", json=decision())
    assert response.status_code == 409 and "SHORT_RETAIL" in response.json["message"]


def test_who_may_apply_and_decide(world):
    officer = world.district()
    merchant, entry_id, _ = published_entry(world, officer)
    me, stranger = world.merchant_user(merchant), world.merchant_user(world.merchant())
    assert apply(stranger, entry_id).status_code == 422  # not its entry
    assert apply(officer, entry_id).status_code == 403
    assert apply(world.anonymous(), entry_id).status_code == 401
    assert apply(world.user("association"), entry_id).status_code == 403
    assert apply(me, entry_id, harm_remedied="maybe").status_code == 422
    filed = apply(me, entry_id).json
    url = f"{REPAIRS}/{filed['id']}"
    assert world.district(world.JINGAN).post(url + "/decide", json=decision()).status_code == 404
    assert me.post(url + "/decide", json=decision()).status_code == 403
    assert world.host(world.market()).post(url + "/decide", json=decision()).status_code == 403
    assert stranger.get(url).status_code == 404
    assert me.get(REPAIRS).json["total"] == 1 and stranger.get(REPAIRS).json["total"] == 0
    assert world.city().post(url + "/decide", json=decision()).status_code == 200


def test_the_withdrawal_deadline_counts_working_days_over_a_holiday(world):
    officer = world.district()
    merchant, entry_id, _ = published_entry(world, officer)
    apply(world.merchant_user(merchant), entry_id)
    application = db.session.query(RepairApplication).one()
    application.entry.published_on = date(2026, 1, 5)  # 6 months before the decision
    account = world.city().username
    city = Principal(role="city", user=db.session.query(User).filter_by(username=account).one())
    # 30 September 2026: the National Day holiday runs 1 to 7 October; Saturday 10 October
    # is a make-up working day (调休), so the third working day is that Saturday.
    repairs.decide(city, application, decision(), date(2026, 9, 30))
    assert application.withdraw_due == date(2026, 10, 10)
    db.session.commit()
    assert application.entry.status == "withdrawn"


def test_only_an_exposure_entry_can_be_repaired(world):
    officer = world.district()
    merchant = world.merchant(name="丁摊", commitment_signed_on=TODAY)
    inspect(world, merchant, findings=())
    roll = publish(officer, {"kind": "honor_roll"})
    entry_id = officer.get(f"/api/v1/notices/{roll['id']}").json["entries"][0]["id"]
    response = apply(world.merchant_user(merchant), entry_id)
    assert response.status_code == 422 and "exposure entry" in response.json["message"]


def test_officers_are_reminded_once_before_a_repair_decision_falls_due(world):
    officer = world.district()
    merchant, entry_id, _ = published_entry(world, officer)
    filed = apply(world.merchant_user(merchant), entry_id).json
    due = date.fromisoformat(filed["decision_due"])
    assert send_reminders(TODAY)["repairs"] == 0  # 15 working days ahead
    assert send_reminders(due)["repairs"] == 1
    assert send_reminders(due)["repairs"] == 0
    subjects = [n.subject for n in db.session.query(Notification)]
    assert f"信用修复申请即将到期：第{filed['id']}号" in subjects
