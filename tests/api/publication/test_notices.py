"""Notices: draft → approve → publish (PDF stored once, served with its SHA-256) →
verify → withdraw or correct; eligibility, roles, expiry, disk full, hostile names."""

from __future__ import annotations

import copy
import errno
import hashlib
import os
from datetime import timedelta

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.expiry import expire_notices
from creditsvc.models import AuditEntry, JobRun, Notice, Stall
from creditsvc.principals import Principal
from creditsvc.services.standing import policies
from creditsvc.workdays import add_months
from notices.serials import parse_serial
from scoring.policy import DEFAULT_POLICY
from tests.conftest import PUBLIC_BASE_URL
from tests.documents import fonts_embedded, pdf_of, pdf_text, read_pdf, stored_files
from tests.factories import PUBLISH, draft, exposure_body, inspect, penalise, publish
from tests.workers import run_worker

TODAY = clock.today()
PASSWD_LINK = '<link rel="attachment" href="file:///etc/passwd">'


# The lifecycle ------------------------------------------------------------------------


def test_exposure_draft_lists_what_qualifies_and_why(world):
    market = world.market(name="斜土路菜市场")
    stall_holder = world.merchant(market=market, name="王记蔬菜", address="家庭住址不应公开")
    db.session.add(Stall(market_id=market.id, number="A12", merchant_id=stall_holder.id))
    company = world.merchant(name="某某超市有限公司", uscc=world.uscc("1"), address="漕溪北路1号")
    db.session.commit()
    penalise(world, stall_holder, "徐市监罚〔2026〕1号", TODAY - timedelta(days=10), "2000")
    penalise(
        world,
        company,
        "徐市监罚〔2026〕2号",
        TODAY - timedelta(days=5),
        "20000",
        findings=("UNVERIFIED", "SHORT_RETAIL"),
    )
    penalise(
        world, company, "徐市监罚〔2026〕3号", TODAY - timedelta(days=4), "0", warning_only=True
    )
    voided = penalise(world, company, "徐市监罚〔2026〕4号", TODAY - timedelta(days=3), "800")
    world.district().post(
        "/api/v1/corrections", json={"kind": "inspection", "id": voided, "reason": "录错"}
    )
    penalise(world, company, "徐市监罚〔2025〕9号", TODAY - timedelta(days=200), "800")
    penalise(world, world.merchant(world.JINGAN), "静市监罚〔2026〕1号", TODAY - timedelta(days=2))

    notice = draft(world.district(), **exposure_body())

    assert notice["status"] == "draft" and notice["serial"] is None and notice["pdf_url"] is None
    numbers = [e["content"]["decision_number"] for e in notice["entries"]]
    assert numbers == ["徐市监罚〔2026〕1号", "徐市监罚〔2026〕2号"]
    stall_entry, company_entry = notice["entries"]
    # An individual business: its trade name, stall and code (public on its licence),
    # never its home address.
    assert stall_entry["content"]["business_name"] == "王记蔬菜"
    assert stall_entry["content"]["address"] == "斜土路菜市场 A12号摊位"
    assert stall_entry["content"]["uscc"] == stall_holder.uscc
    assert stall_entry["window_months"] == 3 and "公示3个月" in stall_entry["qualifies"]
    assert company_entry["content"]["uscc"] == company.uscc
    assert company_entry["window_months"] == 36 and "公示3年" in company_entry["qualifies"]
    assert (
        company_entry["content"]["obligation_article"]
        == "计量法第九条；零售商品称重计量监督管理办法第五条"
    )
    assert "商品量计量违法行为处罚规定第五条" in company_entry["content"]["penalty_article"]
    assert company_entry["content"]["penalty_summary"] == "罚款20000元"
    assert "家庭住址" not in str(notice)


