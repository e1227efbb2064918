"""Objections (异议) to evidence or published entries, and merchants' moderated replies."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, UTCDateTime, utcnow
from creditsvc.models.lifecycle import Lifecycle, codes
from creditsvc.models.merchant import Merchant

# A reading batch: the readings of one fair scale for the merchant on the day (Shanghai
# time) of the reading named, e.g. disputed because the scale was out of calibration.
OBJECTION_SUBJECTS = ("inspection", "complaint", "reading", "reading_batch", "notice_entry")


class ObjectionStatus(StrEnum):
    DISPUTED = "disputed"  # open: the record is marked disputed until the decision
    UPHELD = "upheld"
    REJECTED = "rejected"


OBJECTION_LIFECYCLE = Lifecycle(
    ObjectionStatus,
    {ObjectionStatus.DISPUTED: (ObjectionStatus.UPHELD, ObjectionStatus.REJECTED)},
    "the objection is {status} already",
)
OBJECTION_STATUSES = codes(ObjectionStatus)


class ReplyStatus(StrEnum):
    PENDING = "pending"  # awaiting moderation
    APPROVED = "approved"
    REJECTED = "rejected"


REPLY_LIFECYCLE = Lifecycle(
    ReplyStatus,
    {ReplyStatus.PENDING: (ReplyStatus.APPROVED, ReplyStatus.REJECTED)},
    "the reply is {status} already",
)
REPLY_STATUSES = codes(ReplyStatus)
REPLY_MAX_CHARS = 300  # a reply shown beside a public record is a short statement


class Objection(Base):
    """A merchant's objection to one piece of evidence or one published entry.

    Shanghai 社会信用条例 第三十六条: the record is marked disputed within 1 working day
    (`mark_due`; the service marks it on filing, `marked_at`) and decided within 5
    (`decision_due`)."""

    __tablename__ = "objections"
    lifecycle: ClassVar[Lifecycle[ObjectionStatus]] = OBJECTION_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    grounds: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ObjectionStatus.DISPUTED, index=True)
    filed_by: Mapped[str] = mapped_column(String(96))
    filed_on: Mapped[date] = mapped_column(Date)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mark_due: Mapped[date] = mapped_column(Date)
    decision_due: Mapped[date] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(96))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    merchant: Mapped[Merchant] = relationship()


class MerchantReply(Base):
    """A short statement a merchant asks to show next to its public record; shown once
    an officer has approved it (moderated: no personal data, no abuse)."""

    __tablename__ = "merchant_replies"
    lifecycle: ClassVar[Lifecycle[ReplyStatus]] = REPLY_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ReplyStatus.PENDING, index=True)
    submitted_by: Mapped[str] = mapped_column(String(96))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_by: Mapped[str | None] = mapped_column(String(96))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderation_note: Mapped[str | None] = mapped_column(Text)

    merchant: Mapped[Merchant] = relationship()
