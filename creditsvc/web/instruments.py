"""The verification registry's pages (issue 20): instruments of the district (officers) or
of a host's markets, overdue and falling due; an instrument with its verification records;
forms to register an instrument and record a verification. Posts are validated by the
API's own schemas and stored by the API's own services (`services.instruments`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.principals import CITY, DISTRICT, STAFF
from creditsvc.schemas.instruments import DUE_FILTERS, InstrumentRegisterIn, VerificationIn
from creditsvc.services.instruments import operations, queries
from creditsvc.services.registry import queries as registry_queries
from creditsvc.web.console_common import page_number, present, save
from creditsvc.web.labels import (
    INSTRUMENT_DUE_LABELS,
    INSTRUMENT_KIND_LABELS,
    VERIFICATION_RESULT_LABELS,
)

bp = Blueprint("verification", __name__, url_prefix="/instruments")

REGISTER_FIELDS = {"kind", "serial", "merchant", "market_id", "stall", "device", "verification_due"}
VERIFICATION_FIELDS = {"certificate_number", "institute", "verified_on", "result", "next_due"}
PER_PAGE = 50


def _district_in_view() -> str | None:
    """A district officer's own district; the city officer's pick (None: all); for a host
    its markets decide (None)."""
    p = auth.current()
    asked = request.args.get("district") or None
    if p.role == CITY:
        if asked is not None and registry_queries.district(asked) is None:
            abort(404)
        return asked
    if p.role == DISTRICT:
        if asked is not None and asked != p.district_code:
            abort(404)
        return p.district_code
    return None


@bp.get("")
@allow(*STAFF)
def instrument_list():
    p = auth.current()
    district = _district_in_view()
    due = request.args.get("due")
    due = due if due in DUE_FILTERS else None
    args = {"page": page_number(), "per_page": PER_PAGE, "district": district, "due": due}
    return render_template(
        "instruments/list.html",
        page=queries.instruments_page(p, args, clock.today()),
        due=due,
        dues=INSTRUMENT_DUE_LABELS,
        kinds=INSTRUMENT_KIND_LABELS,
        district=district,
        all_districts=registry_queries.districts() if p.role == CITY else [],
        holder=queries.holder_name,
        today=clock.today(),
    )


def _register_form(values: MultiDict, errors: dict, status: int = 200):
    markets = queries.markets_for(auth.current(), _district_in_view())
    return render_template(
        "instruments/form.html",
        values=values,
        errors=errors,
        kinds=INSTRUMENT_KIND_LABELS,
        markets={str(m.id): m.name for m in markets},
    ), status


@bp.route("/new", methods=["GET", "POST"])
@allow(*STAFF)
def new_instrument():
    if request.method == "GET":
        return _register_form(MultiDict(request.args), {})
    p = auth.current()
    made, errors = save(
        InstrumentRegisterIn,
        present(request.form, REGISTER_FIELDS),
        REGISTER_FIELDS,
        lambda data: operations.register(p, data),
    )
    if made is None:
        return _register_form(request.form, errors, 422)
    flash(_("Instrument registered."), "info")
    return redirect(url_for("verification.instrument", instrument_id=made.id), 303)


def _instrument_page(instrument_id: int, values: MultiDict, errors: dict, status: int = 200):
    found = queries.instrument(auth.current(), instrument_id)
    if not values:
        values = MultiDict({"verified_on": clock.today().isoformat()})
    return render_template(
        "instruments/instrument.html",
        instrument=found,
        holder=queries.holder_name(found),
        kinds=INSTRUMENT_KIND_LABELS,
        results=VERIFICATION_RESULT_LABELS,
        values=values,
        errors=errors,
        today=clock.today(),
    ), status


@bp.get("/<int:instrument_id>")
@allow(*STAFF)
def instrument(instrument_id: int):
    return _instrument_page(instrument_id, MultiDict(), {})


@bp.post("/<int:instrument_id>/verifications")
@allow(*STAFF)
def record_verification(instrument_id: int):
    p = auth.current()
    found = queries.instrument(p, instrument_id)
    record, errors = save(
        VerificationIn,
        present(request.form, VERIFICATION_FIELDS),
        VERIFICATION_FIELDS,
        lambda data: operations.record_verification(p, found, data),
    )
    if record is None:
        return _instrument_page(instrument_id, request.form, errors, 422)
    flash(_("Verification recorded."), "info")
    return redirect(url_for("verification.instrument", instrument_id=instrument_id), 303)
