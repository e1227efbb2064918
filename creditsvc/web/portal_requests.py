"""The merchant portal's requests (issue 19): sign or withdraw the self-commitment
(诚信计量自我承诺书), apply for credit repair (信用修复) of an exposure entry, and apply for
demonstration unit status (诚信计量示范单位).

The routes register on the portal's blueprint when `creditsvc.web` imports this module.
Each calls the service its API verb calls, validated by the verb's schema, for the
merchant of the logged-in account only.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.principals import MERCHANT
from creditsvc.schemas.programme import CommitmentForm, UnitIn, WithdrawIn
from creditsvc.schemas.requests import RepairIn
from creditsvc.services.appeals import queries as appeals
from creditsvc.services.appeals import repairs
from creditsvc.services.errors import Conflict, DomainError, Invalid
from creditsvc.services.programme import commitments, demonstration_units
from creditsvc.services.programme import queries as programme
from creditsvc.web.console_common import domain_errors, load
from creditsvc.web.labels import (
    REPAIR_CONDITION_LABELS,
    REPAIR_STATUS_LABELS,
    UNIT_ROUTE_LABELS,
    UNIT_STATUS_LABELS,
)
from creditsvc.web.portal_common import bp, own_merchant

HISTORY = {"page": 1, "per_page": 50}


def _typed(*names: str) -> dict[str, str]:
    """The form's non-blank values: a blank required field is reported missing."""
    values = {name: request.form.get(name, "").strip() for name in names}
    return {name: value for name, value in values.items() if value}


# The self-commitment ----------------------------------------------------------------


def _commitment_page(errors: dict, status: int = 200):
    merchant = own_merchant()
    return render_template(
        "portal/commitment.html",
        merchant=merchant,
        title=commitments.COMMITMENT_TITLE,
        pledges=commitments.COMMITMENT_PLEDGES,
        in_force=commitments.in_force(merchant.id),
        history=programme.commitments_page(auth.current(), HISTORY)["items"],
        errors=errors,
        values=request.form,
    ), status


@bp.get("/commitment")
@allow(MERCHANT)
def commitment():
    """The self-commitment's text, the one in force and the earlier ones."""
    return _commitment_page({})


@bp.post("/commitment")
@allow(MERCHANT)
def sign_commitment():
    """Sign the self-commitment today (POST /api/v1/commitments as the merchant)."""
    p = auth.current()
    own_merchant()
    data, errors = load(CommitmentForm, {}, set())
    if data is None:
        return _commitment_page(errors, 422)
    try:
        merchant = commitments.signer(p, None)
        commitments.sign(p, merchant, None, None)
    except Conflict:
        return _commitment_page({"": [_("Your commitment is in force already.")]}, 409)
    flash(_("You signed the self-commitment. It counts from today."), "info")
    return redirect(url_for("portal.commitment"), 303)


@bp.post("/commitments/<int:commitment_id>/withdraw")
@allow(MERCHANT)
def withdraw_commitment(commitment_id: int):
    """Withdraw the commitment in force, giving the reason
    (POST /api/v1/commitments/<id>/withdraw)."""
    p = auth.current()
    found = programme.commitment(p, commitment_id)
    data, errors = load(WithdrawIn, _typed("reason"), {"reason"})
    if data is None:
        return _commitment_page(errors, 422)
    try:
        commitments.withdraw(p, found, data["reason"], clock.today())
    except Conflict:
        return _commitment_page({"": [_("This commitment was withdrawn already.")]}, 409)
    flash(_("Your self-commitment was withdrawn."), "info")
    return redirect(url_for("portal.commitment"), 303)


# Credit repair ------------------------------------------------------------------------

REPAIR_FIELDS = {"entry_id", "statement", "obligations_fulfilled", "harm_remedied"}


def repair_refusal(exc: DomainError) -> dict[str, list[str]]:
    """The repair service's refusals in the page's language, beside the field they name."""
    if isinstance(exc, Invalid) and exc.field == "entry_id":
        return {"entry_id": [_("This exposure entry is not yours or is no longer published.")]}
    if isinstance(exc, Conflict):
        return {"entry_id": [_("An application for this entry already awaits its decision.")]}
    return domain_errors(exc, REPAIR_FIELDS)


def _repairs_page(errors: dict, status: int = 200):
    p = auth.current()
    own_merchant()
    return render_template(
        "portal/repairs.html",
        entries=repairs.repairable(p, clock.today()),
        applications=appeals.repairs_page(p, HISTORY)["items"],
        conditions=REPAIR_CONDITION_LABELS,
        statuses=REPAIR_STATUS_LABELS,
        values=request.form,
        errors=errors,
    ), status


@bp.get("/repairs")
@allow(MERCHANT)
def repairs_page():
    """Your exposure entries with the conditions of 第十四条 checked, and your applications."""
    return _repairs_page({})


@bp.post("/repairs")
@allow(MERCHANT)
def apply_repair():
    """Apply to end an exposure entry early (POST /api/v1/repairs): the service checks
    the conditions and records them with the application."""
    p = auth.current()
    own_merchant()
    payload = _typed("entry_id", "statement") | {
        "obligations_fulfilled": bool(request.form.get("obligations_fulfilled")),
        "harm_remedied": bool(request.form.get("harm_remedied")),
    }
    data, errors = load(RepairIn, payload, REPAIR_FIELDS)
    if data is None:
        return _repairs_page(errors, 422)
    try:
        application = repairs.file(p, data, clock.today())
    except DomainError as exc:
        return _repairs_page(repair_refusal(exc), exc.status)
    flash(_("Your application was filed. The district bureau decides within 15 working days."))
    return redirect(url_for("portal.repair", repair_id=application.id), 303)


@bp.get("/repairs/<int:repair_id>")
@allow(MERCHANT)
def repair(repair_id: int):
    """One application: the conditions as checked, and the decision."""
    return render_template(
        "portal/repair.html",
        application=appeals.repair(auth.current(), repair_id),
        conditions=REPAIR_CONDITION_LABELS,
        statuses=REPAIR_STATUS_LABELS,
    )


# Demonstration unit -------------------------------------------------------------------


def _demonstration_page(errors: dict, status: int = 200):
    p = auth.current()
    merchant = own_merchant()
    cases = programme.demonstration_units_page(p, HISTORY)["items"]
    return render_template(
        "portal/demonstration.html",
        merchant=merchant,
        cases=cases,
        may_apply=not any(c.status in demonstration_units.OPEN for c in cases),
        statuses=UNIT_STATUS_LABELS,
        routes=UNIT_ROUTE_LABELS,
        values=request.form,
        errors=errors,
    ), status


@bp.get("/demonstration")
@allow(MERCHANT)
def demonstration():
    """Your demonstration unit cases, and the form to apply."""
    return _demonstration_page({})


@bp.post("/demonstration")
@allow(MERCHANT)
def apply_demonstration():
    """Apply for demonstration unit status (POST /api/v1/demonstration-units as merchant)."""
    p = auth.current()
    own_merchant()
    data, errors = load(UnitIn, _typed("statement"), {"statement"})
    if data is None:
        return _demonstration_page(errors, 422)
    try:
        demonstration_units.file(p, data, clock.today())
    except Conflict:
        reason = _("Your business already has a demonstration case open or in force.")
        return _demonstration_page({"": [reason]}, 409)
    flash(_("Your application was filed. The district bureau assesses it."), "info")
    return redirect(url_for("portal.demonstration"), 303)
