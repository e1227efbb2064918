"""Console forms that record evidence: an inspection (findings, net-content lots, penalty),
a complaint, and a complaint's status transitions. Posts are validated by the API's own
schemas and stored by the API's own services, which audit every write."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock, idempotency, unit_of_work
from creditsvc.auth import allow
from creditsvc.catalogue import violations
from creditsvc.imports.sheets import split_list
from creditsvc.jobs import rescore
from creditsvc.models import COMPLAINT_TRANSITIONS, Complaint
from creditsvc.principals import OFFICERS
from creditsvc.schemas.evidence import (
    ComplaintIn,
    InspectionIn,
    PenaltyChangeIn,
    TransitionIn,
    same_fault_lot,
)
from creditsvc.services.evidence import complaints, inspections, penalty_changes, queries
from creditsvc.web.console_common import (
    bp,
    district_in_view,
    page_number,
    present,
    save,
    sent_before,
)
from creditsvc.web.labels import (
    CHANNEL_LABELS,
    COMPLAINT_STATUS_LABELS,
    INSPECTION_KIND_LABELS,
    NET_CONTENT_UNIT_LABELS,
    PENALTY_CHANGE_LABELS,
    PROCEDURE_LABELS,
    SEVERITY_LABELS,
)
from scoring import netcontent

# Enough rows for one visit; a longer inspection goes in by spreadsheet import.
FINDING_ROWS = 5
LOT_ROWS = 4
FINDING_KEYS = ("code", "severity", "description", "instrument")
LOT_KEYS = ("product", "nominal", "unit", "batch_size", "measurements")
PENALTY_KEYS = ("decision_number", "decided_on", "procedure", "fine_yuan", "confiscation")
INSPECTION_FIELDS = (
    {"merchant", "inspected_on", "kind", "officers", "notes", "penalty"}
    | {
        f"{group}.{i}.{key}"
        for group, keys, rows in (
            ("findings", FINDING_KEYS, FINDING_ROWS),
            ("lots", LOT_KEYS, LOT_ROWS),
        )
        for i in range(rows)
        for key in keys
    }
    | {f"penalty.{key}" for key in (*PENALTY_KEYS, "warning_only")}
)
COMPLAINT_FIELDS = {"merchant", "channel", "received_on", "reference", "allegation", "contact"}
MEASUREMENT_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _rows(form: MultiDict, group: str, keys: tuple, count: int) -> tuple[list[dict], list[int]]:
    """Filled rows of a repeated group, and the form row each payload item came from."""
    rows, positions = [], []
    for i in range(count):
        row = {
            key: value for key, value in present(form, [f"{group}.{i}.{k}" for k in keys]).items()
        }
        if row:
            rows.append({name.rsplit(".", 1)[1]: value for name, value in row.items()})
            positions.append(i)
    return rows, positions


def inspection_payload(form: MultiDict) -> tuple[dict, dict[str, list[int]]]:
    """The API's inspection payload from the form, and the form rows of its list items."""
    payload: dict = present(form, ("merchant", "inspected_on", "kind", "notes"))
    if form.get("officers", "").strip():
        payload["officers"] = split_list(form["officers"])
    payload["findings"], finding_rows = _rows(form, "findings", FINDING_KEYS, FINDING_ROWS)
    lots, lot_rows = _rows(form, "lots", LOT_KEYS, LOT_ROWS)
    for lot in lots:
        if "measurements" in lot:
            lot["measurements"] = [
                m for m in MEASUREMENT_SEPARATORS.split(lot["measurements"]) if m
            ]
    payload["lots"] = lots
    penalty = {
        k.removeprefix("penalty."): v
        for k, v in present(form, [f"penalty.{k}" for k in PENALTY_KEYS]).items()
    }
    if penalty or form.get("penalty.warning_only"):
        penalty["warning_only"] = bool(form.get("penalty.warning_only"))
        payload["penalty"] = penalty
    return payload, {"findings": finding_rows, "lots": lot_rows}


def _renamer(rows: dict[str, list[int]]):
    """Map a payload path (findings.1.code) to its form field (findings.3.code)."""

    def rename(path: str) -> str:
        group, _, rest = path.partition(".")
        index, _, tail = rest.partition(".")
        if group in rows and index.isdigit() and int(index) < len(rows[group]):
            return f"{group}.{rows[group][int(index)]}" + (f".{tail}" if tail else "")
        return path

    return rename


def _inspection_form(values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/inspection_form.html",
        values=values,
        errors=errors,
        violations=sorted(violations().values(), key=lambda v: v.code),
        kinds=INSPECTION_KIND_LABELS,
        severities=SEVERITY_LABELS,
        procedures=PROCEDURE_LABELS,
        units=NET_CONTENT_UNIT_LABELS,
        finding_rows=range(FINDING_ROWS),
        lot_rows=range(LOT_ROWS),
    ), status


