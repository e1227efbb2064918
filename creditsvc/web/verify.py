"""The public verify page behind every printed QR code: /verify/<serial>; and the check of
a forwarded file uploaded to /verify."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from creditsvc.auth import allow
from creditsvc.principals import PUBLIC
from creditsvc.replicas import serve_from_replicas
from creditsvc.services.errors import Invalid, NotFound
from creditsvc.services.publication import public, verification

bp = Blueprint("verify", __name__)
serve_from_replicas(bp)  # anonymous reads from a hot standby (creditsvc.replicas)
MEGABYTE = 1024 * 1024


@bp.get("/verify/<serial>")
@allow(PUBLIC)
def document(serial: str):
    """Whether a printed document is authentic and still in force (no JavaScript needed)."""
    try:
        found = public.document(serial)
    except NotFound as exc:
        return render_template("verify.html", serial=serial, missing=exc.message), 404
    return render_template("verify.html", serial=serial, document=found)


@bp.post("/verify")
@allow(PUBLIC)
def upload():
    """Whether an uploaded PDF is the bureau's, unchanged since signing and still in force."""
    upload = request.files.get("file")
    limit = verification.upload_limit()
    data = upload.stream.read(limit + 1) if upload else b""
    try:
        result = verification.check_upload(data)
    except verification.TooLarge as exc:
        message = _("The file is larger than %(mb)s MB.", mb=limit // MEGABYTE)
        return form_page({"file": [message]}), exc.status
    except Invalid as exc:
        return form_page({"file": [_("Choose a PDF file to check.")]}), exc.status
    status = 422 if result.outcome == verification.Outcome.UNREADABLE else 200
    return form_page({}, result), status


def form_page(errors: dict | None = None, result: verification.UploadCheck | None = None) -> str:
    """The verify form (a serial, or a file to upload), with an upload's answer if any."""
    return render_template(
        "public/verify_form.html",
        errors=errors or {},
        result=result,
        upload_limit_mb=verification.upload_limit() // MEGABYTE,
    )
