"""Atom feeds (RFC 4287): the documents published, city-wide and per district, and a
business's public record changes. Each feed is read by feedparser (no error) and checked
against the elements RFC 4287 requires; only published facts appear."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser

from creditsvc import clock
from tests.factories import complain, exposure_body, inspect, penalise, publish, substantiate

ATOM = "{http://www.w3.org/2005/Atom}"
OBJECTIONS = "/api/v1/objections"


def valid_feed(response) -> ET.Element:
    """The feed, once feedparser reads it without complaint and it has what RFC 4287
    §4.1.1-4.1.2 requires: id, title, updated and an author on the feed, id, title and
    updated on each entry, unique ids, RFC 3339 dates with Shanghai's offset."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(response.data)  # noqa: S314 - the service's own answer
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{name}"), name
    assert root.findtext(f"{ATOM}author/{ATOM}name")
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_link) == 1 and self_link[0].get("type") == "application/atom+xml"
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids)) and all(ids)
    stamps = [root.findtext(f"{ATOM}updated")]
    for entry in entries:
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}summary")
        stamps.append(entry.findtext(f"{ATOM}updated"))
        assert any(link.get("rel") == "alternate" for link in entry.findall(f"{ATOM}link"))
    for stamp in stamps:
        assert stamp.endswith("+08:00") and datetime.fromisoformat(stamp).tzinfo is not None
    if entries:  # the feed's updated is its newest entry's
        newest = max(datetime.fromisoformat(s) for s in stamps[1:])
        assert datetime.fromisoformat(stamps[0]) == newest
        assert stamps[1:] == sorted(stamps[1:], reverse=True)
    return root


def entries(root: ET.Element) -> list[dict]:
    return [
        {
            "id": e.findtext(f"{ATOM}id"),
            "title": e.findtext(f"{ATOM}title"),
            "summary": e.findtext(f"{ATOM}summary"),
            "links": {link.get("rel"): link.get("href") for link in e.findall(f"{ATOM}link")},
        }
        for e in root.findall(f"{ATOM}entry")
    ]


def test_a_document_published_appears_in_the_city_and_district_feeds(world, client):
    today = clock.today()
    valid_feed(client.get("/feeds/documents.atom"))  # empty, and still valid
    penalise(world, world.merchant(name="曝光水产"), "徐市监罚〔2026〕301号", today)
    xuhui = world.district()
    notice = publish(xuhui, exposure_body())

    city = entries(valid_feed(client.get("/feeds/documents.atom")))
    assert [e["id"] for e in city] == [f"https://credit.example.test/verify/{notice['serial']}"]
    assert city[0]["links"]["alternate"] == city[0]["id"]
    assert city[0]["links"]["enclosure"].endswith(f"/documents/{notice['serial']}/pdf")
    assert city[0]["title"] == notice["title"] and notice["serial"] in city[0]["summary"]
    pdf = city[0]["links"]["enclosure"].removeprefix("https://credit.example.test")
    assert client.get(pdf).status_code == 200

    xuhui_feed = entries(valid_feed(client.get("/feeds/documents/310104.atom")))
    assert [e["id"] for e in xuhui_feed] == [city[0]["id"]]
    assert entries(valid_feed(client.get("/feeds/documents/310106.atom"))) == []


def test_a_withdrawn_document_is_an_updated_entry_that_says_so(world, client):
    penalise(world, world.merchant(name="撤回摊"), "徐市监罚〔2026〕302号", clock.today())
    officer = world.district()
    notice = publish(officer, exposure_body())
    before = valid_feed(client.get("/feeds/documents.atom"))
    reason = "处罚决定被行政复议撤销"
    officer.post(f"/api/v1/notices/{notice['id']}/withdraw", json={"reason": reason})

    after = valid_feed(client.get("/feeds/documents.atom"))
    (entry,) = entries(after)
    assert entry["id"] == entries(before)[0]["id"]  # the same entry, updated
    assert "已撤回" in entry["summary"] and reason in entry["summary"]
    assert "enclosure" not in entry["links"]  # the PDF is no longer served
    assert after.findtext(f"{ATOM}updated") >= before.findtext(f"{ATOM}updated")


