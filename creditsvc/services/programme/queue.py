"""The officers' queue: every programme request awaiting a decision, with its deadline
in working days, in the officer's district (the city officer: all districts)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from creditsvc import vocabulary
from creditsvc.extensions import db
from creditsvc.models import (
    Community,
    CommunityDraw,
    CommunityStatus,
    DemonstrationUnit,
    MerchantReply,
    Notice,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PenaltyPublicationStatus,
    RepairApplication,
    RepairStatus,
    ReplyStatus,
    Street,
    UnitStatus,
)
from creditsvc.models.geography import DESIGNATED_COMMUNITY
from creditsvc.principals import CITY, Principal
from creditsvc.services import calendar
from creditsvc.services.appeals import objections
from creditsvc.services.instruments import queries as instrument_queries
from creditsvc.services.publication import notices, penalty_publicity, withdrawal

# A demonstration unit awaiting a decision: the step its status asks for.
STEPS = {UnitStatus.PENDING: "assess", UnitStatus.SUSPENDED: "revoke_or_reinstate"}


def _item(kind: str, obj_id: int, district: str, title: str, step: str, due, today: date):
    try:
        left = calendar.working_days_left(today, due) if due else None
    except calendar.CalendarYearMissing:  # the console's banner names the year
        left = None
    return {
        "kind": kind,
        "id": obj_id,
        "district": district,
        "title": title,
        "step": step,
        "due_on": due,
        "working_days_left": left,
        "overdue": left is not None and due < today,
    }


def _requests(p: Principal, today: date) -> list[dict]:
    items = []
    for o in db.session.scalars(
        select(Objection).where(Objection.status == ObjectionStatus.DISPUTED, objections.scoped(p))
    ):
        # The record in the bureau's words (一批公平秤复称记录 3), as every title here is Chinese.
        subject = vocabulary.chinese(vocabulary.EVIDENCE_KIND_WORDS, o.subject_kind)
        title = f"{o.merchant.name}：{subject} {o.subject_id}"
        items.append(
            _item("objection", o.id, o.district_code, title, "decide", o.decision_due, today)
        )
    for r in db.session.scalars(
        select(RepairApplication).where(
            RepairApplication.status == RepairStatus.PENDING,
            objections.scoped(p, RepairApplication),
        )
    ):
        items.append(
            _item("repair", r.id, r.district_code, r.merchant.name, "decide", r.decision_due, today)
        )
    for m in db.session.scalars(
        select(MerchantReply).where(
            MerchantReply.status == ReplyStatus.PENDING, objections.scoped(p, MerchantReply)
        )
    ):
        items.append(
            _item("reply", m.id, m.district_code, m.merchant.name, "moderate", None, today)
        )
    return items


def _units(p: Principal, today: date) -> list[dict]:
    stmt = select(DemonstrationUnit).where(
        DemonstrationUnit.status.in_(STEPS),
        objections.scoped(p, DemonstrationUnit),
    )
    return [
        _item(
            "demonstration_unit",
            u.id,
            u.district_code,
            u.merchant.name,
            STEPS[u.status],
            None,
            today,
        )
        for u in db.session.scalars(stmt)
    ]


def _communities(p: Principal, today: date) -> list[dict]:
    stmt = select(Community).join(Street, Street.id == Community.street_id)
    if p.role != CITY:
        stmt = stmt.where(Street.district_code == p.district_code)
    items = []
    for c in db.session.scalars(stmt.order_by(Community.id)):
        drawn = db.session.scalar(
            select(CommunityDraw.id).where(
                CommunityDraw.community_id == c.id, CommunityDraw.passed.is_(None)
            )
        )
        if c.status == CommunityStatus.APPLYING:
            step, due = "review", None
        elif c.status == CommunityStatus.REVIEWED or drawn:
            step, due = ("decide" if drawn else "draw"), None
        elif c.status in DESIGNATED_COMMUNITY and c.reminded_for is not None:
            step, due = "re_evaluate", c.re_evaluation_due
        else:
            continue
        items.append(_item("community", c.id, c.district_code, c.name, step, due, today))
    return items


def _withdrawals(p: Principal, today: date) -> list[dict]:
    """Notices in force that still print an entry taken off (a revoked or changed penalty,
    an upheld objection, a repair): due 3 working days after (rules.md §4) until their
    corrected version is published."""
    items = []
    for notice in withdrawal.still_printed():
        if p.role != CITY and notice.district_code != p.district_code:
            continue
        due = withdrawal.pending(notice, today)
        version = notices.open_correction(notice)
        step = "fix_render" if version and version.render_error else "publish_correction"
        items.append(
            _item(
                "withdrawal",
                notice.id,
                notice.district_code,
                notice.title,
                step,
                due["date"],
                today,
            )
        )
    return items


def _penalty_publications(p: Principal, today: date) -> list[dict]:
    """Ordinary-procedure penalty decisions not yet recorded as published on the national
    credit publicity system: due 20 working days after the decision (行政处罚信息公示规定
    第四条, rules.md §4)."""
    waiting = (PenaltyPublicationStatus.OVERDUE, PenaltyPublicationStatus.PENDING)
    return [
        _item(
            "penalty_publication",
            row["penalty_id"],
            row["district"],
            f"{row['party_name']}：{row['decision_number']}",
            "publish_nationally",
            row["deadline"],
            today,
        )
        for status in waiting
        for row in penalty_publicity.listing(p, {"status": status}, today)
    ]


def _notices(p: Principal, today: date) -> list[dict]:
    """Notices drafted or approved, not yet published. A draft is approved by another
    officer than its drafter (four eyes, DESIGN.md §7): to its drafter the step is
    `await_approval`. A correction that only takes entries off is the withdrawal's item."""
    stmt = select(Notice).where(
        Notice.status.in_((NoticeStatus.DRAFT, NoticeStatus.APPROVED)), notices.scoped(p)
    )
    items = []
    for n in db.session.scalars(stmt.order_by(Notice.id)):
        if n.supersedes is not None and withdrawal.pending(n.supersedes, today):
            continue
        if n.status == NoticeStatus.APPROVED:
            step = "publish"
        else:
            step = "approve" if notices.may_approve(p, n) is None else "await_approval"
        items.append(_item("notice", n.id, n.district_code, n.title, step, None, today))
    return items


