"""Issue 17, items 7 and 8: hostile input is a 422 naming the field, never a 500.

A body nested 1,000 deep, a lone surrogate, a year 1 or 9999 date with an offset, control
and bidi characters in names, readings back-dated without limit or weighing 1e308 g: before
the fixes these answered 500 or were stored as sent.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Complaint, Merchant, MerchantReply, Reading
from tests.api.evidence.test_readings_api import post, reading, scale  # noqa: F401
from tests.factories import csrf_token
from tests.web.test_web_console import error_beside, officer, post_form, text_of
from tests.web.test_web_portal import merchant_client

FAR_MOMENTS = ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-23:59"]
BIDI_AND_C1 = ["\u202e", "\u0085", "\u009b", "\u2066", "\x1b", "\u200f"]


@pytest.fixture
def city(world):
    return world.city()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def merchant_body(world, **changes) -> dict:
    body = {
        "uscc": world.uscc(),
        "name": "李记鲜肉",
        "trade": "market_stall",
        "district": "310104",
        "address": "漕溪北路1号",
    }
    return body | changes


# Depth ------------------------------------------------------------------------------


def test_json_nested_1000_deep_is_refused_before_it_is_parsed(city):
    body = '{"district": "310104", "name": ' + "[" * 1000 + "]" * 1000 + "}"
    response = city.post("/api/v1/streets", data=body, content_type="application/json")
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["errors"] == {
        "json": {"_schema": ["nested more than 32 levels deep"]}
    }


def test_the_depth_counts_brackets_outside_strings_only():
    from creditsvc.input_guard import json_depth

    assert json_depth(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 32) == 1
    assert json_depth(b'{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "b": [[1]]}', 2) == 3
    assert json_depth(b"[" * 33 + b"]" * 33, 32) == 33
    batch = {"readings": [{"seq": n, "stall": "[[" * 20} for n in range(100)]}
    assert json_depth(json.dumps(batch).encode(), 32) == 3


def test_a_body_at_the_depth_limit_reaches_the_schema(city):
    body = '{"district": "310104", "name": ' + "[" * 31 + "]" * 31 + "}"
    response = city.post("/api/v1/streets", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "name" in response.get_json()["errors"]["json"]


# Lone surrogates ---------------------------------------------------------------------


def test_a_lone_surrogate_in_a_merchant_name_is_refused_naming_the_field(world, city):
    body = json.dumps(merchant_body(world, name="\ud800商户"))  # escaped as \ud800
    assert "\\ud800" in body
    response = city.post("/api/v1/merchants", data=body, content_type="application/json")
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert list(response.get_json()["errors"]["json"]) == ["name"]
    assert count(Merchant) == 0


def test_a_lone_surrogate_deep_in_a_batch_names_its_place(scale):  # noqa: F811
    body = json.dumps({"readings": [reading(1), reading(2, stall="A\udc00")]})
    response = scale.caller.post("/api/v1/readings", data=body, content_type="application/json")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]["readings"]["1"]) == ["stall"]
    assert count(Reading) == 0


def test_a_surrogate_pair_is_an_ordinary_character(city):
    body = '{"district": "310104", "name": "\\ud83c\\udf4e路"}'  # U+1F34E as JSON spells it
    response = city.post("/api/v1/streets", data=body, content_type="application/json")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "\U0001f34e路"


# Control and bidi characters ---------------------------------------------------------


@pytest.mark.parametrize("char", BIDI_AND_C1)
@pytest.mark.parametrize("field", ["name", "address"])
def test_control_and_bidi_characters_in_a_name_or_address_are_refused(world, city, char, field):
    body = merchant_body(world, **{field: f"李记{char}肉铺"})
    response = city.post("/api/v1/merchants", json=body)
    assert response.status_code == 422, response.get_json()
    (message,) = response.get_json()["errors"]["json"][field]
    assert f"U+{ord(char):04X}" in message
    assert count(Merchant) == 0


def test_a_multi_line_field_keeps_its_line_breaks_but_not_an_override(world):
    merchant = world.merchant()
    officer_api = world.district()
    complaint = {
        "merchant": merchant.uscc,
        "channel": "12345",
        "received_on": clock.today().isoformat(),
        "allegation": "复称少了\n第二行\t说明",
    }
    assert officer_api.post("/api/v1/complaints", json=complaint).status_code == 201
    refused = officer_api.post("/api/v1/complaints", json={**complaint, "allegation": "少\u202e称"})
    assert refused.status_code == 422
    assert "allegation" in refused.get_json()["errors"]["json"]
    assert count(Complaint) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/merchants?q=" + quote("\u202e"),
        "/api/v1/streets?q=" + quote("\u0085"),
        "/api/public/v1/merchants?q=" + quote("\u202e"),
    ],
)
def test_a_control_or_bidi_character_in_a_search_term_is_refused(city, url):
    response = city.get(url)
    assert response.status_code == 422
    assert "q" in response.get_json()["errors"]["query"]


# Far dates -----------------------------------------------------------------------------


@pytest.mark.parametrize("moment", FAR_MOMENTS)
def test_a_reading_in_year_1_or_past_9999_is_rejected_naming_the_time(scale, moment):  # noqa: F811
    response = post(scale.caller, reading(1, time=moment), reading(2))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert (body["errors"][0]["index"], body["errors"][0]["field"]) == (0, "time")
    assert count(Reading) == 1


@pytest.mark.parametrize("moment", FAR_MOMENTS)
@pytest.mark.parametrize("name", ["since", "until"])
def test_a_far_date_in_a_query_is_refused_naming_the_parameter(city, moment, name):
    response = city.get(f"/api/v1/readings?{name}={quote(moment)}")
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert list(response.get_json()["errors"]["query"]) == [name]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/inspections?since=0001-01-01",
        "/api/v1/complaints?until=9999-12-31",
    ],
)
def test_a_day_outside_the_range_in_a_query_is_refused(city, url):
    response = city.get(url)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_calendar_day_outside_the_range_is_refused(city, day):
    response = city.put(f"/api/v1/calendar/{day}", json={"kind": "holiday", "name": "远古"})
    assert response.status_code == 422
    assert "day" in response.get_json()["errors"]["path"]


# Readings within physical bounds --------------------------------------------------------


def test_a_reading_back_dated_past_the_limit_is_rejected(app, scale):  # noqa: F811
    days = app.config["READING_MAX_AGE_DAYS"]
    old = (clock.now() - timedelta(days=days, minutes=1)).isoformat()
    recent = (clock.now() - timedelta(days=days - 1)).isoformat()
    body = post(scale.caller, reading(1, time=old), reading(2, time=recent)).get_json()
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert body["errors"][0] == {
        "index": 0,
        "seq": 1,
        "field": "time",
        "reason": f"more than {days} days old",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"settled_g": 1e308}, "settled_g"),
        ({"measured_g": 1e308}, "measured_g"),
        ({"measured_g": 0}, "measured_g"),
        ({"settled_g": 150_001}, "settled_g"),
        ({"unit_price": 1e308}, "unit_price"),
    ],
)
def test_a_reading_past_physical_bounds_is_rejected(scale, changes, field):  # noqa: F811
    body = post(scale.caller, reading(1, **changes)).get_json()
    assert body["rejected"] == 1 and body["errors"][0]["field"] == field
    assert count(Reading) == 0


def test_infinity_and_nan_are_not_masses(scale):  # noqa: F811
    text = json.dumps({"readings": [reading(1)]}).replace("1000", "Infinity", 1)
    text = text.replace("990", "NaN", 1)
    response = scale.caller.post("/api/v1/readings", data=text, content_type="application/json")
    assert response.status_code in (200, 422)
    assert count(Reading) == 0


def test_a_fine_past_the_column_is_refused(world):
    merchant = world.merchant()
    inspection = {
        "merchant": merchant.uscc,
        "inspected_on": clock.today().isoformat(),
        "kind": "routine",
        "officers": ["张三"],
        "findings": [{"code": "UNVERIFIED"}],
        "penalty": {
            "decision_number": "沪市监徐处〔2026〕9号",
            "decided_on": clock.today().isoformat(),
            "procedure": "ordinary",
            "fine_yuan": "1e20",
        },
    }
    response = world.district().post("/api/v1/inspections", json=inspection)
    assert response.status_code == 422, response.get_json()
    assert "fine_yuan" in str(response.get_json()["errors"])


# The web forms ---------------------------------------------------------------------------


def test_the_console_complaint_form_shows_an_error_for_an_override(world, app):
    merchant = world.merchant()
    client = officer(world, app)
    response = post_form(
        client,
        "/console/complaints/new",
        {
            "merchant": merchant.uscc,
            "channel": "12345",
            "received_on": clock.today().isoformat(),
            "allegation": "短秤",
            "contact": "王女士\u202e0000",
        },
    )
    assert response.status_code == 422
    assert "U+202E" in error_beside(text_of(response), "contact")
    assert "控制字符" in error_beside(text_of(response), "contact")
    assert count(Complaint) == 0


def test_the_console_audit_page_takes_far_days_as_bad_dates(world, app):
    client = officer(world, app)
    response = client.get("/console/audit?since=0001-01-01&until=9999-12-31")
    assert response.status_code == 200


def test_the_portal_reply_form_shows_an_error_for_a_c1_control(app, world):
    client, _ = merchant_client(app, world, world.merchant())
    token = csrf_token(client, "/portal/replies/new")
    response = client.post("/portal/replies", data={"text": "已整改\u009b", "csrf_token": token})
    assert response.status_code == 400  # as the form's other refusals
    assert "含有本栏不能填写的控制字符或不可见的格式字符（U+009B）" in text_of(response)
    assert count(MerchantReply) == 0
