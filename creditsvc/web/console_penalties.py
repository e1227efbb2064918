"""The penalty-publication register (issue 19): every ordinary-procedure penalty decision of
the district with its 20-working-day deadline for the national enterprise credit publicity
system (行政处罚信息公示规定 第四条, rules.md §4), the form that records it as published
there, and the CSV the national system takes. Same services as the API
(`services.publication.penalty_publicity`)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth, clock, idempotency
from creditsvc.auth import allow
from creditsvc.principals import OFFICERS
from creditsvc.schemas.publication import PublishedIn
from creditsvc.services.publication import penalty_publicity
from creditsvc.web.console_common import bp, district_in_view, page_number, save, sent_before
from creditsvc.web.labels import PENALTY_PUBLICATION_STATUS_LABELS

PER_PAGE = 50


def _args() -> dict:
    args: dict = {}
    if district := district_in_view():
        args["district"] = district
    status = request.args.get("status")
    if status in penalty_publicity.STATUSES:
        args["status"] = status
    return args


@bp.get("/penalties")
@allow(*OFFICERS)
def penalty_list():
    args = _args()
    return render_template(
        "console/penalties.html",
        page=penalty_publicity.listing_page(
            auth.current(), {**args, "page": page_number(), "per_page": PER_PAGE}
        ),
        status=args.get("status"),
        district=args.get("district"),
        statuses=PENALTY_PUBLICATION_STATUS_LABELS,
    )


@bp.get("/penalties.csv")
@allow(*OFFICERS)
def penalty_csv():
    """The register as the national system's CSV (UTF-8 with BOM, Chinese headers)."""
    body = penalty_publicity.as_csv(penalty_publicity.listing(auth.current(), _args()))
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{penalty_publicity.CSV_NAME}"'},
    )


def _penalty_page(row: dict, values: MultiDict, errors: dict, status: int = 200):
    return render_template(
        "console/penalty.html",
        row=row,
        statuses=PENALTY_PUBLICATION_STATUS_LABELS,
        values=values,
        errors=errors,
    ), status


@bp.get("/penalties/<int:penalty_id>")
@allow(*OFFICERS)
def penalty(penalty_id: int):
    row = penalty_publicity.one(auth.current(), penalty_id)  # another district's: 404
    return _penalty_page(row, MultiDict({"published_on": clock.today().isoformat()}), {})


@bp.post("/penalties/<int:penalty_id>/published")
@allow(*OFFICERS)
def record_penalty_published(penalty_id: int):
    """Record that the decision was published on the national credit publicity system."""
    p = auth.current()
    row = penalty_publicity.one(p, penalty_id)
    first, refused = sent_before()
    if first is not None or refused:
        return first or _penalty_page(row, request.form, refused, 422)
    fields = {"published_on", "reference"}
    payload = {k: v for k in fields if (v := request.form.get(k, "").strip())}
    recorded, errors = save(
        PublishedIn,
        payload,
        fields,
        lambda data: penalty_publicity.record_published(p, penalty_id, data),
    )
    if recorded is None:
        return _penalty_page(row, request.form, errors, 422)
    flash(_("Recorded as published on the national credit publicity system."), "info")
    shown = redirect(url_for("console.penalty", penalty_id=penalty_id), 303)
    return idempotency.remember(shown)
