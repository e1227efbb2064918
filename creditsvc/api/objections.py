"""Objections (异议): a merchant disputes evidence or a published entry; officers decide
within 5 working days (Shanghai 社会信用条例 第三十六条)."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, clock, unit_of_work
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.principals import MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.requests import DecisionIn, ObjectionArgs, ObjectionIn, ObjectionOut
from creditsvc.services.appeals import objections
from creditsvc.services.appeals import queries as appeals

blp = Blueprint("objections", __name__, url_prefix="/api/v1/objections", description="Objections")


@blp.route("")
class Objections(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.arguments(ObjectionArgs, location="query")
    @blp.response(200, page_of(ObjectionOut))
    def get(self, args):
        """List objections (a merchant sees its own), soonest decision first."""
        return appeals.objections_page(auth.current(), args)

    @allow(MERCHANT)
    @blp.idempotent
    @blp.arguments(ObjectionIn)
    @blp.response(201, ObjectionOut)
    def post(self, data):
        """Dispute an inspection, complaint, reading or published entry of yours."""
        objection = objections.file(auth.current(), data, clock.today())
        return objection


@blp.route("/<int:objection_id>")
class ObjectionItem(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.response(200, ObjectionOut)
    def get(self, objection_id):
        """Read one objection, with its deadlines and, once decided, the reason."""
        return appeals.objection(auth.current(), objection_id)


@blp.route("/<int:objection_id>/decide")
class ObjectionDecide(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(DecisionIn)
    @blp.response(200, ObjectionOut)
    def post(self, data, objection_id):
        """Uphold (void the evidence, rescore, withdraw entries) or reject with a reason."""
        p = auth.current()
        objection = appeals.objection(p, objection_id)
        objections.decide(p, objection, data["upheld"], data["reason"], clock.today())
        unit_of_work.after_commit(rescore.rescore_soon)
        return objection
