"""Markets (集贸市场) and their hosts."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.models import Market
from creditsvc.principals import OFFICERS, STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import MarketArgs, MarketIn, MarketOut, MarketUpdate
from creditsvc.services import scope
from creditsvc.services.reads import paginate
from creditsvc.services.registry import operations as registry

blp = Blueprint("markets", __name__, url_prefix="/api/v1/markets", description="Markets")


@blp.route("")
class Markets(MethodView):
    @allow(*STAFF)
    @blp.arguments(MarketArgs, location="query")
    @blp.response(200, page_of(MarketOut))
    def get(self, args):
        """List the markets you may see."""
        stmt = select(Market).where(scope.markets(auth.current())).order_by(Market.id)
        if "district" in args:
            stmt = stmt.where(Market.district_code == args["district"])
        if "street_id" in args:
            stmt = stmt.where(Market.street_id == args["street_id"])
        if args.get("q"):
            stmt = stmt.where(Market.name.contains(args["q"], autoescape=True))
        return paginate(stmt, args["page"], args["per_page"])

    @allow(*OFFICERS)
    @blp.arguments(MarketIn)
    @blp.response(201, MarketOut)
    def post(self, data):
        """Register a market in your district."""
        market = registry.create_market(auth.current(), data)
        return market


@blp.route("/<int:market_id>")
class MarketItem(MethodView):
    @allow(*STAFF)
    @blp.response(200, MarketOut)
    def get(self, market_id):
        """Read one market."""
        return one_or_404(
            select(Market).where(Market.id == market_id, scope.markets(auth.current())), "market"
        )

    @allow(*STAFF)
    @blp.arguments(MarketUpdate)
    @blp.response(200, MarketOut)
    def patch(self, data, market_id):
        """Change a market's name, street, address or host."""
        market = one_or_404(
            select(Market).where(Market.id == market_id, scope.markets(auth.current())), "market"
        )
        registry.update_market(auth.current(), market, data)
        return market
