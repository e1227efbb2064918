"""The figures of the officer console's dashboard (区局/市局 管理台), which span domains:
merchants by grade, the largest score drops, short-weight rates by market and the
complaints still open, each within the caller's scope and the district in view."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, exists, func, select, true
from sqlalchemy.orm import selectinload

from creditsvc.extensions import db
from creditsvc.models import (
    Complaint,
    CurrentScore,
    Device,
    Market,
    Merchant,
    Reading,
    ScoreSnapshot,
    Void,
)
from creditsvc.models import reading as reading_model
from creditsvc.principals import Principal
from creditsvc.services import scope

TREND_DAYS = 90
SHORT_RATE_DAYS = 30
WORST_TRENDING = 10
OPEN_COMPLAINTS = 50
OPEN_STATUSES = ("received", "verifying")


def _in_district(column, district: str | None) -> ColumnElement[bool]:
    return column == district if district else true()


def grade_counts(p: Principal, district: str | None) -> dict[str | None, int]:
    """Merchants by current grade; None counts those never scored or not rated."""
    in_view = (scope.merchants(p), _in_district(Merchant.district_code, district))
    stmt = (
        select(CurrentScore.grade, func.count())
        .join(Merchant, Merchant.id == CurrentScore.merchant_id)
        .where(CurrentScore.rated.is_(True), *in_view)
        .group_by(CurrentScore.grade)
    )
    counts: dict[str | None, int] = {g: n for g, n in db.session.execute(stmt) if g}
    everyone = db.session.scalar(select(func.count()).select_from(Merchant).where(*in_view))
    counts[None] = (everyone or 0) - sum(counts.values())
    return counts


def worst_trending(p: Principal, district: str | None, today: date) -> list[dict]:
    """The largest score drops since TREND_DAYS ago: the snapshot in force then (the last
    one written on or before that day) against the current score."""
    then = (
        select(
            ScoreSnapshot.merchant_id,
            ScoreSnapshot.score,
            ScoreSnapshot.grade,
            func.row_number()
            .over(
                partition_by=ScoreSnapshot.merchant_id,
                order_by=(ScoreSnapshot.as_of.desc(), ScoreSnapshot.id.desc()),
            )
            .label("rank"),
        )
        .join(Merchant, Merchant.id == ScoreSnapshot.merchant_id)
        .where(
            ScoreSnapshot.as_of <= today - timedelta(days=TREND_DAYS),
            ScoreSnapshot.rated.is_(True),
            scope.merchants(p),
            _in_district(Merchant.district_code, district),
        )
        .subquery()
    )
    drop = (then.c.score - CurrentScore.score).label("drop")
    stmt = (
        select(Merchant, CurrentScore, then.c.score, then.c.grade, drop)
        .join(CurrentScore, CurrentScore.merchant_id == Merchant.id)
        .join(then, then.c.merchant_id == Merchant.id)
        .where(then.c.rank == 1, CurrentScore.rated.is_(True), then.c.score > CurrentScore.score)
        .order_by(drop.desc(), Merchant.id)
        .limit(WORST_TRENDING)
    )
    return [
        {"merchant": m, "now": now, "score_then": score, "grade_then": grade, "drop": d}
        for m, now, score, grade, d in db.session.execute(stmt)
    ]


def short_rates(p: Principal, district: str | None, now: datetime) -> list[dict]:
    """Fair-scale re-weighs by market over SHORT_RATE_DAYS: the share found short among
    those that could be assessed (零售商品称重计量监督管理办法 第五条, 第六条)."""
    assessable = reading_model.assessable()
    stmt = (
        select(
            Market,
            func.count(),
            func.count().filter(assessable),
            func.count().filter(Reading.verdict == "short"),
        )
        .select_from(Reading)
        .join(Device, Device.id == Reading.device_id)
        .join(Market, Market.id == Device.market_id)
        .where(
            Reading.measured_at >= now - timedelta(days=SHORT_RATE_DAYS),
            scope.markets(p),
            _in_district(Market.district_code, district),
        )
        .group_by(Market)
    )
    rows = [
        {
            "market": m,
            "readings": total,
            "assessable": judged,
            "short": short,
            "rate": short / judged if judged else None,
        }
        for m, total, judged, short in db.session.execute(stmt)
    ]
    return sorted(rows, key=lambda r: (-(r["rate"] or 0), r["market"].name))


def stall_short_rates(p: Principal, market_id: int, now: datetime) -> dict[int, dict]:
    """A market's fair-scale re-weighs by stall over SHORT_RATE_DAYS, counted as
    `short_rates` counts them by market: {stall id: readings, assessable, short, rate}."""
    assessable = reading_model.assessable()
    stmt = (
        select(
            Reading.stall_id,
            func.count(),
            func.count().filter(assessable),
            func.count().filter(Reading.verdict == "short"),
        )
        .join(Device, Device.id == Reading.device_id)
        .join(Market, Market.id == Device.market_id)
        .where(
            Reading.measured_at >= now - timedelta(days=SHORT_RATE_DAYS),
            Reading.stall_id.is_not(None),
            Market.id == market_id,
            scope.markets(p),
        )
        .group_by(Reading.stall_id)
    )
    return {
        stall_id: {
            "readings": total,
            "assessable": judged,
            "short": short,
            "rate": short / judged if judged else None,
        }
        for stall_id, total, judged, short in db.session.execute(stmt)
    }


def open_complaints(p: Principal, district: str | None, today: date) -> tuple[list[dict], int]:
    """Complaints still received or being verified, oldest first, with their age in days."""
    voided = exists().where(Void.evidence_kind == "complaint", Void.evidence_id == Complaint.id)
    stmt = select(Complaint).where(
        Complaint.status.in_(OPEN_STATUSES),
        ~voided,
        scope.evidence(p, Complaint),
        _in_district(Complaint.district_code, district),
    )
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.options(selectinload(Complaint.merchant))
        .order_by(Complaint.received_on, Complaint.id)
        .limit(OPEN_COMPLAINTS)
    )
    return [{"complaint": c, "age": (today - c.received_on).days} for c in rows], total
