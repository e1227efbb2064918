"""The programme's console pages (issue 19): random inspection plans and conflicts, risk
classes and training, demonstration communities and units, commitments. Each page calls
the API's own service, scoped as the API scopes it: another district's record is a 404,
a city verb is a 403 page for a district officer, and a refused form says why in Chinese
beside the field."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    AuditEntry,
    Commitment,
    Community,
    CommunityDraw,
    DemonstrationUnit,
    InspectionPlan,
    JobRun,
    OfficerConflict,
)
from tests.factories import inspect
from tests.web.test_web_console import error_beside, officer, post_form, session_for, text_of

TODAY = clock.today()
XUHUI, JINGAN = "310104", "310106"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def city(world, app):
    return session_for(world, app, "city")


def location(response) -> str:
    assert response.status_code == 303, text_of(response)[:2000]
    return response.headers["Location"]


# Every page opens --------------------------------------------------------------------

PAGES = (
    "/console/plans",
    "/console/plans/new",
    "/console/conflicts",
    "/console/risk",
    "/console/communities",
    "/console/communities/new",
    "/console/units",
    "/console/units?status=",
    "/console/commitments",
    "/console/commitments?in_force=yes",
    "/console/commitments/new",
)


@pytest.mark.parametrize("url", PAGES)
def test_each_page_opens_for_officers_and_not_for_merchants(world, app, url):
    assert officer(world, app).get(url).status_code == 200
    assert city(world, app).get(url).status_code == 200
    merchant = session_for(world, app, "merchant", merchant=world.merchant().uscc)
    assert merchant.get(url).status_code == 403


# Random inspection plans ---------------------------------------------------------------


def draw_plan(client, start, end, **more):
    form = {
        "district": XUHUI,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        **{f"ratios.{c}": "1" for c in "ABCD"},
        **more,
    }
    return post_form(client, "/console/plans/new", form)


def test_a_plan_is_drawn_shown_in_public_order_and_published_after_its_period(world, app):
    merchants = [world.merchant(name=f"抽查商户{i}") for i in range(5)]
    client = officer(world, app)
    plan_url = location(draw_plan(client, TODAY - timedelta(days=40), TODAY - timedelta(days=1)))
    plan = db.session.scalar(select(InspectionPlan))
    assert plan.created_by.startswith("user:") and len(plan.items) == len(merchants)
    page = text_of(client.get(plan_url))
    assert f'<code id="plan-seed">{plan.seed}</code>' in page
    shown = [m.uscc for m in sorted(merchants, key=lambda m: page.index(m.uscc))]
    assert shown == sorted(m.uscc for m in merchants)  # the published plan's order
    published = post_form(client, plan_url + "/publish", {}, form_url=plan_url)
    assert location(published).endswith(plan_url)
    db.session.refresh(plan)
    assert plan.status == "published" and plan.published_on == TODAY
    assert "已公开" in text_of(client.get(plan_url))


def test_a_plan_is_not_published_before_its_period_ends(world, app):
    world.merchant()
    client = officer(world, app)
    plan_url = location(draw_plan(client, TODAY, TODAY + timedelta(days=30)))
    refused = post_form(client, plan_url + "/publish", {}, form_url=plan_url)
    assert refused.status_code == 422
    assert "计划期结束后方可公开" in text_of(refused)
    assert db.session.scalar(select(InspectionPlan.status)) == "drawn"


def test_the_plan_form_shows_errors_in_chinese_beside_the_fields(world, app):
    client = officer(world, app)
    response = draw_plan(client, TODAY, TODAY - timedelta(days=1), **{"ratios.A": "2"})
    assert response.status_code == 422
    page = text_of(response)
    assert error_beside(page, "ratios.A") == "须在 0 至 1 之间。"
    assert db.session.scalar(select(func.count()).select_from(InspectionPlan)) == 0
    response = draw_plan(client, TODAY, TODAY - timedelta(days=1))
    assert error_beside(text_of(response), "period_end") == "期间的结束日期早于开始日期。"
    response = post_form(client, "/console/plans/new", {"district": XUHUI})
    assert error_beside(text_of(response), "period_start") == "必填。"


def test_another_districts_plan_is_404_and_its_district_is_refused(world, app):
    world.merchant(district=JINGAN)
    jingan = officer(world, app, JINGAN)
    plan_url = location(
        post_form(
            jingan,
            "/console/plans/new",
            {
                "district": JINGAN,
                "period_start": (TODAY - timedelta(days=9)).isoformat(),
                "period_end": (TODAY - timedelta(days=1)).isoformat(),
            },
        )
    )
    xuhui = officer(world, app)
    assert xuhui.get(plan_url).status_code == 404
    assert post_form(xuhui, plan_url + "/publish", {}, "/console/plans").status_code == 404
    form = {"district": JINGAN, "period_start": TODAY.isoformat(), "period_end": TODAY.isoformat()}
    refused = post_form(xuhui, "/console/plans/new", form)
    assert refused.status_code == 422
    assert "只能为本区抽取检查计划" in error_beside(text_of(refused), "district")


def test_an_officer_declares_a_conflict_and_the_form_says_what_is_missing(world, app):
    merchant = world.merchant(name="回避商户")
    client = officer(world, app)
    missing = post_form(client, "/console/conflicts", {"reason": "亲属经营"})
    assert missing.status_code == 422
    assert error_beside(text_of(missing), "merchant") == "必填。"
    done = post_form(
        client, "/console/conflicts", {"merchant": merchant.uscc, "reason": "亲属经营"}
    )
    assert location(done).endswith("/console/conflicts")
    conflict = db.session.scalar(select(OfficerConflict))
    assert conflict.merchant_id == merchant.id and conflict.reason == "亲属经营"
    assert "回避商户" in text_of(client.get("/console/conflicts"))
    again = post_form(client, "/console/conflicts", {"merchant": merchant.uscc, "reason": "亲属"})
    assert error_beside(text_of(again), "merchant") == "该回避关系已申报。"
    elsewhere = world.merchant(district=JINGAN)
    hidden = post_form(client, "/console/conflicts", {"merchant": elsewhere.uscc, "reason": "x1"})
    assert error_beside(text_of(hidden), "merchant") == "没有该经营者，或您无权查看。"


# Risk classes and training -------------------------------------------------------------


def test_training_is_the_city_officers_and_a_down_queue_changes_nothing(world, app, redis_down):
    district = officer(world, app)
    refused = post_form(district, "/console/risk/models", {}, "/console/risk")
    assert refused.status_code == 403
    assert refused.mimetype == "text/html" and "<h1" in text_of(refused)  # a page, not JSON
    assert "训练新模型" not in text_of(district.get("/console/risk"))
    client = city(world, app)
    assert "训练新模型" in text_of(client.get("/console/risk"))
    app.config["REDIS_URL"] = redis_down
    response = post_form(client, "/console/risk/models", {}, "/console/risk")
    assert response.status_code == 503
    assert "任务队列暂不可用" in text_of(response)
    assert db.session.scalar(select(JobRun.status)) == "failed"


def test_training_without_history_shows_why_on_the_run(world, app):
    client = city(world, app)
    response = post_form(client, "/console/risk/models", {}, "/console/risk")
    assert response.status_code == 422
    assert "未训练模型" in text_of(response)


# Demonstration communities -------------------------------------------------------------


def application(world, app, client, units=12):
    street = world.street(name="斜土路街道")
    merchants = [world.merchant(name=f"参与单位{i}") for i in range(units)]
    created = post_form(
        client,
        "/console/communities/new",
        {"street_id": str(street.id), "name": "斜土示范社区", "applied_on": TODAY.isoformat()},
    )
    url = location(created)
    named = post_form(
        client, url + "/units", {"units": "\n".join(m.uscc for m in merchants)}, form_url=url
    )
    assert location(named).endswith(url)
    return url, merchants


def test_a_community_is_reviewed_drawn_and_accepted(world, app):
    district = officer(world, app)
    url, merchants = application(world, app, district)
    community = db.session.scalar(select(Community))
    assert community.status == "applying"
    reviewed = post_form(district, url + "/review", {"approve": "true", "note": "材料齐全"}, url)
    location(reviewed)
    refused = post_form(district, url + "/draws", {}, url)
    assert refused.status_code == 403
    boss = city(world, app)
    location(post_form(boss, url + "/draws", {"seed": "20261126"}, url))
    draw = db.session.scalar(select(CommunityDraw))
    assert draw.seed == 20261126 and len(draw.units) == 12
    page = text_of(boss.get(url))
    assert page.count('class="cards drawn-group"') == 4 and "20261126" in page
    no_score = post_form(boss, url + "/accept", {"passed": "true", "note": "合格"}, url)
    assert no_score.status_code == 422
    assert error_beside(text_of(no_score), "organiser_score") == "必填。"
    accepted = post_form(
        boss, url + "/accept", {"passed": "true", "organiser_score": "92.5", "note": "合格"}, url
    )
    location(accepted)
    db.session.refresh(community)
    assert community.status == "accepted" and community.accepted_on == TODAY
    assert community.re_evaluation_due is not None
    page = text_of(boss.get(url))
    assert "复评抽取" in page  # the next step: the re-evaluation draw
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"create", "set_units", "review", "draw", "decide", "acceptance"} <= actions


def test_a_community_form_refuses_too_few_and_foreign_units(world, app):
    district = officer(world, app)
    url, _ = application(world, app, district, units=11)
    too_few = post_form(district, url + "/review", {"approve": "true"}, url)
    assert too_few.status_code == 422
    assert "至少" in error_beside(text_of(too_few), "approve")
    foreign = world.merchant(district=JINGAN)
    wrong = post_form(district, url + "/units", {"units": foreign.uscc}, url)
    assert wrong.status_code == 422
    assert "没有这些经营者" in error_beside(text_of(wrong), "units")
    empty = post_form(district, url + "/units", {"units": ""}, url)
    assert error_beside(text_of(empty), "units") == "必填。"


def test_another_districts_community_is_read_as_the_api_reads_it_but_not_moved(world, app):
    url, _ = application(world, app, officer(world, app))
    jingan = officer(world, app, JINGAN)
    page = text_of(jingan.get(url))  # communities are registry facts every officer reads
    assert "斜土示范社区" in page and "/review" not in page
    refused = post_form(jingan, url + "/review", {"approve": "true"}, url)
    assert refused.status_code == 422
    assert "只有该社区所在区的执法人员可以办理此事项" in text_of(refused)
    assert db.session.scalar(select(Community.status)) == "applying"
    assert jingan.get("/console/communities/999999").status_code == 404


# Demonstration units ------------------------------------------------------------------


def filed_unit(world, merchant):
    response = world.merchant_user(merchant).post(
        "/api/v1/demonstration-units", json={"statement": "申请示范单位"}
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_a_unit_is_designated_suspended_reinstated_and_revoked(world, app):
    merchant = world.merchant(name="示范粮油店")
    unit_id = filed_unit(world, merchant)
    client = officer(world, app)
    assert "示范粮油店" in text_of(client.get("/console/units"))  # awaiting assessment
    url = f"/console/units/{unit_id}"
    missing = post_form(client, url + "/assess", {"designate": "true"}, url)
    assert error_beside(text_of(missing), "note") == "必填。"
    location(post_form(client, url + "/assess", {"designate": "true", "note": "合格"}, url))
    unit = db.session.get(DemonstrationUnit, unit_id)
    assert unit.status == "designated" and unit.valid_until > TODAY
    inspect(world, merchant, ["CHEAT"])
    db.session.refresh(unit)
    assert unit.status == "suspended"
    page = text_of(client.get(url))
    assert 'name="reinstate.reason"' in page and 'name="revoke.reason"' in page
    blank = post_form(client, url + "/reinstate", {"reinstate.reason": ""}, url)
    assert error_beside(text_of(blank), "reinstate.reason") == "必填。"
    location(post_form(client, url + "/reinstate", {"reinstate.reason": "异议成立"}, url))
    db.session.refresh(unit)
    assert unit.status == "designated"
    location(post_form(client, url + "/revoke", {"revoke.reason": "严重违法"}, url))
    db.session.refresh(unit)
    assert unit.status == "revoked" and unit.decision_reason == "严重违法"


def test_another_districts_unit_is_404(world, app):
    unit_id = filed_unit(world, world.merchant(district=JINGAN))
    client = officer(world, app)
    assert client.get(f"/console/units/{unit_id}").status_code == 404
    url = f"/console/units/{unit_id}/assess"
    form = {"designate": "true", "note": "x"}
    assert post_form(client, url, form, "/console/units").status_code == 404


# Commitments --------------------------------------------------------------------------


def test_an_officer_records_a_paper_commitment_and_withdraws_it(world, app):
    merchant = world.merchant(name="承诺商户")
    client = officer(world, app)
    form = {"merchant": merchant.uscc, "signed_on": (TODAY - timedelta(days=2)).isoformat()}
    no_scan = post_form(client, "/console/commitments/new", form)
    assert no_scan.status_code == 422
    assert error_beside(text_of(no_scan), "document") == "请附上已签署承诺书的扫描件。"
    not_a_scan = post_form(
        client, "/console/commitments/new", {**form, "document": (io.BytesIO(b"hello"), "a.txt")}
    )
    assert error_beside(text_of(not_a_scan), "document") == "扫描件须为PDF、JPEG或PNG文件。"
    done = post_form(
        client, "/console/commitments/new", {**form, "document": (io.BytesIO(PDF), "scan.pdf")}
    )
    url = location(done)
    commitment = db.session.scalar(select(Commitment))
    assert commitment.channel == "officer" and commitment.signed_on == TODAY - timedelta(days=2)
    assert client.get(url + "/document").data == PDF
    assert "承诺商户" in text_of(client.get("/console/commitments?in_force=yes"))
    blank = post_form(client, url + "/withdraw", {"reason": ""}, url)
    assert error_beside(text_of(blank), "reason") == "必填。"
    location(post_form(client, url + "/withdraw", {"reason": "商户歇业"}, url))
    db.session.refresh(commitment)
    assert commitment.withdrawn_on == TODAY and commitment.withdraw_reason == "商户歇业"


def test_another_districts_commitment_is_404(world, app):
    merchant = world.merchant(district=JINGAN)
    jingan = officer(world, app, JINGAN)
    url = location(
        post_form(
            jingan,
            "/console/commitments/new",
            {
                "merchant": merchant.uscc,
                "signed_on": TODAY.isoformat(),
                "document": (io.BytesIO(PDF), "scan.pdf"),
            },
        )
    )
    xuhui = officer(world, app)
    assert xuhui.get(url).status_code == 404
    assert xuhui.get(url + "/document").status_code == 404
    refused = post_form(xuhui, url + "/withdraw", {"reason": "x"}, "/console/commitments")
    assert refused.status_code == 404
