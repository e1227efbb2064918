"""A member of the public, in a real browser: finds a business, opens its page and a
published PDF. And every public and portal page, in Chinese and in English, carries no
string of the other language that is not marked as such (WCAG 3.1.2)."""

from __future__ import annotations

import json

from playwright.sync_api import expect
from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import CalendarYear, Inspection
from tests.e2e.conftest import DESKTOP, fits_a_phone, login, screenshot, untranslated, use_language
from tests.factories import draft


def test_a_member_of_the_public_finds_a_business_and_opens_a_pdf(page, small_city):
    uscc = small_city["honest"]["uscc"]
    page.goto("/")
    page.get_by_label("按名称或统一社会信用代码查询经营者").fill("王记")
    # A click returns once the next page starts loading; each check below waits for it.
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/merchants?**")
    screenshot(page, "public-search")
    page.get_by_role("link", name="王记蔬菜").click()
    page.wait_for_url(f"**/merchants/{uscc}")
    expect(page.locator(".grade.large")).to_have_text("A")
    expect(page.locator("main")).to_contain_text("诚信计量等级 A")
    screenshot(page, "public-business")

    page.get_by_role("link", name="公示公告").first.click()
    roll = small_city["documents"]["honor_roll"]
    page.wait_for_url("**/documents**")
    expect(page.locator("main")).to_contain_text(roll["serial"])
    screenshot(page, "public-notices")
    page.get_by_role("link", name=f"PDF文件 {roll['serial']}").click()
    page.wait_for_url(f"**/documents/{roll['serial']}/pdf")
    # Chromium shows the PDF in its viewer; the bytes it was served are the check.
    served = page.context.request.get(page.url)
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.body().startswith(b"%PDF-")


def test_pages_carry_no_untranslated_strings(page, small_city):
    uscc, docs = small_city["honest"]["uscc"], small_city["documents"]
    public_pages = [
        "/",
        "/merchants?q=记",
        f"/merchants/{uscc}",
        "/documents",
        "/documents?kind=exposure",
        "/honor-roll",
        "/demonstrations",
        "/verify",
        f"/verify/{docs['exposure']['serial']}",
        f"/verify/{docs['placard']['serial']}",
        "/grades",
        "/login",
    ]
    portal_pages = ["/portal", "/portal/objections/new", "/portal/replies/new", "/account/password"]
    found = {}
    for language in ("zh", "en"):
        use_language(page, language)
        for url in public_pages:
            page.goto(url)
            found[(language, url)] = untranslated(page, language)
            if language == "zh":
                screenshot(page, f"zh-{url.strip('/') or 'home'}")
                assert fits_a_phone(page), url
    login(page, small_city["merchant_login"])
    for language in ("zh", "en"):
        use_language(page, language)
        for url in portal_pages:
            page.goto(url)
            found[(language, url)] = untranslated(page, language)
            screenshot(page, f"{language}-{url.strip('/')}")
            assert fits_a_phone(page), url
    assert {k: v for k, v in found.items() if v} == {}


def test_console_pages_carry_no_untranslated_strings(page, small_city, world):
    """The officer console too: data typed in Chinese is marked as Chinese on the
    English pages (WCAG 3.1.2), and no English is left on the Chinese ones."""
    fishmonger, docs = small_city["fishmonger"]["uscc"], small_city["documents"]
    filed = world.district().post(
        "/api/v1/complaints",
        json={
            "merchant": fishmonger,
            "channel": "12345",
            "received_on": clock.today().isoformat(),
            "allegation": "复称短少50克",
        },
    )
    complaint = filed.json["id"]
    inspection = db.session.scalar(select(func.max(Inspection.id)))
    drafter = world.district()
    waiting = draft(drafter, kind="honor_roll")["id"]  # approved, waiting to be published
    assert drafter.colleague().post(f"/api/v1/notices/{waiting}/approve").status_code == 200
    db.session.commit()  # an open read here would block the server's writes on SQLite
    console_pages = [
        "/console/",
        "/console/merchants?q=记",
        f"/console/merchants/{fishmonger}",
        "/console/complaints",
        "/console/complaints/new",
        "/console/inspections/new",
        "/console/notices",
        f"/console/notices/{docs['exposure']['id']}",
        f"/console/notices/{docs['honor_roll']['id']}",
        "/console/imports",
        "/console/audit",
        f"/console/complaints/{complaint}",
        f"/console/inspections/{inspection}",
        f"/console/notices/{waiting}/publish",
    ]
    login(page, small_city["officer_login"])
    found = {}
    for language in ("zh", "en"):
        use_language(page, language)
        for url in console_pages:
            page.goto(url)
            found[f"{language} {url}"] = untranslated(page, language)
    # The city officer's own pages: the holiday calendar, and the banner of a year that
    # deadlines need and nobody loaded (the next year is made so, whatever today is).
    db.session.query(CalendarYear).filter(CalendarYear.year == clock.today().year + 1).delete()
    db.session.commit()
    page.context.clear_cookies()
    login(page, world.city().username)
    for language in ("zh", "en"):
        use_language(page, language)
        for url in ("/console/", "/console/calendar"):
            page.goto(url)
            expect(page.locator(".calendar-missing")).to_contain_text(str(clock.today().year + 1))
            found[f"{language} city {url}"] = untranslated(page, language)
            if url == "/console/calendar":
                screenshot(page, f"{language}-console-calendar")
                assert fits_a_phone(page), url
    wrong = {k: v for k, v in found.items() if v}
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)


def test_error_pages_speak_the_readers_language(browser, live_server, small_city):
    """The 404 and 403 pages in both languages (issue 19): explained in the page's language,
    nothing untranslated, fitting a phone. A tab of its own: the browser logs every 4xx
    answer as a console error, which the `page` fixture counts as a failure."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="zh-CN")
    tab = context.new_page()
    try:
        login(tab, small_city["merchant_login"])
        found = {}
        for language in ("zh", "en"):
            use_language(tab, language)
            for url, status in (("/merchants/91310000000000000X", 404), ("/console/", 403)):
                answer = tab.goto(url)
                assert answer.status == status, url
                found[(language, url)] = untranslated(tab, language)
                assert fits_a_phone(tab), url
                if language == "zh":
                    expect(tab.locator("main p").first).not_to_be_empty()
            screenshot(tab, f"{language}-error-403")
        assert {k: v for k, v in found.items() if v} == {}
    finally:
        context.close()
