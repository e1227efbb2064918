"""Published documents (notices) with their entries, and penalty publication records.

Kinds: exposure notice (曝光通报), honor roll (诚信计量光荣榜), demonstration listing
(示范社(街)区名单) and merchant placard (诚信计量公示牌). A notice moves draft → approved →
published → expired | withdrawn | superseded; once published its file and entries'
content never change (an entry may only leave publication: expire or be withdrawn).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, UTCDateTime, utcnow
from creditsvc.models.geography import District
from creditsvc.models.lifecycle import Lifecycle, codes
from creditsvc.models.merchant import Merchant

NOTICE_KINDS = ("exposure", "honor_roll", "demonstration", "placard")


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"  # in force
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"  # by a published correction
    # A placard whose printed grade is no longer the business's grade (已失效).
    LAPSED = "lapsed"


NOTICE_LIFECYCLE = Lifecycle(
    NoticeStatus,
    {
        NoticeStatus.DRAFT: (NoticeStatus.APPROVED, NoticeStatus.WITHDRAWN),
        NoticeStatus.APPROVED: (NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN),
        NoticeStatus.PUBLISHED: (
            NoticeStatus.EXPIRED,
            NoticeStatus.WITHDRAWN,
            NoticeStatus.SUPERSEDED,
            NoticeStatus.LAPSED,
        ),
    },
    "the notice is {status}; this needs {needs}",
)
NOTICE_STATUSES = codes(NoticeStatus)


class EntryStatus(StrEnum):
    ACTIVE = "active"  # in publication
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


ENTRY_LIFECYCLE = Lifecycle(
    EntryStatus,
    {EntryStatus.ACTIVE: (EntryStatus.EXPIRED, EntryStatus.WITHDRAWN)},
    "the entry is {status} already",
)
ENTRY_STATUSES = codes(EntryStatus)


class PenaltyPublicationStatus(StrEnum):
    """Where a penalty decision stands with the national publicity system: worked out
    each day from its deadline and its `PenaltyPublication`, never stored. It moves
    pending → overdue when the 20 working days pass, and either to published when an
    officer records the publication."""

    PENDING = "pending"
    PUBLISHED = "published"
    OVERDUE = "overdue"


class Notice(Base):
    __tablename__ = "notices"
    lifecycle: ClassVar[Lifecycle[NoticeStatus]] = NOTICE_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.DRAFT, index=True)
    title: Mapped[str] = mapped_column(String(256))
    as_of: Mapped[date] = mapped_column(Date)  # the day eligibility was assessed
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchants.id"), index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    # Set when the PDF is stored: the serial printed on it, its SHA-256 and its file.
    serial: Mapped[str | None] = mapped_column(String(40), unique=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column(Integer)
    file_name: Mapped[str | None] = mapped_column(String(256))
    render_job_id: Mapped[str | None] = mapped_column(String(64))
    render_error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(96))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(96))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_on: Mapped[date | None] = mapped_column(Date)  # the issue date printed
    published_by: Mapped[str | None] = mapped_column(String(96))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(96))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    expired_on: Mapped[date | None] = mapped_column(Date)

    district: Mapped[District] = relationship()
    merchant: Mapped[Merchant | None] = relationship()
    supersedes: Mapped[Notice | None] = relationship(remote_side=[id])
    entries: Mapped[list[NoticeEntry]] = relationship(
        back_populates="notice", order_by="NoticeEntry.position"
    )


class NoticeEntry(Base):
    """One line of a notice: what is shown (`content`) and why it qualifies.

    An exposure entry is published for `window_months` from `published_on` (the first
    publication, kept across corrections), so it ends on `ends_on`.
    """

    __tablename__ = "notice_entries"
    lifecycle: ClassVar[Lifecycle[EntryStatus]] = ENTRY_LIFECYCLE

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchants.id"), index=True)
    penalty_id: Mapped[int | None] = mapped_column(ForeignKey("penalty_decisions.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    content: Mapped[dict] = mapped_column(JSON)
    qualifies: Mapped[str] = mapped_column(Text)
    window_months: Mapped[int | None] = mapped_column(Integer)
    published_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=EntryStatus.ACTIVE)
    expired_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(96))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    notice: Mapped[Notice] = relationship(back_populates="entries")

    @property
    def district_code(self) -> str:
        return self.notice.district_code


class PenaltyPublication(Base):
    """That a penalty decision was published on the national enterprise credit publicity
    system (国家企业信用信息公示系统), by whom and when (行政处罚信息公示规定 第四条)."""

    __tablename__ = "penalty_publications"

    penalty_id: Mapped[int] = mapped_column(
        ForeignKey("penalty_decisions.id"), primary_key=True, autoincrement=False
    )
    published_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(128), default="")
    recorded_by: Mapped[str] = mapped_column(String(96))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