def test_draft_approve_publish_verify_withdraw(world):
    penalise(
        world, world.merchant(name="李记水产"), "徐市监罚〔2026〕11号", TODAY - timedelta(days=3)
    )
    officer, city = world.district(), world.city()
    nid = draft(officer, **exposure_body())["id"]

    approved = city.post(f"/api/v1/notices/{nid}/approve").json
    assert (approved["status"], approved["approved_by"]) == ("approved", f"user:{city.username}")
    published = officer.post(f"/api/v1/notices/{nid}/publish", json=PUBLISH).json
    serial = published["serial"]
    assert published["status"] == "published" and published["published_on"] == TODAY.isoformat()
    assert str(parse_serial(serial)) == serial and serial.startswith(f"SHJL-310104-{TODAY.year}-")
    assert published["verify_url"] == f"{PUBLIC_BASE_URL}/verify/{serial}"
    assert published["entries"][0]["ends_on"] == published["entries"][0]["deadline"]["date"]

    verified = world.anonymous().get(f"/api/public/v1/documents/{serial}").json
    assert (verified["status"], verified["in_force"]) == ("published", True)
    assert verified["bureau"] == "上海市徐汇区市场监督管理局"
    assert verified["sha256"] == published["sha256"]
    page = world.anonymous().get(f"/verify/{serial}")
    assert page.status_code == 200 and "有效" in page.get_data(as_text=True)

    reason = "处罚决定被行政复议撤销"
    withdrawn = officer.post(f"/api/v1/notices/{nid}/withdraw", json={"reason": reason})
    assert (withdrawn.json["status"], withdrawn.json["withdraw_reason"]) == ("withdrawn", reason)
    verified = world.anonymous().get(f"/api/public/v1/documents/{serial}").json
    assert (verified["status"], verified["in_force"]) == ("withdrawn", False)
    assert verified["withdraw_reason"] == reason
    assert verified["entries"][0]["name"] is None  # no longer published: no name
    html = world.anonymous().get(f"/verify/{serial}").get_data(as_text=True)
    assert "已撤回" in html and reason in html and "李记水产" not in html

    audited = db.session.query(AuditEntry.action).filter_by(entity="notices", entity_id=str(nid))
    actions = [action for (action,) in audited.order_by(AuditEntry.id)]
    assert actions == ["create", "approve", "publish", "withdraw"]


