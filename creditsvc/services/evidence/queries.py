"""Reads of evidence (inspections, complaints, corrections, readings) within scope."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from creditsvc.models import (
    COMPLAINT_STATUSES,
    Complaint,
    Inspection,
    Merchant,
    PenaltyDecision,
    Void,
)
from creditsvc.principals import Principal
from creditsvc.services import scope
from creditsvc.services.evidence import readings
from creditsvc.services.reads import one, paginate

# Inspections ---------------------------------------------------------------------


def _inspections_of(p: Principal) -> Select:
    return select(Inspection).where(scope.evidence(p, Inspection))


def inspections_page(p: Principal, args: dict) -> dict:
    """One page of the inspections `p` may see, filtered, newest first."""
    stmt = _inspections_of(p).order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    if "merchant" in args:
        stmt = stmt.join(Merchant).where(Merchant.uscc == args["merchant"])
    if "kind" in args:
        stmt = stmt.where(Inspection.kind == args["kind"])
    if "since" in args:
        stmt = stmt.where(Inspection.inspected_on >= args["since"])
    if "until" in args:
        stmt = stmt.where(Inspection.inspected_on <= args["until"])
    if "district" in args:
        stmt = stmt.where(Inspection.district_code == args["district"])
    if args.get("with_penalty"):
        stmt = stmt.where(Inspection.id.in_(select(PenaltyDecision.inspection_id)))
    return paginate(stmt, args["page"], args["per_page"])


def inspection(p: Principal, inspection_id: int) -> Inspection:
    """One inspection `p` may see, or NotFound."""
    return one(_inspections_of(p).where(Inspection.id == inspection_id), "inspection")


# Complaints ----------------------------------------------------------------------


def _complaints_of(p: Principal) -> Select:
    return select(Complaint).where(scope.evidence(p, Complaint))


def complaints_page(p: Principal, args: dict) -> dict:
    """One page of the complaints `p` may see, filtered, newest first."""
    stmt = _complaints_of(p).order_by(Complaint.received_on.desc(), Complaint.id.desc())
    if "merchant" in args:
        stmt = stmt.join(Merchant).where(Merchant.uscc == args["merchant"])
    for key, column in (
        ("status", Complaint.status),
        ("channel", Complaint.channel),
        ("district", Complaint.district_code),
    ):
        if key in args:
            stmt = stmt.where(column == args[key])
    if "since" in args:
        stmt = stmt.where(Complaint.received_on >= args["since"])
    if "until" in args:
        stmt = stmt.where(Complaint.received_on <= args["until"])
    return paginate(stmt, args["page"], args["per_page"])


def complaints_in_view(
    p: Principal, district: str | None, status: str | None, page: int, per_page: int
) -> dict:
    """The console's page of complaints: of `district` and `status` when given, with merchants."""
    stmt = _complaints_of(p)
    if district:
        stmt = stmt.where(Complaint.district_code == district)
    if status in COMPLAINT_STATUSES:
        stmt = stmt.where(Complaint.status == status)
    stmt = stmt.options(selectinload(Complaint.merchant)).order_by(
        Complaint.received_on.desc(), Complaint.id.desc()
    )
    return paginate(stmt, page, per_page)


def complaint(p: Principal, complaint_id: int) -> Complaint:
    """One complaint `p` may see, or NotFound."""
    return one(_complaints_of(p).where(Complaint.id == complaint_id), "complaint")


# Corrections and readings --------------------------------------------------------


def corrections_page(p: Principal, args: dict) -> dict:
    """One page of the voided evidence of merchants `p` may see, newest first."""
    stmt = (
        select(Void)
        .join(Merchant, Merchant.id == Void.merchant_id)
        .where(scope.merchants(p))
        .order_by(Void.id.desc())
    )
    return paginate(stmt, args["page"], args["per_page"])


def readings_page(p: Principal, args: dict) -> dict:
    """One page of the readings `p` may see, newest first, labelled for the answer."""
    page = paginate(readings.listing(p, args), args["page"], args["per_page"])
    readings.label(page["items"])
    return page
