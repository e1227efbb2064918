"""The registry in the console (issue 19): a district's streets and markets, a market's
stalls and fair scales. Each form is checked by the API's own schema and stored by the
API's own service verb (services.registry.operations), which checks scope and audits;
another district's market answers 404, as in the API."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, idempotency, unit_of_work
from creditsvc.auth import allow
from creditsvc.principals import CITY, OFFICERS
from creditsvc.schemas.registry import (
    DeviceIn,
    MarketIn,
    MarketUpdate,
    StallIn,
    StallUpdate,
    StreetIn,
)
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries
from creditsvc.web import labels
from creditsvc.web.console_common import (
    bp,
    district_in_view,
    districts,
    page_number,
    save,
    sent_before,
)

PER_PAGE = 50
USCC_SHAPE = re.compile(r"[0-9A-Z]{18}")  # a code as typed: GB 32100 checks it in the schema
STREET_FIELDS = {"district", "name", "kind"}
MARKET_FIELDS = {"name", "district", "street_id", "address", "host_name", "host_uscc"}
MARKET_EDIT_FIELDS = MARKET_FIELDS - {"district"}
STALL_FIELDS = {"number", "merchant"}
DEVICE_FIELDS = {"serial", "high_accuracy", "verification_due"}


@bp.app_template_global("lang_of_data")
def lang_of_data(text: object) -> str:
    """The language to mark a choice typed as data with: zh-CN when it holds Chinese."""
    return "zh-CN" if labels.HAN.search(str(text or "")) else ""


@bp.app_template_global("district_options")
def district_options() -> list[tuple[str, str]]:
    """Every district as (code, name in the page's language)."""
    return [(d.code, labels.district_name(d)) for d in districts()]


@bp.app_template_global("district_label")
def district_label(code: str | None) -> str:
    found = queries.district(code) if code else None
    return labels.district_name(found) if found else "—"


def form_payload(
    form: MultiDict, names: Iterable[str], nullable: Iterable[str] = (), keep_blank: bool = False
) -> dict:
    """The API payload of a form: blank fields left out (a required one is then reported
    missing by the schema), except those in `nullable`, which a blank clears (None). A
    change form keeps its other blank fields (`keep_blank`): the schema then says whether
    a blank is allowed (an address may be cleared, a name may not)."""
    payload: dict = {}
    for name in names:
        value = form.get(name, "").strip()
        if value:
            payload[name] = value
        elif name in nullable and name in form:
            payload[name] = None
        elif keep_blank and name in form:
            payload[name] = ""
    return payload


def _with_district(payload: dict, district: str | None) -> dict:
    """A district officer writes in its own district: the form does not ask."""
    p = auth.current()
    if p.role != CITY:
        payload["district"] = p.district_code
    elif "district" not in payload and district:
        payload["district"] = district
    return payload


def _registry_page(forms: dict | None = None, status: int = 200):
    p, district = auth.current(), district_in_view()
    args = {"page": 1, "per_page": 200} | ({"district": district} if district else {})
    streets = queries.streets_page(p, args)
    markets = queries.markets_page(p, args | {"page": page_number(), "per_page": PER_PAGE})
    forms = forms or {}
    return render_template(
        "console/registry.html",
        district=district,
        streets=streets,
        markets=markets,
        street_names={s.id: s.name for s in streets["items"]},
        street_choices=[(str(s.id), s.name) for s in streets["items"]],
        street_values=forms.get("street", ({}, {}))[0],
        street_errors=forms.get("street", ({}, {}))[1],
        market_values=forms.get("market", ({}, {}))[0],
        market_errors=forms.get("market", ({}, {}))[1],
    ), status


@bp.get("/registry")
@allow(*OFFICERS)
def registry_page():
    """The district's streets and markets, with the forms to add them."""
    return _registry_page()


@bp.post("/streets")
@allow(*OFFICERS)
def add_street():
    """POST /api/v1/streets from a form."""
    first, refused = sent_before()
    if first is not None or refused:
        return first or _registry_page({"street": (request.form, refused)}, 422)
    p = auth.current()
    payload = _with_district(form_payload(request.form, STREET_FIELDS), None)
    street, errors = save(StreetIn, payload, STREET_FIELDS, lambda d: registry.create_street(p, d))
    if street is None:
        unit_of_work.discard()
        return _registry_page({"street": (request.form, errors)}, 422)
    flash(_("Street added."), "info")
    shown = redirect(url_for("console.registry_page", district=street.district_code), 303)
    return idempotency.remember(shown)


@bp.post("/markets")
@allow(*OFFICERS)
def add_market():
    """POST /api/v1/markets from a form."""
    first, refused = sent_before()
    if first is not None or refused:
        return first or _registry_page({"market": (request.form, refused)}, 422)
    p = auth.current()
    payload = _with_district(form_payload(request.form, MARKET_FIELDS), None)
    market, errors = save(MarketIn, payload, MARKET_FIELDS, lambda d: registry.create_market(p, d))
    if market is None:
        unit_of_work.discard()
        return _registry_page({"market": (request.form, errors)}, 422)
    unit_of_work.load_as_stored()
    flash(_("Market registered."), "info")
    return idempotency.remember(redirect(url_for("console.market_page", market_id=market.id), 303))


def _market_page(market_id: int, forms: dict | None = None, status: int = 200):
    p = auth.current()
    market = queries.market(p, market_id)
    listing = {"market_id": market.id, "page": 1, "per_page": 200}
    streets = queries.streets_page(
        p, {"district": market.district_code, "page": 1, "per_page": 200}
    )
    forms = forms or {}
    edit_values = forms.get("edit", (None, {}))[0]
    if edit_values is None:
        edit_values = {
            "name": market.name,
            "street_id": str(market.street_id or ""),
            "address": market.address,
            "host_name": market.host_name,
            "host_uscc": market.host_uscc or "",
        }
    return render_template(
        "console/market.html",
        market=market,
        street_choices=[(str(s.id), s.name) for s in streets["items"]],
        stalls=queries.stalls_page(p, listing),
        devices=queries.devices_page(p, listing),
        edit_values=edit_values,
        edit_errors=forms.get("edit", (None, {}))[1],
        stall_values=forms.get("stall", ({}, {}))[0],
        stall_errors=forms.get("stall", ({}, {}))[1],
        assign_errors=forms.get("assign", ({}, {}))[1],
        assign_stall=forms.get("assign_stall"),
        device_values=forms.get("device", ({}, {}))[0],
        device_errors=forms.get("device", ({}, {}))[1],
    ), status


@bp.get("/markets/<int:market_id>")
@allow(*OFFICERS)
def market_page(market_id: int):
    """A market: its facts, stalls and fair scales, with the forms that change them."""
    return _market_page(market_id)


@bp.post("/markets/<int:market_id>")
@allow(*OFFICERS)
def edit_market(market_id: int):
    """PATCH /api/v1/markets/<id> from a form: name, street, address, host."""
    p = auth.current()
    market = queries.market(p, market_id)
    payload = form_payload(
        request.form, MARKET_EDIT_FIELDS, nullable={"street_id", "host_uscc"}, keep_blank=True
    )
    changed, errors = save(
        MarketUpdate, payload, MARKET_EDIT_FIELDS, lambda d: registry.update_market(p, market, d)
    )
    if changed is None:
        unit_of_work.discard()
        return _market_page(market_id, {"edit": (request.form, errors)}, 422)
    flash(_("Market changed."), "info")
    return redirect(url_for("console.market_page", market_id=market_id), 303)


@bp.post("/markets/<int:market_id>/stalls")
@allow(*OFFICERS)
def add_stall(market_id: int):
    """POST /api/v1/stalls from a form."""
    p = auth.current()
    queries.market(p, market_id)
    first, refused = sent_before()
    if first is not None or refused:
        return first or _market_page(market_id, {"stall": (request.form, refused)}, 422)
    payload = form_payload(request.form, STALL_FIELDS) | {"market_id": market_id}
    stall, errors = save(
        StallIn,
        payload,
        STALL_FIELDS,
        lambda d: registry.create_stall(p, d),
        business="merchant",
    )
    if stall is None:
        unit_of_work.discard()
        return _market_page(market_id, {"stall": (request.form, errors)}, 422)
    flash(_("Stall registered."), "info")
    return idempotency.remember(redirect(url_for("console.market_page", market_id=market_id), 303))


@bp.post("/stalls/<int:stall_id>")
@allow(*OFFICERS)
def assign_stall(stall_id: int):
    """PATCH /api/v1/stalls/<id> from a form: the business trading at a stall, or none."""
    p = auth.current()
    stall = queries.stall(p, stall_id)
    market_id = stall.market_id
    typed = (request.form.get("merchant") or "").strip()
    payload = {"merchant": None if request.form.get("clear") or not typed else typed}
    assigned, errors = save(
        StallUpdate,
        payload,
        {"merchant"},
        lambda d: registry.assign_stall(p, stall, d),
        business="merchant",
    )
    if assigned is None:
        unit_of_work.discard()
        forms = {"assign": (request.form, errors), "assign_stall": stall_id}
        return _market_page(market_id, forms, 422)
    flash(_("Stall changed."), "info")
    return redirect(url_for("console.market_page", market_id=market_id), 303)


@bp.post("/markets/<int:market_id>/devices")
@allow(*OFFICERS)
def add_device(market_id: int):
    """POST /api/v1/devices from a form."""
    p = auth.current()
    queries.market(p, market_id)
    first, refused = sent_before()
    if first is not None or refused:
        return first or _market_page(market_id, {"device": (request.form, refused)}, 422)
    payload = form_payload(request.form, {"serial", "verification_due"})
    payload |= {"market_id": market_id, "high_accuracy": bool(request.form.get("high_accuracy"))}
    device, errors = save(DeviceIn, payload, DEVICE_FIELDS, lambda d: registry.create_device(p, d))
    if device is None:
        unit_of_work.discard()
        return _market_page(market_id, {"device": (request.form, errors)}, 422)
    flash(_("Fair scale registered."), "info")
    return idempotency.remember(redirect(url_for("console.device_page", serial=device.serial), 303))
