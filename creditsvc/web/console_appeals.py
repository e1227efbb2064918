"""Appeals in the console (issue 19): objections (异议), credit repair applications (信用修复)
and merchants' replies, each listed and decided on a page of its own. A decision goes
through the same service as its API verb (`services.appeals`), which checks the state and
the officer's district and audits it; the forms are validated by the API's own schemas."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock, unit_of_work
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.models import (
    MerchantReply,
    Objection,
    ObjectionStatus,
    RepairApplication,
    RepairStatus,
    ReplyStatus,
)
from creditsvc.principals import OFFICERS
from creditsvc.schemas.requests import DecisionIn, ModerateIn, RepairDecisionIn
from creditsvc.services.appeals import objections, queries, repairs, replies
from creditsvc.web.console_common import bp, page_number, save
from creditsvc.web.labels import (
    EVIDENCE_KIND_LABELS,
    OBJECTION_STATUS_LABELS,
    REPAIR_STATUS_LABELS,
    REPLY_STATUS_LABELS,
)

PER_PAGE = 50


def _form(names) -> dict[str, str]:
    """The non-blank values among `names` (a blank required field is reported missing)."""
    values = {name: request.form.get(name, "").strip() for name in names}
    return {name: value for name, value in values.items() if value}


def _listing(template: str, page_of, statuses: dict, **extra):
    status = request.args.get("status")
    args: dict = {"page": page_number(), "per_page": PER_PAGE}
    if status in statuses:
        args["status"] = status
    return render_template(
        template,
        page=page_of(auth.current(), args),
        status=status if status in statuses else None,
        statuses=statuses,
        **extra,
    )


# Objections ------------------------------------------------------------------------------


@bp.get("/objections")
@allow(*OFFICERS)
def objection_list():
    return _listing(
        "console/objections.html",
        queries.objections_page,
        OBJECTION_STATUS_LABELS,
        kinds=EVIDENCE_KIND_LABELS,
    )


def _objection_page(found: Objection, values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/objection.html",
        objection=found,
        record=queries.disputed_record(found),
        batch=queries.readings_disputed(found),
        statuses=OBJECTION_STATUS_LABELS,
        kinds=EVIDENCE_KIND_LABELS,
        values=values,
        errors=errors,
    ), status


@bp.get("/objections/<int:objection_id>")
@allow(*OFFICERS)
def objection(objection_id: int):
    found = queries.objection(auth.current(), objection_id)
    return _objection_page(found, MultiDict(), {})


@bp.post("/objections/<int:objection_id>/decide")
@allow(*OFFICERS)
def decide_objection(objection_id: int):
    """Uphold (void the evidence, rescore, withdraw entries) or reject with a reason."""
    p = auth.current()
    found = queries.objection(p, objection_id)  # another district's: 404
    fields = {"upheld", "reason"}
    decided, errors = save(
        DecisionIn,
        _form(fields),
        fields,
        lambda data: objections.decide(p, found, data["upheld"], data["reason"], clock.today()),
    )
    if decided is None:
        unit_of_work.discard()
        return _objection_page(queries.objection(p, objection_id), request.form, errors, 422)
    unit_of_work.after_commit(rescore.rescore_soon)
    flash(
        _("Objection upheld: the record is void.")
        if decided.status == ObjectionStatus.UPHELD
        else _("Objection rejected."),
        "info",
    )
    return redirect(url_for("console.objection", objection_id=objection_id), 303)


# Credit repair ---------------------------------------------------------------------------


@bp.get("/repairs")
@allow(*OFFICERS)
def repair_list():
    return _listing("console/repairs.html", queries.repairs_page, REPAIR_STATUS_LABELS)


REPAIR_FIELDS = {
    "approve",
    "reason",
    "obligations_fulfilled",
    "harm_remedied",
    "on_restricted_lists",
}


def _repair_page(found: RepairApplication, values: MultiDict, errors: dict, status: int = 200):
    pending = found.status == RepairStatus.PENDING
    return render_template(
        "console/repair.html",
        repair=found,
        # What the service checks, as of today (the decision checks it again).
        check=repairs.check(found, clock.today()) if pending else found.check,
        statuses=REPAIR_STATUS_LABELS,
        values=values,
        errors=errors,
    ), status


@bp.get("/repairs/<int:repair_id>")
@allow(*OFFICERS)
def repair(repair_id: int):
    found = queries.repair(auth.current(), repair_id)
    values = MultiDict(
        {
            "obligations_fulfilled": str(found.obligations_fulfilled).lower(),
            "harm_remedied": str(found.harm_remedied).lower(),
        }
    )
    return _repair_page(found, values, {})


@bp.post("/repairs/<int:repair_id>/decide")
@allow(*OFFICERS)
def decide_repair(repair_id: int):
    """Approve (the entry is withdrawn at once) or refuse, giving the reason."""
    p = auth.current()
    found = queries.repair(p, repair_id)
    decided, errors = save(
        RepairDecisionIn,
        _form(REPAIR_FIELDS),
        REPAIR_FIELDS,
        lambda data: repairs.decide(p, found, data, clock.today()),
    )
    if decided is None:
        unit_of_work.discard()
        errors[""] = [_unmet(e) for e in errors.get("", [])]
        return _repair_page(queries.repair(p, repair_id), request.form, errors, 422)
    flash(
        _("Repair approved: the entry is off publication.")
        if decided.status == RepairStatus.APPROVED
        else _("Repair refused."),
        "info",
    )
    return redirect(url_for("console.repair", repair_id=repair_id), 303)


def _unmet(message: str) -> str:
    """The service's refusal of an approval whose conditions are unmet, in the page's
    language (the conditions themselves are listed in the table above the form)."""
    if message.startswith("the conditions of 第十四条 are not met"):
        return _("Not every condition of article 14 is met: see the conditions above.")
    return message


# Replies ---------------------------------------------------------------------------------


@bp.get("/replies")
@allow(*OFFICERS)
def reply_list():
    args = {"page": page_number(), "per_page": PER_PAGE}
    return render_template(
        "console/replies.html",
        page=queries.replies_page(auth.current(), args),
        statuses=REPLY_STATUS_LABELS,
    )


def _reply_page(found: MerchantReply, values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/reply.html",
        reply=found,
        statuses=REPLY_STATUS_LABELS,
        values=values,
        errors=errors,
    ), status


@bp.get("/replies/<int:reply_id>")
@allow(*OFFICERS)
def reply(reply_id: int):
    return _reply_page(queries.reply(auth.current(), reply_id), MultiDict(), {})


@bp.post("/replies/<int:reply_id>/moderate")
@allow(*OFFICERS)
def moderate_reply(reply_id: int):
    """Approve a reply for the public record, or reject it with a note."""
    p = auth.current()
    found = queries.reply(p, reply_id)
    fields = {"approve", "note"}
    moderated, errors = save(
        ModerateIn,
        _form(fields),
        fields,
        lambda data: replies.moderate(p, found, data["approve"], data["note"]),
    )
    if moderated is None:
        unit_of_work.discard()
        return _reply_page(queries.reply(p, reply_id), request.form, errors, 422)
    flash(
        _("Reply approved: it shows with the public record.")
        if moderated.status == ReplyStatus.APPROVED
        else _("Reply rejected."),
        "info",
    )
    return redirect(url_for("console.reply", reply_id=reply_id), 303)
