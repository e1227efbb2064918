"""Inspections (检查) with their findings, net-content lots and penalty decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, Timestamped, UTCDateTime, utcnow
from creditsvc.models.correction import Void
from creditsvc.models.merchant import Instrument, Merchant

INSPECTION_KINDS = ("routine", "random", "complaint", "campaign")  # random = 双随机
SEVERITIES = ("minor", "major", "serious")
PROCEDURES = ("ordinary", "simplified")  # 普通程序 / 简易程序


class Inspection(Timestamped, Base):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    officers: Mapped[list] = mapped_column(JSON)  # names of the inspecting officers
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(96))
    # The random inspection plan (双随机) this inspection carried out, if any.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_plans.id"), index=True)

    merchant: Mapped[Merchant] = relationship()
    void: Mapped[Void | None] = relationship(
        primaryjoin=(
            "and_(Void.evidence_kind == 'inspection', foreign(Void.evidence_id) == Inspection.id)"
        ),
        viewonly=True,
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="inspection", order_by="Finding.id"
    )
    lots: Mapped[list[NetContentLot]] = relationship(
        back_populates="inspection", order_by="NetContentLot.id"
    )
    penalty: Mapped[PenaltyDecision | None] = relationship(back_populates="inspection")

    @property
    def clean(self) -> bool:
        """An inspection with no finding is a clean inspection."""
        return not self.findings


class Finding(Base):
    """A violation found, coded from the violation catalogue, with its severity."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instruments.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("net_content_lots.id"))

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    instrument: Mapped[Instrument | None] = relationship()


class NetContentLot(Base):
    """A net-content check of one lot of prepackaged goods (JJF 1070), with its verdict."""

    __tablename__ = "net_content_lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    product: Mapped[str] = mapped_column(String(128))
    nominal: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit: Mapped[str] = mapped_column(String(8))
    batch_size: Mapped[int] = mapped_column(Integer)
    measurements: Mapped[list] = mapped_column(JSON)  # as strings, exactly as given
    plan: Mapped[str] = mapped_column(String(32))
    tolerance: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    t1: Mapped[int] = mapped_column(Integer)
    t2: Mapped[int] = mapped_column(Integer)
    mean: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    mean_limit: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    verdict: Mapped[str] = mapped_column(String(8))
    reasons: Mapped[list] = mapped_column(JSON)

    inspection: Mapped[Inspection] = relationship(back_populates="lots")


class PenaltyDecision(Base):
    """An administrative penalty decision (行政处罚决定书) made after an inspection."""

    __tablename__ = "penalty_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), unique=True)
    decision_number: Mapped[str] = mapped_column(String(64), unique=True)  # 决定书文号
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    procedure: Mapped[str] = mapped_column(String(16))
    fine_yuan: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    confiscation: Mapped[str] = mapped_column(Text, default="")
    warning_only: Mapped[bool] = mapped_column(Boolean, default=False)

    inspection: Mapped[Inspection] = relationship(back_populates="penalty")
    change: Mapped[PenaltyChange | None] = relationship(back_populates="penalty")


PENALTY_CHANGE_KINDS = ("revoked", "changed")  # 撤销 / 变更


class PenaltyChange(Base):
    """A penalty decision revoked (撤销) or changed (变更) by a later decision: its document
    number, date and reason. From then the decision is published nowhere, and whatever
    showed it comes off within 3 working days (行政处罚信息公示规定 第十一条, rules.md §4)."""

    __tablename__ = "penalty_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    penalty_id: Mapped[int] = mapped_column(ForeignKey("penalty_decisions.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    document_number: Mapped[str] = mapped_column(String(64))
    decided_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    recorded_by: Mapped[str] = mapped_column(String(96))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    penalty: Mapped[PenaltyDecision] = relationship(back_populates="change")
