"""Recording an inspection: findings, net-content lots (JJF 1070) and a penalty decision."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc.catalogue import violation
from creditsvc.extensions import db
from creditsvc.models import (
    Finding,
    Inspection,
    Instrument,
    Merchant,
    NetContentLot,
    PenaltyDecision,
)
from creditsvc.principals import Principal
from creditsvc.services import audit
from creditsvc.services.errors import Conflict, Invalid
from creditsvc.services.programme import demonstration_units
from creditsvc.services.registry.queries import merchant_in_scope
from creditsvc.services.standing import outbox
from scoring import netcontent

SHORT_PREPACK = "SHORT_PREPACK"


def _lot(index: int, data: dict, plan: str) -> NetContentLot:
    try:
        verdict = netcontent.assess_lot(
            data["nominal"], data["unit"], data["batch_size"], data["measurements"], plan=plan
        )
    except netcontent.SampleSizeError as exc:
        raise Invalid(str(exc), f"lots.{index}.measurements") from exc
    except ValueError as exc:
        raise Invalid(str(exc), f"lots.{index}.nominal") from exc
    return NetContentLot(
        product=data["product"],
        nominal=data["nominal"],
        unit=data["unit"],
        batch_size=data["batch_size"],
        measurements=[str(m) for m in data["measurements"]],
        plan=plan,
        tolerance=verdict.tolerance,
        t1=verdict.t1,
        t2=verdict.t2,
        mean=verdict.mean,
        mean_limit=verdict.mean_limit,
        verdict=verdict.verdict,
        reasons=list(verdict.reasons),
    )


def _finding(index: int, data: dict, merchant: Merchant) -> Finding:
    instrument_id = None
    if data.get("instrument"):
        instrument_id = db.session.scalar(
            select(Instrument.id).where(
                Instrument.merchant_id == merchant.id, Instrument.serial == data["instrument"]
            )
        )
        if instrument_id is None:
            raise Invalid(
                f"merchant has no instrument {data['instrument']}", f"findings.{index}.instrument"
            )
    return Finding(
        code=data["code"],
        severity=data.get("severity") or violation(data["code"]).default_severity,
        description=data["description"],
        instrument_id=instrument_id,
    )


def _penalty(data: dict) -> PenaltyDecision:
    taken = select(PenaltyDecision.id).where(
        PenaltyDecision.decision_number == data["decision_number"]
    )
    if db.session.scalar(taken) is not None:
        raise Conflict("decision number already recorded", "penalty.decision_number")
    return PenaltyDecision(**data)


def record_inspection(p: Principal, data: dict, plan: str = netcontent.DEFAULT_PLAN) -> Inspection:
    """Store an inspection; a failing lot becomes a SHORT_PREPACK finding by itself."""
    merchant = merchant_in_scope(p, data["merchant"])
    lots = [_lot(i, lot, plan) for i, lot in enumerate(data["lots"])]
    findings = [_finding(i, f, merchant) for i, f in enumerate(data["findings"])]
    inspection = Inspection(
        merchant=merchant,
        district_code=merchant.district_code,
        inspected_on=data["inspected_on"],
        kind=data["kind"],
        officers=data["officers"],
        notes=data["notes"],
        recorded_by=p.name,
        findings=findings,
        lots=lots,
    )
    db.session.add(inspection)
    db.session.flush()
    for lot in lots:
        if lot.verdict == "fail":
            inspection.findings.append(
                Finding(
                    code=SHORT_PREPACK,
                    severity=violation(SHORT_PREPACK).default_severity,
                    description=f"{lot.product}: " + "; ".join(lot.reasons),
                    lot_id=lot.id,
                )
            )
    if data.get("penalty"):
        if not inspection.findings:
            raise Invalid("a penalty needs at least one finding", "penalty")
        inspection.penalty = _penalty(data["penalty"])
    db.session.flush()
    audit.record(p.name, "create", inspection, district_code=merchant.district_code)
    outbox.mark_dirty([merchant.id], "inspection")
    demonstration_units.on_inspection(p.name, inspection)
    return inspection
