"""Markets (集贸市场) with their hosts, stalls and self-service fair scales (自助公平秤)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, Timestamped

if TYPE_CHECKING:
    from creditsvc.models.merchant import Merchant


class Market(Timestamped, Base):
    __tablename__ = "markets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"), index=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    host_name: Mapped[str] = mapped_column(String(128), default="")  # 市场主办者
    host_uscc: Mapped[str | None] = mapped_column(String(18))

    stalls: Mapped[list[Stall]] = relationship(back_populates="market")


class Stall(Timestamped, Base):
    """A numbered stall of a market; the merchant trading there, when known."""

    __tablename__ = "stalls"
    __table_args__ = (UniqueConstraint("market_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchants.id"), index=True)

    market: Mapped[Market] = relationship(back_populates="stalls")
    merchant: Mapped[Merchant | None] = relationship()


class Device(Timestamped, Base):
    """A self-service fair scale that posts re-weigh readings with its own token.

    k is the re-weigh multiplier of 零售商品称重计量监督管理办法 第六条: 1 when the
    scale's maximum permitted error is at most 1/3 of the deviation (high accuracy),
    2 for an ordinary verified trade scale.
    """

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    high_accuracy: Mapped[bool] = mapped_column(Boolean, default=False)
    # The next due date of its instrument's latest passed verification (kept equal to
    # `Instrument.verification_due`): a reading taken after it is not assessable.
    verification_due: Mapped[date | None] = mapped_column(Date)
    # The day the host was last told that the scale's readings are not assessable
    # because its verification lapsed: once per scale per day, not per reading.
    lapse_notified_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    market: Mapped[Market] = relationship()

    @property
    def k(self) -> int:
        return 1 if self.high_accuracy else 2

    @property
    def district_code(self) -> str:
        return self.market.district_code
