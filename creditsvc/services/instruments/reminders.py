"""Notices of verifications falling due: the holder of an instrument is told once, when
its due date comes within the notice days (VERIFICATION_NOTICE_DAYS, 30)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from creditsvc.extensions import db
from creditsvc.models import Instrument
from creditsvc.services import audit
from creditsvc.services.accounts import notifications
from creditsvc.services.instruments import queries


def _recipients(instrument: Instrument) -> list[int]:
    """The business (its accounts) and, for a scale of a market or its stall, the hosts."""
    people: list[int] = []
    merchant_id = instrument.merchant_id
    if instrument.stall is not None:
        merchant_id = instrument.stall.merchant_id
        people += notifications.market_hosts(instrument.stall.market_id)
    if instrument.market_id is not None:
        people += notifications.market_hosts(instrument.market_id)
    if merchant_id is not None:
        people += notifications.merchant_users(merchant_id)
    return people


def notify_due(today: date, actor: str = "system:verification-notices") -> int:
    """Tell the holders of instruments falling due within the notice days, once per due
    date (`due_notified_for`). Flushes; the caller commits."""
    stmt = (
        select(Instrument)
        .options(selectinload(Instrument.stall), selectinload(Instrument.merchant))
        .where(
            queries.due_soon(today),
            or_(
                Instrument.due_notified_for.is_(None),
                Instrument.due_notified_for != Instrument.verification_due,
            ),
        )
        .order_by(Instrument.id)
    )
    count = 0
    for instrument in db.session.scalars(stmt):
        due = instrument.verification_due
        before = audit.state(instrument)
        instrument.due_notified_for = due
        audit.record(actor, "remind", instrument, before=before)
        notifications.notify(
            _recipients(instrument),
            f"计量器具{instrument.serial}将于{due.isoformat()}检定到期",
            f"请在{due.isoformat()}前将计量器具{instrument.serial}送法定计量检定机构检定"
            "（计量法第九条）；逾期未检定的器具不得使用，公平秤的复称结果不再作为计量证据。",
            "instrument",
            instrument.id,
        )
        count += 1
    return count
