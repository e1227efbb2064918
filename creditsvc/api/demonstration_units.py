"""Demonstration units (诚信计量示范单位): nomination or application, assessment,
designation, suspension on a serious finding, revocation."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, clock
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import ASSOCIATION, MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.programme import (
    AssessIn,
    DemonstrationUnitOut,
    UnitArgs,
    UnitIn,
    WithdrawIn,
)
from creditsvc.services.programme import demonstration_units
from creditsvc.services.programme import queries as programme

blp = Blueprint(
    "demonstration_units",
    __name__,
    url_prefix="/api/v1/demonstration-units",
    description="Demonstration units",
)
READERS = (*OFFICERS, ASSOCIATION, MERCHANT)


def _done(result):
    return result


@blp.route("")
class DemonstrationUnits(MethodView):
    @allow(*READERS)
    @blp.arguments(UnitArgs, location="query")
    @blp.response(200, page_of(DemonstrationUnitOut))
    def get(self, args):
        """List demonstration-unit cases you may see, newest first."""
        return programme.demonstration_units_page(auth.current(), args)

    @allow(ASSOCIATION, MERCHANT)
    @blp.arguments(UnitIn)
    @blp.response(201, DemonstrationUnitOut)
    def post(self, data):
        """Nominate a member unit (association) or apply (merchant)."""
        return _done(demonstration_units.file(auth.current(), data, clock.today()))


@blp.route("/<int:unit_id>")
class DemonstrationUnitItem(MethodView):
    @allow(*READERS)
    @blp.response(200, DemonstrationUnitOut)
    def get(self, unit_id):
        """Read one demonstration-unit case."""
        return programme.demonstration_unit(auth.current(), unit_id)


@blp.route("/<int:unit_id>/assess")
class DemonstrationUnitAssess(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(AssessIn)
    @blp.response(200, DemonstrationUnitOut)
    def post(self, data, unit_id):
        """Assess: designate for the validity period, or reject."""
        unit = programme.demonstration_unit(auth.current(), unit_id)
        return _done(demonstration_units.assess(auth.current(), unit, data, clock.today()))


@blp.route("/<int:unit_id>/revoke")
class DemonstrationUnitRevoke(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(WithdrawIn)
    @blp.response(200, DemonstrationUnitOut)
    def post(self, data, unit_id):
        """Revoke a designation (suspended or not), giving the reason."""
        p = auth.current()
        unit = programme.demonstration_unit(p, unit_id)
        return _done(demonstration_units.revoke(p, unit, data["reason"], clock.today()))


@blp.route("/<int:unit_id>/reinstate")
class DemonstrationUnitReinstate(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(WithdrawIn)
    @blp.response(200, DemonstrationUnitOut)
    def post(self, data, unit_id):
        """End a suspension without revoking, giving the reason."""
        unit = programme.demonstration_unit(auth.current(), unit_id)
        return _done(demonstration_units.reinstate(auth.current(), unit, data["reason"]))
