"""Reads of the risk model and the random inspection plans (双随机一公开), within scope."""

from __future__ import annotations

from sqlalchemy import Select, select

from creditsvc.extensions import db
from creditsvc.models import (
    InspectionPlan,
    Merchant,
    OfficerConflict,
    PlanStatus,
    RiskModelVersion,
    RiskScore,
    User,
)
from creditsvc.principals import CITY, Principal
from creditsvc.services import scope
from creditsvc.services.reads import one, paginate

# Risk scores and model versions (officers only) ----------------------------------


def _scores_of(p: Principal) -> Select:
    return select(RiskScore).join(Merchant).where(scope.merchants(p))


def risk_scores_page(p: Principal, args: dict) -> dict:
    """One page of the risk scores of merchants `p` may see, highest probability first."""
    stmt = _scores_of(p).order_by(RiskScore.probability.desc(), RiskScore.merchant_id)
    if "risk_class" in args:
        stmt = stmt.where(RiskScore.risk_class == args["risk_class"])
    if "district" in args:
        stmt = stmt.where(Merchant.district_code == args["district"])
    return paginate(stmt, args["page"], args["per_page"])


def risk_score(p: Principal, uscc: str) -> RiskScore:
    """The current risk score of the merchant registered as `uscc`, if `p` may see it."""
    return one(_scores_of(p).where(Merchant.uscc == uscc), "risk score")


def model_versions(limit: int) -> list[RiskModelVersion]:
    """The latest trained model versions, newest first."""
    stmt = select(RiskModelVersion).order_by(RiskModelVersion.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def model_version(model_id: int) -> RiskModelVersion:
    """One trained model version, or NotFound."""
    return one(select(RiskModelVersion).where(RiskModelVersion.id == model_id), "model")


# Inspection plans and declared conflicts -----------------------------------------


def _plans_of(p: Principal) -> Select:
    """The city officer sees every district's plans; a district officer their own."""
    stmt = select(InspectionPlan)
    return stmt if p.role == CITY else stmt.where(InspectionPlan.district_code == p.district_code)


def plans_page(p: Principal, args: dict) -> dict:
    """One page of the plans `p` may see, newest first."""
    stmt = _plans_of(p).order_by(InspectionPlan.id.desc())
    if "district" in args:
        stmt = stmt.where(InspectionPlan.district_code == args["district"])
    if "status" in args:
        stmt = stmt.where(InspectionPlan.status == args["status"])
    return paginate(stmt, args["page"], args["per_page"])


def plan(p: Principal, plan_id: int, field: str | None = None) -> InspectionPlan:
    """One plan `p` may see, by its id in the path or, named in the input, in `field`."""
    return one(_plans_of(p).where(InspectionPlan.id == plan_id), "plan", field)


def _conflicts_of(p: Principal) -> Select:
    """Conflicts follow the declaring officer's district; the city officer sees all."""
    stmt = select(OfficerConflict).join(User, OfficerConflict.user_id == User.id)
    return stmt if p.role == CITY else stmt.where(User.district_code == p.district_code)


def conflicts_page(p: Principal, args: dict) -> dict:
    """One page of the declared conflicts `p` may see, newest first."""
    stmt = _conflicts_of(p).order_by(OfficerConflict.id.desc())
    return paginate(stmt, args["page"], args["per_page"])


def conflict(p: Principal, conflict_id: int) -> OfficerConflict:
    """One declared conflict `p` may see, or NotFound."""
    return one(_conflicts_of(p).where(OfficerConflict.id == conflict_id), "conflict")


def _published_plans() -> Select:
    return select(InspectionPlan).where(InspectionPlan.status == PlanStatus.PUBLISHED)


def published_plans() -> Select:
    """The published plans, newest first: anyone may read them (一公开)."""
    return _published_plans().order_by(InspectionPlan.id.desc())


def published_plans_page(args: dict) -> dict:
    """One page of the published plans, newest first."""
    return paginate(published_plans(), args["page"], args["per_page"])


def published_plan(plan_id: int) -> InspectionPlan:
    """One published plan, or NotFound."""
    return one(_published_plans().where(InspectionPlan.id == plan_id), "plan")
