"""The internal risk model (DESIGN.md §6): trained versions, current risk scores, random
inspection plans (双随机) and the conflicts of interest officers declare.

Risk scores and classes are for officers only: no public page, API or export reads them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.account import User
from creditsvc.models.base import Base, UTCDateTime, utcnow
from creditsvc.models.lifecycle import Lifecycle, codes
from creditsvc.models.merchant import Merchant

RISK_CLASSES = ("A", "B", "C", "D")  # A lowest risk … D highest (SAMR-style 风险分级)


class PlanStatus(StrEnum):
    DRAWN = "drawn"
    PUBLISHED = "published"  # 一公开, after the plan's period


PLAN_LIFECYCLE = Lifecycle(
    PlanStatus, {PlanStatus.DRAWN: (PlanStatus.PUBLISHED,)}, "the plan is already {status}"
)
PLAN_STATUSES = codes(PlanStatus)


class RiskModelVersion(Base):
    """One trained model: its artifact file (under STORAGE_DIR/models), the file's SHA-256,
    which alone lets it be loaded, and its model card; the latest drift check."""

    __tablename__ = "risk_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # logistic | boosting
    file_name: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    card: Mapped[dict] = mapped_column(JSON)
    drift: Mapped[dict | None] = mapped_column(JSON)
    drift_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trained_by: Mapped[str] = mapped_column(String(96))
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    job_id: Mapped[str | None] = mapped_column(String(64))


class RiskScore(Base):
    """A merchant's current risk: probability of a major or serious finding at an
    inspection within 180 days, and its class. Rewritten at each scoring run."""

    __tablename__ = "risk_scores"

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("risk_models.id"), index=True)
    probability: Mapped[float] = mapped_column(Float)
    risk_class: Mapped[str] = mapped_column(String(1), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    merchant: Mapped[Merchant] = relationship()
    model: Mapped[RiskModelVersion] = relationship()


class OfficerConflict(Base):
    """An officer's declared conflict of interest (利害关系回避) with a merchant: the
    officer is never drawn to inspect it."""

    __tablename__ = "officer_conflicts"
    __table_args__ = (UniqueConstraint("user_id", "merchant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_by: Mapped[str] = mapped_column(String(96))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    officer: Mapped[User] = relationship()
    merchant: Mapped[Merchant] = relationship()


class InspectionPlan(Base):
    """A random inspection plan (双随机): merchants drawn within each risk class at its
    ratio, inspectors drawn from the district's officers; the seed reproduces the draw."""

    __tablename__ = "inspection_plans"
    lifecycle: ClassVar[Lifecycle[PlanStatus]] = PLAN_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    seed: Mapped[int] = mapped_column(BigInteger)
    ratios: Mapped[dict] = mapped_column(JSON)  # risk class → share drawn
    population: Mapped[dict] = mapped_column(JSON)  # risk class → merchants in the district
    model_id: Mapped[int | None] = mapped_column(ForeignKey("risk_models.id"))
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.DRAWN, index=True)
    created_by: Mapped[str] = mapped_column(String(96))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_on: Mapped[date | None] = mapped_column(Date)
    published_by: Mapped[str | None] = mapped_column(String(96))

    items: Mapped[list[InspectionPlanItem]] = relationship(
        back_populates="plan", order_by="InspectionPlanItem.position"
    )


class InspectionPlanItem(Base):
    """One merchant drawn into a plan, with its risk class at the draw and its inspectors."""

    __tablename__ = "inspection_plan_items"
    __table_args__ = (UniqueConstraint("plan_id", "merchant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    risk_class: Mapped[str] = mapped_column(String(1))
    inspector_ids: Mapped[list] = mapped_column(JSON)  # user ids, in the order drawn
    # On the must-check list (定向抽查) because of an open fair-scale alert, drawn or not.
    must_check: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    plan: Mapped[InspectionPlan] = relationship(back_populates="items")
    merchant: Mapped[Merchant] = relationship()
