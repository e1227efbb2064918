"""An answer to someone logged in, by session or bearer token, is `Cache-Control: private,
no-store`, an officer's PDF download included; public answers keep their caching (issue 17)."""

from __future__ import annotations

from datetime import timedelta

from creditsvc import clock
from tests.factories import inspect, login, publish

PRIVATE = "private, no-store"


def published_honor_roll(world) -> tuple[object, dict]:
    signed = clock.today() - timedelta(days=30)
    inspect(world, world.merchant(name="甲记蔬菜", commitment_signed_on=signed), [])
    officer = world.district()
    return officer, publish(officer, {"kind": "honor_roll"})


def test_an_officers_pdf_download_is_private_and_the_public_copy_is_not(world, client):
    officer, roll = published_honor_roll(world)
    download = officer.get(f"/api/v1/notices/{roll['id']}/pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == PRIVATE
    assert "Expires" not in download.headers
    public = client.get(f"/api/public/v1/documents/{roll['serial']}/pdf")
    assert public.status_code == 200
    assert "public" in public.headers["Cache-Control"].split(", ")


def test_every_answer_to_a_bearer_token_is_private(world, client):
    merchant = world.merchant()
    officer = world.district()
    assert officer.get("/api/v1/merchants").headers["Cache-Control"] == PRIVATE
    refused = officer.get("/api/v1/merchants/999999")  # an error answer too
    assert refused.status_code == 404 and refused.headers["Cache-Control"] == PRIVATE
    record = f"/api/public/v1/merchants/{merchant.uscc}"
    assert officer.get(record).headers["Cache-Control"] == PRIVATE
    anonymous = client.get(record)
    assert anonymous.status_code == 200
    assert "public" in anonymous.headers["Cache-Control"].split(", ")


def test_every_page_behind_a_session_is_private(app, world):
    merchant = world.merchant()
    officer = app.test_client()
    login(officer, world.district().username)
    for path in ("/", "/console/merchants", f"/merchants/{merchant.uscc}", "/api/v1/merchants"):
        answer = officer.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == PRIVATE, path
    owner = app.test_client()
    login(owner, world.merchant_user(merchant).username)
    assert owner.get("/portal").headers["Cache-Control"] == PRIVATE
    stranger = app.test_client().get(f"/merchants/{merchant.uscc}")
    assert stranger.headers.get("Cache-Control") != PRIVATE
    stylesheet = officer.get("/static/css/site.css")  # the same for everyone
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.headers["Cache-Control"]
