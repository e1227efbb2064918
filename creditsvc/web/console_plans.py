"""Random inspection plans (双随机一公开) and officers' conflicts of interest (回避) in the
officer console: draw a plan, read it, publish it after its period, declare a conflict.
Posts are validated by the API's own schemas and done by the API's own services
(services.risk.inspection_plans), which audit every write."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.models import RISK_CLASSES, InspectionPlan
from creditsvc.principals import CITY, DISTRICT, OFFICERS
from creditsvc.schemas.risk import ConflictIn, PlanIn
from creditsvc.services.errors import DomainError
from creditsvc.services.risk import inspection_plans, queries
from creditsvc.web.console_common import (
    bp,
    district_in_view,
    domain_errors,
    page_number,
    present,
    save,
)
from creditsvc.web.labels import PLAN_OUTCOME_LABELS, PLAN_STATUS_LABELS, RISK_CLASS_LABELS

PER_PAGE = 50
PLAN_FIELDS = {"district", "period_start", "period_end", "seed"} | {
    f"ratios.{c}" for c in RISK_CLASSES
}
CONFLICT_FIELDS = {"officer", "merchant", "reason"}


def plan_payload(form: MultiDict) -> dict:
    """The API's plan payload: the shares of the classes only where the officer gave one."""
    payload: dict = present(form, ("district", "period_start", "period_end", "seed"))
    shares = present(form, [f"ratios.{c}" for c in RISK_CLASSES])
    if shares:
        payload["ratios"] = {name.removeprefix("ratios."): v for name, v in shares.items()}
    return payload


@bp.get("/plans")
@allow(*OFFICERS)
def plan_list():
    district = district_in_view()
    status = request.args.get("status")
    args: dict = {"page": page_number(), "per_page": PER_PAGE}
    if district:
        args["district"] = district
    if status in PLAN_STATUS_LABELS:
        args["status"] = status
    return render_template(
        "console/plans.html",
        page=queries.plans_page(auth.current(), args),
        district=district,
        status=args.get("status"),
        statuses=PLAN_STATUS_LABELS,
    )


def _plan_form(values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/plan_form.html",
        values=values,
        errors=errors,
        classes=RISK_CLASS_LABELS,
        defaults=inspection_plans.ratios(None),
    ), status


@bp.route("/plans/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_plan():
    p = auth.current()
    if request.method == "GET":
        today = clock.today()
        values = MultiDict(
            {
                "district": p.district_code or "",
                "period_start": today.isoformat(),
                "period_end": (today + timedelta(days=30)).isoformat(),
            }
        )
        values.update(request.args)
        return _plan_form(values, {})
    plan, errors = save(
        PlanIn,
        plan_payload(request.form),
        PLAN_FIELDS,
        lambda data: inspection_plans.create_plan(p, data),
    )
    if plan is None:
        return _plan_form(request.form, errors, 422)
    flash(_("Plan drawn: %(count)s businesses.", count=len(plan.items)), "info")
    return redirect(url_for("console.plan", plan_id=plan.id), 303)


def in_public_order(plan: InspectionPlan) -> dict:
    """The officers' view of a plan, its businesses in the order the published plan lists
    them (inspection_plans.public_view), never in the draw's class-by-class order."""
    view = inspection_plans.officer_view(plan)
    order = {row["uscc"]: i for i, row in enumerate(inspection_plans.public_view(plan)["items"])}
    view["items"] = sorted(view["items"], key=lambda row: order[row["uscc"]])
    return view


def _plan_page(plan: InspectionPlan, errors: dict, status: int = 200):
    return render_template(
        "console/plan.html",
        plan=plan,
        view=in_public_order(plan),
        errors=errors,
        statuses=PLAN_STATUS_LABELS,
        outcomes=PLAN_OUTCOME_LABELS,
        classes=RISK_CLASS_LABELS,
        publishable=plan.status == "drawn" and clock.today() > plan.period_end,
    ), status


@bp.get("/plans/<int:plan_id>")
@allow(*OFFICERS)
def plan(plan_id: int):
    return _plan_page(queries.plan(auth.current(), plan_id), {})


@bp.post("/plans/<int:plan_id>/publish")
@allow(*OFFICERS)
def publish_plan(plan_id: int):
    """Publish the businesses drawn and the outcomes (一公开), after the plan's period."""
    p = auth.current()
    found = queries.plan(p, plan_id)
    try:
        inspection_plans.publish(p, found)
    except DomainError as exc:
        return _plan_page(found, domain_errors(exc, set()), 422)
    flash(_("The plan is published."), "info")
    return redirect(url_for("console.plan", plan_id=plan_id), 303)


def _conflicts_page(values: MultiDict, errors: dict, status: int = 200):
    p = auth.current()
    return render_template(
        "console/conflicts.html",
        page=queries.conflicts_page(p, {"page": page_number(), "per_page": PER_PAGE}),
        values=values,
        errors=errors,
    ), status


@bp.route("/conflicts", methods=["GET", "POST"])
@allow(CITY, DISTRICT)
def conflicts():
    """Declared conflicts of interest, and the form to declare one (回避)."""
    if request.method == "GET":
        return _conflicts_page(MultiDict(request.args), {})
    p = auth.current()
    conflict, errors = save(
        ConflictIn,
        present(request.form, CONFLICT_FIELDS),
        CONFLICT_FIELDS,
        lambda data: inspection_plans.declare_conflict(p, data),
    )
    if conflict is None:
        return _conflicts_page(request.form, errors, 422)
    flash(_("Conflict of interest declared."), "info")
    return redirect(url_for("console.conflicts"), 303)
