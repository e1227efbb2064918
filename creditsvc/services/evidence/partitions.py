"""The month partitions of the readings table on PostgreSQL (issue 21).

A month starts at Shanghai midnight on its first day: December 2026 holds the readings
measured from '2026-12-01 00:00+08' up to '2027-01-01 00:00+08'. That is the month every
page, export and rule counts in (the bureau's clock is Asia/Shanghai; the risk model's
calendar months, `scoring.risk_features`), so a month's partition is exactly the evidence
of that month, and archiving it takes no reading of the month before or after. Bounds are
written as timestamptz with the offset, so they mean the same moment whatever the
session's time zone.

A DEFAULT partition takes a reading no month partition covers (a scale whose clock runs
years ahead), so an insert never fails for want of a partition; the maintenance job
(`creditsvc.jobs.partitions`) moves such rows into their month's partition.

Every function takes the connection to work on, so that migration 0031 and the job share
them; none commits. SQLite keeps a plain table: `partitioned()` is False there and
nothing here is called.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

from creditsvc import clock
from creditsvc.models import Reading
from creditsvc.workdays import SHANGHAI

TABLE = "readings"
DEFAULT = "readings_default"
MONTH_TABLE = re.compile(r"^readings_(\d{4})_(\d{2})$")
COLUMNS = ", ".join(c.name for c in Reading.__table__.c)


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month of the bureau's clock."""

    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime) -> Month:
        local = clock.local(moment)
        return cls(local.year, local.month)

    @classmethod
    def parse(cls, value: str) -> Month:
        """'2026-12' → Month(2026, 12); ValueError for anything else."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"not a month (YYYY-MM): {value!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of_table(cls, name: str) -> Month | None:
        match = MONTH_TABLE.match(name)
        return cls(int(match.group(1)), int(match.group(2))) if match else None

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def table(self) -> str:
        return f"readings_{self.year:04d}_{self.month:02d}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        return self.plus(1).start

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def through(self, last: Month) -> Iterator[Month]:
        """This month and each after it up to `last`, included."""
        month = self
        while month <= last:
            yield month
            month = month.plus(1)

    def bounds(self) -> str:
        """The partition bound clause, with Shanghai's offset written out."""
        return f"FROM ('{self.start.isoformat()}') TO ('{self.end.isoformat()}')"


def partitioned(conn: Connection) -> bool:
    """Whether `readings` is a partitioned table here (PostgreSQL after migration 0031)."""
    if conn.dialect.name != "postgresql":
        return False
    kind = text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:t)")
    return conn.execute(kind, {"t": TABLE}).scalar() == "p"


def attached(conn: Connection) -> set[str]:
    """The names of the partitions attached to `readings`, the default one included."""
    rows = conn.execute(
        text("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass(:t)"),
        {"t": TABLE},
    )
    return set(rows.scalars())


def attached_months(conn: Connection) -> list[Month]:
    return sorted(m for m in map(Month.of_table, attached(conn)) if m is not None)


def detached(conn: Connection) -> list[Month]:
    """Month tables that exist but are no partition: an archive interrupted after the
    detach (`creditsvc.services.evidence.archive`)."""
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            " AND c.relname ~ '^readings_[0-9]{4}_[0-9]{2}$' AND NOT c.relispartition"
        )
    )
    return sorted(m for m in map(Month.of_table, rows.scalars()) if m is not None)


def create_month(conn: Connection, month: Month) -> int:
    """Make `month`'s partition, moving into it whatever the default partition holds of
    that month; the number of rows moved. PostgreSQL refuses a new partition whose range
    the default partition holds rows of, so the month is filled as a table of its own and
    then attached (which builds its indexes and checks its bound), in the caller's
    transaction."""
    conn.execute(text(f"CREATE TABLE {month.table} (LIKE {TABLE} INCLUDING DEFAULTS)"))
    moved = conn.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE measured_at >= :start"  # noqa: S608
            f" AND measured_at < :end RETURNING {COLUMNS})"
            f" INSERT INTO {month.table} ({COLUMNS}) SELECT {COLUMNS} FROM moved"
        ),
        {"start": month.start, "end": month.end},
    ).rowcount
    attach = f"ALTER TABLE {TABLE} ATTACH PARTITION {month.table} FOR VALUES {month.bounds()}"
    conn.execute(text(attach))
    return moved


def months_in_default(conn: Connection) -> list[Month]:
    """The months the default partition holds readings of."""
    rows = conn.execute(
        text(
            f"SELECT DISTINCT date_trunc('month', measured_at AT TIME ZONE '{SHANGHAI.key}')"  # noqa: S608
            f" FROM {DEFAULT}"
        )
    )
    return sorted(Month(day.year, day.month) for day in rows.scalars())


def ensure_months(conn: Connection, first: Month, last: Month) -> list[Month]:
    """Create each missing partition from `first` to `last`; the months created."""
    present = set(attached_months(conn)) | set(detached(conn))
    made = [m for m in first.through(last) if m not in present]
    for month in made:
        create_month(conn, month)
    return made


def sizes(conn: Connection) -> list[dict]:
    """Each attached partition: its name, month (None for the default), rows and bytes."""
    rows = conn.execute(
        text(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:t)"
            " ORDER BY c.relname"
        ),
        {"t": TABLE},
    ).all()
    return [
        {
            "table": name,
            "month": Month.of_table(name),
            "rows": conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one(),  # noqa: S608
            "bytes": size,
        }
        for name, size in rows
    ]
