"""The rescoring outbox (DESIGN.md §3): a merchant whose evidence changed is marked dirty
in the same transaction as the change, so no update is lost if a queue message is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, UTCDateTime, utcnow


class DirtyMerchant(Base):
    __tablename__ = "dirty_merchants"

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(32))
