"""Penalty decisions owed to the national enterprise credit publicity system, with their
20-working-day deadlines (行政处罚信息公示规定 第四条), and the record that they were published."""

from __future__ import annotations

from datetime import date

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
from creditsvc.spreadsheets import write_csv

blp = Blueprint(
    "penalty_publicity",
    __name__,
    url_prefix="/api/v1",
    description="Penalty publication on the national credit publicity system",
)


# The CSV's columns: (key, header). No contact data: the party is a business.
CSV_COLUMNS = (
    ("decision_number", "行政处罚决定书文号"),
    ("party_name", "当事人名称"),
    ("party_uscc", "统一社会信用代码"),
    ("violation", "违法行为类型"),
    ("penalty", "处罚内容"),
    ("authority", "处罚机关"),
    ("decided_on", "处罚决定日期"),
    ("deadline", "公示期限"),
    ("working_days_left", "剩余工作日"),
    ("status", "公示状态"),
    ("published_on", "公示日期"),
    ("calendar", "期限无法计算的原因"),  # a year without a loaded holiday calendar
)


def _cell(value) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, date) else str(value)


@blp.route("/penalty-publications")
class PenaltyPublications(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PublicationPageArgs, location="query")
    @blp.response(200, page_of(PublicationOut))
    def get(self, args):
        """List ordinary-procedure penalties with their publication deadline and status."""
        rows = penalty_publicity.listing(auth.current(), args)
        per_page, page = args["per_page"], args["page"]
        return {
            "items": rows[(page - 1) * per_page : page * per_page],
            "page": page,
            "per_page": per_page,
            "total": len(rows),
            "pages": -(-len(rows) // per_page),
        }


@blp.route("/penalty-publications.csv")
class PenaltyPublicationsCsv(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(PublicationArgs, location="query")
    @blp.response(200, description="CSV, UTF-8 with BOM")
    def get(self, args):
        """The same list as CSV (UTF-8 with BOM, opens in Excel)."""
        rows = penalty_publicity.listing(auth.current(), args)
        body = write_csv(
            [header for _, header in CSV_COLUMNS],
            [[_cell(row[key]) for key, _ in CSV_COLUMNS] for row in rows],
        )
        return Response(
            body,
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="penalty-publications.csv"'},
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
