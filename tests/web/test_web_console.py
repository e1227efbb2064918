"""The officer console through a browser session (Flask client): who may see it, district
scope, CSRF, and the evidence forms' validation shown beside the fields."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    AuditEntry,
    Complaint,
    CurrentScore,
    Device,
    Inspection,
    JobRun,
    Notice,
    ScoreSnapshot,
)
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal
from creditsvc.services.evidence import complaints as complaint_service
from creditsvc.workdays import SHANGHAI
from tests.documents import read_pdf
from tests.factories import csrf_token, inspect, login, penalise, reading

TODAY = clock.today()


def session_for(world, app, role="district", **scope):
    """A logged-in browser client of a new user of `role`."""
    caller = world.user(role, **scope)
    client = app.test_client()
    assert login(client, caller.username).status_code == 302
    return client


def officer(world, app, district="310104"):
    return session_for(world, app, "district", district=district)


def post_form(client, url, data, form_url=None):
    """Post a form as the browser would: with the CSRF token of the page it is on."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


def text_of(response) -> str:
    return response.get_data(as_text=True)


CITY_ACTOR = Principal(role="city")


def complaint_in(world, merchant, allegation="复称短少50克"):
    found = complaint_service.record_complaint(
        CITY_ACTOR,
        {
            "merchant": merchant.uscc,
            "channel": "12345",
            "received_on": TODAY,
            "allegation": allegation,
        },
    )
    db.session.commit()
    return found


# Who may use the console ----------------------------------------------------------------

CONSOLE_PAGES = (
    "/console/",
    "/console/inspections/new",
    "/console/complaints",
    "/console/complaints/new",
    "/console/imports",
    "/console/notices",
    "/console/notices/new",
    "/console/audit",
    "/console/merchants",
)


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_officers_see_every_console_page(world, app, url):
    for client in (officer(world, app), session_for(world, app, "city")):
        response = client.get(url)
        assert response.status_code == 200, text_of(response)[:500]
        assert 'name="csrf_token"' in text_of(response) or "<form" not in text_of(response)


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_merchants_hosts_and_the_public_are_refused(world, app, url):
    market = world.market()
    merchant_client = session_for(world, app, "merchant", merchant=world.merchant().uscc)
    host_client = session_for(world, app, "host", market=market.id)
    assert merchant_client.get(url).status_code == 403
    assert host_client.get(url).status_code == 403
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# District scope: another district's record is a 404, never data ---------------------------


def test_a_district_officer_gets_404_for_another_districts_records(world, app):
    theirs = world.merchant(world.JINGAN, name="静安的商户")
    complaint = complaint_in(world, theirs, "静安的投诉内容")
    jingan = session_for(world, app, "district", district=world.JINGAN)
    inspected = post_form(
        jingan,
        "/console/inspections/new",
        {
            "merchant": theirs.uscc,
            "inspected_on": TODAY.isoformat(),
            "kind": "routine",
            "officers": "李四",
        },
    )
    assert inspected.status_code == 302
    inspection_id = db.session.scalar(select(Inspection.id))
    imported = jingan.post(
        "/console/imports",
        data={
            "kind": "complaints",
            "csrf_token": csrf_token(jingan, "/console/imports"),
            "file": (io.BytesIO(b"USCC\n"), "x.csv"),
        },
    )
    run_id = imported.headers["Location"].rsplit("/", 1)[1]

    xuhui = officer(world, app)
    for url in (
        f"/console/complaints/{complaint.id}",
        f"/console/inspections/{inspection_id}",
        f"/console/imports/{run_id}",
        "/console/?district=310106",
        "/console/notices?district=310106",
        "/console/audit?district=310106",
    ):
        response = xuhui.get(url)
        assert response.status_code == 404, url
        assert "静安的" not in text_of(response)
    moved = post_form(
        xuhui,
        f"/console/complaints/{complaint.id}/transitions",
        {"to": "verifying", "reason": "核查"},
        form_url="/console/complaints/new",
    )
    assert moved.status_code == 404
    assert db.session.get(Complaint, complaint.id).status == "received"
    # Lists leave the other district out.
    assert "静安的投诉内容" not in text_of(xuhui.get("/console/complaints"))
    assert "静安的投诉内容" not in text_of(xuhui.get("/console/"))


