"""A fair scale in the console (issue 19): change its accuracy class, verification due
date and active flag, issue it a token (shown once, on the answer page only) and revoke
its tokens. The same services as `api/devices.py` and `api/tokens.py`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from creditsvc import auth
from creditsvc.auth import allow
from creditsvc.principals import OFFICERS
from creditsvc.schemas.accounts import TokenIn
from creditsvc.schemas.registry import DeviceUpdate
from creditsvc.services.accounts import queries as account_queries
from creditsvc.services.accounts import users as accounts
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries
from creditsvc.web.console_common import bp, save
from creditsvc.web.console_registry import form_payload

DEVICE_EDIT_FIELDS = {"high_accuracy", "verification_due", "active"}


def _device_page(serial: str, values=None, errors: dict | None = None, status: int = 200):
    device = queries.device(auth.current(), serial)
    if values is None:
        values = {
            "high_accuracy": "true" if device.high_accuracy else "false",
            "verification_due": device.verification_due.isoformat()
            if device.verification_due
            else "",
            "active": "true" if device.active else "",
        }
    return render_template(
        "console/device.html",
        device=device,
        tokens=account_queries.device_tokens(device),
        values=values,
        errors=errors or {},
        token_errors={},
    ), status


@bp.get("/devices/<serial>")
@allow(*OFFICERS)
def device_page(serial: str):
    """A fair scale, its tokens (by prefix), and the forms that change them."""
    return _device_page(serial)


@bp.post("/devices/<serial>")
@allow(*OFFICERS)
def edit_device(serial: str):
    """PATCH /api/v1/devices/<serial> from a form."""
    p = auth.current()
    device = queries.device(p, serial)
    payload = form_payload(request.form, {"verification_due"}, nullable={"verification_due"})
    payload["high_accuracy"] = request.form.get("high_accuracy") == "true"
    payload["active"] = bool(request.form.get("active"))
    changed, errors = save(
        DeviceUpdate, payload, DEVICE_EDIT_FIELDS, lambda d: registry.update_device(p, device, d)
    )
    if changed is None:
        return _device_page(serial, request.form, errors, 422)
    flash(_("Fair scale changed."), "info")
    return redirect(url_for("console.device_page", serial=serial), 303)


@bp.post("/devices/<serial>/tokens")
@allow(*OFFICERS)
def issue_device_token(serial: str):
    """POST /api/v1/devices/<serial>/tokens from a form: the token is on this answer only."""
    p = auth.current()
    device = queries.device(p, serial)
    payload = form_payload(request.form, {"label"})
    issued, errors = save(
        TokenIn,
        payload,
        {"label"},
        lambda d: accounts.issue_device_token(p.name, device, d["label"]),
    )
    if issued is None:
        return _device_page(serial, None, {}, 422)
    row, token = issued
    return render_template(
        "console/token_issued.html",
        token=token,
        row=row,
        back=url_for("console.device_page", serial=serial),
        holder=device.serial,
    ), 201


@bp.post("/tokens/<int:token_id>/revoke")
@allow(*OFFICERS)
def revoke_token(token_id: int):
    """POST /api/v1/tokens/<id>/revoke from a form: a scale's token in your scope, or your own."""
    p = auth.current()
    token = account_queries.token(token_id)
    if not accounts.may_manage_token(p, token):
        abort(404)
    accounts.revoke_token(p, token)
    flash(_("Token revoked: it no longer works."), "info")
    if token.device is not None:
        return redirect(url_for("console.device_page", serial=token.device.serial), 303)
    if p.user is not None and token.user_id == p.user.id:
        return redirect(url_for("account.tokens"), 303)
    return redirect(url_for("console.account_page", user_id=token.user_id), 303)
