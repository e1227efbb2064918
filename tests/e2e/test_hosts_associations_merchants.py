"""Market hosts, industry associations and merchants in a real browser (issue 19): a host
registers a fair scale and issues its token; an association nominates a member unit and
follows it to its designation; a merchant signs its self-commitment and applies for credit
repair; and every new page read in Chinese and in English, on a desktop and a phone."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import ApiToken, NoticeEntry, Stall
from creditsvc.principals import hash_token
from tests.e2e.conftest import fits_a_phone, login, screenshot, untranslated, use_language
from tests.factories import exposure_body, penalise, publish

TODAY = clock.today()


def exposure_entry(world, merchant, months_ago: int = 7) -> int:
    """A published exposure entry of `merchant`, its publication `months_ago` months back."""
    penalise(world, merchant, f"徐市监罚〔2026〕{merchant.id}号", TODAY - timedelta(days=3))
    publish(world.district(), exposure_body())
    entry = db.session.scalar(select(NoticeEntry).where(NoticeEntry.merchant_id == merchant.id))
    entry.published_on = TODAY - timedelta(days=31 * months_ago)
    db.session.commit()
    return entry.id


def test_a_host_registers_a_fair_scale_and_issues_its_token(page, world):
    market = world.market(name="天钥桥菜市场")
    host = world.host(market)
    db.session.commit()
    login(page, host.username)
    assert page.url.endswith("/host")
    page.get_by_role("link", name="天钥桥菜市场").click()
    page.get_by_text("登记公平秤", exact=True).click()
    page.get_by_label("出厂编号").fill("FS-2026-01")
    due = (TODAY + timedelta(days=5)).isoformat()
    page.get_by_label("检定到期日").fill(due)
    page.get_by_role("button", name="登记该公平秤").click()
    page.wait_for_url(re.compile(r"/host/devices/FS-2026-01$"))
    expect(page.locator("main")).to_contain_text("即将到期")
    page.get_by_label("标签（可选）").fill("一号秤")
    page.get_by_role("button", name="签发令牌").click()
    shown = page.locator("#new-token")
    expect(shown).to_be_visible()
    token = shown.inner_text().strip()
    expect(page.locator(".token-once")).to_contain_text("仅显示这一次")
    screenshot(page, "roles-host-token")
    db.session.rollback()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    assert row is not None and row.device.serial == "FS-2026-01" and row.label == "一号秤"
    page.goto("/host/devices/FS-2026-01")
    assert token not in page.content()  # shown once only


def test_an_association_nominates_a_unit_and_follows_it(page, world):
    uscc = world.merchant(name="诚信粮油店").uscc
    association = world.user("association")
    officer = world.district()
    db.session.commit()  # no read transaction left open: it would block the server's writes
    login(page, association.username)
    assert page.url.endswith("/association")
    page.get_by_label("会员单位统一社会信用代码").fill(uscc)
    page.get_by_label("推荐理由").fill("计量器具台账齐全，多年无投诉")
    page.get_by_role("button", name="提交推荐").click()
    page.wait_for_url(re.compile(r"/association/nominations/\d+$"))
    expect(page.locator("main")).to_contain_text("待评审")
    unit_id = int(page.url.rsplit("/", 1)[1])
    nomination = page.url
    # The district's officer assesses it on the console's page for units.
    page.context.clear_cookies()
    login(page, officer.username)
    page.goto(f"/console/units/{unit_id}")
    page.get_by_label(re.compile("^评审意见")).fill("现场评审合格")
    page.get_by_role("button", name="命名为示范单位").click()
    expect(page.locator("main")).to_contain_text("已命名")
    page.context.clear_cookies()
    login(page, association.username)
    page.goto(nomination)
    main = page.locator("main")
    expect(main).to_contain_text("已命名")
    expect(main).to_contain_text("现场评审合格")
    screenshot(page, "roles-association-nomination")


def test_a_merchant_signs_its_commitment_and_applies_for_repair(page, world):
    merchant = world.merchant(name="王记蔬菜")
    entry_id = exposure_entry(world, merchant)
    account = world.merchant_user(merchant)
    db.session.commit()
    login(page, account.username)
    page.get_by_role("link", name="自我承诺").click()
    expect(page.locator("main")).to_contain_text("不短斤缺两")
    page.get_by_role("button", name="今日签署承诺书").click()
    expect(page.locator("main")).to_contain_text(f"签署于 {TODAY.isoformat()}")

    page.get_by_role("link", name="信用修复").click()
    expect(page.locator("main table")).to_contain_text("是")
    page.get_by_role("combobox", name=re.compile("^曝光条目")).select_option(str(entry_id))
    page.get_by_label("此后采取的整改措施").fill("已缴纳罚款并更换电子秤")
    page.get_by_label("我已履行行政处罚决定规定的义务（罚款已缴纳）。").check()
    page.get_by_label("我已主动消除危害后果和不良影响。").check()
    page.get_by_role("button", name="申请", exact=True).click()
    page.wait_for_url(re.compile(r"/portal/repairs/\d+$"))
    main = page.locator("main")
    expect(main).to_contain_text("待决定")
    expect(main).to_contain_text("公示满6个月方可申请提前移出")
    screenshot(page, "roles-portal-repair")


def _walk(page, urls: list[str], name: str) -> None:
    for language in ("zh", "en"):
        use_language(page, language)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            assert untranslated(page, language) == [], (url, language)
            assert fits_a_phone(page), (url, language)
            slug = url.strip("/").replace("/", "-")
            screenshot(page, f"{name}-{slug}-{language}")


def test_every_new_page_reads_in_chinese_and_english_and_fits_a_phone(page, world):
    market = world.market(name="天钥桥菜市场")
    merchant = world.merchant(name="王记蔬菜", market=market, address="天钥桥路1号")
    db.session.add(Stall(market_id=market.id, number="A-1", merchant_id=merchant.id))
    db.session.commit()
    _, scale, _ = world.device(market, "FS-1")
    when = f"{TODAY - timedelta(days=1)}T09:30:00"
    readings = [
        {"seq": i, "time": when, "settled_g": 500, "measured_g": g, "category": "vegetable"}
        | {"stall": "A-1"}
        for i, g in enumerate((500, 470), start=1)
    ]
    assert scale.post("/api/v1/readings", json={"readings": readings}).status_code == 200
    entry_id = exposure_entry(world, merchant)
    account = world.merchant_user(merchant)
    filed = account.post(
        "/api/v1/repairs",
        json={
            "entry_id": entry_id,
            "statement": "已缴纳罚款",
            "obligations_fulfilled": True,
            "harm_remedied": True,
        },
    )
    assert filed.status_code == 201, filed.json
    association = world.user("association")
    nominated = association.post(
        "/api/v1/demonstration-units", json={"merchant": merchant.uscc, "statement": "推荐"}
    )
    assert nominated.status_code == 201, nominated.json
    host = world.host(market)
    db.session.commit()

    login(page, host.username)
    host_pages = [
        "/host",
        f"/host/markets/{market.id}",
        "/host/devices/FS-1",
        f"/host/merchants/{merchant.uscc}",
        "/account/notifications",
    ]
    _walk(page, host_pages, "roles-host")

    page.context.clear_cookies()
    login(page, association.username)
    unit_pages = ["/association", f"/association/nominations/{nominated.json['id']}"]
    _walk(page, [*unit_pages, "/account/notifications"], "roles-association")

    page.context.clear_cookies()
    login(page, account.username)
    portal_pages = [
        "/portal/commitment",
        "/portal/repairs",
        f"/portal/repairs/{filed.json['id']}",
        "/portal/demonstration",
        "/account/notifications",
    ]
    _walk(page, portal_pages, "roles-portal")
