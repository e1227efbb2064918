"""Officers run the programme in headless Chromium: a district officer draws a random
inspection plan (双随机) whose period has ended and publishes it; a community's
application is reviewed by its district and accepted by the city after the random draw of
12 units in 4 groups; and every new page is walked in Chinese and English, at a phone's
width, and photographed."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Community, InspectionPlan, JobRun
from creditsvc.principals import Principal
from creditsvc.services import jobruns
from tests.e2e.conftest import fits_a_phone, login, screenshot, untranslated, use_language

TODAY = clock.today()
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_an_officer_draws_a_plan_and_publishes_it_after_its_period(world, page):
    for i in range(4):
        world.merchant(name=f"抽查商户{i}")
    officer = world.district()
    db.session.commit()
    login(page, officer.username)
    page.goto("/console/plans")
    page.get_by_role("link", name="抽取计划").first.click()
    page.get_by_label("计划期开始").fill((TODAY - timedelta(days=40)).isoformat())
    page.get_by_label("计划期结束").fill((TODAY - timedelta(days=1)).isoformat())
    for label in ("A类（低风险）", "B类（一般风险）", "C类（较高风险）", "D类（高风险）"):
        page.get_by_label(label).fill("1")
    screenshot(page, "programme-plan-form")
    page.get_by_role("button", name="抽取计划").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("双随机检查计划")
    db.session.commit()
    plan = db.session.scalar(select(InspectionPlan))
    expect(page.locator("#plan-seed")).to_have_text(str(plan.seed))
    expect(page.locator("table.cards tbody tr")).to_have_count(4)
    db.session.commit()
    page.get_by_role("button", name="公开检查计划").click()
    expect(page.get_by_text("检查计划已公开。")).to_be_visible()
    screenshot(page, "programme-plan-published")
    db.session.commit()
    assert db.session.scalar(select(InspectionPlan.status)) == "published"
    db.session.commit()


def test_a_community_is_reviewed_by_its_district_drawn_and_accepted_by_the_city(world, page):
    street = world.street(name="斜土路街道")
    usccs = [world.merchant(name=f"参与单位{i}").uscc for i in range(13)]
    officer, city = world.district(), world.city()
    street_id = str(street.id)
    db.session.commit()  # no read left open: on SQLite it would block the server's writes
    login(page, officer.username)
    page.goto("/console/communities")
    page.get_by_role("link", name="录入申请").click()
    page.get_by_label("街道（镇）").select_option(street_id)
    page.get_by_label("社区名称").fill("斜土示范社区")
    page.get_by_role("button", name="录入申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("斜土示范社区")
    page.get_by_label("参与单位：每行一个统一社会信用代码").fill("\n".join(usccs))
    page.get_by_role("button", name="保存参与单位").click()
    expect(page.get_by_text("参与单位已保存。")).to_be_visible()
    page.get_by_label("审核意见").fill("材料齐全")
    page.get_by_role("button", name="审核通过，报市局验收").click()
    expect(page.locator("#community-status")).to_have_text("区局审核通过，待市局验收")
    expect(page.get_by_role("button", name="抽取单位")).to_have_count(0)  # the city's

    page.context.clear_cookies()
    login(page, city.username)
    db.session.commit()
    community_id = db.session.scalar(select(Community.id))
    db.session.commit()
    page.goto(f"/console/communities/{community_id}")
    page.get_by_label("随机种子").fill("20261126")
    page.get_by_role("button", name="抽取单位").click()
    expect(page.locator("table.drawn-group")).to_have_count(4)
    expect(page.locator("table.drawn-group tbody tr")).to_have_count(12)
    expect(page.locator(".draw-seed")).to_have_text("20261126")
    screenshot(page, "programme-community-drawn")
    page.get_by_label("组织单位得分（0–100）").fill("92.5")
    page.get_by_label("说明").fill("抽查合格")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("#community-status")).to_have_text("已验收命名")
    expect(page.get_by_role("heading", name="复评抽取")).to_be_visible()
    db.session.commit()
    assert db.session.scalar(select(Community.status)) == "accepted"
    db.session.commit()


def _programme_world(world) -> dict:
    """A plan, a conflict, a community with an open draw, a unit awaiting assessment, a
    commitment, and a finished training run: what the pages show."""
    xuhui, city = world.district(), world.city()
    merchants = [world.merchant(name=f"示范商户{i}") for i in range(12)]
    plan = xuhui.post(
        "/api/v1/inspection-plans",
        json={
            "district": world.XUHUI,
            "period_start": (TODAY - timedelta(days=30)).isoformat(),
            "period_end": TODAY.isoformat(),
            "ratios": {"A": 1, "B": 1, "C": 1, "D": 1},
        },
    )
    assert plan.status_code == 201, plan.json
    conflict = {"merchant": merchants[0].uscc, "reason": "亲属经营"}
    assert xuhui.post("/api/v1/officer-conflicts", json=conflict).status_code == 201
    street = world.street(name="天钥桥路街道")
    community = xuhui.post(
        "/api/v1/communities", json={"street_id": street.id, "name": "天钥桥示范社区"}
    ).json["id"]
    url = f"/api/v1/communities/{community}"
    assert xuhui.put(url + "/units", json={"units": [m.uscc for m in merchants]}).status_code == 200
    assert xuhui.post(url + "/review", json={"approve": True, "note": "齐全"}).status_code == 200
    assert city.post(url + "/draws", json={"seed": 7}).status_code == 201
    unit = world.merchant_user(merchants[1]).post(
        "/api/v1/demonstration-units", json={"statement": "申请示范单位"}
    )
    assert unit.status_code == 201, unit.json
    commitment = xuhui.post(
        "/api/v1/commitments",
        data={
            "merchant": merchants[2].uscc,
            "signed_on": TODAY.isoformat(),
            "document": (io.BytesIO(PDF), "a.pdf"),
        },
    )
    assert commitment.status_code == 201, commitment.json
    run = jobruns.create(Principal(role="city"), "risk:train", total=1)
    run.status, run.done, run.error = "failed", 1, "not enough inspections to train on"
    db.session.commit()
    return {
        "officer": xuhui.username,
        "city": city.username,
        "plan": plan.json["id"],
        "community": community,
        "unit": unit.json["id"],
        "commitment": commitment.json["id"],
        "run": run.id,
    }


def test_the_programme_pages_in_both_languages_fit_a_phone(world, page):
    facts = _programme_world(world)
    pages = {
        "plans": "/console/plans",
        "plan-form": "/console/plans/new",
        "plan": f"/console/plans/{facts['plan']}",
        "conflicts": "/console/conflicts",
        "risk": "/console/risk",
        "training-run": f"/console/risk/training-runs/{facts['run']}",
        "communities": "/console/communities",
        "community-form": "/console/communities/new",
        "community": f"/console/communities/{facts['community']}",
        "units": "/console/units",
        "unit": f"/console/units/{facts['unit']}",
        "commitments": "/console/commitments",
        "commitment-form": "/console/commitments/new",
        "commitment": f"/console/commitments/{facts['commitment']}",
    }
    found: dict[str, list[str]] = {}
    too_wide = []
    login(page, facts["officer"])
    for language in ("zh", "en"):
        use_language(page, language)
        for name, url in pages.items():
            page.goto(url)
            found[f"{language} {url}"] = untranslated(page, language)
            if not fits_a_phone(page):
                too_wide.append(f"{language} {url}")
            screenshot(page, f"programme-{language}-{name}")
    page.context.clear_cookies()
    login(page, facts["city"])
    for language in ("zh", "en"):
        use_language(page, language)
        for name in ("risk", "community", "plans"):
            page.goto(pages[name])
            found[f"{language} city {pages[name]}"] = untranslated(page, language)
            if not fits_a_phone(page):
                too_wide.append(f"{language} city {pages[name]}")
            screenshot(page, f"programme-{language}-city-{name}")
    wrong = {k: v for k, v in found.items() if v}
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)
    assert not too_wide
    db.session.commit()
    assert db.session.get(JobRun, facts["run"]).status == "failed"
