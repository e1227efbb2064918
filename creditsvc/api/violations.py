"""The violation catalogue: codes an inspection may record, with their legal basis."""

from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView
from marshmallow import Schema, fields

from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.catalogue import violations
from creditsvc.principals import PUBLIC

blp = Blueprint(
    "violations", __name__, url_prefix="/api/v1/violations", description="Violation catalogue"
)


class ViolationOut(Schema):
    code = fields.Str()
    name_zh = fields.Str()
    name_en = fields.Str()
    default_severity = fields.Str()
    obligation_basis = fields.Str()
    penalty_basis = fields.Str()
    penalty_summary = fields.Str()
    certainty = fields.Str()


@blp.route("")
class Violations(MethodView):
    @allow(PUBLIC)
    @blp.response(200, ViolationOut(many=True))
    def get(self):
        """List the violation codes with the articles they rest on."""
        return [asdict(v) for v in violations().values()]
