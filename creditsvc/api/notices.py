"""Notices (exposure notices, honor rolls, demonstration listings, placards): drafted,
approved, published as a PDF by a render job, withdrawn or corrected by officers."""

from __future__ import annotations

from flask import send_file
from flask.views import MethodView
from flask_smorest import abort

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import render
from creditsvc.models import Notice, NoticeStatus
from creditsvc.principals import OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.publication import (
    GoingPublicOut,
    NoticeArgs,
    NoticeIn,
    NoticeOut,
    NoticeSummaryOut,
    PublishIn,
    ReasonIn,
)
from creditsvc.services.publication import notices, queries, withdrawal
from creditsvc.services.publication import publishing as notices_publish

blp = Blueprint("notices", __name__, url_prefix="/api/v1/notices", description="Notices")


@blp.route("")
class Notices(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(NoticeArgs, location="query")
    @blp.response(200, page_of(NoticeSummaryOut))
    def get(self, args):
        """List notices of your district, newest first."""
        return queries.notices_page(auth.current(), args)

    @allow(*OFFICERS)
    @blp.arguments(NoticeIn)
    @blp.response(201, NoticeOut)
    def post(self, data):
        """Draft a notice: what would be published, and why each entry qualifies."""
        return queries.answer(notices.create_draft(auth.current(), data))


@blp.route("/<int:notice_id>")
class NoticeItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, NoticeOut)
    def get(self, notice_id):
        """Read a notice: status, serial, PDF, entries with their deadlines, who did what."""
        return queries.answer(queries.notice(auth.current(), notice_id))


@blp.route("/<int:notice_id>/approve")
class NoticeApprove(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, NoticeOut)
    def post(self, notice_id):
        """Approve a draft for publication."""
        p = auth.current()
        return queries.answer(notices.approve(p, queries.notice(p, notice_id)))


@blp.route("/<int:notice_id>/publish")
class NoticePublish(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, GoingPublicOut)
    def get(self, notice_id):
        """What publishing the notice makes public: period, names, USCCs, decisions."""
        return queries.going_public(queries.notice(auth.current(), notice_id))

    @allow(*OFFICERS)
    @blp.arguments(PublishIn)
    @blp.response(200, NoticeOut, description="published (the job ran inline)")
    @blp.alt_response(202, schema=NoticeOut, description="queued for the render job")
    @blp.alt_response(
        503, description="the PDF could not be stored, or the job queue is down; still approved"
    )
    def post(self, data, notice_id):
        """Publish an approved notice: render its PDF (a job) and store it."""
        p = auth.current()
        run_id = notices.request_publication(p, queries.notice(p, notice_id))
        render.start_render(notice_id, run_id, p.name)
        notice = queries.as_stored(notice_id)
        return queries.answer(notice), 200 if notice.status == NoticeStatus.PUBLISHED else 202


@blp.route("/<int:notice_id>/withdraw")
class NoticeWithdraw(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ReasonIn)
    @blp.response(200, NoticeOut)
    def post(self, data, notice_id):
        """Withdraw a notice (a draft, an approved or a published one), giving the reason."""
        p = auth.current()
        return queries.answer(notices.withdraw(p, queries.notice(p, notice_id), data["reason"]))


@blp.route("/<int:notice_id>/correct")
class NoticeCorrect(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ReasonIn)
    @blp.response(201, NoticeOut)
    def post(self, data, notice_id):
        """Draft a corrected version of a published notice; publishing it supersedes this one."""
        p = auth.current()
        return queries.answer(notices.correct(p, queries.notice(p, notice_id), data["reason"]))


@blp.route("/<int:notice_id>/entries/<int:entry_id>/withdraw")
class EntryWithdraw(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ReasonIn)
    @blp.response(200, NoticeOut)
    def post(self, data, notice_id, entry_id):
        """Take one entry off a published notice; a corrected version supersedes it."""
        p = auth.current()
        notice = queries.notice(p, notice_id)
        withdrawal.take_off_one(p, notice, queries.entry(notice, entry_id), data["reason"])
        return queries.answer(notice)


@blp.route("/<int:notice_id>/pdf")
class NoticePdf(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, description="the stored PDF; ETag is its SHA-256")
    def get(self, notice_id):
        """Download the stored PDF of a published notice."""
        return send_pdf(queries.notice(auth.current(), notice_id))


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
