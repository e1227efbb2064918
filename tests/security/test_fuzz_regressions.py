"""Each failure the API fuzz run (tests/security/test_fuzz_api.py) found, kept as a plain test.

Before the fixes these answered 500 (an integer past the database column reached SQLite or
PostgreSQL) or broke their documented schema (Decimal bounds written as strings).
"""

from __future__ import annotations

import pytest

from creditsvc.schemas.common import INT_MAX

HUGE = 2**64  # what the fuzzer sent: past SQLite's and PostgreSQL's integers


@pytest.fixture
def officer(world):
    return world.city()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/merchants?page={HUGE}",
        f"/api/v1/stalls?page={HUGE}",
        f"/api/v1/devices?market_id={HUGE}",
        f"/api/v1/stalls?market_id={INT_MAX + 1}",
        f"/api/v1/merchants?street_id={HUGE}",
        f"/api/v1/markets?street_id={HUGE}",
        f"/api/v1/communities?street_id={HUGE}",
    ],
)
def test_out_of_range_numbers_in_a_query_are_refused(officer, url):
    response = officer.get(url)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422
    assert set(body["errors"]["query"]) <= {"page", "market_id", "street_id"}


@pytest.mark.parametrize(
    "url", [f"/api/public/v1/merchants?page={HUGE}", f"/api/public/v1/documents?page={HUGE}"]
)
def test_public_search_refuses_a_page_past_the_range(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert "page" in response.get_json()["errors"]["query"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", f"/api/v1/penalty-publications/{HUGE}/published"),
        ("get", f"/api/v1/markets/{HUGE}"),
        ("get", f"/api/v1/stalls/{INT_MAX + 1}"),
        ("get", "/api/v1/inspections/0"),
    ],
)
def test_an_id_past_the_column_range_in_a_path_is_no_such_row(officer, method, url):
    response = getattr(officer, method)(url, json={"reference": "x", "published_on": "2026-01-05"})
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


def test_an_id_past_the_range_in_a_body_is_refused(world, officer):
    market = world.market()
    response = officer.post("/api/v1/stalls", json={"market_id": HUGE, "number": "B-2"})
    assert response.status_code == 422
    assert "market_id" in response.get_json()["errors"]["json"]
    response = officer.patch(f"/api/v1/markets/{market.id}", json={"street_id": INT_MAX + 1})
    assert response.status_code == 422
    response = officer.post(
        "/api/v1/corrections", json={"kind": "inspection", "id": HUGE, "reason": "typo"}
    )
    assert response.status_code == 422
    assert "id" in response.get_json()["errors"]["json"]


def test_a_lot_batch_size_past_the_range_is_refused(world):
    merchant = world.merchant()
    officer = world.district()
    lot = {
        "product": "大米",
        "nominal": 5000,
        "unit": "g",
        "batch_size": HUGE,
        "measurements": [5000],
    }
    response = officer.post(
        "/api/v1/inspections",
        json={
            "merchant": merchant.uscc,
            "inspected_on": "2026-01-05",
            "kind": "routine",
            "officers": ["张三"],
            "lots": [lot],
        },
    )
    assert response.status_code == 422
    assert "batch_size" in str(response.get_json()["errors"])


def test_the_document_gives_decimal_bounds_as_numbers_and_decimal_answers_as_strings(client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert schemas["LotIn"]["properties"]["nominal"] == {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": 50000,
    }
    assert schemas["PenaltyIn"]["properties"]["fine_yuan"]["minimum"] == 0
    assert schemas["PenaltyOut"]["properties"]["fine_yuan"] == {
        "type": "string",
        "format": "decimal",
    }


def test_the_document_bounds_integer_path_parameters(client):
    document = client.get("/api/openapi.json").get_json()
    item = document["paths"]["/api/v1/stalls/{stall_id}"]
    parameters = item.get("parameters") or item["get"]["parameters"]
    (stall_id,) = [p for p in parameters if p["name"] == "stall_id"]
    assert stall_id["schema"] == {"type": "integer", "minimum": 1, "maximum": INT_MAX}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/merchants?q=%00%7C",
        "/api/v1/streets?q=a%00b",
        "/api/v1/audit?actor=%00",
        "/api/public/v1/merchants?q=e%00",
        "/api/public/v1/merchants.csv?q=%00",
        "/api/v1/merchants/9131%0000",
    ],
)
def test_a_nul_character_in_a_query_or_path_is_refused(officer, url):
    """PostgreSQL text cannot hold U+0000: these answered 500 there."""
    response = officer.get(url)
    assert response.status_code == 422
    assert "NUL" in response.get_json()["message"]


def test_a_nul_character_in_a_json_body_is_refused_and_nothing_is_written(officer):
    response = officer.put(
        "/api/v1/calendar/2026-10-01", json={"name": "国庆\u0000", "kind": "holiday"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"_nul": ["NUL characters are not allowed"]}}
    days = officer.get("/api/v1/calendar?year=2026").get_json()
    assert "国庆\u0000" not in str(days)


def test_an_escaped_backslash_before_u0000_is_ordinary_text(officer):
    """`\\\\u0000` in JSON is a backslash followed by the letters u0000, not a NUL."""
    response = officer.post(
        "/api/v1/streets",
        data='{"district": "310104", "name": "\\\\u0000路"}',
        content_type="application/json",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "\\u0000路"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/objections", {"kind": "complaint", "id": 6007672815946474496, "grounds": "不实"}),
        (
            "/api/v1/repairs",
            {
                "entry_id": 9999999999999,
                "statement": "已整改",
                "obligations_fulfilled": True,
                "harm_remedied": True,
            },
        ),
    ],
)
def test_a_merchants_request_naming_an_id_past_the_range_is_refused(world, url, body):
    merchant = world.merchant()
    response = world.merchant_user(merchant).post(url, json=body)
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]["json"]) == ["id" if "objections" in url else "entry_id"]
