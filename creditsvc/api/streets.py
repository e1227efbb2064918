"""Streets and towns (街道/镇) of each district."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import OFFICERS, STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import StreetArgs, StreetIn, StreetOut
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries

blp = Blueprint("streets", __name__, url_prefix="/api/v1/streets", description="Streets and towns")


@blp.route("")
class Streets(MethodView):
    @allow(*STAFF)
    @blp.arguments(StreetArgs, location="query")
    @blp.response(200, page_of(StreetOut))
    def get(self, args):
        """List streets and towns."""
        return queries.streets_page(auth.current(), args)

    @allow(*OFFICERS)
    @blp.arguments(StreetIn)
    @blp.response(201, StreetOut)
    def post(self, data):
        """Add a street or town to your district."""
        street = registry.create_street(auth.current(), data)
        return street


@blp.route("/<int:street_id>")
class StreetItem(MethodView):
    @allow(*STAFF)
    @blp.response(200, StreetOut)
    def get(self, street_id):
        """Read one street or town."""
        return queries.street(auth.current(), street_id)
