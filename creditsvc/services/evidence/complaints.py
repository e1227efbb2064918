"""Complaints and their lifecycle: received → verifying → substantiated, unfounded or
withdrawn, each step with its officer and reason. Contact details are personal data."""

from __future__ import annotations

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Complaint, ComplaintStatus, ComplaintTransition
from creditsvc.personal_data import seal, unseal
from creditsvc.principals import DISTRICT, Principal
from creditsvc.services import audit, lifecycle
from creditsvc.services.registry.queries import merchant_in_scope
from creditsvc.services.standing import outbox


def record_complaint(p: Principal, data: dict) -> Complaint:
    merchant = merchant_in_scope(p, data["merchant"])
    complaint = Complaint(
        merchant=merchant,
        district_code=merchant.district_code,
        channel=data["channel"],
        received_on=data["received_on"],
        reference=data.get("reference"),
        allegation=data["allegation"],
        status=ComplaintStatus.RECEIVED,
        contact_encrypted=seal(data.get("contact")),
        recorded_by=p.name,
    )
    db.session.add(complaint)
    audit.record(p.name, "create", complaint)  # contact_encrypted is never logged
    outbox.mark_dirty([merchant.id], "complaint")
    return complaint


def move(p: Principal, complaint: Complaint, to: str, reason: str) -> Complaint:
    """Move a complaint along its lifecycle; final states do not move again."""
    before, from_status = audit.state(complaint), complaint.status
    lifecycle.move(complaint, to)
    complaint.transitions.append(
        ComplaintTransition(from_status=from_status, to_status=to, actor=p.name, reason=reason)
    )
    if Complaint.lifecycle.is_final(to):
        complaint.decided_on = clock.today()
    audit.record(p.name, "transition", complaint, before=before, reason=reason)
    # Only a substantiated complaint costs points, but any change may alter reasons.
    outbox.mark_dirty([complaint.merchant_id], "complaint")
    return complaint


def contact_for(p: Principal, complaint: Complaint) -> str | None:
    """The complainant's contact, for officers of the complaint's own district only."""
    if p.role == DISTRICT and p.district_code == complaint.district_code:
        return unseal(complaint.contact_encrypted)
    return None
