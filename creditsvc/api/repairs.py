"""Credit repair (信用修复): early end of an exposure entry (行政处罚信息公示规定 第十四条)."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, clock
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.requests import RepairArgs, RepairDecisionIn, RepairIn, RepairOut
from creditsvc.services.appeals import queries as appeals
from creditsvc.services.appeals import repairs

blp = Blueprint("repairs", __name__, url_prefix="/api/v1/repairs", description="Credit repair")


@blp.route("")
class Repairs(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.arguments(RepairArgs, location="query")
    @blp.response(200, page_of(RepairOut))
    def get(self, args):
        """List repair applications (a merchant sees its own), soonest decision first."""
        return appeals.repairs_page(auth.current(), args)

    @allow(MERCHANT)
    @blp.arguments(RepairIn)
    @blp.response(201, RepairOut)
    def post(self, data):
        """Apply to end one of your exposure entries early; the conditions are checked."""
        application = repairs.file(auth.current(), data, clock.today())
        return application


@blp.route("/<int:repair_id>")
class RepairItem(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.response(200, RepairOut)
    def get(self, repair_id):
        """Read one application, with the conditions' check and the decision."""
        return appeals.repair(auth.current(), repair_id)


@blp.route("/<int:repair_id>/decide")
class RepairDecide(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(RepairDecisionIn)
    @blp.response(200, RepairOut)
    def post(self, data, repair_id):
        """Approve (the entry is withdrawn at once) or refuse, giving the reason."""
        p = auth.current()
        application = appeals.repair(p, repair_id)
        repairs.decide(p, application, data, clock.today())
        return application
