"""Random inspection plans (双随机一公开): drawn and read by officers, published after the
period for anyone; and the conflicts of interest officers declare."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, rate_limits
from creditsvc.api.blueprint import Blueprint
from creditsvc.api.public import csv_response
from creditsvc.auth import allow
from creditsvc.principals import CITY, DISTRICT, OFFICERS, PUBLIC
from creditsvc.schemas.common import PageArgs, page_of
from creditsvc.schemas.risk import (
    ConflictIn,
    ConflictOut,
    PlanArgs,
    PlanIn,
    PlanOut,
    PublicPlanOut,
    PublicPlanRowOut,
)
from creditsvc.services.risk import inspection_plans, queries

# One blueprint for both halves: the officers' /api/v1 paths and the published plans
# under the open-data prefix /api/public/v1.
blp = Blueprint(
    "inspection_plans", __name__, url_prefix="/api", description="Random inspection plans (双随机)"
)


@blp.route("/v1/inspection-plans")
class Plans(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PlanArgs, location="query")
    @blp.response(200, page_of(PlanOut))
    def get(self, args):
        """List the inspection plans of your district, newest first."""
        page = queries.plans_page(auth.current(), args)
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
        return inspection_plans.officer_view(queries.plan(auth.current(), plan_id))


@blp.route("/v1/inspection-plans/<int:plan_id>/publish")
class PlanPublication(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, PlanOut)
    def post(self, plan_id):
        """Publish a plan's list of businesses and outcomes, after its period (一公开)."""
        principal = auth.current()
        plan = queries.plan(principal, plan_id)
        inspection_plans.publish(principal, plan)
        return inspection_plans.officer_view(plan)


@blp.route("/v1/officer-conflicts")
class Conflicts(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ConflictOut))
    def get(self, args):
        """List declared conflicts of interest of your district's officers."""
        return queries.conflicts_page(auth.current(), args)

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
        return queries.conflict(auth.current(), conflict_id)


@blp.route("/public/v1/inspection-plans")
class PublishedPlans(MethodView):
    decorators = [rate_limits.open_data]  # counted as the open-data API's

    @allow(PUBLIC)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(PublicPlanOut))
    def get(self, args):
        """Published random inspection plans: businesses inspected and outcomes."""
        page = queries.published_plans_page(args)
        return {**page, "items": [inspection_plans.public_view(p) for p in page["items"]]}


@blp.route("/public/v1/inspection-plans.csv")
class PublishedPlansCsv(MethodView):
    decorators = [rate_limits.open_data]  # counted as the open-data API's

    @allow(PUBLIC)
    @blp.response(200, description="CSV, UTF-8 with BOM")
    def get(self):
        """Every business of every published plan, with its plan, as CSV (一公开)."""
        return csv_response(
            "inspection-plans", PublicPlanRowOut(), inspection_plans.published_rows()
        )


@blp.route("/public/v1/inspection-plans/<int:plan_id>")
class PublishedPlan(MethodView):
    decorators = [rate_limits.open_data]  # counted as the open-data API's

    @allow(PUBLIC)
    @blp.response(200, PublicPlanOut)
    def get(self, plan_id):
        """One published random inspection plan."""
        return inspection_plans.public_view(queries.published_plan(plan_id))
