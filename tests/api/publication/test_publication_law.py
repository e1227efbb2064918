"""Issue 18, items 1–3: what the law lets a public document show (rules.md §4, 总局令第45号),
a revoked or changed decision coming off every document in force by one path, and four eyes
on every notice (the approver is never the drafter; publishing is confirmed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import AuditEntry, JobRun, Notice, PenaltyDecision, User
from creditsvc.principals import Principal
from creditsvc.services import calendar
from creditsvc.services.errors import Forbidden
from creditsvc.services.publication import eligibility, notices
from tests.documents import pdf_of, pdf_text
from tests.factories import TODAY, draft, exposure_body, inspect, penalise, publish
from tests.workers import run_worker


def penalty_of(inspection_id: int) -> PenaltyDecision:
    return db.session.scalar(
        select(PenaltyDecision).where(PenaltyDecision.inspection_id == inspection_id)
    )


def change(officer, inspection_id, kind="revoked", number="徐市监撤〔2026〕1号", **extra):
    body = {
        "kind": kind,
        "document_number": number,
        "decided_on": TODAY.isoformat(),
        "reason": "行政复议决定撤销原处罚决定",
        **extra,
    }
    return officer.post(f"/api/v1/inspections/{inspection_id}/penalty-change", json=body)


# 1. Eligibility as law, in one place ----------------------------------------------------


def test_one_rule_decides_what_penalty_may_be_published(world):
    """Each rule of rules.md §4 on its own: only the ordinary-procedure fine passes."""
    shop = world.merchant(name="规则测试摊")
    day = TODAY - timedelta(days=5)
    made = {
        "ordinary": penalise(world, shop, "徐市监罚〔2026〕501号", day, "3000"),
        "simplified": penalise(
            world, shop, "徐市监罚〔2026〕502号", day, "200", procedure="simplified"
        ),
        "warning": penalise(world, shop, "徐市监罚〔2026〕503号", day, "0", warning_only=True),
        "voided": penalise(world, shop, "徐市监罚〔2026〕504号", day, "3000"),
        "revoked": penalise(world, shop, "徐市监罚〔2026〕505号", day, "3000"),
        "changed": penalise(world, shop, "徐市监罚〔2026〕506号", day, "3000"),
    }
    officer = world.district()
    voided = {"kind": "inspection", "id": made["voided"], "reason": "录入错误"}
    assert officer.post("/api/v1/corrections", json=voided).status_code == 201
    assert change(officer, made["revoked"]).status_code == 201
    assert change(officer, made["changed"], "changed", "徐市监变〔2026〕1号").status_code == 201
    ids = {why: penalty_of(i).id for why, i in made.items()}

    assert eligibility.publishable(list(ids.values())) == {ids["ordinary"]}
    listed = eligibility.exposure("310104", day, TODAY)
    assert [c.penalty_id for c in listed] == [ids["ordinary"]]
    assert "普通程序" in listed[0].qualifies
    owed = officer.get("/api/v1/penalty-publications").json["items"]
    assert [row["penalty_id"] for row in owed] == [ids["ordinary"]]


def test_a_simplified_procedure_penalty_reaches_no_public_output(world):
    """End to end: the PDF, the verify page, the public API, open data and the public site
    name the ordinary-procedure penalty and never the simplified-procedure one."""
    ordinary, simplified = world.merchant(name="普通程序摊"), world.merchant(name="简易程序摊")
    penalise(world, ordinary, "徐市监罚〔2026〕511号", TODAY - timedelta(days=4), "5000")
    penalise(
        world,
        simplified,
        "徐市监罚〔2026〕512号",
        TODAY - timedelta(days=3),
        "100",
        procedure="simplified",
    )
    officer = world.district()
    notice = publish(officer, exposure_body())
    public = world.anonymous()

    outputs = {
        "pdf": pdf_text(pdf_of(officer, notice["pdf_url"]).data),
        "verify": public.get(f"/verify/{notice['serial']}").get_data(as_text=True),
        "document": str(public.get(f"/api/public/v1/documents/{notice['serial']}").json),
        "documents.csv": public.get("/api/public/v1/documents.csv").get_data(as_text=True),
        "business page": public.get(f"/merchants/{simplified.uscc}").get_data(as_text=True),
        "business api": str(public.get(f"/api/public/v1/merchants/{simplified.uscc}").json),
    }
    assert "普通程序摊" in outputs["pdf"] and "511" in outputs["pdf"]
    for where, text in outputs.items():
        assert "512号" not in text, where
        assert "简易程序摊" not in text or where.startswith("business"), where
    assert "512号" not in str(notice)


# 2. Revocation and change of a decision -------------------------------------------------


def test_a_revocation_withdraws_its_entry_and_supersedes_the_notice(
    world, app, redis_url, tmp_path
):
    revoked_shop, kept_shop = world.merchant(name="被撤销摊"), world.merchant(name="仍公示摊")
    revoked = penalise(world, revoked_shop, "徐市监罚〔2026〕521号", TODAY - timedelta(days=6))
    penalise(world, kept_shop, "徐市监罚〔2026〕522号", TODAY - timedelta(days=6))
    officer = world.district()
    old = publish(officer, exposure_body())  # rendered inline: no Redis yet
    app.config["REDIS_URL"] = redis_url

    # One request: recorded, the entry off publication, a corrected version queued.
    answered = change(officer, revoked)
    assert answered.status_code == 201, answered.json
    assert answered.json["penalty"]["change"]["document_number"] == "徐市监撤〔2026〕1号"
    shown = officer.get(f"/api/v1/notices/{old['id']}").json
    assert [e["status"] for e in shown["entries"]] == ["withdrawn", "active"]
    assert "徐市监撤〔2026〕1号" in shown["entries"][0]["withdraw_reason"]
    version = db.session.scalar(select(Notice).where(Notice.supersedes_id == old["id"]))
    assert version.status == "approved" and version.approved_by == f"user:{officer.username}"
    assert version.created_by != version.approved_by
    assert [e.content["business_name"] for e in version.entries] == ["仍公示摊"]
    assert db.session.get(JobRun, version.render_job_id).status == "queued"
    public_entries = world.anonymous().get(f"/api/public/v1/documents/{old['serial']}").json
    assert "被撤销摊" not in str(public_entries)
    queue = officer.get("/api/v1/queue").json["items"]
    due = [i for i in queue if i["kind"] == "withdrawal"]
    assert [(i["id"], i["due_on"]) for i in due] == [
        (old["id"], calendar.deadline(TODAY, 3).isoformat())
    ]

    run_worker(app, tmp_path)  # the render job, for real
    db.session.expire_all()
    new = officer.get(f"/api/v1/notices/{version.id}").json
    assert new["status"] == "published" and new["serial"] not in (None, old["serial"])
    assert officer.get(f"/api/v1/notices/{old['id']}").json["status"] == "superseded"
    text = pdf_text(pdf_of(officer, new["pdf_url"]).data)
    assert "仍公示摊" in text and "被撤销摊" not in text
    page = world.anonymous().get(f"/verify/{old['serial']}").get_data(as_text=True)
    assert "已更正" in page and TODAY.isoformat() in page
    assert f'href="/verify/{new["serial"]}"' in page
    assert not [i for i in officer.get("/api/v1/queue").json["items"] if i["kind"] == "withdrawal"]

    # Every change is audited under the district it touches, both officers named.
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.district_code == "310104").order_by(AuditEntry.id)
    ).all()
    actions = [(r.entity, r.action) for r in rows]
    assert ("penalty_changes", "revoked") in actions
    assert ("notice_entries", "withdraw") in actions
    assert ("notices", "supersede") in actions
    approval = [r for r in rows if r.entity == "notices" and r.entity_id == str(version.id)]
    assert any(officer.username in (r.reason or "") and "起草" in r.reason for r in approval)


def test_revoking_the_only_entry_withdraws_the_notice(world):
    only = penalise(world, world.merchant(name="唯一摊"), "徐市监罚〔2026〕531号", TODAY)
    officer = world.district()
    notice = publish(officer, exposure_body())
    assert change(officer, only, "changed", "徐市监变〔2026〕2号").status_code == 201

    assert officer.get(f"/api/v1/notices/{notice['id']}").json["status"] == "withdrawn"
    page = world.anonymous().get(f"/verify/{notice['serial']}").get_data(as_text=True)
    assert "已撤回" in page and TODAY.isoformat() in page and "变更" in page
    assert (
        world.anonymous().get(f"/api/public/v1/documents/{notice['serial']}/pdf").status_code == 410
    )


def test_voiding_an_inspection_takes_its_entry_off_at_once(world):
    voided = penalise(world, world.merchant(name="作废摊"), "徐市监罚〔2026〕541号", TODAY)
    penalise(world, world.merchant(name="保留摊"), "徐市监罚〔2026〕542号", TODAY)
    officer = world.district()
    notice = publish(officer, exposure_body())
    body = {"kind": "inspection", "id": voided, "reason": "复议撤销"}
    assert officer.post("/api/v1/corrections", json=body).status_code == 201

    old = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert old["status"] == "superseded"  # the correction rendered inline (no Redis)
    new = officer.get(f"/api/v1/notices/{old['superseded_by']}").json
    assert [e["content"]["business_name"] for e in new["entries"]] == ["保留摊"]


def test_a_revocation_is_checked(world):
    shop = world.merchant()
    penalised = penalise(world, shop, "徐市监罚〔2026〕551号", TODAY - timedelta(days=2))
    officer = world.district()
    early = change(officer, penalised, decided_on=(TODAY - timedelta(days=3)).isoformat())
    assert early.status_code == 422 and "decided_on" in str(early.json)
    assert change(officer, penalised, kind="annulled").status_code == 422
    assert change(world.district(world.JINGAN), penalised).status_code == 404
    assert change(officer, penalised).status_code == 201
    again = change(officer, penalised, number="徐市监撤〔2026〕9号")
    assert again.status_code == 409 and "already" in again.json["message"]
    assert change(officer, inspect(world, world.merchant())).status_code == 409  # no penalty
    assert change(officer, 999_999).status_code == 404


def test_a_draft_listing_a_penalty_revoked_since_cannot_be_approved(world):
    revoked = penalise(world, world.merchant(), "徐市监罚〔2026〕561号", TODAY)
    officer = world.district()
    notice = draft(officer, **exposure_body())
    assert change(officer, revoked).status_code == 201
    refused = officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve")
    assert refused.status_code == 409 and "徐市监罚〔2026〕561号" in refused.json["message"]


# 3. Four eyes -----------------------------------------------------------------------------


def test_a_drafter_cannot_approve(world):
    penalise(world, world.merchant(), "徐市监罚〔2026〕571号", TODAY)
    officer = world.district()
    notice = draft(officer, **exposure_body())
    refused = officer.post(f"/api/v1/notices/{notice['id']}/approve")
    assert refused.status_code == 403 and "you drafted this notice" in refused.json["message"]
    assert db.session.get(Notice, notice["id"]).status == "draft"
    colleague = officer.colleague()
    assert colleague.post(f"/api/v1/notices/{notice['id']}/approve").status_code == 200
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "notices", AuditEntry.action == "approve")
    )
    assert officer.username in entry.reason and colleague.username in entry.reason


def test_a_district_officer_approves_only_in_their_district_and_the_city_anywhere(world):
    penalise(world, world.merchant(), "徐市监罚〔2026〕581号", TODAY)
    notice = draft(world.district(), **exposure_body())
    jingan = world.district(world.JINGAN)
    jingan_user = select(User).where(User.username == jingan.username)
    assert jingan.post(f"/api/v1/notices/{notice['id']}/approve").status_code == 404
    found = db.session.get(Notice, notice["id"])
    with pytest.raises(Forbidden, match="own district"):
        notices.approve(Principal("district", user=db.session.scalar(jingan_user)), found)
    db.session.rollback()
    assert db.session.get(Notice, notice["id"]).status == "draft"
    assert world.city().post(f"/api/v1/notices/{notice['id']}/approve").status_code == 200


def test_publishing_shows_what_goes_public_and_needs_a_confirmation(world):
    company = world.merchant(name="确认发布有限公司", uscc=world.uscc("1"))
    penalise(world, company, "徐市监罚〔2026〕591号", TODAY - timedelta(days=1))
    officer = world.district()
    notice = draft(officer, **exposure_body())
    officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve")
    url = f"/api/v1/notices/{notice['id']}/publish"

    shown = officer.get(url).json
    assert shown["period_start"] == exposure_body()["period_start"]
    assert [(e["name"], e["uscc"]) for e in shown["entries"]] == [
        ("确认发布有限公司", company.uscc)
    ]
    unconfirmed = officer.post(url, json={"confirm": False})
    assert unconfirmed.status_code == 422 and "confirm" in str(unconfirmed.json["errors"])
    assert db.session.get(Notice, notice["id"]).status == "approved"
    # DESIGN.md section 9: a POST with no body publishes.
    assert officer.post(url).json["status"] == "published"


def test_an_upheld_objection_takes_the_same_path(world):
    """Not only a revocation: an upheld objection leaves a corrected version in force."""
    disputed, kept = world.merchant(name="异议成立摊"), world.merchant(name="异议无关摊")
    penalise(world, disputed, "徐市监罚〔2026〕601号", TODAY - timedelta(days=2))
    penalise(world, kept, "徐市监罚〔2026〕602号", TODAY - timedelta(days=2))
    officer = world.district()
    notice = publish(officer, exposure_body())
    entry = notice["entries"][0]
    filed = world.merchant_user(disputed).post(
        "/api/v1/objections", json={"kind": "notice_entry", "id": entry["id"], "grounds": "有误"}
    )
    assert filed.status_code == 201
    decided = officer.post(
        f"/api/v1/objections/{filed.json['id']}/decide", json={"upheld": True, "reason": "成立"}
    )
    assert decided.status_code == 200

    old = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert old["status"] == "superseded" and old["entries"][0]["status"] == "withdrawn"
    new = officer.get(f"/api/v1/notices/{old['superseded_by']}").json
    assert new["status"] == "published"
    assert [e["content"]["business_name"] for e in new["entries"]] == ["异议无关摊"]
