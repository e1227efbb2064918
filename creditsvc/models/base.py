"""Declarative base shared by every model, with constraint names Alembic can rely on."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Constraint, DateTime, Index, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        # SQLite keeps no offset: a moment given in Shanghai time (creditsvc.clock) is
        # written and compared as its UTC time, or it would land 8 hours off.
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def postgresql_only(index: Index) -> Index:
    """An index only PostgreSQL can build (a trigram index): created there, not elsewhere."""
    return dialect_only(index, "postgresql")


SchemaItem = TypeVar("SchemaItem", Index, Constraint)


def dialect_only(item: SchemaItem, dialect: str) -> SchemaItem:
    """An index or constraint of one database only: created there, not elsewhere."""
    item.info["dialect"] = dialect
    return item.ddl_if(dialect=dialect)


# The month partitions of a partitioned table (readings_2026_12, readings_default): made
# and dropped by the partition maintenance, not declared as models.
PARTITION_NAME = re.compile(r"^\w+_(\d{4}_\d{2}|default)$")
PARTITIONED_TABLES = ("readings",)


def is_partition(name: str) -> bool:
    match = PARTITION_NAME.match(name)
    return bool(match) and name[: match.start(1) - 1] in PARTITIONED_TABLES


def sqlite_only(index: Index) -> Index:
    """An index as SQLite must spell it (no NULLS LAST, where NULL sorts first anyway):
    created there, not elsewhere."""
    index.info["dialect"] = "sqlite"
    return index.ddl_if(dialect="sqlite")


def schema_objects_of(dialect: str) -> Callable[..., bool]:
    """Alembic's `include_object` for a database: an index or constraint made for another
    dialect is neither expected in its schema nor reported missing, and the partitions of
    a partitioned table are no tables of their own."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        if type_ == "table" and reflected and compare_to is None and is_partition(name):
            return False
        return obj.info.get("dialect", dialect) == dialect if hasattr(obj, "info") else True

    return include