def test_the_city_officer_picks_any_district(world, app):
    complaint_in(world, world.merchant(world.JINGAN), "静安的投诉内容")
    city = session_for(world, app, "city")
    assert "静安的投诉内容" in text_of(city.get("/console/?district=310106"))
    assert "静安的投诉内容" in text_of(city.get("/console/"))
    assert "静安的投诉内容" not in text_of(city.get("/console/?district=310104"))
    assert city.get("/console/?district=999999").status_code == 404


# CSRF ----------------------------------------------------------------------------------


def test_every_console_form_needs_its_csrf_token(world, app):
    merchant = world.merchant()
    complaint = complaint_in(world, merchant)
    client = officer(world, app)
    posts = {
        "/console/complaints/new": {
            "merchant": merchant.uscc,
            "channel": "12345",
            "received_on": TODAY.isoformat(),
            "allegation": "短秤",
        },
        "/console/inspections/new": {
            "merchant": merchant.uscc,
            "kind": "routine",
            "inspected_on": TODAY.isoformat(),
            "officers": "张三",
        },
        f"/console/complaints/{complaint.id}/transitions": {"to": "verifying", "reason": "核查"},
        "/console/notices/new": {"kind": "honor_roll", "district": "310104"},
    }
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for url, data in posts.items():
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "表单已过期" in text_of(response)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0
    assert db.session.get(Complaint, complaint.id).status == "received"


# Forms: the API's validation, shown beside the fields, with what was entered kept ---------


def error_beside(page: str, field: str) -> str:
    """The text of the error shown for form field `field`."""
    found = re.search(rf'<span class="field-error" id="e-{re.escape(field)}">([^<]*)</span>', page)
    assert found, f"no error shown for {field}"
    return found.group(1)


def test_inspection_form_shows_each_error_beside_its_field_and_keeps_the_input(world, app):
    merchant = world.merchant()
    client = officer(world, app)
    form = {
        "merchant": merchant.uscc.lower(),
        "inspected_on": (TODAY + timedelta(days=3)).isoformat(),
        "officers": "张三、李四",
        "notes": "复查摊位",
        # The first rows are left blank: errors must land on the rows that were filled.
        "findings.2.code": "SHORT_RETAIL",
        "findings.2.severity": "huge",
        "lots.1.product": "大米",
        "lots.1.nominal": "5000",
        "lots.1.unit": "g",
        "lots.1.batch_size": "10",
        "lots.1.measurements": "4990 4985 abc",
        "penalty.fine_yuan": "100",
    }
    response = post_form(client, "/console/inspections/new", form)
    assert response.status_code == 422
    page = text_of(response)
    assert error_beside(page, "kind")  # missing
    assert error_beside(page, "inspected_on")  # in the future
    assert error_beside(page, "findings.2.severity")
    assert error_beside(page, "lots.1.measurements")
    assert error_beside(page, "penalty.decision_number")
    assert 'value="张三、李四"' in page and "复查摊位" in page
    assert "4990 4985 abc" in page and 'value="大米"' in page
    assert re.search(r'<option value="SHORT_RETAIL" selected>', page)
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


def test_inspection_form_shows_the_services_refusal(world, app):
    theirs = world.merchant(world.JINGAN)
    client = officer(world, app)
    form = {
        "merchant": theirs.uscc,
        "inspected_on": TODAY.isoformat(),
        "kind": "routine",
        "officers": "张三",
        "findings.0.code": "SHORT_RETAIL",
        "findings.0.instrument": "NO-SUCH-SCALE",
    }
    page = text_of(post_form(client, "/console/inspections/new", form))
    assert "没有该经营者，或您无权查看" in error_beside(page, "merchant")
    mine = world.merchant()
    form["merchant"] = mine.uscc
    response = post_form(client, "/console/inspections/new", form)
    assert response.status_code == 422
    assert "NO-SUCH-SCALE" in error_beside(text_of(response), "findings.0.instrument")


