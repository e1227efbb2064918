"""Issue 22's acceptance, in one walk: a member of the public opens the map, clicks a
district, sorts its listing by grade, opens a business and follows its feed link; at a
desktop's and a phone's width (`screenshot` writes both)."""

from __future__ import annotations

import feedparser
from playwright.sync_api import expect

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.services.statistics import refresh
from tests.e2e.conftest import fits_a_phone, screenshot

XUHUI = "310104"


def test_map_district_sorted_listing_business_and_its_feed(page, small_city):
    refresh.refresh(clock.today())
    db.session.commit()  # no open read: the server's writes would wait on SQLite

    page.goto("/map")
    screenshot(page, "journey-map")
    page.locator(f'svg.tile-map a[href="/merchants?district={XUHUI}"]').click()
    page.wait_for_url(f"**/merchants?district={XUHUI}")

    form = page.locator("main form")
    form.locator("#sort").select_option(label="按等级（A 在前）")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**sort=grade**")
    assert f"district={XUHUI}" in page.url
    names = page.locator("ul.cards h3 a")
    expect(names.nth(0)).to_have_text("王记蔬菜")  # grade A before the grade-B 李记水产
    expect(names.nth(1)).to_have_text("李记水产")
    assert fits_a_phone(page)
    screenshot(page, "journey-listing-by-grade")

    names.nth(0).click()
    uscc = small_city["honest"]["uscc"]
    page.wait_for_url(f"**/merchants/{uscc}")
    expect(page.locator("h1")).to_contain_text("王记蔬菜")
    screenshot(page, "journey-business")

    link = page.get_by_role("link", name="订阅 (Atom)")
    # Chromium shows a feed as text or offers it as a download: what it is served is the check.
    served = page.context.request.get(link.get_attribute("href"))
    assert served.status == 200
    feed = feedparser.parse(served.body())
    assert feed.bozo == 0
    assert any(entry.title.startswith("等级 A") for entry in feed.entries)
