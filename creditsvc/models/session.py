"""Browser sessions: the server's side of a log-in, which logging out or a password change
ends (issue 17: a session cookie copied before logout must not work after it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.account import User
from creditsvc.models.base import Base, UTCDateTime, utcnow


class BrowserSession(Base):
    """One log-in in one browser. The signed session cookie carries a random secret; the
    row keeps only its SHA-256, as tokens do, and the session is accepted while the row
    is open, younger than the session lifetime and not idle too long."""

    __tablename__ = "browser_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the secret
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
