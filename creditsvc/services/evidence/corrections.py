"""Voiding evidence: the record stays; a Void record says who voided it, when and why."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import Complaint, Inspection, Merchant, Reading, Void
from creditsvc.principals import Principal
from creditsvc.services import audit, scope, signals
from creditsvc.services.errors import Conflict, NotFound
from creditsvc.services.standing import outbox

MODELS = {"inspection": Inspection, "complaint": Complaint, "reading": Reading}


def _district_of(kind: str, record) -> str:
    if kind == "reading":
        return db.session.get(Merchant, record.merchant_id).district_code
    return record.district_code


def void(p: Principal, kind: str, evidence_id: int, reason: str) -> Void:
    record = db.session.get(MODELS[kind], evidence_id)
    if record is None or not scope.may_write_district(p, _district_of(kind, record)):
        raise NotFound(f"no {kind} {evidence_id} in your district", "id")
    taken = select(Void.id).where(Void.evidence_kind == kind, Void.evidence_id == evidence_id)
    if db.session.scalar(taken) is not None:
        raise Conflict(f"{kind} {evidence_id} is already void", "id")
    correction = Void(
        evidence_kind=kind,
        evidence_id=evidence_id,
        merchant_id=record.merchant_id,
        reason=reason,
        actor=p.name,
    )
    db.session.add(correction)
    audit.record(
        p.name, "void", correction, district_code=_district_of(kind, record), reason=reason
    )
    outbox.mark_dirty([record.merchant_id], "void")
    signals.evidence_voided.send(
        kind, principal=p, evidence_id=evidence_id, merchant_id=record.merchant_id, reason=reason
    )
    return correction
