"""A member of the public, in a real browser, opens the map of the city, follows a
district to its listing, and reads the trends by month (issue 22); both pages in
Chinese and English, at a desktop's and a phone's width."""

from __future__ import annotations

from playwright.sync_api import expect

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.services.statistics import refresh
from tests.e2e.conftest import fits_a_phone, screenshot, untranslated, use_language
from tests.statistics_set import XUHUI, build


def refreshed(world) -> None:
    build(world, clock.today())
    refresh.refresh(clock.today())
    db.session.commit()


def test_the_map_opens_a_district_listing(page, world):
    refreshed(world)
    page.goto("/")
    page.get_by_role("link", name="地图与统计").click()
    page.wait_for_url("**/map")
    expect(page.locator("svg.tile-map a")).to_have_count(16)
    screenshot(page, "public-map")
    page.locator(f'svg.tile-map a[href="/merchants?district={XUHUI}"]').click()
    page.wait_for_url(f"**/merchants?district={XUHUI}")
    expect(page.locator("main")).to_contain_text("测试商户")


def test_the_trends_choose_a_district_without_javascript(page, world):
    refreshed(world)
    page.goto("/statistics")
    expect(page.locator("svg.chart.stacked")).to_have_count(4)
    page.get_by_label("区", exact=True).select_option(XUHUI)
    page.get_by_role("button", name="显示").click()
    page.wait_for_url(f"**/statistics?district={XUHUI}")
    expect(page.locator("h1")).to_contain_text("徐汇区")
    page.get_by_text("以表格查看数据").first.click()
    expect(page.locator("table.cards").first).to_be_visible()
    screenshot(page, "public-statistics")


def test_map_and_statistics_in_both_languages_fit_a_phone(page, world):
    refreshed(world)
    for code in ("zh", "en"):
        use_language(page, code)
        for path in ("/map", "/statistics", f"/statistics?district={XUHUI}"):
            page.goto(path)
            for details in page.locator("details").all():
                details.evaluate("d => d.open = true")
            assert untranslated(page, code) == [], (code, path)
            assert fits_a_phone(page), (code, path)
        screenshot(page, f"public-statistics-{code}")
