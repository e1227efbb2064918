"""Consumer complaints (投诉) and the transitions of their status."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, Timestamped, UTCDateTime, utcnow
from creditsvc.models.correction import Void
from creditsvc.models.lifecycle import Lifecycle, codes
from creditsvc.models.merchant import Merchant

CHANNELS = ("12345", "12315", "fair_scale", "walk_in", "other")


class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    VERIFYING = "verifying"
    SUBSTANTIATED = "substantiated"
    UNFOUNDED = "unfounded"
    WITHDRAWN = "withdrawn"


# received → verifying → substantiated | unfounded | withdrawn; withdrawal may also
# come straight from received. Final states do not move.
COMPLAINT_TRANSITIONS = {
    ComplaintStatus.RECEIVED: (ComplaintStatus.VERIFYING, ComplaintStatus.WITHDRAWN),
    ComplaintStatus.VERIFYING: (
        ComplaintStatus.SUBSTANTIATED,
        ComplaintStatus.UNFOUNDED,
        ComplaintStatus.WITHDRAWN,
    ),
}
COMPLAINT_LIFECYCLE = Lifecycle(
    ComplaintStatus,
    COMPLAINT_TRANSITIONS,
    "a {status} complaint can move to {options}",
    field="to",
)
COMPLAINT_STATUSES = codes(ComplaintStatus)


class Complaint(Timestamped, Base):
    __tablename__ = "complaints"
    lifecycle: ClassVar[Lifecycle[ComplaintStatus]] = COMPLAINT_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[date] = mapped_column(Date, index=True)
    reference: Mapped[str | None] = mapped_column(String(64))  # the hotline's ticket number
    allegation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ComplaintStatus.RECEIVED, index=True)
    decided_on: Mapped[date | None] = mapped_column(Date)
    # Personal data of the complainant, encrypted with the PERSONAL_DATA_KEY; never
    # in a public output, an export, a log or the audit trail.
    contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    recorded_by: Mapped[str] = mapped_column(String(96))

    merchant: Mapped[Merchant] = relationship()
    void: Mapped[Void | None] = relationship(
        primaryjoin=(
            "and_(Void.evidence_kind == 'complaint', foreign(Void.evidence_id) == Complaint.id)"
        ),
        viewonly=True,
    )
    transitions: Mapped[list[ComplaintTransition]] = relationship(
        back_populates="complaint", order_by="ComplaintTransition.id"
    )


class ComplaintTransition(Base):
    __tablename__ = "complaint_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(96))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="transitions")
