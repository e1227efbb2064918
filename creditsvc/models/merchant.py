"""Merchants (经营者) and their measuring instruments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from creditsvc.models.base import Base, Timestamped, postgresql_only, sqlite_only
from creditsvc.models.geography import Street
from creditsvc.models.market import Device, Market, Stall

TRADES = (
    "market_stall",
    "supermarket",
    "restaurant",
    "fuel_station",
    "optical_shop",
    "pharmacy_hospital",
    "other",
)

# Kinds of the verification registry (issue 20): pricing scales, fuel dispensers, optical
# instruments (focimeters, refractometers) and the markets' fair scales; the older codes
# stay valid for instruments registered before it.
INSTRUMENT_KINDS = (
    "pricing_scale",
    "fuel_dispenser",
    "focimeter",
    "refractometer",
    "fair_scale",
    "lensmeter",
    "taximeter",
    "water_meter",
    "gas_meter",
    "electricity_meter",
    "other",
)


class Merchant(Timestamped, Base):
    __tablename__ = "merchants"
    # A district's merchant ids straight from the index (an index-only scan): a rescore
    # selects its district's merchants in every statement it runs.
    # Public search by any part of a name (`LIKE '%…%'`) from a trigram index, not a pass
    # over every merchant: three characters or more, Chinese included (pg_trgm). A
    # district's listing is read in name order from its own index.
    __table_args__ = (
        Index("ix_merchants_district_code", "district_code", "id"),
        Index("ix_merchants_district_name", "district_code", "name", "id"),
        # The public listing sorted by last inspection (most recent first, never inspected
        # last, then by name), a district's or the city's, read in order from an index.
        # PostgreSQL must be told to put NULL last; SQLite sorts NULL first, so last in DESC,
        # and its index is of the plain columns (Alembic cannot compare an SQLite index of
        # expressions): each database's spelling has a name of its own (migration 0034).
        *(
            postgresql_only(
                Index(name, *columns, text("last_inspected_on DESC NULLS LAST"), "name", "id")
            )
            for name, columns in (
                ("ix_merchants_district_inspected", ("district_code",)),
                ("ix_merchants_inspected", ()),
            )
        ),
        *(
            sqlite_only(Index(f"{name}_lite", *columns, "last_inspected_on", "name", "id"))
            for name, columns in (
                ("ix_merchants_district_inspected", ("district_code",)),
                ("ix_merchants_inspected", ()),
            )
        ),
        postgresql_only(
            Index(
                "ix_merchants_name_trigrams",
                "name",
                postgresql_using="gin",
                postgresql_ops={"name": "gin_trgm_ops"},
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    # Set only when an officer registered a code that fails the GB 32100 check
    # character (some 2015 pilot codes do); the reason is kept with the record.
    uscc_override_reason: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(128), index=True)
    trade: Mapped[str] = mapped_column(String(32), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"), index=True)
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id"), index=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    commitment_signed_on: Mapped[date | None] = mapped_column(Date)
    # The day of the latest inspection not voided, kept as inspections are recorded and
    # voided (services.evidence.last_inspection), so the public listing sorts by it.
    last_inspected_on: Mapped[date | None] = mapped_column(Date)

    street: Mapped[Street | None] = relationship()
    market: Mapped[Market | None] = relationship()
    instruments: Mapped[list[Instrument]] = relationship(back_populates="merchant")


# A name's one- and two-character pieces, for searches too short for trigrams
# (migration 0012, creditsvc.services.registry.search).
postgresql_only(
    Index(
        "ix_merchants_name_grams",
        func.name_grams(func.lower(Merchant.name)),
        postgresql_using="gin",
    )
)


# Exactly one holder (CASE: PostgreSQL adds no booleans).
ONE_HOLDER = (
    " + ".join(
        f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
        for column in ("merchant_id", "stall_id", "market_id")
    )
    + " = 1"
)


class Instrument(Timestamped, Base):
    """A measuring instrument under mandatory verification (强制检定), held by a merchant, a
    stall or a market (exactly one of them), with its verification records.

    `verification_due` is the next due date of its latest passed verification record (or
    the date given when it was registered, before any record): kept in step by
    `services.instruments.operations`, never written elsewhere. A fair scale that posts
    readings links to its `Device`, whose own `verification_due` is kept equal to it.
    """

    __tablename__ = "instruments"
    __table_args__ = (
        CheckConstraint(
            ONE_HOLDER,
            name="one_holder",
        ),
        Index("ix_instruments_district_due", "district_code", "verification_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchants.id"), index=True)
    stall_id: Mapped[int | None] = mapped_column(ForeignKey("stalls.id"), index=True)
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), unique=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"))
    kind: Mapped[str] = mapped_column(String(32))
    serial: Mapped[str] = mapped_column(String(64), index=True)
    verification_due: Mapped[date | None] = mapped_column(Date)
    # The due date the 30-day notice was sent for: one notice per due date.
    due_notified_for: Mapped[date | None] = mapped_column(Date)

    merchant: Mapped[Merchant | None] = relationship(back_populates="instruments")
    stall: Mapped[Stall | None] = relationship()
    market: Mapped[Market | None] = relationship()
    device: Mapped[Device | None] = relationship()
