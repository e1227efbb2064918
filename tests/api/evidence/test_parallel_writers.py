"""Writes are exactly-once from the caller's view (issue 17, finding 2), on a real
gunicorn with two workers as `make run` serves it, with no Redis: parallel writers each
get their answer, the rows stored are the answers given, and a retry with the same
Idempotency-Key never stores twice."""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, func, select, text

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Complaint
from tests.workers import served

WRITERS = 20
ROUNDS = 3  # writers meet by chance: three rounds of twenty


def _post(address, token: str, body: dict, key: str | None = None):
    conn = http.client.HTTPConnection(*address, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    conn.request("POST", "/api/v1/complaints", body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    answer = response.status, response.getheader("Idempotent-Replayed"), response.read()
    conn.close()
    return answer


def _complaint(uscc: str, n: int) -> dict:
    return {
        "merchant": uscc,
        "channel": "12345",
        "received_on": clock.today().isoformat(),
        "allegation": f"复称少了二两 ({n})",
    }


def _stored() -> int:
    count = db.session.scalar(select(func.count()).select_from(Complaint))
    db.session.rollback()
    return count


def test_parallel_writers_each_get_their_answer(app, world, tmp_path):
    # A business each: every write is followed by a rescore of its own (inline, no Redis).
    usccs = [world.merchant(world.XUHUI).uscc for _ in range(WRITERS)]
    token = world.district(world.XUHUI).token

    def send(n: int):
        return _post(address, token, _complaint(usccs[n % WRITERS], n))

    with served(app, tmp_path) as address, ThreadPoolExecutor(WRITERS) as pool:
        statuses = [status for status, _, _ in pool.map(send, range(ROUNDS * WRITERS))]
    assert (statuses, _stored()) == ([201] * ROUNDS * WRITERS, ROUNDS * WRITERS)


def test_retries_with_the_same_key_are_stored_once(app, world, tmp_path):
    """Each of 20 writers sends its complaint twice at once under one key, then once more
    after: every answer is the first one (201), replayed or not, and one row per key."""
    uscc = world.merchant(world.XUHUI).uscc
    token = world.district(world.XUHUI).token
    sends = [n // 2 for n in range(2 * WRITERS)]  # each key twice in a row: they race

    def send(n: int):
        return n, _post(address, token, _complaint(uscc, n), key=f"writer-{n}")

    with served(app, tmp_path) as address, ThreadPoolExecutor(WRITERS) as pool:
        answers = list(pool.map(send, sends))
        answers += [send(n) for n in range(WRITERS)]
    assert {status for _, (status, _, _) in answers} == {201}, answers
    ids = {}
    for n, (_, _, body) in answers:
        ids.setdefault(n, set()).add(json.loads(body)["id"])
    assert all(len(found) == 1 for found in ids.values()), ids
    firsts = [replayed for _, (_, replayed, _) in answers if replayed is None]
    assert len(firsts) == WRITERS
    assert _stored() == WRITERS


def test_on_sqlite_writes_begin_immediately_and_reads_stay_deferred(app, world):
    """`make run`'s SQLite: WAL, and a request that may write takes the write lock as its
    transaction begins (it waits its turn instead of failing when it first writes)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking; PostgreSQL is unchanged")
    assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
    officer, body = world.district(), _complaint(world.merchant().uscc, 1)
    begins: list[str] = []

    def note(_conn, _cursor, sql, *_):
        if sql.startswith("BEGIN"):
            begins.append(sql)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert officer.get("/api/v1/complaints").status_code == 200
        read = list(begins)
        begins.clear()
        assert officer.post("/api/v1/complaints", json=body).status_code == 201
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert read == ["BEGIN"]
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}
