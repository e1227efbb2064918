"""Credit repair (信用修复): a merchant's application to end an exposure entry early."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, UTCDateTime, utcnow
from creditsvc.models.lifecycle import Lifecycle, codes
from creditsvc.models.merchant import Merchant
from creditsvc.models.notice import NoticeEntry


class RepairStatus(StrEnum):
    PENDING = "pending"  # awaiting the officer's decision
    APPROVED = "approved"
    REFUSED = "refused"


REPAIR_LIFECYCLE = Lifecycle(
    RepairStatus,
    {RepairStatus.PENDING: (RepairStatus.APPROVED, RepairStatus.REFUSED)},
    "the application is {status} already",
)
REPAIR_STATUSES = codes(RepairStatus)


class RepairApplication(Base):
    """The conditions of 行政处罚信息公示规定 第十四条 are checked on filing and again on
    the decision (`check`: verdict and reasons); an approved repair withdraws the entry,
    which must be off within 3 working days (`withdraw_due`, 社会信用条例 第三十七条)."""

    __tablename__ = "repair_applications"
    lifecycle: ClassVar[Lifecycle[RepairStatus]] = REPAIR_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("notice_entries.id"), index=True)
    statement: Mapped[str] = mapped_column(Text)
    obligations_fulfilled: Mapped[bool] = mapped_column(Boolean)
    harm_remedied: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), default=RepairStatus.PENDING, index=True)
    check: Mapped[dict] = mapped_column(JSON)
    filed_by: Mapped[str] = mapped_column(String(96))
    filed_on: Mapped[date] = mapped_column(Date)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision_due: Mapped[date] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(96))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    withdraw_due: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)

    merchant: Mapped[Merchant] = relationship()
    entry: Mapped[NoticeEntry] = relationship()
