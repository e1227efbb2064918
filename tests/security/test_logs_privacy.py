"""No personal data in the logs: complainants' contacts, passwords and bearer tokens.

Every log record is captured at DEBUG, SQLAlchemy's statement log included (the worst a
misconfigured deployment could switch on), while the riskiest requests run.
"""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import AuditEntry
from tests.factories import PASSWORD, login

CONTACT = "王小明 13912345678"


@pytest.fixture
def every_log(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "werkzeug", "creditsvc", "flask_smorest"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _logged(caplog) -> str:
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        for record in caplog.records
    )


def test_a_complaint_contact_reaches_neither_the_logs_nor_the_audit(world, every_log):
    merchant = world.merchant()
    officer = world.district()
    created = officer.post(
        "/api/v1/complaints",
        json={
            "merchant": merchant.uscc,
            "channel": "12315",
            "received_on": "2026-01-05",
            "allegation": "短斤少两",
            "contact": CONTACT,
        },
    )
    assert created.status_code == 201, created.get_json()
    shown = officer.get(f"/api/v1/complaints/{created.get_json()['id']}")
    assert shown.get_json()["contact"] == CONTACT  # the officer of the district sees it
    refused = officer.post("/api/v1/complaints", json={"merchant": "x", "contact": CONTACT})
    assert refused.status_code == 422

    assert len(every_log.records) > 10  # the statement log was really on
    assert "13912345678" not in _logged(every_log)
    audit = db.session.scalars(select(AuditEntry)).all()
    written = json.dumps([(a.before, a.after, a.reason) for a in audit], ensure_ascii=False)
    assert "13912345678" not in written and "王小明" not in written


def test_passwords_and_tokens_never_reach_the_logs(app, world, every_log):
    officer = world.district()
    client = app.test_client()
    assert login(client, officer.username, "a-wrong-password-1").status_code != 302
    assert login(client, officer.username).status_code == 302
    issued = officer.post("/api/v1/tokens", json={"label": "laptop"})
    assert issued.status_code == 201
    new_token = issued.get_json()["token"]
    used = client.get("/api/v1/merchants", headers={"Authorization": f"Bearer {new_token}"})
    assert used.status_code == 200
    bad = client.get("/api/v1/merchants", headers={"Authorization": "Bearer cs_forged-token"})
    assert bad.status_code == 401

    logged = _logged(every_log)
    assert len(every_log.records) > 10
    for secret in (PASSWORD, "a-wrong-password-1", officer.token, new_token, "cs_forged-token"):
        assert secret not in logged
