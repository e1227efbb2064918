"""Businesses in the console: find one by any part of its name or its USCC, and read its
whole record as officers see it (every reason with its evidence, the score over time,
its latest inspections and complaints), with the forms to record more.

A district officer finds only its district's businesses (`scope.merchants`): another
district's business answers 404, as on every console page.
"""

from __future__ import annotations

from flask import jsonify, render_template, request

from creditsvc import auth
from creditsvc.auth import allow
from creditsvc.principals import OFFICERS
from creditsvc.services.registry import queries
from creditsvc.web import labels
from creditsvc.web.console_common import bp, district_in_view, page_number
from creditsvc.web.labels import CHANNEL_LABELS, COMPLAINT_STATUS_LABELS, INSPECTION_KIND_LABELS
from creditsvc.web.standing_view import standing_context

PER_PAGE = 50
LATEST = 10  # inspections and complaints shown on a business's page


@bp.get("/merchants")
@allow(*OFFICERS)
def merchant_list():
    """Businesses in view, by name; `q` finds any part of a name, or a USCC."""
    district = district_in_view()
    q = request.args.get("q", "").strip()[:64]
    page = queries.merchants_by_name_page(auth.current(), district, q, page_number(), PER_PAGE)
    return render_template(
        "console/merchants.html",
        page=page,
        standings=queries.standings_of(merchant.id for merchant in page["items"]),
        q=q,
        district=district,
    )


@bp.get("/businesses/lookup")
@allow(*OFFICERS)
def business_lookup():
    """The businesses in view matching `q` (part of a name, or a USCC), as JSON: the
    business field of a form shows the name as the officer types (static/js)."""
    q = request.args.get("q", "").strip()[:64]
    found = queries.businesses_like(auth.current(), q) if q else []
    return jsonify([{"uscc": m.uscc, "name": m.name, "address": m.address} for m in found])


@bp.get("/merchants/<uscc>")
@allow(*OFFICERS)
def merchant_record(uscc: str):
    """A business's whole record as officers see it."""
    p = auth.current()
    found = queries.merchant(p, uscc)
    inspections = queries.latest_inspections(p, found, LATEST)
    complaints = queries.latest_complaints(p, found, LATEST)
    return render_template(
        "console/merchant.html",
        merchant=found,
        **standing_context(found),
        district=labels.district_name(queries.district(found.district_code)),
        inspections=inspections,
        complaints=complaints,
        kinds=INSPECTION_KIND_LABELS,
        channels=CHANNEL_LABELS,
        statuses=COMPLAINT_STATUS_LABELS,
    )
