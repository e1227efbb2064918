"""Notices (exposure notices, honor rolls, demonstration listings, placards): drafted,
approved, published as a PDF by a render job, withdrawn or corrected by officers."""

from __future__ import annotations

from flask import send_file, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from creditsvc import auth, jobs, unit_of_work
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.extensions import db
from creditsvc.jobs.render import render_notice
from creditsvc.models import NOTICE_KINDS, NOTICE_STATUSES, Notice, NoticeEntry
from creditsvc.principals import OFFICERS
from creditsvc.schemas.common import PageArgs, USCCRef, page_of
from creditsvc.schemas.registry import StrippedSchema, district_field
from creditsvc.services.publication import notices
from creditsvc.services.publication import publishing as notices_publish
from creditsvc.services.reads import paginate

blp = Blueprint("notices", __name__, url_prefix="/api/v1/notices", description="Notices")


class NoticeIn(StrippedSchema):
    kind = fields.Str(required=True, validate=validate.OneOf(NOTICE_KINDS))
    district_code = district_field(required=True)
    period_start = fields.Date(metadata={"description": "exposure: first decision day"})
    period_end = fields.Date(metadata={"description": "exposure: last decision day"})
    merchant = USCCRef(metadata={"description": "placard: the merchant's USCC"})

    @validates_schema
    def fits_the_kind(self, data, **kwargs):
        exposure, placard = data["kind"] == "exposure", data["kind"] == "placard"
        for name in ("period_start", "period_end"):
            if exposure and name not in data:
                raise ValidationError("an exposure notice needs its period", name)
            if not exposure and name in data:
                raise ValidationError("only an exposure notice has a period", name)
        if exposure and data["period_start"] > data["period_end"]:
            raise ValidationError("the period ends before it starts", "period_end")
        if placard != ("merchant" in data):
            raise ValidationError("a placard, and only a placard, names a merchant", "merchant")


class NoticeArgs(PageArgs):
    district = fields.Str()
    kind = fields.Str(validate=validate.OneOf(NOTICE_KINDS))
    status = fields.Str(validate=validate.OneOf(NOTICE_STATUSES))


class ReasonIn(StrippedSchema):
    reason = fields.Str(required=True, validate=validate.Length(min=2, max=500))


class DeadlineOut(Schema):
    date = fields.Date()
    reason = fields.Str()
    working_days_left = fields.Int(metadata={"description": "negative when overdue"})


