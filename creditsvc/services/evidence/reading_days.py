"""Daily re-weigh tallies (`ReadingDay`): each merchant's readings counted per Shanghai day
in the transaction that stores or voids them (issue 21), so scoring sums a few rows per
merchant instead of counting the readings table.

One count (`counted`), several ways in: `backfill` counts the readings already stored
(the migration that creates the table; the demo city, which loads readings by COPY);
`added_from` counts the rows ingest's INSERT stored, in that same statement (PostgreSQL);
`add` the rows a batch stored on SQLite, or one reading stored through the ORM; `remove`
takes a reading out when its Void is stored. Readings are never edited, deleted or moved
to another merchant (DESIGN.md §3), so nothing else changes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, FromClause, Select, event, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite

from creditsvc import clock
from creditsvc.models import Reading, ReadingDay, Void
from creditsvc.models import reading as reading_model
from creditsvc.sql_dates import shanghai_day

DAYS = ReadingDay.__table__
COUNTS = ("readings", "assessable", "short", "shortfall_g")
FIELDS = ("merchant_id", "measured_at", "verdict", "shortfall_g")  # what a day counts


def day_of(moment) -> date:
    """A reading's day, as `shanghai_day` computes it in SQL."""
    return clock.local(moment).date()


def counted(readings: FromClause) -> Select:
    """Per merchant and Shanghai day, the days' columns counted from `readings` (the
    table, or the rows an INSERT returned: merchant_id, measured_at, verdict, shortfall_g)."""
    c = readings.c
    day = shanghai_day(c.measured_at)
    short = c.verdict == "short"
    return select(
        c.merchant_id,
        day,
        func.count(),
        func.count().filter(reading_model.assessable(c.verdict)),
        func.count().filter(short),
        func.coalesce(func.sum(c.shortfall_g).filter(short), 0.0),
    ).group_by(c.merchant_id, day)


def backfill(connection: Connection) -> int:
    """Count every reading not voided into `reading_days`, which holds none of them yet:
    one INSERT ... SELECT ... GROUP BY. Returns the number of days written."""
    readings = Reading.__table__
    not_void = ~exists().where(Void.evidence_kind == "reading", Void.evidence_id == readings.c.id)
    stmt = DAYS.insert().from_select(
        ["merchant_id", "day", *COUNTS], counted(readings).where(not_void)
    )
    return connection.execute(stmt).rowcount


def added_from(stored: FromClause) -> postgresql.Insert:
    """PostgreSQL: the upsert adding the readings an INSERT ... RETURNING stored (a CTE)
    to their days, for ingest to run in the same statement as that INSERT."""
    rows = counted(stored)
    # In key order: two batches adding to the same days lock them in the same order.
    rows = rows.order_by(*rows.selected_columns[:2])
    stmt = postgresql.insert(DAYS).from_select(["merchant_id", "day", *COUNTS], rows)
    return _adding(stmt)


def _adding(stmt):
    """ON CONFLICT: add the new counts to the day's."""
    return stmt.on_conflict_do_update(
        index_elements=[DAYS.c.merchant_id, DAYS.c.day],
        set_={name: DAYS.c[name] + stmt.excluded[name] for name in COUNTS},
    )


def add(connection: Connection, readings: Iterable[dict]) -> None:
    """Count readings just stored (rows with merchant_id, measured_at, verdict and
    shortfall_g) into their days: one upsert that adds to the days already counted."""
    days: dict[tuple[int, date], list] = {}
    for row in readings:
        counts = days.setdefault((row["merchant_id"], day_of(row["measured_at"])), [0, 0, 0, 0.0])
        counts[0] += 1
        counts[1] += row["verdict"] != "not_assessable"
        if row["verdict"] == "short":
            counts[2] += 1
            counts[3] += row["shortfall_g"]
    if days:
        _upsert(connection, days)


def _upsert(connection: Connection, days: dict[tuple[int, date], list]) -> None:
    # In key order: two batches adding to the same days lock them in the same order.
    rows = [
        {"merchant_id": m, "day": d, **dict(zip(COUNTS, counts, strict=True))}
        for (m, d), counts in sorted(days.items())
    ]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(_adding(dialect.insert(DAYS)), rows)


def remove(connection: Connection, reading_id: int) -> None:
    """Take a reading just voided out of its day's counts: added back negated."""
    readings = Reading.__table__
    found = connection.execute(
        select(*(readings.c[name] for name in FIELDS)).where(readings.c.id == reading_id)
    ).one()
    row = dict(zip(FIELDS, found, strict=True))
    short = row["verdict"] == "short"
    day = (row["merchant_id"], day_of(row["measured_at"]))
    counts = [-1, -int(row["verdict"] != "not_assessable"), -int(short)]
    _upsert(connection, {day: [*counts, -row["shortfall_g"] if short else 0.0]})


def connect() -> None:
    """Keep the days of readings stored and voided one at a time through the ORM (a
    correction, the demo's scenes, tests' records) as ingest keeps its batches'; once
    per process (`creditsvc.reactions`)."""
    event.listen(Reading, "after_insert", _reading_stored)
    event.listen(Void, "after_insert", _void_stored)


def _reading_stored(_mapper, connection: Connection, reading: Reading) -> None:
    add(connection, [{name: getattr(reading, name) for name in FIELDS}])


def _void_stored(_mapper, connection: Connection, void: Void) -> None:
    if void.evidence_kind == "reading":
        remove(connection, void.evidence_id)