def test_the_pdf_is_stored_once_and_served_with_its_sha256_as_etag(world, app):
    penalise(
        world, world.merchant(name="周记水产"), "徐市监罚〔2026〕13号", TODAY - timedelta(days=3)
    )
    officer = world.district()
    published = publish(officer, exposure_body())

    response = pdf_of(officer, published["pdf_url"])
    assert response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == published["sha256"]
    assert response.headers["ETag"] == f'"{published["sha256"]}"'
    again = officer.get(published["pdf_url"], headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    reader, text = read_pdf(response.data), pdf_text(response.data)
    assert "周记水产" in text and "徐市监罚〔2026〕13号" in text and published["serial"] in text
    assert "上海市徐汇区市场监督管理局" in text
    assert len(reader.pages) == published["pages"] and fonts_embedded(reader)
    assert [p.name for p in stored_files(app)] == [f"{published['serial']}.pdf"]
    assert pdf_of(officer, published["pdf_url"]).data == response.data  # served from storage


def test_a_published_notice_cannot_be_approved_or_published_again(world):
    penalise(world, world.merchant(), "徐市监罚〔2026〕12号", TODAY - timedelta(days=1))
    officer = world.district()
    notice = publish(officer, exposure_body())
    colleague = officer.colleague()
    for step in ("approve", "publish"):
        response = colleague.post(f"/api/v1/notices/{notice['id']}/{step}", json=PUBLISH)
        assert response.status_code == 409 and "published" in response.json["message"]


@pytest.fixture
def callers(world):
    """A draft exposure notice of Xuhui and everyone who might try to act on it."""
    market = world.market()
    merchant = world.merchant(market=market)
    penalise(world, merchant, "徐市监罚〔2026〕21号", TODAY - timedelta(days=2))
    _, fair_scale, _ = world.device(market, "FS-9")
    return {
        "anonymous": world.anonymous(),
        "host": world.host(market),
        "merchant": world.merchant_user(merchant),
        "device": fair_scale,
        "other_district": world.district(world.JINGAN),
    }


REFUSED = {"anonymous": 401, "host": 403, "merchant": 403, "device": 403, "other_district": 404}


@pytest.mark.parametrize(("who", "status"), REFUSED.items())
def test_each_step_is_refused_to_the_roles_not_allowed(world, callers, who, status):
    officer = world.district()
    notice = draft(officer, **exposure_body())
    nid, caller = notice["id"], callers[who]
    create = caller.post("/api/v1/notices", json={"district": "310104", **exposure_body()})
    assert create.status_code == (403 if who == "other_district" else status)
    assert caller.get(f"/api/v1/notices/{nid}").status_code == status
    assert caller.post(f"/api/v1/notices/{nid}/approve").status_code == status
    assert officer.colleague().post(f"/api/v1/notices/{nid}/approve").status_code == 200
    assert caller.post(f"/api/v1/notices/{nid}/publish", json=PUBLISH).status_code == status
    published = officer.post(f"/api/v1/notices/{nid}/publish", json=PUBLISH).json
    assert caller.get(f"/api/v1/notices/{nid}/pdf").status_code == status
    body = {"reason": "越权撤回"}
    assert caller.post(f"/api/v1/notices/{nid}/withdraw", json=body).status_code == status
    assert caller.post(f"/api/v1/notices/{nid}/correct", json=body).status_code == status
    assert db.session.get(Notice, nid).status == "published" and published["serial"]


def test_drafts_are_checked(world):
    officer = world.district()
    penalise(world, world.merchant(), "徐市监罚〔2026〕31号", TODAY - timedelta(days=2))
    no_period = officer.post("/api/v1/notices", json={"district": "310104", "kind": "exposure"})
    assert no_period.status_code == 422 and "period_start" in no_period.json["errors"]["json"]
    no_merchant = officer.post("/api/v1/notices", json={"district": "310104", "kind": "placard"})
    assert no_merchant.status_code == 422
    early = exposure_body(TODAY - timedelta(days=400), TODAY - timedelta(days=300))
    nothing = officer.post("/api/v1/notices", json={"district": "310104", **early})
    assert nothing.status_code == 422 and "nothing qualifies" in nothing.json["message"]
    unknown = officer.post(
        "/api/v1/notices", json={"district": "310104", "kind": "honor_roll", "x": 1}
    )
    assert unknown.status_code == 422


def test_a_correction_supersedes_and_keeps_the_window(world):
    first_merchant, second = world.merchant(name="甲摊"), world.merchant(name="乙摊")
    penalise(world, first_merchant, "徐市监罚〔2026〕41号", TODAY - timedelta(days=9))
    officer = world.district()
    old = publish(officer, exposure_body())
    penalise(world, second, "徐市监罚〔2026〕42号", TODAY - timedelta(days=8))

    correction = officer.post(f"/api/v1/notices/{old['id']}/correct", json={"reason": "漏列一件"})
    assert correction.status_code == 201
    assert (correction.json["status"], correction.json["supersedes"]) == ("draft", old["id"])
    assert len(correction.json["entries"]) == 2
    again = officer.post(f"/api/v1/notices/{old['id']}/correct", json={"reason": "再次更正"})
    assert again.status_code == 409
    new_id = correction.json["id"]
    officer.colleague().post(f"/api/v1/notices/{new_id}/approve")
    new = officer.post(f"/api/v1/notices/{new_id}/publish", json=PUBLISH).json

    assert new["status"] == "published" and new["serial"] != old["serial"]
    shown_old = officer.get(f"/api/v1/notices/{old['id']}").json
    assert (shown_old["status"], shown_old["superseded_by"]) == ("superseded", new_id)
    assert new["entries"][0]["published_on"] == old["entries"][0]["published_on"]
    verified = world.anonymous().get(f"/api/public/v1/documents/{old['serial']}").json
    assert (verified["status"], verified["superseded_by"]) == ("superseded", new["serial"])
    assert (
        world.anonymous().get(f"/api/public/v1/documents/{new['serial']}").json["supersedes"]
        == old["serial"]
    )
    html = world.anonymous().get(f"/verify/{old['serial']}").get_data(as_text=True)
    assert "已更正" in html and TODAY.isoformat() in html and new["serial"] in html


def test_an_exposure_entry_leaves_publication_when_its_window_ends(world):
    low, high = world.merchant(name="低额罚款摊"), world.merchant(name="高额罚款摊")
    penalise(world, low, "徐市监罚〔2026〕51号", TODAY - timedelta(days=20), "3000")
    penalise(world, high, "徐市监罚〔2026〕52号", TODAY - timedelta(days=20), "30000")
    officer = world.district()
    notice = publish(officer, exposure_body())
    ends = [e["ends_on"] for e in notice["entries"]]
    assert ends == [add_months(TODAY, 3).isoformat(), add_months(TODAY, 36).isoformat()]

    assert expire_notices(today=add_months(TODAY, 3) - timedelta(days=1)) == {
        "entries": 0,
        "notices": 0,
    }
    assert expire_notices(today=add_months(TODAY, 3)) == {"entries": 1, "notices": 0}
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert [e["status"] for e in shown["entries"]] == ["expired", "active"]
    assert shown["status"] == "published"
    verified = world.anonymous().get(f"/api/public/v1/documents/{notice['serial']}").json
    assert [e["name"] for e in verified["entries"]] == [None, "高额罚款摊"]
    assert verified["pdf_url"] is None  # the printed list names an entry no longer published
    assert (
        world.anonymous().get(f"/api/public/v1/documents/{notice['serial']}/pdf").status_code == 410
    )

    assert expire_notices(today=add_months(TODAY, 36)) == {"entries": 1, "notices": 1}
    verified = world.anonymous().get(f"/api/public/v1/documents/{notice['serial']}").json
    assert (verified["status"], verified["in_force"]) == ("expired", False)
    assert "已到期" in world.anonymous().get(f"/verify/{notice['serial']}").get_data(as_text=True)


def test_an_entry_taken_off_by_hand_leaves_a_corrected_version_in_force(world):
    first, second = world.merchant(name="丙摊"), world.merchant(name="丁摊")
    penalise(world, first, "徐市监罚〔2026〕61号", TODAY - timedelta(days=6))
    penalise(world, second, "徐市监罚〔2026〕62号", TODAY - timedelta(days=6))
    officer = world.district()
    notice = publish(officer, exposure_body())
    entries = notice["entries"]
    assert entries[1]["deadline"]["reason"] == "公示期届满"

    url = f"/api/v1/notices/{notice['id']}/entries/{entries[0]['id']}/withdraw"
    assert world.district(world.JINGAN).post(url, json={"reason": "越权"}).status_code == 404
    taken = officer.post(url, json={"reason": "处罚决定已撤销"})
    assert taken.status_code == 200
    assert [e["status"] for e in taken.json["entries"]] == ["withdrawn", "active"]
    assert taken.json["entries"][0]["deadline"] is None
    assert officer.post(url, json={"reason": "再撤一次"}).status_code == 409
    old = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert old["status"] == "superseded"  # its corrected version rendered inline (no Redis)
    new = officer.get(f"/api/v1/notices/{old['superseded_by']}").json
    assert [e["content"]["business_name"] for e in new["entries"]] == ["丁摊"]
    last = f"/api/v1/notices/{new['id']}/entries/{new['entries'][0]['id']}/withdraw"
    assert officer.post(last, json={"reason": "信用修复"}).json["status"] == "withdrawn"


def test_disk_full_leaves_the_notice_approved_and_no_file(world, app, monkeypatch):
    penalise(world, world.merchant(), "徐市监罚〔2026〕71号", TODAY - timedelta(days=1))
    officer = world.district()
    notice = draft(officer, **exposure_body())
    officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve")

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    response = officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH)
    assert response.status_code == 503
    assert "No space left on device" in response.json["message"]
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert (shown["status"], shown["serial"], shown["pdf_url"]) == ("approved", None, None)
    assert "No space left on device" in shown["render_error"]
    assert stored_files(app) == []
    monkeypatch.undo()

    retried = officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH)
    assert retried.status_code == 200 and retried.json["render_error"] is None
    assert len(stored_files(app)) == 1


