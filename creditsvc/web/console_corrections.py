"""Corrections in the console (issue 19): void an inspection or a complaint, giving the
reason and confirming it, through the same service as `POST /api/v1/corrections`
(`services.evidence.corrections`): the record stays, a void record says who voided it,
when and why; the business is rescored and entries resting on it come off publication."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from creditsvc import auth, idempotency, unit_of_work
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.principals import OFFICERS
from creditsvc.schemas.evidence import VoidIn
from creditsvc.schemas.publication import ReasonIn
from creditsvc.services.errors import DomainError
from creditsvc.services.evidence import corrections, queries
from creditsvc.services.publication import notices, withdrawal
from creditsvc.services.publication import queries as publication
from creditsvc.web.console_common import bp, load, save, sent_before
from creditsvc.web.console_evidence import _complaint_page, _inspection_page
from creditsvc.web.console_notices import _notice_page, _refused

# The form's fields: the reason (VoidIn's) and a box ticked to confirm (the page's own).
FIELDS = {"void_reason", "void_confirm"}


def _rename(path: str) -> str:
    return "void_reason" if path == "reason" else path


def _void(kind: str, record_id: int, page):
    """Void `kind` `record_id` with the form's reason, or show the page again with why not."""
    p = auth.current()
    first, refused = sent_before()
    if first is not None or refused:
        return first or page(refused)
    reason = request.form.get("void_reason", "").strip()
    payload = {"kind": kind, "id": record_id, **({"reason": reason} if reason else {})}
    if request.form.get("void_confirm") != "yes":
        return page({"void_confirm": [_("Tick the box to confirm that this record is void.")]})
    correction, errors = save(
        VoidIn,
        payload,
        FIELDS,
        lambda data: corrections.void(p, data["kind"], data["id"], data["reason"]),
        _rename,
    )
    if correction is None:
        unit_of_work.discard()
        return page(errors)
    unit_of_work.after_commit(rescore.rescore_soon)
    flash(_("The record is void; the business is rescored."), "info")
    return None


@bp.post("/inspections/<int:inspection_id>/void")
@allow(*OFFICERS)
def void_inspection(inspection_id: int):
    """Void an inspection, giving the reason."""
    p = auth.current()
    queries.inspection(p, inspection_id)  # another district's: 404

    def page(errors: dict):
        return _inspection_page(queries.inspection(p, inspection_id), request.form, errors, 422)

    refused = _void("inspection", inspection_id, page)
    if refused is not None:
        return refused
    shown = redirect(url_for("console.inspection", inspection_id=inspection_id), 303)
    return idempotency.remember(shown)


@bp.post("/complaints/<int:complaint_id>/void")
@allow(*OFFICERS)
def void_complaint(complaint_id: int):
    """Void a complaint, giving the reason."""
    p = auth.current()
    queries.complaint(p, complaint_id)  # another district's: 404

    def page(errors: dict):
        return _complaint_page(queries.complaint(p, complaint_id), request.form, errors, 422)

    refused = _void("complaint", complaint_id, page)
    if refused is not None:
        return refused
    shown = redirect(url_for("console.complaint", complaint_id=complaint_id), 303)
    return idempotency.remember(shown)


# Notices in force: one entry taken off, or a corrected version drafted ----------------------


def _reason(field: str) -> tuple[dict | None, dict]:
    """The reason of a notice form (ReasonIn, the API's), its errors under `field`."""
    reason = request.form.get(field, "").strip()
    return load(ReasonIn, {"reason": reason} if reason else {}, {field}, lambda _p: field)


@bp.post("/notices/<int:notice_id>/entries/<int:entry_id>/withdraw")
@allow(*OFFICERS)
def withdraw_notice_entry(notice_id: int, entry_id: int):
    """Take one entry off a published notice; a corrected version replaces it."""
    p = auth.current()
    found = publication.notice(p, notice_id)  # another district's: 404
    entry = publication.entry(found, entry_id)
    field = f"entry_reason.{entry_id}"
    data, errors = _reason(field)
    if data is None:
        return _notice_page(found, errors, 422)
    try:
        withdrawal.take_off_one(p, found, entry, data["reason"])
    except DomainError as exc:
        return _refused(notice_id, exc)
    flash(_("The entry is off publication; a corrected version is being published."), "info")
    return redirect(url_for("console.notice", notice_id=notice_id), 303)


@bp.post("/notices/<int:notice_id>/correct")
@allow(*OFFICERS)
def correct_notice(notice_id: int):
    """Draft a corrected version of a published notice; publishing it supersedes this one."""
    p = auth.current()
    found = publication.notice(p, notice_id)
    data, errors = _reason("correction_reason")
    if data is None:
        return _notice_page(found, errors, 422)
    try:
        draft = notices.correct(p, found, data["reason"])
    except DomainError as exc:
        return _refused(notice_id, exc)
    flash(_("Corrected version drafted: review it, then have it approved."), "info")
    return redirect(url_for("console.notice", notice_id=draft.id), 303)
