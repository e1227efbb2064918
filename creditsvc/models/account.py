"""People who log in, and the bearer tokens of people and fair-scale devices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, Timestamped, UTCDateTime, utcnow
from creditsvc.models.market import Device, Market
from creditsvc.models.merchant import Merchant

ROLES = ("city", "district", "host", "merchant", "association")

host_markets = Table(
    "host_markets",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("market_id", ForeignKey("markets.id", ondelete="CASCADE"), primary_key=True),
)


class User(Timestamped, Base):
    """An account: city officer, district officer (one district), market host, merchant,
    industry association (行业协会, nominates demonstration units)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"))
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchants.id"))
    active: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str | None] = mapped_column(String(254))  # notifications, where mail is set up
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    merchant: Mapped[Merchant | None] = relationship()
    markets: Mapped[list[Market]] = relationship(secondary=host_markets)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database leak yields no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in listings to tell tokens apart
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    label: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship()
    device: Mapped[Device | None] = relationship()
