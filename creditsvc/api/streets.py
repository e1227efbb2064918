"""Streets and towns (街道/镇) of each district."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.models import Street
from creditsvc.principals import OFFICERS, STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import StreetArgs, StreetIn, StreetOut
from creditsvc.services import scope
from creditsvc.services.reads import paginate
from creditsvc.services.registry import operations as registry

blp = Blueprint("streets", __name__, url_prefix="/api/v1/streets", description="Streets and towns")


@blp.route("")
class Streets(MethodView):
    @allow(*STAFF)
    @blp.arguments(StreetArgs, location="query")
    @blp.response(200, page_of(StreetOut))
    def get(self, args):
        """List streets and towns."""
        stmt = select(Street).where(scope.streets(auth.current())).order_by(Street.id)
        if "district" in args:
            stmt = stmt.where(Street.district_code == args["district"])
        if args.get("q"):
            stmt = stmt.where(Street.name.contains(args["q"], autoescape=True))
        return paginate(stmt, args["page"], args["per_page"])

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
        return one_or_404(
            select(Street).where(Street.id == street_id, scope.streets(auth.current())), "street"
        )
