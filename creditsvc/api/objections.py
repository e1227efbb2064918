"""Objections (异议): a merchant disputes evidence or a published entry; officers decide
within 5 working days (Shanghai 社会信用条例 第三十六条)."""

from __future__ import annotations

from datetime import date

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth, unit_of_work
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.models import Objection
from creditsvc.principals import MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.requests import DecisionIn, ObjectionArgs, ObjectionIn, ObjectionOut
from creditsvc.services.appeals import objections
from creditsvc.services.reads import paginate

blp = Blueprint("objections", __name__, url_prefix="/api/v1/objections", description="Objections")


def objection_or_404(objection_id: int) -> Objection:
    stmt = select(Objection).where(Objection.id == objection_id, objections.scoped(auth.current()))
    return one_or_404(stmt, "objection")


@blp.route("")
class Objections(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.arguments(ObjectionArgs, location="query")
    @blp.response(200, page_of(ObjectionOut))
    def get(self, args):
        """List objections (a merchant sees its own), soonest decision first."""
        stmt = select(Objection).where(objections.scoped(auth.current()))
        if "status" in args:
            stmt = stmt.where(Objection.status == args["status"])
        stmt = stmt.order_by(Objection.decision_due, Objection.id)
        return paginate(stmt, args["page"], args["per_page"])

    @allow(MERCHANT)
    @blp.arguments(ObjectionIn)
    @blp.response(201, ObjectionOut)
    def post(self, data):
        """Dispute an inspection, complaint, reading or published entry of yours."""
        objection = objections.file(auth.current(), data, date.today())
        return objection


@blp.route("/<int:objection_id>")
class ObjectionItem(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.response(200, ObjectionOut)
    def get(self, objection_id):
        """Read one objection, with its deadlines and, once decided, the reason."""
        return objection_or_404(objection_id)


@blp.route("/<int:objection_id>/decide")
class ObjectionDecide(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(DecisionIn)
    @blp.response(200, ObjectionOut)
    def post(self, data, objection_id):
        """Uphold (void the evidence, rescore, withdraw entries) or reject with a reason."""
        objection = objection_or_404(objection_id)
        p = auth.current()
        objections.decide(p, objection, data["upheld"], data["reason"], date.today())
        unit_of_work.after_commit(rescore.rescore_soon)
        return objection