@bp.route("/inspections/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_inspection():
    if request.method == "GET":
        values = MultiDict(request.args)
        values.setdefault("inspected_on", clock.today().isoformat())  # today in Shanghai
        return _inspection_form(values, {})
    first, refused = sent_before()
    if first is not None or refused:
        return first or _inspection_form(request.form, refused, 422)
    payload, rows = inspection_payload(request.form)
    p = auth.current()
    inspection, errors = save(
        InspectionIn,
        payload,
        INSPECTION_FIELDS,
        lambda data: inspections.record_inspection(p, data),
        _renamer(rows),
        business="merchant",
    )
    if inspection is not None:
        unit_of_work.after_commit(rescore.rescore_soon)
        flash(_("Inspection recorded."), "info")
        shown = redirect(url_for("console.inspection", inspection_id=inspection.id))
        return idempotency.remember(shown)
    return _inspection_form(request.form, errors, 422)


@bp.get("/inspections/<int:inspection_id>")
@allow(*OFFICERS)
def inspection(inspection_id: int):
    return _inspection_page(queries.inspection(auth.current(), inspection_id), MultiDict(), {})


def lot_failures(lot) -> list[str]:
    """Why a lot failed, in the page's language, from its stored figures and its plan
    (scoring.netcontent; the stored reasons are the API's English)."""
    plan = netcontent.sampling_plan(lot.batch_size, lot.plan)
    failures = [
        _("%(n)s %(kind)s defects (%(allowed)s allowed)", n=count, kind=kind, allowed=allowed)
        for count, kind, allowed in (
            (lot.t2, "T2", plan.allowed_t2),
            (lot.t1, "T1", plan.allowed_t1),
        )
        if count > allowed
    ]
    if lot.mean_limit is not None and lot.mean < lot.mean_limit:
        failures.append(
            _("mean %(mean)s below its limit %(limit)s", mean=lot.mean, limit=lot.mean_limit)
        )
    return failures


def _inspection_page(found, values, errors: dict, status: int = 200):
    return render_template(
        "console/inspection.html",
        inspection=found,
        kinds=INSPECTION_KIND_LABELS,
        severities=SEVERITY_LABELS,
        change_kinds=PENALTY_CHANGE_LABELS,
        units=NET_CONTENT_UNIT_LABELS,
        judged_in=netcontent.judging_unit,
        same_fault_lot=same_fault_lot,
        lot_failures=lot_failures,
        values=values,
        errors=errors,
    ), status


CHANGE_FIELDS = {"kind", "document_number", "decided_on", "reason"}


@bp.post("/inspections/<int:inspection_id>/penalty-change")
@allow(*OFFICERS)
def change_penalty(inspection_id: int):
    """Record that the penalty decision was revoked or changed (撤销/变更): its entries
    leave every document in force in this request (publication.withdrawal)."""
    p = auth.current()
    found = queries.inspection(p, inspection_id)
    first, refused = sent_before()
    if first is not None or refused:
        return first or _inspection_page(found, request.form, refused, 422)
    change, errors = save(
        PenaltyChangeIn,
        present(request.form, CHANGE_FIELDS),
        CHANGE_FIELDS,
        lambda data: penalty_changes.record(p, inspection_id, data),
    )
    if change is None:
        unit_of_work.discard()
        return _inspection_page(found, request.form, errors, 422)
    flash(_("Recorded: its entries have come off the notices in force."), "info")
    shown = redirect(url_for("console.inspection", inspection_id=inspection_id), 303)
    return idempotency.remember(shown)


def _complaint_form(values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/complaint_form.html", values=values, errors=errors, channels=CHANNEL_LABELS
    ), status


@bp.route("/complaints/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_complaint():
    if request.method == "GET":
        values = MultiDict(request.args)
        values.setdefault("received_on", clock.today().isoformat())  # today in Shanghai
        return _complaint_form(values, {})
    first, refused = sent_before()
    if first is not None or refused:
        return first or _complaint_form(request.form, refused, 422)
    p = auth.current()
    complaint, errors = save(
        ComplaintIn,
        present(request.form, COMPLAINT_FIELDS),
        COMPLAINT_FIELDS,
        lambda data: complaints.record_complaint(p, data),
        business="merchant",
    )
    if complaint is not None:
        unit_of_work.after_commit(rescore.rescore_soon)
        flash(_("Complaint recorded."), "info")
        shown = redirect(url_for("console.complaint", complaint_id=complaint.id))
        return idempotency.remember(shown)
    return _complaint_form(request.form, errors, 422)


@bp.get("/complaints")
@allow(*OFFICERS)
def complaint_list():
    district = district_in_view()
    status = request.args.get("status")
    return render_template(
        "console/complaints.html",
        page=queries.complaints_in_view(auth.current(), district, status, page_number(), 50),
        status=status,
        statuses=COMPLAINT_STATUS_LABELS,
        channels=CHANNEL_LABELS,
        district=district,
    )


def _complaint_page(complaint: Complaint, values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/complaint.html",
        complaint=complaint,
        contact=complaints.contact_for(auth.current(), complaint),
        next_statuses={
            s: COMPLAINT_STATUS_LABELS[s] for s in COMPLAINT_TRANSITIONS.get(complaint.status, ())
        },
        statuses=COMPLAINT_STATUS_LABELS,
        channels=CHANNEL_LABELS,
        values=values,
        errors=errors,
    ), status


@bp.get("/complaints/<int:complaint_id>")
@allow(*OFFICERS)
def complaint(complaint_id: int):
    return _complaint_page(queries.complaint(auth.current(), complaint_id), MultiDict(), {})


@bp.post("/complaints/<int:complaint_id>/transitions")
@allow(*OFFICERS)
def move_complaint(complaint_id: int):
    p = auth.current()
    found = queries.complaint(p, complaint_id)
    fields = {"to", "reason"}
    moved, errors = save(
        TransitionIn,
        present(request.form, fields),
        fields,
        lambda data: complaints.move(p, found, **data),
    )
    if moved is not None:
        unit_of_work.after_commit(rescore.rescore_soon)
        flash(_("Complaint status changed."), "info")
        return redirect(url_for("console.complaint", complaint_id=complaint_id))
    return _complaint_page(queries.complaint(p, complaint_id), request.form, errors, 422)
