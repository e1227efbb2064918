"""The public verify page behind every printed QR code: /verify/<serial>."""

from __future__ import annotations

from flask import Blueprint, render_template

from creditsvc.auth import allow
from creditsvc.principals import PUBLIC
from creditsvc.services.errors import NotFound
from creditsvc.services.publication import public

bp = Blueprint("verify", __name__)


@bp.get("/verify/<serial>")
@allow(PUBLIC)
def document(serial: str):
    """Whether a printed document is authentic and still in force (no JavaScript needed)."""
    try:
        found = public.document(serial)
    except NotFound as exc:
        return render_template("verify.html", serial=serial, missing=exc.message), 404
    return render_template("verify.html", serial=serial, document=found)