def test_with_redis_a_render_job_on_the_render_queue_publishes(world, app, redis_url, tmp_path):
    from redis import Redis
    from rq import Queue

    penalise(
        world, world.merchant(name="排队渲染摊"), "徐市监罚〔2026〕81号", TODAY - timedelta(days=1)
    )
    officer = world.district()
    notice = draft(officer, **exposure_body())
    officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve")
    app.config["REDIS_URL"] = redis_url

    queued = officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH)
    assert queued.status_code == 202 and queued.json["status"] == "approved"
    assert len(Queue("render", connection=Redis.from_url(redis_url)).jobs) == 1
    run = db.session.get(JobRun, queued.json["render_job"])
    assert (run.kind, run.status) == ("render", "queued")

    run_worker(app, tmp_path)
    db.session.expire_all()
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert shown["status"] == "published" and shown["serial"]
    assert db.session.get(JobRun, run.id).status == "done"
    data = pdf_of(officer, shown["pdf_url"]).data
    assert hashlib.sha256(data).hexdigest() == shown["sha256"]


def test_with_the_queue_down_publishing_is_a_503_and_the_notice_stays_approved(
    world, app, redis_down, redis_url, tmp_path
):
    penalise(world, world.merchant(), "徐市监罚〔2026〕82号", TODAY - timedelta(days=1))
    officer = world.district()
    notice = draft(officer, **exposure_body())
    officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve")
    app.config["REDIS_URL"] = redis_down

    refused = officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH)
    assert (refused.status_code, refused.headers["Retry-After"]) == (503, "5")
    assert set(refused.json) == {"code", "status", "message", "errors"}
    assert "job queue is unavailable" in refused.json["message"]
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert (shown["status"], shown["serial"], shown["pdf_url"]) == ("approved", None, None)
    assert "job queue is unavailable" in shown["render_error"]
    assert db.session.get(JobRun, shown["render_job"]).status == "failed"
    assert stored_files(app) == []

    app.config["REDIS_URL"] = redis_url  # Redis is back: the same request publishes
    queued = officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH)
    assert queued.status_code == 202
    run_worker(app, tmp_path)
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert shown["status"] == "published" and shown["render_error"] is None
    assert len(stored_files(app)) == 1


