"""Credit repair (信用修复): a merchant applies to end an exposure entry early; the
conditions of 行政处罚信息公示规定 第十四条 are checked (`scoring.repair`); an officer
decides; an approved repair takes the entry off publication at once, inside the 3
working days of 社会信用条例 第三十七条 (the due date is recorded)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import (
    EntryStatus,
    Finding,
    Inspection,
    Merchant,
    Notice,
    NoticeEntry,
    NoticeStatus,
    PenaltyDecision,
    RepairApplication,
    RepairStatus,
)
from creditsvc.principals import Principal
from creditsvc.services import audit, calendar, lifecycle, scope, signals
from creditsvc.services.accounts import notifications
from creditsvc.services.errors import Conflict, Forbidden, Invalid
from creditsvc.services.publication.eligibility import inspection_not_void
from scoring.repair import RepairFacts, assess

WITHDRAW_WORKING_DAYS = 3  # 社会信用条例 第三十七条
# Uncertain: SAMR's 市场监督管理信用修复管理办法 (2021) is read as 15 working days from
# acceptance to decision; the service uses it as the officers' deadline.
DECIDE_WORKING_DAYS = 15
# 第十四条: penalties in food, drugs and special equipment wait 1 year, others 6 months;
# of our trades only pharmacies and hospitals fall under drugs.
STRICT_TRADES = frozenset({"pharmacy_hospital"})


def _published_entry(p: Principal, entry_id: int) -> NoticeEntry:
    entry = db.session.get(NoticeEntry, entry_id)
    if (
        entry is None
        or entry.merchant_id != p.merchant_id
        or entry.notice.kind != "exposure"
        or entry.status != EntryStatus.ACTIVE
        or entry.notice.status != NoticeStatus.PUBLISHED
    ):
        raise Invalid(f"no exposure entry {entry_id} of yours in publication", "entry_id")
    return entry


def later_codes(entry: NoticeEntry) -> frozenset[str]:
    """Violation codes found at the merchant's inspections after the entry's decision."""
    decided = db.session.get(PenaltyDecision, entry.penalty_id).decided_on
    stmt = (
        select(Finding.code)
        .join(Inspection, Inspection.id == Finding.inspection_id)
        .where(
            Inspection.merchant_id == entry.merchant_id,
            Inspection.inspected_on > decided,
            inspection_not_void(),
        )
    )
    return frozenset(db.session.scalars(stmt))


def _check_entry(
    entry: NoticeEntry,
    obligations_fulfilled: bool,
    harm_remedied: bool,
    today: date,
    on_lists: bool | None = None,
) -> dict:
    merchant = db.session.get(Merchant, entry.merchant_id)
    facts = RepairFacts(
        published_on=entry.published_on or entry.notice.published_on,
        today=today,
        violation_codes=frozenset(v["code"] for v in entry.content.get("violations", [])),
        later_violation_codes=later_codes(entry),
        obligations_fulfilled=obligations_fulfilled,
        harm_remedied=harm_remedied,
        strict_domain=merchant.trade in STRICT_TRADES,
        on_restricted_lists=on_lists,
    )
    verdict = assess(facts)
    return {"eligible": verdict.eligible, "reasons": verdict.reasons, "as_of": today.isoformat()}


def check(application: RepairApplication, today: date, on_lists: bool | None = None) -> dict:
    return _check_entry(
        application.entry,
        application.obligations_fulfilled,
        application.harm_remedied,
        today,
        on_lists,
    )


# The conditions only the merchant's own statement or an officer can settle.
DECLARED = frozenset({"OBLIGATIONS", "HARM_REMEDIED", "NOT_LISTED"})


def repairable(p: Principal, today: date) -> list[dict]:
    """The caller's exposure entries in publication, each with the conditions of 第十四条
    checked as `file` checks them, taking the merchant's own declarations as given: what
    the facts on record already decide (the months of publication, a repeat), and whether
    an application awaits its decision."""
    stmt = (
        select(NoticeEntry)
        .join(Notice, Notice.id == NoticeEntry.notice_id)
        .where(
            NoticeEntry.merchant_id == p.merchant_id,
            Notice.kind == "exposure",
            Notice.status == NoticeStatus.PUBLISHED,
            NoticeEntry.status == EntryStatus.ACTIVE,
        )
        .order_by(NoticeEntry.id)
    )
    pending = set(
        db.session.scalars(
            select(RepairApplication.entry_id).where(
                RepairApplication.merchant_id == p.merchant_id,
                RepairApplication.status == RepairStatus.PENDING,
            )
        )
    )
    rows = []
    for entry in db.session.scalars(stmt):
        verdict = _check_entry(entry, True, True, today)
        facts = [r for r in verdict["reasons"] if r["code"] not in DECLARED]
        rows.append(
            {
                "entry": entry,
                "reasons": facts,
                "may_apply": all(r["ok"] for r in facts) and entry.id not in pending,
                "pending": entry.id in pending,
            }
        )
    return rows


def file(p: Principal, data: dict, today: date) -> RepairApplication:
    entry = _published_entry(p, data["entry_id"])
    pending = select(RepairApplication.id).where(
        RepairApplication.entry_id == entry.id, RepairApplication.status == RepairStatus.PENDING
    )
    if db.session.scalar(pending) is not None:
        raise Conflict("a repair application for this entry awaits its decision")
    application = RepairApplication(
        merchant_id=entry.merchant_id,
        district_code=entry.notice.district_code,
        entry=entry,
        statement=data["statement"],
        obligations_fulfilled=data["obligations_fulfilled"],
        harm_remedied=data["harm_remedied"],
        filed_by=p.name,
        filed_on=today,
        decision_due=calendar.deadline(today, DECIDE_WORKING_DAYS),
    )
    application.check = check(application, today)
    db.session.add(application)
    audit.record(p.name, "file", application)
    notifications.notify(
        notifications.district_officers(application.district_code),
        f"信用修复申请待处理（第{entry.notice.id}号通报）",
        f"须于{application.decision_due.isoformat()}前作出决定。",
        "repair",
        application.id,
    )
    return application


def decide(p: Principal, application: RepairApplication, data: dict, today: date):
    """Approve (every condition met, confirmed by the officer) or refuse with a reason."""
    if not scope.may_write_district(p, application.district_code):
        raise Forbidden("only an officer of the merchant's district may decide")
    lifecycle.require(application, RepairStatus.PENDING)
    entry = application.entry
    in_force = entry.status == EntryStatus.ACTIVE and entry.notice.status == NoticeStatus.PUBLISHED
    if data["approve"] and not in_force:
        raise Conflict(f"the entry is no longer published ({entry.status}); refuse instead")
    before = audit.state(application)
    application.obligations_fulfilled = data["obligations_fulfilled"]
    application.harm_remedied = data["harm_remedied"]
    application.check = check(application, today, data["on_restricted_lists"])
    if data["approve"] and not application.check["eligible"]:
        unmet = "；".join(r["text"] for r in application.check["reasons"] if r["ok"] is not True)
        raise Conflict(f"the conditions of 第十四条 are not met: {unmet}")
    lifecycle.move(application, RepairStatus.APPROVED if data["approve"] else RepairStatus.REFUSED)
    application.decided_by, application.decided_on = p.name, today
    application.decision_reason = data["reason"]
    if data["approve"]:
        application.withdraw_due = calendar.deadline(today, WITHDRAW_WORKING_DAYS)
        why = f"信用修复（第{application.id}号申请）：{data['reason']}"
        signals.repair_approved.send(application, principal=p, entries=[entry], reason=why)
        application.withdrawn_on = today
    audit.record(p.name, "decide", application, before=before, reason=data["reason"])
    outcome = "信用修复申请已通过，公示条目已撤下" if data["approve"] else "信用修复申请未通过"
    notifications.notify(
        notifications.merchant_users(application.merchant_id),
        f"信用修复结果（第{application.id}号申请）",
        f"{outcome}：{data['reason']}",
        "repair",
        application.id,
    )
    return application


def remind(today: date, actor: str = "scheduler") -> int:
    """Remind officers of repair applications due within one working day, once each."""
    return notifications.remind_due(
        RepairApplication, RepairStatus.PENDING, "repair", "信用修复申请", today, actor
    )
