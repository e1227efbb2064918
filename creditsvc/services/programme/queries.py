"""What the programme's pages read: commitments, demonstration communities with their units
and draws, and demonstration units, each in the caller's scope; and, for anyone, the
designations and communities in force."""

from __future__ import annotations

from sqlalchemy import Select, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    Commitment,
    Community,
    CommunityDraw,
    CommunityUnit,
    DemonstrationUnit,
    Merchant,
    Street,
)
from creditsvc.principals import Principal
from creditsvc.services import scope
from creditsvc.services.programme import demonstration_units
from creditsvc.services.publication.eligibility import DEMONSTRATION_STATUSES
from creditsvc.services.reads import one, paginate

# Self-commitments ------------------------------------------------------------------


def _commitments(p: Principal) -> Select:
    return (
        select(Commitment)
        .join(Merchant, Merchant.id == Commitment.merchant_id)
        .where(scope.merchants(p))
    )


def commitments_page(p: Principal, args: dict) -> dict:
    """One page of the commitments in scope, newest first, by merchant and in force."""
    stmt = _commitments(p).order_by(Commitment.id.desc())
    if "merchant" in args:
        stmt = stmt.where(Merchant.uscc == args["merchant"])
    if "in_force" in args:
        withdrawn = Commitment.withdrawn_on.is_(None)
        stmt = stmt.where(withdrawn if args["in_force"] else ~withdrawn)
    return paginate(stmt, args["page"], args["per_page"])


def commitment(p: Principal, commitment_id: int) -> Commitment:
    """A commitment in scope, or NotFound."""
    return one(_commitments(p).where(Commitment.id == commitment_id), "commitment")


# Demonstration communities ---------------------------------------------------------


def community_units(community_id: int) -> list[Merchant]:
    """The participating units of a community, by id."""
    stmt = (
        select(Merchant)
        .join(CommunityUnit, CommunityUnit.merchant_id == Merchant.id)
        .where(CommunityUnit.community_id == community_id)
    )
    return list(db.session.scalars(stmt.order_by(Merchant.id)))


def community_draws(community_id: int) -> list[CommunityDraw]:
    """A community's draws, first to last."""
    stmt = select(CommunityDraw).where(CommunityDraw.community_id == community_id)
    return list(db.session.scalars(stmt.order_by(CommunityDraw.id)))


# Demonstration units ---------------------------------------------------------------


def demonstration_units_page(p: Principal, args: dict) -> dict:
    """One page of the demonstration-unit cases in scope, newest first, by status."""
    stmt = select(DemonstrationUnit).where(demonstration_units.scoped(p))
    if "status" in args:
        stmt = stmt.where(DemonstrationUnit.status == args["status"])
    return paginate(stmt.order_by(DemonstrationUnit.id.desc()), args["page"], args["per_page"])


def demonstration_unit(p: Principal, unit_id: int) -> DemonstrationUnit:
    """A demonstration-unit case in scope, or NotFound."""
    stmt = select(DemonstrationUnit).where(
        DemonstrationUnit.id == unit_id, demonstration_units.scoped(p)
    )
    return one(stmt, "demonstration unit")


# For anyone: what is in force --------------------------------------------------------


def unit_in_force(merchant_id: int) -> DemonstrationUnit | None:
    """The business's demonstration-unit designation, if one is in force today."""
    return db.session.scalar(
        select(DemonstrationUnit).where(
            DemonstrationUnit.merchant_id == merchant_id,
            demonstration_units.in_force(clock.today()),
        )
    )


def communities_of(merchant_id: int) -> list[Community]:
    """Demonstration communities (accepted or re-evaluated) the business takes part in."""
    return list(
        db.session.scalars(
            select(Community)
            .join(CommunityUnit, CommunityUnit.community_id == Community.id)
            .where(
                CommunityUnit.merchant_id == merchant_id,
                Community.status.in_(DEMONSTRATION_STATUSES),
            )
            .order_by(Community.name)
        )
    )


def units_in_force(district: str | None) -> list[dict]:
    """Demonstration units in force today, with their street, by district then name."""
    stmt = (
        select(
            Merchant.uscc,
            Merchant.name,
            Merchant.trade,
            Merchant.district_code,
            Street.name.label("street"),
            DemonstrationUnit.designated_on,
            DemonstrationUnit.valid_until,
        )
        .join(Merchant, Merchant.id == DemonstrationUnit.merchant_id)
        .outerjoin(Street, Street.id == Merchant.street_id)
        .where(demonstration_units.in_force(clock.today()))
        .order_by(Merchant.district_code, Merchant.name)
    )
    if district:
        stmt = stmt.where(Merchant.district_code == district)
    return [dict(r) for r in db.session.execute(stmt).mappings()]
