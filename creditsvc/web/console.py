"""The officer console (区局/市局 管理台): the district dashboard.

The console's other pages live in `console_*.py` modules on the same blueprint: evidence
forms, spreadsheet imports, the notice workflow and the audit log.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, func, select, true
from sqlalchemy.orm import selectinload

from creditsvc import auth
from creditsvc.auth import allow
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
from creditsvc.models.base import utcnow
from creditsvc.principals import OFFICERS
from creditsvc.services import scope
from creditsvc.services.standing import policies

# The routes of these modules register on the console blueprint when imported here.
from creditsvc.web import (  # noqa: F401
    console_audit,
    console_evidence,
    console_imports,
    console_merchants,
    console_notices,
)
from creditsvc.web.charts import Bar, column_chart, row_chart
from creditsvc.web.console_common import bp, district_in_view
from creditsvc.web.labels import COMPLAINT_STATUS_LABELS, grade_label

TREND_DAYS = 90
SHORT_RATE_DAYS = 30
WORST_TRENDING = 10
OPEN_COMPLAINTS = 50
OPEN_STATUSES = ("received", "verifying")


def _in_district(column, district: str | None) -> ColumnElement[bool]:
    return column == district if district else true()


def grade_distribution(district: str | None) -> list[dict]:
    """Merchants by current grade; a merchant never scored or not rated is unrated."""
    p = auth.current()
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
    policy = policies.current()
    return [
        {"grade": g, "label": grade_label(policy, g), "count": counts.get(g, 0)}
        for g in (*(row["grade"] for row in policy.grades), None)
    ]


def worst_trending(district: str | None, today: date) -> list[dict]:
    """The largest score drops since TREND_DAYS ago: the snapshot in force then (the last
    one written on or before that day) against the current score."""
    p = auth.current()
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


def short_rates(district: str | None, now: datetime) -> list[dict]:
    """Fair-scale re-weighs by market over SHORT_RATE_DAYS: the share found short among
    those that could be assessed (零售商品称重计量监督管理办法 第五条, 第六条)."""
    p = auth.current()
    assessable = Reading.verdict != "not_assessable"
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
        {"market": m, "readings": total, "assessable": judged, "short": short,
         "rate": short / judged if judged else None}
        for m, total, judged, short in db.session.execute(stmt)
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-(r["rate"] or 0), r["market"].name))


def open_complaints(district: str | None, today: date) -> tuple[list[dict], int]:
    """Complaints still received or being verified, oldest first, with their age in days."""
    p = auth.current()
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


def grade_chart(grades: list[dict]):
    bars = [
        Bar(g["grade"] or g["label"], g["count"], str(g["count"]),
            f"grade-{g['grade'] or 'none'}")
        for g in grades
    ]  # fmt: skip
    return column_chart(bars, _("Merchants by grade"))


def short_rate_chart(markets: list[dict]):
    bars = [
        Bar(m["market"].name, m["rate"] or 0, f"{(m['rate'] or 0):.1%}", "short")
        for m in markets
        if m["rate"] is not None
    ]
    return row_chart(bars, _("Short-weight rate of fair-scale re-weighs by market"))


@bp.get("/")
@allow(*OFFICERS)
def dashboard():
    district = district_in_view()
    today, now = date.today(), utcnow()
    complaints, complaints_total = open_complaints(district, today)
    grades, markets = grade_distribution(district), short_rates(district, now)
    return render_template(
        "console/dashboard.html",
        district=district,
        grades=grades,
        grade_chart=grade_chart(grades),
        short_rate_chart=short_rate_chart(markets),
        trending=worst_trending(district, today),
        trend_days=TREND_DAYS,
        markets=markets,
        short_days=SHORT_RATE_DAYS,
        complaints=complaints,
        complaints_total=complaints_total,
        statuses=COMPLAINT_STATUS_LABELS,
    )
