"""Read the whole city's evidence into the arrays `scoring.risk_features` takes.

A few set-based queries whatever the number of merchants, never one per merchant: voided
evidence is left out in SQL, and fair-scale readings are counted per merchant and calendar
month in SQL (the one pass over the largest table); voided readings are counted apart,
starting from the small voids table, and subtracted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import ColumnElement, and_, exists, extract, func, select

from creditsvc.extensions import db
from creditsvc.models import (
    TRADES,
    Complaint,
    ComplaintStatus,
    Finding,
    Inspection,
    Merchant,
    Reading,
    Void,
)
from creditsvc.models import reading as reading_model
from creditsvc.sql_dates import month_start, shanghai_day
from scoring import risk_features as rf

BAD_SEVERITIES = ("major", "serious")  # the target event (DESIGN.md §6)


@dataclass(frozen=True)
class RiskData:
    ids: np.ndarray  # merchant id of each row, sorted
    evidence: rf.RiskEvidence
    first_day: int | None  # the earliest inspection's date, as an ordinal


def _not_void(kind: str, id_column) -> ColumnElement[bool]:
    return ~exists().where(Void.evidence_kind == kind, Void.evidence_id == id_column)


def _ordinal(day: date | None) -> int:
    return rf.NO_DAY if day is None else day.toordinal()


def _ints(values) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64)


def _merchants() -> tuple[np.ndarray, rf.Merchants]:
    rows = db.session.execute(
        select(
            Merchant.id,
            Merchant.trade,
            Merchant.district_code,
            Merchant.market_id,
            Merchant.commitment_signed_on,
        ).order_by(Merchant.id)
    ).all()
    districts = sorted({r[2] for r in rows})
    markets = sorted({r[3] for r in rows if r[3] is not None})
    district_at = {code: i for i, code in enumerate(districts)}
    market_at = {market: i for i, market in enumerate(markets)}
    ids = _ints(r[0] for r in rows)
    return ids, rf.Merchants(
        trade=_ints(TRADES.index(r[1]) if r[1] in TRADES else TRADES.index("other") for r in rows),
        district=_ints(district_at[r[2]] for r in rows),
        market=_ints(market_at.get(r[3], -1) for r in rows),
        commitment_day=_ints(_ordinal(r[4]) for r in rows),
    )


def _inspections(ids: np.ndarray) -> rf.Inspections:
    any_finding = exists().where(Finding.inspection_id == Inspection.id)
    bad_finding = exists().where(
        Finding.inspection_id == Inspection.id, Finding.severity.in_(BAD_SEVERITIES)
    )
    rows = db.session.execute(
        select(Inspection.merchant_id, Inspection.inspected_on, ~any_finding, bad_finding).where(
            _not_void("inspection", Inspection.id)
        )
    ).all()
    return rf.Inspections(
        merchant=np.searchsorted(ids, _ints(r[0] for r in rows)),
        day=_ints(r[1].toordinal() for r in rows),
        clean=np.array([bool(r[2]) for r in rows], dtype=bool),
        bad=np.array([bool(r[3]) for r in rows], dtype=bool),
    )


def _findings(ids: np.ndarray) -> rf.Findings:
    severity = {name: i for i, name in enumerate(rf.SEVERITIES)}
    rows = db.session.execute(
        select(Inspection.merchant_id, Inspection.inspected_on, Finding.severity, Finding.code)
        .join(Inspection, Finding.inspection_id == Inspection.id)
        .where(_not_void("inspection", Inspection.id))
    ).all()
    return rf.Findings(
        merchant=np.searchsorted(ids, _ints(r[0] for r in rows)),
        day=_ints(r[1].toordinal() for r in rows),
        severity=_ints(severity[r[2]] for r in rows),
        group=_ints(rf.group_of(r[3]) for r in rows),
    )


def _complaints(ids: np.ndarray) -> rf.Complaints:
    rows = db.session.execute(
        select(
            Complaint.merchant_id, Complaint.received_on, Complaint.status, Complaint.decided_on
        ).where(_not_void("complaint", Complaint.id))
    ).all()
    # Substantiated from the day it was decided; an undated decision counts from receipt.
    decided = (
        _ordinal(r[3] or r[1]) if r[2] == ComplaintStatus.SUBSTANTIATED else rf.NO_DAY for r in rows
    )
    return rf.Complaints(
        merchant=np.searchsorted(ids, _ints(r[0] for r in rows)),
        received=_ints(r[1].toordinal() for r in rows),
        decided=_ints(decided),
    )


def _year_month(column) -> tuple:
    """Year and month of a moment on the bureau's clock, on either database: the rows'
    months must be the calendar months of the Shanghai day a row is built for, or a
    re-weigh made early on the 1st would count in the month before it (a leak)."""
    first = month_start(shanghai_day(column))
    return extract("year", first), extract("month", first)


def _reading_months(voided: bool) -> np.ndarray:
    """Per merchant and month: [merchant id, month_index, assessable, short], sorted."""
    year, month = _year_month(Reading.measured_at)
    stmt = select(
        Reading.merchant_id,
        year,
        month,
        func.count().filter(reading_model.assessable()),
        func.count().filter(Reading.verdict == "short"),
    )
    if voided:
        stmt = stmt.select_from(Void).join(
            Reading, and_(Void.evidence_kind == "reading", Void.evidence_id == Reading.id)
        )
    stmt = stmt.group_by(Reading.merchant_id, year, month)
    rows = np.array(db.session.execute(stmt).all(), dtype=np.int64).reshape(-1, 5)
    table = np.column_stack([rows[:, 0], rows[:, 1] * 12 + rows[:, 2] - 1, rows[:, 3:]])
    return table[np.lexsort((table[:, 1], table[:, 0]))]


def _readings(ids: np.ndarray) -> rf.Readings:
    table = _reading_months(voided=False)
    void = _reading_months(voided=True)
    if len(void):
        keys = table[:, 0] * 100_000 + table[:, 1]
        at = np.searchsorted(keys, void[:, 0] * 100_000 + void[:, 1])
        np.subtract.at(table[:, 2:], at, void[:, 2:])
    return rf.Readings(
        merchant=np.searchsorted(ids, table[:, 0]),
        month=table[:, 1],
        assessable=table[:, 2],
        short=table[:, 3],
    )


def load() -> RiskData:
    """Every merchant's evidence, rows in merchant id order."""
    ids, merchants = _merchants()
    inspections = _inspections(ids)
    evidence = rf.RiskEvidence(
        size=len(ids),
        trades=TRADES,
        merchants=merchants,
        inspections=inspections,
        findings=_findings(ids),
        complaints=_complaints(ids),
        readings=_readings(ids),
    )
    first = int(inspections.day.min()) if len(inspections.day) else None
    return RiskData(ids, evidence, first)
