"""The verification registry (强制检定): instruments held by a merchant, a stall or a
market, and their verification records (issue 20)."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, clock
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.instruments import (
    InstrumentArgs,
    InstrumentDetailOut,
    InstrumentListOut,
    InstrumentRegisterIn,
    VerificationIn,
    VerificationOut,
)
from creditsvc.services.instruments import operations, queries

blp = Blueprint(
    "instruments", __name__, url_prefix="/api/v1/instruments", description="Instruments"
)


@blp.route("")
class Instruments(MethodView):
    @allow(*STAFF)
    @blp.arguments(InstrumentArgs, location="query")
    @blp.response(200, page_of(InstrumentListOut))
    def get(self, args):
        """List the instruments you may see, soonest due first (`due=overdue`)."""
        return queries.instruments_page(auth.current(), args, clock.today())

    @allow(*STAFF)
    @blp.arguments(InstrumentRegisterIn)
    @blp.response(201, InstrumentDetailOut)
    def post(self, data):
        """Register an instrument held by a merchant, a stall or a market."""
        p = auth.current()
        instrument = operations.register(p, data)
        return queries.instrument(p, instrument.id)


@blp.route("/<int:instrument_id>")
class InstrumentItem(MethodView):
    @allow(*STAFF)
    @blp.response(200, InstrumentDetailOut)
    def get(self, instrument_id):
        """Read one instrument with its verification records, newest first."""
        return queries.instrument(auth.current(), instrument_id)


@blp.route("/<int:instrument_id>/verifications")
class Verifications(MethodView):
    @allow(*STAFF)
    @blp.arguments(VerificationIn)
    @blp.response(201, VerificationOut)
    def post(self, data, instrument_id):
        """Record a verification; the instrument's due date follows its newest record."""
        p = auth.current()
        return operations.record_verification(p, queries.instrument(p, instrument_id), data)
