"""Load the evidence of many merchants as the columnar arrays `scoring.scorecard` takes.

A handful of set-based queries, whatever the number of merchants: voided records are
left out in SQL, and fair-scale re-weighs are summed from their daily tallies
(`ReadingDay`, kept at ingest: the readings table itself is never read), per merchant for
a batch or per day for a single merchant.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np
from sqlalchemy import ColumnElement, Integer, Select, exists, func, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from creditsvc.extensions import db
from creditsvc.models import Complaint, ComplaintStatus, Finding, Inspection, ReadingDay, Void
from scoring import scorecard
from scoring.policy import SEVERITIES, Policy


def _not_void(kind: str, id_column) -> ColumnElement[bool]:
    return ~exists().where(Void.evidence_kind == kind, Void.evidence_id == id_column)


def _index(merchant_ids: np.ndarray, column: np.ndarray) -> np.ndarray:
    """Map merchant ids to their row in the batch (ids are sorted and unique)."""
    return np.searchsorted(merchant_ids, column).astype(np.int64)


class day_number(FunctionElement):  # noqa: N801 - used as a SQL function
    """A date column as `date.toordinal()` numbers it, computed by the database: the
    scorecard counts in days, and a Python date per row costs more than the query."""

    type = Integer()
    inherit_cache = True


@compiles(day_number, "postgresql")
def _day_number_postgresql(element, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '0001-01-01' + 1)"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw) -> str:
    # julianday('0001-01-01') is 1721425.5, the day numbered 1.
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 1721424.5 AS INTEGER)"


def _in_batch(merchant: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Which rows belong to merchants of the batch. Each statement re-reads the selection,
    and on PostgreSQL (READ COMMITTED) a merchant registered meanwhile would appear in a
    later one: its evidence must not land on a neighbour's row."""
    return np.isin(merchant, ids)


def int_table(rows: list, width: int) -> np.ndarray:
    """Rows of integers as a (len, width) array. numpy probes a Row for array interfaces
    attribute by attribute, which costs seconds on 100,000 rows; a flat iterator does not."""
    flat = itertools.chain.from_iterable(rows)
    return np.fromiter(flat, dtype=np.int64, count=len(rows) * width).reshape(-1, width)


def _inspections(where, since: date, until: date, ids: np.ndarray):
    """The inspections in the window and their findings, from one query: a row per
    finding, and one row without a finding for an inspection that found nothing."""
    rows = (
        db.session.connection()
        .execute(
            select(
                Inspection.merchant_id,
                day_number(Inspection.inspected_on),
                Inspection.id,
                Finding.lot_id.is_not(None),
                Finding.severity,
                Finding.code,
            )
            .outerjoin(Finding, Finding.inspection_id == Inspection.id)
            .where(where(Inspection.merchant_id), Inspection.inspected_on.between(since, until))
            .where(_not_void("inspection", Inspection.id))
        )
        .all()
    )
    columns = list(zip(*rows, strict=True)) or [()] * 6  # one tuple per column
    merchant, day, inspection, lot = (np.array(c, dtype=np.int64) for c in columns[:4])
    severity_of = {name: i for i, name in enumerate(SEVERITIES)}
    severity = np.array([severity_of.get(s, -1) for s in columns[4]], dtype=np.int64)
    code = np.array(columns[5], dtype=object)
    keep = _in_batch(merchant, ids)
    found = keep & (severity >= 0)
    findings = scorecard.Findings(
        _index(ids, merchant[found]),
        day[found],
        severity[found],
        lot[found].astype(bool),
        code[found],
        inspection[found],
    )
    # One entry per inspection: clean when its only row carries no finding.
    _, first = np.unique(np.where(keep, inspection, -1), return_index=True)
    first = first[keep[first]]
    inspections = scorecard.Inspections(
        _index(ids, merchant[first]), day[first], severity[first] < 0, inspection[first]
    )
    return findings, inspections


def _complaints(where, since: date, until: date, ids: np.ndarray) -> scorecard.Complaints:
    rows = (
        db.session.connection()
        .execute(
            select(Complaint.merchant_id, day_number(Complaint.received_on), Complaint.id)
            .where(where(Complaint.merchant_id), Complaint.status == ComplaintStatus.SUBSTANTIATED)
            .where(Complaint.received_on.between(since, until))
            .where(_not_void("complaint", Complaint.id))
        )
        .all()
    )
    table = int_table(rows, 3)
    table = table[_in_batch(table[:, 0], ids)]
    return scorecard.Complaints(_index(ids, table[:, 0]), table[:, 1], table[:, 2])


def _sums(condition):
    return tuple(
        func.coalesce(func.sum(column).filter(condition), 0)
        for column in (ReadingDay.readings, ReadingDay.assessable, ReadingDay.short)
    )


