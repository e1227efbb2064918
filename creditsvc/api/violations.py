"""The violation catalogue: codes an inspection may record, with their legal basis."""

from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView

from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.catalogue import violations
from creditsvc.principals import PUBLIC
from creditsvc.schemas.admin import ViolationOut

blp = Blueprint(
    "violations", __name__, url_prefix="/api/v1/violations", description="Violation catalogue"
)


@blp.route("")
class Violations(MethodView):
    @allow(PUBLIC)
    @blp.response(200, ViolationOut(many=True))
    def get(self):
        """List the violation codes with the articles they rest on."""
        return [asdict(v) for v in violations().values()]
