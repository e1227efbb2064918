"""Corrections: evidence is never edited in place; voiding it adds a Void record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, UTCDateTime, utcnow

EVIDENCE_KINDS = ("inspection", "complaint", "reading")


class Void(Base):
    """Marks one piece of evidence as void from `at`, with who did it and why."""

    __tablename__ = "voids"
    __table_args__ = (UniqueConstraint("evidence_kind", "evidence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_kind: Mapped[str] = mapped_column(String(16))
    evidence_id: Mapped[int] = mapped_column(BigInteger)
    merchant_id: Mapped[int] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(96))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
