"""Declarative base shared by every model, with constraint names Alembic can rely on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, MetaData
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
    index.info["dialect"] = "postgresql"
    return index.ddl_if(dialect="postgresql")


def sqlite_only(index: Index) -> Index:
    """An index as SQLite must spell it (no NULLS LAST, where NULL sorts first anyway):
    created there, not elsewhere."""
    index.info["dialect"] = "sqlite"
    return index.ddl_if(dialect="sqlite")


def schema_objects_of(dialect: str) -> Callable[..., bool]:
    """Alembic's `include_object` for a database: an index made for another dialect is
    neither expected in its schema nor reported missing."""

    def include(obj, _name, type_, _reflected, _compare_to) -> bool:
        return type_ != "index" or obj.info.get("dialect", dialect) == dialect

    return include