def test_a_merchant_name_with_markup_is_printed_as_text(world):
    merchant = world.merchant(name=PASSWD_LINK, address="漕宝路2号")
    inspect(world, merchant, findings=())  # a clean inspection: rated A
    officer = world.district()
    notice = publish(officer, {"kind": "placard", "merchant": merchant.uscc})

    data = pdf_of(officer, notice["pdf_url"]).data
    assert b"/EmbeddedFiles" not in data and b"root:x:0:0" not in data
    reader = read_pdf(data)
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert '<linkrel="attachment"href="file:///etc/passwd">' in pdf_text(data)
    html = world.anonymous().get(f"/verify/{notice['serial']}").get_data(as_text=True)
    assert PASSWD_LINK not in html
    assert "&lt;link rel=&#34;attachment&#34; href=&#34;file:///etc/passwd&#34;&gt;" in html


def test_placard_grade_and_qr_to_the_merchant_page(world):
    merchant = world.merchant(name="赵记粮油")
    inspect(world, merchant, findings=("UNVERIFIED",))  # 85 points: B
    notice = publish(world.district(), {"kind": "placard", "merchant": merchant.uscc})
    content = notice["entries"][0]["content"]
    assert (content["grade"], content["grade_label"], content["as_of"]) == (
        "B",
        "基本诚信",
        TODAY.isoformat(),
    )
    assert notice["title"] == "诚信计量公示牌：赵记粮油"
    text = pdf_text(pdf_of(world.district(), notice["pdf_url"]).data)
    assert "赵记粮油" in text and "基本诚信" in text


def test_a_placard_names_the_grade_as_its_policy_does(world):
    # DESIGN.md §6: the policy document is the one source of the grade names.
    renamed = copy.deepcopy(DEFAULT_POLICY) | {"version": 3}
    renamed["grades"][1]["zh"] = "较诚信"
    policies.create(Principal(role="city"), renamed, "B 级改称较诚信")
    db.session.commit()
    merchant = world.merchant(name="钱记粮油")
    inspect(world, merchant, findings=("UNVERIFIED",))  # 85 points: B, under version 3
    notice = publish(world.district(), {"kind": "placard", "merchant": merchant.uscc})
    assert notice["entries"][0]["content"]["grade_label"] == "较诚信"
    text = pdf_text(pdf_of(world.district(), notice["pdf_url"]).data)
    assert "较诚信" in text and "基本诚信" not in text


def test_a_placard_of_an_unrated_merchant_says_so(world):
    merchant = world.merchant(name="新开张摊")
    officer = world.district()
    notice = draft(officer, kind="placard", merchant=merchant.uscc)
    assert notice["entries"][0]["content"]["grade_label"] == "未评级"
    officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve")
    response = officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH)
    assert response.status_code == 200
    assert "未评级" in pdf_text(pdf_of(officer, response.json["pdf_url"]).data)
