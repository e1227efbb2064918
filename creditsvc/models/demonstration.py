"""The demonstration programme (reference/rules.md §5): communities' participating units
and acceptance draws, and demonstration units (诚信计量示范单位)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, UTCDateTime, utcnow
from creditsvc.models.geography import Community
from creditsvc.models.lifecycle import Lifecycle, codes
from creditsvc.models.merchant import Merchant

DRAW_KINDS = ("acceptance", "re_evaluation")
UNIT_ROUTES = ("nominated", "applied")


class UnitStatus(StrEnum):
    PENDING = "pending"  # filed, awaiting the district's assessment
    DESIGNATED = "designated"
    REJECTED = "rejected"
    SUSPENDED = "suspended"  # by a serious finding, until an officer revokes or reinstates
    REVOKED = "revoked"


UNIT_LIFECYCLE = Lifecycle(
    UnitStatus,
    {
        UnitStatus.PENDING: (UnitStatus.DESIGNATED, UnitStatus.REJECTED),
        UnitStatus.DESIGNATED: (UnitStatus.SUSPENDED, UnitStatus.REVOKED),
        UnitStatus.SUSPENDED: (UnitStatus.DESIGNATED, UnitStatus.REVOKED),
    },
    "the case is {status}; this needs {needs}",
)
UNIT_STATUSES = codes(UnitStatus)
SEED_LIMIT = 2**62  # a draw's seed is below it: it fits `CommunityDraw.seed`, a signed BIGINT


class CommunityUnit(Base):
    """A participating unit (参与单位) named in a community's application."""

    __tablename__ = "community_units"
    __table_args__ = (UniqueConstraint("community_id", "merchant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)

    merchant: Mapped[Merchant] = relationship()


class CommunityDraw(Base):
    """The city bureau's random draw of units for an acceptance or a re-evaluation, with
    its seed (the draw is reproducible) and, once decided, the outcome."""

    __tablename__ = "community_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(BigInteger)
    drawn_by: Mapped[str] = mapped_column(String(96))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    organiser_score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    decided_by: Mapped[str | None] = mapped_column(String(96))
    decided_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    community: Mapped[Community] = relationship()
    units: Mapped[list[DrawnUnit]] = relationship(
        back_populates="draw", order_by="(DrawnUnit.group_number, DrawnUnit.position)"
    )

    @property
    def district_code(self) -> str:
        return self.community.district_code


class DrawnUnit(Base):
    """One drawn unit with its score (from its current standing) and what was checked."""

    __tablename__ = "community_draw_units"
    __table_args__ = (UniqueConstraint("draw_id", "merchant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("community_draws.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    group_number: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    rated: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(1))
    commitment_signed_on: Mapped[date | None] = mapped_column(Date)

    draw: Mapped[CommunityDraw] = relationship(back_populates="units")
    merchant: Mapped[Merchant] = relationship()


class DemonstrationUnit(Base):
    """A demonstration-unit case: nominated by an industry association or applied for by
    the merchant, assessed by the district, designated for a validity period; a serious
    finding suspends it at once and leaves revocation to an officer."""

    __tablename__ = "demonstration_units"
    lifecycle: ClassVar[Lifecycle[UnitStatus]] = UNIT_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    route: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=UnitStatus.PENDING, index=True)
    statement: Mapped[str] = mapped_column(Text, default="")
    filed_by: Mapped[str] = mapped_column(String(96))
    filed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    filed_on: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[str | None] = mapped_column(String(96))
    assessment_note: Mapped[str | None] = mapped_column(Text)
    designated_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    suspended_on: Mapped[date | None] = mapped_column(Date)
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    suspending_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(96))
    decision_reason: Mapped[str | None] = mapped_column(Text)

    merchant: Mapped[Merchant] = relationship()
