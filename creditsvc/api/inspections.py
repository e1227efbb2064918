"""Inspections with findings, net-content lots (JJF 1070) and penalty decisions."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth, unit_of_work
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.models import Inspection, Merchant, PenaltyDecision
from creditsvc.principals import HOST, MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.evidence import InspectionArgs, InspectionIn, InspectionOut
from creditsvc.services import scope
from creditsvc.services.evidence import inspections
from creditsvc.services.reads import paginate
from creditsvc.services.risk import inspection_plans

blp = Blueprint(
    "inspections", __name__, url_prefix="/api/v1/inspections", description="Inspections"
)


def scoped_inspections():
    return select(Inspection).where(scope.evidence(auth.current(), Inspection))


@blp.route("")
class Inspections(MethodView):
    @allow(*OFFICERS, HOST, MERCHANT)
    @blp.arguments(InspectionArgs, location="query")
    @blp.response(200, page_of(InspectionOut))
    def get(self, args):
        """List inspections you may see, newest first."""
        stmt = scoped_inspections().order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        if "merchant" in args:
            stmt = stmt.join(Merchant).where(Merchant.uscc == args["merchant"])
        if "kind" in args:
            stmt = stmt.where(Inspection.kind == args["kind"])
        if "since" in args:
            stmt = stmt.where(Inspection.inspected_on >= args["since"])
        if "until" in args:
            stmt = stmt.where(Inspection.inspected_on <= args["until"])
        if "district" in args:
            stmt = stmt.where(Inspection.district_code == args["district"])
        if args.get("with_penalty"):
            stmt = stmt.where(Inspection.id.in_(select(PenaltyDecision.inspection_id)))
        return paginate(stmt, args["page"], args["per_page"])

    @allow(*OFFICERS)
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
        return one_or_404(scoped_inspections().where(Inspection.id == inspection_id), "inspection")
