"""The notice workflow in the console: list by status, draft, review with a PDF preview,
approve, publish (a render job, its status shown while it runs) and withdraw. Every
step goes through `creditsvc.services.publication.notices`, which checks the state and the
officer's district and audits it."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock, unit_of_work
from creditsvc.auth import allow
from creditsvc.jobs import QueueUnavailable, render
from creditsvc.models import NOTICE_KINDS, NOTICE_STATUSES, Notice
from creditsvc.principals import OFFICERS
from creditsvc.schemas.publication import NoticeIn, ReasonIn
from creditsvc.services import scope
from creditsvc.services.errors import DomainError
from creditsvc.services.publication import notices, queries, withdrawal
from creditsvc.services.publication import publishing as notices_publish
from creditsvc.web.console_common import (
    QUEUE_DOWN,
    bp,
    district_in_view,
    districts,
    load,
    page_number,
    save,
)
from creditsvc.web.labels import JOB_STATUS_LABELS, NOTICE_KIND_LABELS, NOTICE_STATUS_LABELS

DRAFT_FIELDS = {"kind", "district", "period_start", "period_end", "merchant"}
REFRESH_SECONDS = 2


@bp.get("/notices")
@allow(*OFFICERS)
def notice_list():
    district = district_in_view()
    status, kind = request.args.get("status"), request.args.get("kind")
    args = {"page": page_number(), "per_page": 50}
    if district:
        args["district"] = district
    if status in NOTICE_STATUSES:
        args["status"] = status
    if kind in NOTICE_KINDS:
        args["kind"] = kind
    return render_template(
        "console/notices.html",
        page=queries.notices_page(auth.current(), args),
        status=status,
        kind=kind,
        district=district,
        statuses=NOTICE_STATUS_LABELS,
        kinds=NOTICE_KIND_LABELS,
    )


def _draft_form(values: MultiDict, errors: dict, status: int = 200):
    p = auth.current()
    choices = [d for d in districts() if scope.may_write_district(p, d.code)]
    return render_template(
        "console/notice_form.html",
        values=values,
        errors=errors,
        kinds=NOTICE_KIND_LABELS,
        districts=choices,
    ), status


@bp.route("/notices/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_notice():
    if request.method == "GET":
        values = MultiDict(request.args)
        values.setdefault("district", auth.current().district_code or "")
        return _draft_form(values, {})
    payload = {k: v.strip() for k in DRAFT_FIELDS if (v := request.form.get(k, "")).strip()}
    p = auth.current()
    notice, errors = save(
        NoticeIn,
        payload,
        DRAFT_FIELDS,
        lambda data: notices.create_draft(p, data),
        business="merchant",
    )
    if notice is not None:
        flash(_("Draft saved: review it, then approve it."), "info")
        return redirect(url_for("console.notice", notice_id=notice.id), 303)
    return _draft_form(request.form, errors, 422)


def _notice_page(notice: Notice, errors: dict | None = None, status: int = 200):
    run = queries.render_run(notice)
    rendering = run is not None and run.status in ("queued", "running")
    return render_template(
        "console/notice.html",
        notice=notice,
        run=run,
        refresh=REFRESH_SECONDS if rendering else None,
        kinds=NOTICE_KIND_LABELS,
        statuses=NOTICE_STATUS_LABELS,
        job_statuses=JOB_STATUS_LABELS,
        errors=errors or {},
        values=request.form,
        approval_refused=_approval_refusal(notice),
        withdrawal_due=withdrawal.pending(notice),
    ), status


def _approval_refusal(notice: Notice) -> str | None:
    """Why the officer may not approve this draft (four eyes), said on the page instead of
    offering a button that would refuse."""
    if notice.created_by == auth.current().name:
        return _("you drafted it; another officer of its district or a city officer approves it.")
    if notices.may_approve(auth.current(), notice) is not None:
        return _("a district officer approves only notices of their own district.")
    return None


@bp.get("/notices/<int:notice_id>")
@allow(*OFFICERS)
def notice(notice_id: int):
    return _notice_page(queries.notice(auth.current(), notice_id))


@bp.get("/notices/<int:notice_id>/preview.pdf")
@allow(*OFFICERS)
def notice_preview(notice_id: int):
    found = queries.notice(auth.current(), notice_id)
    if found.status not in ("draft", "approved"):
        flash(_("Only a draft or an approved notice has a preview."), "error")
        return redirect(url_for("console.notice", notice_id=notice_id))
    try:
        pdf = notices_publish.preview(found, clock.today())
    except DomainError as exc:  # publishing would fail the same way
        flash(exc.message, "error")
        return redirect(url_for("console.notice", notice_id=notice_id))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="preview-{found.id}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def _done(notice_id: int, message: str):
    flash(message, "info")
    return redirect(url_for("console.notice", notice_id=notice_id), 303)


def _refused(notice_id: int, exc: DomainError):
    unit_of_work.discard()
    flash(_("Not done: %(reason)s", reason=exc.message), "error")
    return redirect(url_for("console.notice", notice_id=notice_id), 303)


@bp.post("/notices/<int:notice_id>/approve")
@allow(*OFFICERS)
def approve_notice(notice_id: int):
    p = auth.current()
    found = queries.notice(p, notice_id)  # NotFound is a 404, not a refusal
    try:
        notices.approve(p, found)
    except DomainError as exc:
        return _refused(notice_id, exc)
    return _done(notice_id, _("Approved: it can now be published."))


@bp.get("/notices/<int:notice_id>/publish")
@allow(*OFFICERS)
def confirm_publication(notice_id: int):
    """What publishing makes public, and the confirmation (a form: no JavaScript needed)."""
    found = queries.notice(auth.current(), notice_id)
    if found.status != "approved":
        flash(_("Only an approved notice can be published."), "error")
        return redirect(url_for("console.notice", notice_id=notice_id), 303)
    return render_template(
        "console/notice_publish.html",
        notice=found,
        public=queries.going_public(found),
        kinds=NOTICE_KIND_LABELS,
    )


@bp.post("/notices/<int:notice_id>/publish")
@allow(*OFFICERS)
def publish_notice(notice_id: int):
    p = auth.current()
    found = queries.notice(p, notice_id)  # NotFound is a 404, not a refusal
    if request.form.get("confirm") != "yes":
        flash(_("Read what goes public and confirm before publishing."), "error")
        return redirect(url_for("console.confirm_publication", notice_id=notice_id), 303)
    try:
        run_id = notices.request_publication(p, found)
    except DomainError as exc:
        return _refused(notice_id, exc)
    try:
        render.start_render(notice_id, run_id, p.name)
    except QueueUnavailable:  # the notice stays approved and says why
        flash(str(QUEUE_DOWN), "error")
        return redirect(url_for("console.notice", notice_id=notice_id), 303)
    except DomainError as exc:  # inline rendering failed; recorded on the notice
        flash(_("Not published: %(reason)s", reason=exc.message), "error")
        return redirect(url_for("console.notice", notice_id=notice_id), 303)
    flash(_("Publication started: the PDF is rendered by a job."), "info")
    return redirect(url_for("console.notice", notice_id=notice_id), 303)


@bp.post("/notices/<int:notice_id>/withdraw")
@allow(*OFFICERS)
def withdraw_notice(notice_id: int):
    found = queries.notice(auth.current(), notice_id)
    fields = {"reason"}
    reason = request.form.get("reason", "").strip()
    data, errors = load(ReasonIn, {"reason": reason} if reason else {}, fields)
    if data is None:
        return _notice_page(found, errors, 422)
    try:
        notices.withdraw(auth.current(), found, data["reason"])
    except DomainError as exc:
        return _refused(notice_id, exc)
    return _done(notice_id, _("Withdrawn."))
