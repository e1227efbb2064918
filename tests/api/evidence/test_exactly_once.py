"""Writes are exactly-once from the caller's view (issue 17, finding 2): nothing answers
an error after its commit. Parallel writers on a real server: test_parallel_writers.py."""

from __future__ import annotations

import socket
from datetime import date

from sqlalchemy import func, select, update

from creditsvc.extensions import db
from creditsvc.models import (
    Complaint,
    DirtyMerchant,
    Notification,
    Objection,
    User,
)
from tests.factories import complain


def complaint_body(merchant, allegation: str = "短秤二两") -> dict:
    return {
        "merchant": merchant.uscc,
        "channel": "12345",
        "received_on": date.today().isoformat(),
        "allegation": allegation,
    }


# Nothing answers an error after its commit -------------------------------------------------


def test_a_rescore_failing_after_the_commit_still_answers_the_success(world, monkeypatch):
    """The rescore that follows the commit fails: the complaint is stored, so the answer
    is 201, and the merchant stays dirty for the sweep."""
    from creditsvc.services.standing import rescoring

    def broken(**_):
        raise RuntimeError("rescore failed")

    monkeypatch.setattr(rescoring, "dirty", broken)
    merchant = world.merchant()
    response = world.district().post("/api/v1/complaints", json=complaint_body(merchant))
    assert response.status_code == 201, response.json
    assert db.session.get(Complaint, response.json["id"]) is not None
    assert db.session.get(DirtyMerchant, merchant.id) is not None


def closed_port() -> int:
    """A loopback port nothing listens on: a mail server that refuses every connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_server_refusing_after_the_commit_still_answers_the_success(world, app):
    """Filing an objection notifies the district's officers, mailed after the commit (no
    Redis: inline). The mail server refuses: the objection stands and is answered 201;
    the notification waits unmailed for the next mailing."""
    merchant = world.merchant()
    complaint_id = complain(world.district(), merchant)
    db.session.execute(update(User).values(email="officer@example.com"))
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port())
    filed = world.merchant_user(merchant).post(
        "/api/v1/objections", json={"kind": "complaint", "id": complaint_id, "grounds": "不在场"}
    )
    assert filed.status_code == 201, filed.json
    assert db.session.get(Objection, filed.json["id"]) is not None
    unmailed = select(func.count()).where(Notification.mailed_at.is_(None))
    assert db.session.scalar(unmailed) >= 1
