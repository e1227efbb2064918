"""Retention of fair-scale readings: months past it archived as compressed CSV, and back.

A month's partition is archived when the whole month is older than the longest window
any rule reads readings over (`rule_window_days`, from every scoring policy version and
the rules outside it) plus READINGS_RETENTION_MONTHS. Its file,
STORAGE_DIR/archive/readings/YYYY-MM.csv.gz, holds a header and every row ordered by id,
times in UTC, as PostgreSQL's COPY writes CSV; beside it YYYY-MM.json, the manifest:
month, columns, row count, the SHA-256 of the uncompressed CSV, the first and last id.

The steps are the callers' to commit one by one (`creditsvc.jobs.partitions`), so that an
interruption anywhere leaves nothing lost: the partition is DETACHED (readings no query
sees any more, still in their table), the file written under a temporary name, read back
and checked against the table, renamed, the manifest written the same way, and only then
is the table dropped. A detached month table found later is an archive to finish.
Restoring reads the file into a new table, checks count and checksum against the
manifest, and attaches it: every row back, with its id.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, text

from creditsvc.models.base import utcnow
from creditsvc.months import Month
from creditsvc.services import audit
from creditsvc.services.dashboard import SHORT_RATE_DAYS
from creditsvc.services.errors import Conflict, Invalid, NotFound
from creditsvc.services.evidence.partitions import COLUMNS, TABLE, bounds, table_of
from creditsvc.services.instruments.alerts import thresholds
from creditsvc.services.standing import policies
from creditsvc.workdays import SHANGHAI
from scoring.risk_features import READING_MONTHS

CHUNK = 1 << 20
ENTITY = "readings"  # audited under the readings, the month as the id


def folder() -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / "archive" / "readings"


def data_file(month: Month) -> Path:
    return folder() / f"{month}.csv.gz"


def manifest_file(month: Month) -> Path:
    return folder() / f"{month}.json"


def rule_window_days() -> int:
    """The longest window, in days, any rule reads readings over: the scorecard's rated
    and fair-scale windows and the fair-scale alert's, under every policy version (an old
    snapshot is recomputed under its own); the risk model's whole calendar months before
    the month of its as-of day; the host pages' short-weight rate."""
    windows = [SHORT_RATE_DAYS, (READING_MONTHS + 1) * 31]
    for policy in policies.every_version():
        windows.append(int(policy.number("rated", "reweigh_days")))
        windows.append(int(policy.number("fair_scale", "window_days")))
        windows.append(int(thresholds(policy)["window_days"]))
    return max(windows)


def first_kept(today: date) -> Month:
    """The oldest month kept in the database on `today`; months before it are archived."""
    oldest_read = datetime.combine(today - timedelta(days=rule_window_days()), time(), SHANGHAI)
    return Month.of(oldest_read).plus(-current_app.config["READINGS_RETENTION_MONTHS"])


def archived() -> list[dict]:
    """The manifests of the archived months, oldest first."""
    if not folder().exists():
        return []
    return [json.loads(path.read_text()) for path in sorted(folder().glob("????-??.json"))]


def detach(conn: Connection, month: Month, actor: str) -> None:
    """Take `month` out of the readings table; its rows stay in its own table."""
    conn.execute(text(f"ALTER TABLE {TABLE} DETACH PARTITION {table_of(month)}"))
    audit.record_action(actor, "archive", ENTITY, str(month), reason="partition detached")


def write(conn: Connection, month: Month) -> dict:
    """Write the detached `month`'s file and manifest, each under a temporary name, read
    back and checked, then renamed; the manifest. A file already there is kept if it holds
    the same rows (an archive interrupted before the drop, or a restored month archived
    again) and refused otherwise."""
    folder().mkdir(parents=True, exist_ok=True)
    partial = _temporary(data_file(month))
    rows, digest, first_id, last_id = _export(conn, month, partial)
    if (rows, digest) != _read_back(partial):
        raise Conflict(f"{partial} does not read back as written")
    manifest = {
        "month": str(month),
        "table": table_of(month),
        "from": month.start.isoformat(),
        "to": month.end.isoformat(),
        "columns": COLUMNS.split(", "),
        "rows": rows,
        "sha256": digest,
        "first_id": first_id,
        "last_id": last_id,
        "format": "CSV with a header, UTF-8, times in UTC, ordered by id (gzip)",
    }
    if manifest_file(month).exists():
        kept = json.loads(manifest_file(month).read_text())
        partial.unlink()
        if (kept["rows"], kept["sha256"]) != (rows, digest):
            raise Conflict(f"{data_file(month)} holds other rows than {table_of(month)}: both kept")
        return kept
    os.replace(partial, data_file(month))
    _write_atomically(manifest_file(month), json.dumps(manifest | {"archived_at": _now()}))
    return manifest


