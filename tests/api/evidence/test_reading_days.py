"""Daily re-weigh tallies (issue 21): after every path that stores or voids readings, the
`reading_days` rows equal a count of the raw readings by Shanghai day, voided ones left
out; and scoring's windows summed over days hold exactly the readings its instants did."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

import numpy as np
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select

from creditsvc import clock
from creditsvc.demo import city
from creditsvc.extensions import db
from creditsvc.models import Device, Reading, ReadingDay, Stall, Void
from creditsvc.services.standing import evidence_arrays, policies
from creditsvc.workdays import SHANGHAI

URL = "/api/v1/readings"


def counted_from_readings() -> dict:
    """The oracle: the readings grouped by merchant and Shanghai day in Python."""
    voided = set(
        db.session.scalars(select(Void.evidence_id).where(Void.evidence_kind == "reading"))
    )
    days: dict = defaultdict(lambda: [0, 0, 0, 0.0])
    rows = db.session.execute(
        select(
            Reading.id,
            Reading.merchant_id,
            Reading.measured_at,
            Reading.verdict,
            Reading.shortfall_g,
        )
    )
    for reading_id, merchant_id, measured_at, verdict, shortfall in rows:
        if reading_id in voided:
            continue
        counts = days[merchant_id, clock.local(measured_at).date()]
        counts[0] += 1
        counts[1] += verdict != "not_assessable"
        counts[2] += verdict == "short"
        counts[3] += shortfall if verdict == "short" else 0.0
    return {key: tuple(counts) for key, counts in days.items()}


def tallied() -> dict:
    """The reading_days rows, days whose readings were all voided left out."""
    rows = db.session.execute(
        select(
            ReadingDay.merchant_id,
            ReadingDay.day,
            ReadingDay.readings,
            ReadingDay.assessable,
            ReadingDay.short,
            ReadingDay.shortfall_g,
        )
    )
    return {(r[0], r[1]): tuple(r[2:]) for r in rows if r[2] != 0}


def assert_tallies_match() -> None:
    expected, got = counted_from_readings(), tallied()
    assert got.keys() == expected.keys()
    for key, counts in expected.items():
        assert got[key][:3] == counts[:3], key
        assert got[key][3] == pytest.approx(counts[3]), key


def local(day, hour: int, minute: int = 0, second: int = 0) -> str:
    """A device's naive time: Asia/Shanghai."""
    return datetime.combine(day, time(hour, minute, second)).isoformat()


@pytest.fixture
def scales(world):
    """A market with two merchants at stalls, a verified scale and one with no
    verification on record (its readings are not assessable)."""
    market = world.market()
    merchants = [world.merchant(market=market), world.merchant(market=market)]
    for number, merchant in zip(("A-1", "A-2"), merchants, strict=True):
        db.session.add(Stall(market_id=market.id, number=number, merchant_id=merchant.id))
    db.session.commit()
    _, verified, _ = world.device(market, "FS-1")
    _, unverified, _ = world.device(market, "FS-2", verification_due=None)
    return merchants, verified, unverified


def batch(day, first_seq: int) -> list[dict]:
    """Readings on both sides of a Shanghai midnight, short and within, at two stalls."""
    before, after = day - timedelta(days=1), day
    moments = [local(before, 23, 59, 59), local(after, 0, 0, 0), local(after, 9), local(after, 16)]
    items = []
    for i, moment in enumerate(moments * 2):
        items.append(
            {
                "seq": first_seq + i,
                "time": moment,
                "settled_g": 1000,
                "measured_g": 950 if i % 3 == 0 else 1000,
                "category": "vegetable",
                "stall": "A-1" if i < len(moments) else "A-2",
            }
        )
    return items


def test_ingest_counts_each_stored_reading_once_by_its_shanghai_day(scales):
    _, verified, unverified = scales
    day = clock.today() - timedelta(days=3)
    items = batch(day, 1)
    assert verified.post(URL, json={"readings": items}).json["accepted"] == len(items)
    assert_tallies_match()
    before = tallied()
    assert sum(counts[2] for counts in before.values()) > 0  # short readings are counted

    # A resend stores nothing and counts nothing; a batch mixing old and new seqs counts
    # only the new ones.
    assert verified.post(URL, json={"readings": items}).json["duplicate"] == len(items)
    assert tallied() == before
    more = batch(day, len(items) - 1)
    answer = verified.post(URL, json={"readings": more}).json
    assert (answer["duplicate"], answer["accepted"]) == (2, len(more) - 2)
    # Not assessable: counted as readings, neither assessable nor short.
    assert unverified.post(URL, json={"readings": batch(day, 1)}).json["accepted"] == len(items)
    assert_tallies_match()
    assert tallied() != before


