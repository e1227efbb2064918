"""Reading the verification registry within the caller's scope."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from creditsvc.extensions import db
from creditsvc.models import (
    FairScaleAlert,
    Instrument,
    Market,
    Merchant,
    Stall,
    VerificationRecord,
)
from creditsvc.principals import CITY, Principal
from creditsvc.services import scope
from creditsvc.services.reads import one, paginate


def notice_days() -> int:
    return current_app.config.get("VERIFICATION_NOTICE_DAYS", 30)


def _instruments(p: Principal) -> Select:
    return select(Instrument).where(scope.instruments(p))


def overdue(today: date):
    """Past its due date (an instrument with no due date on record has none to pass)."""
    return Instrument.verification_due < today


def due_soon(today: date):
    """Falling due within the notice days, not yet overdue."""
    return Instrument.verification_due.between(today, today + timedelta(days=notice_days()))


def instruments_page(p: Principal, args: dict, today: date) -> dict:
    """A page of instruments, soonest due first, by district, kind, holder and due state."""
    stmt = _instruments(p).options(
        selectinload(Instrument.merchant), selectinload(Instrument.device)
    )
    if args.get("district"):
        stmt = stmt.where(Instrument.district_code == args["district"])
    if args.get("kind"):
        stmt = stmt.where(Instrument.kind == args["kind"])
    if args.get("merchant"):
        stmt = stmt.join(Merchant, Merchant.id == Instrument.merchant_id).where(
            Merchant.uscc == args["merchant"]
        )
    if args.get("market_id"):
        stmt = stmt.where(Instrument.market_id == args["market_id"])
    if args.get("due") == "overdue":
        stmt = stmt.where(overdue(today))
    elif args.get("due") == "due_soon":
        stmt = stmt.where(due_soon(today))
    stmt = stmt.order_by(Instrument.verification_due.asc().nulls_first(), Instrument.id)
    return paginate(stmt, args["page"], args["per_page"])


def instrument(p: Principal, instrument_id: int) -> Instrument:
    """One instrument, with its verification records (`verifications`, newest first)."""
    found = one(_instruments(p).where(Instrument.id == instrument_id), "instrument")
    found.verifications = records(found)
    return found


def records(instrument: Instrument) -> list[VerificationRecord]:
    stmt = select(VerificationRecord).where(VerificationRecord.instrument_id == instrument.id)
    order = (VerificationRecord.verified_on.desc(), VerificationRecord.id.desc())
    return list(db.session.scalars(stmt.order_by(*order)))


def overdue_in(p: Principal, today: date) -> list[Instrument]:
    """The officers' to-do list: instruments of the district past their due date."""
    stmt = _instruments(p).where(overdue(today))
    return list(db.session.scalars(stmt.order_by(Instrument.verification_due, Instrument.id)))


def open_alerts(p: Principal) -> list[FairScaleAlert]:
    """Fair-scale alerts not closed by an inspection yet, in the officer's district."""
    stmt = select(FairScaleAlert).where(FairScaleAlert.closed_at.is_(None))
    if p.role != CITY:
        stmt = stmt.where(FairScaleAlert.district_code == p.district_code)
    return list(db.session.scalars(stmt.order_by(FairScaleAlert.opened_on, FairScaleAlert.id)))


def alert(alert_id: int) -> FairScaleAlert | None:
    """One alert by id, for a to-do item already scoped by `open_alerts`."""
    return db.session.get(FairScaleAlert, alert_id)


def holder_name(instrument: Instrument) -> str:
    """Who holds it, in the words a page shows: the merchant, or market and stall."""
    if instrument.merchant is not None:
        return instrument.merchant.name
    if instrument.stall is not None:
        return f"{instrument.stall.market.name} {instrument.stall.number}"
    return instrument.market.name if instrument.market else ""


def stall_id(market_id: int, number: str) -> int | None:
    """A stall of a market (already read within scope) by its number."""
    stmt = select(Stall.id).where(Stall.market_id == market_id, Stall.number == number)
    return db.session.scalar(stmt)


def markets_for(p: Principal, district: str | None) -> list[Market]:
    """The markets a form may name: those in the caller's scope (and the district in view)."""
    stmt = select(Market).where(scope.markets(p))
    if district:
        stmt = stmt.where(Market.district_code == district)
    return list(db.session.scalars(stmt.order_by(Market.name, Market.id)))
