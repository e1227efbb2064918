"""The history of the demo city: inspections, complaints and fair-scale readings.

Every generator draws from the hidden honesty of each merchant (`plan.honesty_block`, never
stored), so a dishonest merchant is inspected and complained about more often, is found
at fault more often and more seriously, and weighs short more often: a risk model trained
on the demo city has a real signal to find, and the scorecard shows every grade.

Each stream yields (table, chunk) pairs, chunk by chunk, every chunk from its own seeded
generator; ids are explicit (from `Layout.first_ids`), so the same plan always yields the
same rows. `chunks(city)` chains the streams in insertion order (parents first).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, bindparam, text
from sqlalchemy.orm import Session

from creditsvc.demo import complaints, inspections, readings
from creditsvc.demo.logins import ACTOR as RECORDED_BY
from creditsvc.demo.plan import CityPlan
from creditsvc.demo.streams import Stream, Subjects, officers
from creditsvc.models import (
    Complaint,
    ComplaintTransition,
    DirtyMerchant,
    Finding,
    Inspection,
    NetContentLot,
    PenaltyDecision,
    Reading,
)

# Tables with explicitly numbered rows, parents first.
TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        Inspection,
        NetContentLot,
        Finding,
        PenaltyDecision,
        Complaint,
        ComplaintTransition,
        Reading,
    )
)


def chunks(city: CityPlan) -> Stream:
    """Every evidence table's rows, parents first."""
    subjects = Subjects.of(city)
    pools = officers(city)  # the same officers inspect and handle complaints
    yield from inspections.chunks(city, subjects, pools)
    yield from complaints.chunks(city, subjects, pools)
    yield from readings.chunks(city, subjects)


def mark_dirty(session: Session, at: datetime) -> int:
    """Put every merchant with evidence in the rescoring outbox, with one statement.

    Asked per merchant through the merchant_id indexes (EXISTS) rather than as a DISTINCT
    over every evidence row, which would sort a city's 20 million readings.
    """
    statement = text(
        "INSERT INTO dirty_merchants (merchant_id, marked_at, reason)"
        " SELECT id, :at, :reason FROM merchants AS m WHERE"
        " EXISTS (SELECT 1 FROM inspections AS e WHERE e.merchant_id = m.id)"
        " OR EXISTS (SELECT 1 FROM complaints AS e WHERE e.merchant_id = m.id)"
        " OR EXISTS (SELECT 1 FROM readings AS e WHERE e.merchant_id = m.id)"
    ).bindparams(bindparam("at", type_=DirtyMerchant.__table__.c.marked_at.type))
    return session.execute(statement, {"at": at, "reason": RECORDED_BY}).rowcount