def reweigh_windows(policy: Policy) -> tuple[int, int]:
    """The shorter and the longer of the rated and fair-scale windows, in days."""
    windows = sorted(
        (
            int(policy.number("rated", "reweigh_days")),
            int(policy.number("fair_scale", "window_days")),
        )
    )
    return windows[0], windows[1]


def reweigh_counts(where, as_of: date, policy: Policy) -> np.ndarray:
    """Per merchant with readings: its id, then total, assessable and short re-weighs
    younger than the shorter window, then the same between the two windows.

    Summed from the daily tallies (`ReadingDay`, voided readings already taken out), never
    from the readings. The windows always ran from a Shanghai midnight to the end of
    `as_of`, so whole days of the tallies hold exactly the readings they held.
    """
    shorter, longer = reweigh_windows(policy)
    inner = as_of + timedelta(days=1 - shorter)
    outer = as_of + timedelta(days=1 - longer)
    recent = _sums(ReadingDay.day >= inner) if inner > outer else _sums(true())
    older = _sums(ReadingDay.day < inner) if inner > outer else ()
    stmt = (
        select(ReadingDay.merchant_id, *recent, *older)
        .where(where(ReadingDay.merchant_id), ReadingDay.day.between(outer, as_of))
        .group_by(ReadingDay.merchant_id)
        .order_by(ReadingDay.merchant_id)
    )
    # Core, not the ORM: plain rows, without the ORM's per-row loading.
    rows = db.session.connection().execute(stmt).all()
    if inner > outer:
        return int_table(rows, 7)
    return np.pad(int_table(rows, 4), ((0, 0), (0, 3)))


def reweighs_from_counts(
    table: np.ndarray, as_of: date, policy: Policy, ids: np.ndarray
) -> scorecard.Reweighs:
    """Two rows per merchant from `reweigh_counts` rows: the recent counts dated today,
    the older ones dated at the shorter window, so the scorecard's own window test puts
    each where it belongs (rated and fair-scale windows may differ)."""
    table = table[_in_batch(table[:, 0], ids)]
    merchant = _index(ids, table[:, 0])
    counts = table[:, 1:]
    days = [as_of.toordinal(), as_of.toordinal() - reweigh_windows(policy)[0]]
    return scorecard.Reweighs(
        np.concatenate([merchant, merchant]),
        np.repeat(np.array(days, dtype=np.int64), len(table)),
        np.concatenate([counts[:, 0], counts[:, 3]]),
        np.concatenate([counts[:, 1], counts[:, 4]]),
        np.concatenate([counts[:, 2], counts[:, 5]]),
    )


def reweighs_per_day(merchant_id: int, as_of: date, policy: Policy) -> scorecard.Reweighs:
    """One merchant's re-weighs counted per day: lets its future be scored day by day."""
    window = max(policy.number("rated", "reweigh_days"), policy.number("fair_scale", "window_days"))
    rows = (
        db.session.connection()
        .execute(
            select(
                day_number(ReadingDay.day),
                ReadingDay.readings,
                ReadingDay.assessable,
                ReadingDay.short,
            )
            .where(ReadingDay.merchant_id == merchant_id, ReadingDay.readings > 0)
            .where(ReadingDay.day.between(as_of - timedelta(days=int(window)), as_of))
            .order_by(ReadingDay.day)
        )
        .all()
    )
    table = int_table(rows, 4)
    return scorecard.Reweighs(
        np.zeros(len(table), dtype=np.int64),
        table[:, 0],
        table[:, 1],
        table[:, 2],
        table[:, 3],
    )


def load(
    selection: Select,
    as_of: date,
    policy: Policy,
    *,
    per_day: bool = False,
    tallied: np.ndarray | None = None,
):
    """The Evidence of the merchants `selection` (a SELECT of merchant ids) picks, as of a
    date; rows follow the sorted ids. Each query filters by the selection in SQL.

    `tallied` gives the merchants' re-weigh counts already counted (`reweigh_counts`
    rows, as a full rescore's tally holds them) instead of counting them here."""
    merchants = db.session.connection().execute(selection).scalars().all()
    ids = np.array(sorted(merchants), dtype=np.int64)
    since = as_of - timedelta(days=int(policy.number("decay", "max_age_days")))

    def where(column):
        return column.in_(selection)

    if per_day:
        if len(ids) != 1:
            raise ValueError("per-day re-weigh counts are for one merchant")
        reweighs = reweighs_per_day(int(ids[0]), as_of, policy)
    else:
        counts = reweigh_counts(where, as_of, policy) if tallied is None else tallied
        reweighs = reweighs_from_counts(counts, as_of, policy, ids)
    findings, inspections = _inspections(where, since, as_of, ids)
    evidence = scorecard.Evidence(
        size=len(ids),
        findings=findings,
        inspections=inspections,
        complaints=_complaints(where, since, as_of, ids),
        reweighs=reweighs,
    )
    return ids, evidence
