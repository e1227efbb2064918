"""The month partitions of the readings table on PostgreSQL (issue 21).

A partition holds one month of the bureau's clock (`creditsvc.months.Month`: from
Shanghai midnight on its first day), the month every page, export and rule counts in (the
risk model's calendar months, `scoring.risk_features`), so a month's partition is exactly
the evidence of that month, and archiving it takes no reading of the month before or
after. Bounds are written as timestamptz with the offset, so they mean the same moment
whatever the session's time zone.

A DEFAULT partition takes a reading no month partition covers (a scale whose clock runs
years ahead), so an insert never fails for want of a partition; the maintenance job
(`creditsvc.jobs.partitions`) moves such rows into their month's partition.

Every function takes the connection to work on, so that migration 0031 and the job share
them; none commits. SQLite keeps a plain table: `partitioned()` is False there and
nothing here is called.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, column, select, table, text

from creditsvc.models import Reading
from creditsvc.months import Month
from creditsvc.sql_dates import month_start, shanghai_day

TABLE = "readings"
DEFAULT = "readings_default"
MONTH_TABLE = re.compile(r"^readings_(\d{4})_(\d{2})$")
COLUMNS = ", ".join(c.name for c in Reading.__table__.c)


def table_of(month: Month) -> str:
    """The name of a month's partition (or of its table, once detached)."""
    return f"readings_{month.year:04d}_{month.month:02d}"


def month_of_table(name: str) -> Month | None:
    """The month a partition's name stands for; None for any other table."""
    match = MONTH_TABLE.match(name)
    return Month(int(match.group(1)), int(match.group(2))) if match else None


def bounds(month: Month) -> str:
    """The partition bound clause, with Shanghai's offset written out."""
    return f"FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"


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
    return sorted(m for m in map(month_of_table, attached(conn)) if m is not None)


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
    return sorted(m for m in map(month_of_table, rows.scalars()) if m is not None)


def create_month(conn: Connection, month: Month) -> int:
    """Make `month`'s partition, moving into it whatever the default partition holds of
    that month; the number of rows moved. PostgreSQL refuses a new partition whose range
    the default partition holds rows of, so the month is filled as a table of its own and
    then attached (which builds its indexes and checks its bound), in the caller's
    transaction."""
    name = table_of(month)
    conn.execute(text(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)"))
    moved = conn.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE measured_at >= :start"  # noqa: S608
            f" AND measured_at < :end RETURNING {COLUMNS})"
            f" INSERT INTO {name} ({COLUMNS}) SELECT {COLUMNS} FROM moved"
        ),
        {"start": month.start, "end": month.end},
    ).rowcount
    attach = f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES {bounds(month)}"
    conn.execute(text(attach))
    return moved


def months_in_default(conn: Connection) -> list[Month]:
    """The months the default partition holds readings of."""
    measured_at = column("measured_at")
    month = month_start(shanghai_day(measured_at))
    days = conn.execute(select(month).distinct().select_from(table(DEFAULT, measured_at)))
    return sorted(Month.of_day(day) for day in days.scalars())


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
            "month": month_of_table(name),
            "rows": conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one(),  # noqa: S608
            "bytes": size,
        }
        for name, size in rows
    ]