def test_an_inspection_with_lots_and_a_penalty_is_recorded_and_audited(world, app):
    merchant = world.merchant()
    client = officer(world, app)
    form = {
        "merchant": merchant.uscc,
        "inspected_on": TODAY.isoformat(),
        "kind": "random",
        "officers": "张三, 李四",
        "findings.0.code": "UNVERIFIED",
        "lots.0.product": "大米",
        "lots.0.nominal": "500",
        "lots.0.unit": "g",
        "lots.0.batch_size": "10",
        "lots.0.measurements": "480, 481 482、483 484 485 486 487 488 489",
        "penalty.decision_number": "沪市监徐处〔2026〕7号",
        "penalty.decided_on": TODAY.isoformat(),
        "penalty.procedure": "ordinary",
        "penalty.fine_yuan": "2000",
    }
    response = post_form(client, "/console/inspections/new", form)
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    assert inspection.officers == ["张三", "李四"] and inspection.kind == "random"
    assert inspection.lots[0].verdict == "fail"  # a lot 4% short of 500 g
    assert {f.code for f in inspection.findings} == {"UNVERIFIED", "SHORT_PREPACK"}
    assert inspection.penalty.fine_yuan == 2000
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "inspections"))
    assert entry.action == "create" and entry.actor.startswith("user:district")
    page = text_of(client.get(response.headers["Location"]))
    assert "SHORT_PREPACK" in page and "沪市监徐处〔2026〕7号" in page


def test_complaint_form_and_its_status_transitions(world, app):
    merchant = world.merchant(name="王记蔬菜")
    client = officer(world, app)
    bad = post_form(
        client,
        "/console/complaints/new",
        {"merchant": merchant.uscc, "channel": "fax", "allegation": "复称少了"},
    )
    assert bad.status_code == 422
    page = text_of(bad)
    assert error_beside(page, "channel") and error_beside(page, "received_on")
    assert "复称少了" in page
    recorded = post_form(
        client,
        "/console/complaints/new",
        {
            "merchant": merchant.uscc,
            "channel": "12345",
            "received_on": TODAY.isoformat(),
            "allegation": "复称少了",
            "contact": "王女士 13800000000",
        },
    )
    assert recorded.status_code == 302
    url = recorded.headers["Location"]
    complaint = db.session.scalar(select(Complaint))
    assert complaint.status == "received"
    assert "王女士 13800000000" in text_of(client.get(url))  # the district's own officer

    refused = post_form(
        client, f"{url}/transitions", {"to": "substantiated", "reason": "查实"}, url
    )
    assert refused.status_code == 422
    assert "can move to verifying" in error_beside(text_of(refused), "to")
    assert "查实" in text_of(refused)
    moved = post_form(client, f"{url}/transitions", {"to": "verifying", "reason": "开始核查"}, url)
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).status == "verifying"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "transition", AuditEntry.reason == "开始核查")
    )
    assert entry is not None and entry.entity_id == str(complaint.id)
    assert "开始核查" in text_of(client.get(url))


def form_as_drawn(client, url) -> dict[str, str]:
    """The hidden fields of a form as the page draws them: its CSRF token and its key."""
    page = text_of(client.get(url))
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page)
    return dict(hidden)


@pytest.mark.parametrize(
    ("url", "model"),
    [("/console/complaints/new", Complaint), ("/console/inspections/new", Inspection)],
)
def test_an_evidence_form_sent_twice_records_once(world, app, url, model):
    """Issue 17: a double click, or Back and send again, records once; the second send is
    answered as the first, and says so."""
    merchant = world.merchant()
    client = officer(world, app)
    drawn = form_as_drawn(client, url)
    assert set(drawn) == {"csrf_token", "idempotency_key"}
    assert form_as_drawn(client, url)["idempotency_key"] != drawn["idempotency_key"]
    form = {
        **drawn,
        "merchant": merchant.uscc,
        "channel": "12345",
        "received_on": TODAY.isoformat(),
        "allegation": "复称少了",
        "inspected_on": TODAY.isoformat(),
        "kind": "routine",
        "officers": "张三",
    }
    if model is Inspection:
        form = {k: v for k, v in form.items() if k not in ("channel", "received_on", "allegation")}
    first = client.post(url, data=form)
    assert first.status_code == 302, text_of(first)
    again = client.post(url, data=form)
    assert (again.status_code, again.headers["Location"]) == (302, first.headers["Location"])
    assert db.session.scalar(select(func.count()).select_from(model)) == 1
    assert "此表单之前已提交过" in text_of(client.get(again.headers["Location"]))

    other = {**form, "officers": "李四", "allegation": "另一件事"}
    changed = client.post(url, data=other)
    assert changed.status_code == 422
    page = text_of(changed)
    assert "此表单之前已用其他内容提交并已记录" in page and merchant.uscc in page
    assert db.session.scalar(select(func.count()).select_from(model)) == 1
    redrawn = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
    resent = client.post(url, data={**other, "idempotency_key": redrawn})
    assert resent.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(model)) == 2

    damaged = client.post(url, data={**other, "idempotency_key": "k" * 256})
    assert damaged.status_code == 422 and "表单已损坏" in text_of(damaged)
    assert db.session.scalar(select(func.count()).select_from(model)) == 2


