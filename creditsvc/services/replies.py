"""A merchant's short reply shown next to its public record, once an officer approves it
(moderation keeps personal data and abuse off a public page: rules.md §4, 第六条)."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc.auth import Principal
from creditsvc.extensions import db
from creditsvc.models import Merchant, MerchantReply
from creditsvc.models.base import utcnow
from creditsvc.services import audit, notifications, objections, scope
from creditsvc.services.errors import Conflict, Forbidden

REPLY_MAX_CHARS = 300


def submit(p: Principal, text: str) -> MerchantReply:
    merchant = db.session.get(Merchant, p.merchant_id)
    pending = select(MerchantReply.id).where(
        MerchantReply.merchant_id == merchant.id, MerchantReply.status == "pending"
    )
    if db.session.scalar(pending) is not None:
        raise Conflict("a reply of yours awaits moderation")
    reply = MerchantReply(
        merchant=merchant, district_code=merchant.district_code, text=text, submitted_by=p.name
    )
    db.session.add(reply)
    audit.record(p.name, "submit", reply)
    notifications.notify(
        notifications.district_officers(merchant.district_code),
        f"商户回应待审核：{merchant.name}",
        text,
        "reply",
        reply.id,
    )
    return reply


def moderate(p: Principal, reply: MerchantReply, approve: bool, note: str) -> MerchantReply:
    if not scope.may_write_district(p, reply.district_code):
        raise Forbidden("only an officer of the merchant's district may moderate")
    if reply.status != "pending":
        raise Conflict(f"the reply is {reply.status} already")
    before = audit.state(reply)
    reply.status = "approved" if approve else "rejected"
    reply.moderated_by, reply.moderated_at, reply.moderation_note = p.name, utcnow(), note
    audit.record(p.name, "moderate", reply, before=before, reason=note)
    outcome = "已审核通过，显示在公开信用记录旁" if approve else f"未通过审核：{note}"
    notifications.notify(
        notifications.merchant_users(reply.merchant_id),
        "商户回应审核结果",
        outcome,
        "reply",
        reply.id,
    )
    return reply


def shown(merchant_id: int) -> MerchantReply | None:
    """The reply on show: the latest approved one."""
    stmt = select(MerchantReply).where(
        MerchantReply.merchant_id == merchant_id, MerchantReply.status == "approved"
    )
    return db.session.scalar(stmt.order_by(MerchantReply.id.desc()).limit(1))


def public_annotations(merchant_id: int) -> dict:
    """What the public record shows beside the grade: the approved reply, and whether
    the business has an objection under consideration (社会信用条例 第三十六条).

    Takes the id the record's own query read (public.record), not the USCC, so the
    merchant is not looked up twice."""
    reply = shown(merchant_id)
    return {
        "reply": {"text": reply.text, "approved_at": reply.moderated_at} if reply else None,
        "disputed": bool(objections.disputed_subjects(merchant_id)),
    }
