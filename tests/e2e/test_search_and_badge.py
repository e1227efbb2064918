"""A member of the public sorts a district's listing by grade and pages through it; a
merchant finds the badge to show on its online shop (issue 22, items 3 and 4). Both in
Chinese and English, fitting a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from creditsvc.extensions import db
from tests.e2e.conftest import fits_a_phone, login, screenshot, untranslated, use_language


def test_the_public_sorts_a_district_by_grade_and_pages_through_it(page, small_city, world):
    for n in range(25):
        world.merchant(name=f"翻页商户{n:02d}")
    db.session.commit()  # no open read: the server's writes would wait on SQLite
    found = {}
    for language, sort_name, next_name in (
        ("zh", "按等级（A 在前）", "下一页"),
        ("en", "By grade (A first)", "Next page"),
    ):
        use_language(page, language)
        page.goto("/merchants")
        form = page.locator("main form")
        form.locator("#district").select_option("310104")
        form.locator("#sort").select_option(label=sort_name)
        form.locator("button[type=submit]").click()
        page.wait_for_url("**sort=grade**")
        names = page.locator("ul.cards h3 a")
        # the grade-A business first, then the grade-B ones in name order
        expect(names.nth(0)).to_have_text("王记蔬菜")
        expect(names.nth(1)).to_have_text("李记水产")
        expect(page.locator("aside.grade-legend")).to_be_visible()
        expect(page.locator("#street")).to_have_js_property("tagName", "SELECT")
        found[f"{language} sorted"] = untranslated(page, language)
        assert fits_a_phone(page)
        screenshot(page, f"{language}-search-sorted")
        page.locator("nav.pager").get_by_role("link", name=next_name).click()
        page.wait_for_url("**page=2**")
        assert "sort=grade" in page.url and "district=310104" in page.url
        expect(page.locator('nav.pager a[aria-current="page"]')).to_contain_text("2")
        found[f"{language} page 2"] = untranslated(page, language)
        assert fits_a_phone(page)
        screenshot(page, f"{language}-search-page-2")
    assert {k: v for k, v in found.items() if v} == {}


def test_a_merchant_finds_the_badge_snippet(page, small_city):
    login(page, small_city["merchant_login"])
    found = {}
    for language in ("zh", "en"):
        use_language(page, language)
        page.goto("/portal")
        section = page.locator("section.badge-snippet")
        expect(section).to_be_visible()
        image = section.locator("img")
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        expect(section.locator("textarea")).to_have_attribute("readonly", "")
        assert "/badge/" in section.locator("textarea").input_value()
        found[language] = untranslated(page, language)
        assert fits_a_phone(page)
        screenshot(page, f"{language}-portal-badge")
    assert found == {"zh": [], "en": []}
