"""A member of the public, in a real browser, follows a business's feed link and opens the
open-data catalogue from the navigation, in Chinese and in English (issue 22)."""

from __future__ import annotations

import feedparser
from playwright.sync_api import expect

from tests.e2e.conftest import fits_a_phone, screenshot, untranslated, use_language


def test_a_member_of_the_public_follows_a_business_feed(page, small_city):
    uscc = small_city["honest"]["uscc"]
    page.goto(f"/merchants/{uscc}")
    link = page.get_by_role("link", name="订阅 (Atom)")
    expect(link).to_have_attribute("href", f"/feeds/merchants/{uscc}.atom")
    discovered = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(discovered).to_have_attribute("href", f"/feeds/merchants/{uscc}.atom")
    # Chromium shows a feed as text or downloads it; the bytes it is served are the check.
    served = page.context.request.get(link.get_attribute("href"))
    assert served.status == 200
    assert served.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(served.body())
    assert feed.bozo == 0 and feed.entries
    assert any(entry.title.startswith("等级 A") for entry in feed.entries)

    page.goto("/documents")
    notices = page.get_by_role("link", name="订阅 (Atom)")
    assert page.context.request.get(notices.get_attribute("href")).status == 200


def test_the_open_data_catalogue_in_both_languages(page, small_city):
    for language in ("zh", "en"):
        use_language(page, language)
        page.goto("/")
        name = "开放数据" if language == "zh" else "Open data"
        page.get_by_role("navigation", name="主导航" if language == "zh" else "Main").get_by_role(
            "link", name=name
        ).click()
        page.wait_for_url("**/open-data")
        expect(page.locator("h1")).to_have_text(name)
        assert untranslated(page, language) == []
        assert fits_a_phone(page)
        screenshot(page, f"{language}-open-data")
        catalogue = page.context.request.get("/open-data/catalog.jsonld")
        assert catalogue.status == 200 and catalogue.json()["@type"] == "dcat:Catalog"
