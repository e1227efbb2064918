"""Stalls of a market, and which merchant trades at each."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.models import Market, Stall
from creditsvc.principals import STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import StallArgs, StallIn, StallOut, StallUpdate
from creditsvc.services import scope
from creditsvc.services.reads import paginate
from creditsvc.services.registry import operations as registry

blp = Blueprint("stalls", __name__, url_prefix="/api/v1/stalls", description="Market stalls")


def scoped_stalls():
    return select(Stall).join(Market).where(scope.markets(auth.current()))


@blp.route("")
class Stalls(MethodView):
    @allow(*STAFF)
    @blp.arguments(StallArgs, location="query")
    @blp.response(200, page_of(StallOut))
    def get(self, args):
        """List stalls of the markets you may see."""
        stmt = scoped_stalls().order_by(Stall.id)
        if "market_id" in args:
            stmt = stmt.where(Stall.market_id == args["market_id"])
        return paginate(stmt, args["page"], args["per_page"])

    @allow(*STAFF)
    @blp.arguments(StallIn)
    @blp.response(201, StallOut)
    def post(self, data):
        """Register a stall in a market you manage."""
        stall = registry.create_stall(auth.current(), data)
        return stall


@blp.route("/<int:stall_id>")
class StallItem(MethodView):
    @allow(*STAFF)
    @blp.response(200, StallOut)
    def get(self, stall_id):
        """Read one stall."""
        return one_or_404(scoped_stalls().where(Stall.id == stall_id), "stall")

    @allow(*STAFF)
    @blp.arguments(StallUpdate)
    @blp.response(200, StallOut)
    def patch(self, data, stall_id):
        """Assign the merchant trading at a stall (null to clear)."""
        stall = one_or_404(scoped_stalls().where(Stall.id == stall_id), "stall")
        registry.assign_stall(auth.current(), stall, data)
        return stall
