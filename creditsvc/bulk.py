"""Bulk writing: chunks of rows, table by table, as fast as the database allows. The demo
city loads through it, and a rescore writes its tallies and snapshots with it.

On PostgreSQL rows go through psycopg's binary COPY, one COPY per run of chunks of the same
table, inside the session's transaction; elsewhere (SQLite) through an executemany of a Core
insert. A chunk is either a list of row dicts or a dict of columns (numpy arrays or lists),
so large tables are written without building a Python object per value twice.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

Columns = dict[str, Sequence[Any]]
Chunk = list[dict] | Columns
SLICE = 50_000  # rows converted to Python values at a time: bounds memory on big chunks
# PostgreSQL's binary timestamptz is int64 microseconds since 2000-01-01 UTC; sending numpy
# times as that integer avoids building a datetime object for each of 20 million readings.
PG_EPOCH = np.datetime64("2000-01-01T00:00:00", "us")
INT8_OID = 20
TIMESTAMP_OIDS = (1114, 1184)
# A json column's binary COPY form is its text as is (PostgreSQL's json_recv), the same
# bytes as a bytea's: json columns are sent as orjson's bytes, far cheaper than psycopg's
# per-value json.dumps (see BENCHMARKS.md, 'Full rescore').
JSON_OID, BYTEA_OID = 114, 17


def as_columns(chunk: Chunk) -> Columns:
    """A chunk as columns, whichever form it came in."""
    if isinstance(chunk, dict):
        return chunk
    return {name: [row[name] for row in chunk] for name in chunk[0]} if chunk else {}


def row_count(columns: Columns) -> int:
    return len(next(iter(columns.values()))) if columns else 0


class Loader:
    """Writes (table, chunk) pairs and keeps, per table, the rows written and the seconds
    spent generating and writing them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.rows: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self._copy: Any = None
        self._key: tuple | None = None
        self._json: list[int] = []  # positions of json columns in the open COPY
        self._stack = ExitStack()

    def load(self, chunks: Iterable[tuple[Table, Chunk]]) -> None:
        """Write every chunk; the time to produce a chunk counts for its table."""
        started = time.perf_counter()
        try:
            for table, chunk in chunks:
                columns = as_columns(chunk)
                if columns:
                    self._write(table, columns)
                    self.rows[table.name] += row_count(columns)
                now = time.perf_counter()
                self.seconds[table.name] += now - started
                started = now
        except BaseException as exc:
            # End an open COPY with the error, or the connection stays locked by it and
            # the caller's rollback would wait forever.
            self._stack.__exit__(type(exc), exc, exc.__traceback__)
            self._copy, self._key = None, None
            raise
        self.finish()

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        """Count the block's seconds under `step` (a step after the tables: keys, outbox)."""
        started = time.perf_counter()
        yield
        self.seconds[step] += time.perf_counter() - started

    def finish(self) -> None:
        """End the open COPY; the server's share of the work shows up here."""
        if self._key is not None:
            started = time.perf_counter()
            self._stack.close()
            self.seconds[self._key[0].name] += time.perf_counter() - started
        self._copy, self._key = None, None

    def _write(self, table: Table, columns: Columns) -> None:
        if not self.postgres:
            names = list(columns)
            for start in range(0, row_count(columns), SLICE):
                values = [_python(columns[name][start : start + SLICE]) for name in names]
                rows = [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
                self.session.execute(insert(table), rows)
            return
        key = (table, tuple(columns), tuple(_is_numpy_time(v) for v in columns.values()))
        if key != self._key:
            self.finish()
            self._start(key)
        for start in range(0, row_count(columns), SLICE):
            values = [_binary(v[start : start + SLICE]) for v in columns.values()]
            for i in self._json:
                values[i] = [orjson.dumps(value) for value in values[i]]
            for row in zip(*values, strict=True):
                self._copy.write_row(row)

    def _start(self, key: tuple) -> None:
        table, names, numpy_times = key
        cursor = self._stack.enter_context(self._driver().cursor())
        listed = ", ".join(names)
        cursor.execute(f"SELECT {listed} FROM {table.name} LIMIT 0")  # noqa: S608 - our names
        types = [
            INT8_OID if numpy_time and column.type_code in TIMESTAMP_OIDS else column.type_code
            for column, numpy_time in zip(cursor.description, numpy_times, strict=True)
        ]
        self._json = [i for i, oid in enumerate(types) if oid == JSON_OID]
        types = [BYTEA_OID if oid == JSON_OID else oid for oid in types]
        statement = f"COPY {table.name} ({listed}) FROM STDIN (FORMAT BINARY)"
        self._copy = self._stack.enter_context(cursor.copy(statement))
        self._copy.set_types(types)
        self._key = key

    def _driver(self) -> Any:
        return self.session.connection().connection.driver_connection


def _is_numpy_time(values: Sequence[Any]) -> bool:
    return isinstance(values, np.ndarray) and values.dtype.kind == "M"


def _binary(values: Sequence[Any]) -> list:
    """Python values for psycopg's binary COPY (numpy times as PostgreSQL microseconds)."""
    if not isinstance(values, np.ndarray):
        return list(values)
    if values.dtype.kind == "M" and values.dtype != np.dtype("datetime64[D]"):
        return ((values.astype("datetime64[us]") - PG_EPOCH) // np.timedelta64(1, "us")).tolist()
    return values.tolist()


def _python(values: Sequence[Any]) -> list:
    """Python values for a Core insert. Numpy times become naive UTC datetimes: SQLite
    stores a DateTime without its zone anyway, so a `replace(tzinfo=...)` per value would
    be work for nothing."""
    if not isinstance(values, np.ndarray):
        return list(values)
    if values.dtype.kind == "M" and values.dtype != np.dtype("datetime64[D]"):
        return values.astype("datetime64[us]").tolist()
    return values.tolist()


def first_free_ids(session: Session, tables: Iterable[Table]) -> dict[str, int]:
    """max(id) + 1 of each table: where explicitly numbered rows may start."""
    return {table.name: (session.scalar(select(func.max(table.c.id))) or 0) + 1 for table in tables}


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` ids for new rows of `table`, taken as its own inserts would take them: from
    its PostgreSQL sequence (so concurrent writers never collide), or on SQLite, which lets
    one writer in at a time, the ids after the largest in the writer's own transaction."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
        query = text(f"SELECT nextval({sequence}) FROM generate_series(1, :n)")  # noqa: S608
        return list(session.scalars(query, {"n": count}))
    start = first_free_ids(session, [table])[table.name]
    return list(range(start, start + count))


def advance_sequences(session: Session, tables: Iterable[Table]) -> None:
    """Move PostgreSQL's id sequences past explicitly numbered rows (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
        session.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table.name}"))  # noqa: S608


def analyze(session: Session, table: Table) -> None:
    """Fresh planner statistics for a table a bulk write has just filled or rewritten
    (PostgreSQL; SQLite plans without them). Until autovacuum comes by, the planner
    would take the new rows for a handful and join them the slow way."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {table.name}"))


def defer_constraints(session: Session, tables: Sequence[Table]) -> list[str]:
    """On PostgreSQL, drop the tables' foreign keys, unique constraints and secondary indexes;
    return the statements that rebuild them from their own definitions (`restore`).

    Building an index once and validating a foreign key with one join is many times faster
    than checking 20 million rows one by one (PostgreSQL manual, 14.4 Populating a
    Database). It all happens in the load's transaction: a failed load gets them back.
    """
    if session.get_bind().dialect.name != "postgresql":
        return []
    return [statement for table in tables for statement in _drop_constraints(session, table.name)]


def restore_constraints(session: Session, statements: list[str]) -> None:
    """Rebuild what `defer_constraints` dropped: indexes and unique constraints first."""
    if not statements:
        return
    session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for statement in sorted(statements, key=lambda s: " FOREIGN KEY " in s):
        session.execute(text(statement))


def _drop_constraints(session: Session, table: str) -> list[str]:
    """Drop and return the statements that recreate them. Primary keys stay, and so do
    unique constraints and indexes that another table's foreign key relies on."""
    constraints = session.execute(
        text(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint AS c"
            " WHERE c.conrelid = CAST(:t AS regclass) AND (c.contype = 'f' OR c.contype = 'u'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS f"
            " WHERE f.contype = 'f' AND f.conindid = c.conindid)) ORDER BY c.conname"
        ),
        {"t": table},
    ).all()
    indexes = session.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index AS x"
            " JOIN pg_class AS i ON i.oid = x.indexrelid WHERE x.indrelid = CAST(:t AS regclass)"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = x.indexrelid)"
            " ORDER BY i.relname"
        ),
        {"t": table},
    ).all()
    recreate = []
    for name, definition in constraints:
        session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        session.execute(text(f'DROP INDEX "{name}"'))
        # A partitioned table's index is defined ON ONLY the parent, which would build no
        # partition's index: rebuilt on the whole table (readings on PostgreSQL).
        recreate.append(definition.replace(" ON ONLY ", " ON ", 1))
    return recreate
