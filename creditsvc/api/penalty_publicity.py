"""Penalty decisions owed to the national enterprise credit publicity system, with their
20-working-day deadlines (行政处罚信息公示规定 第四条), and the record that they were published."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.publication import (
    PublicationArgs,
    PublicationOut,
    PublicationPageArgs,
    PublishedIn,
)
from creditsvc.services.publication import penalty_publicity

blp = Blueprint(
    "penalty_publicity",
    __name__,
    url_prefix="/api/v1",
    description="Penalty publication on the national credit publicity system",
)


@blp.route("/penalty-publications")
class PenaltyPublications(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PublicationPageArgs, location="query")
    @blp.response(200, page_of(PublicationOut))
    def get(self, args):
        """List ordinary-procedure penalties with their publication deadline and status."""
        return penalty_publicity.listing_page(auth.current(), args)


@blp.route("/penalty-publications.csv")
class PenaltyPublicationsCsv(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PublicationArgs, location="query")
    @blp.response(200, description="CSV, UTF-8 with BOM")
    def get(self, args):
        """The same list as CSV (UTF-8 with BOM, opens in Excel)."""
        body = penalty_publicity.as_csv(penalty_publicity.listing(auth.current(), args))
        return Response(
            body,
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{penalty_publicity.CSV_NAME}"'},
        )


@blp.route("/penalty-publications/<int:penalty_id>/published")
class PenaltyPublished(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PublishedIn)
    @blp.response(201, PublicationOut)
    def post(self, data, penalty_id):
        """Record that the decision was published on the national credit publicity system."""
        penalty_publicity.record_published(auth.current(), penalty_id, data)
        return penalty_publicity.one(auth.current(), penalty_id)
