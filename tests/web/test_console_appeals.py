"""The officers' to-do list and the appeal, penalty-publication and correction pages of the
console (issue 19), through a browser session: each page calls the API verb's service,
another district's record is a 404, every form needs its CSRF token, and a refused form
shows the reason in Chinese next to its field."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    AuditEntry,
    Complaint,
    MerchantReply,
    Notice,
    NoticeEntry,
    Objection,
    PenaltyPublication,
    RepairApplication,
    Void,
)
from creditsvc.services import calendar
from tests.api.appeals.test_objections import grade, published_penalty
from tests.api.appeals.test_repairs import apply, published_entry
from tests.factories import complain, exposure_body, inspect, penalise, publish
from tests.web.test_web_console import (
    error_beside,
    grade_a_merchant,
    officer,
    post_form,
    session_for,
    text_of,
)

TODAY = clock.today()


def objection_on(world, merchant, inspection_id, grounds="计量器具已在有效期内检定，附证书"):
    filed = world.merchant_user(merchant).post(
        "/api/v1/objections", json={"kind": "inspection", "id": inspection_id, "grounds": grounds}
    )
    assert filed.status_code == 201, filed.json
    return filed.json["id"]


# The to-do list -------------------------------------------------------------------------


def test_the_todo_list_shows_deadlines_and_links_to_each_step(world, app):
    api_officer = world.district()
    merchant, inspection_id, _ = published_penalty(world, api_officer)
    objection_id = objection_on(world, merchant, inspection_id)
    penalty_id = db.session.scalar(
        select(NoticeEntry.penalty_id).where(NoticeEntry.merchant_id == merchant.id)
    )
    client = officer(world, app)
    page = text_of(client.get("/console/"))
    assert f'href="/console/objections/{objection_id}"' in page
    assert f'href="/console/penalties/{penalty_id}"' in page
    # The disputed record is named in words, never by its code ("inspection 2").
    assert f"检查 {inspection_id}" in page and f"inspection {inspection_id}" not in page
    due = calendar.deadline(TODAY, 5)
    assert due.isoformat() in page and "还剩 5 个工作日" in page
    # The figures stay below the list.
    assert page.index('id="todo-h"') < page.index('id="grades-h"')
    # The API's queue answers as before: the penalty has its own list there.
    kinds = [i["kind"] for i in api_officer.get("/api/v1/queue").json["items"]]
    assert kinds == ["objection"]
    # Another district's officer sees none of it; the city officer picks the district.
    jingan = officer(world, app, district=world.JINGAN)
    assert f"/console/objections/{objection_id}" not in text_of(jingan.get("/console/"))
    city = session_for(world, app, "city")
    assert f"/console/objections/{objection_id}" in text_of(city.get("/console/?district=310104"))
    assert f"/console/objections/{objection_id}" not in text_of(
        city.get("/console/?district=310106")
    )


def test_an_overdue_item_is_marked_in_red_and_in_words(world, app):
    merchant = world.merchant(name="逾期摊")
    decided = TODAY - timedelta(days=60)
    penalise(world, merchant, "徐市监罚〔2026〕99号", decided)
    page = text_of(officer(world, app).get("/console/"))
    row = page[page.index("todo-penalty_publication overdue") :]
    row = row[: row.index("</tr>")]
    assert 'class="bad"' in row and "已逾期" in row


def test_a_draft_notice_names_who_may_approve_it(world, app):
    client = officer(world, app)
    grade_a_merchant(world, client)
    drafted = post_form(
        client, "/console/notices/new", {"kind": "honor_roll", "district": "310104"}
    )
    assert drafted.status_code == 303
    page = text_of(client.get("/console/"))
    assert "待其他人员审核" in page and "您是起草人" in page


# Objections ------------------------------------------------------------------------------


def test_an_officer_upholds_an_objection_on_its_page(world, app):
    api_officer = world.district()
    merchant, inspection_id, _ = published_penalty(world, api_officer)
    me = world.merchant_user(merchant)
    assert grade(me, merchant) == "B"
    objection_id = objection_on(world, merchant, inspection_id)
    client = officer(world, app)
    url = f"/console/objections/{objection_id}"
    page = text_of(client.get(url))
    assert "计量器具已在有效期内检定，附证书" in page  # the merchant's statement
    assert "UNVERIFIED" in page  # the disputed evidence
    assert 'name="csrf_token"' in page
    listed = text_of(client.get("/console/objections?status=disputed"))
    assert url in listed

    missing = post_form(client, f"{url}/decide", {"reason": "检定证书有效"}, url)
    assert missing.status_code == 422
    assert error_beside(text_of(missing), "upheld") == "必填。"
    assert db.session.get(Objection, objection_id).status == "disputed"

    upheld = post_form(client, f"{url}/decide", {"upheld": "true", "reason": "检定证书有效"}, url)
    assert upheld.status_code == 303
    db.session.expire_all()
    assert db.session.get(Objection, objection_id).status == "upheld"
    assert db.session.scalar(select(Void).where(Void.evidence_id == inspection_id)) is not None
    assert grade(me, merchant) == "A"  # rescored without the voided finding
    again = text_of(client.get(url))
    assert "检定证书有效" in again and 'action="/console/objections' not in again


def test_another_districts_objection_is_a_404_and_forms_need_csrf(world, app):
    merchant, inspection_id, _ = published_penalty(world, world.district())
    objection_id = objection_on(world, merchant, inspection_id)
    url = f"/console/objections/{objection_id}"
    jingan = officer(world, app, district=world.JINGAN)
    assert jingan.get(url).status_code == 404
    refused = post_form(jingan, f"{url}/decide", {"upheld": "true", "reason": "x成立"}, "/console/")
    assert refused.status_code == 404
    assert "附证书" not in text_of(jingan.get("/console/objections"))
    mine = officer(world, app)
    no_token = mine.post(f"{url}/decide", data={"upheld": "true", "reason": "成立了"})
    assert no_token.status_code == 400
    assert db.session.get(Objection, objection_id).status == "disputed"
    assert session_for(world, app, "city").get(url).status_code == 200


# Credit repair and replies ------------------------------------------------------------------


def test_a_repair_is_decided_on_its_page_with_the_conditions_shown(world, app):
    merchant, entry_id, _ = published_entry(world, world.district())
    filed = apply(world.merchant_user(merchant), entry_id).json
    client = officer(world, app)
    url = f"/console/repairs/{filed['id']}"
    page = text_of(client.get(url))
    assert "已缴纳罚款并更换计量器具" in page  # the business's statement
    assert "待执法人员确认" in page  # the lists: for the officer to confirm
    assert url in text_of(client.get("/console/repairs"))
    assert officer(world, app, district=world.JINGAN).get(url).status_code == 404

    unanswered = post_form(client, f"{url}/decide", {"approve": "true", "reason": "符合条件"}, url)
    assert unanswered.status_code == 422
    assert error_beside(text_of(unanswered), "on_restricted_lists") == "必填。"
    form = {
        "approve": "true",
        "reason": "符合信用修复条件",
        "obligations_fulfilled": "true",
        "harm_remedied": "true",
        "on_restricted_lists": "false",
    }
    listed = post_form(client, f"{url}/decide", {**form, "on_restricted_lists": "true"}, url)
    assert listed.status_code == 422
    assert "不符合第十四条规定的全部条件" in text_of(listed)
    approved = post_form(client, f"{url}/decide", form, url)
    assert approved.status_code == 303, text_of(approved)[:2000]
    db.session.expire_all()
    application = db.session.get(RepairApplication, filed["id"])
    assert application.status == "approved" and application.entry.status == "withdrawn"


def test_a_reply_is_moderated_on_its_page(world, app):
    merchant = world.merchant(name="丙摊")
    submitted = world.merchant_user(merchant).post(
        "/api/v1/replies", json={"text": "已更换经检定的电子秤，欢迎复秤。"}
    )
    reply_id = submitted.json["id"]
    client = officer(world, app)
    url = f"/console/replies/{reply_id}"
    assert "已更换经检定的电子秤" in text_of(client.get("/console/replies"))
    assert officer(world, app, district=world.JINGAN).get(url).status_code == 404
    moderated = post_form(
        client, f"{url}/moderate", {"approve": "false", "note": "含个人信息"}, url
    )
    assert moderated.status_code == 303
    db.session.expire_all()
    reply = db.session.get(MerchantReply, reply_id)
    assert reply.status == "rejected" and reply.moderation_note == "含个人信息"


# Penalty publication -------------------------------------------------------------------------


def test_the_penalty_register_records_publication_and_exports_csv(world, app):
    merchant = world.merchant(name="=HYPERLINK(1)")
    penalise(world, merchant, "徐市监罚〔2026〕7号", TODAY - timedelta(days=2))
    client = officer(world, app)
    page = text_of(client.get("/console/penalties"))
    assert "徐市监罚〔2026〕7号" in page and "待公示" in page
    penalty_id = int(page.split('id="penalty-', 1)[1].split('"', 1)[0])
    url = f"/console/penalties/{penalty_id}"
    assert officer(world, app, district=world.JINGAN).get(url).status_code == 404

    exported = client.get("/console/penalties.csv")
    assert exported.status_code == 200 and exported.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][0] == "行政处罚决定书文号" and rows[1][0] == "徐市监罚〔2026〕7号"
    assert rows[1][1] == "'=HYPERLINK(1)"  # not a live formula in Excel
    assert exported.data == world.district().get("/api/v1/penalty-publications.csv").data

    future = (TODAY + timedelta(days=3)).isoformat()
    refused = post_form(client, f"{url}/published", {"published_on": future}, url)
    assert refused.status_code == 422
    assert error_beside(text_of(refused), "published_on") == "不能晚于今天。"
    recorded = post_form(
        client, f"{url}/published", {"published_on": TODAY.isoformat(), "reference": "GS-1"}, url
    )
    assert recorded.status_code == 303
    db.session.expire_all()
    assert db.session.get(PenaltyPublication, penalty_id).reference == "GS-1"
    assert "已公示" in text_of(client.get(url))


# Corrections ----------------------------------------------------------------------------------


def test_an_inspection_and_a_complaint_are_voided_with_a_confirmed_reason(world, app):
    merchant = world.merchant()
    inspection_id = inspect(world, merchant, ["UNVERIFIED"])
    complaint_id = complain(world.district(), merchant)
    client = officer(world, app)
    url = f"/console/inspections/{inspection_id}"
    assert 'action="/console/inspections/' in text_of(client.get(url))
    unconfirmed = post_form(client, f"{url}/void", {"void_reason": "录入错误"}, url)
    assert unconfirmed.status_code == 422
    assert error_beside(text_of(unconfirmed), "void_confirm")
    no_reason = post_form(client, f"{url}/void", {"void_confirm": "yes"}, url)
    assert no_reason.status_code == 422
    assert error_beside(text_of(no_reason), "void_reason") == "必填。"
    assert db.session.scalar(select(Void)) is None
    voided = post_form(
        client, f"{url}/void", {"void_reason": "录入错误", "void_confirm": "yes"}, url
    )
    assert voided.status_code == 303
    assert db.session.scalar(select(Void.reason).where(Void.evidence_kind == "inspection")) == (
        "录入错误"
    )
    assert "录入错误" in text_of(client.get(url))

    jingan = officer(world, app, district=world.JINGAN)
    curl = f"/console/complaints/{complaint_id}"
    form = {"void_reason": "重复登记", "void_confirm": "yes"}
    assert post_form(jingan, f"{curl}/void", form, "/console/").status_code == 404
    assert post_form(client, f"{curl}/void", form, curl).status_code == 303
    db.session.expire_all()
    assert db.session.get(Complaint, complaint_id).void.reason == "重复登记"


# Notice entries ---------------------------------------------------------------------------------


def test_an_entry_is_taken_off_and_a_corrected_version_drafted(world, app):
    api_officer = world.district()
    first = world.merchant(name="甲摊")
    second = world.merchant(name="乙摊")
    penalise(world, first, "徐市监罚〔2026〕1号", TODAY - timedelta(days=5))
    penalise(world, second, "徐市监罚〔2026〕2号", TODAY - timedelta(days=5))
    notice = publish(api_officer, exposure_body())
    client = officer(world, app)
    url = f"/console/notices/{notice['id']}"
    entry_id = db.session.scalar(select(NoticeEntry.id).where(NoticeEntry.merchant_id == first.id))
    corrected = post_form(client, f"{url}/correct", {"correction_reason": "更正地址"}, url)
    assert corrected.status_code == 303
    draft = db.session.scalar(select(Notice).where(Notice.supersedes_id == notice["id"]))
    assert draft.status == "draft" and draft.correction_reason == "更正地址"
    assert corrected.headers["Location"].endswith(f"/console/notices/{draft.id}")
    again = post_form(client, f"{url}/correct", {"correction_reason": "再次更正"}, url)
    assert again.status_code == 303  # refused: one correction open at a time, said so
    assert "a correction of this notice is already open" in text_of(client.get(url))

    blank = post_form(client, f"{url}/entries/{entry_id}/withdraw", {}, url)
    assert blank.status_code == 422
    assert error_beside(text_of(blank), f"entry_reason.{entry_id}") == "必填。"
    field = f"entry_reason.{entry_id}"
    taken = post_form(client, f"{url}/entries/{entry_id}/withdraw", {field: "处罚决定已撤销"}, url)
    assert taken.status_code == 303
    db.session.expire_all()
    assert db.session.get(NoticeEntry, entry_id).status == "withdrawn"
    # The hand-made correction still listed it: withdrawn, replaced by the service's version.
    assert db.session.get(Notice, draft.id).status == "withdrawn"
    assert officer(world, app, district=world.JINGAN).get(url).status_code == 404
    actions = {e.action for e in db.session.scalars(select(AuditEntry))}
    assert {"withdraw", "correct"} <= actions


@pytest.mark.parametrize(
    "url",
    ["/console/objections", "/console/repairs", "/console/replies", "/console/penalties"],
)
def test_the_new_lists_are_officers_only(world, app, url):
    assert officer(world, app).get(url).status_code == 200
    assert session_for(world, app, "city").get(url).status_code == 200
    merchant_client = session_for(world, app, "merchant", merchant=world.merchant().uscc)
    assert merchant_client.get(url).status_code == 403
