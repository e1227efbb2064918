"""What officers and merchants read of appeals: objections, repair applications and
replies in their scope (a merchant its own), and a merchant's own in the portal."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import Merchant, MerchantReply, Objection, RepairApplication
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
