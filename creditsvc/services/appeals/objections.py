"""Objections (异议) to a piece of evidence or a published entry.

Shanghai 《社会信用条例》第三十六条: the record is marked disputed within 1 working day and
the objection decided within 5 working days. The mark is made at once, on filing; both
deadlines are recorded, and officers are reminded before the decision falls due. Upheld:
the evidence is voided (corrections), the merchant rescored and any published entry
resting on it withdrawn. Rejected: the reason is shown to the merchant.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Exists, exists, false, select, true

from creditsvc.extensions import db
from creditsvc.models import (
    Complaint,
    EntryStatus,
    Inspection,
    Merchant,
    Notice,
    NoticeEntry,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PenaltyDecision,
    Reading,
    Void,
)
from creditsvc.principals import CITY, DISTRICT, MERCHANT, Principal
from creditsvc.services import audit, calendar, lifecycle, scope, signals
from creditsvc.services.accounts import notifications
from creditsvc.services.errors import Conflict, Forbidden, Invalid
from creditsvc.services.evidence import corrections
from creditsvc.workdays import SHANGHAI

MARK_WORKING_DAYS, DECIDE_WORKING_DAYS = 1, 5  # 社会信用条例 第三十六条
EVIDENCE = {"inspection": Inspection, "complaint": Complaint, "reading": Reading}


def scoped(p: Principal, model=Objection) -> ColumnElement[bool]:
    """Officers see their district's requests, the city all, a merchant its own."""
    if p.role == CITY:
        return true()
    if p.role == DISTRICT:
        return model.district_code == p.district_code
    if p.role == MERCHANT and p.merchant_id is not None:
        return model.merchant_id == p.merchant_id
    return false()


def _subject_owner(kind: str, subject_id: int) -> int | None:
    """The merchant a disputable record is about, or None if there is no such record
    (or, for an entry, it is not in publication)."""
    if kind in EVIDENCE or kind == "reading_batch":
        record = db.session.get(EVIDENCE.get(kind, Reading), subject_id)
        return record.merchant_id if record else None
    entry = db.session.get(NoticeEntry, subject_id)
    if (
        entry is None
        or entry.status != EntryStatus.ACTIVE
        or entry.notice.status != NoticeStatus.PUBLISHED
    ):
        return None
    return entry.merchant_id


def is_void(kind: str, subject_id: int) -> bool:
    stmt = select(Void.id).where(Void.evidence_kind == kind, Void.evidence_id == subject_id)
    return kind in EVIDENCE and db.session.scalar(stmt) is not None


def open_on(kind: str, subject_id: int) -> Objection | None:
    stmt = select(Objection).where(
        Objection.subject_kind == kind,
        Objection.subject_id == subject_id,
        Objection.status == ObjectionStatus.DISPUTED,
    )
    return db.session.scalar(stmt)


def file(p: Principal, data: dict, today: date) -> Objection:
    """A merchant disputes one of its own records; marked disputed at once."""
    kind, subject_id = data["kind"], data["id"]
    if _subject_owner(kind, subject_id) != p.merchant_id:
        raise Invalid(f"no {kind} {subject_id} of yours that can be disputed", "id")
    if is_void(kind, subject_id):
        raise Conflict(f"{kind} {subject_id} is void already")
    if open_on(kind, subject_id) is not None:
        raise Conflict(f"{kind} {subject_id} is disputed already; wait for the decision")
    merchant = db.session.get(Merchant, p.merchant_id)
    objection = Objection(
        merchant=merchant,
        district_code=merchant.district_code,
        subject_kind=kind,
        subject_id=subject_id,
        grounds=data["grounds"],
        filed_by=p.name,
        filed_on=today,
        mark_due=calendar.deadline(today, MARK_WORKING_DAYS),
        decision_due=calendar.deadline(today, DECIDE_WORKING_DAYS),
    )
    db.session.add(objection)
    audit.record(p.name, "file", objection)
    # The public record says "under consideration" from now on (社会信用条例 第三十六条).
    signals.public_record_changed.send("objection", merchant_ids=[merchant.id])
    notifications.notify(
        notifications.district_officers(merchant.district_code),
        f"异议待处理：{merchant.name}",
        f"{merchant.name}对{kind} {subject_id}提出异议，已标注“异议处理中”，"
        f"须于{objection.decision_due.isoformat()}前作出决定。",
        "objection",
        objection.id,
    )
    return objection


