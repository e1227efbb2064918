"""The registry, accounts, tokens and policy pages in headless Chromium (issue 19): an
officer registers a market, a stall and a fair scale and issues the scale's token; then
every new page is walked in Chinese and English (no text in the wrong language, no
sideways scrolling on a phone) and photographed."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import ApiToken, Market, User
from tests.e2e.conftest import fits_a_phone, login, screenshot, untranslated, use_language


def check(page, url: str, name: str, lang: str) -> None:
    page.goto(url)
    assert untranslated(page, lang) == [], url
    assert fits_a_phone(page), url
    screenshot(page, f"registry-{name}-{lang}")


def test_an_officer_registers_a_market_a_stall_and_a_scale_and_issues_its_token(world, page):
    # A form sent back with its errors answers 422, which Chromium logs as a console
    # error: this test works in a second tab of the harness's context, which fails it on
    # any other console error (as tests/e2e/test_officer_console.py does).
    page = page.context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    officer = world.district()
    world.street(name="斜土路街道")
    shop = world.merchant(name="王记蔬菜")
    uscc = shop.uscc
    db.session.commit()
    login(page, officer.username)

    page.goto("/console/registry")
    form = page.locator("form", has=page.get_by_role("button", name="登记该市场"))
    form.get_by_label("市场名称").fill("天钥桥菜市场")
    form.get_by_label("街道（镇）").select_option(label="斜土路街道")
    form.get_by_label("地址").fill("天钥桥路100号")
    form.get_by_role("button", name="登记该市场").click()
    page.wait_for_url(re.compile(r"/console/markets/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("天钥桥菜市场")

    # A stall with nobody's number is refused beside its field, in Chinese.
    page.get_by_role("button", name="登记该摊位").click()
    expect(page.locator("#e-number")).to_have_text("必填。")
    page.get_by_label("摊位号").fill("A-1")
    page.get_by_label("在此经营的经营者（可不填）").fill(uscc)
    page.get_by_role("button", name="登记该摊位").click()
    expect(page.locator("table.cards").first).to_contain_text("王记蔬菜")

    page.get_by_label("出厂编号").fill("XH-E2E-1")
    page.get_by_label("检定到期日").fill("2027-06-30")
    page.get_by_role("button", name="登记该公平秤").click()
    page.wait_for_url(re.compile(r"/console/devices/XH-E2E-1$"))

    page.get_by_label("标签").fill("一号门")
    page.get_by_role("button", name="签发令牌").click()
    expect(page.get_by_text("请现在复制此令牌。")).to_be_visible()
    token = page.get_by_label("令牌").input_value()
    assert token.startswith("cs_") and len(token) > 20
    screenshot(page, "registry-token-issued")

    page.get_by_role("link", name="已复制，返回").click()
    expect(page.locator("table.tokens")).to_contain_text(token[:8])
    assert token not in page.content()  # never shown again
    db.session.rollback()
    row = db.session.scalar(select(ApiToken).where(ApiToken.label == "一号门"))
    assert row is not None and row.device.serial == "XH-E2E-1"
    db.session.commit()
    assert [e for e in errors if "status of 422" not in e] == []


def test_the_new_pages_speak_one_language_and_fit_a_phone(world, page):
    officer = world.district()
    city = world.city()
    market = world.market(name="天钥桥菜市场")
    world.device(market, "XH-0001")
    shop = world.merchant(name="王记蔬菜", market=market)
    pages = {
        "registry": "/console/registry",
        "market": f"/console/markets/{market.id}",
        "device": "/console/devices/XH-0001",
        "new-business": "/console/merchants/new",
        "edit-business": f"/console/merchants/{shop.uscc}/edit",
        "policies": "/console/policies",
        "policy": "/console/policies/1",
        "own-tokens": "/account/tokens",
    }
    city_user = db.session.scalar(select(User).where(User.username == officer.username))
    city_pages = {
        "accounts": "/console/accounts",
        "new-account": "/console/accounts/new",
        "account": f"/console/accounts/{city_user.id}",
    }
    assert db.session.get(Market, market.id) is not None
    db.session.commit()
    login(page, officer.username)
    for lang in ("zh", "en"):
        use_language(page, lang)
        for name, url in pages.items():
            check(page, url, name, lang)
    page.context.clear_cookies()
    login(page, city.username)
    for lang in ("zh", "en"):
        use_language(page, lang)
        for name, url in (pages | city_pages).items():
            if name in city_pages or name in ("policies", "registry"):
                check(page, url, f"city-{name}", lang)
    # a reset password is shown once, in the page's language
    use_language(page, "zh")
    page.goto(city_pages["account"])
    page.get_by_role("button", name="重置密码").click()
    expect(page.get_by_text("请现在复制此密码并当面交给本人。")).to_be_visible()
    assert untranslated(page, "zh") == [] and fits_a_phone(page)
    screenshot(page, "registry-password-reset")
