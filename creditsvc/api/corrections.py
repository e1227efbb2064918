"""Corrections: void a piece of evidence with a reason (a record is added, none edited)."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, unit_of_work
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.principals import OFFICERS
from creditsvc.schemas.common import PageArgs, page_of
from creditsvc.schemas.evidence import CorrectionOut, VoidIn
from creditsvc.services.evidence import corrections, queries

blp = Blueprint(
    "corrections", __name__, url_prefix="/api/v1/corrections", description="Corrections"
)


@blp.route("")
class Corrections(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(CorrectionOut))
    def get(self, args):
        """List voided evidence in your district, newest first."""
        return queries.corrections_page(auth.current(), args)

    @allow(*OFFICERS)
    @blp.idempotent
    @blp.arguments(VoidIn)
    @blp.response(201, CorrectionOut)
    def post(self, data):
        """Void an inspection, complaint or reading, giving the reason."""
        correction = corrections.void(auth.current(), data["kind"], data["id"], data["reason"])
        unit_of_work.after_commit(rescore.rescore_soon)
        return correction