# Items the console's to-do list shows but GET /api/v1/queue leaves out, so the API answers
# as it did (DESIGN.md §9); the API lists them at /penalty-publications and /notices.
CONSOLE_ONLY = frozenset({"penalty_publication", "notice"})


def _instruments(p: Principal, today: date) -> list[dict]:
    """Instruments past their verification due date (强制检定, issue 20): to be verified
    or taken out of use."""
    return [
        _item(
            "instrument",
            i.id,
            i.district_code,
            f"{instrument_queries.holder_name(i)}：{i.serial}",
            "verify",
            i.verification_due,
            today,
        )
        for i in instrument_queries.overdue_in(p, today)
    ]


def _alerts(p: Principal, today: date) -> list[dict]:
    """Open fair-scale alerts: a surprise check (定向抽查) is to decide (issue 20)."""
    return [
        _item("fair_scale_alert", a.id, a.district_code, a.merchant.name, "inspect", None, today)
        for a in instrument_queries.open_alerts(p)
    ]


def queue(p: Principal, today: date) -> list[dict]:
    """Deadlines first (soonest at the top), then the rest by kind and id."""
    items = _requests(p, today) + _units(p, today) + _communities(p, today)
    items += _withdrawals(p, today)
    items += _penalty_publications(p, today) + _notices(p, today)
    items += _instruments(p, today) + _alerts(p, today)
    return sorted(
        items, key=lambda i: (i["due_on"] is None, i["due_on"] or today, i["kind"], i["id"])
    )
