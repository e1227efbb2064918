"""Registering and changing a business from the console (issue 19): the forms of
`POST /api/v1/merchants` (the USCC checked; an officer may override a failing check
character with a reason, as the API allows) and `PATCH /api/v1/merchants/<uscc>`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, idempotency
from creditsvc.auth import allow
from creditsvc.principals import CITY, OFFICERS
from creditsvc.schemas.registry import MerchantIn, MerchantUpdate
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries
from creditsvc.web.console_common import bp, district_in_view, save, sent_before
from creditsvc.web.console_registry import form_payload
from creditsvc.web.labels import TRADE_LABELS

NEW_FIELDS = {
    "uscc",
    "uscc_override_reason",
    "name",
    "trade",
    "district",
    "street_id",
    "market_id",
    "address",
}
EDIT_FIELDS = {"name", "trade", "street_id", "market_id", "address"}


def _choices(district: str | None) -> dict:
    """Streets and markets of the district to pick from (none picked: every one in view)."""
    p = auth.current()
    args = {"page": 1, "per_page": 200} | ({"district": district} if district else {})
    streets = queries.streets_page(p, args)["items"]
    markets = queries.markets_page(p, args)["items"]
    return {
        "street_choices": [(str(s.id), s.name) for s in streets],
        "market_choices": [(str(m.id), m.name) for m in markets],
        "trades": TRADE_LABELS,
    }


def _new_form(values, errors: dict, status: int = 200):
    district = district_in_view()
    return render_template(
        "console/merchant_form.html",
        merchant=None,
        values=values,
        errors=errors,
        district=district,
        **_choices(district),
    ), status


@bp.route("/merchants/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_merchant():
    """Register a business (POST /api/v1/merchants)."""
    if request.method == "GET":
        return _new_form(MultiDict(request.args), {})
    first, refused = sent_before()
    if first is not None or refused:
        return first or _new_form(request.form, refused, 422)
    p = auth.current()
    payload = form_payload(request.form, NEW_FIELDS)
    if p.role != CITY:
        payload["district"] = p.district_code
    merchant, errors = save(
        MerchantIn, payload, NEW_FIELDS, lambda d: registry.register_merchant(p, d)
    )
    if merchant is None:
        return _new_form(request.form, errors, 422)
    flash(_("Business registered."), "info")
    shown = redirect(url_for("console.merchant_record", uscc=merchant.uscc), 303)
    return idempotency.remember(shown)


def _edit_form(merchant, values, errors: dict, status: int = 200):
    return render_template(
        "console/merchant_form.html",
        merchant=merchant,
        values=values,
        errors=errors,
        district=merchant.district_code,
        **_choices(merchant.district_code),
    ), status


@bp.route("/merchants/<uscc>/edit", methods=["GET", "POST"])
@allow(*OFFICERS)
def edit_merchant(uscc: str):
    """Change a business's name, trade, street, market or address (PATCH
    /api/v1/merchants/<uscc>)."""
    p = auth.current()
    merchant = queries.merchant(p, uscc)
    if request.method == "GET":
        values = {
            "name": merchant.name,
            "trade": merchant.trade,
            "street_id": str(merchant.street_id or ""),
            "market_id": str(merchant.market_id or ""),
            "address": merchant.address,
        }
        return _edit_form(merchant, values, {})
    payload = form_payload(
        request.form, EDIT_FIELDS, nullable={"street_id", "market_id"}, keep_blank=True
    )
    changed, errors = save(
        MerchantUpdate, payload, EDIT_FIELDS, lambda d: registry.update_merchant(p, merchant, d)
    )
    if changed is None:
        return _edit_form(merchant, request.form, errors, 422)
    flash(_("Business changed."), "info")
    return redirect(url_for("console.merchant_record", uscc=merchant.uscc), 303)
