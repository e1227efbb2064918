"""The officers' to-do list in headless Chromium (issue 19): an officer sees a business's
objection on the list, follows its link, upholds it, and the business's score rises; then a
walk of the appeal, penalty and correction pages in Chinese and English, each fitting a
phone and photographed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Inspection, NoticeEntry, Objection
from tests.api.appeals.test_objections import published_penalty
from tests.api.appeals.test_repairs import apply, published_entry
from tests.e2e.conftest import fits_a_phone, login, screenshot, untranslated, use_language

TODAY = clock.today()


def file_objection(world, merchant, inspection_id) -> int:
    filed = world.merchant_user(merchant).post(
        "/api/v1/objections",
        json={"kind": "inspection", "id": inspection_id, "grounds": "计量器具已在有效期内检定"},
    )
    assert filed.status_code == 201, filed.json
    return filed.json["id"]


def test_an_officer_follows_the_todo_list_and_upholds_an_objection(world, page):
    merchant, inspection_id, _ = published_penalty(world, world.district(), name="甲摊")
    objection_id = file_objection(world, merchant, inspection_id)
    uscc = merchant.uscc
    officer = world.district()
    db.session.commit()
    login(page, officer.username)

    page.goto(f"/console/merchants/{uscc}")
    expect(page.locator(".grade.large")).to_have_text("B")

    page.goto("/console/")
    expect(page.get_by_role("heading", name="待办事项")).to_be_visible()
    row = page.locator("#todo tr.todo-objection")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("还剩 5 个工作日")
    screenshot(page, "appeals-todo")
    row.get_by_role("link", name="作出决定").click()
    page.wait_for_url(re.compile(rf"/console/objections/{objection_id}$"))
    expect(page.locator("#grounds")).to_have_text("计量器具已在有效期内检定")

    page.get_by_label("异议成立").check()
    page.get_by_label("原因").fill("检定证书有效，记录有误")
    page.get_by_role("button", name="记录决定").click()
    expect(page.get_by_text("异议成立：该记录已作废。")).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text("检定证书有效，记录有误")

    db.session.commit()  # end the test's read so it sees the server's commit
    assert db.session.get(Objection, objection_id).status == "upheld"
    assert db.session.get(Inspection, inspection_id).void is not None
    db.session.commit()

    # The business is rescored without the voided finding.
    page.goto(f"/console/merchants/{uscc}")
    expect(page.locator(".grade.large")).to_have_text("A")
    page.goto("/console/")
    expect(page.locator("#todo tr.todo-objection")).to_have_count(0)


def test_the_appeal_pages_in_both_languages(world, page):
    district_officer = world.district()
    merchant, inspection_id, notice = published_penalty(world, district_officer, name="甲摊")
    objection_id = file_objection(world, merchant, inspection_id)
    repaired, entry_id, _ = published_entry(world, district_officer, name="乙摊")
    repair_id = apply(world.merchant_user(repaired), entry_id).json["id"]
    reply = world.merchant_user(merchant).post(
        "/api/v1/replies", json={"text": "已更换经检定的电子秤，欢迎复秤。"}
    )
    penalty_id = (
        db.session.query(NoticeEntry.penalty_id).filter_by(merchant_id=merchant.id).first()[0]
    )
    db.session.commit()
    login(page, world.district().username)

    pages = {
        "todo": "/console/",
        "objections": "/console/objections",
        "objection": f"/console/objections/{objection_id}",
        "repairs": "/console/repairs",
        "repair": f"/console/repairs/{repair_id}",
        "replies": "/console/replies",
        "reply": f"/console/replies/{reply.json['id']}",
        "penalties": "/console/penalties",
        "penalty": f"/console/penalties/{penalty_id}",
        "inspection-void": f"/console/inspections/{inspection_id}",
        "notice-entries": f"/console/notices/{notice['id']}",
    }
    for language in ("zh", "en"):
        use_language(page, language)
        for name, url in pages.items():
            page.goto(url)
            expect(page.locator("h1")).to_be_visible()
            assert untranslated(page, language) == [], (name, language)
            assert fits_a_phone(page), (name, language)
            screenshot(page, f"appeals-{name}-{language}")
