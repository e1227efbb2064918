"""Self-commitments (诚信计量自我承诺书) in the officer console: the list, a signed paper
commitment recorded with its scan, and withdrawal with a reason. The merchant signs its
own in the portal. Posts are validated by the API's own schemas and done by the API's own
service (services.programme.commitments), which audits every write."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.models import Commitment
from creditsvc.principals import OFFICERS
from creditsvc.schemas.programme import CommitmentForm, WithdrawIn
from creditsvc.services.programme import commitments
from creditsvc.services.programme import queries as programme
from creditsvc.web.console_common import bp, page_number, present, save
from creditsvc.web.labels import COMMITMENT_CHANNEL_LABELS

PER_PAGE = 50
COMMITMENT_FIELDS = {"merchant", "signed_on", "document"}
WITHDRAW_FIELDS = {"reason"}
IN_FORCE = {"yes": True, "no": False}


@bp.get("/commitments")
@allow(*OFFICERS)
def commitment_list():
    shown = request.args.get("in_force", "")
    args: dict = {"page": page_number(), "per_page": PER_PAGE}
    if shown in IN_FORCE:
        args["in_force"] = IN_FORCE[shown]
    return render_template(
        "console/commitments.html",
        page=programme.commitments_page(auth.current(), args),
        in_force=shown if shown in IN_FORCE else "",
        channels=COMMITMENT_CHANNEL_LABELS,
    )


def _commitment_form(values: MultiDict, errors: dict, status: int = 200):
    return render_template("console/commitment_form.html", values=values, errors=errors), status


def _record(p, data: dict) -> Commitment:
    """What the API's POST does for an officer: the merchant in scope, the date on the
    paper, the scan."""
    upload = request.files.get("document")
    document = upload.read() if upload is not None and upload.filename else None
    merchant = commitments.signer(p, data.get("merchant"))
    return commitments.sign(p, merchant, data.get("signed_on"), document)


@bp.route("/commitments/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_commitment():
    """Record a signed paper commitment with its scan."""
    if request.method == "GET":
        values = MultiDict({"signed_on": clock.today().isoformat()})
        values.update(request.args)
        return _commitment_form(values, {})
    p = auth.current()
    payload = present(request.form, ("merchant", "signed_on"))
    if "merchant" in payload:
        payload["merchant"] = payload["merchant"].upper()
    made, errors = save(CommitmentForm, payload, COMMITMENT_FIELDS, lambda data: _record(p, data))
    if made is None:
        return _commitment_form(request.form, errors, 422)
    flash(_("Commitment recorded."), "info")
    return redirect(url_for("console.commitment", commitment_id=made.id), 303)


def _commitment_page(found: Commitment, values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/commitment.html",
        commitment=found,
        values=values,
        errors=errors,
        channels=COMMITMENT_CHANNEL_LABELS,
    ), status


@bp.get("/commitments/<int:commitment_id>")
@allow(*OFFICERS)
def commitment(commitment_id: int):
    found = programme.commitment(auth.current(), commitment_id)
    return _commitment_page(found, MultiDict(), {})


@bp.get("/commitments/<int:commitment_id>/document")
@allow(*OFFICERS)
def commitment_document(commitment_id: int):
    """The scan of a paper commitment, as uploaded."""
    found = programme.commitment(auth.current(), commitment_id)
    if found.document_file is None:
        abort(404)
    return send_file(commitments.document_path(found), found.document_type)


@bp.post("/commitments/<int:commitment_id>/withdraw")
@allow(*OFFICERS)
def withdraw_commitment(commitment_id: int):
    p = auth.current()
    found = programme.commitment(p, commitment_id)
    made, errors = save(
        WithdrawIn,
        present(request.form, WITHDRAW_FIELDS),
        WITHDRAW_FIELDS,
        lambda data: commitments.withdraw(p, found, data["reason"], clock.today()),
    )
    if made is None:
        return _commitment_page(found, request.form, errors, 422)
    flash(_("Commitment withdrawn."), "info")
    return redirect(url_for("console.commitment", commitment_id=commitment_id), 303)
