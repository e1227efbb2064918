"""Demonstration units (诚信计量示范单位) in the officer console: the cases awaiting the
district's assessment, and each case with its assessment (designate or reject) and, once
designated, revocation; a suspended designation (by a serious finding) is revoked or
reinstated. Nomination and application are the association's and the merchant's pages.
Posts are validated by the API's own schemas and done by the API's own service
(services.programme.demonstration_units), which audits every write."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.models import DemonstrationUnit, UnitStatus
from creditsvc.principals import OFFICERS
from creditsvc.schemas.programme import AssessIn, WithdrawIn
from creditsvc.services.programme import demonstration_units
from creditsvc.services.programme import queries as programme
from creditsvc.web.console_common import bp, page_number, present, save
from creditsvc.web.labels import UNIT_ROUTE_LABELS, UNIT_STATUS_LABELS

PER_PAGE = 50
ASSESS_FIELDS = {"designate", "note", "valid_years"}
REASON_FIELDS = {"reason"}


@bp.get("/units")
@allow(*OFFICERS)
def unit_list():
    """Cases by status; those awaiting assessment first."""
    status = request.args.get("status", UnitStatus.PENDING)
    args: dict = {"page": page_number(), "per_page": PER_PAGE}
    if status in UNIT_STATUS_LABELS:
        args["status"] = status
    return render_template(
        "console/units.html",
        page=programme.demonstration_units_page(auth.current(), args),
        status=args.get("status"),
        statuses=UNIT_STATUS_LABELS,
        routes=UNIT_ROUTE_LABELS,
    )


def _unit_page(unit: DemonstrationUnit, values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/unit.html",
        unit=unit,
        values=values,
        errors=errors,
        statuses=UNIT_STATUS_LABELS,
        routes=UNIT_ROUTE_LABELS,
    ), status


@bp.get("/units/<int:unit_id>")
@allow(*OFFICERS)
def unit(unit_id: int):
    return _unit_page(programme.demonstration_unit(auth.current(), unit_id), MultiDict(), {})


def _act(unit_id: int, schema, fields: set[str], apply, done: str, form: str = ""):
    """One step of the case, validated by the API's schema and done by its service. The
    revoke and reinstate forms share the page: their fields are named `<form>.<field>`."""
    p = auth.current()
    found = programme.demonstration_unit(p, unit_id)
    prefix = f"{form}." if form else ""
    values = present(request.form, [prefix + f for f in fields])
    made, errors = save(
        schema,
        {name.removeprefix(prefix): value for name, value in values.items()},
        {prefix + f for f in fields},
        lambda data: apply(p, found, data),
        lambda path: prefix + path if path else path,
    )
    if made is None:
        return _unit_page(found, request.form, errors, 422)
    flash(done, "info")
    return redirect(url_for("console.unit", unit_id=unit_id), 303)


@bp.post("/units/<int:unit_id>/assess")
@allow(*OFFICERS)
def assess_unit(unit_id: int):
    """Designate for the validity period, or reject, with the assessment's note."""
    return _act(
        unit_id,
        AssessIn,
        ASSESS_FIELDS,
        lambda p, found, data: demonstration_units.assess(p, found, data, clock.today()),
        _("Assessment recorded."),
    )


@bp.post("/units/<int:unit_id>/revoke")
@allow(*OFFICERS)
def revoke_unit(unit_id: int):
    return _act(
        unit_id,
        WithdrawIn,
        REASON_FIELDS,
        lambda p, found, data: demonstration_units.revoke(p, found, data["reason"], clock.today()),
        _("Designation revoked."),
        "revoke",
    )


@bp.post("/units/<int:unit_id>/reinstate")
@allow(*OFFICERS)
def reinstate_unit(unit_id: int):
    return _act(
        unit_id,
        WithdrawIn,
        REASON_FIELDS,
        lambda p, found, data: demonstration_units.reinstate(p, found, data["reason"]),
        _("Suspension ended: the designation is in force again."),
        "reinstate",
    )
