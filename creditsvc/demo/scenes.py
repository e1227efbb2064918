"""Work in progress in the demo city's 徐汇区, so every page has something to show (issue 19):
objections awaiting a decision, a penalty awaiting publication on the national credit
publicity system, a random inspection plan, and a community application under review.

The history (`creditsvc.demo.city`) is written in bulk; these few records are made through
the services, as the people of the demo would make them, on the day the demo is loaded.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from creditsvc import workdays
from creditsvc.demo.plan import XUHUI
from creditsvc.extensions import db
from creditsvc.models import (
    Community,
    CommunityStatus,
    Inspection,
    Merchant,
    Reading,
    Street,
    User,
)
from creditsvc.principals import Principal
from creditsvc.schemas.evidence import InspectionIn
from creditsvc.services import calendar
from creditsvc.services.appeals import objections
from creditsvc.services.evidence import inspections
from creditsvc.services.programme import communities
from creditsvc.services.registry import operations as registry
from creditsvc.services.risk import inspection_plans

COMMUNITY_UNITS = 12  # a community names its participating units; a draw takes 12


def _principal(username: str) -> Principal | None:
    user = db.session.scalar(select(User).where(User.username == username))
    return Principal(role=user.role, user=user) if user is not None else None


def stage(today: date) -> list[str]:
    """Make the demo's work in progress; a line for each thing made."""
    officer, merchant = _principal("xuhui"), _principal("merchant")
    if officer is None:
        return []
    lines = _objections(officer, merchant, today) if merchant is not None else []
    lines += _penalty(officer, today)
    lines += _plan(officer, today)
    lines += _community(officer, today)
    return lines


def _objections(officer: Principal, merchant: Principal, today: date) -> list[str]:
    """The demo merchant disputes its latest inspection (one of last week if its history
    has none) and one of its short readings."""
    made = []
    if _latest_inspection(merchant) is None:
        business = db.session.get(Merchant, merchant.merchant_id)
        data = InspectionIn().load(
            {
                "merchant": business.uscc,
                "inspected_on": (today - timedelta(days=6)).isoformat(),
                "kind": "routine",
                "officers": ["徐汇执法一", "徐汇执法二"],
                "findings": [{"code": "UNVERIFIED"}],
            }
        )
        inspections.record_inspection(officer, data)
        db.session.flush()
    latest = _latest_inspection(merchant)
    reading = db.session.scalar(
        select(Reading.id)
        .where(Reading.merchant_id == merchant.merchant_id, Reading.verdict == "short")
        .order_by(Reading.measured_at.desc())
        .limit(1)
    )
    for kind, subject, grounds in (
        ("inspection", latest, "检查当日电子秤刚经检定，现场称量记录与实际不符，请复核。"),
        ("reading", reading, "该笔复称时顾客所购商品连同塑料袋一并称量，并非短秤。"),
    ):
        if subject is None:
            continue
        objections.file(merchant, {"kind": kind, "id": subject, "grounds": grounds}, today)
        made.append(f"  an objection to {kind} {subject}, awaiting the district's decision")
    return made


def _latest_inspection(merchant: Principal) -> int | None:
    return db.session.scalar(
        select(Inspection.id)
        .where(Inspection.merchant_id == merchant.merchant_id)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        .limit(1)
    )


def _penalty(officer: Principal, today: date) -> list[str]:
    """An ordinary-procedure penalty decided this week: it waits on the register for
    publication on the national system within 20 working days (总局令第45号)."""
    target = db.session.scalar(
        select(Merchant)
        .where(Merchant.district_code == XUHUI, Merchant.market_id.is_(None))
        .order_by(Merchant.id.desc())
        .limit(1)
    )
    if target is None:
        return []
    decided = _working_day_before(today, 2)
    number = f"沪市监徐处〔{decided.year}〕{9000 + target.id % 1000}号"
    data = InspectionIn().load(
        {
            "merchant": target.uscc,
            "inspected_on": (decided - timedelta(days=7)).isoformat(),
            "kind": "routine",
            "officers": ["徐汇执法一", "徐汇执法二"],
            "findings": [{"code": "SHORT_RETAIL", "severity": "major"}],
            "penalty": {
                "decision_number": number,
                "decided_on": decided.isoformat(),
                "procedure": "ordinary",
                "fine_yuan": "5000",
            },
        }
    )
    inspections.record_inspection(officer, data)
    return [f"  a penalty decision {number} awaiting publication on the national system"]


def _working_day_before(today: date, days: int) -> date:
    known = calendar.known(today - timedelta(days=30), today)
    day = today
    while days:
        day -= timedelta(days=1)
        if workdays.is_working_day(day, known):
            days -= 1
    return day


def _plan(officer: Principal, today: date) -> list[str]:
    """This month's random inspection plan (双随机) for the district."""
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    plan = inspection_plans.create_plan(
        officer, {"district": XUHUI, "period_start": start, "period_end": end}
    )
    return [f"  a random inspection plan of {len(plan.items)} businesses for {start:%Y-%m}"]


def _community(officer: Principal, today: date) -> list[str]:
    """A street's application with its units named, waiting for the district's review: an
    application of the history if 徐汇区 has one, else a new one."""
    community = db.session.scalar(
        select(Community)
        .join(Street, Street.id == Community.street_id)
        .where(Street.district_code == XUHUI, Community.status == CommunityStatus.APPLYING)
        .order_by(Community.id)
        .limit(1)
    )
    if community is None:
        street = db.session.scalar(
            select(Street).where(Street.district_code == XUHUI).order_by(Street.id).limit(1)
        )
        if street is None:
            return []
        data = {
            "street_id": street.id,
            "name": f"{street.name}诚信计量示范社区",
            "applied_on": today,
        }
        community = registry.create_community(officer, data)
        db.session.flush()
    units = db.session.scalars(
        select(Merchant.uscc)
        .where(Merchant.district_code == XUHUI)
        .order_by(Merchant.street_id != community.street_id, Merchant.id)
        .limit(COMMUNITY_UNITS)
    ).all()
    communities.set_units(officer, community, list(units))
    return [f"  {community.name}: an application with {len(units)} units, awaiting review"]
