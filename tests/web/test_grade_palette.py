"""One grade palette for pages and PDFs (issue 18, item 4): the placard prints each grade
in the colour the site shows it in. Both colours are read from real CSS cascades: the
site's business page as served (its stylesheets fetched from the app) and the placard as
the renderer lays it out, and the placard's PDF is checked to paint with that colour."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from creditsvc.extensions import db
from creditsvc.models import CurrentScore
from notices.fetcher import AssetFetcher
from notices.render import render_html
from tests.documents import pdf_of, public_pdf, read_pdf
from tests.factories import inspect, publish
from tests.unit.test_notices_render import placard

SITE = "http://site.test"


class FromTheApp(URLFetcher):
    """Stylesheets as the app serves them (the Flask client), nothing from elsewhere."""

    def __init__(self, client) -> None:
        super().__init__()
        self.client = client

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        assert parts.netloc == urlsplit(SITE).netloc, url
        served = self.client.get(parts.path)
        assert served.status_code == 200, url
        return URLFetcherResponse(url, served.data, {"Content-Type": served.mimetype})


def _rgb(colour) -> tuple[int, int, int]:
    red, green, blue = colour.to("srgb").coordinates
    return round(red * 255), round(green * 255), round(blue * 255)


def _boxes(html: str, fetcher, base_url: str):
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
    for page in document.pages:
        yield from page._page_box.descendants()


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def site_colour(client, url: str, grade: str) -> tuple[int, int, int]:
    """The background of the large grade badge on a page of the site, as a browser's
    cascade (WeasyPrint's) computes it from the stylesheets the app serves."""

    page = client.get(url).get_data(as_text=True)
    for box in _boxes(page, FromTheApp(client), SITE):
        if {"grade", f"grade-{grade}", "large"} <= _classes(box):
            return _rgb(box.style["background_color"])
    raise AssertionError(f"no grade-{grade} badge on {url}")


def placard_colour(grade: str) -> tuple[int, int, int]:
    """The colour of the big grade letter as the placard is laid out for print."""
    context = placard() | {"grade": grade}
    html = render_html("placard", context)
    for box in _boxes(html, AssetFetcher(), "https://cxjl.example.gov.cn"):
        if "letter" in _classes(box):
            return _rgb(box.style["color"])
    raise AssertionError("no grade letter on the placard")


def test_the_placards_a_is_the_sites_a_and_the_pdf_paints_it(app, world):
    merchant = world.merchant(name="调色商户")
    inspect(world, merchant, [])
    assert db.session.get(CurrentScore, merchant.id).grade == "A"
    on_site = site_colour(world.client, f"/merchants/{merchant.uscc}", "A")

    assert placard_colour("A") == on_site
    # The published placard itself fills with that colour (PDF operator "r g b rg").
    notice = publish(world.district(), {"kind": "placard", "merchant": merchant.uscc})
    reader = read_pdf(pdf_of(world.anonymous(), public_pdf(notice)).data)
    stream = reader.pages[0].get_contents().get_data().decode("latin-1")
    fills = {
        tuple(round(float(v) * 255) for v in m.groups())
        for m in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) rg", stream)
    }
    assert on_site in fills


@pytest.mark.parametrize("grade", ["B", "C", "D"])
def test_every_grade_prints_in_its_site_colour(app, world, grade):
    # The site's badge for any grade, read from a page showing it: a listing row badge.
    html = (
        '<link rel="stylesheet" href="/static/css/grades.css">'
        '<link rel="stylesheet" href="/static/css/site.css">'
        f'<span class="grade grade-{grade} large">{grade}</span>'
    )

    badge = next(
        b for b in _boxes(html, FromTheApp(world.client), SITE) if f"grade-{grade}" in _classes(b)
    )
    assert placard_colour(grade) == _rgb(badge.style["background_color"])
