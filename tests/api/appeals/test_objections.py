"""Objections (异议): marked disputed at once, decided within 5 working days (Shanghai
社会信用条例 第三十六条) with a reminder first; upheld → the evidence is voided, the
merchant rescored and the published entry withdrawn (the verify page says why);
rejected → the reason is shown to the merchant. Replies next to the public record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.reminders import send_reminders
from creditsvc.models import (
    AuditEntry,
    CalendarDay,
    Notification,
    Objection,
    Reading,
    User,
    Void,
)
from creditsvc.principals import Principal
from creditsvc.services import calendar
from creditsvc.services.accounts import notifications
from creditsvc.services.appeals import objections
from creditsvc.services.errors import DomainError
from tests.api.evidence.test_readings_api import add_stall, post, reading
from tests.factories import complain, exposure_body, inspect, penalise, publish, substantiate

TODAY = clock.today()
OBJECTIONS = "/api/v1/objections"


def grade(caller, merchant):
    return caller.get(f"/api/v1/merchants/{merchant.uscc}/standing").json["grade"]


def published_penalty(world, officer, name="甲摊"):
    """A merchant with a clean inspection and a penalised one on a published notice."""
    merchant = world.merchant(name=name)
    inspect(world, merchant, findings=(), on=TODAY - timedelta(days=30))
    inspection_id = penalise(
        world,
        merchant,
        f"徐市监罚〔2026〕{merchant.id}号",
        TODAY - timedelta(days=5),
        findings=("UNVERIFIED",),
    )
    notice = publish(officer, exposure_body())
    return merchant, inspection_id, notice


def test_an_upheld_objection_voids_rescores_and_withdraws_the_entry(world):
    officer = world.district()
    merchant, inspection_id, notice = published_penalty(world, officer)
    me = world.merchant_user(merchant)
    assert grade(me, merchant) == "B"

    filed = me.post(
        OBJECTIONS,
        json={
            "kind": "inspection",
            "id": inspection_id,
            "grounds": "计量器具已在有效期内检定，附证书",
        },
    )
    assert filed.status_code == 201, filed.json
    assert filed.json["status"] == "disputed"
    assert filed.json["mark_due"] == calendar.deadline(TODAY, 1).isoformat()
    assert filed.json["decision_due"] == calendar.deadline(TODAY, 5).isoformat()
    public = world.anonymous().get(f"/api/public/v1/merchants/{merchant.uscc}").json
    assert public["disputed"] is True
    queue = officer.get("/api/v1/queue").json["items"]
    assert [(i["kind"], i["due_on"]) for i in queue] == [("objection", filed.json["decision_due"])]
    assert queue[0]["working_days_left"] == 5

    url = f"{OBJECTIONS}/{filed.json['id']}/decide"
    upheld = officer.post(url, json={"upheld": True, "reason": "检定证书有效，记录有误"})
    assert upheld.status_code == 200 and upheld.json["status"] == "upheld"
    assert (
        db.session.query(Void)
        .filter_by(evidence_id=inspection_id)
        .one()
        .reason.startswith("异议成立")
    )
    assert grade(me, merchant) == "A"  # rescored without the voided finding
    entry = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert entry["status"] == "withdrawn"  # its only entry came off, and the notice with it
    verify = world.anonymous().get(f"/api/public/v1/documents/{notice['serial']}").json
    assert verify["entries"][0]["status"] == "withdrawn"
    assert "异议成立" in verify["entries"][0]["withdraw_reason"]
    page = world.client.get(f"/verify/{notice['serial']}").get_data(as_text=True)
    assert "检定证书有效，记录有误" in page
    public = world.anonymous().get(f"/api/public/v1/merchants/{merchant.uscc}").json
    assert public["disputed"] is False and public["grade"] == "A"
    assert officer.post(url, json={"upheld": False, "reason": "改判"}).status_code == 409
    told = db.session.query(Notification).filter(Notification.subject.like("异议处理结果%"))
    assert told.count() == 1
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(entity="objections")]
    assert actions == ["file", "decide"]


def test_a_rejected_objection_shows_the_reason_and_keeps_the_evidence(world):
    officer = world.district()
    merchant, inspection_id, notice = published_penalty(world, officer)
    me = world.merchant_user(merchant)
    filed = me.post(OBJECTIONS, json={"kind": "inspection", "id": inspection_id, "grounds": "不服"})
    again = me.post(OBJECTIONS, json={"kind": "inspection", "id": inspection_id, "grounds": "再次"})
    assert again.status_code == 409
    url = f"{OBJECTIONS}/{filed.json['id']}"
    assert officer.post(url + "/decide", json={"upheld": False}).status_code == 422  # no reason
    officer.post(url + "/decide", json={"upheld": False, "reason": "现场照片与检定记录一致"})
    mine = me.get(url).json
    assert mine["status"] == "rejected" and mine["decision_reason"] == "现场照片与检定记录一致"
    assert db.session.query(Void).count() == 0
    assert grade(me, merchant) == "B"
    assert officer.get(f"/api/v1/notices/{notice['id']}").json["status"] == "published"
    body = db.session.query(Notification).filter(Notification.subject.like("异议处理结果%")).one()
    assert "现场照片与检定记录一致" in body.body


def test_an_objection_to_a_published_entry_takes_it_off(world):
    officer = world.district()
    merchant, _, notice = published_penalty(world, officer)
    other, _, _ = published_penalty(world, officer, "乙摊")  # a second notice, kept
    entries = officer.get(f"/api/v1/notices/{notice['id']}").json["entries"]
    me = world.merchant_user(merchant)
    filed = me.post(
        OBJECTIONS, json={"kind": "notice_entry", "id": entries[0]["id"], "grounds": "公示地址错误"}
    )
    assert filed.status_code == 201
    officer.post(
        f"{OBJECTIONS}/{filed.json['id']}/decide", json={"upheld": True, "reason": "地址有误"}
    )
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert shown["entries"][0]["status"] == "withdrawn"
    assert "地址有误" in shown["entries"][0]["withdraw_reason"]
    again = me.post(
        OBJECTIONS, json={"kind": "notice_entry", "id": entries[0]["id"], "grounds": "x"}
    )
    assert again.status_code == 422  # no longer in publication


def test_only_the_merchant_files_and_only_its_district_decides(world):
    officer = world.district()
    merchant, inspection_id, _ = published_penalty(world, officer)
    stranger = world.merchant_user(world.merchant())
    body = {"kind": "inspection", "id": inspection_id, "grounds": "不服"}
    assert stranger.post(OBJECTIONS, json=body).status_code == 422
    assert officer.post(OBJECTIONS, json=body).status_code == 403
    assert world.anonymous().post(OBJECTIONS, json=body).status_code == 401
    assert world.user("association").post(OBJECTIONS, json=body).status_code == 403
    assert (
        world.merchant_user(merchant).post(OBJECTIONS, json={**body, "kind": "x"}).status_code
        == 422
    )
    filed = world.merchant_user(merchant).post(OBJECTIONS, json=body).json
    url = f"{OBJECTIONS}/{filed['id']}"
    decision = {"upheld": True, "reason": "成立"}
    assert world.district(world.JINGAN).post(url + "/decide", json=decision).status_code == 404
    assert world.merchant_user(merchant).post(url + "/decide", json=decision).status_code == 403
    assert world.host(world.market()).post(url + "/decide", json=decision).status_code == 403
    assert stranger.get(url).status_code == 404
    assert world.district(world.JINGAN).get("/api/v1/queue").json["items"] == []
    assert world.city().get("/api/v1/queue").json["total"] == 1
    assert world.merchant_user(merchant).get("/api/v1/queue").status_code == 403
    assert db.session.get(Objection, filed["id"]).status == "disputed"


def test_deadlines_count_working_days_across_a_weekend_and_a_holiday(world):
    merchant, inspection_id, _ = published_penalty(world, world.district())
    account = world.merchant_user(merchant)
    p = Principal(
        role="merchant", user=db.session.query(User).filter_by(username=account.username).one()
    )
    # Friday 27 November 2026, with Monday 30 November made a holiday for the test.
    db.session.add(CalendarDay(day=date(2026, 11, 30), kind="holiday", name="测试假日"))
    friday = objections.file(
        p, {"kind": "inspection", "id": inspection_id, "grounds": "周五提出"}, date(2026, 11, 27)
    )
    assert friday.mark_due == date(2026, 12, 1)  # not Sat, Sun or the Monday holiday
    assert friday.decision_due == date(2026, 12, 7)  # 1, 2, 3, 4, 7 December
    db.session.commit()
    # The National Day week (loaded by the migration) and its Saturday make-up working day.
    friday.status = "rejected"
    national = objections.file(
        p, {"kind": "inspection", "id": inspection_id, "grounds": "节前提出"}, date(2026, 9, 30)
    )
    assert national.mark_due == date(2026, 10, 8)
    assert national.decision_due == date(2026, 10, 13)  # 8, 9, 10 (Saturday, 调休), 12, 13
    db.session.commit()

    # The reminder goes out once, when the decision is due within one working day.
    assert send_reminders(date(2026, 10, 9))["objections"] == 0
    assert send_reminders(date(2026, 10, 12))["objections"] == 1
    assert send_reminders(date(2026, 10, 12))["objections"] == 0
    reminded = db.session.query(Notification).filter(Notification.subject.like("异议即将到期%"))
    assert reminded.count() == len(notifications.district_officers(merchant.district_code)) > 0
    assert db.session.get(Objection, national.id).reminded_on == date(2026, 10, 12)


def test_a_moderated_reply_shows_next_to_the_public_record(world):
    merchant = world.merchant(name="丙摊")
    me, officer = world.merchant_user(merchant), world.district()
    public = f"/api/public/v1/merchants/{merchant.uscc}"
    submitted = me.post("/api/v1/replies", json={"text": "已更换经检定的电子秤，欢迎复秤。"})
    assert submitted.status_code == 201
    assert me.post("/api/v1/replies", json={"text": "第二条"}).status_code == 409
    assert world.anonymous().get(public).json["reply"] is None  # not before moderation
    url = f"/api/v1/replies/{submitted.json['id']}/moderate"
    assert world.district(world.JINGAN).post(url, json={"approve": True}).status_code == 404
    assert me.post(url, json={"approve": True}).status_code == 403
    assert officer.post(url, json={"approve": True, "note": "内容属实"}).status_code == 200
    assert world.anonymous().get(public).json["reply"]["text"] == "已更换经检定的电子秤，欢迎复秤。"

    rejected = me.post("/api/v1/replies", json={"text": "投诉人张某某电话1380000xxxx"})
    officer.post(
        f"/api/v1/replies/{rejected.json['id']}/moderate",
        json={"approve": False, "note": "含他人个人信息"},
    )
    assert world.anonymous().get(public).json["reply"]["text"].startswith("已更换")
    assert me.get("/api/v1/replies").json["items"][0]["moderation_note"] == "含他人个人信息"
    assert world.host(world.market()).post("/api/v1/replies", json={"text": "x"}).status_code == 403
    assert world.merchant_user(world.merchant()).get("/api/v1/replies").json["total"] == 0


def test_notifications_are_listed_for_the_signed_in_person_and_marked_read(world):
    officer = world.district()
    merchant, inspection_id, _ = published_penalty(world, officer)
    me = world.merchant_user(merchant)
    filed = me.post(OBJECTIONS, json={"kind": "inspection", "id": inspection_id, "grounds": "不服"})
    officer.post(
        f"{OBJECTIONS}/{filed.json['id']}/decide", json={"upheld": False, "reason": "不成立"}
    )
    mine = me.get("/api/v1/notifications").json
    assert [n["subject"] for n in mine["items"]] == [f"异议处理结果（第{filed.json['id']}号）"]
    theirs = officer.get("/api/v1/notifications?unread=true").json["items"]
    assert [n["about_kind"] for n in theirs] == ["objection"]
    url = f"/api/v1/notifications/{mine['items'][0]['id']}/read"
    assert officer.post(url).status_code == 404  # someone else's
    assert me.post(url).json["read_at"] is not None
    assert me.get("/api/v1/notifications?unread=true").json["total"] == 0
    assert world.anonymous().get("/api/v1/notifications").status_code == 401


class RecordingSMTP:
    """Stands in for the mail server (no mail leaves a test run): records what is sent."""

    sent: list = []

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        RecordingSMTP.sent.append((self.host, message["To"], message["Subject"]))


def test_notifications_are_mailed_only_where_a_mail_server_is_set(world, app, monkeypatch):
    from creditsvc.jobs.reminders import deliver_mail
    from creditsvc.services.accounts import users as accounts

    monkeypatch.setattr("creditsvc.services.accounts.notifications.smtplib.SMTP", RecordingSMTP)
    RecordingSMTP.sent = []
    merchant = world.merchant()
    accounts.create_user(
        "test",
        username="boss",
        password="correct horse battery",
        role="merchant",
        merchant=merchant.uscc,
        email="boss@example.com",
    )
    db.session.commit()
    me = world.merchant_user(merchant)
    me.post("/api/v1/replies", json={"text": "欢迎复秤"})
    reply_id = me.get("/api/v1/replies").json["items"][0]["id"]
    world.district().post(f"/api/v1/replies/{reply_id}/moderate", json={"approve": True})
    assert deliver_mail() == 0 and RecordingSMTP.sent == []  # MAIL_SERVER unset: portal only

    app.config["MAIL_SERVER"] = "mail.example.com"
    assert deliver_mail() == 1
    assert RecordingSMTP.sent == [("mail.example.com", "boss@example.com", "商户回应审核结果")]
    assert deliver_mail() == 0  # each notification is mailed once
    with pytest.raises(DomainError, match="e-mail"):
        accounts.create_user(
            "test", username="x", password="correct horse battery", role="city", email="nope"
        )


def test_an_upheld_objection_to_a_reading_batch_voids_that_day_of_that_scale(world):
    market = world.market()
    merchant = world.merchant(market=market)
    add_stall(market, "A-1", merchant)
    _, fair_scale, _ = world.device(market, "FS-9")
    posted = post(
        fair_scale,
        reading(1, time="2026-11-20T09:00:00"),
        reading(2, time="2026-11-20T23:30:00"),  # still the 20th in Shanghai
        reading(3, time="2026-11-21T08:00:00"),
    )
    assert posted.status_code == 200, posted.json
    ids = [r.id for r in db.session.query(Reading).order_by(Reading.seq)]
    me = world.merchant_user(merchant)
    filed = me.post(
        OBJECTIONS, json={"kind": "reading_batch", "id": ids[1], "grounds": "当日公平秤未校准"}
    )
    assert filed.status_code == 201
    decided = world.district().post(
        f"{OBJECTIONS}/{filed.json['id']}/decide", json={"upheld": True, "reason": "校准记录缺失"}
    )
    assert decided.status_code == 200
    voided = {v.evidence_id for v in db.session.query(Void).filter_by(evidence_kind="reading")}
    assert voided == {ids[0], ids[1]}


def test_the_verify_page_marks_a_disputed_entry_and_says_why_one_came_off(world):
    officer = world.district()
    first, second = world.merchant(name="戊摊"), world.merchant(name="己摊")
    disputed = penalise(world, first, "徐市监罚〔2026〕71号", TODAY - timedelta(days=4))
    penalise(world, second, "徐市监罚〔2026〕72号", TODAY - timedelta(days=4))
    notice = publish(officer, exposure_body())
    verify = f"/api/public/v1/documents/{notice['serial']}"
    assert [e["disputed"] for e in world.anonymous().get(verify).json["entries"]] == [False, False]
    filed = world.merchant_user(first).post(
        OBJECTIONS, json={"kind": "inspection", "id": disputed, "grounds": "未在现场"}
    )
    entries = world.anonymous().get(verify).json["entries"]
    assert [e["disputed"] for e in entries] == [True, False]  # marked at once, in public
    assert "有异议，待处理" in world.client.get(f"/verify/{notice['serial']}").get_data(
        as_text=True
    )

    officer.post(
        f"{OBJECTIONS}/{filed.json['id']}/decide",
        json={"upheld": True, "reason": "执法记录显示检查对象有误"},
    )
    entries = world.anonymous().get(verify).json["entries"]
    assert [(e["status"], e["disputed"]) for e in entries] == [
        ("withdrawn", False),
        ("active", False),
    ]
    page = world.client.get(f"/verify/{notice['serial']}").get_data(as_text=True)
    assert "执法记录显示检查对象有误" in page  # the notice stays in force; the entry says why


def test_an_upheld_objection_to_a_substantiated_complaint_voids_it(world):
    merchant, officer = world.merchant(), world.district()
    complaint_id = complain(
        officer, merchant, allegation="买了一斤排骨，复称只有八两", contact="王女士 13800138000"
    )
    substantiate(officer, complaint_id, reason="核查结论")
    me = world.merchant_user(merchant)
    filed = me.post(
        OBJECTIONS, json={"kind": "complaint", "id": complaint_id, "grounds": "复称时秤盘未清零"}
    )
    assert filed.status_code == 201
    officer.post(
        f"{OBJECTIONS}/{filed.json['id']}/decide", json={"upheld": True, "reason": "复核属实"}
    )
    void = db.session.query(Void).filter_by(evidence_kind="complaint").one()
    assert void.evidence_id == complaint_id and void.merchant_id == merchant.id
    again = me.post(OBJECTIONS, json={"kind": "complaint", "id": complaint_id, "grounds": "再议"})
    assert again.status_code == 409  # void already: nothing left to dispute
