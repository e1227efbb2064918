"""Re-weigh readings from self-service fair scales (自助公平秤复称记录).

On PostgreSQL the table is partitioned by range of `measured_at`, one partition per
calendar month of the bureau's clock (Asia/Shanghai), plus a default partition
(migration 0031, `creditsvc.services.evidence.partitions`). PostgreSQL requires every
unique key of a partitioned table to include the partition key, so there the primary key
is (id, measured_at) and a device's seq is unique together with its time; ingest guards
the seq alone (`services/evidence/readings.py`). SQLite keeps a plain table, unique on
(device_id, seq). The ORM maps `id` alone as the identity: ids still come from one
sequence and never repeat.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, UTCDateTime, dialect_only

SEQ_UNIQUE = "uq_readings_device_id"  # SQLite: (device_id, seq)
SEQ_TIME_UNIQUE = "uq_readings_device_id_seq_time"  # PostgreSQL: (device_id, seq, measured_at)

VERDICTS = ("within", "short", "not_assessable")
# A reading the scale could not judge, whatever it weighed: rules.md §1 presumes a
# verified scale (issue 20). `scale_unverified`: no verification on record.
SCALE_VERIFICATION_LAPSED = "scale_verification_lapsed"
SCALE_UNVERIFIED = "scale_unverified"
READING_REASON_CODES = (SCALE_VERIFICATION_LAPSED, SCALE_UNVERIFIED)


class Reading(Base):
    """One re-weigh: what the stall charged for (settled) against what the scale measured.

    Masses are grams as floats: the verdict is computed once, on arrival, from the
    exact decimal the device sent (scoring.retail) and stored with its figures.
    A device's own sequence number makes a resent batch idempotent.
    """

    __tablename__ = "readings"
    __table_args__ = (
        dialect_only(UniqueConstraint("device_id", "seq", name=SEQ_UNIQUE), "sqlite"),
        dialect_only(
            UniqueConstraint("device_id", "seq", "measured_at", name=SEQ_TIME_UNIQUE),
            "postgresql",
        ),
        Index("ix_readings_merchant_time", "merchant_id", "measured_at"),
    )

    # SQLite only auto-increments a column typed exactly INTEGER.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    stall_id: Mapped[int | None] = mapped_column(ForeignKey("stalls.id"))
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    category: Mapped[str] = mapped_column(String(16))
    unit_price: Mapped[float | None] = mapped_column(Float)
    settled_g: Mapped[float] = mapped_column(Float)
    measured_g: Mapped[float] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(8))
    k: Mapped[int] = mapped_column()
    limit_g: Mapped[float | None] = mapped_column(Float)
    shortfall_g: Mapped[float] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(16))
    # Why a reading is not assessable when the scale itself is the reason
    # (READING_REASON_CODES); None otherwise.
    reason_code: Mapped[str | None] = mapped_column(String(32))


class ReadingDay(Base):
    """One merchant's re-weighs on one Shanghai day, counted as they arrive (issue 21).

    Kept in the transaction that stores or voids readings (`services.evidence.reading_days`),
    so scoring sums these instead of counting the readings table. Voided readings are not
    counted. The policy's windows are whole days from Shanghai midnight (as the scoring has
    always counted them), so a window is a range of these rows. `shortfall_g` sums the
    shortfall of the short readings.
    """

    __tablename__ = "reading_days"

    merchant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    readings: Mapped[int] = mapped_column(Integer)
    assessable: Mapped[int] = mapped_column(Integer)
    short: Mapped[int] = mapped_column(Integer)
    shortfall_g: Mapped[float] = mapped_column(Float)


def assessable(verdict: ColumnElement[str] | None = None) -> ColumnElement[bool]:
    """The readings a verdict was reached on (short or within): the denominator of every
    short-weight rate. A not-assessable reading counts in none (零售商品称重计量监督管理办法).
    `verdict`: the column to test when the readings come from elsewhere than the table
    (the rows an INSERT returned)."""
    return (Reading.verdict if verdict is None else verdict) != "not_assessable"