def decide(p: Principal, objection: Objection, upheld: bool, reason: str, today: date):
    if not scope.may_write_district(p, objection.district_code):
        raise Forbidden("only an officer of the merchant's district may decide")
    lifecycle.require(objection, ObjectionStatus.DISPUTED)
    before = audit.state(objection)
    lifecycle.move(objection, ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED)
    objection.decided_by, objection.decided_on, objection.decision_reason = p.name, today, reason
    if upheld:
        _correct(p, objection, reason)
    audit.record(p.name, "decide", objection, before=before, reason=reason)
    signals.public_record_changed.send("objection", merchant_ids=[objection.merchant_id])
    outcome = "异议成立，相关记录已作废或撤下" if upheld else f"异议不成立，理由：{reason}"
    notifications.notify(
        notifications.merchant_users(objection.merchant_id),
        f"异议处理结果（第{objection.id}号）",
        outcome,
        "objection",
        objection.id,
    )
    return objection


def _correct(p: Principal, objection: Objection, reason: str) -> None:
    """Void the disputed evidence (which marks the merchant for rescoring) and take off
    publication every entry that rests on it."""
    kind, subject_id = objection.subject_kind, objection.subject_id
    why = f"异议成立（第{objection.id}号异议，《上海市社会信用条例》第三十六条）：{reason}"
    if kind == "notice_entry":
        entries = [db.session.get(NoticeEntry, subject_id)]
    elif kind == "reading_batch":
        for reading_id in batch_of(db.session.get(Reading, subject_id)):
            corrections.void(p, "reading", reading_id, why)
        entries = []
    else:
        if not is_void(kind, subject_id):
            corrections.void(p, kind, subject_id, why)
        entries = _entries_on(kind, subject_id)
    signals.objection_upheld.send(objection, principal=p, entries=entries, reason=why)


def batch_of(reading: Reading) -> list[int]:
    """The readings not yet void of the same scale and merchant on the same Shanghai day."""
    day = reading.measured_at.astimezone(SHANGHAI).date()
    start = datetime.combine(day, time(), SHANGHAI)
    stmt = select(Reading.id).where(
        Reading.device_id == reading.device_id,
        Reading.merchant_id == reading.merchant_id,
        Reading.measured_at >= start,
        Reading.measured_at < start + timedelta(days=1),
        ~exists().where(Void.evidence_kind == "reading", Void.evidence_id == Reading.id),
    )
    return list(db.session.scalars(stmt.order_by(Reading.id)))


def _entries_on(kind: str, subject_id: int) -> list[NoticeEntry]:
    """Published entries whose penalty decision came from this inspection."""
    if kind != "inspection":
        return []
    stmt = (
        select(NoticeEntry)
        .join(PenaltyDecision, PenaltyDecision.id == NoticeEntry.penalty_id)
        .join(Notice, Notice.id == NoticeEntry.notice_id)
        .where(PenaltyDecision.inspection_id == subject_id, Notice.status == NoticeStatus.PUBLISHED)
    )
    return list(db.session.scalars(stmt.order_by(NoticeEntry.id)))


def disputed_entries(entries: list[NoticeEntry]) -> set[int]:
    """The entries under an open objection: to the entry itself, or to the inspection its
    penalty decision came from (marked in public: 社会信用条例 第三十六条)."""
    ids = [e.id for e in entries]
    penalties = {e.penalty_id: e.id for e in entries if e.penalty_id is not None}
    open_ = select(Objection.subject_kind, Objection.subject_id).where(
        Objection.status == ObjectionStatus.DISPUTED,
        ((Objection.subject_kind == "notice_entry") & Objection.subject_id.in_(ids))
        | (
            (Objection.subject_kind == "inspection")
            & Objection.subject_id.in_(
                select(PenaltyDecision.inspection_id).where(PenaltyDecision.id.in_(penalties))
            )
        ),
    )
    marked = set()
    for kind, subject_id in db.session.execute(open_):
        if kind == "notice_entry":
            marked.add(subject_id)
            continue
        penalty = db.session.scalar(
            select(PenaltyDecision.id).where(PenaltyDecision.inspection_id == subject_id)
        )
        marked.add(penalties[penalty])
    return marked


def disputed_now(merchant_id: Any) -> Exists:
    """Whether the merchant has a record marked disputed now, for a statement that reads
    `merchant_id` (public.record shows it beside the grade)."""
    return exists().where(
        Objection.merchant_id == merchant_id, Objection.status == ObjectionStatus.DISPUTED
    )


def remind(today: date, actor: str = "scheduler") -> int:
    """Remind officers of objections due within one working day, once each (第三十六条)."""
    return notifications.remind_due(
        Objection, ObjectionStatus.DISPUTED, "objection", "异议", today, actor
    )
