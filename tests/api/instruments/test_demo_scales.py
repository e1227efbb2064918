"""The demo city's fair scales are registered and verified (issue 20): its readings stay
assessable and its scales appear in the registry."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc.demo import city
from creditsvc.extensions import db
from creditsvc.models import Device, Instrument, VerificationRecord


def test_every_demo_scale_is_its_markets_instrument_with_a_passed_verification(app):
    city.load(200, 2017)
    devices = {d.id: d for d in db.session.scalars(select(Device))}
    instruments = {
        i.device_id: i
        for i in db.session.scalars(select(Instrument).where(Instrument.kind == "fair_scale"))
    }
    assert devices and set(instruments) == set(devices)
    for device_id, instrument in instruments.items():
        device = devices[device_id]
        assert instrument.market_id == device.market_id and instrument.serial == device.serial
        assert instrument.verification_due == device.verification_due is not None
        record = db.session.scalar(
            select(VerificationRecord).where(VerificationRecord.instrument_id == instrument.id)
        )
        assert (record.result, record.next_due) == ("passed", device.verification_due)
