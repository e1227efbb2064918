"""The address printed is the address the public reaches (issue 18, item 6): every QR code
of every kind of document, rendered by WeasyPrint, rasterised by poppler's `pdftoppm` and
read by Debian's `zbarimg` (zbar-tools), names PUBLIC_BASE_URL and a page the running app
serves; outside the demo, nothing is rendered while the address is unset or loopback."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from creditsvc.extensions import db
from creditsvc.models import JobRun
from tests.conftest import PUBLIC_BASE_URL
from tests.documents import KINDS, pdf_of, public_pdf, publish_every_kind, stored_files
from tests.factories import TODAY, draft, exposure_body, penalise
from tests.workers import run_worker

RESOLUTION = 200  # dots per inch: QR modules of a few tenths of a millimetre stay legible


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} missing: run scripts/system-packages.sh test"
    return path


def qr_codes(pdf: bytes, folder: Path) -> list[str]:
    """The text of every QR code on every page, as a phone's camera would read it."""
    (folder / "doc.pdf").write_bytes(pdf)
    rasterise = [tool("pdftoppm"), "-r", str(RESOLUTION), "-png", str(folder / "doc.pdf")]
    subprocess.run([*rasterise, str(folder / "p")], check=True)  # noqa: S603
    found: list[str] = []
    for page in sorted(folder.glob("p*.png")):
        read = subprocess.run(  # noqa: S603
            [tool("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            text=True,
        )
        assert read.returncode in (0, 4), read.stderr  # 4: no code on this page
        found += [line for line in read.stdout.splitlines() if line]
    return found


def test_every_qr_code_of_every_kind_names_the_public_address_and_opens(world, tmp_path):
    anonymous = world.anonymous()
    documents = publish_every_kind(world)
    assert set(documents) == set(KINDS)
    for kind, notice in documents.items():
        pdf = pdf_of(anonymous, public_pdf(notice)).data
        folder = tmp_path / kind
        folder.mkdir()
        urls = qr_codes(pdf, folder)
        assert urls, f"{kind}: no QR code read"
        for url in urls:
            assert url.startswith(PUBLIC_BASE_URL + "/"), (kind, url)
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            response = anonymous.get(target)
            assert response.status_code == 200, (kind, url, response.status_code)
        assert f"{PUBLIC_BASE_URL}/verify/{notice['serial']}" in urls, kind


def _approved_exposure(world) -> dict:
    penalise(world, world.merchant(), "徐市监罚〔2026〕81号", TODAY - timedelta(days=1))
    officer = world.district()
    notice = draft(officer, **exposure_body())
    assert officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve").status_code == 200
    return notice


@pytest.mark.parametrize(
    ("configured", "said"),
    [
        (None, "PUBLIC_BASE_URL is not set"),
        ("http://127.0.0.1:5000", "loopback"),
        ("http://localhost:8080/", "loopback"),
        ("http://[::1]:5000", "loopback"),
    ],
)
def test_outside_the_demo_a_private_address_refuses_publication(world, app, configured, said):
    notice = _approved_exposure(world)
    officer = world.district()
    app.config["PUBLIC_BASE_URL"] = configured

    response = officer.post(f"/api/v1/notices/{notice['id']}/publish")
    assert response.status_code == 409, response.json
    assert said in response.json["message"] and "PUBLIC_BASE_URL" in response.json["message"]
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert (shown["status"], shown["serial"]) == ("approved", None)
    assert stored_files(app) == []

    health = world.anonymous().get("/healthz")
    assert health.status_code == 200  # the public site still answers
    check = {c["name"]: c for c in health.json["checks"]}["public_address"]
    assert check["ok"] is False and said in check["detail"]


def test_the_render_job_refuses_and_says_why_on_the_notice_and_its_run(
    world, app, redis_url, tmp_path
):
    """The render job runs in a worker of its own configuration: a worker started with a
    loopback address refuses too, and the notice and its status row say why."""
    notice = _approved_exposure(world)
    officer = world.district()
    app.config["REDIS_URL"] = redis_url
    run_id = officer.post(f"/api/v1/notices/{notice['id']}/publish").json["render_job"]

    run_worker(app, tmp_path, PUBLIC_BASE_URL="http://127.0.0.1:5000")
    db.session.expire_all()
    run = db.session.get(JobRun, run_id)
    assert run.status == "failed" and "loopback" in run.error, run.error
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert (shown["status"], shown["serial"]) == ("approved", None)
    assert "PUBLIC_BASE_URL" in shown["render_error"] and "loopback" in shown["render_error"]
    assert stored_files(app) == []


def test_the_demo_prints_its_loopback_address(world, app):
    notice = _approved_exposure(world)
    officer = world.district()
    app.config.update(DEMO=True, PUBLIC_BASE_URL="http://127.0.0.1:5077")
    response = officer.post(f"/api/v1/notices/{notice['id']}/publish")
    assert response.status_code == 200, response.json
    assert response.json["verify_url"].startswith("http://127.0.0.1:5077/verify/")
    check = {c["name"]: c for c in world.anonymous().get("/healthz").json["checks"]}
    assert check["public_address"]["ok"] is True


def test_the_console_shows_the_refusal_where_the_officer_publishes(world, app, client):
    from tests.factories import csrf_token, login

    notice = _approved_exposure(world)
    app.config["PUBLIC_BASE_URL"] = None
    officer = world.district()
    assert login(client, officer.username).status_code in (302, 303)
    page = f"/console/notices/{notice['id']}"
    token = csrf_token(client, page)
    response = client.post(
        f"/console/notices/{notice['id']}/publish", data={"csrf_token": token, "confirm": "yes"}
    )
    assert response.status_code in (303, 409), response.status_code
    shown = client.get(page).get_data(as_text=True)
    assert "PUBLIC_BASE_URL is not set" in shown
