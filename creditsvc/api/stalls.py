"""Stalls of a market, and which merchant trades at each."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import StallArgs, StallIn, StallOut, StallUpdate
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries

blp = Blueprint("stalls", __name__, url_prefix="/api/v1/stalls", description="Market stalls")


@blp.route("")
class Stalls(MethodView):
    @allow(*STAFF)
    @blp.arguments(StallArgs, location="query")
    @blp.response(200, page_of(StallOut))
    def get(self, args):
        """List stalls of the markets you may see."""
        return queries.stalls_page(auth.current(), args)

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
        return queries.stall(auth.current(), stall_id)

    @allow(*STAFF)
    @blp.arguments(StallUpdate)
    @blp.response(200, StallOut)
    def patch(self, data, stall_id):
        """Assign the merchant trading at a stall (null to clear)."""
        stall = queries.stall(auth.current(), stall_id)
        registry.assign_stall(auth.current(), stall, data)
        return stall
