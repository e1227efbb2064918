"""The live badge (issue 22, item 4): /badge/<uscc>.svg and .png show the current grade
and its date, change within one rescore of a grade change (with a new ETag), answer 304
while nothing changed, escape the business's name, and refuse malformed codes."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - our own answer, parsed in a test

from PIL import Image

from creditsvc import badges, clock
from tests.factories import inspect, login

SVG = "{http://www.w3.org/2000/svg}"


def svg_text(response) -> tuple[ET.Element, str]:
    """The badge parsed as XML, and all its text."""
    root = ET.fromstring(response.data)  # noqa: S314 - our own answer
    assert root.tag == f"{SVG}svg"
    return root, " ".join(t.strip() for t in root.itertext() if t.strip())


def test_the_badge_shows_grade_and_date_and_changes_within_one_rescore(world, client):
    merchant = world.merchant(name="韦记南北货")
    inspect(world, merchant, [])  # grade A
    first = client.get(f"/badge/{merchant.uscc}.svg")
    assert first.status_code == 200 and first.mimetype == "image/svg+xml"
    root, text = svg_text(first)
    today = clock.today().isoformat()
    assert "韦记南北货" in text and "A 级 · 诚信" in text and f"评定于 {today}" in text
    assert "诚信计量信用服务" in text
    body = first.get_data(as_text=True)
    assert root.find(f"{SVG}title") is not None  # self-contained: nothing to fetch
    assert not re.search(r"href|url\(|@import|<image|<script", body)
    assert badges.palette()["grade-a"] in first.get_data(as_text=True)
    assert first.cache_control.public and first.cache_control.max_age == 300
    etag = first.headers["ETag"]
    again = client.get(f"/badge/{merchant.uscc}.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data

    inspect(world, merchant, ["UNVERIFIED"])  # a major finding: B, rescored in-process

    after = client.get(f"/badge/{merchant.uscc}.svg", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    _root, text = svg_text(after)
    assert "B 级 · 基本诚信" in text and "A 级" not in text
    assert badges.palette()["grade-b"] in after.get_data(as_text=True)


def test_a_withdrawn_grade_shows_at_once(world, client):
    merchant = world.merchant(name="撤销商户")
    inspection = inspect(world, merchant, [])  # rated A on this inspection alone
    assert "A 级" in svg_text(client.get(f"/badge/{merchant.uscc}.svg"))[1]
    world.district().post(
        "/api/v1/corrections", json={"kind": "inspection", "id": inspection, "reason": "录错商户"}
    )
    _root, text = svg_text(client.get(f"/badge/{merchant.uscc}.svg"))
    assert "未评级" in text and "A 级" not in text
    english = svg_text(client.get(f"/badge/{merchant.uscc}.svg?lang=en"))[1]
    assert "Unrated" in english and "Honest Metrology Credit Service" in english


def test_the_png_is_a_real_png_of_the_badge_s_size(world, client):
    merchant = world.merchant(name="图片商户")
    inspect(world, merchant, [])
    response = client.get(f"/badge/{merchant.uscc}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    assert image.size == (badges.WIDTH * badges.PNG_SCALE, badges.HEIGHT * badges.PNG_SCALE)
    # the grade square is drawn in grade A's colour
    green = tuple(int(badges.palette()["grade-a"][i : i + 2], 16) for i in (1, 3, 5))
    assert image.convert("RGB").getpixel((20, image.size[1] - 20)) == green
    english = client.get(f"/badge/{merchant.uscc}.png?lang=en")
    assert english.data != response.data and english.headers["ETag"] != response.headers["ETag"]


def test_a_hostile_name_is_text_in_the_badge(world, client):
    name = '</text><script>alert(1)</script>&"'
    merchant = world.merchant(name=name)
    response = client.get(f"/badge/{merchant.uscc}.svg")
    body = response.get_data(as_text=True)
    assert "<script>" not in body and "&lt;script&gt;" in body
    _root, text = svg_text(response)
    assert "<script>alert(1)</script>" in text


def test_unknown_and_malformed_codes(world, client):
    merchant = world.merchant()
    unknown = merchant.uscc[:-1] + ("0" if merchant.uscc[-1] != "0" else "1")
    missing = client.get(f"/badge/{unknown}.svg")
    assert missing.status_code == 404 and "未找到该经营者" in svg_text(missing)[1]
    assert client.get(f"/badge/{unknown}.png").status_code == 404
    assert client.get("/badge/not-a-code.svg").status_code == 400
    assert client.get("/badge/91310104MA1FL0000I.svg").status_code == 400  # I is never used


def test_the_portal_offers_the_badge_snippet(app, world):
    merchant = world.merchant(name="网店商户")
    inspect(world, merchant, [])
    who = world.merchant_user(merchant)
    client = app.test_client()
    assert login(client, who.username).status_code == 302
    page = client.get("/portal").get_data(as_text=True)
    assert "在您的网店或公众号展示信用等级" in page
    snippet = re.search(r'<textarea id="badge-html"[^>]*>(.*?)</textarea>', page, re.S)
    code = snippet.group(1)
    base = app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    assert f"&lt;a href=&#34;{base}/merchants/{merchant.uscc}&#34;&gt;" in code
    assert f"&lt;img src=&#34;{base}/badge/{merchant.uscc}.svg&#34;" in code
    assert f'href="{base}/badge/{merchant.uscc}.png"><code>' in page
    assert f'<img src="/badge/{merchant.uscc}.svg"' in page