# Spreadsheet import: progress, the row-by-row report, all or nothing ----------------------

HEADER = "统一社会信用代码,检查日期,检查类型,检查人员\n"


def upload(client, kind, body: bytes, name="sheet.csv"):
    token = csrf_token(client, "/console/imports")
    return client.post(
        "/console/imports",
        data={"kind": kind, "file": (io.BytesIO(body), name), "csrf_token": token},
    )


def test_an_import_with_a_bad_row_shows_the_row_and_imports_nothing(world, app):
    first, second = world.merchant(), world.merchant()
    client = officer(world, app)
    day = TODAY.isoformat()
    sheet = HEADER + f"{first.uscc},{day},日常检查,张三\n{second.uscc},{day},巡查,李四\n"
    response = upload(client, "inspections", sheet.encode("gb18030"))
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert '<meta http-equiv="refresh"' not in page  # finished (jobs run inline here)
    row = re.search(r"<tr><td[^>]*>3</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>", page)
    assert row and row.group(1) == "检查类型" and "日常检查" in row.group(2)
    assert not re.search(r"<td[^>]*>2</td>", page)  # the good row has no error
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0

    fixed = sheet.replace("巡查", "专项检查")
    done = client.get(upload(client, "inspections", fixed.encode()).headers["Location"])
    assert re.search(r"role=\"status\">[^<]*2", text_of(done))
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 2
    listing = text_of(client.get("/console/imports"))
    assert listing.count("/console/imports/") == 2


def test_an_import_needs_a_kind_and_a_file(world, app):
    client = officer(world, app)
    response = upload(client, "pets", b"")
    assert response.status_code == 422
    page = text_of(response)
    assert error_beside(page, "kind") and error_beside(page, "file")


def test_the_progress_page_refreshes_while_the_job_runs(world, app):
    client = officer(world, app)
    started = upload(client, "complaints", b"USCC\n").headers["Location"]
    run = db.session.get(JobRun, started.rsplit("/", 1)[1])
    run.status, run.total, run.done = "running", 400, 250
    db.session.commit()
    page = text_of(client.get(started))
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress max="400" value="250">' in page


def test_with_the_queue_down_an_upload_says_so_and_nothing_waits(world, app, redis_down):
    merchant = world.merchant()
    client = officer(world, app)
    app.config["REDIS_URL"] = redis_down
    sheet = HEADER + f"{merchant.uscc},{TODAY.isoformat()},日常检查,张三\n"
    response = upload(client, "inspections", sheet.encode())
    assert response.status_code == 503
    assert "任务队列暂不可用" in text_of(response)
    assert db.session.scalar(select(JobRun.status)) == "failed"
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


# Notices: draft, preview, approve, publish, withdraw --------------------------------------


def grade_a_merchant(world, client, name="诚信粮油店"):
    """A merchant with a signed commitment and a clean inspection: rated A once rescored
    (the rescore runs in-process after the form's commit)."""
    merchant = world.merchant(name=name, commitment_signed_on=TODAY - timedelta(days=30))
    recorded = post_form(
        client,
        "/console/inspections/new",
        {
            "merchant": merchant.uscc,
            "inspected_on": TODAY.isoformat(),
            "kind": "routine",
            "officers": "张三",
        },
    )
    assert recorded.status_code == 302
    return merchant