def drop(conn: Connection, month: Month, manifest: dict, actor: str) -> None:
    """Drop the detached table, once its count still matches the verified file."""
    count = conn.execute(text(f"SELECT count(*) FROM {table_of(month)}")).scalar_one()  # noqa: S608
    if count != manifest["rows"]:
        raise Conflict(f"{table_of(month)} has {count} rows, its archive {manifest['rows']}")
    conn.execute(text(f"DROP TABLE {table_of(month)}"))
    after = {k: manifest[k] for k in ("rows", "sha256", "first_id", "last_id")}
    audit.record_action(actor, "archive", ENTITY, str(month), after=after, reason=_name(month))


def restore(conn: Connection, month: Month, actor: str) -> dict:
    """Re-create `month`'s partition from its archive and attach it; its manifest."""
    if not manifest_file(month).exists() or not data_file(month).exists():
        raise NotFound(f"no archive of {month} in {folder()}")
    if _exists(conn, table_of(month)):
        raise Conflict(f"{table_of(month)} is already in the database: nothing restored")
    manifest = json.loads(manifest_file(month).read_text())
    conn.execute(text(f"CREATE TABLE {table_of(month)} (LIKE {TABLE} INCLUDING DEFAULTS)"))
    cursor = conn.connection.driver_connection.cursor()
    query = f"COPY {table_of(month)} ({COLUMNS}) FROM STDIN WITH (FORMAT csv, HEADER)"
    with cursor.copy(query) as copy, gzip.open(data_file(month), "rb") as source:
        while chunk := source.read(CHUNK):
            copy.write(chunk)
    check = _temporary(data_file(month))
    try:
        rows, digest, *_ = _export(conn, month, check)
    finally:
        check.unlink(missing_ok=True)
    if (rows, digest) != (manifest["rows"], manifest["sha256"]):
        raise Invalid(f"{data_file(month)} does not match its manifest: nothing restored")
    attach = f"ALTER TABLE {TABLE} ATTACH PARTITION {table_of(month)} FOR VALUES {bounds(month)}"
    conn.execute(text(attach))
    audit.record_action(actor, "restore", ENTITY, str(month), after={"rows": rows})
    return manifest


def _export(conn: Connection, month: Month, path: Path) -> tuple[int, str, int | None, int | None]:
    """Rows, SHA-256 of the CSV, first and last id of `month`'s table, written to `path`."""
    conn.execute(text("SET LOCAL TimeZone = 'UTC'"))  # the file's times, whoever reads it
    digest, rows = hashlib.sha256(), -1  # the header is no row
    query = f"COPY (SELECT {COLUMNS} FROM {table_of(month)} ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)"  # noqa: S608,E501
    cursor = conn.connection.driver_connection.cursor()
    with gzip.open(path, "wb", compresslevel=6) as out, cursor.copy(query) as copy:
        # COPY sends a row at a time: gathered into blocks, hashed and compressed per block.
        block = bytearray()
        for chunk in copy:
            block += chunk
            if len(block) >= CHUNK:
                rows += _take(block, digest, out)
        rows += _take(block, digest, out)
        out.flush()
        os.fsync(out.fileobj.fileno())
    ids = conn.execute(text(f"SELECT min(id), max(id) FROM {table_of(month)}")).one()  # noqa: S608
    return rows, digest.hexdigest(), ids[0], ids[1]


def _take(block: bytearray, digest, out) -> int:
    """Hash and write `block`, empty it; the lines it held."""
    digest.update(block)
    out.write(block)
    lines = block.count(b"\n")
    block.clear()
    return lines


def _read_back(path: Path) -> tuple[int, str]:
    digest, rows = hashlib.sha256(), -1
    with gzip.open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            rows += chunk.count(b"\n")
    return rows, digest.hexdigest()


def _write_atomically(path: Path, content: str) -> None:
    partial = _temporary(path)
    with partial.open("w") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def _temporary(path: Path) -> Path:
    """A name of this writer's own beside `path`: two runs at once (the nightly job and the
    command) never write into one file; the later one finds the archive made and kept."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")


def _exists(conn: Connection, table: str) -> bool:
    return conn.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar() is not None


def _name(month: Month) -> str:
    return f"archived to {data_file(month).name}"


def _now() -> str:
    return utcnow().isoformat()
