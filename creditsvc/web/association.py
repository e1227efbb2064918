"""An industry association's pages (行业协会): nominate a member unit for the demonstration
unit assessment (诚信计量示范单位, reference/rules.md §5) and follow each nomination.

Every view is `@allow(ASSOCIATION)`; an association sees only the nominations it filed
(`demonstration_units.scoped`), so another's answers 404. A nomination goes through the
service the API's `POST /api/v1/demonstration-units` calls, validated by its schema.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.principals import ASSOCIATION
from creditsvc.schemas.programme import UnitIn
from creditsvc.services.programme import demonstration_units
from creditsvc.services.programme import queries as programme
from creditsvc.web.console_common import page_number, save
from creditsvc.web.labels import UNIT_ROUTE_LABELS, UNIT_STATUS_LABELS

bp = Blueprint("association", __name__, url_prefix="/association")
NOMINATION_FIELDS = {"merchant", "statement"}
PER_PAGE = 50


def _home(values: dict, errors: dict, status: int = 200):
    args = {"page": page_number(), "per_page": PER_PAGE}
    return render_template(
        "association/home.html",
        page=programme.demonstration_units_page(auth.current(), args),
        statuses=UNIT_STATUS_LABELS,
        values=values,
        errors=errors,
    ), status


@bp.get("")
@allow(ASSOCIATION)
def home():
    """The association's nominations, newest first, and the form for another."""
    return _home({}, {})


@bp.post("/nominations")
@allow(ASSOCIATION)
def nominate():
    """Nominate a member unit by its USCC (POST /api/v1/demonstration-units)."""
    p = auth.current()
    payload = {k: request.form.get(k, "").strip() for k in NOMINATION_FIELDS}
    unit, errors = save(
        UnitIn,
        {k: v for k, v in payload.items() if v},
        NOMINATION_FIELDS,
        lambda data: demonstration_units.file(p, data, clock.today()),
    )
    if unit is None:
        return _home(request.form, errors, 422)
    flash(_("The nomination was filed. The district bureau assesses it."), "info")
    return redirect(url_for("association.nomination", unit_id=unit.id), 303)


@bp.get("/nominations/<int:unit_id>")
@allow(ASSOCIATION)
def nomination(unit_id: int):
    """One nomination: its status, the assessment and any later decision."""
    return render_template(
        "association/nomination.html",
        unit=programme.demonstration_unit(auth.current(), unit_id),
        statuses=UNIT_STATUS_LABELS,
        routes=UNIT_ROUTE_LABELS,
    )
