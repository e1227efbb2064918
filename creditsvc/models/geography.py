"""Where businesses trade: district (区) → street or town (街道/镇) → demonstration community."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, Timestamped
from creditsvc.models.lifecycle import Lifecycle, codes


class District(Base):
    """One of Shanghai's 16 districts, keyed by its GB/T 2260 code; loaded by a migration."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))


class Street(Timestamped, Base):
    """A street (街道) or town (镇) of a district."""

    __tablename__ = "streets"
    __table_args__ = (UniqueConstraint("district_code", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="street")  # street | town

    district: Mapped[District] = relationship()


class CommunityStatus(StrEnum):
    APPLYING = "applying"
    REVIEWED = "reviewed"  # by the district bureau: awaits the city's acceptance draw
    ACCEPTED = "accepted"
    RE_EVALUATED = "re_evaluated"
    REJECTED = "rejected"
    REVOKED = "revoked"


# applying → reviewed (district) → accepted (city draw) → re_evaluated …; rejected, revoked end.
COMMUNITY_LIFECYCLE = Lifecycle(
    CommunityStatus,
    {
        CommunityStatus.APPLYING: (CommunityStatus.REVIEWED, CommunityStatus.REJECTED),
        CommunityStatus.REVIEWED: (CommunityStatus.ACCEPTED, CommunityStatus.REJECTED),
        CommunityStatus.ACCEPTED: (CommunityStatus.RE_EVALUATED, CommunityStatus.REVOKED),
        CommunityStatus.RE_EVALUATED: (CommunityStatus.RE_EVALUATED, CommunityStatus.REVOKED),
    },
    "the community is {status}; this needs {needs}",
)
COMMUNITY_STATUSES = codes(CommunityStatus)
# A demonstration community: it passed its acceptance, or its latest re-evaluation.
DESIGNATED_COMMUNITY = (CommunityStatus.ACCEPTED, CommunityStatus.RE_EVALUATED)


class Community(Timestamped, Base):
    """A demonstration community or street (诚信计量示范社(街)区) organised by a street or town."""

    __tablename__ = "communities"
    lifecycle: ClassVar[Lifecycle[CommunityStatus]] = COMMUNITY_LIFECYCLE
    __table_args__ = (UniqueConstraint("street_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default=CommunityStatus.APPLYING)
    applied_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_note: Mapped[str | None] = mapped_column(Text)
    # The next re-evaluation (rules.md §5), and the due date a reminder was last sent for.
    re_evaluation_due: Mapped[date | None] = mapped_column(Date)
    reminded_for: Mapped[date | None] = mapped_column(Date)

    street: Mapped[Street] = relationship()

    @property
    def district_code(self) -> str:
        return self.street.district_code
