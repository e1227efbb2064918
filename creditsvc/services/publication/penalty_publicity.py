"""Penalty decisions owed to the national enterprise credit publicity system.

《市场监督管理行政处罚信息公示规定》(总局令第45号) 第二、四条: penalty information decided
under the ordinary procedure is published within 20 working days of the decision; a
warning alone is not (rules.md §4). Officers publish there by hand and record it here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache

from sqlalchemy import Select, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    District,
    Inspection,
    Merchant,
    PenaltyDecision,
    PenaltyPublication,
    PenaltyPublicationStatus,
)
from creditsvc.models.lifecycle import codes
from creditsvc.principals import Principal
from creditsvc.services import audit, calendar, scope
from creditsvc.services.errors import Conflict, Invalid, NotFound
from creditsvc.services.publication.eligibility import (
    penalty_publishable,
    penalty_summary,
    violation_facts,
)
from creditsvc.services.publication.notices import bureau_name
from creditsvc.spreadsheets import write_csv

PUBLICATION_WORKING_DAYS = 20
STATUSES = codes(PenaltyPublicationStatus)


def owed() -> Select:
    """The decisions that may be published (eligibility.penalty_publishable)."""
    return (
        select(PenaltyDecision, PenaltyPublication, District)
        .join(Inspection, Inspection.id == PenaltyDecision.inspection_id)
        .join(District, District.code == Inspection.district_code)
        .join(Merchant, Merchant.id == Inspection.merchant_id)
        .outerjoin(PenaltyPublication, PenaltyPublication.penalty_id == PenaltyDecision.id)
        .where(penalty_publishable())
    )


def _row(
    penalty: PenaltyDecision,
    published: PenaltyPublication | None,
    district: District,
    due: Callable[[date], date],
    today: date,
) -> dict:
    inspection = penalty.inspection
    merchant = inspection.merchant
    deadline: date | None = None
    left: int | None = None
    missing: str | None = None
    try:
        deadline = due(penalty.decided_on)
        left = None if published else calendar.working_days_left(today, deadline)
    except calendar.CalendarYearMissing as exc:  # said so, never counted Monday–Friday
        missing = exc.message
    if published:
        status = PenaltyPublicationStatus.PUBLISHED
    elif left is None:
        status = PenaltyPublicationStatus.PENDING
    else:
        status = PenaltyPublicationStatus.OVERDUE if left < 0 else PenaltyPublicationStatus.PENDING
    return {
        "penalty_id": penalty.id,
        "decision_number": penalty.decision_number,
        "party_name": merchant.name,
        "party_uscc": merchant.uscc,
        "violation": violation_facts([f.code for f in inspection.findings])["violation_name"],
        "penalty": penalty_summary(penalty),
        "authority": bureau_name(district),
        "district": inspection.district_code,
        "decided_on": penalty.decided_on,
        "deadline": deadline,
        "working_days_left": left,
        "calendar": missing,
        "status": status,
        "published_on": published.published_on if published else None,
        "published_by": published.recorded_by if published else None,
        "reference": published.reference if published else None,
    }


def listing(p: Principal, args: dict, today: date | None = None) -> list[dict]:
    """Every decision the caller may see, oldest deadline first, with its status today."""
    stmt = owed().where(scope.evidence(p, Inspection))
    if args.get("district"):
        stmt = stmt.where(Inspection.district_code == args["district"])
    if args.get("penalty_id"):
        stmt = stmt.where(PenaltyDecision.id == args["penalty_id"])
    if args.get("status") == PenaltyPublicationStatus.PUBLISHED:
        stmt = stmt.where(PenaltyPublication.penalty_id.is_not(None))
    elif args.get("status"):
        stmt = stmt.where(PenaltyPublication.penalty_id.is_(None))
    # Many decisions share a day: count the working days once per day.
    due = cache(lambda day: calendar.deadline(day, PUBLICATION_WORKING_DAYS))
    stmt = stmt.order_by(PenaltyDecision.decided_on, PenaltyDecision.id)
    today = today or clock.today()
    rows = [_row(*found, due, today) for found in db.session.execute(stmt)]
    return [r for r in rows if args.get("status") in (None, r["status"])]


def listing_page(p: Principal, args: dict) -> dict:
    """One page of `listing` (the API's list and the console's register)."""
    rows = listing(p, args)
    per_page, page = args["per_page"], args["page"]
    return {
        "items": rows[(page - 1) * per_page : page * per_page],
        "page": page,
        "per_page": per_page,
        "total": len(rows),
        "pages": -(-len(rows) // per_page),
    }


def one(p: Principal, penalty_id: int) -> dict:
    """One decision owed publication that the caller may see, or NotFound."""
    rows = listing(p, {"penalty_id": penalty_id})
    if not rows:
        raise NotFound(f"no penalty decision {penalty_id} owed publication in your district")
    return rows[0]


# The CSV for the national credit publicity system: (key, header). No contact data: the
# party is a business.
CSV_COLUMNS = (
    ("decision_number", "行政处罚决定书文号"),
    ("party_name", "当事人名称"),
    ("party_uscc", "统一社会信用代码"),
    ("violation", "违法行为类型"),
    ("penalty", "处罚内容"),
    ("authority", "处罚机关"),
    ("decided_on", "处罚决定日期"),
    ("deadline", "公示期限"),
    ("working_days_left", "剩余工作日"),
    ("status", "公示状态"),
    ("published_on", "公示日期"),
    ("calendar", "期限无法计算的原因"),  # a year without a loaded holiday calendar
)
CSV_NAME = "penalty-publications.csv"


def _cell(value) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, date) else str(value)


def as_csv(rows: list[dict]) -> bytes:
    """The rows as CSV, UTF-8 with a BOM and no live formulas (spreadsheets.write_csv)."""
    return write_csv(
        [header for _, header in CSV_COLUMNS],
        [[_cell(row[key]) for key, _ in CSV_COLUMNS] for row in rows],
    )


def record_published(p: Principal, penalty_id: int, data: dict) -> PenaltyPublication:
    """Record that an officer published the decision on the national system."""
    found = db.session.execute(
        owed().where(PenaltyDecision.id == penalty_id, scope.evidence(p, Inspection))
    ).first()
    if found is None:
        raise NotFound(f"no penalty decision {penalty_id} owed publication in your district")
    penalty, published, _ = found
    if published is not None:
        raise Conflict(f"recorded as published on {published.published_on.isoformat()} already")
    if data["published_on"] < penalty.decided_on:
        raise Invalid("cannot be published before the decision", "published_on")
    publication = PenaltyPublication(
        penalty_id=penalty.id,
        published_on=data["published_on"],
        reference=data.get("reference", ""),
        recorded_by=p.name,
    )
    db.session.add(publication)
    district = penalty.inspection.district_code
    audit.record(p.name, "publish", publication, district_code=district)
    return publication
