"""Reading the registry within the caller's scope: streets, communities, markets, stalls,
devices and merchants, one at a time (out of scope looks exactly like absent) or a page."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import selectinload

from creditsvc import uscc as uscc_rules
from creditsvc.extensions import db
from creditsvc.models import (
    Community,
    Complaint,
    CurrentScore,
    Device,
    District,
    Inspection,
    Market,
    Merchant,
    Stall,
    Street,
)
from creditsvc.principals import Principal
from creditsvc.services import scope
from creditsvc.services.errors import NotFound
from creditsvc.services.reads import one, paginate
from creditsvc.services.registry import search

# Streets and communities ---------------------------------------------------------


def streets_page(p: Principal, args: dict) -> dict:
    """A page of streets and towns, by `district` and any part of the name (`q`)."""
    stmt = select(Street).where(scope.streets(p)).order_by(Street.id)
    if "district" in args:
        stmt = stmt.where(Street.district_code == args["district"])
    if args.get("q"):
        stmt = stmt.where(Street.name.contains(args["q"], autoescape=True))
    return paginate(stmt, args["page"], args["per_page"])


def street(p: Principal, street_id: int) -> Street:
    """One street or town."""
    return one(select(Street).where(Street.id == street_id, scope.streets(p)), "street")


def communities_in_scope(p: Principal) -> Select:
    """The demonstration communities the caller may see, as a query to narrow further."""
    return select(Community).join(Street).where(scope.communities(p))


def communities_page(p: Principal, args: dict) -> dict:
    """A page of demonstration communities, by `district`, `street_id` and `status`."""
    stmt = communities_in_scope(p).order_by(Community.id)
    if "district" in args:
        stmt = stmt.where(Street.district_code == args["district"])
    if "street_id" in args:
        stmt = stmt.where(Community.street_id == args["street_id"])
    if "status" in args:
        stmt = stmt.where(Community.status == args["status"])
    return paginate(stmt, args["page"], args["per_page"])


def community(p: Principal, community_id: int) -> Community:
    """One demonstration community."""
    return one(communities_in_scope(p).where(Community.id == community_id), "community")


def districts() -> list[District]:
    """Every district, by code: the pickers and filters of the console and public pages."""
    return list(db.session.scalars(select(District).order_by(District.code)))


def street_names(district_code: str) -> list[str]:
    """The names of a district's streets and towns, in order: the public search's choice."""
    stmt = select(Street.name).where(Street.district_code == district_code)
    return list(db.session.scalars(stmt.order_by(Street.name)))


def district(code: str) -> District | None:
    """A district by its GB/T 2260 code."""
    return db.session.get(District, code)


# Markets, stalls, devices ------------------------------------------------------


def markets_page(p: Principal, args: dict) -> dict:
    """A page of markets, by `district`, `street_id` and any part of the name (`q`)."""
    stmt = select(Market).where(scope.markets(p)).order_by(Market.id)
    if "district" in args:
        stmt = stmt.where(Market.district_code == args["district"])
    if "street_id" in args:
        stmt = stmt.where(Market.street_id == args["street_id"])
    if args.get("q"):
        stmt = stmt.where(Market.name.contains(args["q"], autoescape=True))
    return paginate(stmt, args["page"], args["per_page"])


def market(p: Principal, market_id: int, field: str | None = None) -> Market:
    """One market, by its id in the path or, named in the input, in `field`."""
    return one(select(Market).where(Market.id == market_id, scope.markets(p)), "market", field)


def _stalls(p: Principal) -> Select:
    return select(Stall).join(Market).where(scope.markets(p))


def stalls_page(p: Principal, args: dict) -> dict:
    """A page of stalls of the markets in scope, by `market_id`."""
    stmt = _stalls(p).order_by(Stall.id)
    if "market_id" in args:
        stmt = stmt.where(Stall.market_id == args["market_id"])
    return paginate(stmt, args["page"], args["per_page"])


def stall(p: Principal, stall_id: int) -> Stall:
    """One stall."""
    return one(_stalls(p).where(Stall.id == stall_id), "stall")


def _devices(p: Principal) -> Select:
    return select(Device).join(Market).where(scope.markets(p))


def devices_page(p: Principal, args: dict) -> dict:
    """A page of fair scales of the markets in scope, by `market_id`."""
    stmt = _devices(p).order_by(Device.id)
    if "market_id" in args:
        stmt = stmt.where(Device.market_id == args["market_id"])
    return paginate(stmt, args["page"], args["per_page"])


def device(p: Principal, serial: str) -> Device:
    """One fair scale, by its serial number."""
    return one(_devices(p).where(Device.serial == serial), "device")


# Merchants ----------------------------------------------------------------------


def merchant_in_scope(
    p: Principal,
    uscc: str,
    field: str | None = "merchant",
    within: Callable[[Principal], ColumnElement[bool]] = scope.merchants,
) -> Merchant:
    """A merchant by USCC within the caller's scope (`within`): the one read of it.

    Out of scope looks exactly like absent: 404 with the body reading it gives, named in
    the input or in the path (`field=None`), so naming another district's merchant in a
    write neither reaches it nor tells that it exists (issue 17)."""
    stmt = select(Merchant).where(Merchant.uscc == uscc, within(p))
    return one(stmt, "merchant", field)


def merchants_in_scope(p: Principal, usccs: Iterable[str], field: str) -> list[Merchant]:
    """Merchants by USCC within the caller's scope, by id; 404 naming those not found."""
    wanted = sorted(set(usccs))
    stmt = select(Merchant).where(Merchant.uscc.in_(wanted), scope.merchants(p))
    found = list(db.session.scalars(stmt.order_by(Merchant.id)))
    missing = sorted(set(wanted) - {m.uscc for m in found})
    if missing:
        raise NotFound(f"no such merchant, or not yours to see: {', '.join(missing)}", field)
    return found


