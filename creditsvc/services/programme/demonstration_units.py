"""Demonstration units (诚信计量示范单位, reference/rules.md §5): nominated by an industry
association or applied for by the merchant, assessed by the district, designated for a
validity period; a serious finding suspends the designation at once ("a unit's
designation is lost on a serious violation") and puts revocation before an officer."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, false, select, true

from creditsvc.extensions import db
from creditsvc.models import DemonstrationUnit, Inspection, Merchant, UnitStatus
from creditsvc.principals import ASSOCIATION, CITY, DISTRICT, MERCHANT, Principal
from creditsvc.services import audit, lifecycle, scope, signals
from creditsvc.services.accounts import notifications
from creditsvc.services.errors import Conflict, Forbidden, Invalid
from creditsvc.services.registry.queries import merchant_in_scope
from creditsvc.workdays import add_months

OPEN = (UnitStatus.PENDING, UnitStatus.DESIGNATED, UnitStatus.SUSPENDED)
# Findings that suspend a designation: a serious one, or cheating and tampering whatever
# severity was recorded (DESIGN.md §6 treats CHEAT and TAMPER as the gravest).
SUSPENDING_CODES = frozenset({"CHEAT", "TAMPER"})


def scoped(p: Principal) -> ColumnElement[bool]:
    """Officers see their district's cases, an association the ones it filed, a merchant
    its own."""
    if p.role == CITY:
        return true()
    if p.role == DISTRICT:
        return DemonstrationUnit.district_code == p.district_code
    if p.role == ASSOCIATION and p.user is not None:
        return DemonstrationUnit.filed_by_user_id == p.user.id
    if p.role == MERCHANT and p.merchant_id is not None:
        return DemonstrationUnit.merchant_id == p.merchant_id
    return false()


def in_force(today: date) -> ColumnElement[bool]:
    """Designated and within the validity period: what the public listing shows."""
    return (DemonstrationUnit.status == UnitStatus.DESIGNATED) & (
        DemonstrationUnit.valid_until >= today
    )


def designated_merchant_ids(today: date) -> set[int]:
    return set(db.session.scalars(select(DemonstrationUnit.merchant_id).where(in_force(today))))


def file(p: Principal, data: dict, today: date) -> DemonstrationUnit:
    """An association nominates a merchant by its USCC; a merchant applies for itself."""
    if p.role == MERCHANT:
        merchant = db.session.get(Merchant, p.merchant_id)
    else:
        if not data.get("merchant"):
            raise Invalid("name a registered merchant by its USCC", "merchant")
        merchant = merchant_in_scope(p, data["merchant"], within=scope.nominees)
    taken = select(DemonstrationUnit.id).where(
        DemonstrationUnit.merchant_id == merchant.id, DemonstrationUnit.status.in_(OPEN)
    )
    if db.session.scalar(taken) is not None:
        raise Conflict("this merchant already has an open or designated demonstration case")
    unit = DemonstrationUnit(
        merchant=merchant,
        district_code=merchant.district_code,
        route="applied" if p.role == MERCHANT else "nominated",
        statement=data["statement"],
        filed_by=p.name,
        filed_by_user_id=p.user.id if p.user else None,
        filed_on=today,
    )
    db.session.add(unit)
    audit.record(p.name, "file", unit)
    how = "申请" if unit.route == "applied" else "被行业协会推荐"
    _tell(
        unit,
        f"示范单位{how}：{merchant.name}",
        f"{merchant.name}{how}诚信计量示范单位，待区局评审。",
    )
    return unit


def _require(p: Principal, unit: DemonstrationUnit, *statuses: str) -> dict:
    if not scope.may_write_district(p, unit.district_code):
        raise Forbidden("only an officer of the unit's district may do this")
    lifecycle.require(unit, *statuses)
    return audit.state(unit)


def assess(p: Principal, unit: DemonstrationUnit, data: dict, today: date) -> DemonstrationUnit:
    """The district's assessment: designate for the validity period, or reject."""
    before = _require(p, unit, UnitStatus.PENDING)
    unit.assessed_by, unit.assessment_note = p.name, data["note"]
    if data["designate"]:
        years = data.get("valid_years") or current_app.config["DEMONSTRATION_UNIT_VALID_YEARS"]
        lifecycle.move(unit, UnitStatus.DESIGNATED)
        unit.designated_on = today
        unit.valid_until = add_months(today, 12 * years)
    else:
        lifecycle.move(unit, UnitStatus.REJECTED)
    audit.record(p.name, "assess", unit, before=before, reason=data["note"])
    _announce(unit)
    outcome = f"命名为示范单位，有效期至{unit.valid_until}" if data["designate"] else "评审未通过"
    _tell(unit, f"示范单位评审：{unit.merchant.name}", f"{outcome}：{data['note']}")
    return unit


