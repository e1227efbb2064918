"""Markets (集贸市场) and their hosts."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import OFFICERS, STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import MarketArgs, MarketIn, MarketOut, MarketUpdate
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries

blp = Blueprint("markets", __name__, url_prefix="/api/v1/markets", description="Markets")


@blp.route("")
class Markets(MethodView):
    @allow(*STAFF)
    @blp.arguments(MarketArgs, location="query")
    @blp.response(200, page_of(MarketOut))
    def get(self, args):
        """List the markets you may see."""
        return queries.markets_page(auth.current(), args)

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
        return queries.market(auth.current(), market_id)

    @allow(*STAFF)
    @blp.arguments(MarketUpdate)
    @blp.response(200, MarketOut)
    def patch(self, data, market_id):
        """Change a market's name, street, address or host."""
        market = queries.market(auth.current(), market_id)
        registry.update_market(auth.current(), market, data)
        return market