def test_the_feed_speaks_english_with_the_same_ids(world, client):
    penalise(world, world.merchant(name="双语摊"), "徐市监罚〔2026〕303号", clock.today())
    publish(world.district(), exposure_body())
    zh = valid_feed(client.get("/feeds/documents.atom"))
    en = valid_feed(client.get("/feeds/documents.atom?lang=en"))
    assert zh.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    assert en.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert [e["id"] for e in entries(zh)] == [e["id"] for e in entries(en)]
    assert "Exposure notice issued by" in entries(en)[0]["summary"]


def test_a_grade_change_an_objection_and_a_notice_appear_in_the_business_feed(world, client):
    today = clock.today()
    officer = world.district()
    merchant = world.merchant(name="甲摊")
    inspect(world, merchant, findings=(), on=today - timedelta(days=30))
    inspection_id = penalise(
        world,
        merchant,
        "徐市监罚〔2026〕304号",
        today - timedelta(days=5),
        findings=("UNVERIFIED",),
    )
    notice = publish(officer, exposure_body())
    # A substantiated complaint with the complainant's name and phone: never in a feed.
    complaint = complain(officer, merchant, contact="孙女士 13800000000", allegation="短秤二两")
    substantiate(officer, complaint)
    me = world.merchant_user(merchant)
    url = f"/feeds/merchants/{merchant.uscc}.atom"
    before = [e["title"] for e in entries(valid_feed(client.get(url)))]
    assert [t for t in before if t.startswith("等级")] == ["等级 B：基本诚信", "等级 A：诚信"]

    grounds = "计量器具已在有效期内检定，附证书"
    filed = me.post(
        OBJECTIONS, json={"kind": "inspection", "id": inspection_id, "grounds": grounds}
    )
    assert filed.status_code == 201, filed.json
    decided = officer.post(
        f"{OBJECTIONS}/{filed.json['id']}/decide", json={"upheld": True, "reason": "记录有误"}
    )
    assert decided.status_code == 200, decided.json

    response = client.get(url)
    root = valid_feed(response)
    shown = entries(root)
    titles = [e["title"] for e in shown]
    # Upheld: the finding is void and the business is rescored to A, newest first.
    graded = [t for t in titles if t.startswith("等级")]
    assert graded == ["等级 A：诚信", "等级 B：基本诚信", "等级 A：诚信"], titles
    assert "记录标注异议" in titles and "异议标注已撤除" in titles
    assert f"已发布：{notice['title']}" in titles and "曝光通报" in notice["title"]
    assert any(t.startswith("不再公示") for t in titles)  # its entry came off
    assert all(e["id"].startswith("tag:credit.example.test,2026:") for e in shown)
    assert any(e["links"]["alternate"].endswith(notice["serial"]) for e in shown)
    text = response.get_data(as_text=True)
    for private in ("孙女士", "13800000000", "短秤二两", grounds):
        assert private not in text
    # Why the entry came off is public, as on the verify page (written for the public).
    assert "异议成立" in text


def test_an_unknown_business_or_district_is_404(world, client):
    assert client.get("/feeds/documents/999999.atom").status_code == 404
    assert client.get(f"/feeds/merchants/{world.uscc()}.atom").status_code == 404


def test_a_feed_answers_a_conditional_get_with_304(world, client):
    merchant = world.merchant(name="条件摊")
    inspect(world, merchant, ())
    url = f"/feeds/merchants/{merchant.uscc}.atom"
    first = client.get(url)
    valid_feed(first)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_pages_link_their_feeds(world, client):
    merchant = world.merchant(name="订阅摊")
    page = client.get(f"/merchants/{merchant.uscc}").get_data(as_text=True)
    feed = f"/feeds/merchants/{merchant.uscc}.atom"
    assert f'rel="alternate" type="application/atom+xml" href="{feed}"' in page
    assert "订阅 (Atom)" in page
    listing = client.get("/documents?district=310104").get_data(as_text=True)
    assert 'type="application/atom+xml" href="/feeds/documents/310104.atom"' in listing
    assert 'href="/feeds/documents.atom"' in client.get("/documents").get_data(as_text=True)