FOUND_AT_MOST = 10  # businesses a form offers to choose from


def businesses_like(p: Principal, q: str) -> list[Merchant]:
    """The businesses in the caller's scope whose name holds `q` or whose USCC it is,
    by name: what a form offers when someone types part of a name (issue 19)."""
    stmt = (
        select(Merchant)
        .where(search.merchants_matching(q), scope.merchants(p))
        .order_by(Merchant.name, Merchant.id)
        .limit(FOUND_AT_MOST)
    )
    return list(db.session.scalars(stmt))


def merchant(p: Principal, uscc: str) -> Merchant:
    """The merchant a path names by USCC, read as registration stores it; 404 if unseen."""
    return merchant_in_scope(p, uscc_rules.normalise(uscc), field=None)


def merchants_page(p: Principal, args: dict) -> dict:
    """A page of merchants by registration order, by name or USCC (`q`) and registry facts."""
    stmt = select(Merchant).where(scope.merchants(p)).order_by(Merchant.id)
    if args.get("q"):
        stmt = stmt.where(search.merchants_matching(args["q"]))
    for key, column in (
        ("district", Merchant.district_code),
        ("trade", Merchant.trade),
        ("street_id", Merchant.street_id),
        ("market_id", Merchant.market_id),
    ):
        if key in args:
            stmt = stmt.where(column == args[key])
    return paginate(stmt, args["page"], args["per_page"])


def merchants_by_name_page(
    p: Principal, district_code: str | None, q: str, page: int, per_page: int
) -> dict:
    """A page of merchants by name, with their markets, as the console lists them."""
    stmt = (
        select(Merchant)
        .where(scope.merchants(p))
        .options(selectinload(Merchant.market))
        .order_by(Merchant.name, Merchant.id)
    )
    if district_code:
        stmt = stmt.where(Merchant.district_code == district_code)
    if q:
        stmt = stmt.where(search.merchants_matching(q))
    return paginate(stmt, page, per_page)


# A business's record, as the console shows it ---------------------------------


def standings_of(merchant_ids: Iterable[int]) -> dict[int, CurrentScore]:
    """The current scores of these merchants, by merchant id (none for the never scored)."""
    rows = db.session.scalars(
        select(CurrentScore).where(CurrentScore.merchant_id.in_(list(merchant_ids)))
    )
    return {current.merchant_id: current for current in rows}


def latest_inspections(p: Principal, found: Merchant, limit: int) -> list[Inspection]:
    """A merchant's latest inspections in scope, with their findings, newest first."""
    stmt = (
        select(Inspection)
        .where(Inspection.merchant_id == found.id, scope.evidence(p, Inspection))
        .options(selectinload(Inspection.findings))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def latest_complaints(p: Principal, found: Merchant, limit: int) -> list[Complaint]:
    """A merchant's latest complaints in scope, newest first."""
    stmt = (
        select(Complaint)
        .where(Complaint.merchant_id == found.id, scope.evidence(p, Complaint))
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


# A market host's pages ------------------------------------------------------------


def markets_of(p: Principal) -> list[Market]:
    """Every market in the caller's scope (a host: its own), by name."""
    stmt = select(Market).where(scope.markets(p)).order_by(Market.name, Market.id)
    return list(db.session.scalars(stmt))


def market_stalls(p: Principal, market: Market) -> list[Stall]:
    """A market's stalls in scope with the merchant trading at each, by number."""
    stmt = (
        _stalls(p)
        .where(Stall.market_id == market.id)
        .options(selectinload(Stall.merchant))
        .order_by(Stall.number, Stall.id)
    )
    return list(db.session.scalars(stmt))


def market_devices(p: Principal, market: Market) -> list[Device]:
    """A market's fair scales in scope, by serial."""
    stmt = _devices(p).where(Device.market_id == market.id).order_by(Device.serial)
    return list(db.session.scalars(stmt))


def market_merchants(p: Principal, market: Market) -> list[Merchant]:
    """The merchants registered in a market, within the caller's scope, by name."""
    stmt = (
        select(Merchant)
        .where(Merchant.market_id == market.id, scope.merchants(p))
        .order_by(Merchant.name, Merchant.id)
    )
    return list(db.session.scalars(stmt))
