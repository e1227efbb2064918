"""Random inspection plans (双随机一公开): drawn and read by officers, published after the
period for anyone; and the conflicts of interest officers declare."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.models import InspectionPlan, OfficerConflict, User
from creditsvc.principals import CITY, DISTRICT, OFFICERS, PUBLIC
from creditsvc.schemas.common import PageArgs, page_of
from creditsvc.schemas.risk import (
    ConflictIn,
    ConflictOut,
    PlanArgs,
    PlanIn,
    PlanOut,
    PublicPlanOut,
)
from creditsvc.services.reads import paginate
from creditsvc.services.risk import inspection_plans

# One blueprint for both halves: the officers' /api/v1 paths and the published plans
# under the open-data prefix /api/public/v1.
blp = Blueprint(
    "inspection_plans", __name__, url_prefix="/api", description="Random inspection plans (双随机)"
)


def scoped_plans():
    p = auth.current()
    stmt = select(InspectionPlan)
    return stmt if p.role == CITY else stmt.where(InspectionPlan.district_code == p.district_code)


def scoped_conflicts():
    p = auth.current()
    stmt = select(OfficerConflict).join(User, OfficerConflict.user_id == User.id)
    return stmt if p.role == CITY else stmt.where(User.district_code == p.district_code)


def published_plans():
    return select(InspectionPlan).where(InspectionPlan.status == "published")


@blp.route("/v1/inspection-plans")
class Plans(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PlanArgs, location="query")
    @blp.response(200, page_of(PlanOut))
    def get(self, args):
        """List the inspection plans of your district, newest first."""
        stmt = scoped_plans().order_by(InspectionPlan.id.desc())
        if "district" in args:
            stmt = stmt.where(InspectionPlan.district_code == args["district"])
        if "status" in args:
            stmt = stmt.where(InspectionPlan.status == args["status"])
        page = paginate(stmt, args["page"], args["per_page"])
        return {**page, "items": [inspection_plans.officer_view(p) for p in page["items"]]}

    @allow(*OFFICERS)
    @blp.arguments(PlanIn)
    @blp.response(201, PlanOut)
    def post(self, data):
        """Draw a random inspection plan for a district and period (seed recorded)."""
        plan = inspection_plans.create_plan(auth.current(), data)
        return inspection_plans.officer_view(plan)


@blp.route("/v1/inspection-plans/<int:plan_id>")
class PlanItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, PlanOut)
    def get(self, plan_id):
        """Read a plan: merchants drawn, their class at the draw, inspectors, outcomes."""
        plan = one_or_404(scoped_plans().where(InspectionPlan.id == plan_id), "plan")
        return inspection_plans.officer_view(plan)


@blp.route("/v1/inspection-plans/<int:plan_id>/publish")
class PlanPublication(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, PlanOut)
    def post(self, plan_id):
        """Publish a plan's list of businesses and outcomes, after its period (一公开)."""
        plan = one_or_404(scoped_plans().where(InspectionPlan.id == plan_id), "plan")
        inspection_plans.publish(auth.current(), plan)
        return inspection_plans.officer_view(plan)


@blp.route("/v1/officer-conflicts")
class Conflicts(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ConflictOut))
    def get(self, args):
        """List declared conflicts of interest of your district's officers."""
        stmt = scoped_conflicts().order_by(OfficerConflict.id.desc())
        return paginate(stmt, args["page"], args["per_page"])

    @allow(CITY, DISTRICT)
    @blp.arguments(ConflictIn)
    @blp.response(201, ConflictOut)
    def post(self, data):
        """Declare an officer's conflict of interest with a merchant (回避)."""
        conflict = inspection_plans.declare_conflict(auth.current(), data)
        return conflict


@blp.route("/v1/officer-conflicts/<int:conflict_id>")
class ConflictItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, ConflictOut)
    def get(self, conflict_id):
        """Read one declared conflict."""
        stmt = scoped_conflicts().where(OfficerConflict.id == conflict_id)
        return one_or_404(stmt, "conflict")


@blp.route("/public/v1/inspection-plans")
class PublishedPlans(MethodView):
    @allow(PUBLIC)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(PublicPlanOut))
    def get(self, args):
        """Published random inspection plans: businesses inspected and outcomes."""
        stmt = published_plans().order_by(InspectionPlan.id.desc())
        page = paginate(stmt, args["page"], args["per_page"])
        return {**page, "items": [inspection_plans.public_view(p) for p in page["items"]]}


@blp.route("/public/v1/inspection-plans/<int:plan_id>")
class PublishedPlan(MethodView):
    @allow(PUBLIC)
    @blp.response(200, PublicPlanOut)
    def get(self, plan_id):
        """One published random inspection plan."""
        plan = one_or_404(published_plans().where(InspectionPlan.id == plan_id), "plan")
        return inspection_plans.public_view(plan)
