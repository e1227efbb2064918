"""The market host's pages (市场主办者): its markets, their stalls with the merchant trading
at each and its short-weight rate, the fair scales with their verification due dates,
readings and tokens, and the merchants registered in the market.

Every view is `@allow(HOST)`; what it reads comes through `creditsvc.services.scope`
(`scope.markets`: the host's own markets), so another market's stall or scale answers
404. Every write calls the service the API verb calls, validated by the API's schema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.models import Device, Market
from creditsvc.principals import HOST
from creditsvc.schemas.accounts import TokenIn
from creditsvc.schemas.readings import ReadingArgs
from creditsvc.schemas.registry import (
    DeviceIn,
    DeviceUpdate,
    MarketUpdate,
    MerchantIn,
    MerchantUpdate,
    StallIn,
    StallUpdate,
)
from creditsvc.services import dashboard
from creditsvc.services.accounts import queries as account_queries
from creditsvc.services.accounts import users as accounts
from creditsvc.services.errors import NotFound
from creditsvc.services.evidence import queries as evidence
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries
from creditsvc.web.console_common import save
from creditsvc.web.labels import READING_CATEGORY_LABELS, TRADE_LABELS, VERDICT_LABELS

bp = Blueprint("host", __name__, url_prefix="/host")

RECENT_READINGS = 50
DUE_SOON_DAYS = 30  # a scale due for verification within a month is flagged
MARKET_FIELDS = {"name", "address"}
STALL_FIELDS = {"number", "merchant"}
DEVICE_FIELDS = {"serial", "high_accuracy", "verification_due", "active"}
MERCHANT_FIELDS = {"uscc", "name", "trade", "address"}


def _text(names, prefix: str = "") -> dict[str, str]:
    """The form's values of `names`, each posted as `<prefix>-<name>` when a page holds
    several forms (their fields' ids must differ)."""
    key = f"{prefix}-" if prefix else ""
    return {name: request.form.get(key + name, "").strip() for name in names}


def _fields(prefix: str, names) -> tuple[set[str], Callable[[str], str]]:
    """A prefixed form's field names, and the map from a payload path to its field."""
    return {f"{prefix}-{n}" for n in names}, lambda path: f"{prefix}-{path}" if path else path


def business_code(value: str) -> str | None:
    """The USCC a business field names: the code as typed, or the one business in the
    host's scope whose name or code holds the text (the field's hint promises both)."""
    if not value:
        return None
    found = queries.merchants_page(auth.current(), {"q": value, "page": 1, "per_page": 2})
    if found["total"] == 1 and found["items"][0].uscc != value.upper():
        return found["items"][0].uscc
    return value


def due_state(due: date | None, today: date) -> str | None:
    """'overdue' past the verification due date, 'soon' within DUE_SOON_DAYS of it."""
    if due is None:
        return None
    if due < today:
        return "overdue"
    return "soon" if due <= today + timedelta(days=DUE_SOON_DAYS) else None


@bp.get("")
@allow(HOST)
def home():
    """The host's markets."""
    return render_template("host/home.html", markets=queries.markets_of(auth.current()))


def _market_page(market: Market, errors: dict | None = None, values=None, status: int = 200):
    p, today = auth.current(), clock.today()
    devices = queries.market_devices(p, market)
    stalls = queries.market_stalls(p, market)
    if values is None:
        # Each stall's field holds its merchant, so saving it unchanged keeps the merchant.
        values = MultiDict({"market-name": market.name, "market-address": market.address})
        for stall in stalls:
            if stall.merchant is not None:
                values[f"assign-{stall.id}-merchant"] = stall.merchant.uscc
    return render_template(
        "host/market.html",
        market=market,
        stalls=stalls,
        rates=dashboard.stall_short_rates(p, market.id, clock.now()),
        rate_days=dashboard.SHORT_RATE_DAYS,
        devices=devices,
        due={d.id: due_state(d.verification_due, today) for d in devices},
        merchants=queries.market_merchants(p, market),
        trades=TRADE_LABELS,
        values=values,
        errors=errors or {},
    ), status


@bp.get("/markets/<int:market_id>")
@allow(HOST)
def market(market_id: int):
    """A market's stalls, fair scales and merchants, with the forms that change them."""
    return _market_page(queries.market(auth.current(), market_id))


def _refused(market: Market, errors: dict):
    """The market page again with a form's reasons beside its fields (nothing was saved)."""
    return _market_page(market, errors, request.form, 422)


@bp.post("/markets/<int:market_id>")
@allow(HOST)
def edit_market(market_id: int):
    """Change the market's name or address (PATCH /api/v1/markets/<id>)."""
    p = auth.current()
    found = queries.market(p, market_id)
    fields, rename = _fields("market", MARKET_FIELDS)
    changed, errors = save(
        MarketUpdate,
        _text(MARKET_FIELDS, "market"),
        fields,
        lambda data: registry.update_market(p, found, data),
        rename,
    )
    if changed is None:
        return _refused(found, errors)
    flash(_("The market was saved."), "info")
    return redirect(url_for("host.market", market_id=market_id), 303)


@bp.post("/markets/<int:market_id>/stalls")
@allow(HOST)
def new_stall(market_id: int):
    """Register a stall (POST /api/v1/stalls), with the merchant trading there if known."""
    p = auth.current()
    found = queries.market(p, market_id)
    typed = _text(STALL_FIELDS, "stall")
    payload: dict = {"market_id": found.id, "number": typed["number"]}
    if code := business_code(typed["merchant"]):
        payload["merchant"] = code
    fields, rename = _fields("stall", STALL_FIELDS)
    stall, errors = save(
        StallIn, payload, fields, lambda data: registry.create_stall(p, data), rename
    )
    if stall is None:
        return _refused(found, errors)
    flash(_("Stall %(number)s was registered.", number=stall.number), "info")
    return redirect(url_for("host.market", market_id=market_id) + "#stalls-heading", 303)


@bp.post("/stalls/<int:stall_id>")
@allow(HOST)
def assign_stall(stall_id: int):
    """Name the merchant trading at a stall, or none (PATCH /api/v1/stalls/<id>)."""
    p = auth.current()
    stall = queries.stall(p, stall_id)
    prefix = f"assign-{stall.id}"
    payload = {"merchant": business_code(_text({"merchant"}, prefix)["merchant"])}
    fields, rename = _fields(prefix, {"merchant"})
    assigned, errors = save(
        StallUpdate, payload, fields, lambda data: registry.assign_stall(p, stall, data), rename
    )
    if assigned is None:
        return _refused(stall.market, errors)
    flash(_("Stall %(number)s was saved.", number=stall.number), "info")
    return redirect(url_for("host.market", market_id=stall.market_id) + "#stalls-heading", 303)


def _device_payload(prefix: str, names) -> dict:
    typed = _text(names, prefix)
    payload: dict = {"high_accuracy": bool(typed["high_accuracy"])}
    payload["verification_due"] = typed["verification_due"] or None
    if "serial" in names:
        payload["serial"] = typed["serial"]
    if "active" in names:
        payload["active"] = bool(typed["active"])
    return payload


@bp.post("/markets/<int:market_id>/devices")
@allow(HOST)
def new_device(market_id: int):
    """Register a fair scale in the market (POST /api/v1/devices)."""
    p = auth.current()
    found = queries.market(p, market_id)
    names = DEVICE_FIELDS - {"active"}
    payload = _device_payload("device", names) | {"market_id": found.id}
    fields, rename = _fields("device", names)
    device, errors = save(
        DeviceIn, payload, fields, lambda data: registry.create_device(p, data), rename
    )
    if device is None:
        return _refused(found, errors)
    flash(_("The fair scale was registered. Issue its token below."), "info")
    return redirect(url_for("host.device", serial=device.serial), 303)


@bp.post("/markets/<int:market_id>/merchants")
@allow(HOST)
def new_merchant(market_id: int):
    """Register a merchant trading in the market (POST /api/v1/merchants)."""
    p = auth.current()
    found = queries.market(p, market_id)
    payload = {k: v for k, v in _text(MERCHANT_FIELDS, "merchant").items() if v}
    payload |= {"district": found.district_code, "market_id": found.id}
    fields, rename = _fields("merchant", MERCHANT_FIELDS)
    merchant, errors = save(
        MerchantIn, payload, fields, lambda data: registry.register_merchant(p, data), rename
    )
    if merchant is None:
        return _refused(found, errors)
    flash(_("The business was registered."), "info")
    return redirect(url_for("host.market", market_id=market_id) + "#merchants-heading", 303)


def _merchant_page(found, values, errors: dict, status: int = 200):
    return render_template(
        "host/merchant.html", merchant=found, values=values, errors=errors, trades=TRADE_LABELS
    ), status


@bp.route("/merchants/<uscc>", methods=["GET", "POST"])
@allow(HOST)
def merchant(uscc: str):
    """A merchant of the host's markets, and the form that corrects its name, trade and
    address (PATCH /api/v1/merchants/<uscc>)."""
    p = auth.current()
    found = queries.merchant(p, uscc)
    if request.method == "GET":
        values = {"name": found.name, "trade": found.trade, "address": found.address}
        return _merchant_page(found, values, {})
    fields = {"name", "trade", "address"}
    changed, errors = save(
        MerchantUpdate,
        _text(fields),
        fields,
        lambda data: registry.update_merchant(p, found, data),
    )
    if changed is None:
        return _merchant_page(found, request.form, errors, 422)
    flash(_("The business was saved."), "info")
    return redirect(url_for("host.merchant", uscc=found.uscc), 303)


def _device_page(device: Device, values=None, errors=None, token=None, status: int = 200):
    p = auth.current()
    args = ReadingArgs().load({"device": device.serial, "per_page": str(RECENT_READINGS)})
    if values is None:
        values = {
            "high_accuracy": device.high_accuracy,
            "verification_due": device.verification_due.isoformat()
            if device.verification_due
            else "",
            "active": device.active,
        }
    return render_template(
        "host/device.html",
        device=device,
        due=due_state(device.verification_due, clock.today()),
        readings=evidence.readings_page(p, args)["items"],
        tokens=account_queries.device_tokens(device),
        reading_categories=READING_CATEGORY_LABELS,
        verdicts=VERDICT_LABELS,
        values=values,
        errors=errors or {},
        token=token,
    ), status


@bp.get("/devices/<serial>")
@allow(HOST)
def device(serial: str):
    """A fair scale: its settings, tokens and latest readings."""
    return _device_page(queries.device(auth.current(), serial))


@bp.post("/devices/<serial>")
@allow(HOST)
def edit_device(serial: str):
    """Change a scale's accuracy class, verification due date or active flag
    (PATCH /api/v1/devices/<serial>)."""
    p = auth.current()
    found = queries.device(p, serial)
    changed, errors = save(
        DeviceUpdate,
        _device_payload("", DEVICE_FIELDS - {"serial"}),
        DEVICE_FIELDS,
        lambda data: registry.update_device(p, found, data),
    )
    if changed is None:
        values = {k: request.form.get(k, "") for k in DEVICE_FIELDS}
        return _device_page(found, values, errors, status=422)
    flash(_("The fair scale was saved."), "info")
    return redirect(url_for("host.device", serial=serial), 303)


@bp.post("/devices/<serial>/tokens")
@allow(HOST)
def issue_token(serial: str):
    """Issue a token the scale posts readings with (POST /api/v1/devices/<serial>/tokens);
    the page shows it this once: only its hash is stored."""
    p = auth.current()
    found = queries.device(p, serial)
    issued, errors = save(
        TokenIn,
        {"label": request.form.get("label", "").strip()},
        {"label"},
        lambda data: accounts.issue_device_token(p.name, found, data["label"]),
    )
    if issued is None:
        return _device_page(found, None, errors, status=422)
    return _device_page(found, token=issued[1], status=201)


@bp.post("/devices/<serial>/tokens/<int:token_id>/revoke")
@allow(HOST)
def revoke_token(serial: str, token_id: int):
    """Revoke one of the scale's tokens at once (POST /api/v1/tokens/<id>/revoke)."""
    p = auth.current()
    found = queries.device(p, serial)
    token = account_queries.token(token_id)
    if token.device_id != found.id or not accounts.may_manage_token(p, token):
        raise NotFound("no such token, or not yours to see")
    accounts.revoke_token(p, token)
    flash(_("The token was revoked: the scale can no longer post with it."), "info")
    return redirect(url_for("host.device", serial=serial) + "#tokens-heading", 303)
