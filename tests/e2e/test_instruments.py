"""The verification registry's pages in a browser, in Chinese and English, on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Stall
from tests.e2e.conftest import fits_a_phone, login, screenshot, untranslated, use_language

TODAY = clock.today()


@pytest.fixture
def registry(world) -> dict:
    market = world.market(name="天钥桥菜市场")
    merchant = world.merchant(name="王记蔬菜", market=market)
    db.session.add(Stall(market_id=market.id, number="A-1", merchant_id=merchant.id))
    db.session.commit()
    officer = world.district()
    host = world.host(market)
    overdue = officer.post(
        "/api/v1/instruments",
        json={"kind": "pricing_scale", "serial": "PS-0001", "merchant": merchant.uscc},
    ).json
    officer.post(
        f"/api/v1/instruments/{overdue['id']}/verifications",
        json={
            "certificate_number": "JD2025-0001",
            "institute": "上海市计量测试技术研究院",
            "verified_on": str(TODAY - timedelta(days=400)),
            "result": "passed",
            "next_due": str(TODAY - timedelta(days=35)),
        },
    )
    officer.post(
        "/api/v1/instruments",
        json={
            "kind": "fair_scale",
            "serial": "FS-0001",
            "market_id": market.id,
            "verification_due": str(TODAY + timedelta(days=20)),
        },
    )
    db.session.commit()
    return {"officer": officer.username, "host": host.username, "instrument": overdue["id"]}


PAGES = {
    "list": "/instruments",
    "overdue": "/instruments?due=overdue",
    "instrument": "/instruments/{instrument}",
    "new": "/instruments/new",
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_officers_registry_pages_in_both_languages_fit_a_phone(page, registry, language):
    login(page, registry["officer"])
    use_language(page, language)
    for name, path in PAGES.items():
        page.goto(path.format(**registry))
        assert page.locator("h1").count() == 1
        assert untranslated(page, language) == [], name
        assert fits_a_phone(page), name
        screenshot(page, f"verification-{name}-{language}")
    page.goto("/instruments?due=overdue")
    assert "PS-0001" in page.locator("main table").inner_text()


def test_a_host_records_a_verification_through_the_form(page, registry):
    login(page, registry["host"])
    page.goto(f"/instruments/{registry['instrument']}")
    assert untranslated(page, "zh") == []
    form = page.locator("main form")
    form.get_by_label("检定证书编号").fill("JD2026-0002")
    form.get_by_label("检定机构名称").fill("上海市计量测试技术研究院")
    form.get_by_label("检定结论").select_option("passed")
    form.get_by_label("下次检定到期").fill(str(TODAY + timedelta(days=365)))
    form.get_by_role("button").click()
    page.wait_for_load_state()
    assert "JD2026-0002" in page.locator("main table").inner_text()
    assert fits_a_phone(page)
    screenshot(page, "verification-host-recorded")
