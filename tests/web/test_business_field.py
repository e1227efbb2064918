"""A form's business field (issue 19): part of a name brings the form back offering the
businesses found, nothing saved; the one picked is saved; the lookup behind the field's
script answers only businesses in view."""

from __future__ import annotations

from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Complaint
from tests.web.test_web_console import officer, post_form, text_of


def _complaint(merchant_field: dict) -> dict:
    return {
        "channel": "12345",
        "received_on": clock.today().isoformat(),
        "allegation": "复称短少",
        **merchant_field,
    }


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Complaint))


def test_part_of_a_name_offers_the_businesses_found_and_saves_nothing(world, app):
    wanted = world.merchant(name="龙华路王记蔬菜")
    world.merchant(name="天钥桥王记水产")
    world.merchant(world.JINGAN, name="静安王记")  # another district: never offered
    client = officer(world, app)
    response = post_form(client, "/console/complaints/new", _complaint({"merchant": "王记"}))
    page = text_of(response)
    assert response.status_code == 422 and _count() == 0
    assert "请从下面找到的经营者中选择一个" in page
    assert f'name="merchant__pick" value="{wanted.uscc}"' in page
    assert "天钥桥王记水产" in page and "静安王记" not in page

    picked = _complaint({"merchant": "王记", "merchant__pick": wanted.uscc})
    saved = post_form(client, "/console/complaints/new", picked)
    assert saved.status_code in (302, 303) and _count() == 1
    assert db.session.scalar(select(Complaint.merchant_id)) == wanted.id


def test_nothing_found_is_said_next_to_the_field(world, app):
    world.merchant(name="龙华路王记蔬菜")
    client = officer(world, app)
    response = post_form(client, "/console/complaints/new", _complaint({"merchant": "不存在"}))
    assert response.status_code == 422 and _count() == 0
    assert 'id="e-merchant">您可查看的经营者中，没有名称或代码含有此内容的' in text_of(response)


def test_a_full_code_is_saved_as_before(world, app):
    merchant = world.merchant(name="直接输入代码")
    client = officer(world, app)
    saved = post_form(client, "/console/complaints/new", _complaint({"merchant": merchant.uscc}))
    assert saved.status_code in (302, 303) and _count() == 1


def test_the_lookup_answers_names_in_view_only(world, app):
    mine = world.merchant(name="龙华路王记蔬菜")
    world.merchant(world.JINGAN, name="静安王记")
    client = officer(world, app)
    found = client.get("/console/businesses/lookup?q=王记").get_json()
    assert [f["uscc"] for f in found] == [mine.uscc] and found[0]["name"] == "龙华路王记蔬菜"
    assert client.get("/console/businesses/lookup?q=").get_json() == []


def test_the_forms_open_on_today_in_shanghai(world, app):
    client = officer(world, app)
    today = clock.today().isoformat()
    for url, field in (
        ("/console/inspections/new", "inspected_on"),
        ("/console/complaints/new", "received_on"),
    ):
        page = text_of(client.get(url))
        assert f'name="{field}" type="date" value="{today}"' in page, url
