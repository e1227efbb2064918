"""The nightly upkeep of the readings partitions on PostgreSQL (issue 21), also run by
`creditsvc readings ...`: partitions made ahead, strays moved out of the default
partition, months past retention archived, an archived month restored.

Each step commits on its own, so a run stopped anywhere is finished by the next one and
running twice does nothing more: a month is detached (commit), its file written, read
back and renamed, then dropped (commit); a detached month table is an archive to finish
(`creditsvc.services.evidence.archive`). On SQLite, readings are one plain table: every
entry point says so and does nothing.
"""

from __future__ import annotations

import logging
from datetime import date

from flask import current_app

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.months import Month
from creditsvc.services.errors import Invalid
from creditsvc.services.evidence import archive, partitions

log = logging.getLogger(__name__)
SYSTEM = "system:readings-partitions"
NOT_PARTITIONED = (
    "readings partitions are a PostgreSQL feature: this database keeps readings in one "
    "plain table, nothing to do"
)


def is_partitioned() -> bool:
    return partitions.partitioned(db.session.connection())


def maintain_readings_partitions(today: date | None = None) -> dict:
    """The nightly run: finish interrupted archives, move the default partition's rows to
    their months, make READINGS_PARTITIONS_AHEAD months ahead, archive past retention."""
    if not is_partitioned():
        log.info(NOT_PARTITIONED)
        return {"partitioned": False}
    today = today or clock.today()
    conn = db.session.connection()
    finished = [_finish(month, SYSTEM) for month in partitions.detached(conn)]
    moved = {}
    for month in partitions.months_in_default(db.session.connection()):
        moved[str(month)] = partitions.create_month(db.session.connection(), month)
        db.session.commit()
    current = Month.of_day(today)
    ahead = current_app.config["READINGS_PARTITIONS_AHEAD"]
    made = partitions.ensure_months(db.session.connection(), current, current.plus(ahead))
    db.session.commit()
    archived = archive_months(None, actor=SYSTEM, today=today)
    counts = {
        "partitioned": True,
        "made": [str(m) for m in made],
        "moved": moved,
        "archived": [str(m) for m in archived] + [str(m) for m in finished],
    }
    log.info("readings partitions: %s", counts)
    return counts


def due(before: Month | None = None, today: date | None = None) -> list[Month]:
    """The attached months past retention (and before `before`, when given)."""
    limit = archive.first_kept(today or clock.today())
    if before is not None and before > limit:
        raise Invalid(
            f"months from {limit} on are within retention (the rules' window plus "
            f"READINGS_RETENTION_MONTHS): nothing before {before} may be archived"
        )
    limit = min(limit, before) if before else limit
    return [m for m in partitions.attached_months(db.session.connection()) if m < limit]


def archive_months(
    before: Month | None, *, actor: str, today: date | None = None, dry_run: bool = False
) -> list[Month]:
    """Archive each month `due`, one at a time; the months archived (or, dry, due)."""
    months = due(before, today)
    if dry_run:
        return months
    for month in months:
        archive.detach(db.session.connection(), month, actor)
        db.session.commit()
        _finish(month, actor)
    return months


def _finish(month: Month, actor: str) -> Month:
    """Write and verify a detached month's archive, then drop its table."""
    manifest = archive.write(db.session.connection(), month)
    db.session.commit()
    archive.drop(db.session.connection(), month, manifest, actor)
    db.session.commit()
    log.info("archived readings of %s: %d rows", month, manifest["rows"])
    return month


def restore_month(month: Month, actor: str) -> dict:
    """Bring an archived month back as a partition; commits once."""
    manifest = archive.restore(db.session.connection(), month, actor)
    db.session.commit()
    log.info("restored readings of %s: %d rows", month, manifest["rows"])
    return manifest
