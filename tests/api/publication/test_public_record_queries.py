"""The public record is built in one SQL statement: the listing row with its snapshot's
reasons, the reply on show and whether an objection is under consideration."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event

from creditsvc.extensions import db
from tests.factories import inspect
from tests.statements import executed

MAX_STATEMENTS = 1


def test_a_record_with_reasons_a_reply_and_an_objection_takes_one_statement(world):
    merchant = world.merchant(name="计数商户")
    inspection_id = inspect(world, merchant, ["UNVERIFIED"])
    me = world.merchant_user(merchant)
    reply = me.post("/api/v1/replies", json={"text": "已更换经检定的电子秤"}).json
    world.district().post(f"/api/v1/replies/{reply['id']}/moderate", json={"approve": True})
    objection = {"kind": "inspection", "id": inspection_id, "grounds": "当日未营业"}
    assert me.post("/api/v1/objections", json=objection).status_code == 201
    public = world.anonymous()
    url = f"/api/public/v1/merchants/{merchant.uscc.lower()}"  # read before counting

    answer, statements = executed(lambda: public.get(url))
    assert answer.status_code == 200, answer.json
    assert len(statements) <= MAX_STATEMENTS, statements
    body = answer.json
    assert (body["name"], body["grade"], body["disputed"]) == ("计数商户", "B", True)
    assert [r["code"] for r in body["reasons"]] == ["FINDING_MAJOR"]
    assert body["reply"]["text"] == "已更换经检定的电子秤"
    assert datetime.fromisoformat(body["reply"]["approved_at"]).tzinfo is not None
    assert "merchant_id" not in body and "snapshot_id" not in body  # internal ids stay in


def test_an_unscored_business_and_an_unknown_one_take_one_statement(world):
    merchant = world.merchant(name="未评分商户")
    public = world.anonymous()
    url = f"/api/public/v1/merchants/{merchant.uscc}"  # read before counting

    answer, statements = executed(lambda: public.get(url))
    assert answer.status_code == 200 and len(statements) <= MAX_STATEMENTS
    body = answer.json
    assert (body["rated"], body["grade"], body["reasons"], body["reply"]) == (False, None, [], None)
    assert body["disputed"] is False

    missing, statements = executed(
        lambda: public.get("/api/public/v1/merchants/91440300708461136T")
    )
    assert missing.status_code == 404 and len(statements) == 1


def test_a_record_is_read_outside_a_transaction_and_leaves_none_open(world):
    """PostgreSQL: no BEGIN and ROLLBACK round trips around a record's reads
    (database.without_transaction), and its connection goes back to the pool as it came."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no round trips to save")
    merchant = world.merchant(name="无事务商户")
    inspect(world, merchant)
    url = f"/api/public/v1/merchants/{merchant.uscc}"  # read before listening
    during, returned = [], []
    status = lambda conn, cursor, *_: during.append(cursor.connection.info.transaction_status)  # noqa: E731
    checkin = lambda dbapi_connection, _record: returned.append(dbapi_connection.autocommit)  # noqa: E731
    event.listen(db.engine, "after_cursor_execute", status)
    event.listen(db.engine.pool, "checkin", checkin)
    try:
        answer = world.anonymous().get(url)
    finally:
        event.remove(db.engine, "after_cursor_execute", status)
        event.remove(db.engine.pool, "checkin", checkin)
    assert answer.status_code == 200 and answer.json["grade"] == "A"
    assert during and set(during) == {TransactionStatus.IDLE}  # each read on its own
    assert returned and not any(returned)  # transactional again for whoever takes it next


def test_a_code_typed_with_spaces_finds_the_business_as_registration_reads_it(world):
    merchant = world.merchant(name="空格商户")
    code = merchant.uscc
    spaced = f" {code[:6]} {code[6:12].lower()} {code[12:]} "  # as pasted from a licence
    answer = world.anonymous().get(f"/api/public/v1/merchants/{quote(spaced)}")
    assert answer.status_code == 200 and answer.json["name"] == "空格商户"