def test_the_notice_workflow_from_draft_to_withdrawal(world, app):
    client = officer(world, app)
    grade_a_merchant(world, client)
    drafted = post_form(
        client, "/console/notices/new", {"kind": "honor_roll", "district": "310104"}
    )
    assert drafted.status_code == 303
    url = drafted.headers["Location"]
    notice = db.session.scalar(select(Notice))
    assert notice.status == "draft"
    page = text_of(client.get(url))
    assert "诚信粮油店" in page and "preview.pdf" in page

    preview = client.get(f"{url}/preview.pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    # The printed title carries the mark (the PDF's metadata title is the printed one).
    assert read_pdf(preview.data).metadata.title.startswith("【预览·未发布】")
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).entries[0].published_on is None  # nothing kept

    # Four eyes: the drafter is told why there is no approve button; a colleague approves.
    assert "须由本区另一名人员或市局人员审核" in page and f"{url}/approve" not in page
    colleague = officer(world, app)
    assert post_form(colleague, f"{url}/approve", {}, url).status_code == 303
    unconfirmed = post_form(client, f"{url}/publish", {}, url)
    assert unconfirmed.headers["Location"].endswith(f"{url}/publish")
    assert db.session.get(Notice, notice.id).status == "approved"
    confirm = text_of(client.get(f"{url}/publish"))
    assert "诚信粮油店" in confirm and 'name="confirm" value="yes"' in confirm
    published = post_form(client, f"{url}/publish", {"confirm": "yes"}, f"{url}/publish")
    assert published.status_code == 303
    db.session.expire_all()
    notice = db.session.get(Notice, notice.id)
    assert notice.status == "published" and notice.serial
    page = text_of(client.get(url))
    assert notice.serial in page and f"/api/v1/notices/{notice.id}/pdf" in page
    assert client.get(f"{url}/preview.pdf").status_code == 302  # no preview once published

    unexplained = post_form(client, f"{url}/withdraw", {"reason": ""}, url)
    assert unexplained.status_code == 422 and error_beside(text_of(unexplained), "reason")
    assert (
        post_form(client, f"{url}/withdraw", {"reason": "商户被投诉查实"}, url).status_code == 303
    )
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).status == "withdrawn"
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "notices").order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "approve", "publish", "withdraw"]


def test_a_draft_that_cannot_be_made_shows_why(world, app):
    client = officer(world, app)
    nothing = post_form(
        client, "/console/notices/new", {"kind": "honor_roll", "district": "310104"}
    )
    assert nothing.status_code == 422
    assert "nothing qualifies" in text_of(nothing)
    period = post_form(
        client,
        "/console/notices/new",
        {"kind": "exposure", "district": "310104", "period_start": TODAY.isoformat()},
    )
    assert error_beside(text_of(period), "period_end")
    elsewhere = post_form(
        client, "/console/notices/new", {"kind": "honor_roll", "district": "310106"}
    )
    assert elsewhere.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_a_step_out_of_order_is_refused_with_the_reason(world, app):
    client = officer(world, app)
    grade_a_merchant(world, client)
    url = post_form(client, "/console/notices/new", {"kind": "honor_roll", "district": "310104"})
    url = url.headers["Location"]
    refused = post_form(client, f"{url}/publish", {"confirm": "yes"}, url)
    assert refused.status_code == 303
    assert "needs approved" in text_of(client.get(url))
    assert db.session.scalar(select(Notice.status)) == "draft"


def test_with_the_queue_down_publishing_says_so_and_the_notice_stays_approved(
    world, app, redis_down
):
    client = officer(world, app)
    grade_a_merchant(world, client)
    drafted = post_form(
        client, "/console/notices/new", {"kind": "honor_roll", "district": "310104"}
    )
    url = drafted.headers["Location"]
    assert post_form(officer(world, app), f"{url}/approve", {}, url).status_code == 303
    app.config["REDIS_URL"] = redis_down
    refused = post_form(client, f"{url}/publish", {"confirm": "yes"}, url)
    assert refused.status_code == 303
    page = text_of(client.get(url))
    assert "任务队列暂不可用" in page and "job queue is unavailable" in page
    notice = db.session.scalar(select(Notice))
    assert (notice.status, notice.serial, notice.file_name) == ("approved", None, None)
    assert db.session.scalar(select(JobRun.status)) == "failed"


# The dashboard --------------------------------------------------------------------------


def snapshot(merchant, as_of, score, grade):
    row = ScoreSnapshot(
        merchant_id=merchant.id,
        as_of=as_of,
        policy_version=1,
        rated=True,
        score=score,
        grade=grade,
        reasons=[],
        inputs_hash="0" * 64,
    )
    db.session.add(row)
    db.session.flush()
    return row


def scored(merchant, history):
    """Snapshots at (days ago, score, grade); the last is the current standing."""
    rows = [snapshot(merchant, TODAY - timedelta(days=d), s, g) for d, s, g in history]
    now = rows[-1]
    db.session.add(
        CurrentScore(
            merchant_id=merchant.id,
            snapshot_id=now.id,
            rated=True,
            score=now.score,
            grade=now.grade,
            as_of=now.as_of,
            policy_version=1,
            inputs_hash=now.inputs_hash,
        )
    )
    db.session.commit()


