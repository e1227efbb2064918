"""readings partitioned by month on PostgreSQL (issue 21)

The readings table becomes a table partitioned by range of `measured_at`, one partition
per month of the bureau's clock (a month starts at Shanghai midnight on its first day,
'2026-12-01 00:00+08': `creditsvc.services.evidence.partitions`), from the month of the
oldest reading to PARTITIONS_AHEAD months past today, plus a DEFAULT partition for
anything outside them. SQLite keeps its plain table.

How the rows move, the fastest way measured at city scale (benchmarks/
readings_partitions.py): the old table is renamed, a partitioned table with the same
columns and no index or constraint is made with its partitions, and the rows are copied
with ONE `INSERT ... SELECT`, which routes each row to its month in a single pass over the
old table (one `INSERT ... SELECT` per month would scan it once per month). Only then are
the keys and the index built, each partition's by a bulk sort instead of row by row, and
the foreign keys checked by one join each. Ids are copied as they are and the id sequence
moves to the new table, so every reading keeps its id and new ids follow on.

PostgreSQL requires every unique key of a partitioned table to include the partition
key: the primary key becomes (id, measured_at) and (device_id, seq) becomes
(device_id, seq, measured_at). A resend of the same seq with a different time is then no
longer refused by the database; ingest checks the seq alone before inserting
(`services/evidence/readings.py`). No foreign key points at readings (voids and
objections name a reading by kind and id), so none has to change.

The whole conversion is one transaction: readings cannot be written meanwhile, and a
failure leaves the plain table as it was. Downgrade copies the attached partitions back
into a plain table; archived months (STORAGE_DIR/archive/readings) stay archived.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 19:30:00

"""

from alembic import op
from sqlalchemy import text

from creditsvc import clock
from creditsvc.months import Month
from creditsvc.services.evidence.partitions import DEFAULT, TABLE, bounds, table_of

# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

# Months made ahead of today here; the nightly job keeps READINGS_PARTITIONS_AHEAD.
PARTITIONS_AHEAD = 3
KEYS = (
    "ADD CONSTRAINT pk_readings PRIMARY KEY (id, measured_at)",
    "ADD CONSTRAINT uq_readings_device_id_seq_time UNIQUE (device_id, seq, measured_at)",
)
PLAIN_KEYS = (
    "ADD CONSTRAINT pk_readings PRIMARY KEY (id)",
    "ADD CONSTRAINT uq_readings_device_id UNIQUE (device_id, seq)",
)
FOREIGN_KEYS = (
    "ADD CONSTRAINT fk_readings_device_id_devices FOREIGN KEY (device_id) REFERENCES devices (id)",
    "ADD CONSTRAINT fk_readings_merchant_id_merchants"
    " FOREIGN KEY (merchant_id) REFERENCES merchants (id)",
    "ADD CONSTRAINT fk_readings_stall_id_stalls FOREIGN KEY (stall_id) REFERENCES stalls (id)",
)
INDEX = "CREATE INDEX ix_readings_merchant_time ON readings (merchant_id, measured_at)"


def _constrain(keys: tuple[str, ...]) -> None:
    for clause in keys + FOREIGN_KEYS:
        op.execute(f"ALTER TABLE {TABLE} {clause}")
    op.execute(INDEX)
    op.execute(f"ANALYZE {TABLE}")  # fresh statistics for the first queries after


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    span = text("SELECT min(measured_at) FROM readings")
    oldest = conn.execute(span).one()[0]
    now = clock.now()
    first = Month.of(oldest or now)
    # A reading dated past the months ahead (a scale whose clock ran ahead) waits in the
    # default partition; the nightly job makes its month alone and moves it there.
    last = Month.of(now).plus(PARTITIONS_AHEAD)

    op.execute("ALTER TABLE readings RENAME TO readings_plain")
    op.execute(
        f"CREATE TABLE {TABLE} (LIKE readings_plain INCLUDING DEFAULTS)"
        " PARTITION BY RANGE (measured_at)"
    )
    for month in first.through(last):
        op.execute(f"CREATE TABLE {table_of(month)} PARTITION OF {TABLE} FOR VALUES {bounds(month)}")
    op.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
    op.execute(f"INSERT INTO {TABLE} SELECT * FROM readings_plain")  # noqa: S608
    op.execute(f"ALTER SEQUENCE readings_id_seq OWNED BY {TABLE}.id")
    op.execute("DROP TABLE readings_plain")
    _constrain(KEYS)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    op.execute(f"CREATE TABLE readings_plain (LIKE {TABLE} INCLUDING DEFAULTS)")
    op.execute(f"INSERT INTO readings_plain SELECT * FROM {TABLE}")  # noqa: S608
    op.execute("ALTER SEQUENCE readings_id_seq OWNED BY readings_plain.id")
    op.execute(f"DROP TABLE {TABLE}")  # and its partitions
    op.execute(f"ALTER TABLE readings_plain RENAME TO {TABLE}")
    _constrain(PLAIN_KEYS)
