"""The demo city's history: reproducible, consistent with the rules, and telling."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import func, select, text

from creditsvc import bulk
from creditsvc.demo import city, evidence, names, readings
from creditsvc.demo.plan import (
    AS_OF,
    DISTRICT_CODES,
    EvidenceCounts,
    Layout,
    honesty_block,
    plan_city,
)
from creditsvc.extensions import db
from creditsvc.models import (
    COMPLAINT_TRANSITIONS,
    PROCEDURES,
    Complaint,
    ComplaintTransition,
    Device,
    DirtyMerchant,
    Finding,
    Inspection,
    Merchant,
    NetContentLot,
    PenaltyDecision,
    Reading,
    Stall,
)
from scoring import netcontent
from scoring.retail import assess_weighing

MERCHANTS = 300
SEED = 7
COUNTS = EvidenceCounts(inspections=900, complaints=300, readings=30_000)
FINAL = ("substantiated", "unfounded", "withdrawn")


def _load() -> None:
    city.load(MERCHANTS, SEED, **vars(COUNTS))


def _digest(seed: int) -> str:
    """A hash of every evidence row the generators yield for a city."""
    plan = plan_city(MERCHANTS, seed, Layout.fresh(), evidence=COUNTS)
    digest = hashlib.sha256()
    for table, chunk in evidence.chunks(plan):
        columns = bulk.as_columns(chunk)
        for name in sorted(columns):
            values = columns[name]
            digest.update(f"{table.name}.{name}".encode())
            if isinstance(values, np.ndarray) and values.dtype != object:
                digest.update(values.tobytes())
            else:
                digest.update(json.dumps(list(values), default=str).encode())
    return digest.hexdigest()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _honesty_by_merchant_id() -> dict[int, float]:
    first = db.session.scalar(select(func.min(Merchant.id)))
    return {first + i: h for i, h in enumerate(honesty_block(SEED, 0, MERCHANTS).tolist())}


def test_same_seed_gives_the_same_history_and_another_seed_another():
    assert _digest(SEED) == _digest(SEED)
    assert _digest(SEED + 1) != _digest(SEED)


def test_load_writes_the_requested_evidence_and_reports_each_table(app):
    summary = city.load(MERCHANTS, SEED, **vars(COUNTS))

    assert _count(Inspection) == COUNTS.inspections
    assert _count(Complaint) == COUNTS.complaints
    assert _count(Reading) == COUNTS.readings
    for model in (Finding, NetContentLot, PenaltyDecision, ComplaintTransition):
        assert _count(model) > 0
        assert re.search(rf"{model.__tablename__}\s+[\d,]+ rows\s+[\d.]+ s", summary)
    # The sequences moved past the explicit ids: the next row gets the next id.
    db.session.add(Stall(market_id=1, number="Z-999"))
    db.session.flush()
    assert db.session.scalar(select(func.max(Stall.id))) == _count(Stall)


def test_scaled_defaults_follow_the_number_of_merchants():
    assert EvidenceCounts.scaled(2000) == EvidenceCounts(1500, 600, 200_000)
    assert EvidenceCounts.scaled(200_000) == EvidenceCounts(150_000, 60_000, 20_000_000)


def test_stored_verdicts_are_those_of_the_retail_rule(app):
    _load()

    devices = dict(db.session.execute(select(Device.id, Device.high_accuracy)).all())
    sample = db.session.scalars(select(Reading).where(Reading.id % 7 == 0)).all()
    assert len(sample) > 3000
    for reading in sample:
        assert reading.k == (1 if devices[reading.device_id] else 2)
        expected = assess_weighing(
            reading.settled_g, reading.measured_g, reading.category, reading.unit_price, k=reading.k
        )
        stored_limit = None if expected.limit_g is None else float(expected.limit_g)
        assert (reading.verdict, reading.band, reading.limit_g, reading.shortfall_g) == (
            expected.verdict,
            expected.band,
            stored_limit,
            float(expected.shortfall_g),
        )
    verdicts = set(db.session.scalars(select(Reading.verdict).distinct()))
    assert verdicts == {"within", "short", "not_assessable"}


def test_each_scale_numbers_its_readings_in_time_order_at_its_own_market(app):
    _load()

    rows = db.session.execute(
        select(
            Reading.device_id,
            Reading.seq,
            Reading.measured_at,
            Reading.received_at,
            Reading.merchant_id,
            Device.market_id,
            Stall.market_id,
            Stall.merchant_id,
        )
        .join(Device, Device.id == Reading.device_id)
        .join(Stall, Stall.id == Reading.stall_id)
        .order_by(Reading.device_id, Reading.seq)
    ).all()
    last: dict[int, tuple] = {}
    for device, seq, measured, received, merchant, market, stall_market, stall_merchant in rows:
        assert stall_market == market and stall_merchant == merchant
        assert measured < received <= measured + timedelta(minutes=2)
        assert AS_OF - timedelta(days=460) <= measured.date() < AS_OF
        if device in last:
            assert seq == last[device][0] + 1 and measured >= last[device][1]
        else:
            assert seq == 1
        last[device] = (seq, measured)
    assert len(rows) == COUNTS.readings


def test_failing_lots_come_with_their_short_prepack_finding(app):
    _load()

    lots = db.session.scalars(select(NetContentLot)).all()
    prepack = {
        finding.lot_id: finding
        for finding in db.session.scalars(select(Finding).where(Finding.code == "SHORT_PREPACK"))
    }
    assert {lot.verdict for lot in lots} == {"pass", "fail"}
    for lot in lots:
        sampling = netcontent.sampling_plan(lot.batch_size)
        assert len(lot.measurements) == sampling.sample_size
        again = netcontent.assess_lot(
            lot.nominal, lot.unit, lot.batch_size, [Decimal(m) for m in lot.measurements]
        )
        assert (lot.verdict, lot.t1, lot.t2, lot.mean) == (
            again.verdict,
            again.t1,
            again.t2,
            again.mean,
        )
        if lot.verdict == "fail":
            finding = prepack[lot.id]
            assert finding.inspection_id == lot.inspection_id and finding.severity == "major"
            assert finding.description == f"{lot.product}: " + "; ".join(lot.reasons)
    assert set(prepack) == {lot.id for lot in lots if lot.verdict == "fail"}


def test_penalties_have_unique_numbers_and_follow_findings(app):
    _load()

    rows = db.session.execute(
        select(PenaltyDecision, Inspection).join(
            Inspection, Inspection.id == PenaltyDecision.inspection_id
        )
    ).all()
    with_findings = set(db.session.scalars(select(Finding.inspection_id).distinct()))
    numbers = [penalty.decision_number for penalty, _ in rows]
    assert len(rows) > 20 and len(numbers) == len(set(numbers))
    for penalty, inspection in rows:
        short = names.DISTRICTS[inspection.district_code][0][0]
        assert re.fullmatch(
            rf"沪市监{short}处〔{penalty.decided_on.year}〕\d+号", penalty.decision_number
        )
        assert inspection.id in with_findings
        assert inspection.inspected_on < penalty.decided_on < AS_OF
        assert penalty.procedure in PROCEDURES
        assert penalty.fine_yuan == 0 if penalty.warning_only else penalty.fine_yuan > 0
        # The field names what is confiscated; the notice says 没收 itself.
        assert not penalty.confiscation.startswith("没收")
    assert {penalty.procedure for penalty, _ in rows} == set(PROCEDURES)
    assert any(penalty.warning_only for penalty, _ in rows)


def test_complaint_statuses_match_their_last_transition(app):
    _load()

    transitions = defaultdict(list)
    for t in db.session.scalars(select(ComplaintTransition).order_by(ComplaintTransition.id)):
        transitions[t.complaint_id].append(t)
    complaints = db.session.scalars(select(Complaint)).all()
    for complaint in complaints:
        steps = transitions[complaint.id]
        status = "received"
        for step in steps:
            assert step.from_status == status and step.to_status in COMPLAINT_TRANSITIONS[status]
            status = step.to_status
        assert complaint.status == status
        assert (complaint.decided_on is not None) == (status in FINAL)
        if steps and status in FINAL:
            assert complaint.decided_on == steps[-1].at.date() < AS_OF
        assert complaint.contact_encrypted is None
        assert complaint.received_on >= AS_OF - timedelta(days=3 * 365)
    assert {c.status for c in complaints} >= {"substantiated", "unfounded", "withdrawn"}
    assert {c.channel for c in complaints} == {"12345", "12315", "fair_scale", "walk_in"}


def test_less_honest_merchants_are_found_at_fault_and_short_more_often(app):
    _load()

    honesty = _honesty_by_merchant_id()
    low, high = (set(ids) for ids in _quartiles(honesty, list(honesty)))
    inspections = db.session.execute(
        select(Inspection.merchant_id, func.count(Finding.id))
        .outerjoin(Finding, Finding.inspection_id == Inspection.id)
        .group_by(Inspection.id, Inspection.merchant_id)
    ).all()
    per_inspection = {
        name: np.mean([n for merchant, n in inspections if merchant in group])
        for name, group in (("low", low), ("high", high))
    }
    assert per_inspection["low"] > 2 * per_inspection["high"] + 0.1, per_inspection

    stalls = list(db.session.scalars(select(Reading.merchant_id).distinct()))
    low, high = (set(ids) for ids in _quartiles(honesty, stalls))
    counts = db.session.execute(
        select(Reading.merchant_id, Reading.verdict, func.count()).group_by(
            Reading.merchant_id, Reading.verdict
        )
    ).all()
    rate = {}
    for name, group in (("low", low), ("high", high)):
        total = sum(n for merchant, _, n in counts if merchant in group)
        short = sum(
            n for merchant, verdict, n in counts if merchant in group and verdict == "short"
        )
        rate[name] = short / total
    assert rate["low"] > 3 * rate["high"] + 0.005, rate


def _quartiles(honesty: dict[int, float], ids: list[int]) -> tuple[list[int], list[int]]:
    """The least and the most honest quarter of `ids`."""
    ranked = sorted(ids, key=honesty.__getitem__)
    quarter = len(ranked) // 4
    return ranked[:quarter], ranked[-quarter:]


def test_every_grade_has_its_evidence(app):
    _load()

    rows = db.session.execute(
        select(
            Inspection.merchant_id, Inspection.inspected_on, Finding.code, Finding.severity
        ).join(Finding, Finding.inspection_id == Inspection.id)
    ).all()
    cheated = {
        m
        for m, day, code, _ in rows
        if code in ("CHEAT", "TAMPER") and day > AS_OF - timedelta(days=730)
    }
    serious = {
        m
        for m, day, _, severity in rows
        if severity == "serious" and day > AS_OF - timedelta(days=365)
    }
    assert cheated, "grade D needs a cheating or tampering finding in 24 months"
    assert serious - cheated, "grade C needs a serious finding in 12 months without cheating"
    inspected = set(db.session.scalars(select(Inspection.merchant_id).distinct()))
    assert len(inspected - {m for m, *_ in rows}) > MERCHANTS // 5, "grade A needs clean records"
    assert any(severity == "minor" for *_, severity in rows)
    assert all(AS_OF - timedelta(days=3 * 365) <= day < AS_OF for _, day, _, _ in rows)


def test_every_merchant_with_evidence_is_marked_for_rescoring(app):
    _load()

    with_evidence = set()
    for model in (Inspection, Complaint, Reading):
        with_evidence |= set(db.session.scalars(select(model.merchant_id).distinct()))
    marked = db.session.execute(select(DirtyMerchant.merchant_id, DirtyMerchant.reason)).all()
    assert {merchant for merchant, _ in marked} == with_evidence
    assert {reason for _, reason in marked} == {"demo"}
    assert len(with_evidence) > MERCHANTS // 2


def test_a_load_failing_among_the_readings_writes_nothing(app, monkeypatch):
    def broken(plan, subjects):
        yield from readings_chunks(plan, subjects)
        raise RuntimeError("disk full")  # inside the readings COPY on PostgreSQL

    readings_chunks = readings.chunks
    monkeypatch.setattr(readings, "chunks", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _load()

    assert _count(Merchant) == _count(Reading) == _count(Inspection) == _count(DirtyMerchant) == 0
    monkeypatch.undo()
    city.load(50, SEED, inspections=10, complaints=5, readings=100)  # the session is usable
    assert _count(Reading) == 100


def _schema() -> set[tuple]:
    """Every constraint and index of the tables the demo writes, as PostgreSQL prints them."""
    tables = [table.name for table in city.NUMBERED_TABLES]
    constraints = db.session.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE conrelid::regclass::text = ANY(:t)"
        ),
        {"t": tables},
    ).all()
    indexes = db.session.execute(
        text("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"),
        {"t": tables},
    ).all()
    return {tuple(row) for row in constraints} | {tuple(row) for row in indexes}


def test_constraints_deferred_during_the_load_are_all_back(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("constraints are deferred on PostgreSQL only")
    before = _schema()
    assert any("FOREIGN KEY" in row[2] for row in before)

    _load()

    assert _schema() == before


def test_officers_and_districts_are_consistent(app):
    _load()

    pools = evidence.officers(plan_city(MERCHANTS, SEED))
    by_code = dict(zip(DISTRICT_CODES, pools, strict=True))
    rows = db.session.execute(
        select(Inspection.district_code, Inspection.officers, Merchant.district_code).join(
            Merchant, Merchant.id == Inspection.merchant_id
        )
    ).all()
    for district, officers, merchant_district in rows:
        assert district == merchant_district
        assert len(set(officers)) == 2 and set(officers) <= set(by_code[district])
