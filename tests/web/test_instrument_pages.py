"""The verification registry's pages (issue 20): list, instrument, register, record."""

from __future__ import annotations

from datetime import timedelta

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Instrument, Stall, VerificationRecord
from tests.factories import csrf_token, login

TODAY = clock.today()


def signed_in(world, app, role="district", **scope):
    caller = world.user(role, **scope)
    client = app.test_client()
    assert login(client, caller.username).status_code == 302
    return client


def post_form(client, url, data, form_url=None):
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


def test_an_officer_registers_records_and_sees_the_overdue_list(world, app):
    merchant = world.merchant(name="王记蔬菜")
    client = signed_in(world, app, district="310104")
    page = client.get("/instruments/new")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)

    refused = post_form(client, "/instruments/new", {"kind": "pricing_scale", "serial": "PS-9"})
    assert refused.status_code == 422
    assert 'id="e-merchant"' in refused.get_data(as_text=True)
    assert db.session.query(Instrument).count() == 0

    made = post_form(
        client,
        "/instruments/new",
        {"kind": "pricing_scale", "serial": "PS-9", "merchant": merchant.uscc},
    )
    assert made.status_code == 303
    url = made.headers["Location"]
    detail = client.get(url).get_data(as_text=True)
    assert "PS-9" in detail and "王记蔬菜" in detail
    assert f'value="{TODAY.isoformat()}"' in detail  # verified_on defaults to today

    missing_due = post_form(
        client,
        f"{url}/verifications",
        {
            "certificate_number": "C-1",
            "institute": "计量院",
            "verified_on": str(TODAY),
            "result": "passed",
        },
        url,
    )
    assert missing_due.status_code == 422
    assert 'id="e-next_due"' in missing_due.get_data(as_text=True)
    recorded = post_form(
        client,
        f"{url}/verifications",
        {
            "certificate_number": "C-1",
            "institute": "计量院",
            "verified_on": str(TODAY - timedelta(days=400)),
            "result": "passed",
            "next_due": str(TODAY - timedelta(days=10)),
        },
        url,
    )
    assert recorded.status_code == 303
    assert db.session.query(VerificationRecord).count() == 1
    overdue = client.get("/instruments?due=overdue").get_data(as_text=True)
    assert "PS-9" in overdue and 'class="cards"' in overdue
    assert "PS-9" not in client.get("/instruments?due=due_soon").get_data(as_text=True)


def test_a_host_sees_its_markets_instruments_only_and_another_district_gets_404(world, app):
    market, elsewhere = world.market(), world.market()
    merchant = world.merchant(market=market)
    db.session.add(Stall(market_id=market.id, number="A-1", merchant_id=merchant.id))
    db.session.commit()
    host = signed_in(world, app, "host", market=market.id)
    made = post_form(
        host,
        "/instruments/new",
        {"kind": "pricing_scale", "serial": "PS-H", "market_id": str(market.id), "stall": "A-1"},
    )
    assert made.status_code == 303, made.get_data(as_text=True)
    url = made.headers["Location"]
    not_mine = post_form(
        host,
        "/instruments/new",
        {"kind": "fair_scale", "serial": "FS-H", "market_id": str(elsewhere.id)},
        "/instruments/new",
    )
    assert not_mine.status_code == 422
    assert host.get(url).status_code == 200
    assert "PS-H" in host.get("/instruments").get_data(as_text=True)
    stranger = signed_in(world, app, "host", market=elsewhere.id)
    assert stranger.get(url).status_code == 404
    jingan = signed_in(world, app, district="310106")
    assert jingan.get(url).status_code == 404
    assert jingan.get("/instruments?district=310104").status_code == 404
    merchant_client = signed_in(world, app, "merchant", merchant=merchant.uscc)
    assert merchant_client.get("/instruments").status_code == 403


def test_an_unverified_finding_links_to_the_instrument_on_the_inspection_page(world, app):
    merchant = world.merchant()
    officer = world.district()
    instrument = officer.post(
        "/api/v1/instruments",
        json={"kind": "pricing_scale", "serial": "PS-U", "merchant": merchant.uscc},
    ).json
    inspection = officer.post(
        "/api/v1/inspections",
        json={
            "merchant": merchant.uscc,
            "inspected_on": str(TODAY),
            "kind": "routine",
            "officers": ["张三", "李四"],
            "findings": [
                {"code": "UNVERIFIED", "description": "计价秤超期未检", "instrument": "PS-U"}
            ],
        },
    )
    assert inspection.status_code == 201, inspection.json
    client = signed_in(world, app, district="310104")
    page = client.get(f"/console/inspections/{inspection.json['id']}").get_data(as_text=True)
    assert f'href="/instruments/{instrument["id"]}"' in page