def reweighs(market, merchant, verdicts, days_ago=1):
    device = Device(serial=f"FS-{market.id}-{days_ago}", market_id=market.id)
    db.session.add(device)
    db.session.flush()
    at = utcnow() - timedelta(days=days_ago)
    for seq, verdict in enumerate(verdicts):
        db.session.add(reading(device, merchant, seq, at, verdict))
    db.session.commit()


def test_the_dashboard_shows_the_districts_figures(world, app):
    market, other_market = world.market(name="斜土路菜市场"), world.market(name="天平菜场")
    falling, steady = (
        world.merchant(name="下滑的摊位", market=market),
        world.merchant(market=market),
    )
    scored(falling, [(200, 96.0, "A"), (100, 94.0, "A"), (5, 62.5, "C")])
    scored(steady, [(150, 88.0, "B"), (2, 90.0, "A")])
    world.merchant()  # never scored: unrated
    reweighs(market, steady, ["short"] * 3 + ["within"] * 7 + ["not_assessable"] * 2)
    reweighs(other_market, steady, ["short"] * 9, days_ago=45)  # outside the 30 days
    old = complaint_in(world, steady, "四十天前的投诉")
    old.received_on = clock.today() - timedelta(days=40)
    complaint_service.move(CITY_ACTOR, complaint_in(world, steady, "已查实"), "verifying", "核查")
    db.session.commit()
    theirs = world.merchant(world.JINGAN, name="静安下滑")
    scored(theirs, [(120, 99.0, "A"), (1, 40.0, "D")])

    page = text_of(officer(world, app).get("/console/"))
    chart = re.search(r'<svg class="chart bars".*?</svg>', page, re.S).group(0)
    assert 'aria-label="' in chart and "<desc>A: 1; B: 0; C: 1; D: 0;" in chart
    trend = page[page.index('id="trend-h"') : page.index('id="short-h"')]
    assert "下滑的摊位" in trend and "−31.5" in trend and "静安下滑" not in trend
    assert steady.name not in trend  # it rose
    short = page[page.index('id="short-h"') : page.index('id="complaints-h"')]
    assert "斜土路菜市场" in short and "30.0%" in short and "天平菜场" not in short
    complaints = page[page.index('id="complaints-h"') :]
    assert complaints.index("四十天前的投诉") < complaints.index("已查实")
    # Counted from the page's own today, so a run that crosses midnight in Shanghai still holds.
    age = (clock.today() - old.received_on).days
    assert age in (40, 41) and f'<td class="number bad">{age}</td>' in complaints


# The audit log --------------------------------------------------------------------------


def test_the_audit_log_filters_and_pages(world, app):
    merchant = world.merchant()
    for n in range(55):
        complaint_in(world, merchant, f"投诉{n}")
    complaint_in(world, world.merchant(world.JINGAN), "静安的投诉")
    client = officer(world, app)
    post_form(
        client,
        "/console/complaints/new",
        {
            "merchant": merchant.uscc,
            "channel": "walk_in",
            "received_on": TODAY.isoformat(),
            "allegation": "网页录入",
        },
    )
    me = db.session.scalar(select(AuditEntry.actor).where(AuditEntry.actor.like("user:%")))

    first = text_of(client.get("/console/audit?entity=complaints"))
    assert "56 " in first or "56条" in first or ">56" in first
    assert "网页录入" in first and "静安的投诉" not in first and 'rel="next"' in first
    second = text_of(client.get("/console/audit?entity=complaints&page=2"))
    assert "投诉0" in second and 'rel="prev"' in second
    mine = text_of(client.get(f"/console/audit?actor={me}"))
    assert "网页录入" in mine and "投诉1" not in mine
    # Days are Shanghai days, whatever the server's clock zone.
    today = datetime.now(SHANGHAI).date()
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    assert "网页录入" not in text_of(client.get(f"/console/audit?since={tomorrow}"))
    assert "网页录入" not in text_of(client.get(f"/console/audit?until={yesterday}"))
    assert "网页录入" in text_of(client.get(f"/console/audit?since={today}&until={today}"))
    assert 'aria-invalid="true"' in text_of(client.get("/console/audit?since=yesterday"))
    city = session_for(world, app, "city")
    assert "静安的投诉" in text_of(city.get("/console/audit?district=310106"))


