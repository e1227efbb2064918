"""Registering instruments and recording their verifications (检定). Each verb checks
scope, flushes and audits; the caller commits.

An instrument's `verification_due` follows its newest verification record: a pass sets
the next due date the certificate gives; a failure makes it due the day before, so the
instrument counts as unverified from the day it failed. A fair scale's `Device` keeps the
same date (readings judge by it: `services.evidence.readings.unverified`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import (
    Device,
    Instrument,
    Merchant,
    Stall,
    VerificationRecord,
    VerificationResult,
)
from creditsvc.principals import Principal
from creditsvc.services import audit
from creditsvc.services.errors import Conflict, Invalid, NotFound
from creditsvc.services.instruments import queries
from creditsvc.services.registry import queries as registry

FAIR_SCALE = "fair_scale"


def _holder(p: Principal, data: dict) -> dict:
    """The holder's columns and district, read within the caller's scope (404 otherwise)."""
    if data.get("merchant"):
        merchant = registry.merchant_in_scope(p, data["merchant"])
        return {"merchant_id": merchant.id, "district_code": merchant.district_code}
    if data.get("stall_id"):
        stall = registry.stall(p, data["stall_id"])
        return {"stall_id": stall.id, "district_code": stall.market.district_code}
    market = registry.market(p, data["market_id"], field="market_id")
    if data.get("stall"):
        stall_id = queries.stall_id(market.id, data["stall"])
        if stall_id is None:
            raise NotFound(f"no stall {data['stall']} in this market", "stall")
        return {"stall_id": stall_id, "district_code": market.district_code}
    return {"market_id": market.id, "district_code": market.district_code}


def _market_of(holder: dict) -> int | None:
    if holder.get("market_id"):
        return holder["market_id"]
    if holder.get("stall_id"):
        return db.session.get(Stall, holder["stall_id"]).market_id
    return db.session.get(Merchant, holder["merchant_id"]).market_id


def _device(p: Principal, serial: str, kind: str, holder: dict) -> Device:
    if kind != FAIR_SCALE:
        raise Invalid("only a fair scale is a device posting readings", "device")
    device = registry.device(p, serial)
    if device.market_id != _market_of(holder):
        raise Invalid("the device stands in another market than the instrument's", "device")
    taken = select(Instrument.id).where(Instrument.device_id == device.id)
    if db.session.scalar(taken) is not None:
        raise Conflict(f"device {serial} is already registered as an instrument", "device")
    return device


def register(p: Principal, data: dict) -> Instrument:
    """Register an instrument held by a merchant, a stall or a market."""
    holder = _holder(p, data)
    same = select(Instrument.id).where(
        Instrument.serial == data["serial"],
        Instrument.kind == data["kind"],
        *(getattr(Instrument, k) == v for k, v in holder.items() if k != "district_code"),
    )
    if db.session.scalar(same) is not None:
        raise Conflict(f"instrument {data['serial']} is already registered here", "serial")
    device = _device(p, data["device"], data["kind"], holder) if data.get("device") else None
    due = data.get("verification_due")
    if due is None and device is not None:
        due = device.verification_due
    instrument = Instrument(
        kind=data["kind"],
        serial=data["serial"],
        verification_due=due,
        device_id=device.id if device else None,
        **holder,
    )
    db.session.add(instrument)
    db.session.flush()
    if device is not None:
        _sync_device(instrument, device)
    audit.record(p.name, "create", instrument)
    return instrument


def register_for_merchant(p: Principal, merchant: Merchant, data: dict) -> Instrument:
    """`POST /merchants/<uscc>/instruments` (DESIGN §9): the merchant holds it."""
    return register(p, {**data, "merchant": merchant.uscc})


def record_verification(p: Principal, instrument: Instrument, data: dict) -> VerificationRecord:
    """Record a verification of an instrument in the caller's scope; its due date follows."""
    record = VerificationRecord(instrument_id=instrument.id, recorded_by=p.name, **data)
    db.session.add(record)
    db.session.flush()
    before = audit.state(instrument)
    follow_newest(instrument)
    audit.record(p.name, "create", record, district_code=instrument.district_code)
    audit.record(p.name, "update", instrument, before=before)
    return record


def due_after(result: str, verified_on, next_due):
    """The due date a verification leaves the instrument with."""
    if result == VerificationResult.PASSED:
        return next_due
    return verified_on - timedelta(days=1)


def follow_newest(instrument: Instrument) -> None:
    """The instrument's (and its device's) due date from its newest record."""
    newest = next(iter(queries.records(instrument)), None)
    if newest is None:
        return
    due = due_after(newest.result, newest.verified_on, newest.next_due)
    if due != instrument.verification_due:
        instrument.verification_due = due
    if instrument.device is not None:
        _sync_device(instrument, instrument.device)


def _sync_device(instrument: Instrument, device: Device) -> None:
    if device.verification_due != instrument.verification_due:
        device.verification_due = instrument.verification_due
        device.lapse_notified_on = None


def on_device_due_changed(device: Device, *, principal: Principal, **_) -> None:
    """A due date set on the scale itself: its instrument, if registered, follows."""
    instrument = db.session.scalar(select(Instrument).where(Instrument.device_id == device.id))
    if instrument is None or instrument.verification_due == device.verification_due:
        return
    before = audit.state(instrument)
    instrument.verification_due = device.verification_due
    device.lapse_notified_on = None
    audit.record(principal.name, "update", instrument, before=before)
