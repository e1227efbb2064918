"""A merchant's short reply shown next to its public record, once an officer approves it
(moderation keeps personal data and abuse off a public page: rules.md §4, 第六条)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, Select, select

from creditsvc.extensions import db
from creditsvc.models import Merchant, MerchantReply, ReplyStatus
from creditsvc.models.base import utcnow

# Re-exported: web/portal.py still reads the limit here (it belongs to the model).
from creditsvc.principals import Principal
from creditsvc.services import audit, lifecycle, scope, signals
from creditsvc.services.accounts import notifications
from creditsvc.services.errors import Conflict, Forbidden


def submit(p: Principal, text: str) -> MerchantReply:
    merchant = db.session.get(Merchant, p.merchant_id)
    pending = select(MerchantReply.id).where(
        MerchantReply.merchant_id == merchant.id, MerchantReply.status == ReplyStatus.PENDING
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
    lifecycle.require(reply, ReplyStatus.PENDING)
    before = audit.state(reply)
    lifecycle.move(reply, ReplyStatus.APPROVED if approve else ReplyStatus.REJECTED)
    reply.moderated_by, reply.moderated_at, reply.moderation_note = p.name, utcnow(), note
    audit.record(p.name, "moderate", reply, before=before, reason=note)
    if approve:  # shown beside the public record from now on
        signals.public_record_changed.send("reply", merchant_ids=[reply.merchant_id])
    outcome = "已审核通过，显示在公开信用记录旁" if approve else f"未通过审核：{note}"
    notifications.notify(
        notifications.merchant_users(reply.merchant_id),
        "商户回应审核结果",
        outcome,
        "reply",
        reply.id,
    )
    return reply


def _on_show(merchant_id: Any) -> Select:
    """The reply on show: the latest approved one."""
    stmt = select(MerchantReply).where(
        MerchantReply.merchant_id == merchant_id, MerchantReply.status == ReplyStatus.APPROVED
    )
    return stmt.order_by(MerchantReply.id.desc()).limit(1)


def shown_columns(merchant_id: Any) -> tuple[ScalarSelect, ScalarSelect]:
    """The text and approval time of the reply on show, for a statement that reads
    `merchant_id` (public.record): the public record is then one statement."""
    on_show = _on_show(merchant_id).correlate_except(MerchantReply)
    return (
        on_show.with_only_columns(MerchantReply.text).scalar_subquery(),
        on_show.with_only_columns(MerchantReply.moderated_at).scalar_subquery(),
    )
