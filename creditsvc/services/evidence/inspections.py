"""Recording an inspection: findings, net-content lots (JJF 1070) and a penalty decision."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from creditsvc import bulk
from creditsvc.catalogue import violation
from creditsvc.extensions import db
from creditsvc.models import (
    Finding,
    Inspection,
    Instrument,
    Merchant,
    NetContentLot,
    PenaltyDecision,
    Stall,
)
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal
from creditsvc.services import audit, scope, signals
from creditsvc.services.errors import Conflict, DomainError, Invalid, NotFound
from creditsvc.services.programme import demonstration_units
from creditsvc.services.registry.queries import merchant_in_scope
from creditsvc.services.standing import outbox
from scoring import netcontent
from scoring.scorecard import SHORT_PREPACK


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


def held_by(merchant_id: int):
    """The merchant's own instruments and those standing at its stalls (issue 20)."""
    stalls = select(Stall.id).where(Stall.merchant_id == merchant_id)
    return (Instrument.merchant_id == merchant_id) | Instrument.stall_id.in_(stalls)


def _finding(index: int, data: dict, merchant: Merchant) -> Finding:
    instrument_id = None
    if data.get("instrument"):
        instrument_id = db.session.scalar(
            select(Instrument.id)
            .where(held_by(merchant.id), Instrument.serial == data["instrument"])
            .order_by(Instrument.id)
            .limit(1)
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


def _short_prepack(inspection: Inspection) -> list[Finding]:
    """A failing lot is a SHORT_PREPACK finding by itself (JJF 1070); the lots are flushed."""
    return [
        Finding(
            code=SHORT_PREPACK,
            severity=violation(SHORT_PREPACK).default_severity,
            description=f"{lot.product}: " + "; ".join(lot.reasons),
            lot_id=lot.id,
        )
        for lot in inspection.lots
        if lot.verdict == "fail"
    ]


def _inspection(merchant, data: dict, recorded_by: str, findings: list, lots: list) -> Inspection:
    """An inspection as the API's schema gives it, the same for one record and a batch."""
    return Inspection(
        merchant=merchant,
        district_code=merchant.district_code,
        inspected_on=data["inspected_on"],
        kind=data["kind"],
        officers=data["officers"],
        notes=data["notes"],
        recorded_by=recorded_by,
        findings=findings,
        lots=lots,
    )


def record_inspection(p: Principal, data: dict, plan: str = netcontent.DEFAULT_PLAN) -> Inspection:
    """Store an inspection; a failing lot becomes a SHORT_PREPACK finding by itself."""
    merchant = merchant_in_scope(p, data["merchant"])
    lots = [_lot(i, lot, plan) for i, lot in enumerate(data["lots"])]
    findings = [_finding(i, f, merchant) for i, f in enumerate(data["findings"])]
    inspection = _inspection(merchant, data, p.name, findings, lots)
    db.session.add(inspection)
    db.session.flush()
    inspection.findings.extend(_short_prepack(inspection))
    if data.get("penalty"):
        if not inspection.findings:
            raise Invalid("a penalty needs at least one finding", "penalty")
        inspection.penalty = _penalty(data["penalty"])
    db.session.flush()
    audit.record(p.name, "create", inspection, district_code=merchant.district_code)
    outbox.mark_dirty([merchant.id], "inspection")
    demonstration_units.on_inspection(p.name, inspection)
    _announce(p.name, [inspection])
    return inspection


def _announce(actor: str, inspections: list[Inspection]) -> None:
    signals.inspection_recorded.send(
        None,
        actor=actor,
        inspections=[(i.id, i.merchant_id, i.inspected_on) for i in inspections],
    )


class InspectionBatch:
    """`record_inspection` for many rows (a spreadsheet import): the same checks in the same
    order with the same errors, from a few set-based reads per chunk; then one insert of
    the chunk's inspections, findings and penalties, one audit write and one outbox mark.

    A decision number used by an earlier row of the same file is taken exactly as if that
    row had been stored first (`seen`)."""

    def __init__(self, p: Principal, plan: str = netcontent.DEFAULT_PLAN) -> None:
        self.p, self.plan = p, plan
        self.seen: set[str] = set()

    def check(self, rows: list[tuple[int, dict]]) -> tuple[list[tuple[int, Inspection]], list]:
        """The rows that pass, as unsaved inspections, and (row key, DomainError) of the rest."""
        usccs = {data["merchant"] for _, data in rows}
        stmt = select(Merchant).where(Merchant.uscc.in_(usccs), scope.merchants(self.p))
        merchants = {m.uscc: m for m in db.session.scalars(stmt)}
        numbers = {d["penalty"]["decision_number"] for _, d in rows if d.get("penalty")}
        taken_stmt = select(PenaltyDecision.decision_number).where(
            PenaltyDecision.decision_number.in_(numbers)
        )
        taken = set(db.session.scalars(taken_stmt))
        passed, failed = [], []
        for key, data in rows:
            try:
                inspection = self._build(data, merchants, taken)
            except DomainError as exc:
                failed.append((key, exc))
                continue
            if data.get("penalty"):
                self.seen.add(data["penalty"]["decision_number"])
            passed.append((key, inspection))
        return passed, failed

    def _build(self, data: dict, merchants: dict[str, Merchant], taken: set[str]) -> Inspection:
        merchant = merchants.get(data["merchant"])
        if merchant is None:
            raise NotFound("no such merchant, or not yours to see", "merchant")
        lots = [_lot(i, lot, self.plan) for i, lot in enumerate(data["lots"])]
        findings = [_finding(i, f, merchant) for i, f in enumerate(data["findings"])]
        penalty = data.get("penalty")
        if penalty:
            if not findings and all(lot.verdict != "fail" for lot in lots):
                raise Invalid("a penalty needs at least one finding", "penalty")
            number = penalty["decision_number"]
            if number in taken or number in self.seen:
                raise Conflict("decision number already recorded", "penalty.decision_number")
        inspection = _inspection(merchant, data, self.p.name, findings, lots)
        inspection.penalty = PenaltyDecision(**penalty) if penalty else None
        return inspection

    def write(self, rows: list[tuple[int, Inspection]]) -> None:
        """Inspections without net-content lots (a sheet has no lot columns) go in by COPY
        (creditsvc.bulk) with ids from their tables' sequences; any with lots through the
        ORM, since a failing lot's finding cites the lot's id."""
        with_lots = [inspection for _, inspection in rows if inspection.lots]
        plain = [inspection for _, inspection in rows if not inspection.lots]
        if with_lots:
            self._write_with_orm(with_lots)
        if plain:
            self._write_by_copy(plain)

    def _write_by_copy(self, inspections: list[Inspection]) -> None:
        tables = {m.__tablename__: m.__table__ for m in (Inspection, Finding, PenaltyDecision)}
        ids = bulk.reserve_ids(db.session, tables["inspections"], len(inspections))
        findings = [(i, f) for i, x in zip(ids, inspections, strict=True) for f in x.findings]
        finding_ids = bulk.reserve_ids(db.session, tables["findings"], len(findings))
        penalties = [(i, x.penalty) for i, x in zip(ids, inspections, strict=True) if x.penalty]
        penalty_ids = bulk.reserve_ids(db.session, tables["penalty_decisions"], len(penalties))
        now = utcnow()
        rows = [
            {
                "id": row_id,
                "merchant_id": x.merchant.id,
                "district_code": x.district_code,
                "inspected_on": x.inspected_on,
                "kind": x.kind,
                "officers": x.officers,
                "notes": x.notes,
                "recorded_by": x.recorded_by,
                "plan_id": None,
                "created_at": now,
                "updated_at": now,
            }
            for row_id, x in zip(ids, inspections, strict=True)
        ]
        finding_rows = [
            {
                "id": finding_id,
                "inspection_id": inspection_id,
                "code": f.code,
                "severity": f.severity,
                "description": f.description or "",
                "instrument_id": f.instrument_id,
                "lot_id": None,
            }
            for finding_id, (inspection_id, f) in zip(finding_ids, findings, strict=True)
        ]
        penalty_rows = [
            {
                "id": penalty_id,
                "inspection_id": inspection_id,
                "decision_number": x.decision_number,
                "decided_on": x.decided_on,
                "procedure": x.procedure,
                "fine_yuan": Decimal(0) if x.fine_yuan is None else x.fine_yuan,
                "confiscation": x.confiscation or "",
                "warning_only": bool(x.warning_only),
            }
            for penalty_id, (inspection_id, x) in zip(penalty_ids, penalties, strict=True)
        ]
        bulk.Loader(db.session).load(
            [
                (tables["inspections"], rows),
                (tables["findings"], finding_rows),
                (tables["penalty_decisions"], penalty_rows),
            ]
        )
        audit.record_created_rows(self.p.name, "inspections", rows)
        outbox.mark_dirty([row["merchant_id"] for row in rows], "inspection")
        signals.inspection_recorded.send(
            None,
            actor=self.p.name,
            inspections=[(r["id"], r["merchant_id"], r["inspected_on"]) for r in rows],
        )
        for row_id, inspection in zip(ids, inspections, strict=True):
            if demonstration_units.suspending(inspection):
                stored = db.session.get(Inspection, row_id)
                demonstration_units.on_inspection(self.p.name, stored)

    def _write_with_orm(self, inspections: list[Inspection]) -> None:
        db.session.add_all(inspections)
        db.session.flush()  # the lots' ids, which their SHORT_PREPACK findings cite
        for inspection in inspections:
            inspection.findings.extend(_short_prepack(inspection))
        audit.record_created(
            self.p.name, inspections, district_codes=[i.district_code for i in inspections]
        )
        outbox.mark_dirty([i.merchant_id for i in inspections], "inspection")
        for inspection in inspections:
            demonstration_units.on_inspection(self.p.name, inspection)
        _announce(self.p.name, inspections)
