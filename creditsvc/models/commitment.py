"""Honest-metrology self-commitments (诚信计量自我承诺书): each signing kept, withdrawals too."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, UTCDateTime, utcnow
from creditsvc.models.lifecycle import Lifecycle
from creditsvc.models.merchant import Merchant

# portal: signed by the merchant; officer: recorded from paper with its scan; registry: the
# date was in the registry before the programme kept commitments (no document on file).
COMMITMENT_CHANNELS = ("portal", "officer", "registry")


class CommitmentStatus(StrEnum):
    """Not stored: a commitment is withdrawn once it has its `withdrawn_on`."""

    IN_FORCE = "in_force"
    WITHDRAWN = "withdrawn"


COMMITMENT_LIFECYCLE = Lifecycle(
    CommitmentStatus,
    {CommitmentStatus.IN_FORCE: (CommitmentStatus.WITHDRAWN,)},
    "the commitment is {status} already",
)


class Commitment(Base):
    """One signing: in the portal by the merchant, or recorded by an officer from paper
    with the scanned document. `Merchant.commitment_signed_on` mirrors the one in force."""

    __tablename__ = "commitments"
    lifecycle: ClassVar[Lifecycle[CommitmentStatus]] = COMMITMENT_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    signed_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    document_file: Mapped[str | None] = mapped_column(String(256))
    document_type: Mapped[str | None] = mapped_column(String(32))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_bytes: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(96))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(96))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    merchant: Mapped[Merchant] = relationship()

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None

    @property
    def status(self) -> CommitmentStatus:
        return CommitmentStatus.IN_FORCE if self.in_force else CommitmentStatus.WITHDRAWN

    @property
    def district_code(self) -> str:
        return self.merchant.district_code
