"""What each principal may see, as WHERE clauses added to the query itself.

A district officer's query for another district's merchant returns no row, so the
view answers 404 and no data can leak through a forgotten check in a view.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, select, true
from sqlalchemy.orm import aliased

from creditsvc.models import Community, Device, Instrument, Market, Merchant, Stall, Street
from creditsvc.principals import ASSOCIATION, CITY, DISTRICT, HOST, MERCHANT, Principal

# A stall apart from any the query itself reads (aliased once: building one per call costs
# more than the rest of the condition).
HELD = aliased(Stall, name="held_stall")


def merchants(p: Principal) -> ColumnElement[bool]:
    if p.role == CITY:
        return true()
    if p.role == DISTRICT:
        return Merchant.district_code == p.district_code
    if p.role == HOST:
        return Merchant.market_id.in_(p.market_ids)
    if p.role == MERCHANT and p.merchant_id is not None:
        return Merchant.id == p.merchant_id
    return false()


def nominees(p: Principal) -> ColumnElement[bool]:
    """Whom a caller may name as a demonstration unit: an industry association any business
    of the city (its members are city-wide), anyone else the merchants in its scope."""
    return true() if p.role == ASSOCIATION else merchants(p)


def traders(market_id: int) -> ColumnElement[bool]:
    """The merchants a market's fair scales may judge: registered in the market or holding
    one of its stalls, and registered in the market's district either way, so no scale
    moves another district's grades (issue 17)."""
    holds_stall = exists().where(HELD.merchant_id == Merchant.id, HELD.market_id == market_id)
    district = select(Market.district_code).where(Market.id == market_id).scalar_subquery()
    return (Merchant.district_code == district) & ((Merchant.market_id == market_id) | holds_stall)


def markets(p: Principal) -> ColumnElement[bool]:
    if p.role == CITY:
        return true()
    if p.role == DISTRICT:
        return Market.district_code == p.district_code
    if p.role == HOST:
        return Market.id.in_(p.market_ids)
    return false()


def stalls(p: Principal) -> ColumnElement[bool]:
    """Stalls follow their market; join Market in the query."""
    return markets(p) & (Stall.market_id == Market.id)


def devices(p: Principal) -> ColumnElement[bool]:
    """Devices follow their market; join Market in the query."""
    return markets(p) & (Device.market_id == Market.id)


def readings(p: Principal) -> ColumnElement[bool]:
    """Hosts see the readings of their markets' scales; officers those of merchants in
    their scope. Join Device and Merchant in the query."""
    if p.role == HOST:
        return Device.market_id.in_(p.market_ids)
    return merchants(p)


def streets(p: Principal) -> ColumnElement[bool]:
    """Streets are registry facts every officer and host may read; writes check district."""
    return true() if p.role in (CITY, DISTRICT, HOST) else false()


def communities(p: Principal) -> ColumnElement[bool]:
    return streets(p) & (Community.street_id == Street.id)


def may_write_district(p: Principal, district_code: str | None) -> bool:
    """Officers write in their own district only; the city officer everywhere."""
    return p.role == CITY or (p.role == DISTRICT and p.district_code == district_code)


def evidence(p: Principal, model) -> ColumnElement[bool]:
    """Inspections and complaints: the district's officers, the merchant's host, itself."""
    if p.role == CITY:
        return true()
    if p.role == DISTRICT:
        return model.district_code == p.district_code
    if p.role == HOST:
        return model.merchant_id.in_(
            select(Merchant.id).where(Merchant.market_id.in_(p.market_ids))
        )
    if p.role == MERCHANT and p.merchant_id is not None:
        return model.merchant_id == p.merchant_id
    return false()


def instruments(p: Principal) -> ColumnElement[bool]:
    """Officers see their district's instruments (the city officer all); a host those of
    its markets, their stalls and the merchants registered in them; a merchant its own."""
    if p.role == CITY:
        return true()
    if p.role == DISTRICT:
        return Instrument.district_code == p.district_code
    if p.role == HOST:
        ids = p.market_ids
        return (
            Instrument.market_id.in_(ids)
            | Instrument.stall_id.in_(select(Stall.id).where(Stall.market_id.in_(ids)))
            | Instrument.merchant_id.in_(select(Merchant.id).where(Merchant.market_id.in_(ids)))
        )
    if p.role == MERCHANT and p.merchant_id is not None:
        return Instrument.merchant_id == p.merchant_id
    return false()