def test_a_voided_reading_leaves_its_day(scales, world):
    _, verified, _ = scales
    day = clock.today() - timedelta(days=2)
    verified.post(URL, json={"readings": batch(day, 1)})
    short = db.session.scalars(select(Reading.id).where(Reading.verdict == "short")).all()
    officer = world.district()
    for reading_id in short[:2]:
        body = {"kind": "reading", "id": reading_id, "reason": "顾客连袋称重"}
        assert officer.post("/api/v1/corrections", json=body).status_code == 201
    assert_tallies_match()
    assert sum(counts[2] for counts in tallied().values()) == len(short) - 2


def test_the_demo_city_counts_the_days_of_its_copied_readings(app):
    """The demo loads readings by COPY (rows by executemany on SQLite), then stages its
    scenes through the services."""
    city.load(merchants=60, seed=7, as_of=clock.today(), readings=4_000, scenes=True)
    assert len(tallied()) > 1_000
    assert_tallies_match()


def test_the_migration_counts_the_readings_already_stored(app, world):
    market = world.market()
    merchant = world.merchant(market=market)
    device, _, _ = world.device(market, "FS-9")
    # Ids read now: the models know columns of later migrations than the one downgraded to.
    device_id, merchant_id = device.id, merchant.id
    db.session.commit()  # no open transaction while the migrations run on their own connection
    downgrade(revision="0031")  # the revision before 0032
    at = datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
    rows = [
        {
            "device_id": device_id,
            "seq": seq,
            "merchant_id": merchant_id,
            "measured_at": at + timedelta(seconds=seq),
            "received_at": at,
            "category": "vegetable",
            "settled_g": 1000.0,
            "measured_g": 950.0,
            "k": 2,
            "shortfall_g": 50.0 if verdict == "short" else 0.0,
            "verdict": verdict,
        }
        for seq, verdict in enumerate(["short", "within", "not_assessable", "short", "short"])
    ]
    # Core inserts: the table the ORM's listener keeps does not exist before 0032.
    db.session.execute(insert(Reading.__table__), rows)
    voided = db.session.scalar(select(Reading.id).where(Reading.seq == 4))
    db.session.execute(
        insert(Void.__table__),
        {
            "evidence_kind": "reading",
            "evidence_id": voided,
            "merchant_id": merchant_id,
            "reason": "t",
            "actor": "t",
            "at": at,
        },
    )
    db.session.commit()

    upgrade()
    db.session.expire_all()
    assert_tallies_match()
    assert sorted(tallied().values()) == [(1, 1, 1, 50.0), (3, 2, 1, 50.0)]


def test_day_sums_hold_what_the_instant_windows_held(scales, app):
    """The windows ran from a Shanghai midnight to the end of as_of (instants); readings
    a second either side of each boundary land on the same side when summed by day."""
    merchant = scales[0][0]
    device_id = db.session.scalar(select(Device.id))
    policy = policies.current()
    as_of = clock.today()
    shorter, longer = evidence_arrays.reweigh_windows(policy)
    boundaries = [as_of + timedelta(days=1 - w) for w in (shorter, longer)] + [
        as_of + timedelta(days=1)
    ]
    midnights = [datetime.combine(d, time(), tzinfo=SHANGHAI) for d in boundaries]
    moments = [m + timedelta(seconds=s) for m in midnights for s in (-1, 0)]
    for seq, moment in enumerate(moments):
        db.session.add(
            Reading(
                device_id=device_id,
                seq=1000 + seq,
                merchant_id=merchant.id,
                measured_at=moment,
                received_at=moment,
                category="vegetable",
                settled_g=1000,
                measured_g=950,
                k=2,
                shortfall_g=50,
                verdict="short" if seq % 2 else "within",
            )
        )
    db.session.commit()
    assert_tallies_match()

    inner, outer, end = midnights[0], midnights[1], midnights[2]
    instants = [r.astimezone(UTC) for r in moments]

    def by_instant(since, until, short_only=False):
        return sum(
            1
            for seq, m in enumerate(instants)
            if since <= m < until and (not short_only or seq % 2)
        )

    counts = evidence_arrays.reweigh_counts(lambda c: c == merchant.id, as_of, policy)
    recent = [by_instant(inner, end)] * 2 + [by_instant(inner, end, True)]
    older = [by_instant(outer, inner)] * 2 + [by_instant(outer, inner, True)]
    if shorter == longer:
        recent, older = [by_instant(outer, end)] * 2 + [by_instant(outer, end, True)], [0, 0, 0]
    assert np.array_equal(counts, np.array([[merchant.id, *recent, *older]]))
    assert recent[0] > 0 and by_instant(end, end + timedelta(days=1)) > 0  # both sides hit