class EntryOut(Schema):
    id = fields.Int()
    position = fields.Int()
    status = fields.Str(metadata={"description": "active | expired | withdrawn"})
    content = fields.Dict(metadata={"description": "what the document shows"})
    qualifies = fields.Str(metadata={"description": "why the entry qualifies"})
    window_months = fields.Int(allow_none=True)
    published_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True, metadata={"description": "end of the window"})
    deadline = fields.Function(
        lambda e: DeadlineOut().dump(d) if (d := notices.entry_deadline(e)) else None,
        metadata={"description": "when the entry must come off publication, and why"},
    )
    expired_on = fields.Date(allow_none=True)
    withdrawn_by = fields.Str(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    withdraw_reason = fields.Str(allow_none=True)


def _pdf_url(notice: Notice) -> str | None:
    return url_for("notices.NoticePdf", notice_id=notice.id) if notice.file_name else None


class NoticeSummaryOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    district = fields.Str(attribute="district_code")
    title = fields.Str()
    status = fields.Str()
    serial = fields.Str(allow_none=True)
    pdf_url = fields.Function(_pdf_url)
    verify_url = fields.Function(
        lambda n: notices_publish.verify_url(n.serial) if n.serial else None
    )
    sha256 = fields.Str(allow_none=True)
    pages = fields.Int(allow_none=True)
    as_of = fields.Date()
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    merchant = fields.Function(lambda n: n.merchant.uscc if n.merchant else None)
    supersedes = fields.Int(attribute="supersedes_id", allow_none=True)
    correction_reason = fields.Str(allow_none=True)
    render_job = fields.Str(attribute="render_job_id", allow_none=True)
    render_error = fields.Str(allow_none=True)
    created_by = fields.Str()
    created_at = fields.DateTime()
    approved_by = fields.Str(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    published_on = fields.Date(allow_none=True)
    published_by = fields.Str(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    withdrawn_by = fields.Str(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    withdraw_reason = fields.Str(allow_none=True)
    expired_on = fields.Date(allow_none=True)


class NoticeOut(NoticeSummaryOut):
    superseded_by = fields.Function(
        lambda n: s.id if (s := notices.successor(n)) else None, allow_none=True
    )
    entries = fields.List(fields.Nested(EntryOut))


def scoped_notices():
    return select(Notice).where(notices.scoped(auth.current()))


def _notice(notice_id: int) -> Notice:
    return one_or_404(scoped_notices().where(Notice.id == notice_id), "notice")


@blp.route("")
class Notices(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(NoticeArgs, location="query")
    @blp.response(200, page_of(NoticeSummaryOut))
    def get(self, args):
        """List notices of your district, newest first."""
        stmt = scoped_notices().order_by(Notice.id.desc())
        for key, column in (("district", Notice.district_code), ("kind", Notice.kind),
                            ("status", Notice.status)):  # fmt: skip
            if key in args:
                stmt = stmt.where(column == args[key])
        return paginate(stmt, args["page"], args["per_page"])

    @allow(*OFFICERS)
    @blp.arguments(NoticeIn)
    @blp.response(201, NoticeOut)
    def post(self, data):
        """Draft a notice: what would be published, and why each entry qualifies."""
        notice = notices.create_draft(auth.current(), data)
        return notice


@blp.route("/<int:notice_id>")
class NoticeItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, NoticeOut)
    def get(self, notice_id):
        """Read a notice: status, serial, PDF, entries with their deadlines, who did what."""
        return _notice(notice_id)


@blp.route("/<int:notice_id>/approve")
class NoticeApprove(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, NoticeOut)
    def post(self, notice_id):
        """Approve a draft for publication."""
        notice = notices.approve(auth.current(), _notice(notice_id))
        return notice


@blp.route("/<int:notice_id>/publish")
class NoticePublish(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, NoticeOut, description="published (the job ran inline)")
    @blp.alt_response(202, schema=NoticeOut, description="queued for the render job")
    @blp.alt_response(503, description="the PDF could not be stored; still approved")
    def post(self, notice_id):
        """Publish an approved notice: render its PDF (a job), store it, give it a serial."""
        notice = _notice(notice_id)
        run_id = notices.request_publication(auth.current(), notice)
        unit_of_work.commit()  # the render job reads the request; the answer, its outcome
        jobs.enqueue("render", render_notice, notice.id, run_id, auth.current().name)
        db.session.expire_all()
        notice = db.session.get(Notice, notice_id)
        return notice, 200 if notice.status == "published" else 202


@blp.route("/<int:notice_id>/withdraw")
class NoticeWithdraw(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ReasonIn)
    @blp.response(200, NoticeOut)
    def post(self, data, notice_id):
        """Withdraw a notice (a draft, an approved or a published one), giving the reason."""
        notice = notices.withdraw(auth.current(), _notice(notice_id), data["reason"])
        return notice


@blp.route("/<int:notice_id>/correct")
class NoticeCorrect(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ReasonIn)
    @blp.response(201, NoticeOut)
    def post(self, data, notice_id):
        """Draft a corrected version of a published notice; publishing it supersedes this one."""
        draft = notices.correct(auth.current(), _notice(notice_id), data["reason"])
        return draft


@blp.route("/<int:notice_id>/entries/<int:entry_id>/withdraw")
class EntryWithdraw(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ReasonIn)
    @blp.response(200, NoticeOut)
    def post(self, data, notice_id, entry_id):
        """Take one entry off a published notice (e.g. its penalty was revoked)."""
        notice = _notice(notice_id)
        entry = one_or_404(
            select(NoticeEntry).where(
                NoticeEntry.notice_id == notice.id, NoticeEntry.id == entry_id
            ),
            "entry",
        )
        notices.withdraw_entry(auth.current(), notice, entry, data["reason"])
        return notice


@blp.route("/<int:notice_id>/pdf")
class NoticePdf(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, description="the stored PDF; ETag is its SHA-256")
    def get(self, notice_id):
        """Download the stored PDF of a published notice."""
        return send_pdf(_notice(notice_id))


def send_pdf(notice: Notice):
    """The stored file, with its SHA-256 as the ETag (If-None-Match answers 304)."""
    if not notice.file_name:
        abort(404, message="this notice has no PDF: it has not been published")
    path = notices_publish.storage_path(notice.file_name)
    if not path.is_file():
        abort(404, message="the stored PDF is missing")
    return send_file(
        path,
        mimetype="application/pdf",
        download_name=f"{notice.serial}.pdf",
        etag=notice.sha256,
        conditional=True,
        max_age=3600,
    )
