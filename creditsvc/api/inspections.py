"""Inspections with findings, net-content lots (JJF 1070) and penalty decisions."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, unit_of_work
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.principals import HOST, MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.evidence import (
    InspectionArgs,
    InspectionIn,
    InspectionOut,
    PenaltyChangeIn,
)
from creditsvc.services.evidence import inspections, penalty_changes, queries
from creditsvc.services.risk import inspection_plans

blp = Blueprint(
    "inspections", __name__, url_prefix="/api/v1/inspections", description="Inspections"
)


@blp.route("")
class Inspections(MethodView):
    @allow(*OFFICERS, HOST, MERCHANT)
    @blp.arguments(InspectionArgs, location="query")
    @blp.response(200, page_of(InspectionOut))
    def get(self, args):
        """List inspections you may see, newest first."""
        return queries.inspections_page(auth.current(), args)

    @allow(*OFFICERS)
    @blp.idempotent
    @blp.arguments(InspectionIn)
    @blp.response(201, InspectionOut)
    def post(self, data):
        """Record an inspection of a merchant in your district."""
        inspection = inspections.record_inspection(auth.current(), data)
        inspection_plans.attach_inspection(auth.current(), inspection, data.get("plan"))
        unit_of_work.after_commit(rescore.rescore_soon)
        return inspection


@blp.route("/<int:inspection_id>")
class InspectionItem(MethodView):
    @allow(*OFFICERS, HOST, MERCHANT)
    @blp.response(200, InspectionOut)
    def get(self, inspection_id):
        """Read one inspection with its findings, lots and penalty."""
        return queries.inspection(auth.current(), inspection_id)


@blp.route("/<int:inspection_id>/penalty-change")
class PenaltyChangeItem(MethodView):
    @allow(*OFFICERS)
    @blp.idempotent
    @blp.arguments(PenaltyChangeIn)
    @blp.response(201, InspectionOut)
    def post(self, data, inspection_id):
        """Record that the inspection's penalty decision was revoked or changed."""
        p = auth.current()
        penalty_changes.record(p, inspection_id, data)
        return queries.inspection(p, inspection_id)
