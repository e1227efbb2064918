"""Open data for anyone, no login: published grades and merchant public records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Response, current_app, stream_with_context
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema

from creditsvc import clock, rate_limits, spreadsheets
from creditsvc.api.blueprint import Blueprint
from creditsvc.api.notices import send_pdf
from creditsvc.auth import allow
from creditsvc.database import without_transaction
from creditsvc.principals import PUBLIC
from creditsvc.replicas import serve_from_replicas
from creditsvc.schemas.common import page_of
from creditsvc.schemas.programme import PublicUnitOut
from creditsvc.schemas.public import (
    DemonstrationOut,
    DistrictArgs,
    DocumentArgs,
    DocumentOut,
    DocumentVerifyOut,
    HonorRollArgs,
    HonorRollItemOut,
    PublicRecordWithReplyOut,
)
from creditsvc.schemas.standing import PublicMerchantOut, PublicSearchArgs
from creditsvc.services.programme import demonstration_units
from creditsvc.services.publication import public, public_answers, public_cache

blp = Blueprint(
    "public", __name__, url_prefix="/api/public/v1", description="Public open data (no login)"
)
rate_limits.limit_open_data(blp)  # per address: lookups and searches, CSV exports
serve_from_replicas(blp)  # anonymous reads from a hot standby (creditsvc.replicas)


PublicMerchantPage = page_of(PublicMerchantOut)
PAGE = PublicMerchantPage()


@blp.route("/merchants")
class PublicMerchants(MethodView):
    @allow(PUBLIC)
    @blp.arguments(PublicSearchArgs, location="query")
    @blp.response(200, PublicMerchantPage)
    def get(self, args):
        """Search businesses by name or USCC, district, street, trade and grade; sorted.

        A page is stored until a business it may show changes (services.public_cache): the
        public opens the same few listings (a district's grade-A businesses) all day."""
        extra = (f"sort={args['sort']}", f"page={args['page']}", f"per_page={args['per_page']}")
        key = public.kept_key("page", args, *extra)
        return kept_json(public_cache.answer(key, lambda: _page(args)))


def _page(args: dict) -> str:
    without_transaction()  # reads only
    return PAGE.dumps(public.page(args))


def kept_json(kept: public_cache.Kept) -> Response:
    """A stored public answer as JSON, marked for HTTP caches to keep a few seconds only
    (PUBLIC_HTTP_SECONDS): what they keep is never replaced when it changes."""
    response = Response(kept.body, mimetype="application/json")
    response.cache_control.public = True
    response.cache_control.max_age = kept.seconds_left
    return response


@blp.route("/merchants/<uscc>")
class PublicMerchant(MethodView):
    @allow(PUBLIC)
    @blp.response(200, PublicRecordWithReplyOut)
    def get(self, uscc):
        """A business's public record: grade, date, its top three reasons and its reply.

        Stored until it changes, for every worker (services.public_cache)."""
        kept = public_answers.lookup(uscc, before=without_transaction)
        if kept.body is None:
            abort(404, message="no such business")
        return kept_json(kept)


# Published documents, honor rolls, demonstration listings; CSV exports -------------


def csv_response(name: str, schema: Schema, rows: Iterable[Mapping]) -> Response:
    """Rows as CSV (UTF-8 with BOM), one column per field of `schema`, as in the JSON; sent
    as the rows are read, so a city's export is never held whole. HTTP caches may keep it
    as long as a public answer is kept here."""
    response = Response(
        stream_with_context(spreadsheets.csv_of(schema, rows)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PUBLIC_CACHE_SECONDS"]
    return response


@blp.route("/merchants.csv")
class PublicMerchantsCsv(MethodView):
    @allow(PUBLIC)
    @blp.arguments(PublicSearchArgs, location="query")
    @blp.response(200, description="CSV, UTF-8 with BOM")
    def get(self, args):
        """The whole business search result as CSV, by name (sort, page, per_page ignored)."""
        return csv_response("merchants", PublicMerchantOut(), public.merchants_all(args))


@blp.route("/documents")
class PublicDocuments(MethodView):
    @allow(PUBLIC)
    @blp.arguments(DocumentArgs, location="query")
    @blp.response(200, page_of(DocumentOut))
    def get(self, args):
        """Documents in force: exposure notices, honor rolls, demonstration listings, placards."""
        return public.documents_page(args)


@blp.route("/documents.csv")
class PublicDocumentsCsv(MethodView):
    @allow(PUBLIC)
    @blp.arguments(DocumentArgs, location="query")
    @blp.response(200, description="CSV, UTF-8 with BOM")
    def get(self, args):
        """Documents in force as CSV."""
        return csv_response("documents", DocumentOut(), public.documents_all(args))


@blp.route("/documents/<serial>")
class PublicDocument(MethodView):
    @allow(PUBLIC)
    @blp.response(200, DocumentVerifyOut)
    def get(self, serial):
        """Verify a document by its serial: what it is, who issued it, and its status."""
        return public.document(serial)


@blp.route("/documents/<serial>/pdf")
class PublicDocumentPdf(MethodView):
    @allow(PUBLIC)
    @blp.response(200, description="the PDF as issued; ETag is its SHA-256")
    def get(self, serial):
        """Download a document in force as issued."""
        notice = public.published_document(serial)
        if not public.downloadable(notice):
            abort(410, message=f"document {notice.serial} is no longer published in full")
        return send_pdf(notice)


@blp.route("/honor-roll")
class PublicHonorRoll(MethodView):
    @allow(PUBLIC)
    @blp.arguments(HonorRollArgs, location="query")
    @blp.response(200, page_of(HonorRollItemOut))
    def get(self, args):
        """Businesses on honor rolls in force."""
        return public.honor_roll_page(args)


@blp.route("/honor-roll.csv")
class PublicHonorRollCsv(MethodView):
    @allow(PUBLIC)
    @blp.arguments(DistrictArgs, location="query")
    @blp.response(200, description="CSV, UTF-8 with BOM")
    def get(self, args):
        """Businesses on honor rolls in force, as CSV."""
        return csv_response("honor-roll", HonorRollItemOut(), public.honor_roll_all(args))


@blp.route("/demonstrations")
class PublicDemonstrations(MethodView):
    @allow(PUBLIC)
    @blp.arguments(DistrictArgs, location="query")
    @blp.response(200, DemonstrationOut(many=True))
    def get(self, args):
        """Demonstration communities on demonstration listings in force."""
        return public.demonstrations(args)


@blp.route("/demonstrations.csv")
class PublicDemonstrationsCsv(MethodView):
    @allow(PUBLIC)
    @blp.arguments(DistrictArgs, location="query")
    @blp.response(200, description="CSV, UTF-8 with BOM")
    def get(self, args):
        """Demonstration communities on listings in force, as CSV."""
        return csv_response("demonstrations", DemonstrationOut(), public.demonstrations(args))


@blp.route("/demonstration-units")
class PublicDemonstrationUnits(MethodView):
    @allow(PUBLIC)
    @blp.arguments(DistrictArgs, location="query")
    @blp.response(200, PublicUnitOut(many=True))
    def get(self, args):
        """Demonstration units designated and in force (a suspended one is not listed)."""
        return demonstration_units.public_listing(args, clock.today())


@blp.route("/demonstration-units.csv")
class PublicDemonstrationUnitsCsv(MethodView):
    @allow(PUBLIC)
    @blp.arguments(DistrictArgs, location="query")
    @blp.response(200, description="CSV, UTF-8 with BOM")
    def get(self, args):
        """Demonstration units designated and in force, as CSV."""
        rows = demonstration_units.public_listing(args, clock.today())
        return csv_response("demonstration-units", PublicUnitOut(), rows)
