"""Merchants (经营者) and their measuring instruments."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc import uscc as uscc_rules
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.models import Merchant
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
from creditsvc.services import scope
from creditsvc.services.reads import paginate
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import search
from creditsvc.services.standing import queries as standing

blp = Blueprint("merchants", __name__, url_prefix="/api/v1/merchants", description="Merchants")


def scoped_merchant(code: str) -> Merchant:
    stmt = select(Merchant).where(
        Merchant.uscc == uscc_rules.normalise(code), scope.merchants(auth.current())
    )
    return one_or_404(stmt, "merchant")


@blp.route("")
class Merchants(MethodView):
    @allow(*STAFF)
    @blp.arguments(MerchantArgs, location="query")
    @blp.response(200, page_of(MerchantOut))
    def get(self, args):
        """List the merchants you may see, filtered and paged."""
        stmt = select(Merchant).where(scope.merchants(auth.current())).order_by(Merchant.id)
        if args.get("q"):
            stmt = stmt.where(search.merchants_matching(args["q"]))
        for key, column in (
            ("district", Merchant.district_code),
            ("trade", Merchant.trade),
            ("street_id", Merchant.street_id),
            ("market_id", Merchant.market_id),
        ):
            if key in args:
                stmt = stmt.where(column == args[key])
        return paginate(stmt, args["page"], args["per_page"])

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
        return scoped_merchant(uscc)

    @allow(CITY, DISTRICT, HOST)
    @blp.arguments(MerchantUpdate)
    @blp.response(200, MerchantOut)
    def patch(self, data, uscc):
        """Change a merchant's name, trade, street, market or address."""
        merchant = registry.update_merchant(auth.current(), scoped_merchant(uscc), data)
        return merchant


@blp.route("/<uscc>/instruments")
class Instruments(MethodView):
    @allow(*STAFF, MERCHANT)
    @blp.response(200, InstrumentOut(many=True))
    def get(self, uscc):
        """List a merchant's measuring instruments."""
        return scoped_merchant(uscc).instruments

    @allow(*OFFICERS, HOST)
    @blp.arguments(InstrumentIn)
    @blp.response(201, InstrumentOut)
    def post(self, data, uscc):
        """Register a measuring instrument of a merchant."""
        instrument = registry.add_instrument(auth.current(), scoped_merchant(uscc), data)
        return instrument


@blp.route("/<uscc>/standing")
class MerchantStanding(MethodView):
    @allow(*STAFF, MERCHANT)
    @blp.response(200, StandingOut)
    def get(self, uscc):
        """Score, grade, every reason, history, and when the grade will rise."""
        return standing.of(scoped_merchant(uscc))