def test_an_exposure_preview_opens_its_windows_without_keeping_them(world, app):
    merchant = world.merchant(name="赵记粮油", address="漕溪北路1号")
    penalise(world, merchant, "徐市监罚〔2026〕21号", TODAY - timedelta(days=5))
    client = session_for(world, app, "city")
    drafted = post_form(
        client,
        "/console/notices/new",
        {
            "kind": "exposure",
            "district": "310104",
            "period_start": (TODAY - timedelta(days=30)).isoformat(),
            "period_end": TODAY.isoformat(),
        },
    )
    assert drafted.status_code == 303, text_of(drafted)[:2000]
    preview = client.get(drafted.headers["Location"] + "/preview.pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert read_pdf(preview.data).metadata.title.startswith("【预览·未发布】")
    entry = db.session.scalar(select(Notice)).entries[0]
    assert entry.published_on is None and entry.ends_on is None


def test_a_preview_the_renderer_refuses_says_why_on_the_notice_page(world, app):
    client = officer(world, app)
    grade_a_merchant(world, client)
    url = post_form(client, "/console/notices/new", {"kind": "honor_roll", "district": "310104"})
    url = url.headers["Location"]
    app.config["PUBLIC_BASE_URL"] = "ftp://credit.example"  # QR codes could not point there
    refused = client.get(f"{url}/preview.pdf")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(url)
    assert "cannot be rendered" in text_of(client.get(url))  # publishing would fail alike


def test_another_districts_officer_cannot_move_a_notice(world, app):
    client = officer(world, app)
    grade_a_merchant(world, client)
    url = post_form(client, "/console/notices/new", {"kind": "honor_roll", "district": "310104"})
    url = url.headers["Location"]
    jingan = session_for(world, app, "district", district=world.JINGAN)
    token = csrf_token(jingan, "/console/notices/new")
    for action in ("approve", "publish", "withdraw"):
        response = jingan.post(f"{url}/{action}", data={"csrf_token": token, "reason": "越权"})
        assert response.status_code == 404, action
    assert jingan.get(f"{url}/preview.pdf").status_code == 404
    city = session_for(world, app, "city")
    assert post_form(city, f"{url}/approve", {}, url).status_code == 303
    assert db.session.scalar(select(Notice.status)) == "approved"


# Businesses: found by name or code, read whole ----------------------------------------------


def test_an_officer_finds_a_business_and_reads_its_whole_record(world, app):

    shop = world.merchant(name="钱记豆制品", address="天钥桥路1号")
    inspection_id = inspect(world, shop, ["UNVERIFIED"])  # a major finding: −15, grade B
    complaint = complaint_in(world, shop)
    elsewhere = world.merchant(world.JINGAN, name="钱记粮油")
    db.session.commit()
    client = officer(world, app)

    found = text_of(client.get("/console/merchants?q=钱记"))  # two characters: name_grams
    assert "钱记豆制品" in found and "钱记粮油" not in found  # Jing'an's is not in view
    assert text_of(client.get(f"/console/merchants?q={shop.uscc.lower()}")).count(shop.uscc) >= 1

    code = shop.uscc
    page = client.get(f"/console/merchants/{code[:9]}%20{code[9:].lower()}")  # as pasted
    assert page.status_code == 200
    html = text_of(page)
    assert "钱记豆制品" in html and "天钥桥路1号" in html and "−15.0" in html
    assert f'href="/console/inspections/{inspection_id}"' in html  # the reason's evidence
    assert f'href="/console/complaints/{complaint.id}"' in html and "复称短少50克" in html
    assert f"/console/inspections/new?merchant={code}" in html
    assert '<svg class="chart' in html and 'role="img"' in html
    assert "13800000000" not in html  # no complainant's contact on this page
    assert client.get(f"/console/merchants/{elsewhere.uscc}").status_code == 404

    city = text_of(session_for(world, app, "city").get("/console/merchants?q=钱记"))
    assert "钱记豆制品" in city and "钱记粮油" in city


def test_a_business_search_that_finds_nothing_says_so(world, app):
    world.merchant(name="王记蔬菜")
    db.session.commit()
    html = text_of(officer(world, app).get("/console/merchants?q=不存在"))
    assert "王记蔬菜" not in html and "不存在" in html
