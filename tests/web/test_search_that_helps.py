"""Search that helps (issue 22, item 3): sorted by name, grade or last inspection, page
numbers that keep the filters, the street as a choice within the district (any part of a
name without one), a grade key beside the results, and /documents opening on everything
in force, exposure notices first."""

from __future__ import annotations

import re
from datetime import timedelta

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Merchant
from tests.factories import inspect


def html(response, status=200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def names_listed(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/merchants/\w+"><span lang="zh-CN">([^<]+)</span>', page)


def links_of(page: str, pattern: str) -> list[str]:
    return [u.replace("&amp;", "&") for u in re.findall(pattern, page)]


def pager_of(page: str) -> str:
    return re.search(r'<nav class="pager".*?</nav>', page, re.S).group(0)


def numbered(page: str) -> list[str]:
    """The page numbers the pager links to, in order."""
    links = links_of(pager_of(page), r'<li><a href="([^"]+)"')
    return [re.search(r"page=(\d+)", u).group(1) for u in links]


def graded_city(world):
    """Six businesses of 徐汇区: two A, a B, a D, two unrated (one inspected long ago and
    the inspection voided, so never inspected now), inspected on different days."""
    today = clock.today()
    made = {
        name: world.merchant(name=name) for name in ("丁记", "乙记", "甲记", "丙记", "戊记", "己记")
    }
    inspect(world, made["乙记"], [], on=today - timedelta(days=30))  # A
    inspect(world, made["丁记"], [], on=today - timedelta(days=2))  # A, inspected latest
    inspect(world, made["甲记"], ["UNVERIFIED"], on=today - timedelta(days=10))  # B
    inspect(world, made["丙记"], ["CHEAT"], on=today - timedelta(days=20))  # D
    voided = inspect(world, made["己记"], [], on=today - timedelta(days=5))
    world.district().post(
        "/api/v1/corrections", json={"kind": "inspection", "id": voided, "reason": "录错商户"}
    )
    return made


def test_sorted_by_name_grade_and_last_inspection(world, client):
    graded_city(world)
    assert names_listed(html(client.get("/merchants?district=310104"))) == sorted(
        ["丁记", "乙记", "甲记", "丙记", "戊记", "己记"]
    )
    by_grade = names_listed(html(client.get("/merchants?district=310104&sort=grade")))
    # A (by name), B, D, then unrated by name
    assert by_grade == ["丁记", "乙记", "甲记", "丙记", "己记", "戊记"]
    by_inspection = html(client.get("/merchants?district=310104&sort=inspected"))
    # latest first; the voided inspection does not count: never inspected, last, by name
    assert names_listed(by_inspection) == ["丁记", "甲记", "丙记", "乙记", "己记", "戊记"]
    assert "尚无检查记录" in by_inspection and "最近检查" in by_inspection
    api = client.get("/api/public/v1/merchants?district=310104&sort=grade").json
    assert [m["name"] for m in api["items"]] == by_grade and api["total"] == 6
    assert client.get("/api/public/v1/merchants?sort=height").status_code == 422


def test_a_page_of_the_grade_order_spans_grades(world, client):
    """A page that begins among the A businesses and ends among the unrated ones."""
    made = graded_city(world)
    api = "/api/public/v1/merchants?district=310104&sort=grade&per_page=2"
    pages = [[m["name"] for m in client.get(f"{api}&page={n}").json["items"]] for n in (1, 2, 3, 4)]
    assert pages == [["丁记", "乙记"], ["甲记", "丙记"], ["己记", "戊记"], []]
    assert made  # every business is on exactly one page


def test_last_inspection_follows_new_and_voided_inspections(world):
    merchant = world.merchant(name="检查日期")
    today = clock.today()
    inspect(world, merchant, [], on=today - timedelta(days=9))
    latest = inspect(world, merchant, [], on=today - timedelta(days=3))
    inspect(world, merchant, [], on=today - timedelta(days=6))  # earlier: no change
    db.session.expire_all()
    assert db.session.get(Merchant, merchant.id).last_inspected_on == today - timedelta(days=3)
    world.district().post(
        "/api/v1/corrections", json={"kind": "inspection", "id": latest, "reason": "录错商户"}
    )
    db.session.expire_all()
    assert db.session.get(Merchant, merchant.id).last_inspected_on == today - timedelta(days=6)


def test_the_pager_numbers_pages_and_keeps_filters_and_sort(world, client):
    for n in range(130):
        world.merchant(name=f"翻页商户{n:03d}")
    page = html(client.get("/merchants?q=翻页&sort=inspected&page=4"))
    assert '<nav class="pager" aria-label="分页">' in page
    assert numbered(page) == ["1", "2", "3", "4", "5", "6", "7"]
    assert re.search(r'<a href="[^"]+page=4"\s*aria-current="page">', pager_of(page))
    assert "第 4 页" in pager_of(page) and "…" not in pager_of(page)
    for url in links_of(pager_of(page), r'<a href="([^"]+)"'):
        assert "q=%E7%BF%BB%E9%A1%B5" in url and "sort=inspected" in url
    first = html(client.get("/merchants?q=翻页&page=1"))
    assert numbered(first) == ["1", "2", "3", "7"]
    assert '<li class="gap" aria-hidden="true">…</li>' in pager_of(first)
    last = names_listed(html(client.get("/merchants?q=翻页&page=7")))
    assert last == [f"翻页商户{n:03d}" for n in range(120, 130)]


def test_the_street_is_chosen_within_the_district_or_typed_in_part(world, client):
    xietu = world.street(name="斜土路街道")
    world.street(name="湖南路街道")
    jingan = world.street(world.JINGAN, name="南京西路街道")
    world.merchant(name="斜土商户", street_id=xietu.id)
    world.merchant(world.JINGAN, name="南京西路商户", street_id=jingan.id)

    plain = html(client.get("/merchants"))
    assert '<input id="street" name="street"' in plain and '<select id="street"' not in plain
    chosen = html(client.get("/merchants?district=310104"))
    select = re.search(r'<select id="street" name="street">(.*?)</select>', chosen, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"', select)
    assert "斜土路街道" in options and "湖南路街道" in options and "南京西路街道" not in options
    picked = html(client.get("/merchants?district=310104&street=斜土路街道"))
    assert '<option value="斜土路街道" selected lang="zh-CN">' in picked
    assert names_listed(picked) == ["斜土商户"]
    assert names_listed(html(client.get("/merchants?street=斜土"))) == ["斜土商户"]
    assert names_listed(html(client.get("/merchants?street=西路"))) == ["南京西路商户"]
    assert names_listed(html(client.get("/merchants?street=%25"))) == []  # no wildcard


def test_results_carry_a_grade_key_linking_to_how_grades_work(world, client):
    world.merchant(name="图例商户")
    page = html(client.get("/merchants?q=图例"))
    legend = re.search(r'<aside class="grade-legend".*?</aside>', page, re.S).group(0)
    for grade, words in (("A", "诚信"), ("B", "基本诚信"), ("D", "失信")):
        assert f'class="grade grade-{grade}">{grade}</span> {words}' in legend
    assert "未评级" in legend and 'href="/grades"' in legend and "分及以上" in legend
    english = html(client.get("/merchants?q=图例&lang=en"))
    assert "Grade key" in english and "points or more" in english
