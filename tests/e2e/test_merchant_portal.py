"""A merchant, in a real browser: logs in, sees its grade, every reason with its evidence,
the chart of its score over time and when its grade will rise."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot


def test_a_merchant_logs_in_and_sees_its_reasons_and_chart(page, small_city):
    login(page, small_city["merchant_login"])
    assert page.url.endswith("/portal")  # a merchant lands on its own record
    main = page.locator("main")
    assert main.get_by_role("heading", level=1).inner_text() == small_city["fishmonger"]["name"]
    assert page.locator(".grade.large").inner_text() == "B"

    reasons = page.get_by_role("table", name="扣分（−）与加分（+）及其依据")
    rows = reasons.locator("tbody tr")
    assert rows.count() == 2
    assert "−15.0" in rows.nth(0).inner_text() and "检查" in rows.nth(0).inner_text()
    assert "+2.0" in rows.nth(1).inner_text()

    chart = page.get_by_role("img", name="得分变化")
    assert chart.is_visible() and chart.locator("polyline").count() == 1
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert "提升为 A" in main.inner_text()
    screenshot(page, "portal-standing")

    # The click returns once the English page starts loading: wait for it, do not peek.
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("img", name="Score over time")).to_be_visible()
    expect(page.locator("main")).to_contain_text("rises to A on")
