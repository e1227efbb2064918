"""Writes are exactly-once from the caller's view (issue 17, finding 2): evidence writes
accept an Idempotency-Key (a repeat gets the first answer and stores nothing), and nothing
answers an error after its commit. Parallel writers on a real server:
test_parallel_writers.py."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.expiry import expire_idempotency_keys
from creditsvc.models import (
    AuditEntry,
    Complaint,
    DirtyMerchant,
    IdempotentRequest,
    Inspection,
    Notification,
    Objection,
    Reading,
    User,
    Void,
)
from creditsvc.models.base import utcnow
from tests.api.evidence.test_readings_api import add_stall, reading
from tests.factories import complain, inspect

KEY = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def complaint_body(merchant, allegation: str = "短秤二两") -> dict:
    return {
        "merchant": merchant.uscc,
        "channel": "12345",
        "received_on": clock.today().isoformat(),
        "allegation": allegation,
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def keyed(caller, url: str, body: dict, key: str):
    return caller.post(url, json=body, headers={KEY: key})


# The five evidence writes: each stores once under one key ---------------------------------


def _inspection(world):
    merchant = world.merchant()
    body = {
        "merchant": merchant.uscc,
        "inspected_on": clock.today().isoformat(),
        "kind": "routine",
        "officers": ["张三"],
        "findings": [{"code": "UNVERIFIED"}],
    }
    return world.district(), "/api/v1/inspections", body, Inspection


def _complaint(world):
    return world.district(), "/api/v1/complaints", complaint_body(world.merchant()), Complaint


def _correction(world):
    inspection_id = inspect(world, world.merchant(), ["UNVERIFIED"])
    body = {"kind": "inspection", "id": inspection_id, "reason": "录入时选错商户"}
    return world.district(), "/api/v1/corrections", body, Void


def _objection(world):
    merchant = world.merchant()
    complaint_id = complain(world.district(), merchant)
    body = {"kind": "complaint", "id": complaint_id, "grounds": "当日不在场"}
    return world.merchant_user(merchant), "/api/v1/objections", body, Objection


def _readings(world):
    market = world.market()
    add_stall(market, "A-1", world.merchant(market=market))
    _, scale, _ = world.device(market, "FS-1")
    return scale, "/api/v1/readings", {"readings": [reading(1), reading(2)]}, Reading


@pytest.mark.parametrize(
    "write", [_inspection, _complaint, _correction, _objection, _readings], ids=lambda w: w.__name__
)
def test_a_repeat_with_the_same_key_gets_the_first_answer_and_stores_nothing(world, write):
    caller, url, body, model = write(world)
    before = count(model)
    first = keyed(caller, url, body, "0b6c8a7e-5d1f-4f3e-9a21-3c1b2d4e5f60")
    assert first.status_code in (200, 201), first.json
    stored, audited_once = count(model), count(AuditEntry)
    assert stored > before and first.headers.get(REPLAYED) is None

    again = keyed(caller, url, body, "0b6c8a7e-5d1f-4f3e-9a21-3c1b2d4e5f60")
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert again.headers[REPLAYED] == "true"
    assert (count(model), count(AuditEntry)) == (stored, audited_once)


def test_without_a_key_a_repeat_is_a_new_write(world):
    officer, merchant = world.district(), world.merchant()
    for _ in range(2):
        assert officer.post("/api/v1/complaints", json=complaint_body(merchant)).status_code == 201
    assert count(Complaint) == 2


def test_a_key_as_a_structured_field_string_is_the_same_key(world):
    officer, merchant = world.district(), world.merchant()
    body = complaint_body(merchant)
    first = keyed(officer, "/api/v1/complaints", body, '"order-17"')
    again = keyed(officer, "/api/v1/complaints", body, "order-17")
    assert again.headers[REPLAYED] == "true" and again.json["id"] == first.json["id"]


def test_the_same_key_with_another_body_is_a_422_naming_the_header(world):
    officer, merchant = world.district(), world.merchant()
    assert keyed(officer, "/api/v1/complaints", complaint_body(merchant), "k-1").status_code == 201
    other = keyed(officer, "/api/v1/complaints", complaint_body(merchant, "另一件事"), "k-1")
    assert other.status_code == 422
    assert set(other.json) == {"code", "status", "message", "errors"}
    assert list(other.json["errors"]["headers"]) == [KEY]
    elsewhere = keyed(officer, "/api/v1/inspections", {"merchant": merchant.uscc}, "k-1")
    assert elsewhere.status_code == 422 and KEY in elsewhere.json["errors"]["headers"]
    assert count(Complaint) == 1 and count(Inspection) == 0


@pytest.mark.parametrize("key", ["x" * 256, "tab\there", '"', "中文键", '"a"b"'])
def test_a_malformed_key_is_a_422_naming_the_header(world, key):
    officer, merchant = world.district(), world.merchant()
    response = officer.post(
        "/api/v1/complaints",
        json=complaint_body(merchant),
        headers={KEY: key.encode("utf-8").decode("latin-1")},
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["headers"]
    assert KEY in response.json["errors"]["headers"]
    assert count(Complaint) == 0


def test_keys_are_each_callers_own(world):
    merchant = world.merchant()
    one, other = world.district(), world.district()
    body = complaint_body(merchant)
    assert keyed(one, "/api/v1/complaints", body, "shared").status_code == 201
    second = keyed(other, "/api/v1/complaints", body, "shared")
    assert second.status_code == 201 and REPLAYED not in second.headers
    assert count(Complaint) == 2


def test_a_refused_write_keeps_no_key(world):
    officer, merchant = world.district(), world.merchant()
    refused = keyed(officer, "/api/v1/complaints", {"merchant": merchant.uscc}, "retry-me")
    assert refused.status_code == 422
    assert count(IdempotentRequest) == 0
    fixed = keyed(officer, "/api/v1/complaints", complaint_body(merchant), "retry-me")
    assert fixed.status_code == 201 and REPLAYED not in fixed.headers


def test_keys_expire_after_the_setting(world, app):
    officer, merchant = world.district(), world.merchant()
    body = complaint_body(merchant)
    assert keyed(officer, "/api/v1/complaints", body, "old").status_code == 201
    assert keyed(officer, "/api/v1/complaints", body, "new").status_code == 201
    hours = app.config["IDEMPOTENCY_KEY_HOURS"]
    db.session.execute(
        update(IdempotentRequest)
        .where(IdempotentRequest.key == "old")
        .values(created_at=utcnow() - timedelta(hours=hours, minutes=1))
    )
    db.session.commit()

    # Not swept yet, an expired key is free again: the write is a new one.
    again = keyed(officer, "/api/v1/complaints", body, "old")
    assert again.status_code == 201 and REPLAYED not in again.headers
    assert count(Complaint) == 3

    db.session.execute(
        update(IdempotentRequest).values(created_at=utcnow() - timedelta(hours=hours + 1))
    )
    db.session.commit()
    assert expire_idempotency_keys() == 2
    assert count(IdempotentRequest) == 0


def test_the_openapi_document_describes_the_header(client):
    spec = client.get("/api/openapi.json").json
    for path in ("inspections", "complaints", "corrections", "objections", "readings"):
        post = spec["paths"][f"/api/v1/{path}"]["post"]
        (header,) = [p for p in post.get("parameters", []) if p["in"] == "header"]
        assert header["name"] == KEY and not header["required"]
        assert "422" in post["responses"]
    assert not any(
        p["in"] == "header" for p in spec["paths"]["/api/v1/policies"]["post"].get("parameters", [])
    )


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
