"""Issue 20 in the browser: an officer records a 1 kg lot that fails together with a
SHORT_PREPACK finding about it, sees that one fault is deducted once, and /grades explains
policy version 2; each page in Chinese and English, on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import CurrentScore
from tests.e2e.conftest import fits_a_phone, login, screenshot, untranslated, use_language

TODAY = clock.today()


def test_a_kilogram_lot_and_its_finding_count_once(world, page, live_server):
    officer = world.district()
    merchant = world.merchant(name="钱记粮油")
    uscc, merchant_id = merchant.uscc, merchant.id
    db.session.commit()
    login(page, officer.username)

    page.goto("/console/inspections/new")
    page.locator("#f-merchant").fill(uscc)
    page.get_by_label(re.compile("^类型")).select_option("routine")
    page.get_by_label("检查日期").fill(TODAY.isoformat())
    page.get_by_label("检查人员").fill("张三、李四")
    page.get_by_label("违法行为1：类型").select_option("SHORT_PREPACK")
    page.get_by_label("批次1：商品").fill("大米")
    page.get_by_label("批次1：标注净含量").fill("1")
    page.get_by_label("批次1：单位").select_option("kg")
    page.get_by_label("批次1：批量").fill("3")
    page.get_by_label("批次1：实测值").fill("1.002 0.96 1")  # 960 g < 1000 − 2 × 15: T2
    page.get_by_role("button", name="保存检查记录").click()
    expect(page.get_by_text("检查记录已保存。")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("与本次检查的不合格批次属同一问题")
    expect(main).to_contain_text("千克 (kg)")
    expect(main).to_contain_text("T2 类短缺 1 件（允许 0 件）")
    inspection_url = page.url

    db.session.expire_all()
    standing = db.session.get(CurrentScore, merchant_id)
    assert (standing.score, standing.grade) == (85.0, "B")  # 15 once, not 15 + 15

    found = {}
    for language in ("zh", "en"):
        use_language(page, language)
        for url in (inspection_url, "/console/inspections/new", "/grades"):
            page.goto(url)
            found[(language, url)] = untranslated(page, language)
            assert fits_a_phone(page), url
        page.goto(inspection_url)
        screenshot(page, f"judging-inspection-{language}")
        page.goto("/grades")
        screenshot(page, f"judging-grades-{language}")
    assert {k: v for k, v in found.items() if v} == {}
    expect(page.locator("main")).to_contain_text("What changed from version 1")
