"""/map and /statistics (issue 22): drawn from the kept figures, in Chinese and English,
each chart with its table and a CSV that holds the same rows."""

from __future__ import annotations

import csv
import io
import re

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.services.statistics import refresh
from tests.statistics_set import JINGAN, XUHUI, build

TILE = re.compile(r'<a href="/merchants\?district=(\d{6})" class="tile (bin-\w+)">')


def refreshed(world):
    today = clock.today()
    s = build(world, today)
    refresh.refresh(today)
    db.session.commit()
    return s


def test_the_map_links_all_16_districts_coloured_by_their_share_at_a(world, client):
    refreshed(world)
    # This month Xuhui has one A and one unrated (1 of 1 rated at A), Jing'an one A.
    html = client.get("/map").get_data(as_text=True)
    tiles = dict(TILE.findall(html))
    assert len(tiles) == 16
    assert tiles[JINGAN] == "bin-4" and tiles[XUHUI] == "bin-4"
    assert {tiles[c] for c in tiles if c not in (JINGAN, XUHUI)} == {"bin-none"}
    assert html.count("<title>") >= 17  # the page's, the drawing's and one per district
    assert "静安区" in html and "示范社区" in html


def test_the_bins_of_a_constructed_share(world, client):
    from tests.statistics_set import snapshot

    s = build(world, clock.today())
    for grade in ("B", "C", "D"):  # Xuhui this month: x1 A, three more rated: 25% at A
        snapshot(world.merchant(XUHUI), s["this"], grade)
    db.session.commit()
    refresh.refresh(clock.today())
    db.session.commit()
    tiles = dict(TILE.findall(client.get("/map").get_data(as_text=True)))
    assert tiles[XUHUI] == "bin-1"
    page = client.get("/map?lang=en").get_data(as_text=True)
    assert "25%" in page and "Xuhui" in page and "Share at A" in page


def tables(html: str) -> list[list[list[str]]]:
    found = []
    for table in re.findall(r'<table class="cards">(.*?)</table>', html, re.S):
        body = table.split("<tbody>")[1]
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        found.append([re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows])
    return found


def test_statistics_pages_draw_each_chart_with_a_table_in_both_languages(world, client):
    refreshed(world)
    zh = client.get("/statistics").get_data(as_text=True)
    assert "统计" in zh and zh.count('<svg class="chart bars stacked"') == 4
    assert len(tables(zh)) == 3
    en = client.get("/statistics?lang=en&district=310104").get_data(as_text=True)
    assert "Statistics: Xuhui" in en and "Short rate (%)" in en
    assert en.count("<svg") == 4 and "Download as CSV" in en


def test_each_csv_holds_the_rows_of_its_table(world, client):
    s = refreshed(world)
    for district in ("", XUHUI):
        html = client.get(f"/statistics?district={district}").get_data(as_text=True)
        for name, table in zip(("grades", "readings", "notices"), tables(html), strict=True):
            answer = client.get(f"/statistics/{name}.csv?district={district}")
            assert answer.status_code == 200 and answer.mimetype == "text/csv"
            rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
            assert rows[1:] == table, name
    city = client.get("/statistics/readings.csv").get_data(as_text=True)
    label = f"{s['this'].year}-{s['this'].month:02d}"
    assert f"{label},2,1,1,100.00" in city


def test_an_unknown_district_or_series_is_refused(world, client):
    assert client.get("/statistics?district=999999").status_code == 400
    assert client.get("/statistics/nothing.csv").status_code == 404


def test_before_any_refresh_the_pages_say_so(client):
    assert "尚未" in client.get("/map").get_data(as_text=True)
    assert client.get("/statistics").status_code == 200
