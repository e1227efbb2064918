"""Revoking (撤销) or changing (变更) a penalty decision by a later decision.

The decision is never edited: a PenaltyChange says which later decision (its document
number and date) revoked or changed it, and why. From then it is published nowhere
(publication.eligibility.penalty_publishable); publication reacts in the same transaction
by taking every entry showing it off the documents in force (行政处罚信息公示规定 第十一条,
reference/rules.md §4: within 3 working days).
"""

from __future__ import annotations

from creditsvc.extensions import db
from creditsvc.models import Inspection, PenaltyChange
from creditsvc.principals import Principal
from creditsvc.services import audit, scope, signals
from creditsvc.services.errors import Conflict, Invalid, NotFound

WORDS = {"revoked": "撤销", "changed": "变更"}


def record(p: Principal, inspection_id: int, data: dict) -> PenaltyChange:
    """Record the later decision against the inspection's penalty decision."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not scope.may_write_district(p, inspection.district_code):
        raise NotFound(f"no inspection {inspection_id} in your district", "inspection_id", "path")
    penalty = inspection.penalty
    if penalty is None:
        raise Conflict(f"inspection {inspection_id} has no penalty decision to revoke or change")
    if penalty.change is not None:
        done = penalty.change
        raise Conflict(
            f"penalty decision {penalty.decision_number} was {done.kind} already "
            f"by {done.document_number} on {done.decided_on.isoformat()}"
        )
    if data["decided_on"] < penalty.decided_on:
        raise Invalid(
            f"cannot be before the decision it revokes or changes "
            f"({penalty.decided_on.isoformat()})",
            "decided_on",
        )
    if data["document_number"] == penalty.decision_number:
        raise Invalid("the later decision has its own document number", "document_number")
    change = PenaltyChange(
        penalty=penalty,
        kind=data["kind"],
        document_number=data["document_number"],
        decided_on=data["decided_on"],
        reason=data["reason"],
        district_code=inspection.district_code,
        recorded_by=p.name,
    )
    db.session.add(change)
    merchant_district = inspection.merchant.district_code
    audit.record(
        p.name,
        data["kind"],
        change,
        district_code=inspection.district_code,
        also=[merchant_district] if merchant_district != inspection.district_code else [],
        reason=data["reason"],
    )
    why = (
        f"行政处罚决定{penalty.decision_number}已于{change.decided_on.isoformat()}"
        f"被{WORDS[change.kind]}（{change.document_number}）：{change.reason}"
    )
    signals.penalty_changed.send(change, principal=p, penalty_id=penalty.id, reason=why)
    return change
