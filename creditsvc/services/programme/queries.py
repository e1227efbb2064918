"""What the programme's pages read: commitments, demonstration communities with their units
and draws, and demonstration units, each in the caller's scope."""

from __future__ import annotations

from sqlalchemy import Select, select

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


def community(p: Principal, community_id: int) -> Community:
    """A demonstration community in scope, or NotFound."""
    stmt = select(Community).join(Street).where(scope.communities(p))
    return one(stmt.where(Community.id == community_id), "community")


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
