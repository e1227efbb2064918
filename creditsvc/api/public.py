"""Open data for anyone, no login: published grades and merchant public records."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from creditsvc.auth import PUBLIC, allow
from creditsvc.schemas.common import page_of
from creditsvc.schemas.standing import PublicMerchantOut, PublicRecordOut, PublicSearchArgs
from creditsvc.services import public

blp = Blueprint(
    "public", __name__, url_prefix="/api/public/v1", description="Public open data (no login)"
)


@blp.route("/merchants")
class PublicMerchants(MethodView):
    @allow(PUBLIC)
    @blp.arguments(PublicSearchArgs, location="query")
    @blp.response(200, page_of(PublicMerchantOut))
    def get(self, args):
        """Search businesses by name or USCC, district, street, trade and grade."""
        return public.page(args)


@blp.route("/merchants/<uscc>")
class PublicMerchant(MethodView):
    @allow(PUBLIC)
    @blp.response(200, PublicRecordOut)
    def get(self, uscc):
        """A business's public record: grade, date and its top three reasons."""
        record = public.record(uscc)
        if record is None:
            abort(404, message="no such business")
        return record