def revoke(p: Principal, unit: DemonstrationUnit, reason: str, today: date):
    before = _require(p, unit, UnitStatus.DESIGNATED, UnitStatus.SUSPENDED)
    lifecycle.move(unit, UnitStatus.REVOKED)
    unit.revoked_on = today
    unit.decided_by, unit.decision_reason = p.name, reason
    audit.record(p.name, "revoke", unit, before=before, reason=reason)
    _announce(unit)
    _tell(unit, f"示范单位称号撤销：{unit.merchant.name}", reason)
    return unit


def reinstate(p: Principal, unit: DemonstrationUnit, reason: str) -> DemonstrationUnit:
    """End a suspension without revoking (e.g. the finding was voided on objection)."""
    before = _require(p, unit, UnitStatus.SUSPENDED)
    lifecycle.move(unit, UnitStatus.DESIGNATED)
    unit.decided_by, unit.decision_reason = p.name, reason
    audit.record(p.name, "reinstate", unit, before=before, reason=reason)
    _announce(unit)
    _tell(unit, f"示范单位恢复：{unit.merchant.name}", reason)
    return unit


def suspending(inspection: Inspection) -> list[str]:
    return [
        f.code for f in inspection.findings if f.severity == "serious" or f.code in SUSPENDING_CODES
    ]


def on_inspection(actor: str, inspection: Inspection) -> list[DemonstrationUnit]:
    """Called where an inspection is recorded: a serious, cheating or tampering finding
    suspends the merchant's designation at once; revocation waits for an officer."""
    codes = suspending(inspection)
    if not codes:
        return []
    stmt = select(DemonstrationUnit).where(
        DemonstrationUnit.merchant_id == inspection.merchant_id,
        DemonstrationUnit.status == UnitStatus.DESIGNATED,
    )
    units = list(db.session.scalars(stmt))
    for unit in units:
        before = audit.state(unit)
        lifecycle.move(unit, UnitStatus.SUSPENDED)
        unit.suspended_on = inspection.inspected_on
        unit.suspending_inspection_id = inspection.id
        unit.suspension_reason = f"{inspection.inspected_on.isoformat()}检查发现{'、'.join(codes)}"
        audit.record(actor, "suspend", unit, before=before, reason=unit.suspension_reason)
        _announce(unit)
        _tell(unit, f"示范单位已暂停，待决定是否撤销：{unit.merchant.name}", unit.suspension_reason)
    return units


def _announce(unit: DemonstrationUnit) -> None:
    """The business's public page shows its designation: its stored answers are rebuilt."""
    signals.public_record_changed.send("demonstration", merchant_ids=[unit.merchant_id])


def _tell(unit: DemonstrationUnit, subject: str, body: str) -> None:
    people = notifications.district_officers(unit.district_code)
    people += notifications.merchant_users(unit.merchant_id)
    if unit.filed_by_user_id is not None:
        people.append(unit.filed_by_user_id)
    notifications.notify(people, subject, body, "demonstration_unit", unit.id)


def public_listing(args: dict, today: date) -> list[dict]:
    """Demonstration units designated and in force, for anyone: by district, then name."""
    stmt = (
        select(DemonstrationUnit, Merchant)
        .join(Merchant, Merchant.id == DemonstrationUnit.merchant_id)
        .where(in_force(today))
    )
    if args.get("district"):
        stmt = stmt.where(DemonstrationUnit.district_code == args["district"])
    rows = db.session.execute(stmt.order_by(DemonstrationUnit.district_code, Merchant.name))
    return [
        {
            "name": m.name,
            "trade": m.trade,
            "district": u.district_code,
            "designated_on": u.designated_on,
            "valid_until": u.valid_until,
        }
        for u, m in rows
    ]


def on_evidence_voided(kind: str, *, principal: Principal, evidence_id: int, **_) -> None:
    """An inspection was voided: a unit it suspended is put back before its officers, who
    may reinstate it (the finding no longer stands)."""
    if kind == "inspection":
        _suspension_void(principal.name, evidence_id)


def _suspension_void(actor: str, inspection_id: int) -> list[DemonstrationUnit]:
    stmt = select(DemonstrationUnit).where(
        DemonstrationUnit.suspending_inspection_id == inspection_id,
        DemonstrationUnit.status == UnitStatus.SUSPENDED,
    )
    units = list(db.session.scalars(stmt))
    for unit in units:
        _tell(
            unit,
            f"暂停依据已作废，可恢复示范单位：{unit.merchant.name}",
            f"第{inspection_id}号检查记录已作废（{actor}），请决定恢复或撤销。",
        )
    return units
