"""Merchants (经营者) and their measuring instruments."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import CITY, DISTRICT, HOST, MERCHANT, OFFICERS, STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import (
    InstrumentIn,
    InstrumentOut,
    MerchantArgs,
    MerchantIn,
    MerchantOut,
    MerchantUpdate,
)
from creditsvc.schemas.standing import StandingOut
from creditsvc.services.instruments import operations as instruments
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries
from creditsvc.services.standing import queries as standing

blp = Blueprint("merchants", __name__, url_prefix="/api/v1/merchants", description="Merchants")


@blp.route("")
class Merchants(MethodView):
    @allow(*STAFF)
    @blp.arguments(MerchantArgs, location="query")
    @blp.response(200, page_of(MerchantOut))
    def get(self, args):
        """List the merchants you may see, filtered and paged."""
        return queries.merchants_page(auth.current(), args)

    @allow(CITY, DISTRICT, HOST)
    @blp.arguments(MerchantIn)
    @blp.response(201, MerchantOut)
    def post(self, data):
        """Register a merchant (USCC checked per GB 32100)."""
        merchant = registry.register_merchant(auth.current(), data)
        return merchant


@blp.route("/<uscc>")
class MerchantItem(MethodView):
    @allow(*STAFF, MERCHANT)
    @blp.response(200, MerchantOut)
    def get(self, uscc):
        """Read one merchant by USCC."""
        return queries.merchant(auth.current(), uscc)

    @allow(CITY, DISTRICT, HOST)
    @blp.arguments(MerchantUpdate)
    @blp.response(200, MerchantOut)
    def patch(self, data, uscc):
        """Change a merchant's name, trade, street, market or address."""
        p = auth.current()
        merchant = registry.update_merchant(p, queries.merchant(p, uscc), data)
        return merchant


@blp.route("/<uscc>/instruments")
class Instruments(MethodView):
    @allow(*STAFF, MERCHANT)
    @blp.response(200, InstrumentOut(many=True))
    def get(self, uscc):
        """List a merchant's measuring instruments."""
        return queries.merchant(auth.current(), uscc).instruments

    @allow(*OFFICERS, HOST)
    @blp.arguments(InstrumentIn)
    @blp.response(201, InstrumentOut)
    def post(self, data, uscc):
        """Register a measuring instrument of a merchant."""
        p = auth.current()
        instrument = instruments.register_for_merchant(p, queries.merchant(p, uscc), data)
        return instrument


@blp.route("/<uscc>/standing")
class MerchantStanding(MethodView):
    @allow(*STAFF, MERCHANT)
    @blp.response(200, StandingOut)
    def get(self, uscc):
        """Score, grade, every reason, history, and when the grade will rise."""
        return standing.of(queries.merchant(auth.current(), uscc))
