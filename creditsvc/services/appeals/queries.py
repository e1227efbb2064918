"""What officers and merchants read of appeals: objections, repair applications and
replies in their scope (a merchant its own), and a merchant's own in the portal."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import (
    Complaint,
    Inspection,
    Merchant,
    MerchantReply,
    NoticeEntry,
    Objection,
    Reading,
    RepairApplication,
)
from creditsvc.principals import Principal
from creditsvc.services.appeals import objections
from creditsvc.services.reads import one, paginate


def objections_page(p: Principal, args: dict) -> dict:
    """One page of the objections in scope, soonest decision first, by status."""
    stmt = select(Objection).where(objections.scoped(p))
    if "status" in args:
        stmt = stmt.where(Objection.status == args["status"])
    stmt = stmt.order_by(Objection.decision_due, Objection.id)
    return paginate(stmt, args["page"], args["per_page"])


def objection(p: Principal, objection_id: int) -> Objection:
    """An objection in scope, or NotFound."""
    stmt = select(Objection).where(Objection.id == objection_id, objections.scoped(p))
    return one(stmt, "objection")


def repairs_page(p: Principal, args: dict) -> dict:
    """One page of the repair applications in scope, soonest decision first, by status."""
    stmt = select(RepairApplication).where(objections.scoped(p, RepairApplication))
    if "status" in args:
        stmt = stmt.where(RepairApplication.status == args["status"])
    stmt = stmt.order_by(RepairApplication.decision_due, RepairApplication.id)
    return paginate(stmt, args["page"], args["per_page"])


def repair(p: Principal, repair_id: int) -> RepairApplication:
    """A repair application in scope, or NotFound."""
    stmt = select(RepairApplication).where(
        RepairApplication.id == repair_id, objections.scoped(p, RepairApplication)
    )
    return one(stmt, "repair application")


def replies_page(p: Principal, args: dict) -> dict:
    """One page of the replies in scope, newest first."""
    stmt = select(MerchantReply).where(objections.scoped(p, MerchantReply))
    return paginate(stmt.order_by(MerchantReply.id.desc()), args["page"], args["per_page"])


def reply(p: Principal, reply_id: int) -> MerchantReply:
    """A reply in scope, or NotFound."""
    stmt = select(MerchantReply).where(
        MerchantReply.id == reply_id, objections.scoped(p, MerchantReply)
    )
    return one(stmt, "reply")


# What an objection disputes: the record itself (a batch of readings by its first one).
SUBJECTS = {
    "inspection": Inspection,
    "complaint": Complaint,
    "reading": Reading,
    "reading_batch": Reading,
    "notice_entry": NoticeEntry,
}


def disputed_record(found: Objection) -> Inspection | Complaint | Reading | NoticeEntry | None:
    """The record an objection in scope disputes (its officers see it as the API shows it)."""
    model = SUBJECTS.get(found.subject_kind)
    return db.session.get(model, found.subject_id) if model else None


def readings_disputed(found: Objection) -> list[Reading]:
    """The readings a disputed batch holds (the scale's re-weighs of that day)."""
    if found.subject_kind != "reading_batch":
        return []
    first = db.session.get(Reading, found.subject_id)
    if first is None:
        return []
    ids = objections.batch_of(first) or [first.id]
    return list(db.session.scalars(select(Reading).where(Reading.id.in_(ids)).order_by(Reading.id)))


# The portal: the merchant of the signed-in account and what it filed ----------------


def merchant_of(p: Principal) -> Merchant | None:
    """The business the account is linked to, or None."""
    return db.session.get(Merchant, p.merchant_id) if p.merchant_id else None


def objections_of(p: Principal, merchant: Merchant) -> list[Objection]:
    """The merchant's objections in scope, latest filed first."""
    stmt = (
        select(Objection)
        .where(objections.scoped(p), Objection.merchant_id == merchant.id)
        .order_by(Objection.filed_on.desc(), Objection.id.desc())
    )
    return list(db.session.scalars(stmt))


def replies_of(merchant: Merchant) -> list[MerchantReply]:
    """The merchant's replies, latest submitted first."""
    stmt = (
        select(MerchantReply)
        .where(MerchantReply.merchant_id == merchant.id)
        .order_by(MerchantReply.submitted_at.desc())
    )
    return list(db.session.scalars(stmt))
