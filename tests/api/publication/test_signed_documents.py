"""Every published PDF carries the issuing bureau's PAdES signature (issue 18, item 10):
made with the configured key, accepted by pyHanko's validator, still PDF/A-2b, the stored
SHA-256 that of the signed file served; without a usable key nothing is published."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from tests.documents import (
    KINDS,
    pdf_of,
    pdfa_problems,
    public_pdf,
    publish_every_kind,
    pyhanko_validation,
    stored_files,
)
from tests.factories import PUBLISH, TODAY, draft, exposure_body, penalise


@pytest.fixture
def served(world) -> dict[str, tuple[dict, bytes]]:
    """Each kind published, with the bytes anyone downloads."""
    anonymous = world.anonymous()
    documents = publish_every_kind(world)
    return {k: (d, pdf_of(anonymous, public_pdf(d)).data) for k, d in documents.items()}


def validated(pdf: bytes, app):
    """pyHanko's validator on the file's signature, trusting the configured certificate."""
    return pyhanko_validation(pdf, Path(app.config["SIGNING_CERT_FILE"]).read_bytes())


def test_every_kind_is_served_signed_by_the_bureau_and_fails_after_one_changed_byte(served, app):
    assert set(served) == set(KINDS)
    for kind, (notice, pdf) in served.items():
        status = validated(pdf, app)
        assert status.bottom_line and status.coverage.name == "ENTIRE_FILE", kind
        assert notice["sha256"] == hashlib.sha256(pdf).hexdigest(), kind
        assert pdfa_problems(pdf) == [], kind
        altered = bytearray(pdf)
        altered[len(pdf) // 3] ^= 0x01
        assert not validated(bytes(altered), app).bottom_line, kind


def test_without_a_readable_key_nothing_is_published(world, app, tmp_path):
    penalise(world, world.merchant(), "徐市监罚〔2026〕72号", TODAY - timedelta(days=1))
    officer = world.district()
    notice = draft(officer, **exposure_body())
    officer.colleague().post(f"/api/v1/notices/{notice['id']}/approve")
    configured = app.config["SIGNING_KEY_FILE"]
    app.config["SIGNING_KEY_FILE"] = str(tmp_path / "missing.pem")

    response = officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH)
    assert response.status_code == 503
    assert "SIGNING_KEY_FILE" in response.json["message"]
    shown = officer.get(f"/api/v1/notices/{notice['id']}").json
    assert (shown["status"], shown["serial"]) == ("approved", None)
    assert "SIGNING_KEY_FILE" in shown["render_error"] and stored_files(app) == []

    app.config["SIGNING_KEY_FILE"] = configured
    assert officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH).status_code == 200
