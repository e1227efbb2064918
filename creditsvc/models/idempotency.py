"""The first answer to a write sent with an Idempotency-Key (IETF draft "The
Idempotency-Key HTTP Header Field"), stored with the change it answered, so that a retry
is answered the same and stores nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, UTCDateTime, utcnow


class IdempotentRequest(Base):
    """One key of one caller: the request it was first sent with (method and path, and a
    hash of the body) and the answer given. Kept for IDEMPOTENCY_KEY_HOURS."""

    __tablename__ = "idempotency_keys"

    principal: Mapped[str] = mapped_column(String(96), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_line: Mapped[str] = mapped_column(String(300))
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
