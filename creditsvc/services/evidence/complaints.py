"""Complaints and their lifecycle: received → verifying → substantiated, unfounded or
withdrawn, each step with its officer and reason. Contact details are personal data."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Complaint, ComplaintStatus, ComplaintTransition, Merchant
from creditsvc.personal_data import seal, unseal
from creditsvc.principals import DISTRICT, Principal
from creditsvc.services import audit, lifecycle, scope
from creditsvc.services.errors import NotFound
from creditsvc.services.registry.queries import merchant_in_scope
from creditsvc.services.standing import outbox


def _new_complaint(p: Principal, merchant: Merchant, data: dict) -> Complaint:
    return Complaint(
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


def record_complaint(p: Principal, data: dict) -> Complaint:
    merchant = merchant_in_scope(p, data["merchant"])
    complaint = _new_complaint(p, merchant, data)
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


class ComplaintBatch:
    """`record_complaint` for many rows (a spreadsheet import): the merchants of a chunk
    read in one query within scope, then one insert, one audit write, one outbox mark."""

    def __init__(self, p: Principal) -> None:
        self.p = p

    def check(self, rows: list[tuple[int, dict]]) -> tuple[list[tuple[int, Complaint]], list]:
        """The rows that pass, as unsaved complaints, and (row key, DomainError) of the rest."""
        usccs = {data["merchant"] for _, data in rows}
        stmt = select(Merchant).where(Merchant.uscc.in_(usccs), scope.merchants(self.p))
        merchants = {m.uscc: m for m in db.session.scalars(stmt)}
        passed, failed = [], []
        for key, data in rows:
            merchant = merchants.get(data["merchant"])
            if merchant is None:
                failed.append((key, NotFound("no such merchant, or not yours to see", "merchant")))
                continue
            passed.append((key, _new_complaint(self.p, merchant, data)))
        return passed, failed

    def write(self, rows: list[tuple[int, Complaint]]) -> None:
        complaints = [complaint for _, complaint in rows]
        db.session.add_all(complaints)
        audit.record_created(self.p.name, complaints)  # contact_encrypted is never logged
        outbox.mark_dirty([c.merchant_id for c in complaints], "complaint")
