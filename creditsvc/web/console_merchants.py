"""Businesses in the console: find one by any part of its name or its USCC, and read its
whole record as officers see it (every reason with its evidence, the score over time,
its latest inspections and complaints), with the forms to record more.

A district officer finds only its district's businesses (`scope.merchants`): another
district's business answers 404, as on every console page.
"""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from creditsvc import auth
from creditsvc import uscc as uscc_rules
from creditsvc.api import one_or_404
from creditsvc.auth import allow
from creditsvc.extensions import db
from creditsvc.models import Complaint, CurrentScore, District, Inspection, Merchant
from creditsvc.principals import OFFICERS
from creditsvc.services import scope
from creditsvc.services.reads import paginate
from creditsvc.services.registry import search
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
    stmt = (
        select(Merchant)
        .where(scope.merchants(auth.current()))
        .options(selectinload(Merchant.market))
        .order_by(Merchant.name, Merchant.id)
    )
    if district:
        stmt = stmt.where(Merchant.district_code == district)
    if q:
        stmt = stmt.where(search.merchants_matching(q))
    page = paginate(stmt, page_number(), PER_PAGE)
    ids = [merchant.id for merchant in page["items"]]
    standings = db.session.scalars(select(CurrentScore).where(CurrentScore.merchant_id.in_(ids)))
    return render_template(
        "console/merchants.html",
        page=page,
        standings={current.merchant_id: current for current in standings},
        q=q,
        district=district,
    )


@bp.get("/merchants/<uscc>")
@allow(*OFFICERS)
def merchant_record(uscc: str):
    """A business's whole record as officers see it."""
    p = auth.current()
    code = uscc_rules.normalise(uscc)
    found = one_or_404(
        select(Merchant).where(Merchant.uscc == code, scope.merchants(p)), "merchant"
    )
    latest_inspections = db.session.scalars(
        select(Inspection)
        .where(Inspection.merchant_id == found.id, scope.evidence(p, Inspection))
        .options(selectinload(Inspection.findings))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        .limit(LATEST)
    )
    latest_complaints = db.session.scalars(
        select(Complaint)
        .where(Complaint.merchant_id == found.id, scope.evidence(p, Complaint))
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
        .limit(LATEST)
    )
    return render_template(
        "console/merchant.html",
        merchant=found,
        **standing_context(found),
        district=labels.district_name(db.session.get(District, found.district_code)),
        inspections=list(latest_inspections),
        complaints=list(latest_complaints),
        kinds=INSPECTION_KIND_LABELS,
        channels=CHANNEL_LABELS,
        statuses=COMPLAINT_STATUS_LABELS,
    )
