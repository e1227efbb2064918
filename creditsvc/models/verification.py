"""The verification registry's records (检定记录) and the fair-scale alerts that lead to a
surprise check (定向抽查, seed §四.2)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, UTCDateTime, utcnow
from creditsvc.models.lifecycle import codes
from creditsvc.models.merchant import Instrument, Merchant


class VerificationResult(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


VERIFICATION_RESULTS = codes(VerificationResult)


class VerificationRecord(Base):
    """One verification of an instrument by a verification institute (检定机构): its
    certificate, date, result and, when it passed, the date the next one is due."""

    __tablename__ = "verification_records"
    __table_args__ = (Index("ix_verification_records_instrument", "instrument_id", "verified_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    certificate_number: Mapped[str] = mapped_column(String(64))
    institute: Mapped[str] = mapped_column(String(128))
    verified_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(16))
    next_due: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(96))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    instrument: Mapped[Instrument] = relationship()


class AlertStatus(StrEnum):
    """Not stored: an alert is closed once it has its `closed_at`."""

    OPEN = "open"
    CLOSED = "closed"


class FairScaleAlert(Base):
    """A merchant whose posterior short-weight rate on the fair scales stayed above the
    policy's threshold over enough readings: officers are told, and the merchant is put on
    the must-check list of the district's next random inspection plan. An inspection of
    the merchant recorded after the alert opened closes it."""

    __tablename__ = "fair_scale_alerts"
    __table_args__ = (Index("ix_fair_scale_alerts_open", "merchant_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    stall_id: Mapped[int | None] = mapped_column(ForeignKey("stalls.id"))
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id"))
    opened_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rate: Mapped[float] = mapped_column(Float)  # the posterior short-weight rate
    readings: Mapped[int] = mapped_column(Integer)  # assessable readings in the window
    short: Mapped[int] = mapped_column(Integer)
    policy_version: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))

    merchant: Mapped[Merchant] = relationship()

    @property
    def status(self) -> AlertStatus:
        return AlertStatus.OPEN if self.closed_at is None else AlertStatus.CLOSED
